"""Tables rendered as text, CSV, Markdown, HTML or JSON. They return, they do not print."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from gmsc_cli.i18n import _, number

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

# --- tables -----------------------------------------------------------------------------


class Column(NamedTuple):
    """A table column: the key in each row, its header, and whether it is a number.

    The header is English, marked with N_(): the human formats (text, Markdown, HTML)
    show it in the current language; CSV's header row is the keys."""

    key: str
    header: str
    numeric: bool = True


class Tabular(NamedTuple):
    """A result that renders as a table, JSON, CSV or Markdown."""

    title: str
    columns: Sequence[Column]
    rows: Sequence[dict[str, Any]]
    footer: dict[str, Any] | None = None
    caption: str | None = None
    document: Any = None
    """The JSON form when it is more than the rows (a public shape); None: the rows."""

    def json_document(self) -> Any:
        """What `--format json` prints."""
        return [dict(row) for row in self.rows] if self.document is None else self.document


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value)
    return str(value)


YEAR_KEYS = frozenset({"year", "through"})
"""Columns of years: their numbers are never grouped (2017, not 2.017)."""
WORD_KEYS = frozenset({"counted"})
"""Columns whose values are words of gmsc's own (how an entry counts: new, repeat, not
counted), shown translated in the human formats; CSV and JSON keep the values."""


def _shown(key: str, value: Any, *, footer: bool = False) -> str:
    """A cell as people read it: numbers with the language's separators (years as they
    are), and a footer's label ("Total") translated. CSV and JSON never come here."""
    if isinstance(value, int | float) and not isinstance(value, bool) and key not in YEAR_KEYS:
        return number(value)
    if (footer or key in WORD_KEYS) and isinstance(value, str):
        return _(value)
    return _cell(value)


def _footer(result: Tabular, key: str) -> str:
    return _shown(key, result.footer.get(key), footer=True) if result.footer else ""


def table_renderable(result: Tabular, *, boxed: bool = True) -> Table:
    """A Rich table; numbers right-aligned and never wrapped."""
    from rich import box
    from rich.table import Table

    table = Table(
        title=result.title,
        caption=result.caption,
        box=box.SIMPLE_HEAVY if boxed else box.ASCII,
        show_footer=result.footer is not None,
    )
    for col in result.columns:
        footer = _footer(result, col.key)
        header = _(col.header)
        # Numbers are never wrapped or cut: the column is at least as wide as its longest
        # number (and the header's longest word); only headers and texts wrap.
        cells = [_shown(col.key, row.get(col.key)) for row in result.rows] + [footer]
        widest_word = max((len(w) for w in header.split()), default=0)
        widest = max((len(c) for c in cells), default=0) if col.numeric else 0
        table.add_column(
            header,
            footer=footer,
            justify="right" if col.numeric else "left",
            min_width=max(widest_word, widest),
            overflow="fold",
        )
    for row in result.rows:
        table.add_row(*(_shown(col.key, row.get(col.key)) for col in result.columns))
    return table


def capture_console(width: int, *, styled: bool, soft_wrap: bool = False) -> Console:
    """A Rich console that prints into a string (`console.file`): coloured when `styled`,
    plain otherwise. Markup and emoji codes are off: what it prints is data (table cells,
    chart labels), so a note "[2017] …" or ":smile:" comes out as written."""
    from rich.console import Console

    return Console(
        file=io.StringIO(),
        width=width,
        force_terminal=styled,
        color_system="standard" if styled else None,
        no_color=not styled,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=soft_wrap,
        legacy_windows=False,
    )


def table_text(result: Tabular, *, styled: bool, width: int) -> str:
    """The table as text: boxed and coloured when `styled` (a terminal without NO_COLOR),
    plain ASCII otherwise. Nothing is ever squeezed: unstyled (a pipe or file) it has its
    natural width; on a terminal it fills `width`, unless its natural width is more, and
    then the terminal wraps its lines rather than the table cutting a number."""
    table = table_renderable(result, boxed=styled)
    console = capture_console(width, styled=styled)
    if styled:
        from rich.measure import Measurement

        needed = Measurement.get(console, console.options.update_width(10_000), table)
        # Rich can squeeze a column below its minimum when the table is narrower than its
        # natural width, so a table is never laid out narrower than that.
        console.width = max(needed.maximum, width)
    else:
        # Off a terminal the table takes its natural width: on a console wider than any
        # table Rich lays it out exactly so, without a measuring pass of its own.
        console.width = 100_000
    console.print(table)
    output = console.file
    assert isinstance(output, io.StringIO)
    return output.getvalue()


def as_csv(result: Tabular) -> str:
    """RFC 4180 CSV with a header row (the footer row last, when there is one)."""
    out = io.StringIO()
    import csv

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([col.key for col in result.columns])
    for row in [*result.rows, *([result.footer] if result.footer else [])]:
        writer.writerow([_cell(row.get(col.key)) for col in result.columns])
    return out.getvalue()


def as_html_table(result: Tabular) -> str:
    """An HTML table: a header row, the rows, and the footer (when there is one) in
    <tfoot>. Numeric columns' cells have class "n" for the page's style to right-align;
    every text is escaped. Like Markdown, the title and caption are the page's to show."""
    from html import escape

    classes = [' class="n"' if col.numeric else "" for col in result.columns]

    def cells(row: dict[str, Any], *, footer: bool = False) -> str:
        return "".join(
            f"<td{css}>{escape(_shown(col.key, row.get(col.key), footer=footer))}</td>"
            for col, css in zip(result.columns, classes, strict=True)
        )

    head = "".join(
        f'<th{css} scope="col">{escape(_(col.header))}</th>'
        for col, css in zip(result.columns, classes, strict=True)
    )
    body = "".join(f"<tr>{cells(row)}</tr>" for row in result.rows)
    foot = f"<tfoot><tr>{cells(result.footer, footer=True)}</tr></tfoot>" if result.footer else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody>{foot}</table>"


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def as_markdown(result: Tabular) -> str:
    """A GitHub-flavoured Markdown table (footer as a bold last row)."""
    lines = [
        "| " + " | ".join(_(col.header) for col in result.columns) + " |",
        "| " + " | ".join("---:" if col.numeric else "---" for col in result.columns) + " |",
    ]
    for row in result.rows:
        lines.append(
            "| "
            + " | ".join(_md_escape(_shown(c.key, row.get(c.key))) for c in result.columns)
            + " |"
        )
    if result.footer:
        cells = [_footer(result, c.key) for c in result.columns]
        lines.append("| " + " | ".join(f"**{_md_escape(c)}**" if c else "" for c in cells) + " |")
    return "\n".join(lines) + "\n"


def as_json(document: object) -> str:
    """Pretty JSON, UTF-8 kept as is."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
