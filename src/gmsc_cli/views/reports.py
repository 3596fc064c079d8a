"""The analysts' reports as plain values: totals, provinces, one cohort, one region, repeats.

Each function takes a ledger and returns a `Tabular` (for table/CSV/Markdown) or the
JSON document the README documents; rendering is render.py's business, printing cli.py's.
"""

from __future__ import annotations

from typing import Any

from gmsc_cli.domain.arithmetic import Totals, compute, figures
from gmsc_cli.domain.history import History
from gmsc_cli.domain.model import Ledger
from gmsc_cli.domain.reconcile import reconcile
from gmsc_cli.domain.regions import Region, reference
from gmsc_cli.errors import DataError
from gmsc_cli.views.reconcile import bridge_line
from gmsc_cli.views.tabular import Column, Tabular

TOTALS_COLUMNS = (
    Column("year", "Year"),
    Column("declared", "Declared"),
    Column("declared_repeats", "Decl. repeats"),
    Column("listed", "Listed"),
    Column("unlisted", "Unlisted"),
    Column("participants", "Participants"),
    Column("new", "New"),
    Column("repeats", "Repeats"),
    Column("probable", "Probable"),
    Column("disputed", "Disputed"),
    Column("withdrawn", "Withdrawn"),
    Column("cumulative_declared", "Cum. declared"),
    Column("cumulative_identified", "Cum. identified"),
)


def totals_json(ledger: Ledger, totals: Totals) -> dict[str, Any]:
    """`gmsc totals --format json`, exactly the shape the README documents (a public API)."""
    return {
        "programme": ledger.programme,
        "through": totals.through,
        "cohorts": [row.as_dict() for row in totals.cohorts],
        "total": {
            "unique_declared": totals.unique_declared,
            "unique_identified": totals.unique_identified,
            "repeats_declared": totals.repeats_declared,
            "repeats_identified": totals.repeats_identified,
        },
    }


def totals_table(ledger: Ledger, totals: Totals) -> Tabular:
    """The per-cohort table of the arithmetic with the final totals as its footer."""
    rows = [row.as_dict() for row in totals.cohorts]
    footer = {
        "year": "Total",
        "declared_repeats": totals.repeats_declared,
        "repeats": totals.repeats_identified,
        "cumulative_declared": totals.unique_declared,
        "cumulative_identified": totals.unique_identified,
    }
    through = f" through {totals.through}" if totals.through else ""
    caption = bridge_line(reconcile(ledger, through=totals.through))
    return Tabular(
        title=f"{ledger.programme or 'GMSC'}: cohorts{through}",
        columns=TOTALS_COLUMNS,
        rows=rows,
        footer=footer,
        caption=caption,
        document=totals_json(ledger, totals),
    )


def provinces_table(ledger: Ledger, *, through: int | None = None) -> Tabular:
    """Participants per province against its number of kabupaten/kota (coverage)."""
    ref = reference()
    counts: dict[str, int] = {code: 0 for code in ref.provinces}
    taken: dict[str, int] = {code: 0 for code in ref.provinces}
    for region in ref.regions.values():
        counts[region.province_code] += 1
    taking_part = History(ledger.until(through)).participation
    for code in taking_part:
        taken[ref.regions[code].province_code] += 1
    rows = [
        {
            "code": code,
            "province": province.name,
            "regions": counts[code],
            "participants": taken[code],
            "coverage": _percent(taken[code], counts[code]),
        }
        for code, province in sorted(ref.provinces.items())
    ]
    total = len(ref.regions)
    footer = {
        "province": "Indonesia",
        "regions": total,
        "participants": len(taking_part),
        "coverage": _percent(len(taking_part), total),
    }
    return Tabular(
        title="Participants by province" + (f" through {through}" if through else ""),
        columns=(
            Column("code", "Code", numeric=False),
            Column("province", "Province", numeric=False),
            Column("regions", "Kab/kota"),
            Column("participants", "Participants"),
            Column("coverage", "Coverage %"),
        ),
        rows=rows,
        footer=footer,
    )


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


NOTE = Column("note", "Note", numeric=False)
SOURCES = Column("sources", "Sources", numeric=False)


def cohort_table(ledger: Ledger, year: int, *, sources: bool = False) -> Tabular:
    """The members of one cohort, with status, whether each is new or a repeat, and its
    note; its sources too with `sources` (the JSON form always has them)."""
    history = History(ledger)
    found = history.cohort(year)
    if found is None:
        years = ", ".join(str(y) for y in history.years) or "none"
        raise DataError(f"cohort {year} is not in the store", hint=f"stored cohorts: {years}")
    cohort = found.cohort
    ref = reference()
    rows = [
        {
            "code": m.code,
            "name": m.entry.name,
            "province": ref.regions[m.code].province,
            "status": m.entry.status,
            "counted": str(m.counted),
            "earlier_years": list(m.earlier),
            "note": m.entry.note,
            "sources": list(m.entry.sources),
        }
        for m in found.memberships
    ]
    return Tabular(
        title=f"Cohort {year}" + (f": {cohort.title}" if cohort.title else ""),
        columns=(
            Column("code", "Code", numeric=False),
            Column("name", "Name", numeric=False),
            Column("province", "Province", numeric=False),
            Column("status", "Status", numeric=False),
            Column("counted", "Counted as", numeric=False),
            Column("earlier_years", "Earlier cohorts", numeric=False),
            NOTE,
            *((SOURCES,) if sources else ()),
        ),
        rows=rows,
        caption=cohort_caption(figures(history), year),
    )


def _counted(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def cohort_caption(totals: Totals, year: int) -> str:
    """One cohort's counts in the words of the arithmetic (README, "The arithmetic"), as
    `totals` and `validate` count them: "50 declared, 49 participants, 1 unnamed slot;
    53 entries (2 withdrawn, 1 disputed)"."""
    row = next(r for r in totals.cohorts if r.year == year)
    parts = [] if row.declared is None else [f"{row.declared} declared"]
    parts.append(_counted(row.participants, "participant"))
    if row.unlisted:
        parts.append(_counted(row.unlisted, "unnamed slot"))
    entries = row.listed + row.disputed
    aside = [
        f"{count} {word}"
        for count, word in (
            (row.probable, "probable"),
            (row.withdrawn, "withdrawn"),
            (row.disputed, "disputed"),
        )
        if count
    ]
    return (
        ", ".join(parts)
        + f"; {_counted(entries, 'entry', 'entries')}"
        + (f" ({', '.join(aside)})" if aside else "")
    )


def resolve_region(text: str) -> Region:
    """The region a user named on the command line, or a DataError with suggestions."""
    found = reference().resolve(text)
    if found.region is not None:
        return found.region
    if found.candidates:
        raise DataError(
            f"'{text}' is ambiguous: {found.candidate_list()}", hint="give the full name or code"
        )
    if found.province is not None:
        raise DataError(
            found.not_a_region() or "",
            hint=f"{found.did_you_mean()} (gmsc regions --province '{found.province.name}')",
        )
    raise DataError(f"no kabupaten/kota is called '{text}'", hint=found.did_you_mean())


def region_history(ledger: Ledger, region: Region, *, sources: bool = False) -> Tabular:
    """Every cohort that names one region, with status, how it counted and the note;
    the sources too with `sources` (the JSON form always has them)."""
    rows = [
        {
            "year": m.year,
            "status": m.entry.status,
            "counted": str(m.counted),
            "sources": list(m.entry.sources),
            "note": m.entry.note,
        }
        for m in History(ledger).of_region(region.code)
    ]
    return Tabular(
        title=f"{region.name} ({region.code}), {region.province}",
        columns=(
            Column("year", "Year"),
            Column("status", "Status", numeric=False),
            Column("counted", "Counted as", numeric=False),
            NOTE,
            *((SOURCES,) if sources else ()),
        ),
        rows=rows,
        caption=None if rows else "not named in any cohort",
        document={
            "code": region.code,
            "name": region.name,
            "kind": region.kind,
            "province": region.province,
            "history": rows,
        },
    )


def repeats_table(ledger: Ledger) -> Tabular:
    """Regions that took part in more than one cohort, with their years."""
    regions = reference().regions
    rows = [
        {
            "code": code,
            "name": regions[code].name,
            "province": regions[code].province,
            "years": list(years),
        }
        for code, years in History(ledger).repeaters().items()
    ]
    return Tabular(
        title="Regions in more than one cohort",
        columns=(
            Column("code", "Code", numeric=False),
            Column("name", "Name", numeric=False),
            Column("province", "Province", numeric=False),
            Column("years", "Years", numeric=False),
        ),
        rows=rows,
        caption=f"{len(rows)} region" + ("" if len(rows) == 1 else "s"),
        document=[{"code": r["code"], "name": r["name"], "years": r["years"]} for r in rows],
    )


def regions_table(
    ledger: Ledger, *, province: str | None = None, search: str | None = None
) -> Tabular:
    """`gmsc regions`: the reference kabupaten/kota (of one province, or matching a text),
    each with whether and in which cohorts it took part."""
    ref = reference()
    chosen = ref.search(search) if search is not None else tuple(ref.regions.values())
    if province is not None:
        found = ref.provinces.get(province.strip()) or ref.province_named(province)
        if found is None:
            names = ", ".join(p.name for p in ref.provinces.values())
            raise DataError(f"no province is called '{province}'", hint=f"the provinces: {names}")
        chosen = tuple(r for r in chosen if r.province_code == found.code)
    taken = History(ledger).participation
    rows = [
        {
            "code": r.code,
            "kind": r.kind,
            "name": r.name,
            "province": r.province,
            "took_part": "yes" if r.code in taken else "no",
            "years": list(taken.get(r.code, ())),
        }
        for r in chosen
    ]
    part = sum(1 for row in rows if row["took_part"] == "yes")
    return Tabular(
        title="Kabupaten/kota of the reference list",
        columns=(
            Column("code", "Code", numeric=False),
            Column("kind", "Kind", numeric=False),
            Column("name", "Name", numeric=False),
            Column("province", "Province", numeric=False),
            Column("took_part", "Took part", numeric=False),
            Column("years", "Cohorts", numeric=False),
        ),
        rows=rows,
        caption=f"{len(rows)} kabupaten/kota, {part} of them took part",
    )


def totals(ledger: Ledger, *, through: int | None = None) -> Totals:
    """The per-cohort figures and totals, refusing a year before the first cohort."""
    first = min((c.year for c in ledger.cohorts), default=None)
    if through is not None and first is not None and through < first:
        raise DataError(f"there is no cohort up to {through}", hint=f"the first cohort is {first}")
    return compute(ledger, through=through)
