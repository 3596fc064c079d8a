"""Tables as an .xlsx workbook: a sheet per table, for people who work in spreadsheets.

Each sheet has the table's title on its first row, a bold header row frozen under it,
numbers as numbers (never text), column widths fitted to the content, the footer row in
bold and the caption under the table. openpyxl is an optional extra (`gmsc[xlsx]`),
imported only when a workbook is written. Text from the ledger is always written as text:
a note or source that starts with "=" is never taken for a formula.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from gmsc_cli.domain.arithmetic import Totals
from gmsc_cli.domain.history import History
from gmsc_cli.domain.model import Ledger
from gmsc_cli.domain.reconcile import reconcile
from gmsc_cli.domain.regions import reference
from gmsc_cli.errors import EnvironmentFailure
from gmsc_cli.i18n import N_, _, number
from gmsc_cli.views.reconcile import bridge_table
from gmsc_cli.views.reports import (
    MEMBERSHIP_COLUMNS,
    NOTE,
    SOURCES,
    membership_row,
    provinces_table,
    repeats_table,
    totals_table,
)
from gmsc_cli.views.tabular import Column, Tabular

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

#: The words of the workbook, in one place (for translation).
WORDS = {
    "missing": N_("writing .xlsx needs openpyxl, which is not installed: install gmsc[xlsx]"),
    "missing_hint": "pip install 'gmsc[xlsx]'",  # a command: never translated
    "cohorts_title": N_("Every entry of every cohort"),
    "sources_title": N_("Sources"),
    "published": N_("published total"),
    "cohort": N_("cohort"),
    "entry": N_("entry"),
    "published_detail": N_("{unique} distinct kabupaten/kota through {through}"),
}


def _w(key: str) -> str:
    """The workbook's word `key` in the current language."""
    return _(WORDS[key])


#: Sheet names of `gmsc report -o report.xlsx`, one per section (translated where the
#: workbook is written; every translation must stay within Excel's 31 characters).
REPORT_SHEETS = (
    N_("totals"),
    N_("reconcile"),
    N_("cohorts"),
    N_("provinces"),
    N_("repeats"),
    N_("sources"),
)

_MIN_WIDTH, _MAX_WIDTH = 6, 60
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise EnvironmentFailure(_w("missing"), hint=WORDS["missing_hint"]) from None
    return openpyxl


def _value(value: Any) -> Any:
    """What a cell holds: numbers as numbers, lists joined, text without control codes."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    return _CONTROL.sub("", str(value))


def _link(value: Any) -> str | None:
    """The URL to link a cell to: a single http(s) source, else None."""
    if isinstance(value, list | tuple) and len(value) == 1:
        value = value[0]
    if isinstance(value, str) and value.startswith(("https://", "http://")) and " " not in value:
        return value
    return None


def _sheet_name(title: str, taken: set[str]) -> str:
    """A legal, unique sheet name (at most 31 characters, none of []:*?/\\)."""
    base = " ".join(_BAD_SHEET_CHARS.sub(" ", title).split()).strip("'") or "Sheet"
    if len(base) > 31:  # cut at a word where one ends early enough
        cut = base[:32].rsplit(" ", 1)[0]
        base = cut if len(cut) >= 16 else base[:31]
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
    taken.add(name.lower())
    return name


def _fill(sheet: Worksheet, table: Tabular, styles: Any) -> None:
    """Write one table onto a sheet."""
    bold = styles.Font(bold=True)
    sheet.cell(row=1, column=1, value=_value(table.title)).font = styles.Font(bold=True, size=13)
    header_fill = styles.PatternFill("solid", fgColor="E8EAEE")
    headers = [_(col.header) for col in table.columns]
    widths = [max((len(w) for w in header.split()), default=0) for header in headers]
    for index, (col, header) in enumerate(zip(table.columns, headers, strict=True), start=1):
        cell = sheet.cell(row=2, column=index, value=header)
        cell.font, cell.fill = bold, header_fill
        cell.alignment = styles.Alignment(wrap_text=True, vertical="top")
        widths[index - 1] = max(widths[index - 1], len(header) if col.numeric else 0)
    rows = [*table.rows, *([table.footer] if table.footer else [])]
    for offset, row in enumerate(rows):
        is_footer = table.footer is not None and offset == len(rows) - 1
        for index, col in enumerate(table.columns, start=1):
            raw = row.get(col.key)
            if is_footer and isinstance(raw, str):
                raw = _(raw)  # footer labels are N_() messages, like the table's
            value = _value(raw)
            cell = sheet.cell(row=3 + offset, column=index, value=value)
            if isinstance(value, str):
                # Ledger text is text: "=SUM(...)" or "#N/A" in a note stays as written.
                cell.data_type = "s"
                link = _link(raw)
                if link is not None:
                    cell.hyperlink = link
                    cell.style = "Hyperlink"
            if is_footer:
                cell.font = bold
            if value is not None:
                widths[index - 1] = max(widths[index - 1], len(str(value)))
    after = 3 + len(rows) + 1
    if table.caption:
        sheet.cell(row=after, column=1, value=_value(table.caption)).font = styles.Font(italic=True)
    letter = styles.get_column_letter
    for index, width in enumerate(widths, start=1):
        fitted = min(max(width + 2, _MIN_WIDTH), _MAX_WIDTH)
        sheet.column_dimensions[letter(index)].width = fitted
        if width + 2 > _MAX_WIDTH:
            for cells in sheet.iter_rows(min_row=3, max_row=2 + len(rows), min_col=index):
                cells[0].alignment = styles.Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A3"


class _Styles:
    """The few openpyxl names the sheets use, imported once per workbook."""

    def __init__(self, openpyxl: Any) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.utils import get_column_letter

        self.Font, self.PatternFill, self.Alignment = Font, PatternFill, Alignment
        self.get_column_letter = get_column_letter


def workbook_bytes(tables: Sequence[Tabular], names: Sequence[str] | None = None) -> bytes:
    """The tables as one .xlsx workbook, a sheet each (named `names`, else by title)."""
    openpyxl = _openpyxl()
    styles = _Styles(openpyxl)
    book = openpyxl.Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for index, table in enumerate(tables):
        wanted = _(names[index]) if names is not None else table.title
        _fill(book.create_sheet(_sheet_name(wanted, taken)), table, styles)
    book.properties.creator = "gmsc"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def entries_table(ledger: Ledger) -> Tabular:
    """Every entry of every cohort: status, how it counted, earlier cohorts, note, sources
    (the rows of `gmsc cohort YEAR --format json`, with the year)."""
    regions = reference().regions
    rows = [
        {"year": m.year, **membership_row(m, regions)}
        for cohort in History(ledger).cohorts
        for m in cohort.memberships
    ]
    return Tabular(
        title=_w("cohorts_title"),
        columns=(Column("year", N_("Year")), *MEMBERSHIP_COLUMNS, NOTE, SOURCES),
        rows=rows,
    )


def sources_table(ledger: Ledger) -> Tabular:
    """Every source the ledger cites, one a row: published totals', cohorts', entries'."""
    rows: list[dict[str, Any]] = []
    for published in sorted(ledger.published, key=lambda p: p.through):
        if published.source:
            detail = _w("published_detail").format(
                unique=number(published.unique), through=published.through
            )
            rows.append(
                {
                    "kind": _w("published"),
                    "year": published.through,
                    "what": detail,
                    "source": published.source,
                }
            )
    for cohort in History(ledger).cohorts:
        title = cohort.cohort.title
        for source in cohort.cohort.sources:
            rows.append(
                {"kind": _w("cohort"), "year": cohort.year, "what": title, "source": source}
            )
        for m in cohort.memberships:
            for source in m.entry.sources:
                what = f"{m.entry.name} ({m.code}), {m.entry.status}"
                rows.append({"kind": _w("entry"), "year": m.year, "what": what, "source": source})
    return Tabular(
        title=_w("sources_title"),
        columns=(
            Column("kind", N_("Kind"), numeric=False),
            Column("year", N_("Year")),
            Column("what", N_("Of"), numeric=False),
            Column("source", N_("Source"), numeric=False),
        ),
        rows=rows,
    )


def report_workbook(ledger: Ledger, totals: Totals) -> bytes:
    """`gmsc report -o report.xlsx`: a sheet per section of the report, up to the year the
    figures stop at."""
    ledger = ledger.until(totals.through)
    tables = (
        totals_table(ledger, totals),
        bridge_table(reconcile(ledger, through=totals.through)),
        entries_table(ledger),
        provinces_table(ledger),
        repeats_table(ledger),
        sources_table(ledger),
    )
    return workbook_bytes(tables, REPORT_SHEETS)
