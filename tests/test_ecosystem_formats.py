"""Every tabular command writes table, JSON, CSV or Markdown, to stdout or a file, and a
table is plain where it will be pasted or piped: no colour, no box drawing, no wrapped
numbers."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Result

Run = Callable[..., Result]

TABULAR = [
    ("totals",),
    ("totals", "--by", "province"),
    ("cohort", "2021"),
    ("region", "73.22"),
    ("repeats",),
    ("import", "--history"),
]
ESCAPE = re.compile(r"\x1b\[")
BOX_DRAWING = re.compile(r"[\u2500-\u257f]")


def on_a_terminal(*args: str, env: dict[str, str]) -> str:
    """Run the installed `gmsc ARGS` with stdout on a pseudo-terminal; what it printed."""
    leader, follower = pty.openpty()
    gmsc = Path(sys.executable).with_name("gmsc")
    process = subprocess.Popen(
        [str(gmsc), *args], stdout=follower, stderr=subprocess.DEVNULL, env=env
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the program has finished writing
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=60) == 0
    return b"".join(chunks).decode("utf-8")


class TestFormats:
    """--format and -o on every tabular command."""

    @pytest.mark.parametrize("command", TABULAR, ids=" ".join)
    @pytest.mark.parametrize("format", ["json", "csv", "markdown", "table"])
    def test_every_format_on_stdout(self, run: Run, command: tuple[str, ...], format: str) -> None:
        """If a tabular command is given --format, then stdout holds that format: JSON
        parses, CSV has a header row, Markdown has a separator row, a table has text."""
        assert run("totals").exit_code == 0  # the store exists: import --history has a row
        result = run(*command, "--format", format)
        assert result.exit_code == 0, result
        if format == "json":
            json.loads(result.stdout)
        elif format == "csv":
            assert next(csv.reader(io.StringIO(result.stdout)))
        elif format == "markdown":
            assert re.search(r"^\| (---:?|---) \|", result.stdout.splitlines()[1])
        else:
            assert result.stdout.strip()

    @pytest.mark.parametrize("command", TABULAR, ids=" ".join)
    @pytest.mark.parametrize(
        ("name", "starts"),
        [("out.json", ("{", "[")), ("out.csv", ("",)), ("out.md", ("| ",)), ("out.txt", ("",))],
    )
    def test_format_follows_the_extension(
        self, run: Run, tmp_path: Path, command: tuple[str, ...], name: str, starts: tuple[str]
    ) -> None:
        """If -o FILE is given without --format, then the file's extension picks the format
        (.json, .csv, .md; anything else a plain table) and stdout stays empty."""
        target = tmp_path / name
        result = run(*command, "-o", str(target))
        assert result.exit_code == 0, result
        assert result.stdout == ""
        assert f"wrote {target}" in result.stderr
        text = target.read_text(encoding="utf-8")
        assert text.startswith(starts), text[:200]
        if name.endswith(".json"):
            json.loads(text)
        if name.endswith(".csv"):
            assert "," in text.splitlines()[0]
        if name.endswith(".txt"):
            assert not BOX_DRAWING.search(text) and not ESCAPE.search(text)

    def test_format_option_beats_the_extension(self, run: Run, tmp_path: Path) -> None:
        """If --format csv and -o totals.json are both given, then the file is CSV."""
        target = tmp_path / "totals.json"
        result = run("totals", "--format", "csv", "-o", str(target))
        assert result.exit_code == 0, result
        assert target.read_text(encoding="utf-8").startswith("year,declared,")

    def test_unwritable_output_is_an_environment_failure(self, run: Run, tmp_path: Path) -> None:
        """If -o names a file in a directory that does not exist, then exit 3 with one
        message naming the file."""
        target = tmp_path / "missing" / "totals.csv"
        result = run("totals", "-o", str(target))
        assert result.exit_code == 3, result
        assert f"gmsc: cannot write {target}" in result.stderr


class TestPlainTables:
    """Tables for pipes, files and NO_COLOR terminals are plain; numbers stay whole."""

    @pytest.mark.parametrize("command", TABULAR, ids=" ".join)
    def test_not_a_terminal(self, run: Run, command: tuple[str, ...]) -> None:
        """If stdout is not a terminal, then the table has no colour codes and no
        box-drawing characters, only ASCII rules."""
        assert run("totals").exit_code == 0
        result = run(*command)
        assert result.exit_code == 0, result
        assert not ESCAPE.search(result.stdout), result.stdout
        assert not BOX_DRAWING.search(result.stdout), result.stdout
        assert "+--" in result.stdout

    def test_numbers_are_never_wrapped_in_a_narrow_window(
        self, run: Run, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If the window is 30 columns wide, then every row of `totals` still holds all of
        its numbers whole on one line: a piped table is as wide as it needs to be."""
        monkeypatch.setenv("COLUMNS", "30")
        figures = json.loads(run("totals", "--format", "json").stdout)
        text = run("totals").stdout
        rows = {line.split("|")[1].strip(): line for line in text.splitlines() if "|" in line}
        for cohort in figures["cohorts"]:
            cells = [c.strip() for c in rows[str(cohort["year"])].split("|")[1:-1]]
            assert cells[0] == str(cohort["year"])
            assert cells[-2:] == [
                str(cohort["cumulative_declared"]),
                str(cohort["cumulative_identified"]),
            ]
        assert "251" in rows["Total"] and "230" in rows["Total"]

    def test_terminal_gets_colour_and_boxes(self, isolated_store: Path) -> None:
        """If stdout is a terminal, then the table is drawn with box characters and
        colour (the contrast to the cases below)."""
        env = {**os.environ, "GMSC_DB": str(isolated_store), "COLUMNS": "200"}
        env.pop("NO_COLOR", None)
        text = on_a_terminal("totals", env=env)
        assert ESCAPE.search(text), text
        assert BOX_DRAWING.search(text), text

    def test_no_color_on_a_terminal(self, isolated_store: Path) -> None:
        """If NO_COLOR is set, then even on a terminal the table has no colour and no box
        drawing, and its numbers are whole."""
        env = {**os.environ, "GMSC_DB": str(isolated_store), "COLUMNS": "60", "NO_COLOR": "1"}
        text = on_a_terminal("totals", env=env)
        assert not ESCAPE.search(text), text
        assert not BOX_DRAWING.search(text), text
        total = next(line for line in text.splitlines() if "Total" in line)
        assert re.search(r"\b251\b", total) and re.search(r"\b230\b", total), text

    def test_numbers_are_not_abbreviated_on_a_narrow_terminal(self, isolated_store: Path) -> None:
        """If the terminal is only 40 columns wide, then the styled table is wider than the
        window rather than cut: each cumulative total appears whole."""
        env = {**os.environ, "GMSC_DB": str(isolated_store), "COLUMNS": "40"}
        env.pop("NO_COLOR", None)
        text = ESCAPE.sub("", re.sub(r"\x1b\[[0-9;]*m", "", on_a_terminal("totals", env=env)))
        assert "…" not in text
        for number in ("141", "136", "191", "179", "241", "220", "251", "230"):
            assert re.search(rf"\b{number}\b", text), text
