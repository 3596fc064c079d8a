"""Where results and messages go: the format a result is written in, stdout or an -o
file (written atomically), and whether stdout is a screen to draw on."""

from __future__ import annotations

import os
import shutil
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from gmsc_cli.errors import EnvironmentFailure


def say(message: str, hint: str | None = None) -> None:
    """A message for the person at the terminal: stderr, never stdout."""
    sys.stderr.write(message + "\n")
    if hint:
        sys.stderr.write(f"  hint: {hint}\n")


class TableFormat(StrEnum):
    """How a tabular result is written."""

    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    xlsx = "xlsx"


FormatOption = Annotated[
    TableFormat | None,
    typer.Option(
        "--format",
        "-f",
        help="table, json, csv, markdown or xlsx (default: from -o's extension, else table).",
        show_default=False,
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write the result to this file instead of stdout."),
]

SourcesOption = Annotated[
    bool,
    typer.Option(
        "--sources", help="Show each entry's sources in the table (JSON and CSV always have them)."
    ),
]

_EXTENSIONS = {
    ".json": TableFormat.json,
    ".csv": TableFormat.csv,
    ".md": TableFormat.markdown,
    ".markdown": TableFormat.markdown,
    ".txt": TableFormat.table,
    ".xlsx": TableFormat.xlsx,
}


def chosen(format: TableFormat | None, output: Path | None) -> TableFormat:
    if format is not None:
        return format
    if output is not None:
        return _EXTENSIONS.get(output.suffix.lower(), TableFormat.table)
    return TableFormat.table


def write_text(text: str, output: Path | None) -> None:
    """Write a result to stdout or, atomically, to a file."""
    if output is None:
        sys.stdout.write(text)
        return
    temporary = output.with_name(f".{output.name}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(output)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise EnvironmentFailure(f"cannot write {output}: {exc.strerror or exc}") from None
    say(f"wrote {output}")


def write_bytes(data: bytes, output: Path | None) -> None:
    """Write a binary result (an .xlsx workbook) to a file, atomically, or to stdout when
    stdout is not a terminal: binary is refused on a screen (a usage error)."""
    if output is None:
        if sys.stdout.isatty():
            raise typer.BadParameter(
                "an .xlsx workbook is binary: write it with -o FILE.xlsx or redirect stdout",
                param_hint="--format",
            )
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    temporary = output.with_name(f".{output.name}.tmp")
    try:
        temporary.write_bytes(data)
        temporary.replace(output)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise EnvironmentFailure(f"cannot write {output}: {exc.strerror or exc}") from None
    say(f"wrote {output}")


def screen(output: Path | None, *, default_width: int) -> tuple[bool, int]:
    """Whether to draw with colour and boxes (stdout is a terminal, NO_COLOR unset), and
    the width to draw in: the terminal's, else `default_width`."""
    terminal = output is None and sys.stdout.isatty()
    width = shutil.get_terminal_size().columns if terminal else default_width
    return terminal and not os.environ.get("NO_COLOR"), width


def emit(result: Any, format: TableFormat | None, output: Path | None) -> None:
    """Write a `Tabular` result in the chosen format."""
    from gmsc_cli.views import tabular as render

    chosen_format = chosen(format, output)
    if chosen_format is TableFormat.xlsx:
        from gmsc_cli.views.xlsx import workbook_bytes

        write_bytes(workbook_bytes([result]), output)
    elif chosen_format is TableFormat.json:
        write_text(render.as_json(result.json_document()), output)
    elif chosen_format is TableFormat.csv:
        write_text(render.as_csv(result), output)
    elif chosen_format is TableFormat.markdown:
        write_text(render.as_markdown(result), output)
    else:
        styled, width = screen(output, default_width=80)
        write_text(render.table_text(result, styled=styled, width=width), output)


def emit_sections(sections: Any, format: TableFormat | None, output: Path | None) -> None:
    """Write a result of several tables: the first alone as CSV, the first's document as
    JSON, and every table one after another as a table or Markdown."""
    from gmsc_cli.views import tabular as render

    chosen_format = chosen(format, output)
    if chosen_format is TableFormat.xlsx:
        from gmsc_cli.views.xlsx import workbook_bytes

        write_bytes(workbook_bytes(sections), output)
    elif chosen_format in (TableFormat.json, TableFormat.csv):
        emit(sections[0], chosen_format, output)
    elif chosen_format is TableFormat.markdown:
        parts = []
        for section in sections:
            parts.append(f"## {section.title}\n\n{render.as_markdown(section)}")
            if section.caption:
                parts.append(f"{section.caption}\n")
        write_text("\n".join(parts), output)
    else:
        styled, width = screen(output, default_width=80)
        write_text(
            "\n".join(render.table_text(s, styled=styled, width=width) for s in sections),
            output,
        )
