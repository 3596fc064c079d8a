"""`gmsc diff --git REV`: the files at a revision against their working copies."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.conftest import Result
from tests.test_diff import OLD, TOGETHER

Run = Callable[..., Result]


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A repository with two commits of data/cohorts.yaml (OLD, then TOGETHER), a YAML
    file that is not a ledger, and the working directory inside it."""
    root = tmp_path / "repo"
    (root / "data").mkdir(parents=True)
    git(root, "init", "-q")
    (root / "data" / "cohorts.yaml").write_text(OLD, encoding="utf-8")
    (root / "workflow.yml").write_text("on: push\njobs: {}\n", encoding="utf-8")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "first")
    (root / "data" / "cohorts.yaml").write_text(TOGETHER, encoding="utf-8")
    git(root, "commit", "-q", "-am", "second")
    monkeypatch.chdir(root)
    yield root


class TestGit:
    def test_revision_against_working_copy(self, run: Run, repo: Path) -> None:
        """If the ledger changed since REV, then the tracked ledger files are found and
        compared; other YAML files are left out."""
        result = run("diff", "--git", "HEAD~1", "--format", "json")
        assert result.exit_code == 0, result
        doc = json.loads(result.stdout)
        assert doc["old"] == "HEAD~1:data/cohorts.yaml"
        assert doc["new"] == "data/cohorts.yaml"
        assert [c["year"] for c in doc["cohorts"]] == [2017, 2018]
        assert doc["figures"]["after"]["unique_declared"] == 5

    def test_same_revision_is_no_change(self, run: Run, repo: Path) -> None:
        """If the working copy equals REV, then there is no change, even with --exit-code."""
        result = run("diff", "--git", "HEAD", "--exit-code")
        assert result.exit_code == 0, result
        assert result.stdout == (
            "no changes between HEAD:data/cohorts.yaml and data/cohorts.yaml\n"
        )

    def test_uncommitted_edit_and_exit_code(self, run: Run, repo: Path) -> None:
        """If the working copy has an uncommitted edit, then it is what NEW holds."""
        (repo / "data" / "cohorts.yaml").write_text(OLD, encoding="utf-8")
        result = run("diff", "--git", "HEAD", "data/cohorts.yaml", "--exit-code")
        assert result.exit_code == 1, result
        assert "  - Kabupaten Jombang (35.17), confirmed (was counted as new)" in result.stdout

    def test_file_absent_at_revision_is_all_added(self, run: Run, repo: Path) -> None:
        """If a file did not exist at REV, then everything in it is added."""
        (repo / "data" / "more.yaml").write_text(
            "version: 1\ncohorts:\n  - year: 2019\n    regions: [Kabupaten Ngawi]\n",
            encoding="utf-8",
        )
        git(repo, "add", "data/more.yaml")
        result = run("diff", "--git", "HEAD", "-f", "json")
        assert result.exit_code == 0, result
        doc = json.loads(result.stdout)
        assert doc["old"] == "HEAD:data/cohorts.yaml, HEAD:data/more.yaml"
        assert doc["cohorts"] == [
            {
                "year": 2019,
                "change": "added",
                "facts": [],
                "added": [{"code": "35.21", "name": "Kabupaten Ngawi", "status": "confirmed"}],
                "removed": [],
                "changed": [],
            }
        ]

    def test_named_file_absent_at_revision(self, run: Run, repo: Path) -> None:
        """If a named file is untracked and new, then it is all added as well."""
        (repo / "new.yaml").write_text(OLD, encoding="utf-8")
        result = run("diff", "--git", "HEAD", "new.yaml", "-f", "json")
        assert result.exit_code == 0, result
        assert [c["change"] for c in json.loads(result.stdout)["cohorts"]] == ["added", "added"]

    def test_unknown_revision(self, run: Run, repo: Path) -> None:
        """If REV names no commit, then one line says so and the exit is 3."""
        result = run("diff", "--git", "no-such-branch")
        assert result.exit_code == 3, result
        assert result.stderr == "gmsc: unknown revision 'no-such-branch'\n"

    def test_revision_that_looks_like_an_option(self, run: Run, repo: Path) -> None:
        """If REV starts with a dash, then it is refused, never passed to git as an option."""
        result = run("diff", "--git=--output=x")
        assert result.exit_code == 3, result
        assert result.stderr == "gmsc: unknown revision '--output=x'\n"
        assert not (repo / "x").exists()

    def test_not_a_repository(
        self, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If the working directory is not in a git repository, then exit 3."""
        outside = tmp_path / "plain"
        outside.mkdir()
        monkeypatch.chdir(outside)
        monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
        result = run("diff", "--git", "HEAD")
        assert result.exit_code == 3, result
        assert result.stderr == f"gmsc: not a git repository: {outside}\n"

    def test_named_file_nowhere(self, run: Run, repo: Path) -> None:
        """If a named file is neither in the working copy nor at REV, then exit 3."""
        result = run("diff", "--git", "HEAD", "missing.yaml")
        assert result.exit_code == 3, result
        assert result.stderr == (
            "gmsc: cannot read missing.yaml: not in the working copy nor at HEAD\n"
        )

    def test_invalid_at_revision(self, run: Run, repo: Path) -> None:
        """If the ledger at REV has errors, then they are reported at REV:path and exit 1."""
        (repo / "data" / "cohorts.yaml").write_text("version: 1\ncohorts: 7\n", encoding="utf-8")
        git(repo, "commit", "-q", "-am", "broken")
        (repo / "data" / "cohorts.yaml").write_text(OLD, encoding="utf-8")
        result = run("diff", "--git", "HEAD")
        assert result.exit_code == 1, result
        assert result.stderr.startswith("HEAD:data/cohorts.yaml:2:10: error[wrong-type]")
