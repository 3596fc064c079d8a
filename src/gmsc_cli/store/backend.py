"""Where a store's database differs: opening it, its read and write transactions, finding
its tables, and what its driver's errors mean. Everything else (the schema, the mapping
of rows to the ledger, migrations) is the same for every database, in `store.py`.

`backend_for` is the one place that chooses a backend, by the URL's scheme:
- `SqliteBackend` — a SQLite file (a path, or `sqlite:///PATH`). Reads go through the
  standard library's `sqlite3` (`import sqlmodel` alone costs more than a whole
  `gmsc totals` should take); writes go through SQLAlchemy in one `BEGIN IMMEDIATE`
  transaction, so the write lock is held before the store is read. Errors are mapped by
  SQLite's result code (`sqlite_errorcode`).
- `PostgresBackend` (postgres.py) — `postgresql://` and `postgres://` URLs: a database
  shared by a team, read through psycopg and written through SQLAlchemy on psycopg, its
  errors mapped by SQLSTATE.
- `UrlBackend` — any other SQLAlchemy URL, read and written through SQLAlchemy, with its
  tables found by SQLAlchemy's inspector.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from gmsc_cli.errors import EnvironmentFailure
from gmsc_cli.i18n import N_, _, number
from gmsc_cli.store.urls import hide_password, scrub, url_scheme

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

BUSY_SECONDS = 15.0
"""How long a command waits for another gmsc's write to finish before saying 'busy'
(the environment variable GMSC_BUSY_TIMEOUT, in seconds, overrides it)."""


def busy_seconds() -> float:
    """The wait for a busy store: GMSC_BUSY_TIMEOUT, else BUSY_SECONDS."""
    written = os.environ.get("GMSC_BUSY_TIMEOUT")
    if written is None:
        return BUSY_SECONDS
    try:
        seconds = float(written)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < 86_400:
        raise EnvironmentFailure(
            _("GMSC_BUSY_TIMEOUT is {written!r}; it must be a number of seconds").format(
                written=written
            ),
            hint=_("set it to, say, 15, or unset it"),
        )
    return seconds


def default_path() -> Path:
    """gmsc.db in the user's data directory (platformdirs)."""
    from platformdirs import user_data_path

    return user_data_path("gmsc", appauthor=False) / "gmsc.db"


class Reads(Protocol):
    """The SELECTs of one transaction (a snapshot, or the write transaction)."""

    def rows(self, sql: str) -> list[dict[str, Any]]:
        """The rows `sql` selects, each a mapping from column name to value."""

    def table_names(self) -> set[str]:
        """The names of the tables in the database."""

    def columns(self, table: str) -> set[str]:
        """The names of the columns of one table (empty when there is no such table)."""

    def integrity(self) -> list[str] | None:
        """The database's own consistency problems ([] if none); None if it has no such check."""


class Backend(Protocol):
    """One kind of database holding a store."""

    url: str
    """The SQLAlchemy URL of the database."""
    path: Path | None
    """The store's file, when it is one."""
    where: str
    """How messages name the store: its path, else its URL."""

    def exists(self) -> bool:
        """True when the store has been created."""

    def reading(self, *, timeout: float | None = None) -> AbstractContextManager[Reads]:
        """One read transaction: a concurrent write is seen wholly or not at all. A busy
        store is waited for `timeout` seconds (None: busy_seconds())."""

    def refuse_read_only(self, conn: Connection) -> None:
        """Fail now when the connection's role may not write the store (a database
        server's permissions); a file's are met by the write lock itself."""

    def writing(self) -> AbstractContextManager[Connection]:
        """One write transaction, committed when the block ends, rolled back if it raises;
        no other writer can change the store between its first read and its commit."""

    integrity_skipped: tuple[str, ...]
    """The database checks `gmsc doctor` cannot make on this kind of database (`N_`
    messages: doctor translates them)."""

    background_bulk: bool
    """True when insert_many may return before the database has taken the rows (the
    transaction's end waits for them, and raises their errors): work done meanwhile
    overlaps the database's."""

    def reads_of(self, conn: Connection) -> Reads:
        """The SELECTs of a write transaction."""

    def insert_many(self, conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
        """Insert rows (mappings of column to value, all with the same columns) into
        `table` (a SQLAlchemy Table) by the database's fastest bulk path."""

    def failure(self, exc: BaseException, *, writing: bool = False) -> EnvironmentFailure | None:
        """The environment failure a database error means; None if it is not one.
        `writing` tells whether it came from a write transaction."""


NOT_A_FILE_HINT = N_("name a file (a path, or sqlite:///PATH), or a postgresql:// URL")
"""The hint for a `--db` value that names no store gmsc can keep (translated where raised)."""


def backend_for(db: str | None) -> Backend:
    """The backend for a `--db` value: a path or `sqlite:///PATH` is a SQLite file, a
    `postgresql://` or `postgres://` URL a PostgreSQL database, any other SQLAlchemy URL
    goes through SQLAlchemy; None is the default file. A path is taken as written."""
    if db is None:
        return SqliteBackend(default_path())
    if not db:
        raise EnvironmentFailure(_("the store's name is empty"), hint=_(NOT_A_FILE_HINT))
    if db == ":memory:" or db.startswith("file:"):
        raise EnvironmentFailure(
            _(
                "{db!r} is not a store gmsc can keep: an in-memory database or a SQLite URI "
                "filename is lost or read-only"
            ).format(db=db),
            hint=_(NOT_A_FILE_HINT),
        )
    scheme = url_scheme(db)
    if scheme is None:
        return SqliteBackend(Path(db).expanduser())
    dialect, driver = scheme
    rest = db.partition("://")[2]
    if dialect == "sqlite":
        if not rest.startswith("/") or len(rest) == 1:
            raise EnvironmentFailure(
                _("{db!r} is an in-memory database: what gmsc writes there is lost at once").format(
                    db=db
                ),
                hint=_(NOT_A_FILE_HINT),
            )
        if "?" in rest:
            raise EnvironmentFailure(
                _("{db!r}: gmsc takes no options in a sqlite URL").format(db=db),
                hint=_("name the file by its path (a path is taken as written, '?' and all)"),
            )
        # A driver-qualified URL (sqlite+pysqlite:///...) asks for SQLAlchemy's own way.
        return UrlBackend(db) if driver else SqliteBackend(Path(rest[1:]))
    if dialect in ("postgresql", "postgres"):
        if driver not in ("", "psycopg"):
            raise EnvironmentFailure(
                _("gmsc reaches PostgreSQL through psycopg 3, not {driver}: {where}").format(
                    driver=driver, where=hide_password(db)
                ),
                hint=_("write the URL as postgresql://... (pip install 'gmsc[postgres]')"),
            )
        from gmsc_cli.store.postgres import PostgresBackend

        return PostgresBackend(db)
    return UrlBackend(db)


# --- SQLite -------------------------------------------------------------------------------

DOCTOR_HINT = N_(
    "run gmsc doctor to see what is damaged; restore the store from a backup, "
    "or move it aside and import the ledger again"
)
"""What a command pointing at a damaged store says (doctor itself names the damage); an
`N_` message, translated where it is raised."""

SQLITE_MESSAGES: dict[str, tuple[str, str]] = {
    "SQLITE_BUSY": (
        N_("the store {where} is busy: another gmsc is writing to it"),
        N_("try again (waited {seconds} s; GMSC_BUSY_TIMEOUT sets the wait)"),
    ),
    "SQLITE_NOTADB": (
        N_("the store {where} is not a readable gmsc store ({text})"),
        N_(
            "move the file aside and run the command again to start a new store, "
            "or restore it from a backup"
        ),
    ),
    "SQLITE_READONLY": (
        N_("the store {where} cannot be written ({text})"),
        N_("check the permissions of the file and its directory"),
    ),
    "SQLITE_IOERR": (
        N_("the store {where} could not be written (disk I/O error)"),
        N_("check the free disk space and any quota; the store is as it was"),
    ),
    "SQLITE_FULL": (
        N_("the store {where} cannot be written: the disk is full"),
        N_("free some space and run the command again; nothing was changed"),
    ),
    "SQLITE_CANTOPEN": (
        N_("the store {where} cannot be used ({text})"),
        N_("check the path, the permissions of the file and its directory"),
    ),
    "SQLITE_ERROR": (N_("the store {where} is damaged ({text})"), DOCTOR_HINT),
}
"""What each (primary) SQLite result code means to a user: the message (`where` the
store, `text` SQLite's own words) and the hint (`seconds` the busy wait), both `N_`
templates translated when the failure is made."""

SQLITE_MEANING = {
    sqlite3.SQLITE_BUSY: "SQLITE_BUSY",
    sqlite3.SQLITE_LOCKED: "SQLITE_BUSY",  # a lock held by another connection: as busy
    sqlite3.SQLITE_NOTADB: "SQLITE_NOTADB",
    sqlite3.SQLITE_CORRUPT: "SQLITE_NOTADB",
    sqlite3.SQLITE_READONLY: "SQLITE_READONLY",
    sqlite3.SQLITE_PERM: "SQLITE_READONLY",
    sqlite3.SQLITE_AUTH: "SQLITE_READONLY",
    sqlite3.SQLITE_IOERR: "SQLITE_IOERR",
    sqlite3.SQLITE_FULL: "SQLITE_FULL",
    sqlite3.SQLITE_CANTOPEN: "SQLITE_CANTOPEN",
    # SQLite's generic error: in a store gmsc made, a table or column that is missing.
    sqlite3.SQLITE_ERROR: "SQLITE_ERROR",
    sqlite3.SQLITE_SCHEMA: "SQLITE_ERROR",
}
"""Primary result codes (an extended code's low byte: SQLITE_IOERR_WRITE is an
SQLITE_IOERR) and the entry of SQLITE_MESSAGES that says what they mean."""


def sqlite_meaning(exc: sqlite3.Error) -> str:
    """The entry of SQLITE_MESSAGES for a SQLite error, by its result code; an error of
    the sqlite3 module itself carries no code, and is SQLITE_CANTOPEN's."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return "SQLITE_CANTOPEN"
    return SQLITE_MEANING.get(code & 0xFF, "SQLITE_CANTOPEN")


def sqlite_failure(exc: sqlite3.Error, where: str) -> EnvironmentFailure:
    """The environment failure that a SQLite error means, chosen by its result code."""
    message, hint = SQLITE_MESSAGES[sqlite_meaning(exc)]
    return EnvironmentFailure(
        _(message).format(where=where, text=str(exc)),
        hint=_(hint).format(seconds=wait_shown(busy_seconds())),
    )


def wait_shown(value: float) -> str:
    """A wait as messages show it: 15, 2.5 (2,5 in Indonesian)."""
    return number(int(value)) if value.is_integer() else number(float(f"{value:g}"))


class _SqliteReads:
    """The SELECTs of one stdlib sqlite3 connection."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con

    def rows(self, sql: str) -> list[dict[str, Any]]:
        """The rows as mappings."""
        cursor = self.con.execute(sql)
        names = [column[0] for column in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def table_names(self) -> set[str]:
        """The tables in SQLite's schema table."""
        rows = self.con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {row[0] for row in rows.fetchall()}

    def columns(self, table: str) -> set[str]:
        """The columns SQLite lists for the table."""
        return {row[1] for row in self.con.execute(f"PRAGMA table_info({table})").fetchall()}

    def integrity(self) -> list[str]:
        """SQLite's integrity and foreign-key checks."""
        problems = [
            row[0]
            for row in self.con.execute("PRAGMA integrity_check").fetchall()
            if row[0] != "ok"
        ]
        problems += [
            _("entry row {rowid} of {table} points at a missing {parent}").format(
                rowid=rowid, table=table, parent=parent
            )
            for table, rowid, parent, _fk in self.con.execute("PRAGMA foreign_key_check").fetchall()
        ]
        return problems


class _ConnectionReads:
    """The SELECTs of a SQLAlchemy connection; `inspect` finds tables the portable way."""

    def __init__(self, conn: Connection, *, sqlite: bool) -> None:
        self.conn = conn
        self.sqlite = sqlite

    def rows(self, sql: str) -> list[dict[str, Any]]:
        """The rows as mappings."""
        return [dict(row) for row in self.conn.exec_driver_sql(sql).mappings().all()]

    def table_names(self) -> set[str]:
        """The tables SQLAlchemy's inspector finds."""
        from sqlalchemy import inspect

        return set(inspect(self.conn).get_table_names())

    def columns(self, table: str) -> set[str]:
        """The columns SQLAlchemy's inspector finds for the table."""
        from sqlalchemy import inspect

        return {column["name"] for column in inspect(self.conn).get_columns(table)}

    def integrity(self) -> list[str] | None:
        """SQLite's checks through the driver; None for a database server."""
        if not self.sqlite:
            return None
        raw = self.conn.connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)
        return _SqliteReads(raw).integrity()


def _executemany(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    """Rows through the driver's executemany, skipping SQLAlchemy's per-row processing
    (for 100,000 entries that costs more than SQLite's own work)."""
    from sqlalchemy import insert

    if not rows:
        return
    compiled = insert(table).compile(dialect=conn.dialect, column_keys=list(rows[0]))
    if compiled.positional:
        keys = list(compiled.positiontup or [])
        conn.exec_driver_sql(str(compiled), [tuple(row[k] for k in keys) for row in rows])
    else:
        conn.exec_driver_sql(str(compiled), rows)


class SqliteBackend:
    """A store in a SQLite file."""

    integrity_skipped: tuple[str, ...] = ()
    background_bulk = False

    def __init__(self, path: Path) -> None:
        self.path: Path | None = path
        self.file = path
        self.url = f"sqlite:///{path}"
        self.where = str(path)

    def exists(self) -> bool:
        """A SQLite file that is not empty."""
        self.refuse_odd_file()
        return self.file.is_file() and self.file.stat().st_size > 0

    def refuse_odd_file(self) -> None:
        """A store is a regular file: a FIFO, a device (`/dev/null`) or a directory would
        fail later with a misleading error (a disk I/O error, a full disk)."""
        try:
            mode = self.file.stat().st_mode
        except OSError:
            return  # missing (it will be created), or unreachable: opening it says why
        if not stat.S_ISREG(mode):
            kind = (
                _("a directory")
                if stat.S_ISDIR(mode)
                else _("a FIFO")
                if stat.S_ISFIFO(mode)
                else _("a device")
                if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else _("not a regular file")
            )
            raise EnvironmentFailure(
                _("the store {where} is {kind}, not a file").format(where=self.where, kind=kind),
                hint=_("point --db (or GMSC_DB) at a gmsc store file, or at a new file"),
            )

    @contextmanager
    def reading(self, *, timeout: float | None = None) -> Iterator[Reads]:
        """A read-only stdlib connection in one read transaction."""
        self.refuse_odd_file()
        self.recover()
        con = sqlite3.connect(
            f"{self.file.resolve().as_uri()}?mode=ro",
            uri=True,
            timeout=busy_seconds() if timeout is None else timeout,
            isolation_level=None,
        )
        try:
            con.execute("BEGIN")
            # A deferred transaction takes its snapshot at its first read.
            con.execute("SELECT count(*) FROM sqlite_master").fetchall()
            yield _SqliteReads(con)
            con.execute("COMMIT")
        finally:
            con.close()

    def _engine(self) -> Engine:
        from sqlalchemy import create_engine, event

        self.refuse_odd_file()
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise EnvironmentFailure(
                _(
                    "cannot create the store {where}: a part of its directory path "
                    "is a file, not a directory"
                ).format(where=self.where),
                hint=_("choose another place with --db or GMSC_DB"),
            ) from None
        except OSError as exc:
            raise EnvironmentFailure(
                _("cannot create the directory of the store {where}: {reason}").format(
                    where=self.where, reason=exc.strerror or exc
                ),
                hint=_("choose another place with --db or GMSC_DB"),
            ) from None
        from sqlalchemy.pool import NullPool

        file, seconds = str(self.file), busy_seconds()
        # The driver opens the file by its path: a URL would be decoded ('%42' is 'B') and
        # cut at '?' or '#', and a path is taken as written.
        engine = create_engine(
            "sqlite://",
            creator=lambda: sqlite3.connect(file, timeout=seconds),
            poolclass=NullPool,
        )

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy's BEGIN below, not the driver, open transactions.
            dbapi_connection.isolation_level = None
            dbapi_connection.execute("PRAGMA foreign_keys = ON")

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine

    def refuse_read_only(self, conn: Connection) -> None:
        """Nothing to ask: a read-only store fails on the write lock."""

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """`BEGIN IMMEDIATE`: the write lock from the first statement."""
        engine = self._engine()
        try:
            with engine.begin() as conn:
                yield conn
        except KeyboardInterrupt:
            # Ctrl-C can land inside SQLAlchemy's rollback and leave this process's own
            # connection holding the write lock: recovering now would wait for that lock
            # for the whole busy timeout. The journal is left behind instead, and the next
            # connection to the store (this one's, at exit, or any other) rolls it back.
            raise
        except BaseException:
            engine.dispose()
            # A write that failed on I/O (a full disk, a quota) may not have been able to
            # roll back; the journal it left is rolled back now, so the store is exactly
            # as it was before this command.
            self.recover()
            raise
        finally:
            engine.dispose()

    def reads_of(self, conn: Connection) -> Reads:
        """The write transaction's SELECTs."""
        return _ConnectionReads(conn, sqlite=True)

    def insert_many(self, conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
        """One executemany through the driver."""
        _executemany(conn, table, rows)

    def recover(self) -> None:
        """Roll back what a killed or failed writer left in the store's rollback journal.

        Read-only connections cannot do that, and would fail on such a "hot" journal; a
        short read-write connection that reads the schema makes SQLite roll it back. A
        journal that belongs to a live writer is not hot, and is left alone.
        """
        journal = self.file.with_name(self.file.name + "-journal")
        if not journal.exists() or not self.file.exists():
            return
        try:
            con = sqlite3.connect(
                f"{self.file.resolve().as_uri()}?mode=rw", uri=True, timeout=busy_seconds()
            )
            try:
                con.execute("SELECT count(*) FROM sqlite_master").fetchall()
            finally:
                con.close()
        except sqlite3.Error:
            pass  # the read that follows reports what is wrong

    def failure(self, exc: BaseException, *, writing: bool = False) -> EnvironmentFailure | None:
        """SQLite's errors by result code, directly or wrapped by SQLAlchemy."""
        orig = getattr(exc, "orig", exc)
        if isinstance(orig, sqlite3.Error):
            return sqlite_failure(orig, self.where)
        if type(exc).__module__.startswith("sqlalchemy"):
            return EnvironmentFailure(
                _("the store {where} failed: {reason}").format(where=self.where, reason=exc)
            )
        return None


# --- any other SQLAlchemy URL ---------------------------------------------------------------


class UrlBackend:
    """A store in a database that SQLAlchemy reaches by URL, read and written through it."""

    integrity_skipped: tuple[str, ...] = (
        N_("skipped: the database's own checks are left to its server"),
    )
    background_bulk = False

    def __init__(self, url: str) -> None:
        self.url = url
        self.path: Path | None = None
        self.where = hide_password(url)

    def _engine(self) -> Engine:
        from sqlalchemy import create_engine

        return create_engine(self.url)

    def exists(self) -> bool:
        """The database has gmsc's tables."""
        from sqlalchemy import inspect

        engine = self._engine()
        try:
            with engine.connect() as conn:
                return bool(inspect(conn).has_table("gmsc_meta"))
        finally:
            engine.dispose()

    @contextmanager
    def reading(self, *, timeout: float | None = None) -> Iterator[Reads]:
        """One SQLAlchemy transaction (the server's own timeouts apply)."""
        engine = self._engine()
        try:
            with engine.connect() as conn, conn.begin():
                yield self.reads_of(conn)
        finally:
            engine.dispose()

    def refuse_read_only(self, conn: Connection) -> None:
        """Nothing to ask: a read-only store fails on the write lock."""

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """One SQLAlchemy transaction."""
        engine = self._engine()
        try:
            with engine.begin() as conn:
                yield conn
        finally:
            engine.dispose()

    def reads_of(self, conn: Connection) -> Reads:
        """The transaction's SELECTs."""
        return _ConnectionReads(conn, sqlite=conn.dialect.name == "sqlite")

    def insert_many(self, conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
        """One executemany through the driver."""
        _executemany(conn, table, rows)

    def failure(self, exc: BaseException, *, writing: bool = False) -> EnvironmentFailure | None:
        """A driver's error by its code where gmsc knows the driver (SQLite), else as
        SQLAlchemy words it (without the URL's password)."""
        orig = getattr(exc, "orig", exc)
        if isinstance(orig, sqlite3.Error):
            return sqlite_failure(orig, self.where)
        if type(exc).__module__.startswith("sqlalchemy"):
            text = scrub(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, self.url)
            return EnvironmentFailure(
                _("the store {where} failed: {reason}").format(where=self.where, reason=text)
            )
        return None
