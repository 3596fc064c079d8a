"""A shared store on PostgreSQL: credentials the libpq way, no password ever shown, a
read-only role, writers serialised and readers on one snapshot, and the faults of a
database server (stopped, restarted, a killed backend, a statement timeout)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from conftest import Result, shown
from gmsc_cli.actions.doctor import examine
from gmsc_cli.actions.importing import import_files
from gmsc_cli.errors import EnvironmentFailure
from gmsc_cli.store import store as store_module
from gmsc_cli.store.postgres import LOCK_KEY, PG_MESSAGES, meaning
from gmsc_cli.store.store import Store
from gmsc_cli.store.urls import hide_password, scrub
from pg_server import PgDatabase, PostgresServer
from test_backends import BASE, NEXT, PROBE_READS

Run = Callable[..., Result]
Write = Callable[[str, str | bytes], Path]

REPORTS = [
    ("totals", "-f", "json"),
    ("totals", "--by", "province", "-f", "csv"),
    ("reconcile", "-f", "json"),
    ("cohort", "2018", "-f", "json"),
    ("region", "Kota Palopo", "-f", "csv"),
    ("repeats", "-f", "json"),
    ("export",),
    ("report",),
    ("doctor",),
    ("import", "--history", "-f", "json"),
    ("import", "--dry-run", "-"),
]


def gmsc(*args: str, env: dict[str, str], input: str | None = None) -> subprocess.Popen[str]:
    """Start `gmsc ARGS` in a child process (a second user of the store)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "gmsc_cli", *args],
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL if input is None else subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if process.stdin is not None:
        process.stdin.write(input or "")
        process.stdin.close()
        process.stdin = None
    return process


def finish(process: subprocess.Popen[str]) -> Result:
    """Wait for a child and return what it did."""
    stdout, stderr = process.communicate(timeout=120)
    return Result(process.returncode, stdout, stderr)


def lock_held(server: PostgresServer, dbname: str) -> bool:
    """True while some transaction in `dbname` holds gmsc's advisory write lock."""
    rows = server.admin(
        "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
        " WHERE l.locktype = 'advisory' AND l.granted AND l.objid = %s AND d.datname = %s",
        [LOCK_KEY, dbname],
    )
    return bool(rows[0][0])


def wait_for_lock(server: PostgresServer, dbname: str, seconds: float = 30) -> None:
    """Wait until a writer holds the lock (it is then inside its transaction)."""
    deadline = time.monotonic() + seconds
    while not lock_held(server, dbname):
        assert time.monotonic() < deadline, "no writer took the lock"
        time.sleep(0.01)


@pytest.fixture
def pg_store(
    run: Run, write: Write, pg_database: PgDatabase, monkeypatch: pytest.MonkeyPatch
) -> str:
    """A PostgreSQL store holding the BASE ledger; GMSC_DB names it."""
    monkeypatch.setenv("GMSC_DB", pg_database.url)
    assert run("init", "--empty").exit_code == 0
    assert run("import", str(write("base.yaml", BASE))).exit_code == 0
    return pg_database.url


class TestUrls:
    """What a --db value names, and how it is shown."""

    @pytest.mark.parametrize(
        ("url", "expected"),
        [
            ("postgresql://u:p%40ss@h:5/d", "postgresql://u:***@h:5/d"),
            ("postgres://u:pw@h/d?sslmode=require", "postgres://u:***@h/d?sslmode=require"),
            (
                "postgresql://u@h/d?password=pw&sslmode=x",
                "postgresql://u@h/d?password=***&sslmode=x",
            ),
            ("postgresql:///?service=ledger", "postgresql:///?service=ledger"),
            ("postgresql://u@h/d", "postgresql://u@h/d"),
            ("/tmp/a:b@c.db", "/tmp/a:b@c.db"),
        ],
    )
    def test_password_is_hidden(self, url: str, expected: str) -> None:
        """If a URL carries a password, then it is shown as ***; a path is left alone."""
        assert hide_password(url) == expected

    def test_scrub_hides_a_repeated_password(self) -> None:
        """If a driver repeats the password (decoded or not), then it is hidden too."""
        assert scrub("bad token p@ss in p%40ss", "postgresql://u:p%40ss@h/d") == (
            "bad token *** in ***"
        )

    @pytest.mark.parametrize("name", ["%42.db", "a?b#c.db", "x://y.db"])
    def test_paths_are_taken_as_written(self, run: Run, tmp_path: Path, name: str) -> None:
        """If --db is a path with URL-like characters, then it is that very file."""
        path = tmp_path / name
        done = run("--db", str(path), "init", "--empty")
        assert done.exit_code == 0, done
        assert path.is_file()

    @pytest.mark.parametrize(
        "db", ["sqlite://", ":memory:", "file:gmsc.db?mode=ro", "sqlite:///gmsc.db?mode=ro"]
    )
    def test_stores_gmsc_cannot_keep(self, run: Run, db: str) -> None:
        """If --db names an in-memory or URI-filename store, then it is exit 3, clearly."""
        done = run("--db", db, "totals")
        assert done.exit_code == 3, done
        assert done.stderr.startswith("gmsc: ")
        assert "hint: " in done.stderr

    def test_empty_db_is_a_usage_error(self, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
        """If --db or GMSC_DB is empty, then it is a usage error (exit 2)."""
        assert run("--db", "", "totals").exit_code == 2
        monkeypatch.setenv("GMSC_DB", "")
        done = run("totals")
        assert done.exit_code == 2, done
        assert "is empty" in done.stderr

    def test_other_postgres_drivers_are_refused(self, run: Run) -> None:
        """If a URL asks for another PostgreSQL driver, then gmsc says it speaks psycopg."""
        done = run("--db", "postgresql+psycopg2://u:pw@h/d", "totals")
        assert done.exit_code == 3, done
        assert "through psycopg 3" in done.stderr
        assert ":pw@" not in done.stderr

    def test_missing_driver_names_the_extra(
        self, run: Run, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If psycopg is not installed, then a PostgreSQL store is exit 3 naming the extra."""
        monkeypatch.setitem(sys.modules, "psycopg", None)
        for command in (("totals",), ("init",), ("import", "-")):
            done = run("--db", "postgresql://u@127.0.0.1:1/d", *command, input=NEXT)
            assert done.exit_code == 3, done
            assert "pip install 'gmsc[postgres]'" in done.stderr
            assert "internal error" not in done.stderr


class TestSqlstates:
    """Server errors mean what their SQLSTATE says: the exact code, else its class."""

    @pytest.mark.parametrize(
        ("code", "start"),
        [
            ("08006", "cannot reach the store"),
            (None, "cannot reach the store"),
            ("28P01", "the store {where} refused the login"),
            ("3D000", "the database of the store"),
            ("42501", "this role cannot {action} the store (permission denied)"),
            ("55P03", "the store {where} is busy"),
            ("57014", "the store {where} did not answer in time"),
            ("57P01", "the store {where} closed the connection"),
            ("53100", "the server of the store {where} is out of resources"),
            ("53300", "the server of the store {where} is out of resources"),
            ("40001", "another transaction got in the way"),
            ("23505", "the store {where} refused a write that breaks its constraints"),
            ("42P01", "the store {where} is not as gmsc expects"),
            ("25006", "the store {where} is on a read-only server"),
            ("XX001", "the server of the store {where} reports damage"),
            ("22P02", "the store {where} failed (SQLSTATE {code}"),
        ],
    )
    def test_code_to_message(self, code: str | None, start: str) -> None:
        """If the server answers with `code`, then the message is the one for it."""
        assert meaning(code)[0].startswith(start.replace("{where}", "{where}"))

    def test_every_message_has_a_hint(self) -> None:
        """Every mapped code comes with a hint."""
        assert all(hint for _, hint in PG_MESSAGES.values())


class TestCredentials:
    """libpq finds the password: PGPASSWORD, ~/.pgpass (PGPASSFILE), a service file."""

    def test_pgpassword(
        self, run: Run, pg_database: PgDatabase, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If the URL has no password and PGPASSWORD has it, then the store works."""
        monkeypatch.setenv("PGPASSWORD", pg_database.password)
        done = run("--db", pg_database.url_without_password, "init")
        assert done.exit_code == 0, done

    def test_pgpass_file(
        self, run: Run, pg_database: PgDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If the password is in a .pgpass file (PGPASSFILE), then the store works."""
        monkeypatch.delenv("PGPASSWORD", raising=False)
        pgpass = tmp_path / "pgpass"
        server = pg_database.server
        pgpass.write_text(
            f"127.0.0.1:{server.port}:{pg_database.name}:{pg_database.user}:"
            f"{pg_database.password}\n"
        )
        pgpass.chmod(0o600)
        monkeypatch.setenv("PGPASSFILE", str(pgpass))
        done = run("--db", pg_database.url_without_password, "init")
        assert done.exit_code == 0, done
        assert run("--db", pg_database.url_without_password, "totals").exit_code == 0

    def test_service_file(
        self, run: Run, pg_database: PgDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If a service names host, port, database and user, then postgresql:///?service=
        reaches the store, and so does postgresql:// with PGSERVICE."""
        services = tmp_path / "pg_service.conf"
        services.write_text(
            f"[ledger]\nhost=127.0.0.1\nport={pg_database.server.port}\n"
            f"dbname={pg_database.name}\nuser={pg_database.user}\n"
        )
        monkeypatch.setenv("PGSERVICEFILE", str(services))
        monkeypatch.setenv("PGPASSWORD", pg_database.password)
        assert run("--db", "postgresql:///?service=ledger", "init").exit_code == 0
        monkeypatch.setenv("PGSERVICE", "ledger")
        done = run("--db", "postgresql://", "totals", "-f", "json")
        assert done.exit_code == 0, done

    def test_wrong_password(
        self, run: Run, pg_database: PgDatabase, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If the password is wrong, then exit 3, and neither password is shown."""
        monkeypatch.delenv("PGPASSWORD", raising=False)
        url = pg_database.server.url(pg_database.user, "Wrong-Secret-77", pg_database.name)
        done = run("--db", url, "totals")
        assert done.exit_code == 3, done
        assert "password authentication failed" in done.stderr
        assert "Wrong-Secret-77" not in str(done)


class TestNoSecretIsShown:
    """A known password never appears in any output of any command."""

    def test_every_command(
        self,
        run: Run,
        write: Write,
        pg_database: PgDatabase,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """If the URL carries the password, then no output (stdout and stderr, success and
        failure, --traceback included) contains it."""
        secret = pg_database.password
        url = pg_database.url
        server = pg_database.server
        base, nxt = str(write("base.yaml", BASE)), str(write("next.yaml", NEXT))
        conflict = str(write("conflict.yaml", NEXT.replace("Kota Parepare", "Kota Makassar")))
        outputs: list[Result] = []

        def go(*args: str, code: int | None = None, db: str = url) -> Result:
            done = run("--db", db, *args, input=NEXT)
            outputs.append(done)
            if code is not None:
                assert done.exit_code == code, done
            return done

        go("init", "--empty", code=0)
        go("init", code=0)
        go("import", base, code=0)
        go("import", nxt, code=0)
        go("import", nxt, code=0)
        go("import", conflict, code=1)
        go("import", "--dry-run", conflict, "--replace", code=0)
        for command in REPORTS:
            go(*command)
        go("cohort", "<TAB>")
        monkeypatch.setenv("GMSC_FAULT", "commit")
        go("import", conflict, "--replace", code=4)
        traced = go("--traceback", "import", conflict, "--replace", code=4)
        assert "Traceback (most recent call last)" in traced.stderr
        assert "injected fault at commit" in traced.stderr
        monkeypatch.delenv("GMSC_FAULT")
        query_form = server.url(pg_database.user, None, pg_database.name) + f"?password={secret}"
        go("totals", code=0, db=query_form)
        go("totals", code=3, db=server.url(pg_database.user, secret, "no_such_db"))
        go("totals", code=3, db=f"postgresql://{pg_database.user}:{secret}@127.0.0.1:1/x")
        go("--traceback", "totals", code=3, db=server.url("nobody", secret, pg_database.name))
        for done in outputs:
            assert secret not in done.stdout + done.stderr, done
        assert any("***" in done.stderr for done in outputs)


class TestReadOnlyRole:
    """A role granted SELECT only runs every report and cannot import."""

    @pytest.fixture
    def reader_url(self, pg_store: str, pg_database: PgDatabase) -> Iterator[str]:
        server = pg_database.server
        role = pg_database.user + "_ro"
        server.create_role(role, "reader-pw")
        server.admin("GRANT CONNECT ON DATABASE {} TO {}", names=[pg_database.name, role])
        for grant in (
            "GRANT USAGE ON SCHEMA public TO {}",
            "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}",
        ):
            server.admin(grant, names=[role], dbname=pg_database.name)
        yield server.url(role, "reader-pw", pg_database.name)
        server.drop_database(pg_database.name)
        server.create_database(pg_database.name, owner=pg_database.user)
        server.admin("DROP ROLE {}", names=[role])

    @pytest.mark.parametrize("command", REPORTS, ids=" ".join)
    def test_reports(
        self, run: Run, reader_url: str, pg_store: str, command: tuple[str, ...]
    ) -> None:
        """If the role may only read, then every report is the writer's, byte for byte."""
        as_reader = run("--db", reader_url, *command, input=NEXT)
        as_writer = run("--db", pg_store, *command, input=NEXT)
        assert as_reader.exit_code == 0, as_reader
        assert as_reader.stdout == as_writer.stdout

    def test_import_is_refused(
        self, run: Run, write: Write, reader_url: str, pg_store: str
    ) -> None:
        """If the role may only read, then an import is exit 3, one line, nothing written."""
        before = run("export").stdout
        done = run("--db", reader_url, "import", str(write("next.yaml", NEXT)))
        assert done.exit_code == 3, done
        assert done.stderr.startswith(
            "gmsc: this role cannot write the store (permission denied)\n"
        )
        assert "Traceback" not in done.stderr
        assert run("export").stdout == before

    def test_import_of_stored_files_is_refused_too(
        self, run: Run, write: Write, reader_url: str, pg_store: str
    ) -> None:
        """If the role may only read, then even an import that would change nothing (the
        file is stored already) is exit 3 with the permission message, not "unchanged"."""
        stored = write("stored.yaml", run("export").stdout)
        done = run("--db", reader_url, "import", str(stored))
        assert done.exit_code == 3, done
        assert done.stderr.startswith(
            "gmsc: this role cannot write the store (permission denied)\n"
        )
        assert done.stdout == ""


class TestConcurrency:
    """Writers wait for each other; readers see one snapshot."""

    def test_two_imports_of_one_file(self, pg_store: str, write: Write) -> None:
        """If two imports of the same file run at once, then one writes and the other
        finds it unchanged."""
        nxt = str(write("next.yaml", NEXT))
        env = {"GMSC_DB": pg_store, "GMSC_FAULT": "commit:sleep=0.5"}
        first, second = gmsc("import", nxt, env=env), gmsc("import", nxt, env=env)
        results = [finish(first), finish(second)]
        assert [r.exit_code for r in results] == [0, 0], results
        assert sorted(r.stdout.split(":")[0] for r in results) == ["imported", "unchanged"]

    def test_busy_store(
        self,
        run: Run,
        write: Write,
        pg_store: str,
        pg_database: PgDatabase,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """If another import holds the lock longer than GMSC_BUSY_TIMEOUT, then the
        second exits 3 "busy, try again" (also with a zero wait)."""
        nxt = str(write("next.yaml", NEXT))
        holder = gmsc("import", nxt, env={"GMSC_DB": pg_store, "GMSC_FAULT": "commit:sleep=3"})
        try:
            wait_for_lock(pg_database.server, pg_database.name)
            for wait in ("0.3", "0"):
                monkeypatch.setenv("GMSC_BUSY_TIMEOUT", wait)
                started = time.monotonic()
                done = run("import", "-", input=NEXT.replace("2019", "2020"))
                assert done.exit_code == 3, done
                assert done.stderr.startswith(f"gmsc: the store {shown(pg_store)} is busy")
                assert "store busy, try again" in done.stderr
                assert time.monotonic() - started < 2.5
        finally:
            assert finish(holder).exit_code == 0

    def test_readers_see_before_or_after(
        self, run: Run, write: Write, pg_store: str, pg_database: PgDatabase
    ) -> None:
        """If reports run while an import is stalled before its commit, then each sees
        the ledger wholly before or wholly after it."""
        before = run("totals", "-f", "json").stdout
        writer = gmsc(
            "import",
            str(write("next.yaml", NEXT)),
            env={"GMSC_DB": pg_store, "GMSC_FAULT": "commit:sleep=1.5"},
        )
        seen = set()
        wait_for_lock(pg_database.server, pg_database.name)
        while writer.poll() is None:
            seen.add(PROBE_READS(Store(pg_store)))
            seen.add(run("totals", "-f", "json").stdout)
        assert finish(writer).exit_code == 0
        after = run("totals", "-f", "json").stdout
        assert before != after
        assert seen <= {before, after, (2017, 2018), (2017, 2018, 2019)}
        assert before in seen

    def test_two_first_inits(self, pg_database: PgDatabase) -> None:
        """If two `gmsc init` create one store at once, then both succeed and the store
        holds the bundled ledger once."""
        env = {"GMSC_DB": pg_database.url}
        results = [finish(p) for p in [gmsc("init", env=env), gmsc("init", env=env)]]
        assert [r.exit_code for r in results] == [0, 0], results
        history = finish(gmsc("import", "--history", "-f", "json", env=env))
        assert len(json.loads(history.stdout)) == 1
        assert finish(gmsc("doctor", env=env)).exit_code == 0


class TestFaults:
    """The server fails; the store stays as it was."""

    def test_server_stopped(self, run: Run, pg_store: str, pg_server: PostgresServer) -> None:
        """If the server is down, then exit 3 naming host and port, no password."""
        pg_server.stop()
        try:
            done = run("totals")
        finally:
            pg_server.start()
        assert done.exit_code == 3, done
        assert f'"127.0.0.1", port {pg_server.port} failed' in done.stderr
        assert done.stderr.startswith(f"gmsc: cannot reach the store {shown(pg_store)}")
        assert "Traceback" not in done.stderr

    def test_server_restarted_between_commands(
        self, run: Run, pg_store: str, pg_server: PostgresServer
    ) -> None:
        """If the server restarts between two commands, then the second works as usual."""
        before = run("totals", "-f", "json")
        pg_server.restart()
        after = run("totals", "-f", "json")
        assert (after.exit_code, after.stdout) == (0, before.stdout)

    def test_statement_timeout(
        self, run: Run, pg_store: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If the server cancels a statement (statement_timeout), then exit 3, one line."""
        monkeypatch.setenv("PGOPTIONS", "-c statement_timeout=200")
        with psycopg.connect(pg_store) as holder:
            holder.execute("LOCK TABLE entry IN ACCESS EXCLUSIVE MODE")
            done = run("totals")
            holder.rollback()
        assert done.exit_code == 3, done
        assert done.stderr.startswith(f"gmsc: the store {shown(pg_store)} did not answer in time")
        assert run("totals").exit_code == 0

    def test_killed_cli_import(
        self, run: Run, write: Write, pg_store: str, pg_database: PgDatabase
    ) -> None:
        """If the import's backend is terminated, then the command exits 3, one message."""
        before = run("export").stdout
        writer = gmsc(
            "import",
            str(write("next.yaml", NEXT)),
            env={"GMSC_DB": pg_store, "GMSC_FAULT": "commit:sleep=1"},
        )
        wait_for_lock(pg_database.server, pg_database.name)
        assert pg_database.server.kill_backends(pg_database.name) >= 1
        done = finish(writer)
        assert done.exit_code == 3, done
        assert "Traceback" not in done.stderr
        assert run("export").stdout == before

    def test_twenty_killed_imports(
        self,
        write: Write,
        pg_store: str,
        pg_database: PgDatabase,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """If 20 imports are killed at random points of writing their entries, then none
        leaves anything behind, and doctor finds the store clean after each."""
        from gmsc_cli.format1.writer import export_yaml

        many = (
            NEXT.replace(
                "regions: [Kabupaten Bantaeng, Kota Parepare]",
                "regions: [Kabupaten Bantaeng, Kota Parepare, Kota Batu, Kota Palopo,"
                " Kota Makassar, Kabupaten Gowa, Kabupaten Takalar, Kabupaten Maros,"
                " Kabupaten Bone, Kota Bitung]",
            )
            .replace("declared: 2", "declared: 10")
            .replace("cohorts:", "cohorts:", 1)
        )
        many = many.replace("    regions:", "    declared_repeats: 2\n    regions:")
        sources = [("many.yaml", many.encode())]
        store = Store(pg_store)
        before = export_yaml(store.read())
        monkeypatch.setattr(store_module, "ENTRY_CHUNK", 1)
        monkeypatch.setenv("GMSC_FAULT", "entries:sleep=0.02")
        rng = random.Random(20)
        for attempt in range(20):
            failures: list[BaseException] = []

            def write_it(failures: list[BaseException] = failures) -> None:
                try:
                    import_files(store, sources, replace=False, dry_run=False)
                except BaseException as exc:  # the thread reports what ended it
                    failures.append(exc)

            thread = threading.Thread(target=write_it)
            thread.start()
            wait_for_lock(pg_database.server, pg_database.name)
            time.sleep(rng.uniform(0, 0.15))
            pg_database.server.kill_backends(pg_database.name)
            thread.join(30)
            assert len(failures) == 1 and isinstance(failures[0], EnvironmentFailure), (
                attempt,
                failures,
            )
            assert export_yaml(store.read()) == before, attempt
            assert examine(store).ok, attempt
        monkeypatch.delenv("GMSC_FAULT")
        import_files(store, sources, replace=False, dry_run=False)
        assert export_yaml(store.read()) != before


class TestDoctor:
    """`gmsc doctor` on PostgreSQL checks what the server lets it."""

    def test_skipped_checks_are_named(self, run: Run, pg_store: str) -> None:
        """If the store is sound, then doctor passes and says which check it skipped."""
        done = run("doctor")
        assert done.exit_code == 0, done
        assert "skipped (SQLite only): PRAGMA integrity_check" in done.stdout

    def test_dropped_foreign_keys_are_found(self, run: Run, pg_store: str) -> None:
        """If someone drops the foreign keys and leaves an orphan entry, then doctor
        reports both and exits 1, as for any damage it finds (3 is for a store it cannot open)."""
        with psycopg.connect(pg_store, autocommit=True) as con:
            names = con.execute(
                "SELECT conname FROM pg_constraint WHERE conrelid = 'entry'::regclass"
                " AND contype = 'f'"
            ).fetchall()
            for (name,) in names:
                con.execute(f'ALTER TABLE entry DROP CONSTRAINT "{name}"')
            con.execute(
                "INSERT INTO entry (year, code, position, status, sources)"
                " VALUES (1999, '73.22', 0, 'confirmed', '[]')"
            )
        done = run("doctor")
        assert done.exit_code == 1, done
        assert "table entry has lost its foreign keys" in done.stdout
        assert "1 row(s) of entry point at a missing cohort" in done.stdout


def test_totals_reads_without_the_orm(pg_store: str) -> None:
    """If `gmsc totals` reads a PostgreSQL store, then SQLAlchemy is never imported."""
    from test_startup import probe

    os.environ["GMSC_DB"] = pg_store  # the probe's child inherits it (monkeypatched)
    report, process = probe("totals")
    assert report == {"code": 0, "loaded": []}, process
