"""Tests of the store used directly (no CLI): the unit of work, snapshot reads, the
backend chosen from the URL, and database errors mapped by SQLite's result code. Every
test uses real SQLite files."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from conftest import digest
from gmsc_cli.actions.init import create_store
from gmsc_cli.domain.findings import Findings
from gmsc_cli.domain.plan import Plan, plan_import
from gmsc_cli.errors import EnvironmentFailure
from gmsc_cli.format1.reader import load_all
from gmsc_cli.format1.writer import export_yaml
from gmsc_cli.store.backend import (
    SqliteBackend,
    UrlBackend,
    backend_for,
    sqlite_failure,
    sqlite_meaning,
)
from gmsc_cli.store.store import Store
from gmsc_cli.store.tables import ReceiptRow

COHORT_2030 = b'version: 1\ncohorts:\n  - year: 2030\n    regions: ["75.01", "75.02"]\n'
"""A small cohort file that no stored ledger has."""


def new_cohort(store: Store) -> tuple[list[tuple[str, bytes]], Plan]:
    """The files and the plan that add cohort 2030 to `store`."""
    files = [("c2030.yaml", COHORT_2030)]
    findings = Findings()
    incoming = load_all(files, findings)
    assert not findings.failed()
    with store.reading() as snap:
        stored = snap.ledger()
    return files, plan_import(stored, incoming, replace=False)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A store created with the bundled cohorts."""
    created = Store(str(tmp_path / "gmsc.db"))
    create_store(created, bundled=True)
    return created


def years(store: Store) -> list[int]:
    """The cohort years a fresh snapshot of `store` sees."""
    with store.reading() as snap:
        return snap.years()


class TestUnitOfWork:
    """`with store.writing() as tx:` commits all of its writes when the block ends, or none."""

    def test_commit_when_the_block_ends(self, store: Store) -> None:
        """If a plan is written and the block ends normally, then the store holds the new
        cohort, and a receipt for the file."""
        files, plan = new_cohort(store)
        with store.writing() as tx:
            assert not tx.created
            assert [c.year for c in tx.stored.cohorts] == years(store)
            assert tx.write(plan, files)
        assert 2030 in years(store)
        assert [r.file for r in store.receipts()][-1] == "c2030.yaml"

    def test_exception_leaves_store_byte_identical(self, store: Store) -> None:
        """If the block raises after the plan was written, then nothing is committed: the
        store's file is byte for byte as it was."""
        assert store.path is not None
        before = digest(store.path)
        files, plan = new_cohort(store)
        with pytest.raises(RuntimeError, match="after the write"), store.writing() as tx:
            tx.write(plan, files)
            raise RuntimeError("after the write")
        assert digest(store.path) == before
        assert 2030 not in years(store)

    def test_failed_write_rolls_back(self, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
        """If the write itself fails part-way (at the commit point), then the store is
        unchanged."""
        assert store.path is not None
        before = digest(store.path)
        files, plan = new_cohort(store)
        monkeypatch.setenv("GMSC_FAULT", "commit")
        with pytest.raises(RuntimeError, match="injected fault"), store.writing() as tx:
            tx.write(plan, files)
        assert digest(store.path) == before

    def test_unchanged_plan_writes_nothing(self, store: Store) -> None:
        """If the plan changes nothing, then `write` says so and the file is untouched."""
        assert store.path is not None
        before = digest(store.path)
        with store.writing() as tx:
            same = plan_import(tx.stored, tx.stored, replace=False)
            assert not tx.write(same, [])
        assert digest(store.path) == before

    def test_first_write_creates_the_store(self, tmp_path: Path) -> None:
        """If the store does not exist, then the unit of work creates it (`created`) with
        no cohorts."""
        fresh = Store(str(tmp_path / "new" / "gmsc.db"))
        assert not fresh.exists()
        with fresh.writing() as tx:
            assert tx.created
            assert tx.stored.cohorts == ()
        assert fresh.exists()
        assert fresh.read().cohorts == ()


class TestSnapshot:
    """`with store.reading() as snap:` sees one state of the store however long it lasts."""

    def test_reader_before_a_write_sees_the_old_ledger(
        self, store: Store, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If a snapshot is open when another writer tries to commit, then the writer is
        told the store is busy and the snapshot still sees the old ledger; once the
        snapshot ends, the write succeeds and new snapshots see it."""
        monkeypatch.setenv("GMSC_BUSY_TIMEOUT", "0.1")
        files, plan = new_cohort(store)
        with store.reading() as snap:
            old = snap.ledger()
            with pytest.raises(EnvironmentFailure, match="is busy"), store.writing() as tx:
                tx.write(plan, files)
            assert snap.ledger() == old
            assert 2030 not in snap.years()
        with store.writing() as tx:
            tx.write(plan, files)
        assert 2030 in years(store)

    def test_receipts_are_table_rows(self, store: Store) -> None:
        """If the receipts are read, then they are the schema's own ReceiptRow models."""
        receipts = store.receipts()
        assert receipts
        assert all(isinstance(r, ReceiptRow) for r in receipts)
        assert receipts[0].file == "bundled cohorts.yaml"


class TestBackendChoice:
    """`backend_for` chooses the backend from the URL's scheme, in one place."""

    @pytest.mark.parametrize("db", ["gmsc.db", "sqlite:///gmsc.db", "~/gmsc.db"])
    def test_sqlite_files(self, db: str) -> None:
        """If --db is a path or a sqlite:/// URL, then the store is a SQLite file."""
        backend = backend_for(db)
        assert isinstance(backend, SqliteBackend)
        assert backend.path is not None and backend.path.name == "gmsc.db"

    def test_default_is_a_sqlite_file(self) -> None:
        """If no --db is given, then the store is the default SQLite file."""
        backend = backend_for(None)
        assert isinstance(backend, SqliteBackend)
        assert backend.path is not None and backend.path.name == "gmsc.db"

    def test_other_urls_go_through_sqlalchemy(self) -> None:
        """If --db is another SQLAlchemy URL, then it is read and written through SQLAlchemy
        and messages name it by URL, without its password."""
        backend = backend_for("mysql://team:s3cret@db.example/gmsc")
        assert isinstance(backend, UrlBackend)
        assert backend.path is None
        assert backend.where == "mysql://team:***@db.example/gmsc"

    def test_url_backend_round_trip(self, tmp_path: Path) -> None:
        """If a store is kept through the URL backend (a driver-qualified SQLite URL),
        then it is created, written and read back with tables found by SQLAlchemy's
        inspector, and its ledger equals a SQLite-file store's."""
        db = tmp_path / "url.db"
        through_url = Store(f"sqlite+pysqlite:///{db}")
        assert isinstance(through_url.backend, UrlBackend)
        assert not through_url.exists()
        create_store(through_url, bundled=True)
        assert through_url.exists()
        as_file = Store(str(db))
        assert export_yaml(through_url.read()) == export_yaml(as_file.read())
        assert [c.year for c in through_url.read().cohorts] == years(as_file)
        with through_url.reading() as snap:
            assert snap.integrity() == []


class TestErrorCodes:
    """Database failures are mapped by SQLite's result code, never by message text."""

    def test_busy_store(self, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
        """If another connection holds the write lock, then a write waits GMSC_BUSY_TIMEOUT
        and fails with the busy message."""
        monkeypatch.setenv("GMSC_BUSY_TIMEOUT", "0.1")
        assert store.path is not None
        holder = sqlite3.connect(store.path, isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")
            with pytest.raises(EnvironmentFailure) as caught, store.writing():
                pass
        finally:
            holder.close()
        assert (
            caught.value.message == f"the store {store.path} is busy: another gmsc is writing to it"
        )
        assert caught.value.hint == "try again (waited 0.1 s; GMSC_BUSY_TIMEOUT sets the wait)"

    def test_not_a_database(self, tmp_path: Path) -> None:
        """If the store's file is not a SQLite database, then reading it fails with
        SQLITE_NOTADB's message, and the file is not changed."""
        path = tmp_path / "text.db"
        path.write_bytes(b"hello, not a database\n" * 50)
        with pytest.raises(EnvironmentFailure) as caught:
            Store(str(path)).read()
        assert caught.value.message == (
            f"the store {path} is not a readable gmsc store (file is not a database)"
        )
        assert path.read_bytes() == b"hello, not a database\n" * 50

    def test_read_only_connection(self, store: Store) -> None:
        """If SQLite refuses a write as read-only (SQLITE_READONLY), then the message says
        the store cannot be written."""
        assert store.path is not None
        con = sqlite3.connect(f"{store.path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            with pytest.raises(sqlite3.Error) as raised:
                con.execute("CREATE TABLE t (x)")
        finally:
            con.close()
        assert sqlite_meaning(raised.value) == "SQLITE_READONLY"
        failure = sqlite_failure(raised.value, "S")
        assert (
            failure.message
            == "the store S cannot be written (attempt to write a readonly database)"
        )

    @pytest.mark.skipif(
        not hasattr(os, "geteuid") or os.geteuid() == 0,
        reason="the superuser writes into read-only directories",
    )
    def test_read_only_directory(self, tmp_path: Path) -> None:
        """If the store's directory cannot be written, then creating the store fails with
        an environment failure naming the store."""
        directory = tmp_path / "ro"
        directory.mkdir()
        directory.chmod(0o555)
        try:
            with pytest.raises(EnvironmentFailure, match=r"the store .* cannot be"):
                create_store(Store(str(directory / "gmsc.db")), bundled=False)
        finally:
            directory.chmod(0o755)

    def test_full_database(self, tmp_path: Path) -> None:
        """If the database cannot grow (SQLITE_FULL), then the message says the disk is
        full, whatever SQLite's words."""
        con = sqlite3.connect(tmp_path / "small.db")
        try:
            con.execute("PRAGMA max_page_count = 2")
            con.execute("CREATE TABLE t (x)")
            with pytest.raises(sqlite3.Error) as raised:
                con.executemany("INSERT INTO t VALUES (?)", [("x" * 1000,)] * 100)
        finally:
            con.close()
        assert sqlite_meaning(raised.value) == "SQLITE_FULL"
        assert sqlite_failure(raised.value, "S").message == (
            "the store S cannot be written: the disk is full"
        )

    def test_text_without_a_code_is_not_read(self) -> None:
        """If an error says "database is locked" but carries no result code, then it is
        not taken for a busy store: only the code decides."""
        exc = sqlite3.OperationalError("database is locked")
        assert sqlite_meaning(exc) == "SQLITE_CANTOPEN"
        assert "busy" not in sqlite_failure(exc, "S").message

    def test_extended_codes_map_to_their_primary(self, tmp_path: Path) -> None:
        """If SQLite reports an extended code (reading a directory is SQLITE_IOERR_READ),
        then it is mapped by its primary code, SQLITE_IOERR."""
        with pytest.raises(sqlite3.Error) as raised:
            sqlite3.connect(f"{tmp_path.resolve().as_uri()}?mode=ro", uri=True).execute(
                "SELECT 1 FROM sqlite_master"
            )
        assert raised.value.sqlite_errorname == "SQLITE_IOERR_READ"
        assert sqlite_meaning(raised.value) == "SQLITE_IOERR"
        assert sqlite_failure(raised.value, "S").message == (
            "the store S could not be written (disk I/O error)"
        )
