"""The command line: the one module that knows Typer, owns output, and maps errors to exits.

Start-up is part of the product: this module imports only Typer and the light core at
the top; the store (SQLModel/SQLAlchemy) and Rich tables are imported inside the
commands that need them.
"""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.core

from gmsc_cli import __version__
from gmsc_cli.actions.inputs import read_inputs
from gmsc_cli.cli.output import (
    FormatOption,
    OutputOption,
    SourcesOption,
    TableFormat,
    chosen,
    emit,
    emit_sections,
    output_path,
    say,
    screen,
    write_text,
)
from gmsc_cli.errors import ExitStatus, GmscError


@dataclass(slots=True)
class Options:
    """The global options, kept in Typer's context (`ctx.obj`) for the commands."""

    db: str | None = None
    traceback: bool = False


class Gmsc(typer.core.TyperGroup):
    """The `gmsc` group, and the one error boundary: whatever a command raises becomes an
    exit code and a one-line message here; a command that returns an ExitStatus exits
    with it."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Take --traceback wherever it is written (`gmsc totals --traceback` too): it is
        a global option, moved before the command for the group to read."""
        end = args.index("--") if "--" in args else len(args)
        if "--traceback" in args[:end]:
            args = ["--traceback", *(a for a in args[:end] if a != "--traceback"), *args[end:]]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:  # Typer types it with its vendored, private Click
        """Run the command; map what it raises or returns to an exit. --traceback adds the
        traceback of an unexpected error; it never changes the exit code."""
        try:
            result = super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # Typer's own: usage errors (exit 2) and exits
        except GmscError as exc:
            say(f"gmsc: {exc.message}", exc.hint)
            raise typer.Exit(int(exc.status)) from None
        except KeyboardInterrupt:
            say("gmsc: interrupted")
            raise typer.Exit(130) from None
        except BrokenPipeError:
            raise typer.Exit(int(ExitStatus.OK)) from None
        except OSError as exc:
            _show_traceback(ctx)
            where = f" {exc.filename}" if exc.filename else ""
            say(f"gmsc: cannot use{where}: {exc.strerror or exc}")
            raise typer.Exit(int(ExitStatus.ENVIRONMENT)) from None
        except Exception as exc:
            shown = _show_traceback(ctx)
            say(
                f"gmsc: internal error: {type(exc).__name__}: {exc}",
                "report it with the traceback above"
                if shown
                else "run the same command with --traceback to see where, and report it",
            )
            raise typer.Exit(int(ExitStatus.INTERNAL)) from None
        if isinstance(result, ExitStatus) and result is not ExitStatus.OK:
            raise typer.Exit(int(result))
        return result


def _show_traceback(ctx: Any) -> bool:
    """With --traceback, print the traceback of the error being handled to stderr; True
    when it was printed."""
    options = ctx.find_object(Options)
    if options is None or not options.traceback:
        return False
    import traceback

    traceback.print_exc(file=sys.stderr)
    return True


app = typer.Typer(
    name="gmsc",
    cls=Gmsc,
    help="The ledger of Indonesia's Gerakan Menuju Smart City cohorts.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"gmsc {__version__}\n")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
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
    ctx.obj = Options(db=db, traceback=traceback)


# --- validate ---------------------------------------------------------------------------


class FindingFormat(StrEnum):
    """How `validate` reports findings."""

    text = "text"
    json = "json"
    github = "github"


@app.command()
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
) -> ExitStatus:
    """Check ledger files without touching the store; exit 1 if they have errors."""
    from gmsc_cli.actions.validating import validate as validate_sources
    from gmsc_cli.views import findings as render

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
    say(render.summary_line(findings, len(files)))
    return ExitStatus.DATA if findings.failed(strict=strict) else ExitStatus.OK


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


def _store(ctx: typer.Context) -> Any:
    """The store the global options name."""
    from gmsc_cli.store.store import Store

    options = ctx.find_object(Options)
    return Store(options.db if options is not None else None)


def _ensure(store: Any) -> None:
    """First use: create the store from the bundled dataset, saying so."""
    if store.exists():
        return
    from gmsc_cli.actions.init import create_store

    count = create_store(store, bundled=True)
    say(f"gmsc: created the store {store.where} from the bundled dataset ({count} cohorts)")


def _ledger(ctx: typer.Context) -> Any:
    """The stored ledger, the store created first if it does not exist."""
    store = _store(ctx)
    _ensure(store)
    return store.read()


@app.command()
def init(
    ctx: typer.Context,
    empty: Annotated[
        bool, typer.Option("--empty", help="Start with no cohorts instead of the bundled ones.")
    ] = False,
) -> None:
    """Create the store (from the bundled dataset unless --empty)."""
    from gmsc_cli.actions.init import init_store

    store = _store(ctx)
    count = init_store(store, bundled=not empty)
    if count is None:
        say(f"gmsc: the store {store.where} exists already; nothing to do")
        return
    say(f"gmsc: created the store {store.where} with {count} cohorts")


@app.command("import")
def import_(
    ctx: typer.Context,
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
) -> ExitStatus:
    """Validate files with the stored ledger and write them in one transaction, or nothing."""
    from gmsc_cli.actions.importing import ImportRefused, import_files
    from gmsc_cli.cli.progress import import_progress
    from gmsc_cli.views import importing as words
    from gmsc_cli.views.findings import findings_text

    store = _store(ctx)
    if history:
        _ensure(store)
        emit(words.receipts_table(store.receipts()), format, output)
        return ExitStatus.OK
    if format is not None or output is not None:
        raise typer.BadParameter("--format and -o go with --history")
    if not files:
        raise typer.BadParameter("name at least one file, or '-' for standard input")
    sources = read_inputs(files)  # a missing file fails before the store is created
    _ensure(store)
    progress = import_progress(sum(len(data) for _, data in sources))
    try:
        with progress or contextlib.nullcontext():
            outcome = import_files(
                store, sources, replace=replace, dry_run=dry_run, progress=progress
            )
    except ImportRefused as refused:
        sys.stderr.write(findings_text(refused.findings))
        say(f"gmsc: nothing imported: {refused.message}", refused.hint)
        return ExitStatus.DATA
    if outcome.findings:
        sys.stderr.write(findings_text(outcome.findings))
    if dry_run:
        sys.stdout.write(words.plan_text(outcome))
    sys.stdout.write(words.summary_line(outcome) + "\n")
    return ExitStatus.OK


@app.command()
def totals(
    ctx: typer.Context,
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
    ledger = _ledger(ctx)
    figures = reports.totals(ledger, through=through)
    if chart:
        from gmsc_cli.views.chart import totals_chart

        styled, width = screen(output, default_width=100)
        write_text(totals_chart(figures, styled=styled, width=width), output)
        return
    if by == "province":
        emit(reports.provinces_table(ledger, through=through), format, output)
        return
    emit(reports.totals_table(ledger, figures), format, output)


@app.command()
def reconcile(
    ctx: typer.Context,
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

    ledger = _ledger(ctx)
    reports.totals(ledger, through=through)  # refuses a year before the first cohort
    emit_sections(reconcile_sections(bridge(ledger, through=through)), format, output)


@app.command()
def cohort(
    ctx: typer.Context,
    year: Annotated[int, typer.Argument(help="The cohort's year.", autocompletion=_complete_year)],
    sources: SourcesOption = False,
    format: FormatOption = None,
    output: OutputOption = None,
) -> None:
    """The members of one cohort, with status, new/repeat and note."""
    from gmsc_cli.views import reports

    wide = sources or chosen(format, output) is TableFormat.csv
    emit(reports.cohort_table(_ledger(ctx), year, sources=wide), format, output)


@app.command()
def region(
    ctx: typer.Context,
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
    wide = sources or chosen(format, output) is TableFormat.csv
    emit(reports.region_history(_ledger(ctx), found, sources=wide), format, output)


@app.command()
def repeats(ctx: typer.Context, format: FormatOption = None, output: OutputOption = None) -> None:
    """Regions that took part in more than one cohort, with their years."""
    from gmsc_cli.views import reports

    emit(reports.repeats_table(_ledger(ctx)), format, output)


@app.command("regions")
def regions_list(
    ctx: typer.Context,
    province: Annotated[
        str | None, typer.Option("--province", help="Only this province (name or code).")
    ] = None,
    search: Annotated[
        str | None, typer.Option("--search", help="Only names, aliases or codes containing this.")
    ] = None,
    format: FormatOption = None,
    output: OutputOption = None,
) -> None:
    """The 514 reference kabupaten/kota, and whether and when each took part."""
    from gmsc_cli.views import reports

    emit(reports.regions_table(_ledger(ctx), province=province, search=search), format, output)


@app.command()
def report(
    ctx: typer.Context,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the page to this file (default: standard output).",
            parser=output_path,
        ),
    ] = None,
    through: Annotated[
        int | None, typer.Option("--through", help="Count cohorts up to this year.")
    ] = None,
) -> None:
    """One self-contained HTML page for officials: totals, cohorts, chart, coverage, gaps."""
    from gmsc_cli.views import reports
    from gmsc_cli.views.html import report_html

    ledger = _ledger(ctx)
    write_text(report_html(ledger, reports.totals(ledger, through=through)), output)


@app.command()
def export(ctx: typer.Context, output: OutputOption = None) -> None:
    """The whole store as canonical format-1 YAML."""
    from gmsc_cli.format1.writer import export_yaml

    write_text(export_yaml(_ledger(ctx)), output)


@app.command()
def schema(output: OutputOption = None) -> None:
    """The JSON Schema (draft 2020-12) of ledger format 1."""
    from gmsc_cli.domain.regions import reference
    from gmsc_cli.format1.jsonschema import schema as format_schema
    from gmsc_cli.views import tabular as render

    write_text(render.as_json(format_schema(len(reference().regions))), output)


@app.command()
def doctor(
    ctx: typer.Context,
    files: Annotated[
        list[str] | None,
        typer.Argument(help="Ledger files to compare the store with (optional)."),
    ] = None,
) -> ExitStatus:
    """Check the store: SQLite integrity, the ledger's invariants, drift from files."""
    from gmsc_cli.actions.doctor import examine
    from gmsc_cli.views.findings import findings_text

    exam = examine(_store(ctx), files)
    if exam.refused_files is not None:
        sys.stderr.write(findings_text(exam.refused_files))
        say("gmsc: the files have errors, so the store was not compared with them")
        return exam.status
    for verdict in exam.verdicts:
        sys.stdout.write(f"{'ok     ' if verdict.ok else 'PROBLEM'}  {verdict.name}\n")
        for detail in verdict.details:
            sys.stdout.write(f"         {detail}\n")
    return exam.status


def install_unfiltered_completion(param: Any, complete: Any) -> None:
    """Install `complete(ctx, param, incomplete) -> list[str]` on a built Click parameter
    so that Typer offers its values unfiltered.

    Typer keeps only completions that start with the typed text, case and all, which
    would drop every canonical name for a bare or lower-case start. This is the one use
    of Typer's private API (the parameter's `_custom_shell_complete`, and its vendored
    Click's CompletionItem); tests/test_ecosystem_completion.py fails if an upgrade of
    Typer stops honouring it.
    """
    from typer._click.shell_completion import CompletionItem

    if not hasattr(param, "_custom_shell_complete"):
        raise RuntimeError("Typer's parameters no longer have _custom_shell_complete")

    def items(ctx: Any, this: Any, incomplete: str) -> list[CompletionItem]:
        return [CompletionItem(value) for value in complete(ctx, this, incomplete)]

    param._custom_shell_complete = items


def _complete_without_prefix_filter(command: Any) -> None:
    """Let `gmsc region luw<TAB>` become `Kabupaten Luwu Utara`: the reference list has
    already matched the text, so Typer must not filter it again."""
    for param in command.commands["region"].params:
        if param.name == "name":
            install_unfiltered_completion(
                param, lambda _ctx, _param, incomplete: _complete_region(incomplete)
            )


def main() -> None:
    """The console script `gmsc`."""
    command = typer.main.get_command(app)
    _complete_without_prefix_filter(command)
    command(prog_name="gmsc")
