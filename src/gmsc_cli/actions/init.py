"""Creating a store: its tables and reference regions, with the bundled cohorts or none."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gmsc_cli.actions.importing import refuse_if_failed
from gmsc_cli.domain.findings import Findings
from gmsc_cli.domain.plan import plan_import
from gmsc_cli.format1.reader import load_all

if TYPE_CHECKING:
    from gmsc_cli.store.store import Store


def create_store(store: Store, *, bundled: bool) -> int:
    """Create the store's tables and reference regions, with the bundled cohorts unless
    `bundled` is false; return how many cohorts it holds."""
    from gmsc_cli.store.store import bundled_dataset

    sources = [bundled_dataset()] if bundled else []
    findings = Findings()
    incoming = load_all(sources, findings)
    refuse_if_failed(findings, "the bundled dataset has")
    with store.writing() as tx:
        plan = plan_import(tx.stored, incoming, replace=False)
        tx.write(plan, sources)
    return len(plan.result.cohorts)
