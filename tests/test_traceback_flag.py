"""`--traceback`: accepted before or after the command, and it never changes the exit code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Result

Run = Callable[..., Result]

COHORT = "version: 1\ncohorts:\n  - year: 2030\n    regions: [Kota Batu]\n"


class TestTraceback:
    @pytest.mark.parametrize("where", ["before", "after"])
    def test_an_internal_error_keeps_exit_4(
        self,
        run: Run,
        write: Callable[[str, str], Path],
        monkeypatch: pytest.MonkeyPatch,
        where: str,
    ) -> None:
        """If an internal error happens under --traceback (written before or after the
        command), then the traceback is shown and the exit code is still 4."""
        path = write("c.yaml", COHORT)
        assert run("init", "--empty").exit_code == 0
        monkeypatch.setenv("GMSC_FAULT", "commit")
        args = ["import", str(path)]
        args = ["--traceback", *args] if where == "before" else [*args, "--traceback"]
        result = run(*args)
        assert result.exit_code == 4, result
        assert "Traceback (most recent call last)" in result.stderr
        assert "gmsc: internal error: RuntimeError: injected fault at commit" in result.stderr
        assert "report it with the traceback above" in result.stderr

    def test_without_the_flag_the_hint_names_it(
        self, run: Run, write: Callable[[str, str], Path], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If an internal error happens without --traceback, then one line and the hint to
        rerun with --traceback are printed, exit 4."""
        path = write("c.yaml", COHORT)
        assert run("init", "--empty").exit_code == 0
        monkeypatch.setenv("GMSC_FAULT", "commit")
        result = run("import", str(path))
        assert result.exit_code == 4, result
        assert "Traceback" not in result.stderr
        assert "run the same command with --traceback" in result.stderr

    @pytest.mark.parametrize("where", ["before", "after"])
    def test_an_environment_failure_keeps_exit_3(
        self, run: Run, tmp_path: Path, where: str
    ) -> None:
        """If an -o file cannot be written under --traceback, then the exit code is 3
        either way, as without the flag."""
        args = ["repeats", "-o", str(tmp_path)]
        args = ["--traceback", *args] if where == "before" else [*args, "--traceback"]
        result = run(*args)
        assert result.exit_code == 3, result

    def test_a_usage_error_keeps_exit_2(self, run: Run) -> None:
        """If -o is empty under --traceback, then it is a usage error, exit 2 (it was 1)."""
        assert run("--traceback", "totals", "-o", "").exit_code == 2
        assert run("totals", "-o", "", "--traceback").exit_code == 2
