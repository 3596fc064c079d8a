"""Ledger format 1: stated once in `spec`, from which the reader, the writer (export) and
the JSON Schema are derived; `yamltree` is positioned YAML that knows nothing of format 1.
"""
