"""Validating ledger files: load them as one ledger (on top of the store's, for imports)
and check it, collecting every finding."""

from __future__ import annotations

from collections.abc import Iterable

from gmsc_cli.domain.checks import check
from gmsc_cli.domain.findings import Findings
from gmsc_cli.domain.model import Ledger
from gmsc_cli.format1.reader import load_all


def validate(
    sources: Iterable[tuple[str, bytes]], *, base: Ledger | None = None
) -> tuple[Ledger, Findings]:
    """Load files (name, bytes) as one ledger, on top of `base` (the store), and check it."""
    findings = Findings()
    ledger = (base or Ledger()).merged(load_all(sources, findings))
    check(ledger, findings)
    return ledger, findings
