"""Shared fixtures: every test runs against its own store, at a pinned console width."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gmsc_cli.cli.app import app
from gmsc_cli.i18n import Language, set_language

# A real PostgreSQL server for the store's tests: the pg_server and pg_url fixtures.
pytest_plugins = ["pg_server"]

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "data" / "cohorts.yaml"


@pytest.fixture(autouse=True)
def isolated_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point GMSC_DB at a temporary file and pin the terminal so no test touches a real
    store and every table renders the same."""
    db = tmp_path / "store" / "gmsc.db"
    monkeypatch.setenv("GMSC_DB", str(db))
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    # English unless a test asks for another language, whatever the machine's locale.
    monkeypatch.delenv("GMSC_LANG", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    yield db
    set_language(Language.en)  # a test that called a view in Indonesian leaves English


@dataclass
class Result:
    """What a command did: its exit code and what it wrote to stdout and stderr."""

    exit_code: int
    stdout: str
    stderr: str

    def __str__(self) -> str:
        return f"exit {self.exit_code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


@pytest.fixture
def run() -> Callable[..., Result]:
    """Run `gmsc ARGS...` in-process like a user would, never swallowing exceptions."""

    def invoke(*args: str, input: str | bytes | None = None) -> Result:
        runner = CliRunner()
        result = runner.invoke(app, list(args), input=input, catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    return invoke


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    """Write a file under the test's temporary directory and return its path."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write


def digest(path: Path) -> str:
    """The SHA-256 of a file (a store): equal digests mean not a byte changed."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(
    request: pytest.FixtureRequest, isolated_store: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """The test's store on each backend in turn: a SQLite file, then a fresh PostgreSQL
    database (GMSC_DB names it either way)."""
    url = str(isolated_store) if request.param == "sqlite" else request.getfixturevalue("pg_url")
    monkeypatch.setenv("GMSC_DB", url)
    return url


def shown(url: str) -> str:
    """How messages name a store: its path, or its URL without the password."""
    from gmsc_cli.store.urls import hide_password

    return hide_password(url)
