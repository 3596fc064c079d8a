"""The validated input model of a ledger: plain frozen values, no database.

These are what the loader produces from format-1 YAML and what the store reads back; the
arithmetic (ledger.py) and the checks (checks.py) work on them alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from gmsc_cli.domain.findings import Pos

STATUSES = ("confirmed", "probable", "disputed", "withdrawn")
"""Entry statuses of format 1 (README, "The data format"), in their canonical order."""

PARTICIPATING = frozenset({"confirmed", "probable"})
"""Statuses that count as taking part in a cohort."""

NOWHERE = Pos("", 0, 0)
"""The position of a value that did not come from a file (the store, a default)."""


class Entry(NamedTuple):
    """One region named as a member of one cohort."""

    code: str
    name: str
    status: str = "confirmed"
    sources: tuple[str, ...] = ()
    note: str | None = None
    pos: Pos = NOWHERE

    @property
    def participates(self) -> bool:
        """Confirmed and probable entries count as participation."""
        return self.status in PARTICIPATING


@dataclass(frozen=True, slots=True)
class Cohort:
    """One yearly cohort: the announcement's figures and the members named so far."""

    year: int
    declared: int | None = None
    declared_repeats: int = 0
    title: str | None = None
    mou_date: date | None = None
    sources: tuple[str, ...] = ()
    entries: tuple[Entry, ...] = ()
    pos: Pos = NOWHERE
    field_pos: dict[str, Pos] = field(default_factory=dict, compare=False, hash=False)
    """Where each key's value stands, for findings that point at a field."""

    def at(self, key: str) -> Pos:
        """The position of a field's value, or of the cohort when the field was not written."""
        return self.field_pos.get(key, self.pos)


class Published(NamedTuple):
    """An official running total: `unique` distinct regions through year `through`."""

    through: int
    unique: int
    source: str | None = None
    pos: Pos = NOWHERE


@dataclass(frozen=True, slots=True)
class Ledger:
    """A whole ledger: one or more files (or the store) taken together."""

    programme: str | None = None
    published: tuple[Published, ...] = ()
    cohorts: tuple[Cohort, ...] = ()

    def until(self, year: int | None) -> Ledger:
        """The ledger as it stood after cohort `year`: later cohorts and later published
        totals cut off (None: the whole ledger). The one cut every report makes."""
        if year is None:
            return self
        return Ledger(
            programme=self.programme,
            published=tuple(p for p in self.published if p.through <= year),
            cohorts=tuple(c for c in self.cohorts if c.year <= year),
        )

    def merged(self, other: Ledger) -> Ledger:
        """This ledger and `other` as one (files given together form one ledger)."""
        return Ledger(
            programme=self.programme or other.programme,
            published=self.published + other.published,
            cohorts=self.cohorts + other.cohorts,
        )
