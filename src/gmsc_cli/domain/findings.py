"""Findings: what `gmsc validate` reports, each with a stable code and a position.

The codes are public API (listed in the README): scripts and CI match on them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class Severity(StrEnum):
    """How bad a finding is: errors fail a run, warnings fail it under --strict."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Pos(NamedTuple):
    """Where a value stands: file, 1-based line and column.

    A named tuple rather than a frozen dataclass: the loader makes one for every YAML
    node, and a tuple is made in half the time.
    """

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        if self.line == 0:  # not from a file: the store, or a default
            return self.file
        return f"{self.file}:{self.line}:{self.column}"


class Finding(NamedTuple):
    """One problem (or remark) about a ledger, at one position."""

    code: str
    severity: Severity
    message: str
    pos: Pos
    hint: str | None = None

    def as_dict(self) -> dict[str, object]:
        """The JSON shape documented in the README."""
        return {
            "file": self.pos.file,
            "line": self.pos.line,
            "column": self.pos.column,
            "severity": str(self.severity),
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }


class Findings(list[Finding]):
    """The findings of one run, in the order they were found."""

    def error(self, code: str, pos: Pos, message: str, hint: str | None = None) -> None:
        """Record an error."""
        self.append(Finding(code, Severity.ERROR, message, pos, hint))

    def warning(self, code: str, pos: Pos, message: str, hint: str | None = None) -> None:
        """Record a warning."""
        self.append(Finding(code, Severity.WARNING, message, pos, hint))

    def info(self, code: str, pos: Pos, message: str, hint: str | None = None) -> None:
        """Record an info."""
        self.append(Finding(code, Severity.INFO, message, pos, hint))

    def count_of(self, severity: Severity) -> int:
        """How many findings have this severity."""
        return sum(1 for f in self if f.severity is severity)

    def failed(self, *, strict: bool = False) -> bool:
        """True when the run must fail: any error, or any warning under --strict."""
        return any(
            f.severity is Severity.ERROR or (strict and f.severity is Severity.WARNING)
            for f in self
        )

    def ordered(self) -> list[Finding]:
        """Sorted by file, line and column, so reports read top to bottom."""
        return sorted(self, key=lambda f: (f.pos.file, f.pos.line, f.pos.column))
