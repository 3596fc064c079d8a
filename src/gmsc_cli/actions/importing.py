"""Imports into the store: validate the whole ledger (store + files), then write or refuse."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from gmsc_cli.domain.arithmetic import Totals, compute
from gmsc_cli.domain.checks import check
from gmsc_cli.domain.findings import Findings, Severity
from gmsc_cli.domain.model import Published
from gmsc_cli.domain.plan import Plan, plan_import
from gmsc_cli.errors import DataError
from gmsc_cli.format1.reader import load_all
from gmsc_cli.i18n import N_, _, ngettext, number

if TYPE_CHECKING:
    from gmsc_cli.store.store import Store


class ImportRefused(DataError):
    """The files (with the stored ledger) have errors, or conflict with the store."""

    def __init__(self, message: str, findings: Findings, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.findings = findings


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What an import did (or, with --dry-run, would do): the plan, the distinct totals
    before and after it, and the errors and warnings found (views/importing.py words it)."""

    plan: Plan
    before: Totals
    after: Totals
    findings: Findings
    dry_run: bool


def refuse_if_failed(findings: Findings, what: str, *, store: str | None = None) -> None:
    """Refuse the import when `findings` has errors; `what` is the subject and its verb
    ("the files have"), in English and marked with N_(): it is translated here. Errors in
    the stored ledger (`store` names it) are not the files' to validate: the hint then
    names the stored cohorts and totals involved."""
    if not findings.failed():
        return
    errors = findings.count_of(Severity.ERROR)
    hint = _("run gmsc validate on the files for every finding; the store is unchanged")
    if store is not None:
        prefix = f"{store} ("
        stored = sorted(
            {
                f.pos.file[len(prefix) : -1]
                for f in findings
                if f.severity is Severity.ERROR
                and f.pos.line == 0
                and f.pos.file.startswith(prefix)
            }
        )
        if stored:
            hint = _(
                "the error is in what is stored ({stored}), with the files: gmsc export "
                "shows it; import a corrected version with --replace. The store is unchanged"
            ).format(stored=", ".join(stored))
    raise ImportRefused(
        ngettext("{what} {count} error", "{what} {count} errors", errors).format(
            what=_(what), count=number(errors)
        ),
        _notable(findings),
        hint=hint,
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
    refuse_if_failed(findings, N_("the files have"))
    with store.writing(planning=dry_run) as tx:
        plan = plan_import(tx.stored, incoming, replace=replace)
        for conflict in plan.conflicts:
            findings.error(
                "cohort-conflict",
                conflict.at("year"),
                _("cohort {year} is already in the store with different content").format(
                    year=conflict.year
                ),
                _("import with --replace to replace it (gmsc export shows the stored one)"),
            )
        for old_total, total in plan.published_conflicts:
            findings.error(
                "published-conflict",
                total.pos,
                f"the published total through {total.through} is {old_total.unique} in the "
                f"store{_source(old_total)}; the files say {total.unique}{_source(total)}",
                "import with --replace to replace the stored total",
            )
        on_write = progress.writing if progress is not None else None
        # A store that takes the entries in the background is handed them before the
        # checks, which then run while its server stores them; a refusal below rolls the
        # transaction back, so the store is unchanged all the same.
        early = tx.background and not (dry_run or plan.conflicts or plan.published_conflicts)
        if early:
            tx.write(plan, sources, on_write=on_write)
        after = check(plan.result, findings)
        refuse_if_failed(findings, N_("the import has"), store=store.where)
        if not (dry_run or early):
            tx.write(plan, sources, on_write=on_write)
        return ImportOutcome(plan, compute(tx.stored), after, _notable(findings), dry_run)


def _source(total: Published) -> str:
    return f" ({total.source})" if total.source else ""


def _notable(findings: Findings) -> Findings:
    """Errors and warnings; infos (incomplete cohorts) are `gmsc validate`'s to show."""
    return Findings(f for f in findings if f.severity is not Severity.INFO)
