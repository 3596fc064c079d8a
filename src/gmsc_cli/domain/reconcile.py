"""The bridge from the official figures to the identified ones, and the tensions behind it.

Per cohort the official arithmetic adds `declared - declared_repeats` distinct regions
(a cohort without `declared` adds its new participants), the evidence adds the new
participants it names, and the difference, the cohort's *gap*, is always

    gap = unlisted - repeats_unidentified + repeats_beyond_declared

for a ledger without errors: slots no named participant fills, less the declared
repeats that are not identified yet (they sit among those slots), plus the identified
repeats the official figure did not declare. The gaps add up to
`unique_declared - unique_identified`. Tensions are where the evidence contradicts or
strains the official arithmetic; each has a stable kind.
"""

from __future__ import annotations

from typing import NamedTuple

from gmsc_cli.domain.arithmetic import CohortFigures, figures
from gmsc_cli.domain.history import CohortHistory, Counted, History, Membership
from gmsc_cli.domain.model import Ledger
from gmsc_cli.i18n import _, ngettext, number

TENSION_KINDS = (
    "withdrawn-reappears",
    "repeats-beyond-declared",
    "repeats-missing",
    "disputed-repeat",
    "probable-repeat",
    "disputed-reappears",
)
"""The stable kinds of tension (README, "gmsc reconcile")."""


class Noted(NamedTuple):
    """An entry behind a cohort's gap: withdrawn, disputed or probable, with its evidence."""

    code: str
    name: str
    sources: tuple[str, ...]
    note: str | None
    later_years: tuple[int, ...] = ()
    """For a withdrawn entry: the later cohorts in which the region takes part."""


class CohortBridge(NamedTuple):
    """One cohort's step from the official to the identified running total."""

    year: int
    official_adds: int
    identified_adds: int
    gap: int
    unlisted: int | None
    repeats_declared: int
    repeats_identified: int
    repeats_unidentified: int
    repeats_beyond_declared: int
    cumulative_declared: int
    cumulative_identified: int
    cumulative_gap: int
    withdrawn: tuple[Noted, ...]
    disputed: tuple[Noted, ...]
    probable: tuple[Noted, ...]


class Tension(NamedTuple):
    """Where the evidence strains the official arithmetic, with the regions involved."""

    kind: str
    year: int
    codes: tuple[str, ...]
    message: str


class Reconciliation(NamedTuple):
    """The whole bridge through a year, its totals and its tensions."""

    through: int | None
    cohorts: tuple[CohortBridge, ...]
    unique_declared: int
    unique_identified: int
    tensions: tuple[Tension, ...]

    @property
    def gap(self) -> int:
        """Official minus identified distinct regions."""
        return self.unique_declared - self.unique_identified

    @property
    def unlisted(self) -> int:
        """Slots without a named participant, over all cohorts."""
        return sum(c.unlisted or 0 for c in self.cohorts)

    @property
    def repeats_unidentified(self) -> int:
        """Declared repeats not identified yet, over all cohorts."""
        return sum(c.repeats_unidentified for c in self.cohorts)

    @property
    def repeats_beyond_declared(self) -> int:
        """Identified repeats beyond the declared numbers, over all cohorts."""
        return sum(c.repeats_beyond_declared for c in self.cohorts)


def _noted(m: Membership, later: tuple[int, ...] = ()) -> Noted:
    return Noted(m.code, m.entry.name, m.entry.sources, m.entry.note, later)


def _names(names: dict[str, str], codes: list[str] | tuple[str, ...]) -> str:
    shown = [f"{names[code]} ({code})" for code in codes]
    if len(shown) == 1:
        return shown[0]
    return _("{names} and {last}").format(names=", ".join(shown[:-1]), last=shown[-1])


def _bridge(
    cohort: CohortHistory, row: CohortFigures, history: History, cumulative_gap: int
) -> CohortBridge:
    declared = cohort.cohort.declared
    official = row.new if declared is None else declared - cohort.cohort.declared_repeats
    if declared is None:
        unidentified = beyond = 0
    else:
        unidentified = max(row.declared_repeats - row.repeats, 0)
        beyond = max(row.repeats - row.declared_repeats, 0)
    withdrawn = tuple(
        _noted(m, tuple(y for y in history.participation.get(m.code, ()) if y > m.year))
        for m in cohort.with_status("withdrawn")
    )
    return CohortBridge(
        year=row.year,
        official_adds=official,
        identified_adds=row.new,
        gap=official - row.new,
        unlisted=row.unlisted,
        repeats_declared=row.declared_repeats,
        repeats_identified=row.repeats,
        repeats_unidentified=unidentified,
        repeats_beyond_declared=beyond,
        cumulative_declared=row.cumulative_declared,
        cumulative_identified=row.cumulative_identified,
        cumulative_gap=cumulative_gap + official - row.new,
        withdrawn=withdrawn,
        disputed=tuple(_noted(m) for m in cohort.with_status("disputed")),
        probable=tuple(_noted(m) for m in cohort.with_status("probable") if m.participates),
    )


def _tensions(history: History, bridges: tuple[CohortBridge, ...]) -> list[Tension]:
    found: list[Tension] = []
    by_year = {c.year: c for c in history.cohorts}
    # Built once: a tension a cohort over a large ledger made it quadratic.
    names = {m.code: m.entry.name for c in history.cohorts for m in c.memberships}
    for bridge in bridges:
        cohort = by_year[bridge.year]
        back = [n for n in bridge.withdrawn if n.later_years]
        # A fully named cohort refilled its withdrawn slots: nothing is counted twice.
        if back and bridge.unlisted:
            codes = tuple(n.code for n in back)
            later = sorted({n.later_years[0] for n in back})
            found.append(
                Tension(
                    "withdrawn-reappears",
                    bridge.year,
                    codes,
                    ngettext(
                        "{names} withdrew from the {year} cohort and took part later "
                        "({later}), counted as new there; the {year} cohort has {unlisted} "
                        "slot without a named participant: if the withdrawn slots were not "
                        "refilled, the official arithmetic counts these regions twice",
                        "{names} withdrew from the {year} cohort and took part later "
                        "({later}), counted as new there; the {year} cohort has {unlisted} "
                        "slots without a named participant: if the withdrawn slots were not "
                        "refilled, the official arithmetic counts these regions twice",
                        bridge.unlisted,
                    ).format(
                        names=_names(names, codes),
                        year=bridge.year,
                        later=", ".join(map(str, later)),
                        unlisted=number(bridge.unlisted),
                    ),
                )
            )
        repeats = tuple(sorted(m.code for m in cohort.counted(Counted.REPEAT)))
        if bridge.repeats_beyond_declared:
            found.append(
                Tension(
                    "repeats-beyond-declared",
                    bridge.year,
                    repeats,
                    ngettext(
                        "cohort {year} declares {declared} repeat participants but the "
                        "evidence identifies {identified}; the official figure adds {beyond} "
                        "more distinct region than the lists support",
                        "cohort {year} declares {declared} repeat participants but the "
                        "evidence identifies {identified}; the official figure adds {beyond} "
                        "more distinct regions than the lists support",
                        bridge.repeats_beyond_declared,
                    ).format(
                        year=bridge.year,
                        declared=number(bridge.repeats_declared),
                        identified=number(bridge.repeats_identified),
                        beyond=number(bridge.repeats_beyond_declared),
                    ),
                )
            )
        if bridge.repeats_unidentified and bridge.unlisted == 0:
            found.append(
                Tension(
                    "repeats-missing",
                    bridge.year,
                    repeats,
                    _(
                        "cohort {year} is fully named but identifies {identified} of its "
                        "{declared} declared repeat participants"
                    ).format(
                        year=bridge.year,
                        identified=number(bridge.repeats_identified),
                        declared=number(bridge.repeats_declared),
                    ),
                )
            )
        earlier = [m for m in cohort.with_status("disputed") if m.earlier]
        if earlier:
            codes = tuple(m.code for m in earlier)
            found.append(
                Tension(
                    "disputed-repeat",
                    bridge.year,
                    codes,
                    _(
                        "{names}, disputed in {year}, took part earlier ({earlier}): counted, "
                        "it would be repeat number {number} against the {declared} declared"
                    ).format(
                        names=_names(names, codes),
                        year=bridge.year,
                        earlier=", ".join(str(m.earlier[0]) for m in earlier),
                        number=number(bridge.repeats_identified + 1),
                        declared=number(bridge.repeats_declared),
                    ),
                )
            )
        probable = [m for m in cohort.counted(Counted.REPEAT) if m.entry.status == "probable"]
        if probable and bridge.repeats_declared:
            codes = tuple(m.code for m in probable)
            found.append(
                Tension(
                    "probable-repeat",
                    bridge.year,
                    codes,
                    _("{names} counts among the {year} repeats on probable evidence only").format(
                        names=_names(names, codes), year=bridge.year
                    ),
                )
            )
        later_in = [
            (m, years)
            for m in cohort.with_status("disputed")
            if (years := tuple(y for y in history.participation.get(m.code, ()) if y > m.year))
        ]
        if later_in:
            codes = tuple(m.code for m, _years in later_in)
            found.append(
                Tension(
                    "disputed-reappears",
                    bridge.year,
                    codes,
                    _(
                        "{names}, disputed in {year}, took part later ({later}): check that "
                        "the year is right"
                    ).format(
                        names=_names(names, codes),
                        year=bridge.year,
                        later=", ".join(str(years[0]) for _m, years in later_in),
                    ),
                )
            )
    return found


def reconcile(ledger: Ledger, *, through: int | None = None) -> Reconciliation:
    """The bridge from official to identified distinct regions through `through`."""
    history = History(ledger.until(through))
    totals = figures(history)
    bridges: list[CohortBridge] = []
    gap = 0
    for cohort, row in zip(history.cohorts, totals.cohorts, strict=True):
        bridge = _bridge(cohort, row, history, gap)
        gap = bridge.cumulative_gap
        bridges.append(bridge)
    frozen = tuple(bridges)
    return Reconciliation(
        through=totals.through,
        cohorts=frozen,
        unique_declared=totals.unique_declared,
        unique_identified=totals.unique_identified,
        tensions=tuple(_tensions(history, frozen)),
    )
