"""A file's published total that differs from the stored one is a conflict, as a cohort's
content is: shown in the plan, and replaced only with --replace."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from conftest import Result

Run = Callable[..., Result]
Write = Callable[[str, str | bytes], Path]

FIRST = (
    "version: 1\npublished:\n  - {through: 2030, unique: 2, source: first count}\n"
    "cohorts:\n  - year: 2030\n    declared: 2\n    regions: [Kota Batu, Kota Palopo]\n"
)
RECOUNTED = (
    "version: 1\npublished:\n  - {through: 2030, unique: 2, source: second count}\ncohorts: []\n"
)


@pytest.fixture
def stored(run: Run, write: Write) -> Path:
    """An empty store with one cohort and its published total."""
    assert run("init", "--empty").exit_code == 0
    assert run("import", str(write("first.yaml", FIRST))).exit_code == 0
    return write("recounted.yaml", RECOUNTED)


def _published(run: Run) -> list[dict[str, object]]:
    exported = run("export").stdout
    return list(yaml.safe_load(exported)["published"])


class TestPublishedTotals:
    def test_a_changed_total_is_a_conflict(self, run: Run, stored: Path) -> None:
        """If a file's total for a stored year differs, then the import exits 1 with a
        published-conflict naming both, and the stored total stays."""
        result = run("import", str(stored))
        assert result.exit_code == 1, result
        assert "error[published-conflict] the published total through 2030 is 2 in the store" in (
            result.stderr
        )
        assert "(first count); the files say 2 (second count)" in result.stderr
        assert "--replace" in result.stderr
        assert _published(run)[0]["source"] == "first count"

    def test_the_dry_run_shows_it(self, run: Run, stored: Path) -> None:
        """If the import is a dry run with --replace, then the plan names the replaced
        total (it said 'replace: none')."""
        result = run("import", str(stored), "--dry-run", "--replace")
        assert result.exit_code == 0, result
        assert "published totals: replace through 2030 (2 -> 2)\n" in result.stdout
        assert "would import:" in result.stdout

    def test_replace_replaces_it(self, run: Run, stored: Path) -> None:
        """If --replace is given, then the file's total replaces the stored one."""
        result = run("import", str(stored), "--replace")
        assert result.exit_code == 0, result
        assert _published(run)[0]["source"] == "second count"
        history = json.loads(run("import", "--history", "--format", "json").stdout)
        assert history[-1]["file"] == str(stored)

    def test_a_new_total_is_added_and_shown(self, run: Run, stored: Path, write: Write) -> None:
        """If a file adds a total for a year with none, then the plan shows it added and no
        --replace is needed."""
        more = write(
            "more.yaml",
            "version: 1\npublished:\n  - {through: 2031, unique: 3}\ncohorts:\n"
            "  - year: 2031\n    declared: 1\n    regions: [Kota Malang]\n",
        )
        result = run("import", str(more), "--dry-run")
        assert result.exit_code == 0, result
        assert "published totals: add through 2031\n" in result.stdout

    def test_the_same_total_is_unchanged(self, run: Run, write: Write, stored: Path) -> None:
        """If a file repeats the stored total exactly, then nothing changes."""
        result = run("import", str(write("again.yaml", FIRST)), "--dry-run")
        assert result.exit_code == 0, result
        assert "published totals: no change\n" in result.stdout
        assert result.stdout.endswith("the store was not written\n")
