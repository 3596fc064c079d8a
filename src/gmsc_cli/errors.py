"""Exit codes and the errors that carry them to the command line's one error boundary."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """What the process tells the shell ; documented in the README ("Exit codes")."""

    OK = 0
    DATA = 1
    """The data has errors (or warnings under --strict), or an import conflict."""
    USAGE = 2
    """Typer's usage errors."""
    ENVIRONMENT = 3
    """A file or the store cannot be read or written; the store is locked or corrupt."""
    INTERNAL = 4
    """A bug in gmsc."""


class GmscError(Exception):
    """An expected failure: the CLI prints `message` (and `hint`) and exits with `status`."""

    status: ExitStatus = ExitStatus.INTERNAL

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class DataError(GmscError):
    """The ledger is wrong: invalid data, or an import that conflicts with the store."""

    status = ExitStatus.DATA


class EnvironmentFailure(GmscError):
    """Something outside the data failed: a file, the store, a lock."""

    status = ExitStatus.ENVIRONMENT
