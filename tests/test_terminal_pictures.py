"""The chart and tables on terminals of every width, without colour, and on a dumb one."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from test_ecosystem_formats import on_a_terminal

ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
BOX = re.compile(r"[\u2500-\u257f\u2580-\u259f]")


def _env(store: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "GMSC_DB": str(store), **extra}
    for name in ("NO_COLOR", "TERM"):
        if name not in extra:
            env.pop(name, None)
    return env


class TestChartWidth:
    @pytest.mark.parametrize("columns", [80, 100, 120])
    @pytest.mark.parametrize("colour", [True, False])
    def test_no_line_is_wider_than_the_terminal(
        self, isolated_store: Path, columns: int, colour: bool
    ) -> None:
        """If the chart is drawn on a terminal of 80, 100 or 120 columns, with or without
        colour, then no line is wider than the terminal (none wraps)."""
        extra = {"COLUMNS": str(columns), **({} if colour else {"NO_COLOR": "1"})}
        text = ESCAPE.sub("", on_a_terminal("totals", "--chart", env=_env(isolated_store, **extra)))
        widths = [len(line) for line in text.replace("\r", "").splitlines()]
        assert max(widths) <= columns, text

    def test_piped_chart_fits_100_columns(self, isolated_store: Path) -> None:
        """If the chart is piped, then it is laid out in 100 columns, no line wider."""
        import subprocess
        import sys

        gmsc = Path(sys.executable).with_name("gmsc")
        done = subprocess.run(
            [str(gmsc), "totals", "--chart"],
            capture_output=True,
            text=True,
            env=_env(isolated_store),
            check=True,
        )
        assert max(len(line) for line in done.stdout.splitlines()) <= 100, done.stdout


class TestWithoutColour:
    def test_legends_tell_the_series_apart(self, isolated_store: Path) -> None:
        """If NO_COLOR is set on a terminal, then each legend's glyphs are all different,
        since no colour tells the series apart."""
        text = on_a_terminal(
            "totals", "--chart", env=_env(isolated_store, COLUMNS="100", NO_COLOR="1")
        )
        assert "\x1b[" not in text
        members = re.search(r"Members per cohort: (\S) new  (\S) repeat  (\S) ", text)
        running = re.search(r"so far: (\S) official  (\S) identified", text)
        assert members and running, text
        assert len(set(members.groups())) == 3
        assert len(set(running.groups())) == 2

    def test_coloured_legends_differ_too(self, isolated_store: Path) -> None:
        """If the chart is coloured, then the official and identified glyphs differ as well
        (a colour-blind reader, a printout)."""
        text = ESCAPE.sub(
            "", on_a_terminal("totals", "--chart", env=_env(isolated_store, COLUMNS="100"))
        )
        running = re.search(r"so far: (\S) official  (\S) identified", text)
        assert running and running[1] != running[2], text


class TestDumbTerminal:
    @pytest.mark.parametrize(
        "args", [("totals", "--chart"), ("totals",), ("repeats",), ("cohort", "2021")]
    )
    def test_no_escape_codes_and_no_box_drawing(
        self, isolated_store: Path, args: tuple[str, ...]
    ) -> None:
        """If TERM is dumb, then the chart and the tables have no escape codes and no box
        or block characters."""
        text = on_a_terminal(*args, env=_env(isolated_store, COLUMNS="100", TERM="dumb"))
        assert not ESCAPE.search(text), repr(text[:400])
        assert not BOX.search(text), text
