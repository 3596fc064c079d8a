"""Imports into the store: validate the whole ledger (store + files), then write or refuse."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from gmsc_cli.domain.arithmetic import Totals, compute
from gmsc_cli.domain.checks import check
from gmsc_cli.domain.findings import Findings, Severity
from gmsc_cli.domain.model import Ledger
from gmsc_cli.domain.plan import Plan, plan_import
from gmsc_cli.errors import DataError
from gmsc_cli.format1.reader import load_all
from gmsc_cli.views.tabular import Column, Tabular

if TYPE_CHECKING:
    from gmsc_cli.store.store import Receipt, Store


class ImportRefused(DataError):
    """The files (with the stored ledger) have errors, or conflict with the store."""

    def __init__(self, message: str, findings: Findings, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.findings = findings


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What an import did (or, with --dry-run, would do)."""

    plan: Plan
    before: Totals
    after: Totals
    findings: Findings
    dry_run: bool

    def plan_text(self) -> str:
        """The plan, a line per kind of change."""

        def years(values: tuple[int, ...]) -> str:
            return ", ".join(str(v) for v in values) or "none"

        lines = [
            f"add:       {years(self.plan.added)}",
            f"replace:   {years(self.plan.replaced)}",
            f"unchanged: {years(self.plan.unchanged)}",
            f"distinct regions (declared):   {self.before.unique_declared} -> "
            f"{self.after.unique_declared}",
            f"distinct regions (identified): {self.before.unique_identified} -> "
            f"{self.after.unique_identified}",
        ]
        return "\n".join(lines) + "\n"

    def summary(self) -> str:
        """The one closing line."""
        plan = self.plan
        counts = (
            f"{len(plan.added)} added, {len(plan.replaced)} replaced, "
            f"{len(plan.unchanged)} unchanged"
        )
        if not plan.changes:
            return f"unchanged: {counts}; the store was not written"
        moved = (
            f"distinct regions {self.before.unique_declared} -> {self.after.unique_declared} "
            f"declared, {self.before.unique_identified} -> {self.after.unique_identified} "
            "identified"
        )
        verb = "would import" if self.dry_run else "imported"
        return f"{verb}: {counts}; {moved}" + (" (dry run: nothing written)" * self.dry_run)


def _refuse_if_failed(findings: Findings, what: str) -> None:
    """Refuse the import when `findings` has errors; `what` is the subject and its verb."""
    if findings.failed():
        errors = findings.count_of(Severity.ERROR)
        raise ImportRefused(
            f"{what} {errors} error{'s' if errors != 1 else ''}",
            _notable(findings),
            hint="run gmsc validate on the files for every finding; the store is unchanged",
        )


class ImportProgress(Protocol):
    """Told how a long import advances (the CLI draws it as bars on a terminal)."""

    def reading(self, name: str, done: int, total: int) -> None:
        """`done` of `total` lines of file `name` read."""

    def writing(self, done: int, total: int) -> None:
        """`done` of `total` entries written."""


def import_files(
    store: Store,
    sources: list[tuple[str, bytes]],
    *,
    replace: bool,
    dry_run: bool,
    progress: ImportProgress | None = None,
) -> ImportOutcome:
    """Validate `sources` with the stored ledger as one ledger and write them in one
    transaction (nothing with `dry_run`); refuse on errors or conflicts."""
    findings = Findings()
    incoming = load_all(sources, findings, progress.reading if progress is not None else None)
    _refuse_if_failed(findings, "the files have")
    outcome: list[ImportOutcome] = []

    def work(stored: Ledger, _created: bool) -> Plan | None:
        plan = plan_import(stored, incoming, replace=replace)
        for conflict in plan.conflicts:
            findings.error(
                "cohort-conflict",
                conflict.at("year"),
                f"cohort {conflict.year} is already in the store with different content",
                "import with --replace to replace it (gmsc export shows the stored one)",
            )
        after = check(plan.result, findings)
        _refuse_if_failed(findings, "the import has")
        outcome.append(
            ImportOutcome(plan, compute(stored), after, _notable(findings), dry_run)
        )
        return None if dry_run else plan

    store.transaction(
        work, files=sources, on_write=progress.writing if progress is not None else None
    )
    return outcome[0]


def _notable(findings: Findings) -> Findings:
    """Errors and warnings; infos (incomplete cohorts) are `gmsc validate`'s to show."""
    return Findings(f for f in findings if f.severity is not Severity.INFO)


def create_store(store: Store, *, bundled: bool) -> int:
    """Create the store's tables and reference regions, with the bundled cohorts unless
    `bundled` is false; return how many cohorts it holds."""
    from gmsc_cli.store.store import bundled_dataset

    sources = [bundled_dataset()] if bundled else []
    findings = Findings()
    incoming = load_all(sources, findings)
    _refuse_if_failed(findings, "the bundled dataset has")
    plan = store.transaction(
        lambda stored, _created: plan_import(stored, incoming, replace=False), files=sources
    )
    return len(plan.result.cohorts) if plan else 0


def receipts_table(receipts: list[Receipt]) -> Tabular:
    """`gmsc import --history`: each import's file, hash, time and changes."""
    rows = [
        {
            "imported_at": r.imported_at,
            "file": r.file,
            "sha256": r.sha256[:12],
            "added": r.added,
            "replaced": r.replaced,
            "unchanged": r.unchanged,
        }
        for r in receipts
    ]
    return Tabular(
        title="Imports",
        columns=(
            Column("imported_at", "Imported (UTC)", numeric=False),
            Column("file", "File", numeric=False),
            Column("sha256", "SHA-256", numeric=False),
            Column("added", "Added", numeric=False),
            Column("replaced", "Replaced", numeric=False),
            Column("unchanged", "Unchanged", numeric=False),
        ),
        rows=rows,
        # Scripts get the whole hash; the table shows its first 12 characters.
        document=[dict(row, sha256=r.sha256) for row, r in zip(rows, receipts, strict=True)],
    )
