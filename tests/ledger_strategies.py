"""Hypothesis strategies for valid ledgers: model objects that `gmsc validate` accepts.

Every generated ledger has cohorts with distinct years from 2017 on, entries with
distinct real codes (and their canonical names) in each cohort, any status, `declared`
at least the listed entries (or absent), `declared_repeats` equal to the repeats that
`compute()` finds, and published totals equal to the declared arithmetic.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from hypothesis import strategies as st

from gmsc_cli.ledger import compute, cumulative_declared_through
from gmsc_cli.model import STATUSES, Cohort, Entry, Ledger, Published
from gmsc_cli.regions import reference

REGIONS = reference().regions
CODES = sorted(REGIONS)

texts = st.text(
    alphabet=st.characters(exclude_categories=("Cs", "Cc"), include_characters="\t\n"),
    min_size=1,
    max_size=30,
).filter(lambda text: text.strip() != "")
"""Text the loader accepts: no control characters (tab and newline are fine), not blank."""

sources = st.lists(texts, max_size=2).map(tuple)
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2999, 12, 31))


@st.composite
def entries(draw: st.DrawFn, pool: list[str]) -> tuple[Entry, ...]:
    """A cohort's entries: distinct codes from `pool`, canonical names, any status."""
    codes = draw(st.lists(st.sampled_from(pool), unique=True, max_size=min(len(pool), 8)))
    return tuple(
        Entry(
            code=code,
            name=REGIONS[code].name,
            status=draw(st.sampled_from(STATUSES)),
            sources=draw(sources),
            note=draw(st.none() | texts),
        )
        for code in codes
    )


@st.composite
def valid_ledgers(draw: st.DrawFn, *, max_cohorts: int = 4) -> Ledger:
    """A ledger of 1..max_cohorts cohorts that validates without errors."""
    # A small pool of codes, so later cohorts often repeat earlier ones.
    pool = draw(st.lists(st.sampled_from(CODES), unique=True, min_size=1, max_size=12))
    years = sorted(
        draw(
            st.lists(
                st.integers(min_value=2017, max_value=2040),
                unique=True,
                min_size=1,
                max_size=max_cohorts,
            )
        )
    )
    cohorts = []
    for year in years:
        members = draw(entries(pool))
        listed = sum(1 for e in members if e.status != "disputed")
        extra = draw(st.none() | st.integers(min_value=0, max_value=5))
        cohorts.append(
            Cohort(
                year=year,
                declared=None if extra is None else listed + extra,
                title=draw(st.none() | texts),
                mou_date=draw(st.none() | days),
                sources=draw(sources),
                entries=members,
            )
        )
    # declared_repeats must equal the repeats found, or validation refuses the ledger.
    rows = compute(Ledger(cohorts=tuple(cohorts))).cohorts
    cohorts = [
        dataclasses.replace(cohort, declared_repeats=row.repeats)
        for cohort, row in zip(cohorts, rows, strict=True)
    ]
    totals = compute(Ledger(cohorts=tuple(cohorts)))
    throughs = draw(
        st.lists(st.integers(min_value=2017, max_value=years[-1] + 2), unique=True, max_size=3)
    )
    published = tuple(
        Published(
            through=through,
            unique=cumulative_declared_through(totals, through),
            source=draw(st.none() | texts),
        )
        for through in sorted(throughs)
    )
    return Ledger(programme=draw(st.none() | texts), published=published, cohorts=tuple(cohorts))
