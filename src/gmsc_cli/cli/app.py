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
    ThroughOption,
    chosen,
    emit,
    emit_sections,
    output_path,
    say,
    screen,
    write_bytes,
    write_text,
)
from gmsc_cli.errors import ExitStatus, GmscError
from gmsc_cli.i18n import Language, _, choose, ngettext, number, set_language


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
            say(_scrubbed(ctx, f"gmsc: {exc.message}"), exc.hint and _scrubbed(ctx, exc.hint))
            raise typer.Exit(int(exc.status)) from None
        except KeyboardInterrupt:
            say("gmsc: " + _("interrupted"))
            raise typer.Exit(130) from None
        except BrokenPipeError:
            raise typer.Exit(int(ExitStatus.OK)) from None
        except OSError as exc:
            _show_traceback(ctx)
            reason = exc.strerror or str(exc)
            message = (
                _("cannot use {path}: {reason}").format(path=exc.filename, reason=reason)
                if exc.filename
                else _("cannot use: {reason}").format(reason=reason)
            )
            say(_scrubbed(ctx, f"gmsc: {message}"))
            raise typer.Exit(int(ExitStatus.ENVIRONMENT)) from None
        except Exception as exc:
            shown = _show_traceback(ctx)
            say(
                _scrubbed(
                    ctx,
                    "gmsc: "
                    + _("internal error: {error}").format(error=f"{type(exc).__name__}: {exc}"),
                ),
                _("report it with the traceback above")
                if shown
                else _("run the same command with --traceback to see where, and report it"),
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
    exc = sys.exc_info()[1]
    if exc is None:
        return False
    _print_traceback(ctx, exc)
    return True


def _scrubbed(ctx: Any, text: str) -> str:
    """`text` without the password of the store's URL, wherever a driver put it."""
    from gmsc_cli.store.urls import scrub

    options = ctx.find_object(Options)
    return scrub(text, options.db if options is not None else None)


def _print_traceback(ctx: Any, exc: BaseException) -> None:
    """--traceback: the whole traceback on stderr, with the store's password hidden."""
    import traceback

    sys.stderr.write(_scrubbed(ctx, "".join(traceback.format_exception(exc))))


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
            help="The store: a SQLite file path, or a postgresql:// (or other SQLAlchemy) URL. "
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
    lang: Annotated[
        Language | None,
        typer.Option(
            "--lang",
            envvar="GMSC_LANG",
            help="The language of what people read: en or id. "
            "Default: GMSC_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG).",
            show_default=False,
            case_sensitive=False,
        ),
    ] = None,
) -> None:
    """Keep the ledger of the GMSC cohorts: validate data files, import them, report totals."""
    set_language(choose(lang, os.environ))
    if db == "" or (db is None and os.environ.get("GMSC_DB") == ""):
        raise typer.BadParameter(
            _("is empty: name a file or a postgresql:// URL, or unset it for the default store"),
            param_hint="'--db' / GMSC_DB",
        )
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
    _ledger_read, findings = validate_sources(read_inputs(files))
    if format is FindingFormat.json:
        sys.stdout.write(render.findings_json(findings, strict=strict))
    elif format is FindingFormat.github:
        sys.stdout.write(render.findings_github(findings))
    else:
        sys.stdout.write(render.findings_text(findings))
    say(render.summary_line(findings, len(files)))
    return ExitStatus.DATA if findings.failed(strict=strict) else ExitStatus.OK


# --- diff -------------------------------------------------------------------------------


class DiffFormat(StrEnum):
    """How `diff` reports the changes."""

    text = "text"
    json = "json"
    markdown = "markdown"
    github = "github"


@app.command()
def diff(
    ctx: typer.Context,
    ledgers: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[OLD NEW | FILE...]",
            help="The two ledgers: files, '-' (standard input) or @store (the store). "
            "With --git: the files to compare (default: every tracked ledger file).",
            show_default=False,
        ),
    ] = None,
    old: Annotated[
        list[str] | None,
        typer.Option(
            "--old", help="A file of the old ledger (repeat for several).", show_default=False
        ),
    ] = None,
    new: Annotated[
        list[str] | None,
        typer.Option(
            "--new", help="A file of the new ledger (repeat for several).", show_default=False
        ),
    ] = None,
    git: Annotated[
        str | None,
        typer.Option(
            "--git",
            metavar="REV",
            help="Compare the files at git revision REV with their working copies.",
            show_default=False,
        ),
    ] = None,
    format: Annotated[
        DiffFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="text, json, markdown, or github annotations and a step summary "
            "(the default when GITHUB_ACTIONS=true, else text).",
            show_default=False,
        ),
    ] = None,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when the ledgers differ.")
    ] = False,
) -> ExitStatus:
    """What changed between two versions of the ledger, and how the figures move."""
    from gmsc_cli.actions import diffing
    from gmsc_cli.views import diff as words
    from gmsc_cli.views.findings import findings_github, findings_text

    github = os.environ.get("GITHUB_ACTIONS") == "true"
    if format is None:
        format = DiffFormat.github if github else DiffFormat.text
    if git is not None:
        if old or new:
            raise typer.BadParameter(
                _("--git compares REV with the working copy: no --old or --new")
            )
        comparison = diffing.compare_git(git, ledgers or [])
    else:
        rest = list(ledgers or [])
        sides = []
        for named in (old, new):
            sides.append(list(named) if named else rest[:1])
            rest = rest if named else rest[1:]
        if not sides[0] or not sides[1] or rest:
            raise typer.BadParameter(_("name two ledgers, OLD and NEW (or --old/--new FILE...)"))
        if (sides[0] + sides[1]).count("-") > 1:
            raise typer.BadParameter(_("only one side can be read from standard input"))
        if any(diffing.STORE in side and len(side) > 1 for side in sides):
            raise typer.BadParameter(
                _("{store} is a whole ledger: name no files with it").format(store=diffing.STORE)
            )
        comparison = diffing.compare(sides[0], sides[1], lambda: _ledger(ctx))
    if comparison.failed:
        refused = comparison.notable()
        if format is DiffFormat.github:
            sys.stdout.write(findings_github(refused))
        else:
            sys.stderr.write(findings_text(refused))
        say(f"gmsc: cannot compare: {comparison.refusal()}", "gmsc validate shows every finding")
        return ExitStatus.DATA
    changes = comparison.diff()
    labels = comparison.old.label, comparison.new.label
    if format is DiffFormat.json:
        sys.stdout.write(words.diff_json(changes, *labels))
    elif format is DiffFormat.markdown:
        sys.stdout.write(words.diff_markdown(changes, *labels))
    else:
        if format is DiffFormat.github:
            sys.stdout.write(words.diff_github(changes))
            summary = os.environ.get("GITHUB_STEP_SUMMARY")
            if github and summary:
                diffing.append_text(summary, words.diff_markdown(changes, *labels))
        styled, _width = screen(None, default_width=80)
        sys.stdout.write(
            words.diff_text(changes, *labels, styled=styled and format is DiffFormat.text)
        )
        say(words.summary_line(changes))
    return ExitStatus.DATA if exit_code and not changes.same else ExitStatus.OK


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
    say(
        "gmsc: "
        + ngettext(
            "created the store {store} from the bundled dataset ({count} cohort)",
            "created the store {store} from the bundled dataset ({count} cohorts)",
            count,
        ).format(store=store.where, count=number(count))
    )


def _ledger(ctx: typer.Context) -> Any:
    """The stored ledger, the store created first if it does not exist."""
    store = _store(ctx)
    ledger = store.read_if_exists()
    if ledger is not None:
        return ledger
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
        exists = _("the store {store} exists already; nothing to do").format(store=store.where)
        say(f"gmsc: {exists}")
        return
    say(
        "gmsc: "
        + ngettext(
            "created the store {store} with {count} cohort",
            "created the store {store} with {count} cohorts",
            count,
        ).format(store=store.where, count=number(count))
    )


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
        raise typer.BadParameter(_("--format and -o go with --history"))
    if not files:
        raise typer.BadParameter(_("name at least one file, or '-' for standard input"))
    sources = read_inputs(files)  # a missing file fails before the store is created
    _ensure(store)
    progress = import_progress(sum(len(data) for _name, data in sources))
    try:
        with progress or contextlib.nullcontext():
            outcome = import_files(
                store, sources, replace=replace, dry_run=dry_run, progress=progress
            )
    except ImportRefused as refused:
        sys.stderr.write(findings_text(refused.findings))
        say("gmsc: " + _("nothing imported: {reason}").format(reason=refused.message), refused.hint)
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
    through: ThroughOption = None,
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
        raise typer.BadParameter(
            _("'{by}' is not a grouping; use --by province").format(by=by), param_hint="--by"
        )
    if chart and (by is not None or format is not None):
        raise typer.BadParameter(_("--chart draws the totals; it takes no --by or --format"))
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
    through: ThroughOption = None,
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

    wide = sources or chosen(format, output) in (TableFormat.csv, TableFormat.xlsx)
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
    wide = sources or chosen(format, output) in (TableFormat.csv, TableFormat.xlsx)
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
            help="Write the page to this file (default: standard output); "
            "a .xlsx file gets a workbook with a sheet per section instead.",
            parser=output_path,
        ),
    ] = None,
    through: ThroughOption = None,
) -> None:
    """One self-contained HTML page for officials: map, totals, cohorts, coverage, gaps."""
    from gmsc_cli.views import reports

    ledger = _ledger(ctx)
    figures = reports.totals(ledger, through=through)
    if output is not None and output.suffix.lower() == ".xlsx":
        from gmsc_cli.views.xlsx import report_workbook

        write_bytes(report_workbook(ledger, figures), output)
        return
    from gmsc_cli.views.html import report_html

    write_text(report_html(ledger, figures), output)


_MAP_FILES = (".svg", ".html")


@app.command("map")
def map_(
    ctx: typer.Context,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="map.svg (the bare SVG) or map.html (a page with the map, legend and "
            "credits); default: the SVG on standard output.",
        ),
    ] = None,
    through: ThroughOption = None,
    by: Annotated[
        str,
        typer.Option(
            "--by", help="first: the year of first participation; count: how many cohorts."
        ),
    ] = "first",
) -> None:
    """The choropleth of the 514 kabupaten/kota, coloured by their cohorts."""
    if by not in ("first", "count"):
        raise typer.BadParameter(
            _("'{by}' is not a colouring; use first or count").format(by=by), param_hint="--by"
        )
    suffix = output.suffix.lower() if output is not None else ".svg"
    if suffix not in _MAP_FILES:
        shown = f"'{suffix}'" if suffix else _("a file without an extension")
        raise typer.BadParameter(
            _("cannot write a map as {file}; use {svg} or {html}").format(
                file=shown, svg=_MAP_FILES[0], html=_MAP_FILES[1]
            ),
            param_hint="-o",
        )
    from gmsc_cli.views import reports
    from gmsc_cli.views.ledger_map import MapBy, ledger_map, map_page

    ledger = _ledger(ctx)
    reports.totals(ledger, through=through)  # refuses a year before the first cohort
    drawn = ledger_map(ledger, through=through, by=MapBy(by))
    page = map_page(drawn, programme=ledger.programme) if suffix == ".html" else drawn.svg()
    write_text(page, output)


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
    """Check the store: the database's integrity, the ledger's invariants, drift from files."""
    from gmsc_cli.actions.doctor import examine
    from gmsc_cli.views.findings import findings_text

    exam = examine(_store(ctx), files)
    if exam.refused_files is not None:
        sys.stderr.write(findings_text(exam.refused_files))
        say("gmsc: " + _("the files have errors, so the store was not compared with them"))
        return exam.status
    width = max(len(_("ok")), len(_("PROBLEM")))
    for verdict in exam.verdicts:
        word = _("ok") if verdict.ok else _("PROBLEM")
        sys.stdout.write(f"{word:<{width}}  {_(verdict.name)}\n")
        for detail in verdict.details:
            sys.stdout.write(f"{'':<{width}}  {detail}\n")
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
    """The console script `gmsc` (cli/entry.py chooses the language first)."""
    from gmsc_cli.cli.helptexts import translate_help

    command = typer.main.get_command(app)
    translate_help(command)
    _complete_without_prefix_filter(command)
    command(prog_name="gmsc")
