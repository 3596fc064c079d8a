"""What changed between two versions of a ledger, and how the figures move: pure values.

Everything is keyed by cohort year and region code, never by spelling: the reader
resolves every way of writing a region to its code and canonical name, so `Kab. Sleman`
rewritten as `Kabupaten Sleman` is no change at all. Entry order is not content either.
The figures are read from `reconcile` (official and identified running totals, and the
gap between them) and the counting from the one participation history, on each side.

A `Diff` is complete: `apply(old, diff_ledgers(old, new))` is `new` up to the order of
cohorts and entries, which is how the tests hold it to both ledgers.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import NamedTuple

from gmsc_cli.domain.findings import Pos
from gmsc_cli.domain.history import Counted, History, in_year_order
from gmsc_cli.domain.model import NOWHERE, Cohort, Entry, Ledger, Published
from gmsc_cli.domain.reconcile import Reconciliation, reconcile

FACTS = ("declared", "declared_repeats", "mou_date", "title", "sources")
"""The cohort fields compared, in the order they are reported."""

ENTRY_FIELDS = ("status", "name", "sources", "note")
"""The entry fields compared, in the order they are reported. `name` can only differ
when the canonical name of a code does (a store written by an older reference list)."""

ADDED, REMOVED, CHANGED = "added", "removed", "changed"

Fact = int | str | date | tuple[str, ...] | None
"""The value of a cohort fact or an entry field."""

_DEFAULTS: dict[str, Fact] = {
    "declared": None,
    "declared_repeats": 0,
    "mou_date": None,
    "title": None,
    "sources": (),
}


class FieldChange(NamedTuple):
    """One field of a cohort that differs, and where the new value stands."""

    field: str
    old: Fact
    new: Fact
    pos: Pos = NOWHERE


class EntryChange(NamedTuple):
    """One field of one region's entry that differs between the two versions of a cohort."""

    code: str
    name: str
    field: str
    old: Fact
    new: Fact
    pos: Pos = NOWHERE

    @property
    def cosmetic(self) -> bool:
        """A changed name of the same code changes no figure."""
        return self.field == "name"


class CohortChange(NamedTuple):
    """A cohort added, removed or changed: its facts and its entries, by code."""

    year: int
    change: str
    facts: tuple[FieldChange, ...]
    added: tuple[Entry, ...]
    removed: tuple[Entry, ...]
    changed: tuple[EntryChange, ...]
    pos: Pos = NOWHERE
    """Where the cohort stands in the new ledger (NOWHERE for a removed one)."""


class PublishedChange(NamedTuple):
    """An official running total added, removed or changed (its figure or its source)."""

    through: int
    change: str
    old: int | None
    new: int | None
    old_source: str | None
    new_source: str | None
    pos: Pos = NOWHERE


class CountingChange(NamedTuple):
    """A region whose counting in one cohort changed: it became or stopped being a
    participant, or a repeat."""

    year: int
    code: str
    name: str
    old: Counted
    new: Counted
    pos: Pos = NOWHERE


class Totals(NamedTuple):
    """The distinct regions, official and identified, and the gap between them."""

    unique_declared: int
    unique_identified: int
    gap: int


Pair = tuple[int | None, int | None]
"""A figure before and after (None: the cohort is not in that version)."""


class CohortMove(NamedTuple):
    """How one cohort's figures move: only the figures that do are set."""

    year: int
    cumulative_declared: Pair | None = None
    cumulative_identified: Pair | None = None
    gap: Pair | None = None


class Diff(NamedTuple):
    """Every difference between two ledgers, and how the figures move."""

    cohorts: tuple[CohortChange, ...]
    published: tuple[PublishedChange, ...]
    programme: tuple[str | None, str | None] | None
    before: Totals
    after: Totals
    moves: tuple[CohortMove, ...]
    counting: tuple[CountingChange, ...]

    @property
    def same(self) -> bool:
        """True when the two ledgers hold the same content."""
        return not (self.cohorts or self.published or self.programme)


# --- comparing ------------------------------------------------------------------------


def _by_code(entries: tuple[Entry, ...]) -> dict[str, Entry]:
    """A cohort's entries by code; the first of a duplicated code wins (the checks
    report the duplicate), as in the participation history."""
    found: dict[str, Entry] = {}
    for entry in entries:
        found.setdefault(entry.code, entry)
    return found


def _facts(old: Cohort | None, new: Cohort | None) -> tuple[FieldChange, ...]:
    changes = []
    for key in FACTS:
        before = _DEFAULTS[key] if old is None else getattr(old, key)
        after = _DEFAULTS[key] if new is None else getattr(new, key)
        if before != after:
            changes.append(FieldChange(key, before, after, new.at(key) if new else NOWHERE))
    return tuple(changes)


def _entry_changes(old: Entry, new: Entry) -> list[EntryChange]:
    return [
        EntryChange(new.code, new.name, key, getattr(old, key), getattr(new, key), new.pos)
        for key in ENTRY_FIELDS
        if getattr(old, key) != getattr(new, key)
    ]


def _cohort(old: Cohort | None, new: Cohort | None) -> CohortChange | None:
    before = _by_code(old.entries) if old else {}
    after = _by_code(new.entries) if new else {}
    facts = _facts(old, new)
    added = tuple(after[code] for code in sorted(after.keys() - before.keys()))
    removed = tuple(before[code] for code in sorted(before.keys() - after.keys()))
    changed = tuple(
        change
        for code in sorted(before.keys() & after.keys())
        for change in _entry_changes(before[code], after[code])
    )
    change = ADDED if old is None else REMOVED if new is None else CHANGED
    if change == CHANGED and not (facts or added or removed or changed):
        return None
    year = new.year if new is not None else old.year if old is not None else 0
    return CohortChange(year, change, facts, added, removed, changed, new.pos if new else NOWHERE)


def _published(old: Ledger, new: Ledger) -> tuple[PublishedChange, ...]:
    before: dict[int, Published] = {}
    after: dict[int, Published] = {}
    for p in old.published:
        before.setdefault(p.through, p)
    for p in new.published:
        after.setdefault(p.through, p)
    changes = []
    for through in sorted(before.keys() | after.keys()):
        b, a = before.get(through), after.get(through)
        if b is not None and a is not None and (b.unique, b.source) == (a.unique, a.source):
            continue
        change = ADDED if b is None else REMOVED if a is None else CHANGED
        changes.append(
            PublishedChange(
                through,
                change,
                b.unique if b else None,
                a.unique if a else None,
                b.source if b else None,
                a.source if a else None,
                a.pos if a else NOWHERE,
            )
        )
    return tuple(changes)


def _totals(rec: Reconciliation) -> Totals:
    return Totals(rec.unique_declared, rec.unique_identified, rec.gap)


def _pair(old: int | None, new: int | None) -> Pair | None:
    return None if old == new else (old, new)


def _moves(old: Reconciliation, new: Reconciliation) -> tuple[CohortMove, ...]:
    before = {b.year: b for b in old.cohorts}
    after = {b.year: b for b in new.cohorts}
    moves = []
    for year in sorted(before.keys() | after.keys()):
        b, a = before.get(year), after.get(year)
        move = CohortMove(
            year,
            _pair(b and b.cumulative_declared, a and a.cumulative_declared),
            _pair(b and b.cumulative_identified, a and a.cumulative_identified),
            _pair(b and b.gap, a and a.gap),
        )
        if move.cumulative_declared or move.cumulative_identified or move.gap:
            moves.append(move)
    return tuple(moves)


def _counted(history: History) -> dict[tuple[int, str], tuple[Counted, Entry]]:
    """How each (year, code) counts: its participating entry if it has one."""
    found: dict[tuple[int, str], tuple[Counted, Entry]] = {}
    for cohort in history.cohorts:
        for m in cohort.memberships:
            key = (m.year, m.code)
            if m.participates or key not in found:
                found[key] = (m.counted, m.entry)
    return found


def _counting(old: History, new: History) -> tuple[CountingChange, ...]:
    before, after = _counted(old), _counted(new)
    changes = []
    for key in sorted(before.keys() | after.keys()):
        b, a = before.get(key), after.get(key)
        was = b[0] if b else Counted.NOT_COUNTED
        now = a[0] if a else Counted.NOT_COUNTED
        if was is not now:
            entry = a[1] if a else b[1] if b else None
            assert entry is not None
            changes.append(
                CountingChange(key[0], key[1], entry.name, was, now, a[1].pos if a else NOWHERE)
            )
    return tuple(changes)


def diff_ledgers(old: Ledger, new: Ledger) -> Diff:
    """Every difference from `old` to `new`, keyed by year and code, and how the running
    totals, the gaps and the counting of regions move."""
    before = {c.year: c for c in in_year_order(old.cohorts)}
    after = {c.year: c for c in in_year_order(new.cohorts)}
    cohorts = tuple(
        change
        for year in sorted(before.keys() | after.keys())
        if (change := _cohort(before.get(year), after.get(year))) is not None
    )
    old_rec, new_rec = reconcile(old), reconcile(new)
    programme = None if old.programme == new.programme else (old.programme, new.programme)
    return Diff(
        cohorts=cohorts,
        published=_published(old, new),
        programme=programme,
        before=_totals(old_rec),
        after=_totals(new_rec),
        moves=_moves(old_rec, new_rec),
        counting=_counting(History(old), History(new)),
    )


# --- applying -------------------------------------------------------------------------


def apply(ledger: Ledger, diff: Diff) -> Ledger:
    """`ledger` with the changes of `diff` made: the new side of the diff, when `ledger`
    is its old side (cohorts in year order, changed entries in place, added ones last)."""
    by_year = {c.year: c for c in in_year_order(ledger.cohorts)}
    for change in diff.cohorts:
        if change.change == REMOVED:
            by_year.pop(change.year, None)
            continue
        cohort = by_year.get(change.year, Cohort(change.year))
        edits: dict[str, dict[str, Fact]] = {}
        for c in change.changed:
            edits.setdefault(c.code, {})[c.field] = c.new
        gone = {e.code for e in change.removed}
        entries = tuple(
            entry._replace(**edits.get(entry.code, {}))  # type: ignore[arg-type]
            for entry in _by_code(cohort.entries).values()
            if entry.code not in gone
        )
        facts = {f.field: f.new for f in change.facts}
        by_year[change.year] = dataclasses.replace(
            cohort,
            **facts,  # type: ignore[arg-type]
            entries=entries + change.added,
        )
    published = {p.through: p for p in reversed(ledger.published)}
    for p in diff.published:
        if p.change == REMOVED or p.new is None:
            published.pop(p.through, None)
        else:
            published[p.through] = Published(p.through, p.new, p.new_source, p.pos)
    programme = ledger.programme if diff.programme is None else diff.programme[1]
    return Ledger(
        programme=programme,
        published=tuple(published[t] for t in sorted(published)),
        cohorts=tuple(by_year[y] for y in sorted(by_year)),
    )
