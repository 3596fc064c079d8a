"""CI habits: the shipped pre-commit hook through the real `pre-commit`, and GitHub Actions.

pre-commit installs a hook repository from git, so the test makes one: a commit of this
project's current tree (what a user's `repo:` + `rev:` would fetch), then a data repository
whose `.pre-commit-config.yaml` points at it. pre-commit pip-installs the project into its
own environment once for the module (it needs the package index).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO

GOOD = """\
version: 1
cohorts:
  - year: 2022
    declared: 2
    regions:
      - {code: "73.22", name: Kabupaten Luwu Utara}
      - Kota Palopo
"""

BAD = """\
version: 1
cohorts:
  - yaer: 2022
    regions: [Kota Palopo]
"""

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "gmsc tests",
    "GIT_AUTHOR_EMAIL": "tests@example.invalid",
    "GIT_COMMITTER_NAME": "gmsc tests",
    "GIT_COMMITTER_EMAIL": "tests@example.invalid",
}


def git(cwd: Path, *args: str) -> str:
    """Run git quietly in `cwd`, with a fixed identity and no user or system config."""
    env = {
        **os.environ,
        **GIT_IDENTITY,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def hook_repository(where: Path) -> tuple[Path, str]:
    """A git repository holding this project's current tree; its path and commit."""
    keep = ["pyproject.toml", "README.md", "LICENSE", ".pre-commit-hooks.yaml", "src", "data"]
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    where.mkdir()
    for name in keep:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, where / name, ignore=ignore)
        else:
            shutil.copy2(source, where / name)
    git(where, "init", "-q", "-b", "main")
    git(where, "add", ".")
    git(where, "commit", "-q", "-m", "gmsc under test")
    return where, git(where, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def data_repository(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A data repository using the gmsc-validate hook, with one good and one bad ledger,
    and the environment to run pre-commit in (its cache under the test's directory)."""
    base = tmp_path_factory.mktemp("precommit")
    hooks, rev = hook_repository(base / "gmsc")
    data = base / "data"
    data.mkdir()
    config = {"repos": [{"repo": str(hooks), "rev": rev, "hooks": [{"id": "gmsc-validate"}]}]}
    (data / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (data / "good.yaml").write_text(GOOD, encoding="utf-8")
    (data / "bad.yaml").write_text(BAD, encoding="utf-8")
    git(data, "init", "-q", "-b", "main")
    git(data, "add", ".")
    env = {
        **os.environ,
        **GIT_IDENTITY,
        "PRE_COMMIT_HOME": str(base / "cache"),
        "GMSC_DB": str(base / "store" / "gmsc.db"),
        "NO_COLOR": "1",
    }
    env.pop("GITHUB_ACTIONS", None)
    # Install the hook's environment once; the tests below then only run it.
    installed = pre_commit(data, env, "install-hooks")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return data, env


def pre_commit(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run the real pre-commit, as a developer's `git commit` would."""
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args, "--color", "never"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


@pytest.mark.slow
class TestPreCommitHook:
    """`gmsc-validate` from .pre-commit-hooks.yaml, installed from a git repository."""

    def test_good_ledger_passes(self, data_repository: tuple[Path, dict[str, str]]) -> None:
        """If the only file given is a valid ledger, then the hook passes."""
        data, env = data_repository
        result = pre_commit(data, env, "run", "gmsc-validate", "--files", "good.yaml")
        assert result.returncode == 0, result.stdout + result.stderr
        assert "gmsc validate" in result.stdout
        assert "Passed" in result.stdout

    def test_bad_ledger_fails_with_the_finding(
        self, data_repository: tuple[Path, dict[str, str]]
    ) -> None:
        """If a file has an unknown key, then the hook fails and shows the finding with its
        file, line, column and code."""
        data, env = data_repository
        result = pre_commit(data, env, "run", "gmsc-validate", "--files", "bad.yaml")
        assert result.returncode == 1, result.stdout + result.stderr
        assert "Failed" in result.stdout
        assert "bad.yaml:3:5: error[unknown-field]" in result.stdout, result.stdout

    def test_files_form_one_ledger(self, data_repository: tuple[Path, dict[str, str]]) -> None:
        """If two files give the same cohort year, then the hook sees them as one ledger
        and reports duplicate-cohort: they are validated in one run, not one by one."""
        data, env = data_repository
        (data / "again.yaml").write_text(GOOD, encoding="utf-8")
        try:
            result = pre_commit(
                data, env, "run", "gmsc-validate", "--files", "good.yaml", "again.yaml"
            )
        finally:
            (data / "again.yaml").unlink()
        assert result.returncode == 1, result.stdout + result.stderr
        assert "error[duplicate-cohort]" in result.stdout, result.stdout


class TestGithubActions:
    """The installed `gmsc` in a GitHub Actions job."""

    def test_annotations_by_default(self, tmp_path: Path) -> None:
        """If GITHUB_ACTIONS=true and no --format is given, then the installed gmsc prints
        each finding as a `::error file=…,line=…,col=…::` workflow command and exits 1."""
        (tmp_path / "bad.yaml").write_text(BAD, encoding="utf-8")
        gmsc = Path(sys.executable).with_name("gmsc")
        env = {**os.environ, "GITHUB_ACTIONS": "true", "GMSC_DB": str(tmp_path / "gmsc.db")}
        result = subprocess.run(
            [str(gmsc), "validate", "bad.yaml"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert result.returncode == 1, result.stdout + result.stderr
        assert result.stdout.splitlines()[0] == (
            "::error file=bad.yaml,line=3,col=5,title=unknown-field::"
            "unknown key 'yaer' in a cohort%0Adid you mean 'year'?"
        )
        assert not (tmp_path / "gmsc.db").exists()
