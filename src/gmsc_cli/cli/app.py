"""The command line: the one module that knows Typer, owns output, and maps errors to exits.

Start-up is part of the product: this module imports only Typer and the light core at
the top; the store (SQLModel/SQLAlchemy) and Rich tables are imported inside the
commands that need them.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from gmsc_cli import __version__
from gmsc_cli.errors import EnvironmentFailure, ExitStatus, GmscError

app = typer.Typer(
    name="gmsc",
    help="The ledger of Indonesia's Gerakan Menuju Smart City cohorts.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)

_state: dict[str, Any] = {"db": None, "traceback": False}

F = TypeVar("F", bound=Callable[..., Any])


def _say(message: str, hint: str | None = None) -> None:
    """A message for the person at the terminal: stderr, never stdout."""
    sys.stderr.write(message + "\n")
    if hint:
        sys.stderr.write(f"  hint: {hint}\n")


def guarded(command: F) -> F:
    """The error boundary: expected failures print one message and exit with their code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # Typer's own: usage errors (exit 2) and exits
        except GmscError as exc:
            _say(f"gmsc: {exc.message}", exc.hint)
            raise typer.Exit(int(exc.status)) from None
        except KeyboardInterrupt:
            _say("gmsc: interrupted")
            raise typer.Exit(130) from None
        except BrokenPipeError:
            raise typer.Exit(int(ExitStatus.OK)) from None
        except OSError as exc:
            if _state["traceback"]:
                raise
            where = f" {exc.filename}" if exc.filename else ""
            _say(f"gmsc: cannot use{where}: {exc.strerror or exc}")
            raise typer.Exit(int(ExitStatus.ENVIRONMENT)) from None
        except Exception as exc:
            if _state["traceback"]:
                raise
            _say(
                f"gmsc: internal error: {type(exc).__name__}: {exc}",
                "run the same command with --traceback to see where, and report it",
            )
            raise typer.Exit(int(ExitStatus.INTERNAL)) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"gmsc {__version__}\n")
        raise typer.Exit()


@app.callback()
def main_options(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="GMSC_DB",
            help="The store: a SQLite file path or an SQLAlchemy URL. "
            "Default: gmsc.db in the user's data directory.",
            show_default=False,
        ),
    ] = None,
    traceback: Annotated[
        bool, typer.Option("--traceback", help="Show the Python traceback of an internal error.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Keep the ledger of the GMSC cohorts: validate data files, import them, report totals."""
    _state["db"] = db
    _state["traceback"] = traceback


# --- inputs -----------------------------------------------------------------------------


def read_inputs(paths: list[str]) -> list[tuple[str, bytes]]:
    """The bytes of each named file ('-' is standard input), or an environment failure."""
    inputs = []
    for path in paths:
        if path == "-":
            inputs.append(("<stdin>", sys.stdin.buffer.read()))
            continue
        try:
            inputs.append((path, Path(path).read_bytes()))
        except FileNotFoundError:
            raise EnvironmentFailure(
                f"cannot read {path}: no such file", hint="check the path"
            ) from None
        except IsADirectoryError:
            raise EnvironmentFailure(
                f"cannot read {path}: it is a directory", hint="name the YAML files in it"
            ) from None
        except OSError as exc:
            raise EnvironmentFailure(f"cannot read {path}: {exc.strerror or exc}") from None
    return inputs


# --- validate ---------------------------------------------------------------------------


class FindingFormat(StrEnum):
    """How `validate` reports findings."""

    text = "text"
    json = "json"
    github = "github"


@app.command()
@guarded
def validate(
    files: Annotated[list[str], typer.Argument(help="Ledger files, taken together as one ledger.")],
    format: Annotated[
        FindingFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="text, json, or github annotations "
            "(the default when GITHUB_ACTIONS=true, else text).",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail the run too.")] = False,
) -> None:
    """Check ledger files without touching the store; exit 1 if they have errors."""
    from gmsc_cli.domain.checks import validate as validate_sources
    from gmsc_cli.views import tabular as render

    if format is None:
        github = os.environ.get("GITHUB_ACTIONS") == "true"
        format = FindingFormat.github if github else FindingFormat.text
    _, findings = validate_sources(read_inputs(files))
    if format is FindingFormat.json:
        sys.stdout.write(render.findings_json(findings, strict=strict))
    elif format is FindingFormat.github:
        sys.stdout.write(render.findings_github(findings))
    else:
        sys.stdout.write(render.findings_text(findings))
    _say(render.summary_line(findings, len(files)))
    if findings.failed(strict=strict):
        raise typer.Exit(int(ExitStatus.DATA))


# --- output -----------------------------------------------------------------------------


class TableFormat(StrEnum):
    """How a tabular result is written."""

    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


FormatOption = Annotated[
    TableFormat | None,
    typer.Option(
        "--format",
        "-f",
        help="table, json, csv or markdown (default: from -o's extension, else table).",
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
}


def _chosen(format: TableFormat | None, output: Path | None) -> TableFormat:
    if format is not None:
        return format
    if output is not None:
        return _EXTENSIONS.get(output.suffix.lower(), TableFormat.table)
    return TableFormat.table


def _write_text(text: str, output: Path | None) -> None:
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
    _say(f"wrote {output}")


def _screen(output: Path | None, *, default_width: int) -> tuple[bool, int]:
    """Whether to draw with colour and boxes (stdout is a terminal, NO_COLOR unset), and
    the width to draw in: the terminal's, else `default_width`."""
    terminal = output is None and sys.stdout.isatty()
    width = shutil.get_terminal_size().columns if terminal else default_width
    return terminal and not os.environ.get("NO_COLOR"), width


def emit(result: Any, format: TableFormat | None, output: Path | None) -> None:
    """Write a `Tabular` result in the chosen format."""
    from gmsc_cli.views import tabular as render

    chosen = _chosen(format, output)
    if chosen is TableFormat.json:
        _write_text(render.as_json(result.json_document()), output)
    elif chosen is TableFormat.csv:
        _write_text(render.as_csv(result), output)
    elif chosen is TableFormat.markdown:
        _write_text(render.as_markdown(result), output)
    else:
        styled, width = _screen(output, default_width=80)
        _write_text(render.table_text(result, styled=styled, width=width), output)


# --- completion -------------------------------------------------------------------------


def _completing_shell() -> str:
    """The shell asking for completions (Typer's `_GMSC_COMPLETE=complete_bash` protocol)."""
    return os.environ.get("_GMSC_COMPLETE", "").partition("_")[2]


def _complete_region(incomplete: str) -> list[str]:
    """`gmsc region Luw<TAB>`: official names. A failure completes nothing, quietly."""
    from gmsc_cli.cli.completion import for_shell, region_names

    try:
        return for_shell(region_names(incomplete), _completing_shell())
    except Exception:
        return []


def _complete_year(ctx: typer.Context, incomplete: str) -> list[str]:
    """`gmsc cohort <TAB>`: the years in the store that --db or GMSC_DB names."""
    from gmsc_cli.cli.completion import stored_years

    db = ctx.find_root().params.get("db") or os.environ.get("GMSC_DB")
    try:
        return stored_years(db, incomplete)
    except Exception:
        return []


# --- the store --------------------------------------------------------------------------


def _store() -> Any:
    from gmsc_cli.store.store import Store

    return Store(_state["db"])


def _ensure(store: Any) -> None:
    """First use: create the store from the bundled dataset, saying so."""
    if store.exists():
        return
    from gmsc_cli.actions.importing import create_store

    count = create_store(store, bundled=True)
    _say(f"gmsc: created the store {store.where} from the bundled dataset ({count} cohorts)")


def _ledger() -> Any:
    store = _store()
    _ensure(store)
    return store.read()


@app.command()
@guarded
def init(
    empty: Annotated[
        bool, typer.Option("--empty", help="Start with no cohorts instead of the bundled ones.")
    ] = False,
) -> None:
    """Create the store (from the bundled dataset unless --empty)."""
    from gmsc_cli.actions.importing import create_store

    store = _store()
    if store.exists():
        _say(f"gmsc: the store {store.where} exists already; nothing to do")
        return
    count = create_store(store, bundled=not empty)
    _say(f"gmsc: created the store {store.where} with {count} cohorts")


@app.command("import")
@guarded
def import_(
    files: Annotated[
        list[str] | None,
        typer.Argument(help="Ledger files ('-' reads standard input), imported together."),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace stored cohorts whose content differs.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the plan and write nothing.")
    ] = False,
    history: Annotated[
        bool, typer.Option("--history", help="List what was imported, when, and from where.")
    ] = False,
    format: FormatOption = None,
    output: OutputOption = None,
) -> None:
    """Validate files with the stored ledger and write them in one transaction, or nothing."""
    from gmsc_cli.actions.importing import ImportRefused, import_files, receipts_table
    from gmsc_cli.views import tabular as render

    store = _store()
    if history:
        _ensure(store)
        emit(receipts_table(store.receipts()), format, output)
        return
    if format is not None or output is not None:
        raise typer.BadParameter("--format and -o go with --history")
    if not files:
        raise typer.BadParameter("name at least one file, or '-' for standard input")
    sources = read_inputs(files)  # a missing file fails before the store is created
    _ensure(store)
    progress = _import_progress(sum(len(data) for _, data in sources))
    try:
        with progress or contextlib.nullcontext():
            outcome = import_files(
                store, sources, replace=replace, dry_run=dry_run, progress=progress
            )
    except ImportRefused as refused:
        sys.stderr.write(render.findings_text(refused.findings))
        _say(f"gmsc: nothing imported: {refused.message}", refused.hint)
        raise typer.Exit(int(ExitStatus.DATA)) from None
    if outcome.findings:
        sys.stderr.write(render.findings_text(outcome.findings))
    if dry_run:
        sys.stdout.write(outcome.plan_text())
    sys.stdout.write(outcome.summary() + "\n")


PROGRESS_BYTES = 256 * 1024
"""Imports of more input than this (a few thousand memberships) show progress bars."""
PROGRESS_ENTRIES = 5_000


class _ImportBars:
    """Rich progress bars on stderr for a long import: reading, then writing."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.bars = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> _ImportBars:
        self.bars.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.bars.stop()

    def _advance(self, label: str, done: int, total: int) -> None:
        if label not in self.tasks:
            self.tasks[label] = self.bars.add_task(label, total=total)
        self.bars.update(self.tasks[label], completed=done, total=total)

    def reading(self, name: str, done: int, total: int) -> None:
        """Lines of one file read."""
        self._advance(f"reading {Path(name).name} (lines)", done, total)

    def writing(self, done: int, total: int) -> None:
        """Entries written."""
        if total > PROGRESS_ENTRIES:
            self._advance("writing entries", done, total)


def _import_progress(size: int) -> _ImportBars | None:
    """Bars for a large import when stderr is a terminal; nothing otherwise."""
    if size <= PROGRESS_BYTES or not sys.stderr.isatty():
        return None
    return _ImportBars()


@app.command()
@guarded
def totals(
    through: Annotated[
        int | None, typer.Option("--through", help="Count cohorts up to this year.")
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="'province': participants per province.")
    ] = None,
    chart: Annotated[
        bool,
        typer.Option(
            "--chart", help="Draw members per cohort and the running totals as bars instead."
        ),
    ] = False,
    format: FormatOption = None,
    output: OutputOption = None,
) -> None:
    """The per-cohort table: declared and identified members, repeats, running totals."""
    from gmsc_cli.views import reports

    if by is not None and by != "province":
        raise typer.BadParameter(f"'{by}' is not a grouping; use --by province", param_hint="--by")
    if chart and (by is not None or format is not None):
        raise typer.BadParameter("--chart draws the totals; it takes no --by or --format")
    ledger = _ledger()
    figures = reports.totals(ledger, through=through)
    if chart:
        from gmsc_cli.views.chart import totals_chart

        styled, width = _screen(output, default_width=100)
        _write_text(totals_chart(figures, styled=styled, width=width), output)
        return
    if by == "province":
        emit(reports.provinces_table(ledger, through=through), format, output)
        return
    emit(reports.totals_table(ledger, figures), format, output)


def emit_sections(sections: Any, format: TableFormat | None, output: Path | None) -> None:
    """Write a result of several tables: the first alone as CSV, the first's document as
    JSON, and every table one after another as a table or Markdown."""
    from gmsc_cli.views import tabular as render

    chosen = _chosen(format, output)
    if chosen in (TableFormat.json, TableFormat.csv):
        emit(sections[0], chosen, output)
    elif chosen is TableFormat.markdown:
        parts = []
        for section in sections:
            parts.append(f"## {section.title}\n\n{render.as_markdown(section)}")
            if section.caption:
                parts.append(f"{section.caption}\n")
        _write_text("\n".join(parts), output)
    else:
        styled, width = _screen(output, default_width=80)
        _write_text(
            "\n".join(render.table_text(s, styled=styled, width=width) for s in sections),
            output,
        )


@app.command()
@guarded
def reconcile(
    through: Annotated[
        int | None, typer.Option("--through", help="Count cohorts up to this year.")
    ] = None,
    format: FormatOption = None,
    output: OutputOption = None,
) -> None:
    """Why the official total and the identified one differ: cohort by cohort, with the
    entries and the tensions behind it."""
    from gmsc_cli.domain.reconcile import reconcile as bridge
    from gmsc_cli.views import reports
    from gmsc_cli.views.reconcile import reconcile_sections

    ledger = _ledger()
    reports.totals(ledger, through=through)  # refuses a year before the first cohort
    emit_sections(reconcile_sections(bridge(ledger, through=through)), format, output)


@app.command()
@guarded
def cohort(
    year: Annotated[int, typer.Argument(help="The cohort's year.", autocompletion=_complete_year)],
    sources: SourcesOption = False,
    format: FormatOption = None,
    output: OutputOption = None,
) -> None:
    """The members of one cohort, with status, new/repeat and note."""
    from gmsc_cli.views import reports

    wide = sources or _chosen(format, output) is TableFormat.csv
    emit(reports.cohort_table(_ledger(), year, sources=wide), format, output)


@app.command()
@guarded
def region(
    name: Annotated[
        str,
        typer.Argument(
            help="A name in any accepted spelling, or a code.", autocompletion=_complete_region
        ),
    ],
    sources: SourcesOption = False,
    format: FormatOption = None,
    output: OutputOption = None,
) -> None:
    """One region's history across the cohorts, with status, how it counted and notes."""
    from gmsc_cli.views import reports

    found = reports.resolve_region(name)
    wide = sources or _chosen(format, output) is TableFormat.csv
    emit(reports.region_history(_ledger(), found, sources=wide), format, output)


@app.command()
@guarded
def repeats(format: FormatOption = None, output: OutputOption = None) -> None:
    """Regions that took part in more than one cohort, with their years."""
    from gmsc_cli.views import reports

    emit(reports.repeats_table(_ledger()), format, output)


@app.command()
@guarded
def report(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write the page to this file (default: standard output)."
        ),
    ] = None,
    through: Annotated[
        int | None, typer.Option("--through", help="Count cohorts up to this year.")
    ] = None,
) -> None:
    """One self-contained HTML page for officials: totals, cohorts, chart, coverage, gaps."""
    from gmsc_cli.views import reports
    from gmsc_cli.views.html import report_html

    ledger = _ledger()
    _write_text(report_html(ledger, reports.totals(ledger, through=through)), output)


@app.command()
@guarded
def export(output: OutputOption = None) -> None:
    """The whole store as canonical format-1 YAML."""
    from gmsc_cli.format1.writer import export_yaml

    _write_text(export_yaml(_ledger()), output)


@app.command()
@guarded
def schema(output: OutputOption = None) -> None:
    """The JSON Schema (draft 2020-12) of ledger format 1."""
    from gmsc_cli.domain.regions import reference
    from gmsc_cli.format1.jsonschema import schema as format_schema
    from gmsc_cli.views import tabular as render

    _write_text(render.as_json(format_schema(len(reference().regions))), output)


@app.command()
@guarded
def doctor(
    files: Annotated[
        list[str] | None,
        typer.Argument(help="Ledger files to compare the store with (optional)."),
    ] = None,
) -> None:
    """Check the store: SQLite integrity, the ledger's invariants, drift from files."""
    from gmsc_cli.actions import doctor as checkup
    from gmsc_cli.domain.checks import validate as validate_sources

    store = _store()
    if not store.exists():
        raise EnvironmentFailure(
            f"there is no store at {store.where}", hint="gmsc init creates one"
        )
    exam = checkup.Examination()
    exam.verdicts.append(checkup.integrity(store))
    if not exam.verdicts[0].ok:
        _report(exam)
        raise typer.Exit(int(ExitStatus.ENVIRONMENT))
    ledger = store.read()
    exam.verdicts.append(checkup.reference_drift(store))
    exam.verdicts.append(checkup.invariants(ledger))
    if files:
        from gmsc_cli.views import tabular as render

        written, findings = validate_sources(read_inputs(files))
        if findings.failed():
            sys.stderr.write(render.findings_text(findings))
            _say("gmsc: the files have errors, so the store was not compared with them")
            raise typer.Exit(int(ExitStatus.DATA))
        exam.verdicts.append(checkup.drift(ledger, written))
    _report(exam)
    if not exam.ok:
        raise typer.Exit(int(ExitStatus.DATA))


def _report(exam: Any) -> None:
    for verdict in exam.verdicts:
        sys.stdout.write(f"{'ok     ' if verdict.ok else 'PROBLEM'}  {verdict.name}\n")
        for detail in verdict.details:
            sys.stdout.write(f"         {detail}\n")


def _complete_without_prefix_filter(command: Any) -> None:
    """Let `gmsc region luw<TAB>` become `Kabupaten Luwu Utara`.

    Typer keeps only completions that start with the typed text, case and all, which
    would drop every canonical name for a bare or lower-case start. The region argument's
    completer is therefore installed on the built Click parameter, unfiltered: the
    reference list already matched the text.
    """
    from typer._click.shell_completion import CompletionItem

    def complete(_ctx: Any, _param: Any, incomplete: str) -> list[CompletionItem]:
        return [CompletionItem(value) for value in _complete_region(incomplete)]

    for param in command.commands["region"].params:
        if param.name == "name":
            param._custom_shell_complete = complete


def main() -> None:
    """The console script `gmsc`."""
    command = typer.main.get_command(app)
    _complete_without_prefix_filter(command)
    command(prog_name="gmsc")
