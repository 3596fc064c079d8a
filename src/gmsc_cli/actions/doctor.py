"""`gmsc doctor`: is the store sound, does it hold a valid ledger, does it match the files?"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gmsc_cli.domain.checks import check
from gmsc_cli.domain.findings import Findings, Severity
from gmsc_cli.domain.model import Cohort, Ledger
from gmsc_cli.domain.plan import cohort_content
from gmsc_cli.domain.regions import reference
from gmsc_cli.errors import EnvironmentFailure, ExitStatus
from gmsc_cli.i18n import N_, _, ngettext, number

if TYPE_CHECKING:
    from gmsc_cli.store.store import Store


@dataclass(frozen=True, slots=True)
class Verdict:
    """One check of the doctor: its name, whether it passed, and what it found."""

    name: str
    """The check's English name (an `N_` message: the command line translates it)."""
    ok: bool
    details: tuple[str, ...] = ()


@dataclass(slots=True)
class Examination:
    """Every verdict of one run, and the files' findings when they had errors (the store
    is then not compared with them)."""

    verdicts: list[Verdict] = field(default_factory=list)
    refused_files: Findings | None = None

    @property
    def ok(self) -> bool:
        """True when every check passed."""
        return self.refused_files is None and all(v.ok for v in self.verdicts)

    @property
    def status(self) -> ExitStatus:
        """What the run tells the shell: 1 when a check found something (or the files
        have errors), else 0. A store that cannot be opened at all is an environment
        failure raised before any verdict (exit 3)."""
        return ExitStatus.OK if self.ok else ExitStatus.DATA


INTEGRITY = N_("integrity")
SCHEMA = N_("tables and columns")
VALUES = N_("stored values")
REFERENCE = N_("reference regions")
INVARIANTS = N_("ledger invariants")
DRIFT = N_("store matches the files")


def examine(store: Store, files: list[str] | None = None) -> Examination:
    """`gmsc doctor`: the database's integrity, its tables and columns, the values in
    them, then (if it can be read) the reference regions, the ledger's invariants, and
    its drift from the named files, if any. Each check names what it finds damaged."""
    from gmsc_cli.actions.inputs import read_inputs
    from gmsc_cli.actions.validating import validate
    from gmsc_cli.store.store import expected_tables

    if not store.exists():
        raise EnvironmentFailure(
            _("there is no store at {store}").format(store=store.where),
            hint=_("gmsc init creates one"),
        )
    exam = Examination()
    with store.reading() as snap:
        skipped = tuple(_(check) for check in store.backend.integrity_skipped)
        exam.verdicts.append(integrity(snap.integrity(), skipped))
        if snap.version is None:
            exam.verdicts.append(
                Verdict(
                    SCHEMA,
                    False,
                    (_("an empty database: it has no gmsc tables; gmsc init creates them"),),
                )
            )
            return exam
        missing = snap.missing(expected_tables())
        exam.verdicts.append(Verdict(SCHEMA, not missing, tuple(missing)))
        if missing:
            return exam
        bad = snap.damaged_values()
        exam.verdicts.append(Verdict(VALUES, not bad, _first(bad)))
        if bad:
            return exam
        ledger = snap.ledger()
        exam.verdicts.append(reference_drift(snap.regions()))
    exam.verdicts.append(invariants(ledger))
    if files:
        written, findings = validate(read_inputs(files))
        if findings.failed():
            return Examination(refused_files=findings)
        exam.verdicts.append(drift(ledger, written))
    return exam


def _first(problems: list[str], count: int = 20) -> tuple[str, ...]:
    """At most `count` problems, and how many more there are."""
    shown = problems[:count]
    if len(problems) > count:
        more = len(problems) - count
        shown.append(
            ngettext("... and {count} more", "... and {count} more", more).format(
                count=number(more)
            )
        )
    return tuple(shown)


def integrity(problems: list[str] | None, skipped: tuple[str, ...] = ()) -> Verdict:
    """The database's own integrity and foreign-key checks, and the checks that this kind
    of database does not allow (said, not silently passed)."""
    if problems is None:
        return Verdict(INTEGRITY, True, skipped or (_("left to the database server"),))
    return Verdict(INTEGRITY, not problems, (*_first(problems), *skipped))


def reference_drift(stored: dict[str, tuple[str, str, str]]) -> Verdict:
    """The store's copy of the reference regions equals this gmsc's."""
    shipped = {r.code: (r.name, r.kind, r.province_code) for r in reference().regions.values()}
    details = [
        _("{code}: store has {stored}, reference has {shipped}").format(
            code=code, stored=stored.get(code), shipped=shipped.get(code)
        )
        for code in sorted(set(stored) | set(shipped))
        if stored.get(code) != shipped.get(code)
    ]
    return Verdict(REFERENCE, not details, tuple(details[:20]))


def invariants(ledger: Ledger) -> Verdict:
    """The stored ledger passes every check `gmsc validate` makes across cohorts."""
    findings = Findings()
    check(ledger, findings)
    problems = [
        f"{f.severity}[{f.code}] {f.message}" for f in findings if f.severity is not Severity.INFO
    ]
    return Verdict(INVARIANTS, not problems, tuple(problems))


def _describe_change(stored: Cohort, written: Cohort) -> list[str]:
    """How a file's cohort differs from the stored one, entry by entry."""
    before = {e.code: e for e in stored.entries}
    after = {e.code: e for e in written.entries}
    lines = []
    for code in sorted(set(after) - set(before)):
        lines.append(
            _("{year}: {name} ({code}) only in the files").format(
                year=written.year, name=after[code].name, code=code
            )
        )
    for code in sorted(set(before) - set(after)):
        lines.append(
            _("{year}: {name} ({code}) only in the store").format(
                year=written.year, name=before[code].name, code=code
            )
        )
    for code in sorted(set(before) & set(after)):
        old, new = before[code], after[code]
        if (old.status, old.sources, old.note) != (new.status, new.sources, new.note):
            lines.append(
                _("{year}: {name} ({code}) differs (status, sources or note)").format(
                    year=written.year, name=new.name, code=code
                )
            )
    for key in ("declared", "declared_repeats", "title", "mou_date", "sources"):
        if getattr(stored, key) != getattr(written, key):
            lines.append(
                _("{year}: {key} is {stored} in the store, {files} in the files").format(
                    year=written.year,
                    key=key,
                    stored=repr(getattr(stored, key)),
                    files=repr(getattr(written, key)),
                )
            )
    if not lines:
        lines.append(_("{year}: the order of the entries differs").format(year=written.year))
    return lines


def drift(stored: Ledger, files: Ledger) -> Verdict:
    """Differences between the stored ledger and the ledger of the given files."""
    in_store = {c.year: c for c in stored.cohorts}
    in_files = {c.year: c for c in files.cohorts}
    details: list[str] = []
    for year in sorted(set(in_store) | set(in_files)):
        if year not in in_files:
            details.append(_("{year}: cohort only in the store").format(year=year))
        elif year not in in_store:
            details.append(_("{year}: cohort only in the files").format(year=year))
        elif cohort_content(in_store[year]) != cohort_content(in_files[year]):
            details += _describe_change(in_store[year], in_files[year])
    stored_totals = {(p.through, p.unique) for p in stored.published}
    file_totals = {(p.through, p.unique) for p in files.published}
    for through, unique in sorted(stored_totals ^ file_totals):
        message = (
            _("published total {unique} through {through} only in the store")
            if (through, unique) in stored_totals
            else _("published total {unique} through {through} only in the files")
        )
        details.append(message.format(unique=number(unique), through=through))
    return Verdict(DRIFT, not details, tuple(details))
