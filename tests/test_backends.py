"""The store behaves the same on every backend: each test here runs on a SQLite file and
on a PostgreSQL database (the `store_url` fixture), and the reports of one ledger are
byte-identical between the two."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import Result, shown
from gmsc_cli.cli.completion import stored_years
from pg_server import PostgresServer

Run = Callable[..., Result]
Write = Callable[[str, str | bytes], Path]

BASE = """\
version: 1
programme: Test ledger
published:
  - {through: 2018, unique: 4, source: "a test"}
cohorts:
  - year: 2017
    declared: 2
    regions:
      - {code: "73.22", name: Kabupaten Luwu Utara, sources: ["https://a.example/1"]}
      - Kota Palopo
  - year: 2018
    declared: 3
    declared_repeats: 1
    title: Second
    mou_date: 2018-05-08
    sources: ["https://b.example/2"]
    regions:
      - Kabupaten Sleman
      - Kota Batu
      - {name: Kota Palopo, status: probable, note: "year inferred"}
      - {name: Kabupaten Bantaeng, status: disputed}
"""

NEXT = """\
version: 1
cohorts:
  - year: 2019
    declared: 2
    regions: [Kabupaten Bantaeng, Kota Parepare]
"""

CHANGED = """\
version: 1
cohorts:
  - year: 2019
    declared: 2
    regions: [Kabupaten Bantaeng, Kota Makassar]
"""


def set_schema_version(url: str, version: int) -> None:
    """Write another schema version into a store, behind gmsc's back."""
    sql = f"UPDATE gmsc_meta SET value = '{version}' WHERE key = 'schema_version'"
    if "://" in url:
        import psycopg

        with psycopg.connect(url) as con:
            con.execute(sql)
    else:
        with sqlite3.connect(url) as con:
            con.execute(sql)


class TestFirstUse:
    """The first command creates the store from the bundled dataset, on any backend."""

    def test_reading_command_creates_the_store(self, run: Run, store_url: str) -> None:
        """If the store does not exist, then `gmsc totals` creates it and says so once."""
        first = run("totals", "--format", "json")
        assert first.exit_code == 0, first
        assert first.stderr.startswith(
            f"gmsc: created the store {shown(store_url)} from the bundled dataset ("
        )
        second = run("totals", "--format", "json")
        assert (second.exit_code, second.stderr, second.stdout) == (0, "", first.stdout)

    def test_init_empty_then_init_again(self, run: Run, store_url: str) -> None:
        """If `gmsc init --empty` made the store, then a second init changes nothing."""
        made = run("init", "--empty")
        assert made.stderr == f"gmsc: created the store {shown(store_url)} with 0 cohorts\n"
        again = run("init")
        assert again.stderr == (
            f"gmsc: the store {shown(store_url)} exists already; nothing to do\n"
        )
        assert json.loads(run("totals", "--format", "json").stdout)["cohorts"] == []


class TestImport:
    """Imports: one transaction, idempotent, conflicts refused, replace, dry run, history."""

    @pytest.fixture(autouse=True)
    def empty_store(self, run: Run, store_url: str) -> None:
        assert run("init", "--empty").exit_code == 0

    def test_import_then_again_is_unchanged(self, run: Run, write: Write) -> None:
        """If the same file is imported twice, then the second import writes nothing."""
        base = write("base.yaml", BASE)
        first = run("import", str(base))
        assert first.exit_code == 0, first
        assert first.stdout.startswith("imported: 2 added, 0 replaced, 0 unchanged;")
        again = run("import", str(base))
        assert again.stdout == (
            "unchanged: 0 added, 0 replaced, 2 unchanged; the store was not written\n"
        )
        assert len(json.loads(run("import", "--history", "-f", "json").stdout)) == 1

    def test_dry_run_writes_nothing(self, run: Run, write: Write) -> None:
        """If an import is a dry run, then it prints the plan and the store is unchanged."""
        run("import", str(write("base.yaml", BASE)))
        before = run("export").stdout
        dry = run("import", "--dry-run", str(write("next.yaml", NEXT)))
        assert dry.exit_code == 0, dry
        assert "add:       2019" in dry.stdout
        assert dry.stdout.endswith("(dry run: nothing written)\n")
        assert run("export").stdout == before

    def test_conflict_then_replace(self, run: Run, write: Write) -> None:
        """If a stored year comes with other content, then the import is refused (exit 1,
        nothing written) unless --replace, which replaces the cohort whole."""
        run("import", str(write("base.yaml", BASE)), str(write("next.yaml", NEXT)))
        before = run("export").stdout
        changed = write("changed.yaml", CHANGED)
        refused = run("import", str(changed))
        assert refused.exit_code == 1, refused
        assert "error[cohort-conflict] cohort 2019 is already in the store" in refused.stderr
        assert run("export").stdout == before
        replaced = run("import", "--replace", str(changed))
        assert replaced.stdout.startswith("imported: 0 added, 1 replaced, 0 unchanged;")
        members = json.loads(run("cohort", "2019", "-f", "json").stdout)
        assert [m["name"] for m in members] == ["Kabupaten Bantaeng", "Kota Makassar"]

    def test_stdin_and_history(self, run: Run, write: Write) -> None:
        """If files come from a path and from standard input, then each has a receipt."""
        run("import", str(write("base.yaml", BASE)))
        piped = run("import", "-", input=NEXT)
        assert piped.stdout.startswith("imported: 1 added"), piped
        history = json.loads(run("import", "--history", "-f", "json").stdout)
        assert [(h["file"].rsplit("/", 1)[-1], h["added"]) for h in history] == [
            ("base.yaml", "2017,2018"),
            ("<stdin>", "2019"),
        ]

    def test_failed_write_leaves_the_store_as_it_was(
        self, run: Run, write: Write, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If the write fails just before its commit, then nothing of it is stored."""
        run("import", str(write("base.yaml", BASE)))
        before = run("export").stdout
        monkeypatch.setenv("GMSC_FAULT", "commit")
        failed = run("import", str(write("next.yaml", NEXT)))
        assert failed.exit_code == 4, failed
        monkeypatch.delenv("GMSC_FAULT")
        assert run("export").stdout == before
        assert len(json.loads(run("import", "--history", "-f", "json").stdout)) == 1

    def test_export_imports_as_unchanged(self, run: Run, write: Write) -> None:
        """If a store's export is imported back, then every cohort is unchanged: the
        export is the stored ledger, exactly."""
        run("import", str(write("base.yaml", BASE)), str(write("next.yaml", NEXT)))
        exported = run("export").stdout
        again = run("import", "-", input=exported)
        assert again.stdout == (
            "unchanged: 0 added, 0 replaced, 3 unchanged; the store was not written\n"
        ), again

    def test_doctor_is_clean_and_sees_drift(self, run: Run, write: Write) -> None:
        """If the store holds the files' ledger, then doctor passes; another file is drift."""
        base = write("base.yaml", BASE)
        run("import", str(base))
        clean = run("doctor", str(base))
        assert clean.exit_code == 0, clean
        assert "PROBLEM" not in clean.stdout
        drifted = run("doctor", str(base), str(write("next.yaml", NEXT)))
        assert drifted.exit_code == 1, drifted
        assert "2019: cohort only in the files" in drifted.stdout

    def test_completion_offers_the_stored_years(
        self, run: Run, write: Write, store_url: str
    ) -> None:
        """If the store holds 2017 and 2018, then `gmsc cohort 201<TAB>` offers them."""
        run("import", str(write("base.yaml", BASE)))
        assert stored_years(store_url, "201") == ["2017", "2018"]
        assert stored_years(store_url, "2018") == ["2018"]


class TestSchemaVersion:
    """A store written by a newer gmsc is refused on every backend."""

    @pytest.mark.parametrize("command", [("totals",), ("import", "-")])
    def test_newer_store_is_refused(
        self, run: Run, store_url: str, command: tuple[str, ...]
    ) -> None:
        """If the store records schema 99, then reads and writes exit 3 and change nothing."""
        run("init", "--empty")
        set_schema_version(store_url, 99)
        refused = run(*command, input=NEXT)
        assert refused.exit_code == 3, refused
        assert refused.stderr.startswith(
            f"gmsc: the store {shown(store_url)} was written by a newer gmsc (schema 99;"
        )


LATER = """\
version: 1
cohorts:
  - year: 2025
    declared: 3
    declared_repeats: 2
    regions: [Kota Parepare, {name: Kabupaten Bantaeng, note: second time}, Kota Palopo]
"""
"""A cohort after the bundled ones, imported through standard input."""

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d)?(\.\d+)?(\+00:00|Z|\s*UTC)?")

REPORTS = [
    ("totals", "-f", "json"),
    ("totals", "-f", "csv"),
    ("totals", "-f", "markdown"),
    ("totals", "-f", "table"),
    ("totals", "--through", "2018", "-f", "json"),
    ("totals", "--by", "province", "-f", "json"),
    ("totals", "--by", "province", "-f", "csv"),
    ("totals", "--chart"),
    ("reconcile", "-f", "json"),
    ("reconcile", "-f", "csv"),
    ("cohort", "2018", "-f", "json"),
    ("cohort", "2018", "-f", "csv"),
    ("cohort", "2018", "--sources", "-f", "json"),
    ("region", "Kota Palopo", "-f", "json"),
    ("region", "Kota Palopo", "-f", "csv"),
    ("repeats", "-f", "json"),
    ("repeats", "-f", "csv"),
    ("export",),
    ("doctor",),
    ("report",),
    ("import", "--history", "-f", "csv"),
]


@pytest.fixture(scope="module")
def stores(
    tmp_path_factory: pytest.TempPathFactory, pg_server: PostgresServer
) -> Iterator[dict[str, str]]:
    """The bundled ledger and one more cohort, imported the same way into a SQLite file
    and a PostgreSQL database."""
    from typer.testing import CliRunner

    from gmsc_cli.cli.app import app

    here = tmp_path_factory.mktemp("same")
    pg_server.create_role("gmsc_same", "gmsc_same_pw")
    pg_server.create_database("gmsc_same", owner="gmsc_same")
    urls = {
        "sqlite": str(here / "same.db"),
        "postgresql": pg_server.url("gmsc_same", "gmsc_same_pw", "gmsc_same"),
    }
    runner = CliRunner()
    for url in urls.values():
        for args, piped in ((["init"], None), (["import", "-"], LATER)):
            done = runner.invoke(app, ["--db", url, *args], input=piped)
            assert done.exit_code == 0, done.output
    yield urls
    pg_server.drop_database("gmsc_same")
    pg_server.admin("DROP ROLE gmsc_same")


class TestSameReports:
    """One ledger, two backends, the same bytes out."""

    @pytest.mark.parametrize("command", REPORTS, ids=" ".join)
    def test_report_is_byte_identical(
        self, run: Run, stores: dict[str, str], command: tuple[str, ...]
    ) -> None:
        """If both stores hold one ledger, then the report is the same on both (HTML and
        history minus their timestamps)."""
        on_sqlite = run("--db", stores["sqlite"], *command)
        on_postgres = run("--db", stores["postgresql"], *command)
        assert on_sqlite.exit_code == on_postgres.exit_code == 0, (on_sqlite, on_postgres)
        assert on_sqlite.stdout.strip()
        if command[0] == "doctor":
            # PostgreSQL says which SQLite-only check it skipped; the rest is the same.
            pg_lines = [line for line in on_postgres.stdout.splitlines() if "skipped" not in line]
            assert on_sqlite.stdout.splitlines() == pg_lines
            return
        assert TIMESTAMP.sub("<time>", on_sqlite.stdout) == TIMESTAMP.sub(
            "<time>", on_postgres.stdout
        )
        assert on_sqlite.stderr == on_postgres.stderr == ""


def PROBE_READS(store: Any) -> tuple[int, ...] | str:
    """Read the years, wait, then the whole ledger, in one snapshot: a consistent read
    gives the same years twice; returns them."""
    import time

    with store.reading() as snap:
        years = tuple(snap.years())
        time.sleep(0.05)
        ledger = snap.ledger()
    assert years == tuple(c.year for c in ledger.cohorts)
    return years
