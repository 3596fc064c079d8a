"""The participation history: the one place that decides who is new, repeat or not counted.

Every membership of a ledger (a region named in a cohort) is classified once, in year
order, and every report reads the result: the arithmetic, the cohort, region, repeats
and province tables, the HTML page, reconcile and diff. A region *takes part* in a
cohort when an entry of it there is confirmed or probable; it is a *repeat* when it took
part in an earlier cohort. A second entry of the same region in one cohort (a mistake
the checks report as `duplicate-region`) never counts twice: the region's first
participating entry there is the one that counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import NamedTuple

from gmsc_cli.domain.model import PARTICIPATING, Cohort, Entry, Ledger


class Counted(StrEnum):
    """How a membership counts."""

    NEW = "new"
    REPEAT = "repeat"
    NOT_COUNTED = "not counted"


class Membership(NamedTuple):
    """One entry of one cohort, and how it counts."""

    year: int
    entry: Entry
    counted: Counted
    region_years: list[int]
    """Every cohort year the region takes part in (shared by its memberships)."""
    before: int
    """How many of `region_years` come before this cohort."""

    @property
    def earlier(self) -> tuple[int, ...]:
        """The earlier cohorts in which the region took part (before this one). Made on
        demand: a tuple per membership would grow with the number of cohorts."""
        return tuple(self.region_years[: self.before])

    @property
    def code(self) -> str:
        """The region's code."""
        return self.entry.code

    @property
    def participates(self) -> bool:
        """True when this membership counts as taking part (new or repeat)."""
        return self.counted is not Counted.NOT_COUNTED


class CohortHistory(NamedTuple):
    """One cohort with its memberships classified."""

    cohort: Cohort
    memberships: tuple[Membership, ...]

    @property
    def year(self) -> int:
        """The cohort's year."""
        return self.cohort.year

    def counted(self, how: Counted) -> tuple[Membership, ...]:
        """The memberships that count as `how`."""
        return tuple(m for m in self.memberships if m.counted is how)

    def with_status(self, status: str) -> tuple[Membership, ...]:
        """The memberships whose entry has `status`."""
        return tuple(m for m in self.memberships if m.entry.status == status)


def in_year_order(cohorts: Iterable[Cohort]) -> list[Cohort]:
    """Cohorts sorted by year; the first of a duplicated year wins (the checks report it)."""
    seen: dict[int, Cohort] = {}
    for cohort in cohorts:
        seen.setdefault(cohort.year, cohort)
    return [seen[year] for year in sorted(seen)]


class History:
    """Every membership of a ledger in year order, each new, repeat or not counted."""

    __slots__ = ("cohorts", "participation")

    def __init__(self, ledger: Ledger) -> None:
        cohorts: list[CohortHistory] = []
        participation: dict[str, list[int]] = {}
        # The loop runs once per membership of a ledger (100,000 in a large one): the
        # names it uses are bound locally, and a membership is made as a plain tuple.
        make = tuple.__new__
        member = Membership
        taking_part = PARTICIPATING
        new, repeat, not_counted = Counted.NEW, Counted.REPEAT, Counted.NOT_COUNTED
        for cohort in in_year_order(ledger.cohorts):
            year = cohort.year
            counted_here: set[str] = set()
            memberships = []
            for entry in cohort.entries:
                code = entry.code
                years = participation.get(code)
                if years is None:
                    years = participation[code] = []
                before = len(years)
                if entry.status in taking_part and code not in counted_here:
                    counted_here.add(code)
                    counted = repeat if before else new
                else:
                    counted = not_counted
                memberships.append(make(member, (year, entry, counted, years, before)))
            for code in counted_here:
                participation[code].append(year)
            cohorts.append(CohortHistory(cohort, tuple(memberships)))
        self.cohorts: tuple[CohortHistory, ...] = tuple(cohorts)
        self.participation: dict[str, tuple[int, ...]] = {
            code: tuple(years) for code, years in participation.items() if years
        }
        """Each participating region's cohort years, in year order."""

    def cohort(self, year: int) -> CohortHistory | None:
        """One cohort's memberships, or None when the ledger has no such cohort."""
        return next((c for c in self.cohorts if c.year == year), None)

    def of_region(self, code: str) -> list[Membership]:
        """Every membership of one region, in year order."""
        return [m for c in self.cohorts for m in c.memberships if m.code == code]

    def repeaters(self) -> dict[str, tuple[int, ...]]:
        """Regions that took part in more than one cohort, with their years, by code."""
        return {code: years for code, years in sorted(self.participation.items()) if len(years) > 1}

    @property
    def years(self) -> tuple[int, ...]:
        """The cohort years, in order."""
        return tuple(c.year for c in self.cohorts)
