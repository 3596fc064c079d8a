"""Stores that are not what they should be: every command refuses them alike (`init` too),
`gmsc doctor` names the damage, and every hint points at the real cause."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Result, digest

Run = Callable[..., Result]
Write = Callable[[str, str | bytes], Path]

DOCTOR_HINT = (
    "  hint: run gmsc doctor to see what is damaged; restore the store from a backup, "
    "or move it aside and import the ledger again\n"
)
COHORT = "version: 1\ncohorts:\n  - year: 2030\n    regions: [Kota Batu]\n"


def _sql(db: Path, script: str) -> None:
    con = sqlite3.connect(db)
    con.executescript(script)
    con.commit()
    con.close()


def _store(run: Run, db: Path, script: str = "") -> Path:
    """The bundled store at `db`, changed by `script`."""
    assert run("--db", str(db), "init").exit_code == 0
    if script:
        _sql(db, script)
    return db


NOT_STORES: dict[str, tuple[Callable[[Path], None], str]] = {
    "text": (lambda p: p.write_text("hello\n"), "is not a readable gmsc store"),
    "random-bytes": (lambda p: p.write_bytes(os.urandom(4096)), "is not a readable gmsc store"),
    "other-application": (
        lambda p: _sql(p, "CREATE TABLE foo (x)"),
        "holds tables that are not gmsc's",
    ),
}


class TestInitRefuses:
    @pytest.mark.parametrize("kind", list(NOT_STORES))
    def test_what_is_not_a_store(self, run: Run, tmp_path: Path, kind: str) -> None:
        """If the store's place holds a text file, random bytes or another application's
        SQLite file, then init exits 3 like every other command, leaving the file as it
        was (it said 'exists already; nothing to do', exit 0)."""
        db = tmp_path / "x.db"
        make, message = NOT_STORES[kind]
        make(db)
        before = digest(db)
        for command in (["init"], ["init", "--empty"], ["totals"]):
            result = run("--db", str(db), *command)
            assert result.exit_code == 3, result
            assert f"the store {db} {message}" in result.stderr
        assert digest(db) == before

    def test_a_newer_schema(self, run: Run, tmp_path: Path) -> None:
        """If the store was written by a newer gmsc, then init exits 3 saying so."""
        db = _store(
            run, tmp_path / "x.db", "UPDATE gmsc_meta SET value = '9' WHERE key = 'schema_version'"
        )
        result = run("--db", str(db), "init")
        assert result.exit_code == 3, result
        assert "was written by a newer gmsc (schema 9" in result.stderr

    def test_dropped_tables(self, run: Run, tmp_path: Path) -> None:
        """If a table of the store was dropped, then init exits 3 naming it and pointing at
        doctor."""
        db = _store(run, tmp_path / "x.db", "DROP TABLE entry")
        result = run("--db", str(db), "init")
        assert result.exit_code == 3, result
        assert result.stderr == f"gmsc: the store {db} is damaged: table entry is missing\n" + (
            DOCTOR_HINT
        )

    def test_a_sound_store_is_left_alone(self, run: Run, tmp_path: Path) -> None:
        """If the store is sound, then init says it exists already and exits 0."""
        db = _store(run, tmp_path / "x.db")
        before = digest(db)
        result = run("--db", str(db), "init")
        assert result.exit_code == 0, result
        assert "exists already; nothing to do" in result.stderr
        assert digest(db) == before


class TestEmptyDatabase:
    def _tableless(self, tmp_path: Path) -> Path:
        db = tmp_path / "empty.db"
        _sql(db, "PRAGMA user_version = 1")
        assert db.stat().st_size > 0
        return db

    def test_import_does_not_half_adopt_it(self, run: Run, tmp_path: Path, write: Write) -> None:
        """If the store is a SQLite file without tables, then import refuses it (exit 3,
        file unchanged) instead of filling it with the file's cohorts alone."""
        db = self._tableless(tmp_path)
        before = digest(db)
        result = run("--db", str(db), "import", str(write("c.yaml", COHORT)))
        assert result.exit_code == 3, result
        assert f"the store {db} is an empty database: it has no gmsc tables" in result.stderr
        assert "gmsc init creates the store in it" in result.stderr
        assert digest(db) == before
        assert run("--db", str(db), "totals").exit_code == 3

    def test_init_creates_the_store_in_it(self, run: Run, tmp_path: Path) -> None:
        """If init is pointed at a SQLite file without tables, then it creates the whole
        store there (the bundled cohorts with it)."""
        db = self._tableless(tmp_path)
        result = run("--db", str(db), "init")
        assert result.exit_code == 0, result
        assert "created the store" in result.stderr
        assert run("--db", str(db), "doctor").exit_code == 0


class TestDoctor:
    def test_non_numeric_declared(self, run: Run, tmp_path: Path) -> None:
        """If a cohort's declared is not a number, then doctor names the cohort and the
        column and exits 1, and totals exits 3 pointing at doctor (both exited 4)."""
        db = _store(run, tmp_path / "x.db", "UPDATE cohort SET declared = 'lots' WHERE year = 2018")
        result = run("--db", str(db), "doctor")
        assert result.exit_code == 1, result
        assert "PROBLEM  stored values\n" in result.stdout
        assert "cohort 2018: declared is 'lots', not a whole number" in result.stdout
        totals = run("--db", str(db), "totals")
        assert totals.exit_code == 3, totals
        assert totals.stderr.endswith(DOCTOR_HINT)
        assert "cohort 2018: declared is 'lots'" in totals.stderr

    def test_dropped_receipt_table(self, run: Run, tmp_path: Path, write: Write) -> None:
        """If import_receipt was dropped, then doctor names it and exits 1 (it said all
        ok), and import exits 3 pointing at doctor."""
        db = _store(run, tmp_path / "x.db", "DROP TABLE import_receipt")
        result = run("--db", str(db), "doctor")
        assert result.exit_code == 1, result
        assert "PROBLEM  tables and columns\n         table import_receipt is missing\n" in (
            result.stdout
        )
        before = digest(db)
        imported = run("--db", str(db), "import", str(write("c.yaml", COHORT)))
        assert imported.exit_code == 3, imported
        assert "is damaged (no such table: import_receipt)" in imported.stderr
        assert imported.stderr.endswith(DOCTOR_HINT)
        assert "permissions" not in imported.stderr
        assert digest(db) == before

    def test_missing_table(self, run: Run, tmp_path: Path) -> None:
        """If a table is missing, then doctor names it and exits 1 (it aborted with a hint
        about permissions), and totals points at doctor, not at permissions."""
        db = _store(run, tmp_path / "x.db", "DROP TABLE entry")
        result = run("--db", str(db), "doctor")
        assert result.exit_code == 1, result
        assert "table entry is missing" in result.stdout
        totals = run("--db", str(db), "totals")
        assert totals.exit_code == 3, totals
        assert "permissions" not in totals.stderr
        assert totals.stderr.endswith(DOCTOR_HINT)

    def test_missing_column(self, run: Run, tmp_path: Path) -> None:
        """If a column is missing, then doctor names the table and column and exits 1."""
        db = _store(run, tmp_path / "x.db", "ALTER TABLE entry DROP COLUMN note")
        result = run("--db", str(db), "doctor")
        assert result.exit_code == 1, result
        assert "table entry has no column note" in result.stdout
        totals = run("--db", str(db), "totals")
        assert totals.exit_code == 3, totals
        assert "table entry has no column note" in totals.stderr

    def test_bogus_status(self, run: Run, tmp_path: Path) -> None:
        """If an entry's status is one no gmsc writes, then doctor names the entry and
        exits 1, rather than telling the user to run doctor."""
        db = _store(
            run,
            tmp_path / "x.db",
            "UPDATE entry SET status = 'maybe' WHERE year = 2017 AND position = 0",
        )
        result = run("--db", str(db), "doctor")
        assert result.exit_code == 1, result
        assert "entry 2017/" in result.stdout and "status is 'maybe'" in result.stdout
        assert "gmsc doctor" not in result.stdout + result.stderr

    def test_many_bad_rows_are_counted(self, run: Run, tmp_path: Path) -> None:
        """If many rows are damaged, then doctor lists 20 and says how many more."""
        db = _store(run, tmp_path / "x.db", "UPDATE entry SET status = 'maybe'")
        result = run("--db", str(db), "doctor")
        assert result.exit_code == 1, result
        assert "... and " in result.stdout and " more\n" in result.stdout

    def test_a_store_it_cannot_open_exits_3(self, run: Run, tmp_path: Path) -> None:
        """If the store cannot be opened at all, then doctor exits 3."""
        db = tmp_path / "x.db"
        db.write_text("hello\n")
        assert run("--db", str(db), "doctor").exit_code == 3


class TestHints:
    def test_a_fifo_as_the_store(self, run: Run, tmp_path: Path) -> None:
        """If the store is a FIFO, then commands exit 3 saying so, not 'check free disk
        space'."""
        db = tmp_path / "fifo.db"
        os.mkfifo(db)
        for command in (["totals"], ["init"], ["doctor"]):
            result = run("--db", str(db), *command)
            assert result.exit_code == 3, result
            assert f"the store {db} is a FIFO, not a file" in result.stderr
            assert "disk" not in result.stderr

    def test_dev_null_as_the_store(self, run: Run) -> None:
        """If the store is /dev/null, then commands exit 3 saying it is a device."""
        result = run("--db", "/dev/null", "totals")
        assert result.exit_code == 3, result
        assert "the store /dev/null is a device, not a file" in result.stderr
        assert "disk" not in result.stderr

    def test_a_directory_as_the_store(self, run: Run, tmp_path: Path) -> None:
        """If the store is a directory, then commands exit 3 saying so."""
        result = run("--db", str(tmp_path), "totals")
        assert result.exit_code == 3, result
        assert "is a directory, not a file" in result.stderr

    def test_an_import_refused_by_the_stored_history(
        self, run: Run, tmp_path: Path, write: Write
    ) -> None:
        """If an import fails on what is stored (a stored published total the new cohort
        contradicts), then the finding and the hint name the stored total, instead of
        sending the user to validate files that are fine."""
        db = tmp_path / "x.db"
        assert run("--db", str(db), "init", "--empty").exit_code == 0
        first = write(
            "a.yaml",
            "version: 1\npublished:\n  - {through: 2030, unique: 2}\ncohorts:\n"
            "  - year: 2030\n    declared: 2\n    regions: [Kota Batu, Kota Palopo]\n",
        )
        assert run("--db", str(db), "import", str(first)).exit_code == 0
        second = write(
            "b.yaml",
            "version: 1\ncohorts:\n  - year: 2029\n    declared: 1\n    regions: [Kota Malang]\n",
        )
        assert run("validate", str(second)).exit_code == 0
        result = run("--db", str(db), "import", str(second))
        assert result.exit_code == 1, result
        assert f"{db} (published total through 2030): error[published-mismatch]" in result.stderr
        assert "the error is in what is stored (published total through 2030)" in result.stderr
        assert "run gmsc validate on the files" not in result.stderr
