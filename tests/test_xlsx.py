"""`.xlsx` output: every tabular command, `gmsc reconcile` and `gmsc report -o report.xlsx`,
read back with openpyxl and held to the JSON output of the same command."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import Result
from gmsc_cli.cli.app import app
from test_ecosystem_formats import TABULAR

Run = Callable[..., Result]
Write = Callable[[str, str | bytes], Path]


def _cell(value: Any) -> Any:
    """What the workbook holds for a JSON value: lists joined, empty as None."""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) or None
    return None if value == "" else value


def _sheet_rows(sheet: Any) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The header and the rows under it (up to the first empty row)."""
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    header = [str(h) for h in rows[0]]
    body = []
    for row in rows[1:]:
        if all(v is None for v in row):
            break
        body.append(row)
    return header, body


def _workbook(path: Path) -> Any:
    return openpyxl.load_workbook(path)


def _json(run: Run, *args: str) -> Any:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result
    return json.loads(result.stdout)


def _same_rows(body: list[tuple[Any, ...]], keys: list[str], rows: list[dict[str, Any]]) -> None:
    """Each sheet row holds the JSON row's values, in the columns' order, numbers as numbers."""
    assert len(body) >= len(rows)
    for got, want in zip(body, rows, strict=False):
        assert list(got) == [_cell(want.get(key)) for key in keys], (got, want)


class TestTables:
    """`-o FILE.xlsx` and `--format xlsx` on the tabular commands."""

    def test_totals(self, run: Run, tmp_path: Path) -> None:
        """If `gmsc totals -o totals.xlsx`, then the sheet has the title on row 1, a bold
        header frozen under it, one row per cohort with the JSON figures as numbers, the
        totals in a bold footer and the caption under the table."""
        document = _json(run, "totals")
        target = tmp_path / "totals.xlsx"
        result = run("totals", "-o", str(target))
        assert result.exit_code == 0 and result.stdout == "", result
        (sheet,) = _workbook(target).worksheets
        assert "cohorts through" in str(sheet["A1"].value)
        assert sheet.freeze_panes == "A3"
        assert all(cell.font.b for cell in sheet[2])
        header, body = _sheet_rows(sheet)
        keys = list(document["cohorts"][0])
        assert len(header) == len(keys)
        _same_rows(body, keys, document["cohorts"])
        assert all(isinstance(v, int) for row in body[:-1] for v in row)
        footer = body[len(document["cohorts"])]
        assert footer[0] == "Total" and sheet.cell(row=2 + len(body), column=1).font.b
        assert footer[keys.index("cumulative_declared")] == document["total"]["unique_declared"]
        assert (
            footer[keys.index("cumulative_identified")] == (document["total"]["unique_identified"])
        )
        caption = sheet.cell(row=2 + len(body) + 2, column=1).value
        assert str(caption).startswith(f"{document['total']['unique_declared']} official")
        widths = [sheet.column_dimensions[c].width for c in "ABCDEFGHIJKLM"]
        assert all(6 <= w <= 60 for w in widths), widths

    @pytest.mark.parametrize("command", TABULAR, ids=" ".join)
    def test_every_tabular_command(
        self, run: Run, command: tuple[str, ...], tmp_path: Path
    ) -> None:
        """If a tabular command writes -o FILE.xlsx, then the sheet's rows hold what its JSON
        holds (the rows of the JSON, or of its documented part)."""
        assert run("totals").exit_code == 0  # the store exists: import --history has a row
        document = _json(run, *command)
        rows = (
            document["cohorts"]
            if command == ("totals",)
            else document["history"]
            if command[0] == "region"
            else document
        )
        target = tmp_path / "out.xlsx"
        assert run(*command, "-o", str(target)).exit_code == 0
        header, body = _sheet_rows(_workbook(target).active)
        if command == ("repeats",):  # the JSON leaves out the province shown in the table
            keys = ["code", "name", "province", "years"]
            rows = [row | {"province": body[i][2]} for i, row in enumerate(rows)]
        elif command[0] == "import":
            assert len(body) == len(rows)
            return
        else:
            keys = [k for k in rows[0] if k != "code" or header[0] == "Code"] if rows else []
            if command[0] == "region":
                keys = ["year", "status", "counted", "note", "sources"]
        _same_rows(body, keys, rows)

    def test_format_xlsx_to_a_pipe(self, isolated_store: Path) -> None:
        """If --format xlsx is given without -o and stdout is not a terminal, then the
        workbook's bytes go to stdout."""
        result = CliRunner().invoke(app, ["repeats", "--format", "xlsx"], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        data = result.stdout_bytes
        assert data[:2] == b"PK"
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        assert sheet is not None and sheet["A2"].value == "Code"

    def test_format_xlsx_to_a_terminal(self, isolated_store: Path) -> None:
        """If --format xlsx is given without -o and stdout is a terminal, then exit 2 and
        nothing binary reaches the screen."""
        leader, follower = pty.openpty()
        gmsc = Path(sys.executable).with_name("gmsc")
        env = {**os.environ, "GMSC_DB": str(isolated_store)}
        process = subprocess.run(
            [str(gmsc), "repeats", "--format", "xlsx"],
            stdout=follower,
            stderr=subprocess.PIPE,
            env=env,
            timeout=60,
            check=False,
        )
        os.close(follower)
        os.set_blocking(leader, False)
        try:
            shown = os.read(leader, 65536)
        except OSError:  # nothing was written, or the terminal closed with nothing in it
            shown = b""
        os.close(leader)
        assert process.returncode == 2
        assert b"binary" in process.stderr and b"-o FILE.xlsx" in process.stderr
        assert b"PK" not in shown

    def test_without_openpyxl(
        self, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If openpyxl is not installed, then exit 3 saying to install gmsc[xlsx], and no
        file is written."""
        monkeypatch.setitem(sys.modules, "openpyxl", None)
        target = tmp_path / "totals.xlsx"
        result = run("totals", "-o", str(target))
        assert result.exit_code == 3
        assert "install gmsc[xlsx]" in result.stderr
        assert not target.exists()

    def test_ledger_text_is_never_a_formula(self, run: Run, write: Write, tmp_path: Path) -> None:
        """If a note or source starts with "=" (or is an error code), then the cell holds
        that text, not a formula; a single http(s) source is a link, a javascript: one not."""
        ledger = write(
            "odd.yaml",
            "version: 1\ncohorts:\n  - year: 2017\n    declared: 2\n    regions:\n"
            '      - {name: Kota Palopo, note: "=HYPERLINK(\\"http://x\\",\\"y\\")",'
            ' sources: ["javascript:alert(1)"]}\n'
            '      - {name: Kabupaten Luwu Utara, note: "#N/A", sources: ["https://a.example/b"]}\n',
        )
        assert run("init", "--empty").exit_code == 0
        assert run("import", str(ledger)).exit_code == 0
        target = tmp_path / "cohort.xlsx"
        assert run("cohort", "2017", "-o", str(target)).exit_code == 0
        sheet = _workbook(target).active
        header, body = _sheet_rows(sheet)
        note, sources = header.index("Note"), header.index("Sources")
        assert body[0][note] == '=HYPERLINK("http://x","y")'
        assert sheet.cell(row=3, column=note + 1).data_type == "s"
        assert body[1][note] == "#N/A"
        assert sheet.cell(row=3, column=sources + 1).hyperlink is None
        link = sheet.cell(row=4, column=sources + 1).hyperlink
        assert link is not None and link.target == "https://a.example/b"


class TestReconcile:
    """`gmsc reconcile -o reconcile.xlsx`."""

    def test_a_sheet_per_section(self, run: Run, tmp_path: Path) -> None:
        """Then the workbook has the bridge, the entries and the tensions, one sheet each,
        and the bridge's figures are the JSON's."""
        document = _json(run, "reconcile")
        target = tmp_path / "reconcile.xlsx"
        assert run("reconcile", "-o", str(target)).exit_code == 0
        book = _workbook(target)
        assert len(book.worksheets) == 3
        _, body = _sheet_rows(book.worksheets[0])
        keys = [
            k for k in document["cohorts"][0] if not isinstance(document["cohorts"][0][k], list)
        ]
        _same_rows(body, keys, document["cohorts"])


class TestReportWorkbook:
    """`gmsc report -o report.xlsx`."""

    @pytest.fixture
    def book(self, run: Run, tmp_path: Path) -> Any:
        target = tmp_path / "report.xlsx"
        result = run("report", "-o", str(target))
        assert result.exit_code == 0, result
        return _workbook(target)

    def test_sheets(self, book: Any) -> None:
        """The workbook has a sheet per section, each with a frozen bold header."""
        assert book.sheetnames == [
            "totals",
            "reconcile",
            "cohorts",
            "provinces",
            "repeats",
            "sources",
        ]
        for sheet in book.worksheets:
            assert sheet.freeze_panes == "A3" and all(c.font.b for c in sheet[2] if c.value)

    def test_figures_are_the_commands(self, run: Run, book: Any) -> None:
        """Every figure of every sheet is the JSON output's of the matching command."""
        totals = _json(run, "totals")
        _, body = _sheet_rows(book["totals"])
        _same_rows(body, list(totals["cohorts"][0]), totals["cohorts"])

        rec = _json(run, "reconcile")
        _, body = _sheet_rows(book["reconcile"])
        keys = [k for k, v in rec["cohorts"][0].items() if not isinstance(v, list)]
        _same_rows(body, keys, rec["cohorts"])
        footer = body[len(rec["cohorts"])]
        assert footer[keys.index("gap")] == rec["total"]["gap"]

        provinces = _json(run, "totals", "--by", "province")
        _, body = _sheet_rows(book["provinces"])
        _same_rows(body, list(provinces[0]), provinces)

        repeats = _json(run, "repeats")
        _, body = _sheet_rows(book["repeats"])
        assert [(r[0], r[1], r[3]) for r in body] == [
            (r["code"], r["name"], _cell(r["years"])) for r in repeats
        ]

    def test_every_entry_of_every_cohort(self, run: Run, book: Any) -> None:
        """The cohorts sheet has every entry of every cohort, as `gmsc cohort YEAR` has it:
        status, how it counted, earlier cohorts, note and sources."""
        header, body = _sheet_rows(book["cohorts"])
        assert header[:1] == ["Year"]
        expected = []
        for cohort in _json(run, "totals")["cohorts"]:
            for row in _json(run, "cohort", str(cohort["year"])):
                expected.append({"year": cohort["year"], **row})
        keys = [
            "year",
            "code",
            "name",
            "province",
            "status",
            "counted",
            "earlier_years",
            "note",
            "sources",
        ]
        assert len(body) == len(expected)
        _same_rows(body, keys, expected)

    def test_sources(self, book: Any) -> None:
        """The sources sheet lists every source of the ledger once per place it is cited,
        each a link when it is one URL."""
        _, body = _sheet_rows(book["sources"])
        kinds = {row[0] for row in body}
        assert kinds == {"published total", "cohort", "entry"}
        links = [
            book["sources"].cell(row=3 + i, column=4).hyperlink
            for i, row in enumerate(body)
            if str(row[3]).startswith("https://") and " " not in str(row[3])
        ]
        assert links and all(link is not None for link in links)

    def test_through(self, run: Run, tmp_path: Path) -> None:
        """If --through 2018, then the workbook stops at 2018 like the JSON does."""
        target = tmp_path / "2018.xlsx"
        assert run("report", "--through", "2018", "-o", str(target)).exit_code == 0
        book = _workbook(target)
        _, body = _sheet_rows(book["totals"])
        assert [row[0] for row in body] == [2017, 2018, "Total"]
        _, entries = _sheet_rows(book["cohorts"])
        assert {row[0] for row in entries} == {2017, 2018}
