"""Creating a store: its tables and reference regions, with the bundled cohorts or none."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gmsc_cli.actions.importing import refuse_if_failed
from gmsc_cli.domain.findings import Findings
from gmsc_cli.domain.plan import plan_import
from gmsc_cli.errors import EnvironmentFailure
from gmsc_cli.format1.reader import load_all
from gmsc_cli.i18n import N_, _

if TYPE_CHECKING:
    from gmsc_cli.store.store import Store


def create_store(store: Store, *, bundled: bool) -> int:
    """Create the store's tables and reference regions, with the bundled cohorts unless
    `bundled` is false; return how many cohorts it holds."""
    from gmsc_cli.store.store import bundled_dataset

    sources = [bundled_dataset()] if bundled else []
    findings = Findings()
    incoming = load_all(sources, findings)
    refuse_if_failed(findings, N_("the bundled dataset has"))
    with store.writing(create=True) as tx:
        plan = plan_import(tx.stored, incoming, replace=False)
        tx.write(plan, sources)
    return len(plan.result.cohorts)


def init_store(store: Store, *, bundled: bool) -> int | None:
    """`gmsc init`: create the store (in an empty database too) and return its number of
    cohorts; None when a sound store is there already. Anything else at that place
    (another file, another application's database, a newer or damaged store) is refused
    as every other command refuses it."""
    from gmsc_cli.store.store import DOCTOR_HINT, damage

    if store.exists():
        with store.reading() as snap:  # refuses what is not a gmsc store of a known schema
            if snap.version is not None:
                problems = damage(snap)
                if problems:
                    raise EnvironmentFailure(
                        _("the store {store} is damaged: {problem}").format(
                            store=store.where, problem=problems[0]
                        ),
                        hint=_(DOCTOR_HINT),
                    )
                return None
    return create_store(store, bundled=bundled)
