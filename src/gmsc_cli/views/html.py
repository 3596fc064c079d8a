"""`gmsc report`: one self-contained HTML page for officials.

The page has no external scripts, fonts, styles or images (inline CSS, inline SVG), so it
can be mailed or archived as one file and opens the same offline. Every figure carries
its sources from the ledger: published totals for the headline, cohort sources for the
per-cohort rows and the gaps, entry sources for the repeats. All text from the ledger is
escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape

from gmsc_cli import __version__
from gmsc_cli.domain.arithmetic import Totals
from gmsc_cli.domain.history import History
from gmsc_cli.domain.model import Ledger
from gmsc_cli.domain.reconcile import Reconciliation, reconcile
from gmsc_cli.domain.regions import reference
from gmsc_cli.i18n import N_, _, current_language, number
from gmsc_cli.views.ledger_map import credits_html, ledger_map
from gmsc_cli.views.reconcile import MINUS, bridge_line, bridge_table
from gmsc_cli.views.reports import provinces_table, repeats_table, totals_table
from gmsc_cli.views.tabular import Column, Tabular, as_html_table

#: The words people read on the page, in one place (for translation). "lede" is markup.
WORDS = {
    "title": N_("{programme}: participation{through}"),
    "through": N_(" through {year}"),
    "lede": N_(
        "Distinct kabupaten/kota mentored by the programme, de-duplicated by Kemendagri "
        "code. <em>Official</em> is the programme's own arithmetic (each cohort's declared size "
        "less its declared repeats); <em>identified</em> counts the regions that public sources "
        "name."
    ),
    "official": N_("distinct kabupaten/kota, official figures"),
    "identified": N_("identified by name in public sources"),
    "gap": N_("not yet named"),
    "map": N_("Who took part, and since when"),
    "map_lede": N_(
        "Each kabupaten/kota in the colour of the first cohort it took part in "
        "(confirmed or probable); grey: never, including regions named only as disputed or "
        "withdrawn. Circles mark regions too small to see. Hover over a region for its cohorts."
    ),
    "cohorts": N_("Cohorts"),
    "cum_official": N_("Cum. official"),
    "running": N_("Running totals"),
    "provinces": N_("Coverage by province"),
    "provinces_lede": N_(
        "Participating kabupaten/kota (confirmed or probable) against each "
        "province's number of kabupaten/kota."
    ),
    "participant_sources": N_("Entry sources of the participants"),
    "repeats": N_("Repeat participants"),
    "repeats_lede": N_("{count} kabupaten/kota took part in more than one cohort."),
    "bridge": N_("From the official to the identified total"),
    "tensions": N_("Tensions"),
    "no_tensions": N_("None: the evidence and the official arithmetic agree."),
    "gaps": N_("Unlisted gaps"),
    "gaps_lede": N_(
        "Cohorts whose public lists name fewer participants than were declared: "
        "each unlisted slot has no named participant (a withdrawn region holds no slot)."
    ),
    "no_gaps": N_("None: every declared member is named."),
    "col_year": N_("Year"),
    "col_cohort": N_("Cohort"),
    "col_declared": N_("Declared"),
    "col_participants": N_("Participants"),
    "col_withdrawn": N_("Withdrawn"),
    "col_unlisted": N_("Unlisted"),
    "sources": N_("Sources"),
    "footer": N_("Made with gmsc {version} from the stored ledger."),
    "chart_title": N_("Distinct kabupaten/kota so far: official and identified, by year"),
    "chart_official": N_("official"),
    "chart_identified": N_("identified"),
    "chart_official_legend": N_("official (cumulative declared)"),
    "chart_identified_legend": N_("identified by name"),
    "waterfall_title": N_("From the official total to the identified total, cohort by cohort"),
    "waterfall_note": N_(
        "The axis starts at {floor}; each cohort's step is its slots without a named participant."
    ),
}


def _w(key: str) -> str:
    """The page's word `key` in the current language."""
    return _(WORDS[key])


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;
max-width:80rem;padding:0 1rem;color:#1b1f24;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ccd;
padding-bottom:.2rem}.lede{color:#555}
.headline{display:flex;gap:1.5rem;flex-wrap:wrap;margin:1.5rem 0}
.figure{border:1px solid #ccd;border-radius:.5rem;padding:1rem 1.4rem;flex:1 1 12rem}
.wide{overflow-x:auto;max-width:100%}
.figure .number{font-size:2.6rem;font-weight:700;font-variant-numeric:tabular-nums}
.official .number{color:#1f4e9c}.identified .number{color:#0f7b6c}.gap .number{color:#a15c00}
table{border-collapse:collapse;margin:.6rem 0;font-size:.88rem}
th,td{border-bottom:1px solid #dde;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{vertical-align:bottom;font-weight:600;overflow-wrap:break-word}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}td.n{white-space:nowrap}
th.n{min-width:3.2em;max-width:7em}
tfoot td{font-weight:700;border-top:2px solid #889}
.sources{font-size:.8rem;color:#555;overflow-wrap:anywhere}.sources li{margin:.1rem 0}
svg{max-width:100%;height:auto}svg text{font-family:inherit;font-size:12px}
#map svg{display:block}.credits{font-size:.8rem;color:#555}
footer{margin-top:3rem;font-size:.8rem;color:#777}
@media print{
@page{size:A4;margin:14mm 12mm}
body{margin:0;max-width:none;padding:0;font-size:10pt;line-height:1.3}
section.part+section.part{break-before:page}
h2{margin-top:0;break-after:avoid}h3{break-after:avoid}
.wide{overflow:visible}
table{font-size:7.5pt;width:100%;margin:.3rem 0}
th,td{padding:.12rem .2rem}th.n{min-width:0}
thead{display:table-header-group}
tr,.figure,svg,li{break-inside:avoid}
.headline{gap:.6rem}.figure{padding:.4rem .8rem}.figure .number{font-size:1.8rem}
.figure .sources{display:none}
a{color:inherit}
details::details-content{content-visibility:visible;display:block}
details>summary{list-style:none}
}
"""


Cited = tuple[str, str]
"""What a source backs (plain text, may be empty) and the source itself."""


_URL = re.compile(r"\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:)\]]")


def _linked(text: str) -> str:
    """`text` escaped, with each http(s) URL in it a link; nothing else ever becomes one
    (a javascript: or data: source stays text)."""
    parts, last = [], 0
    for url in _URL.finditer(text):
        parts.append(escape(text[last : url.start()]))
        href = escape(url[0], quote=True)
        parts.append(f'<a href="{href}">{escape(url[0])}</a>')
        last = url.end()
    parts.append(escape(text[last:]))
    return "".join(parts)


def _source_item(what: str, source: str) -> str:
    """One source, after the escaped text of what it backs: URLs in it are links."""
    prefix = f"{escape(what)}: " if what else ""
    return f"<li>{prefix}{_linked(source)}</li>"


def _sources(sources: Iterable[Cited | str | None], label: str | None = None) -> str:
    """A list of sources, each once, in order; empty when there are none."""
    label = _w("sources") if label is None else label
    pairs = (("", s) if isinstance(s, str) else s for s in sources if s)
    unique = [(what, source) for what, source in dict.fromkeys(pairs) if source]
    if not unique:
        return ""
    items = "".join(_source_item(what, source) for what, source in unique)
    return f'<div class="sources">{escape(label)}:<ul>{items}</ul></div>'


def _table(result: Tabular, table_id: str) -> str:
    """`result` as an HTML table that scrolls sideways when the page is narrower."""
    return f'<div class="wide" id="{escape(table_id, quote=True)}">{as_html_table(result)}</div>'


def _relabelled(result: Tabular, headers: dict[str, str], *, hidden: str = "") -> Tabular:
    """`result` with the page's own column headers, without the column `hidden`."""
    return result._replace(
        columns=[
            col._replace(header=headers.get(col.key, col.header))
            for col in result.columns
            if col.key != hidden
        ]
    )


def cumulative_svg(totals: Totals) -> str:
    """Grouped bars per year: cumulative official vs identified distinct regions."""
    rows = totals.cohorts
    width, height, left, bottom, top = 760, 320, 48, 40, 24
    top_value = max([1, *(r.cumulative_declared for r in rows)])
    top_value = max([top_value, *(r.cumulative_identified for r in rows)])
    step = (width - left - 20) / max(len(rows), 1)
    bar = min(step * 0.36, 40)
    scale = (height - bottom - top) / top_value
    base = height - bottom
    parts = [
        f'<svg id="cumulative-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} '
        f'{height}" width="{width}" height="{height}" role="img" '
        'aria-labelledby="cumulative-title">',
        f'<title id="cumulative-title">{escape(_w("chart_title"))}</title>',
        f'<line x1="{left}" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#889"/>',
    ]
    for tick in range(0, top_value + 1, max(25, (top_value // 4 // 25) * 25 or 25)):
        y = base - tick * scale
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#eef"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#666">{tick}</text>'
        )
    for i, row in enumerate(rows):
        x = left + i * step + (step - 2 * bar) / 2
        for offset, value, colour, name in (
            (0, row.cumulative_declared, "#1f4e9c", _w("chart_official")),
            (bar, row.cumulative_identified, "#0f7b6c", _w("chart_identified")),
        ):
            h = value * scale
            parts.append(
                f'<rect x="{x + offset:.1f}" y="{base - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{colour}"><title>{row.year} {name}: {value}</title></rect>'
                f'<text x="{x + offset + bar / 2:.1f}" y="{base - h - 4:.1f}" '
                f'text-anchor="middle" fill="{colour}">{value}</text>'
            )
        parts.append(
            f'<text x="{x + bar:.1f}" y="{base + 18}" text-anchor="middle">{row.year}</text>'
        )
    legend_y = height - 8
    parts.append(
        f'<rect x="{left}" y="{legend_y - 10}" width="12" height="12" fill="#1f4e9c"/>'
        f'<text x="{left + 18}" y="{legend_y}">{escape(_w("chart_official_legend"))}</text>'
        f'<rect x="{left + 240}" y="{legend_y - 10}" width="12" height="12" fill="#0f7b6c"/>'
        f'<text x="{left + 258}" y="{legend_y}">{escape(_w("chart_identified_legend"))}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _tensions(rec: Reconciliation, history: History) -> str:
    """Each tension with its kind, message and the sources of the entries involved."""
    items = []
    for tension in rec.tensions:
        sources = [
            (f"{m.entry.name}, {m.year} ({m.entry.status})", source)
            for code in tension.codes
            for m in history.of_region(code)
            for source in m.entry.sources
        ]
        items.append(
            f'<li class="tension" data-kind="{escape(tension.kind, quote=True)}">'
            f"<strong>{escape(tension.kind)}</strong> ({tension.year}): "
            f"{escape(tension.message)}{_sources(sources)}</li>"
        )
    return f'<ul id="tensions">{"".join(items)}</ul>'


def waterfall_svg(rec: Reconciliation) -> str:
    """The bridge as a waterfall: the official total, each cohort's gap as a step down
    (unnamed slots; a step up for repeats beyond the declared), the identified total."""
    steps = [b for b in rec.cohorts if b.gap]
    bars = 2 + len(steps)
    width, height, left, bottom, top = 760, 300, 48, 44, 24
    step = (width - left - 20) / bars
    bar = min(step * 0.6, 56)
    top_value = max(1, rec.unique_declared, rec.unique_identified)
    low = min(rec.unique_identified, rec.unique_declared)
    # The steps are small against the totals: the axis starts near the lower total so
    # that each cohort's step can be seen, and says so.
    floor = max(0, (low - max(3 * rec.gap, 10)) // 10 * 10)
    scale = (height - bottom - top) / max(top_value - floor, 1)
    base = height - bottom

    def y(value: float) -> float:
        return base - (value - floor) * scale

    parts = [
        f'<svg id="waterfall-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} '
        f'{height}" width="{width}" height="{height}" role="img" '
        'aria-labelledby="waterfall-title">',
        f'<title id="waterfall-title">{escape(_w("waterfall_title"))}</title>',
        f'<line x1="{left}" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#889"/>',
        f'<text x="{left - 6}" y="{base + 4}" text-anchor="end" fill="#666">{floor}</text>',
    ]
    running = rec.unique_declared
    columns: list[tuple[str, float, float, str, str]] = [
        (_w("chart_official"), floor, rec.unique_declared, "#1f4e9c", str(rec.unique_declared))
    ]
    for bridge in steps:
        after = running - bridge.gap
        label = f"{MINUS}{bridge.gap}" if bridge.gap > 0 else f"+{-bridge.gap}"
        colour = "#a15c00" if bridge.gap > 0 else "#6b4fa0"
        columns.append((str(bridge.year), min(running, after), max(running, after), colour, label))
        running = after
    columns.append((_w("chart_identified"), floor, rec.unique_identified, "#0f7b6c", str(running)))
    for i, (name, low_value, high_value, colour, label) in enumerate(columns):
        x = left + i * step + (step - bar) / 2
        top_y, bottom_y = y(high_value), y(low_value)
        parts.append(
            f'<rect x="{x:.1f}" y="{top_y:.1f}" width="{bar:.1f}" '
            f'height="{max(bottom_y - top_y, 1):.1f}" fill="{colour}" data-step="{escape(name)}">'
            f"<title>{escape(name)}: {escape(label)}</title></rect>"
            f'<text x="{x + bar / 2:.1f}" y="{top_y - 4:.1f}" text-anchor="middle" '
            f'fill="{colour}">{escape(label)}</text>'
            f'<text x="{x + bar / 2:.1f}" y="{base + 18}" text-anchor="middle">'
            f"{escape(name)}</text>"
        )
    parts.append(
        f'<text x="{left}" y="{height - 6}" fill="#666">'
        f"{escape(_w('waterfall_note').format(floor=floor))}</text></svg>"
    )
    return "".join(parts)


def report_html(ledger: Ledger, totals: Totals) -> str:
    """The whole page for `ledger`'s figures `totals`."""
    through = totals.through
    # Everything on the page stops where the figures stop: tables and sources alike.
    ledger = ledger.until(through)
    history = History(ledger)
    rec = reconcile(ledger)
    cohorts = {c.year: c.cohort for c in history.cohorts}
    programme = ledger.programme or "Gerakan Menuju Smart City"
    gap = totals.unique_declared - totals.unique_identified
    published = list(ledger.published) if through is not None else []
    headline_sources = _sources(
        (_("{unique} through {year}").format(unique=number(p.unique), year=p.through), p.source)
        if p.source
        else None
        for p in sorted(published, key=lambda p: p.through)
    )
    cohort_sources = _sources(s for cohort in cohorts.values() for s in cohort.sources)

    regions = reference().regions
    participant_sources = sorted(
        (f"{regions[m.code].province} / {regions[m.code].name}, {m.year}", source)
        for c in history.cohorts
        for m in c.memberships
        if m.participates
        for source in m.entry.sources
    )
    repeats = repeats_table(ledger)
    repeaters = history.repeaters()
    repeat_sources = [
        (f"{regions[m.code].name}, {m.year}", source)
        for code in repeaters
        for m in history.of_region(code)
        if m.participates
        for source in m.entry.sources
    ]

    gaps = Tabular(
        title=_w("gaps"),
        columns=(
            Column("year", WORDS["col_year"]),
            Column("title", WORDS["col_cohort"], numeric=False),
            Column("declared", WORDS["col_declared"]),
            Column("participants", WORDS["col_participants"]),
            Column("withdrawn", WORDS["col_withdrawn"]),
            Column("unlisted", WORDS["col_unlisted"]),
        ),
        rows=[
            {**r.as_dict(), "title": cohorts[r.year].title} for r in totals.cohorts if r.unlisted
        ],
    )
    gap_sources = [(str(row["year"]), s) for row in gaps.rows for s in cohorts[row["year"]].sources]
    drawn = ledger_map(ledger, through=through)

    def part(name: str, heading: str, *body: str) -> str:
        """One section of the page (in print, each starts a page)."""
        inner = "\n".join(b for b in body if b)
        return (
            f'<section class="part" id="part-{name}"><h2>{escape(heading)}</h2>\n{inner}</section>'
        )

    through_words = _w("through").format(year=through) if through else ""
    title = _w("title").format(programme=programme, through=through_words)
    sections = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="lede">{_w("lede")}</p>',
        '<section class="headline" id="headline">',
        f'<div class="figure official"><div class="number" id="total-official">'
        f"{number(totals.unique_declared)}</div>{escape(_w('official'))}{escape(through_words)}"
        f"{headline_sources}</div>",
        f'<div class="figure identified"><div class="number" id="total-identified">'
        f"{number(totals.unique_identified)}</div>{escape(_w('identified'))}</div>",
        f'<div class="figure gap"><div class="number" id="total-gap">{number(gap)}</div>'
        f"{escape(_w('gap'))}</div>",
        "</section>",
        part(
            "map",
            _w("map"),
            f"<p>{escape(_w('map_lede'))}</p>",
            f'<div id="map">{drawn.svg()}</div>',
            credits_html(),
        ),
        part(
            "cohorts",
            _w("cohorts"),
            _table(
                _relabelled(
                    totals_table(ledger, totals), {"cumulative_declared": WORDS["cum_official"]}
                ),
                "cohorts",
            ),
            cohort_sources,
            f"<h3>{escape(_w('running'))}</h3>",
            cumulative_svg(totals),
            headline_sources,
        ),
        part(
            "provinces",
            _w("provinces"),
            f"<p>{escape(_w('provinces_lede'))}</p>",
            _table(_relabelled(provinces_table(ledger), {}, hidden="code"), "provinces"),
            f"<details><summary>{escape(_w('participant_sources'))}</summary>"
            f"{_sources(participant_sources)}</details>"
            if participant_sources
            else "",
        ),
        part(
            "repeats",
            _w("repeats"),
            f"<p>{escape(_w('repeats_lede').format(count=number(len(repeats.rows))))}</p>",
            _table(repeats, "repeats"),
            _sources(repeat_sources),
        ),
        part(
            "bridge",
            _w("bridge"),
            f'<p id="bridge-line">{escape(bridge_line(rec, see_also=False))}.</p>',
            waterfall_svg(rec),
            _table(_relabelled(bridge_table(rec), {}), "bridge"),
            f"<h3>{escape(_w('tensions'))}</h3>",
            _tensions(rec, history) if rec.tensions else f"<p>{escape(_w('no_tensions'))}</p>",
        ),
        part(
            "gaps",
            _w("gaps"),
            f"<p>{escape(_w('gaps_lede'))}</p>",
            _table(gaps, "gaps") if gaps.rows else f"<p>{escape(_w('no_gaps'))}</p>",
            _sources(gap_sources),
        ),
        f"<footer>{escape(_w('footer').format(version=__version__))}</footer>",
    ]
    return (
        f'<!DOCTYPE html>\n<html lang="{current_language().value}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        + "\n".join(s for s in sections if s)
        + "</body></html>\n"
    )
