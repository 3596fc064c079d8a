"""A throwaway PostgreSQL server for the tests, and the pytest fixtures that hand it out.

One server is started per test session from the distribution's own binaries (initdb,
pg_ctl) in a temporary directory, on a free loopback port, and removed at the end. TCP
connections must authenticate with a password (scram-sha-256), so tests can check that
a wrong or missing password is refused; the superuser also connects without one over the
server's private Unix socket.

Load it from conftest.py with ``pytest_plugins = ["pg_server"]``.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

SUPERUSER = "postgres"
IN_CI = bool(os.environ.get("CI"))
MISSING = "the PostgreSQL server binaries (initdb, pg_ctl) are not installed"
INSTALL = (
    "CI needs them (.ci/run installs Debian's postgresql)"
    if IN_CI
    else "apt-get install postgresql; CI installs them and runs these tests"
)


def find_bindir() -> Path | None:
    """The directory holding initdb and pg_ctl: pg_config's answer, else the newest
    Debian-style /usr/lib/postgresql/N/bin, else wherever PATH finds initdb."""

    def usable(directory: Path) -> bool:
        return all((directory / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres"))

    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.CalledProcessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True
            ).stdout
            candidates.append(Path(out.strip()))

    def version(path: str) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", Path(path).parent.name))

    candidates += [
        Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True)
    ]
    initdb = shutil.which("initdb")
    if initdb:
        # A symlink on PATH (e.g. /usr/local/bin/initdb) stands for the real directory.
        candidates.append(Path(initdb).resolve().parent)
    return next((c for c in candidates if usable(c)), None)


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class PostgresServer:
    """A private PostgreSQL cluster: initdb into a temporary directory, then pg_ctl start.

    Root may not run initdb or pg_ctl, so under root they run as the ``postgres`` user
    (runuser) and the directory is handed to that user. ``close()`` (or leaving the
    ``with`` block) stops the server and removes the directory; an atexit hook does the
    same if the process ends without it.
    """

    def __init__(self, bindir: Path | None = None) -> None:
        found = bindir or find_bindir()
        if found is None:
            raise FileNotFoundError(MISSING)
        self.bindir = found
        self.superuser_password = "gmsc_super_pw_" + secrets.token_hex(8)
        self._as_postgres = os.geteuid() == 0
        self.root = Path(tempfile.mkdtemp(prefix="gmsc-pg-"))
        self.data = self.root / "data"
        self.sockets = self.root / "sockets"
        self.log = self.root / "server.log"
        self.port = 0
        self.running = False
        atexit.register(self.close)
        try:
            self._initdb()
            self._start_on_a_free_port()
            self.admin(
                "ALTER ROLE {} PASSWORD {}",
                names=[SUPERUSER],
                literals=[self.superuser_password],
            )
        except BaseException:
            self.close()
            raise

    # -- lifecycle -------------------------------------------------------------------

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a server binary (as postgres under root), raising with its output on failure."""
        command = [str(self.bindir / args[0]), *args[1:]]
        if self._as_postgres:
            command = ["runuser", "-u", SUPERUSER, "--", *command]
        # cwd: postgres may not be allowed to enter the caller's working directory.
        done = subprocess.run(
            command, cwd=self.root, capture_output=True, text=True, check=False, timeout=120
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{shlex.join(command)} exited {done.returncode}\n{done.stdout}{done.stderr}"
                f"{self._log_tail()}"
            )
        return done

    def _log_tail(self) -> str:
        try:
            return "\n--- server log\n" + self.log.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def _initdb(self) -> None:
        self.sockets.mkdir()
        if self._as_postgres:
            entry = pwd.getpwnam(SUPERUSER)  # KeyError: no postgres user to run as
            for path in (self.root, self.sockets):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",  # byte-order collation: the same sort on every machine
            "--no-sync",
        )
        # Over TCP everyone needs a password; the private socket stays trusted for setup.
        (self.data / "pg_hba.conf").write_text(
            "local all all trust\n"
            "host all all 127.0.0.1/32 scram-sha-256\n"
            "host all all ::1/128 scram-sha-256\n"
        )

    def _start_on_a_free_port(self) -> None:
        # Another process may take the port between free_port() and the server's bind.
        for attempt in range(3):
            self.port = free_port()
            try:
                self.start()
                return
            except RuntimeError:
                if attempt == 2:
                    raise

    def start(self) -> None:
        """Start the server on ``self.port`` and wait until it accepts connections."""
        options = (
            f"-p {self.port} -k {shlex.quote(str(self.sockets))} "
            "-c listen_addresses=127.0.0.1 "
            # Durability is worthless for a server that is thrown away.
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-w", "-l", str(self.log), "start")
        self.running = True

    def stop(self) -> None:
        """Stop the server, disconnecting every client (pg_ctl's fast mode)."""
        if self.running:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
            self.running = False

    def restart(self) -> None:
        """Stop and start again on the same port; the data stays."""
        self.stop()
        self.start()

    def close(self) -> None:
        """Stop the server if it runs and remove its directory; safe to call twice."""
        try:
            # The pid file, not self.running: a start that timed out may have left one.
            if (self.data / "postmaster.pid").exists():
                try:
                    self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
                except (RuntimeError, subprocess.TimeoutExpired):
                    self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            self.running = False
            shutil.rmtree(self.root, ignore_errors=True)
            atexit.unregister(self.close)

    def __enter__(self) -> PostgresServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- clients ---------------------------------------------------------------------

    def url(
        self,
        user: str = SUPERUSER,
        password: str | None = None,
        dbname: str = "postgres",
        scheme: str = "postgresql",
    ) -> str:
        """A TCP connection URL, ``postgresql://user:password@127.0.0.1:PORT/dbname``.

        Without a password the URL has none (libpq then reads PGPASSWORD or .pgpass);
        the superuser's own password is filled in when ``user`` is the superuser.
        """
        if password is None and user == SUPERUSER:
            password = self.superuser_password
        auth = quote(user, safe="")
        if password is not None:
            auth += ":" + quote(password, safe="")
        return f"{scheme}://{auth}@127.0.0.1:{self.port}/{quote(dbname, safe='')}"

    def admin(
        self,
        query: str,
        params: Sequence[Any] | None = None,
        *,
        names: Sequence[str] = (),
        literals: Sequence[str] = (),
        dbname: str = "postgres",
    ) -> list[tuple[Any, ...]]:
        """Run one statement as the superuser (autocommit, over the private socket) and
        return its rows, if any.

        ``names`` and ``literals`` fill the ``{}`` slots of ``query`` in that order, as
        quoted identifiers then quoted literals: utility statements such as CREATE ROLE
        take no bound ``%s`` parameters.
        """
        import psycopg
        from psycopg import sql

        statement: str | sql.Composed = query
        if names or literals:
            parts = [sql.Identifier(n) for n in names] + [sql.Literal(v) for v in literals]
            statement = sql.SQL(query).format(*parts)
        with psycopg.connect(
            host=str(self.sockets),
            port=self.port,
            user=SUPERUSER,
            dbname=dbname,
            autocommit=True,
            connect_timeout=10,
        ) as conn:
            cur = conn.execute(statement, params)
            return cur.fetchall() if cur.description else []

    def create_role(self, name: str, password: str | None, login: bool = True) -> None:
        """Create a role (a user when ``login``), with a password unless it is None."""
        kind = "LOGIN" if login else "NOLOGIN"
        if password is None:
            self.admin(f"CREATE ROLE {{}} {kind}", names=[name])
        else:
            self.admin(f"CREATE ROLE {{}} {kind} PASSWORD {{}}", names=[name], literals=[password])

    def create_database(self, name: str, owner: str | None = None) -> None:
        """Create an empty database, owned by ``owner`` (default: the superuser)."""
        if owner is None:
            self.admin("CREATE DATABASE {}", names=[name])
        else:
            self.admin("CREATE DATABASE {} OWNER {}", names=[name, owner])

    def drop_database(self, name: str) -> None:
        """Drop a database, disconnecting whoever is still in it."""
        self.admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", names=[name])

    def kill_backends(self, dbname: str) -> int:
        """Terminate every connection to ``dbname`` (waiting until they are gone, up to
        five seconds) and return how many there were."""
        rows = self.admin(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            [dbname],
        )
        return len(rows)


@dataclass(frozen=True)
class PgDatabase:
    """A database of its own for one test, owned by a login role with a known password."""

    server: PostgresServer
    name: str
    user: str
    password: str

    @property
    def url(self) -> str:
        """The URL with the password in it."""
        return self.server.url(self.user, self.password, self.name)

    @property
    def url_without_password(self) -> str:
        """The URL without a password: libpq must find it in PGPASSWORD or a .pgpass file."""
        return self.server.url(self.user, None, self.name)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the whole session; skipped (failed under CI) without
    the server binaries or psycopg."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        message = "psycopg is not installed (pip install -e '.[postgres]')"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    if find_bindir() is None:
        if IN_CI:
            pytest.fail(f"{MISSING}: {INSTALL}", pytrace=False)
        pytest.skip(f"{MISSING} ({INSTALL})")
    with PostgresServer() as server:
        yield server


@pytest.fixture
def pg_database(pg_server: PostgresServer) -> Iterator[PgDatabase]:
    """A fresh database owned by a fresh login role, dropped after the test."""
    suffix = secrets.token_hex(4)
    database = PgDatabase(
        pg_server,
        name=f"gmsc_test_{suffix}",
        user=f"gmsc_test_{suffix}",
        password=f"gmsc_test_pw_{suffix}",
    )
    pg_server.create_role(database.user, database.password)
    try:
        pg_server.create_database(database.name, owner=database.user)
        yield database
    finally:
        # A test may have stopped the server; there is then nothing left to tidy here.
        if pg_server.running:
            pg_server.drop_database(database.name)
            pg_server.admin("DROP ROLE IF EXISTS {}", names=[database.user])


@pytest.fixture
def pg_url(pg_database: PgDatabase) -> str:
    """``postgresql://user:password@127.0.0.1:PORT/db`` of a fresh database for this test."""
    return pg_database.url
