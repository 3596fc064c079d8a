"""Hypothesis strategies for ledger files: arbitrary bytes and text, YAML-shaped data, and
valid format-1 ledgers with the figures they must compute to."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import yaml
from hypothesis import strategies as st

from gmsc_cli.domain.arithmetic import compute, cumulative_declared_through
from gmsc_cli.domain.model import PARTICIPATING, STATUSES, Cohort, Entry, Ledger, Published
from gmsc_cli.domain.regions import reference
from gmsc_cli.format1.reader import COHORT_KEYS, ENTRY_KEYS, PUBLISHED_KEYS, TOP_KEYS

REF = reference()
CODES = list(REF.regions)
NAMES = [region.name for region in REF.regions.values()]
KEYS = sorted({*TOP_KEYS, *PUBLISHED_KEYS, *COHORT_KEYS, *ENTRY_KEYS})
"""Every key format 1 knows."""

# --- arbitrary input -------------------------------------------------------------------

any_text = st.text(max_size=400)
"""Any Unicode text (Hypothesis leaves out lone surrogates, which UTF-8 cannot encode)."""

any_bytes = st.binary(max_size=400)
"""Any bytes: mostly not UTF-8, sometimes not even text."""

FRAGMENTS = [
    "version: 1",
    "version: 2",
    "cohorts:",
    "published:",
    "- year: 2021",
    "year: 2017",
    "declared: 48",
    "declared_repeats: 7",
    "regions:",
    "- Kota Batu",
    "- Bogor",
    '- "73.22"',
    "- 73.10",
    "- code: 73.10",
    '- {code: "91.09", status: withdrawn}',
    "- {through: 2021, unique: 141}",
    "mou_date: 2021-02-30",
    "mou_date: 2021-05-20",
    "sources: [a, b]",
    "status: disputed",
    "&a",
    "*a",
    "!!int",
    "!!binary",
    "!!python/object:os.system",
    "? ",
    "[",
    "]",
    "{",
    "}",
    ": ",
    "- ",
    "---",
    "...",
    "'",
    '"',
    "#",
    "|",
    ">",
    "%YAML 1.1",
    "\t",
    "\x00",
    "\ufeff",
    "\u2028",
    "é",
    "yes",
    "~",
    "1e400",
    "0x1F",
    "1:20",
    ".nan",
]
"""Pieces of ledger files and of YAML's trickier syntax, to be put together at random."""

yamlish_text = st.lists(
    st.tuples(
        st.integers(0, 8).map(" ".__mul__),
        st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=4).map(" ".join),
    ).map("".join),
    max_size=20,
).map("\n".join)
"""Text that looks like a ledger file, more or less: lines of fragments at random indents."""

# --- YAML-shaped data ------------------------------------------------------------------

plausible_strings = st.one_of(
    st.sampled_from(KEYS),
    st.sampled_from(STATUSES),
    st.sampled_from(CODES),
    st.sampled_from(NAMES),
    st.sampled_from(["Bogor", "Kabupaten Luwu Utaraa", "91.09", "7322", "73.1", "", " ", "x"]),
    st.text(max_size=20),
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.integers(2015, 2031),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=dt.date(1, 1, 1)),
    plausible_strings,
)

keys = st.one_of(st.sampled_from(KEYS), st.text(max_size=10), st.integers(0, 3), st.none())

yaml_data = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(keys, children, max_size=6),
    ),
    max_leaves=40,
)
"""Any data YAML can hold, biased towards the ledger's own keys and values."""


@st.composite
def ledger_shaped(draw: st.DrawFn) -> dict[str, Any]:
    """A mapping with the ledger's structure, whose values may be anything."""
    entry = st.one_of(
        plausible_strings,
        st.dictionaries(st.sampled_from(ENTRY_KEYS), st.one_of(plausible_strings, yaml_data)),
        yaml_data,
    )
    cohort = st.dictionaries(
        st.sampled_from(COHORT_KEYS),
        st.one_of(st.integers(2010, 2040), st.lists(entry, max_size=6), yaml_data),
    )
    top: dict[str, Any] = {"version": draw(st.one_of(st.just(1), scalars))}
    top["cohorts"] = draw(st.one_of(st.lists(cohort, max_size=4), yaml_data))
    if draw(st.booleans()):
        top["published"] = draw(
            st.lists(st.dictionaries(st.sampled_from(PUBLISHED_KEYS), scalars), max_size=3)
        )
    if draw(st.booleans()):
        top[draw(keys)] = draw(yaml_data)
    return top


def dump(data: object) -> str:
    """YAML text of `data`, as a maintainer's editor might save it."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


# --- valid ledgers -----------------------------------------------------------------------


@dataclass
class ValidLedger:
    """A valid format-1 document and the figures of the arithmetic it must compute to."""

    document: dict[str, Any]
    cumulative_declared: list[int] = field(default_factory=list)
    cumulative_identified: list[int] = field(default_factory=list)
    repeats: list[int] = field(default_factory=list)


def spelling(code: str, status: str) -> st.SearchStrategy[object]:
    """The ways to write a region entry of this status: a code, a name, or a mapping."""
    name = REF.regions[code].name
    mappings = st.sampled_from(
        [{"code": code}, {"name": name}, {"code": code, "name": name.upper()}]
    ).map(lambda m: m if status == "confirmed" else {**m, "status": status})
    if status != "confirmed":
        return mappings
    return st.one_of(st.sampled_from([code, name, name.lower()]), mappings)


@st.composite
def valid_ledgers(draw: st.DrawFn) -> ValidLedger:
    """A ledger that must validate without errors: unique years, regions unique in each
    cohort, declared figures consistent with the lists, published totals that add up."""
    years = draw(st.lists(st.integers(2017, 2040), min_size=1, max_size=5, unique=True))
    draw(st.randoms()).shuffle(years)  # the file need not be in year order
    pool = draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=25, unique=True))
    result = ValidLedger({"version": 1, "cohorts": []})
    seen: set[str] = set()
    cumulative = 0
    figures: dict[int, tuple[int, int, int]] = {}
    cohorts: dict[int, dict[str, Any]] = {}
    for year in sorted(years):
        codes = draw(st.lists(st.sampled_from(pool), max_size=10, unique=True))
        regions = []
        participants: set[str] = set()
        listed = 0
        for code in codes:
            status = draw(st.sampled_from(STATUSES))
            regions.append(draw(spelling(code, status)))
            listed += status != "disputed"
            if status in PARTICIPATING:
                participants.add(code)
        repeats = len(participants & seen)
        new = len(participants - seen)
        seen |= participants
        cohort: dict[str, Any] = {"year": year}
        kind = draw(st.sampled_from(["undeclared", "complete", "incomplete"]))
        if kind == "undeclared":
            if repeats:
                cohort["declared_repeats"] = repeats
            cumulative += new
        else:
            declared = listed if kind == "complete" else listed + draw(st.integers(1, 5))
            # A fully listed cohort must declare its repeats exactly; one with unlisted
            # members may declare more (they may be among the unlisted).
            high = repeats if kind == "complete" else min(declared, repeats + 3)
            declared_repeats = draw(st.integers(repeats, high))
            cohort["declared"] = declared
            if declared_repeats or draw(st.booleans()):
                cohort["declared_repeats"] = declared_repeats
            cumulative += declared - declared_repeats
        if draw(st.booleans()):
            cohort["title"] = draw(st.sampled_from(["tahap 1", "10 destinasi + IKN", "Batch 2"]))
        if draw(st.booleans()):
            cohort["mou_date"] = draw(st.dates(dt.date(year, 1, 1), dt.date(year, 12, 31)))
        cohort["regions"] = regions
        cohorts[year] = cohort
        figures[year] = (cumulative, len(seen), repeats)
    for year in years:
        result.document["cohorts"].append(cohorts[year])
    ordered = sorted(figures)
    result.cumulative_declared = [figures[y][0] for y in ordered]
    result.cumulative_identified = [figures[y][1] for y in ordered]
    result.repeats = [figures[y][2] for y in ordered]
    through = draw(st.lists(st.sampled_from(ordered), unique=True, max_size=2))
    if through:
        result.document["published"] = [
            {"through": year, "unique": figures[year][0]} for year in sorted(through)
        ]
    return result


# --- valid ledgers as model objects (for export and import) -----------------------------


model_texts = st.text(
    alphabet=st.characters(exclude_categories=("Cs", "Cc"), include_characters="\t\n"),
    min_size=1,
    max_size=30,
).filter(lambda text: text.strip() != "")
"""Text the loader accepts: no control characters (tab and newline are fine), not blank."""

model_sources = st.lists(model_texts, max_size=2).map(tuple)
model_days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2999, 12, 31))


@st.composite
def model_entries(draw: st.DrawFn, pool: list[str]) -> tuple[Entry, ...]:
    """A cohort's entries: distinct codes from `pool`, canonical names, any status."""
    codes = draw(st.lists(st.sampled_from(pool), unique=True, max_size=min(len(pool), 8)))
    return tuple(
        Entry(
            code=code,
            name=REF.regions[code].name,
            status=draw(st.sampled_from(STATUSES)),
            sources=draw(model_sources),
            note=draw(st.none() | model_texts),
        )
        for code in codes
    )


@st.composite
def valid_model_ledgers(draw: st.DrawFn, *, max_cohorts: int = 4) -> Ledger:
    """A ledger as model objects, of 1..max_cohorts cohorts, that validates without
    errors: distinct real codes per cohort, any status and text (Unicode included),
    `declared` at least the listed entries, `declared_repeats` equal to the repeats
    compute() finds, published totals equal to the declared arithmetic."""
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
        members = draw(model_entries(pool))
        listed = sum(1 for e in members if e.status != "disputed")
        extra = draw(st.none() | st.integers(min_value=0, max_value=5))
        cohorts.append(
            Cohort(
                year=year,
                declared=None if extra is None else listed + extra,
                title=draw(st.none() | model_texts),
                mou_date=draw(st.none() | model_days),
                sources=draw(model_sources),
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
            source=draw(st.none() | model_texts),
        )
        for through in sorted(throughs)
    )
    return Ledger(
        programme=draw(st.none() | model_texts), published=published, cohorts=tuple(cohorts)
    )


@st.composite
def ledgers_with_duplicates(draw: st.DrawFn) -> Ledger:
    """A ledger as model objects whose cohorts may name a region twice, with any status
    each time: the mistake `duplicate-region` reports, which must still count once."""
    ledger = draw(valid_model_ledgers())
    cohorts = []
    for cohort in ledger.cohorts:
        extra = []
        if cohort.entries:
            extra = draw(st.lists(st.sampled_from(cohort.entries), max_size=3))
        twice = tuple(e._replace(status=draw(st.sampled_from(STATUSES))) for e in extra)
        order = draw(st.permutations(cohort.entries + twice))
        cohorts.append(dataclasses.replace(cohort, entries=tuple(order)))
    return dataclasses.replace(ledger, cohorts=tuple(cohorts))


# --- pairs of ledgers (for diff) --------------------------------------------------------


@st.composite
def edited_model_ledgers(draw: st.DrawFn, ledger: Ledger) -> Ledger:
    """`ledger` edited as a pull request might: cohorts dropped, entries removed, added
    or given another status, note or sources, cohort facts and published totals changed.
    The result need not validate: diff compares any two ledgers."""
    cohorts = []
    for cohort in ledger.cohorts:
        if draw(st.integers(0, 9)) == 0:
            continue  # the cohort removed
        entries = [e for e in cohort.entries if draw(st.integers(0, 5))]
        entries = [
            e._replace(
                status=draw(st.sampled_from(STATUSES)) if draw(st.booleans()) else e.status,
                note=draw(st.none() | model_texts) if draw(st.integers(0, 4)) == 0 else e.note,
                sources=draw(model_sources) if draw(st.integers(0, 4)) == 0 else e.sources,
            )
            for e in entries
        ]
        taken = {e.code for e in entries}
        for code in draw(st.lists(st.sampled_from(CODES), max_size=3, unique=True)):
            if code not in taken:
                entries.append(Entry(code, REF.regions[code].name, draw(st.sampled_from(STATUSES))))
        changes: dict[str, Any] = {}
        if draw(st.integers(0, 3)) == 0:
            changes["declared"] = draw(st.none() | st.integers(0, 12))
        if draw(st.integers(0, 3)) == 0:
            changes["declared_repeats"] = draw(st.integers(0, 4))
        if draw(st.integers(0, 5)) == 0:
            changes["title"] = draw(st.none() | model_texts)
        if draw(st.integers(0, 5)) == 0:
            changes["mou_date"] = draw(st.none() | model_days)
        cohorts.append(dataclasses.replace(cohort, entries=tuple(entries), **changes))
    extra = draw(valid_model_ledgers(max_cohorts=2))
    years = {c.year for c in cohorts}
    cohorts += [c for c in extra.cohorts if c.year not in years and draw(st.booleans())]
    published = tuple(
        p._replace(unique=p.unique + draw(st.integers(-2, 2)))
        for p in ledger.published
        if draw(st.integers(0, 4))
    )
    return Ledger(
        programme=ledger.programme if draw(st.booleans()) else draw(st.none() | model_texts),
        published=published,
        cohorts=tuple(draw(st.permutations(cohorts))),
    )
