"""The arithmetic (README, "The arithmetic"): per-cohort figures and running totals,
read from the participation history (history.py)."""

from __future__ import annotations

from typing import NamedTuple

from gmsc_cli.domain.history import Counted, History, in_year_order
from gmsc_cli.domain.model import Ledger

__all__ = [
    "CohortFigures",
    "Totals",
    "compute",
    "cumulative_declared_through",
    "figures",
    "in_year_order",
]


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


def compute(ledger: Ledger, *, through: int | None = None) -> Totals:
    """Per-cohort figures in year order, and the totals, through `through` (default: all)."""
    return figures(History(ledger.until(through)))


def figures(history: History) -> Totals:
    """Per-cohort figures and totals, read from the participation history."""
    rows: list[CohortFigures] = []
    cumulative_declared = 0
    cumulative_identified = 0
    for cohort_history in history.cohorts:
        cohort = cohort_history.cohort
        participants = [m for m in cohort_history.memberships if m.participates]
        repeat_codes = tuple(sorted(m.code for m in participants if m.counted is Counted.REPEAT))
        new = len(participants) - len(repeat_codes)
        cumulative_identified += new
        listed = {e.code for e in cohort.entries if e.status != "disputed"}
        if cohort.declared is None:
            cumulative_declared += new
            unlisted = None
        else:
            cumulative_declared += cohort.declared - cohort.declared_repeats
            # A withdrawn region holds no slot: its place can be refilled (2018).
            unlisted = max(cohort.declared - len(participants), 0)
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
                probable=sum(1 for m in participants if m.entry.status == "probable"),
                disputed=len({e.code for e in cohort.entries if e.status == "disputed"}),
                withdrawn=len({e.code for e in cohort.entries if e.status == "withdrawn"}),
                cumulative_declared=cumulative_declared,
                cumulative_identified=cumulative_identified,
                repeat_codes=repeat_codes,
            )
        )
    return Totals(
        cohorts=tuple(rows),
        unique_declared=cumulative_declared,
        unique_identified=cumulative_identified,
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
