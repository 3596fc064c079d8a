"""The analysts' reports as plain values: totals, provinces, one cohort, one region, repeats.

Each function takes a ledger and returns a `Tabular` (for table/CSV/Markdown) or the
JSON document the README documents; rendering is render.py's business, printing cli.py's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gmsc_cli.domain.arithmetic import Totals, compute, figures
from gmsc_cli.domain.history import History, Membership
from gmsc_cli.domain.model import Ledger
from gmsc_cli.domain.reconcile import reconcile
from gmsc_cli.domain.regions import Region, reference
from gmsc_cli.errors import DataError
from gmsc_cli.i18n import N_, _, ngettext, number
from gmsc_cli.views.reconcile import bridge_line
from gmsc_cli.views.tabular import Column, Tabular

TOTALS_COLUMNS = (
    Column("year", N_("Year")),
    Column("declared", N_("Declared")),
    Column("declared_repeats", N_("Decl. repeats")),
    Column("listed", N_("Listed")),
    Column("unlisted", N_("Unlisted")),
    Column("participants", N_("Participants")),
    Column("new", N_("New")),
    Column("repeats", N_("Repeats")),
    Column("probable", N_("Probable")),
    Column("disputed", N_("Disputed")),
    Column("withdrawn", N_("Withdrawn")),
    Column("cumulative_declared", N_("Cum. declared")),
    Column("cumulative_identified", N_("Cum. identified")),
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
        "year": N_("Total"),
        "declared_repeats": totals.repeats_declared,
        "repeats": totals.repeats_identified,
        "cumulative_declared": totals.unique_declared,
        "cumulative_identified": totals.unique_identified,
    }
    programme = ledger.programme or "GMSC"
    if totals.through:
        title = _("{programme}: cohorts through {year}").format(
            programme=programme, year=totals.through
        )
    else:
        title = _("{programme}: cohorts").format(programme=programme)
    caption = bridge_line(reconcile(ledger, through=totals.through))
    return Tabular(
        title=title,
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
        "province": N_("Indonesia"),
        "regions": total,
        "participants": len(taking_part),
        "coverage": _percent(len(taking_part), total),
    }
    return Tabular(
        title=(
            _("Participants by province through {year}").format(year=through)
            if through
            else _("Participants by province")
        ),
        columns=(
            Column("code", N_("Code"), numeric=False),
            Column("province", N_("Province"), numeric=False),
            Column("regions", N_("Kab/kota")),
            Column("participants", N_("Participants")),
            Column("coverage", N_("Coverage %")),
        ),
        rows=rows,
        footer=footer,
    )


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


NOTE = Column("note", N_("Note"), numeric=False)
SOURCES = Column("sources", N_("Sources"), numeric=False)


MEMBERSHIP_COLUMNS = (
    Column("code", N_("Code"), numeric=False),
    Column("name", N_("Name"), numeric=False),
    Column("province", N_("Province"), numeric=False),
    Column("status", N_("Status"), numeric=False),
    Column("counted", N_("Counted as"), numeric=False),
    Column("earlier_years", N_("Earlier cohorts"), numeric=False),
)
"""The columns of a membership row before its note and sources."""


def membership_row(m: Membership, regions: Mapping[str, Region]) -> dict[str, Any]:
    """One membership as `gmsc cohort` shows it (and its JSON carries it): the region,
    its status, how it counts, its earlier cohorts, note and sources."""
    return {
        "code": m.code,
        "name": m.entry.name,
        "province": regions[m.code].province,
        "status": m.entry.status,
        "counted": str(m.counted),
        "earlier_years": list(m.earlier),
        "note": m.entry.note,
        "sources": list(m.entry.sources),
    }


def cohort_table(ledger: Ledger, year: int, *, sources: bool = False) -> Tabular:
    """The members of one cohort, with status, whether each is new or a repeat, and its
    note; its sources too with `sources` (the JSON form always has them)."""
    history = History(ledger)
    found = history.cohort(year)
    if found is None:
        years = ", ".join(str(y) for y in history.years) or _("none")
        raise DataError(
            _("cohort {year} is not in the store").format(year=year),
            hint=_("stored cohorts: {years}").format(years=years),
        )
    cohort = found.cohort
    ref = reference()
    rows = [membership_row(m, ref.regions) for m in found.memberships]
    return Tabular(
        title=(
            _("Cohort {year}: {title}").format(year=year, title=cohort.title)
            if cohort.title
            else _("Cohort {year}").format(year=year)
        ),
        columns=(*MEMBERSHIP_COLUMNS, NOTE, *((SOURCES,) if sources else ())),
        rows=rows,
        caption=cohort_caption(figures(history), year),
    )


def cohort_caption(totals: Totals, year: int) -> str:
    """One cohort's counts in the words of the arithmetic (README, "The arithmetic"), as
    `totals` and `validate` count them: "50 declared, 49 participants, 1 unnamed slot;
    53 entries (2 withdrawn, 1 disputed)"."""
    row = next(r for r in totals.cohorts if r.year == year)
    parts = (
        [] if row.declared is None else [_("{count} declared").format(count=number(row.declared))]
    )
    parts.append(
        ngettext("{count} participant", "{count} participants", row.participants).format(
            count=number(row.participants)
        )
    )
    if row.unlisted:
        parts.append(
            ngettext("{count} unnamed slot", "{count} unnamed slots", row.unlisted).format(
                count=number(row.unlisted)
            )
        )
    entries = row.listed + row.disputed
    aside = [
        word.format(count=number(count))
        for count, word in (
            (row.probable, _("{count} probable")),
            (row.withdrawn, _("{count} withdrawn")),
            (row.disputed, _("{count} disputed")),
        )
        if count
    ]
    counted = ngettext("{count} entry", "{count} entries", entries).format(count=number(entries))
    return ", ".join(parts) + f"; {counted}" + (f" ({', '.join(aside)})" if aside else "")


def resolve_region(text: str) -> Region:
    """The region a user named on the command line, or a DataError with suggestions."""
    found = reference().resolve(text)
    if found.region is not None:
        return found.region
    if found.candidates:
        raise DataError(
            _("'{text}' is ambiguous: {candidates}").format(
                text=text, candidates=found.candidate_list()
            ),
            hint=_("give the full name or code"),
        )
    if found.province is not None:
        raise DataError(
            found.not_a_region() or "",
            hint=f"{found.did_you_mean()} (gmsc regions --province '{found.province.name}')",
        )
    raise DataError(
        _("no kabupaten/kota is called '{text}'").format(text=text), hint=found.did_you_mean()
    )


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
            Column("year", N_("Year")),
            Column("status", N_("Status"), numeric=False),
            Column("counted", N_("Counted as"), numeric=False),
            NOTE,
            *((SOURCES,) if sources else ()),
        ),
        rows=rows,
        caption=None if rows else _("not named in any cohort"),
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
        title=_("Regions in more than one cohort"),
        columns=(
            Column("code", N_("Code"), numeric=False),
            Column("name", N_("Name"), numeric=False),
            Column("province", N_("Province"), numeric=False),
            Column("years", N_("Years"), numeric=False),
        ),
        rows=rows,
        caption=ngettext("{count} region", "{count} regions", len(rows)).format(
            count=number(len(rows))
        ),
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
        raise DataError(
            _("there is no cohort up to {year}").format(year=through),
            hint=_("the first cohort is {year}").format(year=first),
        )
    return compute(ledger, through=through)
