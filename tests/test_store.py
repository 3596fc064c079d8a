"""Tests of the store: first use, `init`, `--db`, schema versions, and stores gmsc cannot use."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import gmsc_cli.store.store
from conftest import Result, digest

Run = Callable[..., Result]
Write = Callable[[str, str | bytes], Path]

EMPTY_TOTALS_CSV = (
    "year,declared,declared_repeats,listed,unlisted,participants,new,repeats,probable,"
    "disputed,withdrawn,cumulative_declared,cumulative_identified\n"
    "Total,,0,,,,,0,,,,0,0\n"
)
"""`gmsc totals --format csv` of a store without cohorts."""

READING_COMMANDS = [
    ("totals",),
    ("totals", "--by", "province"),
    ("cohort", "2021"),
    ("region", "73.22"),
    ("repeats",),
    ("export",),
    ("import", "--history"),
]
"""Every command that reads the store (import, which also writes, is tested on its own)."""


def schema_version(db: Path) -> str:
    """The schema_version recorded in a store's gmsc_meta table."""
    with sqlite3.connect(db) as con:
        return str(
            con.execute("SELECT value FROM gmsc_meta WHERE key = 'schema_version'").fetchone()[0]
        )


def set_schema_version(db: Path, version: int) -> None:
    """Pretend another gmsc wrote the store."""
    con = sqlite3.connect(db)
    with con:
        con.execute("UPDATE gmsc_meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    con.close()


def columns(db: Path, table: str) -> list[str]:
    """The column names of a store's table."""
    con = sqlite3.connect(db)
    try:
        return [row[1] for row in con.execute(f"PRAGMA table_info({table})")]
    finally:
        con.close()


class TestFirstUse:
    """A command that reads a store that does not exist yet creates it from the bundled data."""

    @pytest.mark.parametrize("command", READING_COMMANDS, ids=" ".join)
    def test_reading_command_creates_the_store(
        self, run: Run, isolated_store: Path, command: tuple[str, ...]
    ) -> None:
        """If the store does not exist, then any reading command creates it from the bundled
        dataset and says so in one line on stderr naming the store."""
        result = run(*command)
        assert result.exit_code == 0, result
        assert result.stderr == (
            f"gmsc: created the store {isolated_store} from the bundled dataset (7 cohorts)\n"
        )
        assert isolated_store.is_file()

    def test_second_command_is_silent(self, run: Run, isolated_store: Path) -> None:
        """If the store exists, then a reading command writes nothing to stderr and leaves the
        store's bytes as they were."""
        run("totals")
        before = digest(isolated_store)
        result = run("totals", "--format", "csv")
        assert result.exit_code == 0, result
        assert result.stderr == ""
        assert digest(isolated_store) == before

    def test_empty_file_counts_as_no_store(self, run: Run, isolated_store: Path) -> None:
        """If the store's path is a zero-byte file (a failed first use), then the next command
        creates the store there from the bundled dataset."""
        isolated_store.parent.mkdir(parents=True)
        isolated_store.write_bytes(b"")
        result = run("totals", "--through", "2021", "--format", "json")
        assert result.exit_code == 0, result
        assert result.stderr == (
            f"gmsc: created the store {isolated_store} from the bundled dataset (7 cohorts)\n"
        )
        assert '"unique_declared": 141,' in result.stdout

    def test_failed_first_use_is_retried(
        self, run: Run, isolated_store: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If creating the store fails mid-write, then the command exits 4 and the next
        command creates the store afresh."""
        monkeypatch.setenv("GMSC_FAULT", "entries")
        failed = run("totals")
        assert failed.exit_code == 4, failed
        assert failed.stdout == ""
        assert failed.stderr == (
            "gmsc: internal error: RuntimeError: injected fault at entries\n"
            "  hint: run the same command with --traceback to see where, and report it\n"
        )
        monkeypatch.delenv("GMSC_FAULT")
        result = run("repeats", "--format", "csv")
        assert result.exit_code == 0, result
        assert result.stderr == (
            f"gmsc: created the store {isolated_store} from the bundled dataset (7 cohorts)\n"
        )
        assert result.stdout.count("\n") == 8


class TestInit:
    """`gmsc init [--empty]` creates the store on purpose."""

    def test_init_with_bundled_cohorts(self, run: Run, isolated_store: Path) -> None:
        """If `init` runs without --empty, then the store holds the seven bundled cohorts."""
        result = run("init")
        assert result.exit_code == 0, result
        assert result.stdout == ""
        assert result.stderr == f"gmsc: created the store {isolated_store} with 7 cohorts\n"
        listed = run("totals", "--format", "csv")
        assert listed.stdout.splitlines()[-1] == "Total,,7,,,,,7,,,,251,230"

    def test_init_empty(self, run: Run, isolated_store: Path) -> None:
        """If `init --empty` runs, then the store exists with no cohorts and a later command
        does not fill it from the bundled dataset."""
        result = run("init", "--empty")
        assert result.exit_code == 0, result
        assert result.stdout == ""
        assert result.stderr == f"gmsc: created the store {isolated_store} with 0 cohorts\n"
        totals = run("totals", "--format", "csv")
        assert totals.exit_code == 0, totals
        assert totals.stderr == ""
        assert totals.stdout == EMPTY_TOTALS_CSV

    def test_init_empty_keeps_the_reference_regions(self, run: Run, isolated_store: Path) -> None:
        """If the store is created empty, then it still holds the 38 provinces and the 514
        kabupaten/kota of the reference list, for SQL users."""
        run("init", "--empty")
        con = sqlite3.connect(isolated_store)
        try:
            assert con.execute("SELECT count(*) FROM province").fetchone() == (38,)
            assert con.execute("SELECT count(*) FROM region").fetchone() == (514,)
            assert con.execute("SELECT count(*) FROM cohort").fetchone() == (0,)
        finally:
            con.close()

    def test_init_on_an_existing_store(self, run: Run, isolated_store: Path) -> None:
        """If the store exists, then `init` says so, exits 0 and leaves the bytes as they
        were."""
        run("init", "--empty")
        before = digest(isolated_store)
        result = run("init")
        assert result.exit_code == 0, result
        assert result.stdout == ""
        assert result.stderr == f"gmsc: the store {isolated_store} exists already; nothing to do\n"
        assert digest(isolated_store) == before


class TestDbOption:
    """`--db PATH` names the store, before GMSC_DB."""

    def test_db_option_overrides_the_environment(
        self, run: Run, isolated_store: Path, tmp_path: Path
    ) -> None:
        """If both --db and GMSC_DB are set, then the command uses --db and never touches
        GMSC_DB's file."""
        other = tmp_path / "elsewhere" / "other.db"
        created = run("--db", str(other), "init", "--empty")
        assert created.exit_code == 0, created
        assert created.stderr == f"gmsc: created the store {other} with 0 cohorts\n"
        result = run("--db", str(other), "totals", "--format", "csv")
        assert result.exit_code == 0, result
        assert result.stderr == ""
        assert result.stdout == EMPTY_TOTALS_CSV
        assert other.is_file()
        assert not isolated_store.exists()

    def test_environment_names_the_store(
        self, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If only GMSC_DB is set, then the store is created at that path."""
        chosen = tmp_path / "chosen.db"
        monkeypatch.setenv("GMSC_DB", str(chosen))
        result = run("init", "--empty")
        assert result.exit_code == 0, result
        assert result.stderr == f"gmsc: created the store {chosen} with 0 cohorts\n"
        assert chosen.is_file()


class TestSchemaVersions:
    """Stores from other versions of gmsc: newer ones are refused, older ones upgraded."""

    @pytest.mark.parametrize(
        "command", [*READING_COMMANDS, ("import", "IMPORT_FILE")], ids=" ".join
    )
    def test_newer_store_is_refused(
        self, run: Run, write: Write, isolated_store: Path, command: tuple[str, ...]
    ) -> None:
        """If the store was written by a newer gmsc, then every command that reads it exits 3
        with a message naming the store and both versions, and leaves it untouched."""
        run("init", "--empty")
        set_schema_version(isolated_store, 99)
        before = digest(isolated_store)
        cohort = write("new.yaml", 'version: 1\ncohorts:\n  - year: 2023\n    regions: ["75.01"]\n')
        args = [str(cohort) if arg == "IMPORT_FILE" else arg for arg in command]
        result = run(*args)
        assert result.exit_code == 3, result
        assert result.stdout == ""
        assert result.stderr == (
            f"gmsc: the store {isolated_store} was written by a newer gmsc "
            "(schema 99; this gmsc knows 1)\n"
            "  hint: upgrade gmsc (pip install -U gmsc), or use another --db\n"
        )
        assert digest(isolated_store) == before

    def test_older_store_is_upgraded_in_place(
        self, run: Run, isolated_store: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If the store is one schema version behind, then the next read runs the migration,
        records the new version, and answers as before."""
        run("init")
        before = run("totals", "--format", "csv")
        steps: list[int] = []

        def add_column(conn: Any) -> None:
            steps.append(1)
            conn.exec_driver_sql("ALTER TABLE cohort ADD COLUMN budget INTEGER")

        monkeypatch.setattr(gmsc_cli.store.store, "SCHEMA_VERSION", 2)
        monkeypatch.setitem(gmsc_cli.store.store.MIGRATIONS, 1, add_column)
        result = run("totals", "--format", "csv")
        assert result.exit_code == 0, result
        assert result.stderr == ""
        assert result.stdout == before.stdout
        assert steps == [1]
        assert schema_version(isolated_store) == "2"
        assert "budget" in columns(isolated_store, "cohort")
        again = run("repeats", "--format", "csv")
        assert again.exit_code == 0, again
        assert steps == [1]

    def test_older_store_is_upgraded_by_an_import(
        self, run: Run, write: Write, isolated_store: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If an import is the first command to meet an older store, then it upgrades the
        store in the same transaction and imports."""
        run("init", "--empty")
        monkeypatch.setattr(gmsc_cli.store.store, "SCHEMA_VERSION", 2)
        monkeypatch.setitem(
            gmsc_cli.store.store.MIGRATIONS,
            1,
            lambda conn: conn.exec_driver_sql("ALTER TABLE entry ADD COLUMN page TEXT"),
        )
        cohort = write("c.yaml", 'version: 1\ncohorts:\n  - year: 2023\n    regions: ["75.01"]\n')
        result = run("import", str(cohort))
        assert result.exit_code == 0, result
        assert result.stdout == (
            "imported: 1 added, 0 replaced, 0 unchanged; "
            "distinct regions 0 -> 1 declared, 0 -> 1 identified\n"
        )
        assert schema_version(isolated_store) == "2"
        assert "page" in columns(isolated_store, "entry")

    def test_failed_migration_changes_nothing(
        self, run: Run, isolated_store: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If a migration step fails, then the command exits 4 and the store keeps its old
        version and bytes."""
        run("init", "--empty")
        before = digest(isolated_store)

        def broken(conn: Any) -> None:
            conn.exec_driver_sql("ALTER TABLE cohort ADD COLUMN budget INTEGER")
            raise RuntimeError("step 1 failed")

        monkeypatch.setattr(gmsc_cli.store.store, "SCHEMA_VERSION", 2)
        monkeypatch.setitem(gmsc_cli.store.store.MIGRATIONS, 1, broken)
        result = run("totals")
        assert result.exit_code == 4, result
        assert result.stderr == (
            "gmsc: internal error: RuntimeError: step 1 failed\n"
            "  hint: run the same command with --traceback to see where, and report it\n"
        )
        assert digest(isolated_store) == before
        assert schema_version(isolated_store) == "1"


class TestUnusableStores:
    """A store gmsc cannot use is an environment failure (exit 3), never a traceback."""

    @pytest.mark.parametrize(
        "content",
        [random.Random(3).randbytes(8192), b"SQLite format 3\x00" + bytes(200), b"hello\n"],
        ids=["random-bytes", "truncated-header", "text"],
    )
    @pytest.mark.parametrize("command", [("totals",), ("import", "--history")], ids=" ".join)
    def test_corrupt_store(
        self, run: Run, isolated_store: Path, content: bytes, command: tuple[str, ...]
    ) -> None:
        """If the store file is not a SQLite database, then the command exits 3 with a message
        naming the file and a hint, and leaves the file as it was."""
        isolated_store.parent.mkdir(parents=True)
        isolated_store.write_bytes(content)
        result = run(*command)
        assert result.exit_code == 3, result
        assert result.stdout == ""
        assert result.stderr == (
            f"gmsc: the store {isolated_store} is not a readable gmsc store "
            "(file is not a database)\n"
            "  hint: move the file aside and run the command again to start a new store, "
            "or restore it from a backup\n"
        )
        assert "Traceback" not in result.stderr
        assert isolated_store.read_bytes() == content

    def test_corrupt_store_refuses_an_import(
        self, run: Run, write: Write, isolated_store: Path
    ) -> None:
        """If the store file is random bytes, then an import exits 3 naming the store and
        does not overwrite it."""
        content = random.Random(7).randbytes(4096)
        isolated_store.parent.mkdir(parents=True)
        isolated_store.write_bytes(content)
        cohort = write("c.yaml", 'version: 1\ncohorts:\n  - year: 2023\n    regions: ["75.01"]\n')
        result = run("import", str(cohort))
        assert result.exit_code == 3, result
        assert result.stderr.startswith(
            f"gmsc: the store {isolated_store} is not a readable gmsc store"
        )
        assert isolated_store.read_bytes() == content

    def test_foreign_sqlite_database(self, run: Run, isolated_store: Path) -> None:
        """If the store is a SQLite database with someone else's tables, then the command
        exits 3 with a message naming the file, and adds no tables to it."""
        isolated_store.parent.mkdir(parents=True)
        con = sqlite3.connect(isolated_store)
        with con:
            con.execute("CREATE TABLE notes (text TEXT)")
        con.close()
        before = digest(isolated_store)
        result = run("repeats")
        assert result.exit_code == 3, result
        assert result.stdout == ""
        assert result.stderr == (
            f"gmsc: the store {isolated_store} holds tables that are not gmsc's\n"
            "  hint: point --db (or GMSC_DB) at a gmsc store, or at a new file\n"
        )
        assert digest(isolated_store) == before

    def test_store_path_is_a_directory(self, run: Run, isolated_store: Path) -> None:
        """If the store's path is a directory, then the command exits 3 naming it."""
        isolated_store.mkdir(parents=True)
        result = run("totals")
        assert result.exit_code == 3, result
        assert result.stdout == ""
        assert result.stderr == (
            f"gmsc: the store {isolated_store} is a directory, not a file\n"
            "  hint: point --db (or GMSC_DB) at a gmsc store file, or at a new file\n"
        )

    def test_store_directory_cannot_be_created(self, run: Run, tmp_path: Path) -> None:
        """If the store's directory cannot be created (a file is in the way), then the
        command exits 3 naming the store and suggesting another place."""
        blocker = tmp_path / "blocker"
        blocker.write_text("not a directory\n")
        db = blocker / "gmsc.db"
        result = run("--db", str(db), "totals")
        assert result.exit_code == 3, result
        assert result.stdout == ""
        assert result.stderr == (
            f"gmsc: cannot create the store {db}: a part of its directory path is a file, "
            "not a directory\n"
            "  hint: choose another place with --db or GMSC_DB\n"
        )


class TestDamagedValues:
    """A store that is sound SQLite but holds values no gmsc writes (hand edits, damage)."""

    HINT = (
        "  hint: run gmsc doctor to see what is damaged; restore the store from a backup, "
        "or move it aside and import the ledger again\n"
    )

    def damage(self, run: Run, isolated_store: Path, sql: str) -> str:
        """Create the bundled store, change it with `sql`, and return its digest."""
        assert run("init").exit_code == 0
        con = sqlite3.connect(isolated_store)
        con.executescript(sql)
        con.commit()
        con.close()
        return digest(isolated_store)

    @pytest.mark.parametrize(
        ("sql", "detail"),
        [
            (
                "UPDATE entry SET sources = 'not json' WHERE year = 2017 AND position = 0",
                "entry 2017/14.05: sources is 'not json', not a JSON list of texts",
            ),
            (
                "UPDATE entry SET sources = '{\"a\": 1}' WHERE year = 2017 AND position = 0",
                "entry 2017/14.05: sources is {'a': 1}, not a list of texts",
            ),
            (
                "UPDATE cohort SET mou_date = 'garbage' WHERE year = 2017",
                "cohort 2017: mou_date is 'garbage', not a date",
            ),
            (
                "PRAGMA foreign_keys = OFF; "
                "UPDATE entry SET code = '99.99' WHERE year = 2017 AND position = 0",
                "entry 2017/99.99: code '99.99' is no kabupaten/kota",
            ),
            (
                "UPDATE entry SET status = 'weird' WHERE year = 2017 AND position = 0",
                "entry 2017/14.05: status is 'weird', not one of confirmed, probable, disputed, "
                "withdrawn",
            ),
        ],
    )
    def test_bad_values_exit_3(self, run: Run, isolated_store: Path, sql: str, detail: str) -> None:
        """If a stored value cannot be read back (bad JSON, a bad date, an unknown code or
        status), then reading commands exit 3 naming the store and the value, and the
        file is left as it was."""
        before = self.damage(run, isolated_store, sql)
        for command in (["totals"], ["cohort", "2017"], ["export"]):
            result = run(*command)
            assert result.exit_code == 3, result
            assert result.stderr == (
                f"gmsc: the store {isolated_store} is damaged: {detail}\n"
                + self.HINT
            )
        assert digest(isolated_store) == before

    @pytest.mark.parametrize("version", ["x", "0", "-1"])
    def test_impossible_schema_version_exits_3(
        self, run: Run, isolated_store: Path, version: str
    ) -> None:
        """If the store records a schema version no gmsc writes, then commands exit 3
        instead of attempting a migration."""
        self.damage(
            run,
            isolated_store,
            f"UPDATE gmsc_meta SET value = '{version}' WHERE key = 'schema_version'",
        )
        for command in (["totals"], ["import", "--history"]):
            result = run(*command)
            assert result.exit_code == 3, result
            assert result.stderr == (
                f"gmsc: the store {isolated_store} records schema version {version!r}, "
                "which no gmsc writes\n"
                "  hint: restore it from a backup, or move it aside and import the ledger "
                "again\n"
            )


class TestBusyTimeout:
    """GMSC_BUSY_TIMEOUT sets how long a command waits for another writer."""

    @pytest.mark.parametrize("written", ["abc", "-1", "1e9"])
    def test_unusable_value_exits_3(
        self, run: Run, monkeypatch: pytest.MonkeyPatch, written: str
    ) -> None:
        """If GMSC_BUSY_TIMEOUT is not a sane number of seconds, then a command that opens
        the store exits 3 naming the variable, with no traceback."""
        monkeypatch.setenv("GMSC_BUSY_TIMEOUT", written)
        result = run("totals")
        assert result.exit_code == 3, result
        assert result.stderr == (
            f"gmsc: GMSC_BUSY_TIMEOUT is {written!r}; it must be a number of seconds\n"
            "  hint: set it to, say, 15, or unset it\n"
        )
