"""Where results and messages go: the format a result is written in, stdout or an -o
file, and whether stdout is a screen to draw on.

An `-o` regular file is replaced atomically (a temporary file beside it, renamed over it,
with the old file's mode), so a reader never sees half a result. Anything else is written
through, never replaced: a symlink's target, a FIFO, a device (`/dev/stdout`), and a file
with several hard links, which a rename would split from its other names.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from gmsc_cli.errors import EnvironmentFailure
from gmsc_cli.i18n import _


def say(message: str, hint: str | None = None) -> None:
    """A message for the person at the terminal: stderr, never stdout."""
    sys.stderr.write(message + "\n")
    if hint:
        sys.stderr.write("  " + _("hint: {hint}").format(hint=hint) + "\n")


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


def output_path(value: str) -> Path | None:
    """An `-o` value: '-' is standard output (None); an empty name is a usage error."""
    if not value.strip():
        raise typer.BadParameter(_("the file name is empty; name a file, or '-' for stdout"))
    return None if value == "-" else Path(value)


OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write the result to this file instead of stdout ('-': stdout).",
        parser=output_path,
    ),
]

ThroughOption = Annotated[
    int | None, typer.Option("--through", help="Count cohorts up to this year.")
]

SourcesOption = Annotated[
    bool,
    typer.Option(
        "--sources", help="Show each entry's sources in the table (JSON and CSV always have them)."
    ),
]

EXTENSIONS: dict[str, TableFormat | None] = {
    ".json": TableFormat.json,
    ".csv": TableFormat.csv,
    ".md": TableFormat.markdown,
    ".markdown": TableFormat.markdown,
    ".txt": TableFormat.table,
    ".xlsx": TableFormat.xlsx,
    # Other formats a reader expects from these names, which a table cannot be written as:
    # refused rather than filled with a text table.
    ".xls": None,
    ".ods": None,
    ".html": None,
    ".htm": None,
    ".tsv": None,
    ".pdf": None,
}
"""The one table of `-o` extensions: the format each means, or None for a format that
tabular results are not written in. Any other extension is a plain table."""


def chosen(format: TableFormat | None, output: Path | None) -> TableFormat:
    """The format of a tabular result: --format, else -o's extension, else a table."""
    if format is not None:
        return format
    if output is None:
        return TableFormat.table
    suffix = output.suffix.lower()
    if suffix in EXTENSIONS and EXTENSIONS[suffix] is None:
        writable = ", ".join(sorted(k for k, v in EXTENSIONS.items() if v is not None))
        raise typer.BadParameter(
            _(
                "gmsc cannot write a table as {suffix} ({file}); name a file ending in "
                "{extensions}, or choose --format"
            ).format(suffix=suffix, file=output, extensions=writable),
            param_hint="'-o'",
        )
    return EXTENSIONS.get(suffix) or TableFormat.table


def _written_in_place(target: Path) -> bool:
    """True when `target` must be written through rather than replaced: it exists and is
    not itself a regular file (a symlink, a FIFO, a device), or is one with other hard
    links. A symlink is written through even to a regular file: `/dev/stdout` is one, to
    a file the shell holds open, which a rename would leave unwritten."""
    try:
        status = target.lstat()
    except FileNotFoundError:
        return False
    return not stat.S_ISREG(status.st_mode) or status.st_nlink > 1


def _replace_atomically(target: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `target`, then rename it over `target`,
    keeping the mode (and, where allowed, the owner) of the file it replaces."""
    import tempfile

    try:
        old = target.stat()
    except FileNotFoundError:
        old = None
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            if old is not None:
                os.fchmod(file.fileno(), stat.S_IMODE(old.st_mode))
                with contextlib.suppress(PermissionError):
                    os.fchown(file.fileno(), old.st_uid, old.st_gid)
            else:
                mask = os.umask(0)
                os.umask(mask)
                os.fchmod(file.fileno(), 0o666 & ~mask)
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return _("the disk is full (or the quota is used up)")
    return exc.strerror or str(exc)


def write_text(text: str, output: Path | None) -> None:
    """Write a result to stdout or to a file: a regular file (or a new one) atomically,
    anything else through (see the module's docstring)."""
    if output is None:
        sys.stdout.write(text)
        return
    data = text.encode("utf-8")
    in_place = _written_in_place(output)
    try:
        if in_place:
            with output.open("wb") as file:
                file.write(data)
        else:
            _replace_atomically(output, data)
    except OSError as exc:
        hint = None
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            hint = (
                _("free some space and run the command again")
                if in_place
                else _("free some space and run the command again; the file is as it was")
            )
        raise EnvironmentFailure(
            _("cannot write {file}: {reason}").format(file=output, reason=_reason(exc)), hint=hint
        ) from None
    say(_("wrote {file}").format(file=output))


def write_bytes(data: bytes, output: Path | None) -> None:
    """Write a binary result (an .xlsx workbook) to a file, atomically, or to stdout when
    stdout is not a terminal: binary is refused on a screen (a usage error)."""
    if output is None:
        if sys.stdout.isatty():
            raise typer.BadParameter(
                _("an .xlsx workbook is binary: write it with -o FILE.xlsx or redirect stdout"),
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
        raise EnvironmentFailure(
            _("cannot write {file}: {reason}").format(file=output, reason=exc.strerror or exc)
        ) from None
    say(_("wrote {file}").format(file=output))


def screen(output: Path | None, *, default_width: int) -> tuple[bool, int]:
    """Whether to draw with colour, boxes and blocks (stdout is a terminal, NO_COLOR
    unset, TERM not "dumb"), and the width to draw in: the terminal's, else
    `default_width`. A dumb terminal gets plain ASCII: no escape codes, no box drawing."""
    terminal = output is None and sys.stdout.isatty()
    width = shutil.get_terminal_size().columns if terminal else default_width
    plain = bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM") == "dumb"
    return terminal and not plain, width


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
