"""Use cases: validate, import, init, doctor. They return data, never text."""
