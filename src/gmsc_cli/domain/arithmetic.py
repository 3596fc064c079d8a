"""The arithmetic (README, "The arithmetic"): per-cohort figures and running totals."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from gmsc_cli.domain.model import Cohort, Ledger


class CohortFigures(NamedTuple):
    """One row of `gmsc totals`: what a cohort declared, lists, and adds."""

    year: int
    declared: int | None
    declared_repeats: int
    listed: int
    unlisted: int | None
    participants: int
    new: int
    repeats: int
    probable: int
    disputed: int
    withdrawn: int
    cumulative_declared: int
    cumulative_identified: int
    repeat_codes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """The JSON shape of a cohort in `gmsc totals --format json`."""
        row = self._asdict()
        del row["repeat_codes"]
        return row


class Totals(NamedTuple):
    """The per-cohort rows and the final totals through a year."""

    cohorts: tuple[CohortFigures, ...]
    unique_declared: int
    unique_identified: int
    repeats_declared: int
    repeats_identified: int

    @property
    def through(self) -> int | None:
        """The last year counted."""
        return self.cohorts[-1].year if self.cohorts else None


def in_year_order(cohorts: Iterable[Cohort]) -> list[Cohort]:
    """Cohorts sorted by year; the first of a duplicated year wins (the check reports it)."""
    seen: dict[int, Cohort] = {}
    for cohort in cohorts:
        seen.setdefault(cohort.year, cohort)
    return [seen[year] for year in sorted(seen)]


def compute(ledger: Ledger, *, through: int | None = None) -> Totals:
    """Per-cohort figures in year order, and the totals, through `through` (default: all)."""
    rows: list[CohortFigures] = []
    seen: set[str] = set()
    cumulative_declared = 0
    for cohort in in_year_order(ledger.cohorts):
        if through is not None and cohort.year > through:
            break
        participants: dict[str, str] = {}
        listed: set[str] = set()
        disputed: set[str] = set()
        withdrawn: set[str] = set()
        for entry in cohort.entries:
            if entry.participates:
                participants.setdefault(entry.code, entry.status)
            if entry.status == "disputed":
                disputed.add(entry.code)
            else:
                listed.add(entry.code)
            if entry.status == "withdrawn":
                withdrawn.add(entry.code)
        repeat_codes = tuple(sorted(code for code in participants if code in seen))
        new = len(participants) - len(repeat_codes)
        seen.update(participants)
        if cohort.declared is None:
            cumulative_declared += new
            unlisted = None
        else:
            cumulative_declared += cohort.declared - cohort.declared_repeats
            unlisted = max(cohort.declared - len(listed), 0)
        rows.append(
            CohortFigures(
                year=cohort.year,
                declared=cohort.declared,
                declared_repeats=cohort.declared_repeats,
                listed=len(listed),
                unlisted=unlisted,
                participants=len(participants),
                new=new,
                repeats=len(repeat_codes),
                probable=sum(1 for s in participants.values() if s == "probable"),
                disputed=len(disputed),
                withdrawn=len(withdrawn),
                cumulative_declared=cumulative_declared,
                cumulative_identified=len(seen),
                repeat_codes=repeat_codes,
            )
        )
    return Totals(
        cohorts=tuple(rows),
        unique_declared=cumulative_declared,
        unique_identified=len(seen),
        repeats_declared=sum(r.declared_repeats for r in rows),
        repeats_identified=sum(r.repeats for r in rows),
    )


def cumulative_declared_through(totals: Totals, year: int) -> int:
    """The official running total through `year` (0 before the first cohort)."""
    value = 0
    for row in totals.cohorts:
        if row.year > year:
            break
        value = row.cumulative_declared
    return value
