"""The PostgreSQL test server: what the fixtures promise the store's tests."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from pg_server import PgDatabase, PostgresServer


class TestPostgresServer:
    """A real server, one per session, with a fresh database and role per test."""

    def test_url_connects_as_the_owner(self, pg_url: str, pg_database: PgDatabase) -> None:
        """If a test connects with pg_url, then it is in its own database as its own role,
        and may create tables there."""
        with psycopg.connect(pg_url) as conn:
            row = conn.execute("SELECT current_database(), current_user").fetchone()
            assert row == (pg_database.name, pg_database.user)
            conn.execute("CREATE TABLE cohort (year integer PRIMARY KEY)")
            conn.execute("INSERT INTO cohort VALUES (2017)")
            assert conn.execute("SELECT year FROM cohort").fetchall() == [(2017,)]

    def test_each_test_gets_an_empty_database(self, pg_url: str) -> None:
        """If an earlier test created a table, then this test's database does not have it."""
        with psycopg.connect(pg_url) as conn:
            tables = conn.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
            ).fetchone()
            assert tables == (0,)

    def test_wrong_password_is_refused(
        self, pg_database: PgDatabase, pg_server: PostgresServer
    ) -> None:
        """If the URL carries a wrong password, then the server refuses the connection."""
        wrong = pg_server.url(pg_database.user, "not-the-password", pg_database.name)
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(wrong, connect_timeout=5)

    def test_missing_password_is_refused(
        self, pg_database: PgDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If neither the URL, PGPASSWORD nor a .pgpass file gives a password, then the
        server refuses the connection (TCP is never trusted)."""
        monkeypatch.delenv("PGPASSWORD", raising=False)
        monkeypatch.setenv("PGPASSFILE", str(tmp_path / "absent"))
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(pg_database.url_without_password, connect_timeout=5)

    def test_password_from_pgpassword(
        self, pg_database: PgDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If the URL has no password but PGPASSWORD holds it, then the connection works."""
        monkeypatch.setenv("PGPASSFILE", str(tmp_path / "absent"))
        monkeypatch.setenv("PGPASSWORD", pg_database.password)
        with psycopg.connect(pg_database.url_without_password) as conn:
            assert conn.execute("SELECT current_user").fetchone() == (pg_database.user,)

    def test_password_from_pgpass_file(
        self,
        pg_database: PgDatabase,
        pg_server: PostgresServer,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """If the URL has no password but the .pgpass file named by PGPASSFILE (mode 600)
        has a line for this host, port, database and user, then the connection works."""
        pgpass = tmp_path / "pgpass"
        pgpass.write_text(
            f"127.0.0.1:{pg_server.port}:{pg_database.name}:{pg_database.user}:"
            f"{pg_database.password}\n"
        )
        pgpass.chmod(0o600)  # libpq ignores a file others can read
        monkeypatch.delenv("PGPASSWORD", raising=False)
        monkeypatch.setenv("PGPASSFILE", str(pgpass))
        with psycopg.connect(pg_database.url_without_password) as conn:
            assert conn.execute("SELECT current_user").fetchone() == (pg_database.user,)

    def test_restart_keeps_the_data(self, pg_url: str, pg_server: PostgresServer) -> None:
        """If the server restarts, then committed rows are still there and the same URL
        connects again."""
        with psycopg.connect(pg_url) as conn:
            conn.execute("CREATE TABLE entry (code text)")
            conn.execute("INSERT INTO entry VALUES ('3273')")
        pg_server.restart()
        with psycopg.connect(pg_url) as conn:
            assert conn.execute("SELECT code FROM entry").fetchall() == [("3273",)]

    def test_kill_backends_ends_open_connections(
        self, pg_url: str, pg_database: PgDatabase, pg_server: PostgresServer
    ) -> None:
        """If the backends of a database are terminated, then an open connection's next
        query fails, and a new connection works."""
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute("SELECT 1")
            assert pg_server.kill_backends(pg_database.name) == 1
            with pytest.raises(psycopg.OperationalError):
                conn.execute("SELECT 1")
        with psycopg.connect(pg_url) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)

    def test_superuser_url(self, pg_server: PostgresServer) -> None:
        """If a test needs the superuser over TCP, then url() with no arguments gives it,
        password included."""
        with psycopg.connect(pg_server.url()) as conn:
            row = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            assert row.fetchone() == (True,)
