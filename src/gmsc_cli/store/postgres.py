"""A store in a PostgreSQL database, shared by a team.

- The URL is handed to libpq as written (only the scheme is normalised), so libpq's own
  ways to find credentials and options all work: PGPASSWORD, ~/.pgpass (PGPASSFILE),
  PGSERVICE and pg_service.conf (`postgresql:///?service=ledger`), `sslmode=`...
- Reads go through psycopg directly, in one `REPEATABLE READ, READ ONLY` transaction: a
  concurrent import is seen wholly or not at all, and no SQLAlchemy is imported (the
  SQLite read path likewise uses the standard library's sqlite3).
- Writes go through SQLAlchemy on psycopg, in one transaction whose first statement takes
  a transaction-scoped advisory lock (`pg_advisory_xact_lock(LOCK_KEY)`): writers, and the
  creation of the schema, are serialised; the wait is bounded by `lock_timeout`
  (GMSC_BUSY_TIMEOUT). The lock ends with the transaction, so a killed writer never
  leaves it behind. Entries are written with `COPY`.
- The driver's and the server's errors are mapped by SQLSTATE (its class, or the exact
  code where a class holds several meanings) to one-line messages and exit 3.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gmsc_cli.errors import EnvironmentFailure
from gmsc_cli.i18n import N_, _
from gmsc_cli.store.urls import hide_password, scrub

if TYPE_CHECKING:
    import psycopg
    from sqlalchemy.engine import Connection

LOCK_KEY = 0x676D7363
"""The advisory lock every gmsc write transaction takes first ("gmsc" in ASCII)."""

INSTALL_HINT = "pip install 'gmsc[postgres]'"

CONNECT_SECONDS = 10
"""libpq's connect_timeout when neither the URL nor PGCONNECT_TIMEOUT sets one."""

_BUSY = (
    N_("the store {where} is busy: another gmsc is writing to it"),
    N_("store busy, try again (waited {seconds} s; GMSC_BUSY_TIMEOUT sets the wait)"),
)
_CONNECTION = (
    N_("cannot reach the store {where} ({text})"),
    N_(
        "check that the server runs, and the host, port and database of the URL "
        "(or PGHOST, PGPORT, PGSERVICE); nothing was changed"
    ),
)

PG_MESSAGES: dict[str, tuple[str, str]] = {
    # exact codes first, then classes (the first two characters)
    "42501": (
        N_("this role cannot {action} the store (permission denied)"),
        N_(
            "the store {where}: {action} needs a role granted it (the README's GRANT lines); "
            "nothing was changed"
        ),
    ),
    "55P03": _BUSY,
    "57014": (
        N_("the store {where} did not answer in time: the server cancelled a statement ({text})"),
        N_(
            "the server's statement_timeout ended it; nothing was changed; try again, or ask "
            "for a longer timeout"
        ),
    ),
    "25006": (
        N_("the store {where} is on a read-only server ({text})"),
        N_("point --db at the primary server to write; nothing was changed"),
    ),
    "3D000": (
        N_("the database of the store {where} does not exist ({text})"),
        N_("create it (createdb, or CREATE DATABASE), or correct the URL"),
    ),
    "08": _CONNECTION,
    "57": (
        N_(
            "the store {where} closed the connection: its server is stopping or restarting "
            "({text})"
        ),
        N_("try again in a moment; nothing was changed"),
    ),
    "28": (
        N_("the store {where} refused the login ({text})"),
        N_(
            "check the user and its password: PGPASSWORD, ~/.pgpass (PGPASSFILE) or a service "
            "file (PGSERVICE)"
        ),
    ),
    "53": (
        N_("the server of the store {where} is out of resources ({text})"),
        N_("it lacks disk, memory or connections; nothing was changed; ask its administrator"),
    ),
    "40": (
        N_("another transaction got in the way on the store {where} ({text})"),
        N_("try again; nothing was changed"),
    ),
    "23": (
        N_("the store {where} refused a write that breaks its constraints ({text})"),
        N_("gmsc doctor checks the store; something other than gmsc may have changed it"),
    ),
    "42": (
        N_("the store {where} is not as gmsc expects ({text})"),
        N_("gmsc doctor checks it; was it changed by hand?"),
    ),
    "XX": (
        N_("the server of the store {where} reports damage ({text})"),
        N_("ask its administrator; nothing was changed"),
    ),
    "58": (
        N_("the server of the store {where} failed ({text})"),
        N_("ask its administrator; nothing was changed"),
    ),
}
"""What a SQLSTATE means to a user: the message and the hint (exit 3 for all of them),
marked for the catalog and translated where the failure is made."""

WRITABLE_SQL = (
    "SELECT bool_and(has_table_privilege(c.oid, 'INSERT, UPDATE, DELETE'))"
    " FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace"
    " AND c.relname IN ('gmsc_meta', 'cohort', 'entry', 'published_total', 'import_receipt')"
)
"""Whether the role may write every table gmsc writes (NULL before they exist)."""

_OTHER = (N_("the store {where} failed (SQLSTATE {code}: {text})"), N_("nothing was changed"))


def meaning(code: str | None) -> tuple[str, str]:
    """The entry of PG_MESSAGES for a SQLSTATE; an error without one (libpq could not
    connect, or lost the connection) is a connection failure."""
    if code is None:
        return _CONNECTION
    return PG_MESSAGES.get(code) or PG_MESSAGES.get(code[:2]) or _OTHER


def driver() -> Any:
    """The psycopg module, or an environment failure naming the extra to install."""
    try:
        import psycopg
    except ImportError:
        raise EnvironmentFailure(
            _(
                "the store is a PostgreSQL database, and gmsc's PostgreSQL driver (psycopg) "
                "is not installed"
            ),
            hint=INSTALL_HINT,
        ) from None
    return psycopg


def _error_text(exc: BaseException) -> str:
    """The first line of what the server or libpq said."""
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    text = primary or str(exc) or type(exc).__name__
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return first.removeprefix("connection failed: ").strip()


TABLES_SQL = (
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema()"
)
"""The tables of the schema the store lives in (the first of search_path)."""


class _PgReads:
    """The SELECTs of a psycopg connection, in its current transaction."""

    def __init__(self, con: psycopg.Connection[Any], *, tables: set[str] | None = None) -> None:
        self.con = con
        self._tables = tables
        """The table names fetched with the transaction's first statements, for the first
        `table_names` call (the schema check right after); later calls ask again."""

    def rows(self, sql: str) -> list[dict[str, Any]]:
        """The rows as mappings."""
        cursor = self.con.execute(sql)
        names = [column.name for column in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def table_names(self) -> set[str]:
        """The tables of the schema the store lives in (the first of search_path)."""
        if self._tables is not None:
            tables, self._tables = self._tables, None
            return tables
        return {row[0] for row in self.con.execute(TABLES_SQL).fetchall()}

    def columns(self, table: str) -> set[str]:
        """The columns of the table in the store's schema."""
        rows = self.con.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = %s",
            (table,),
        ).fetchall()
        return {row[0] for row in rows}

    def integrity(self) -> list[str]:
        """The constraints the schema declares, present and validated, and no row that a
        foreign key would refuse (a constraint dropped or disabled by hand)."""
        from sqlmodel import SQLModel

        import gmsc_cli.store.tables  # noqa: F401  (the table models fill the metadata)

        present: dict[str, set[str]] = {}
        for table, kind, validated in self.con.execute(
            "SELECT conrelid::regclass::text, contype, convalidated FROM pg_constraint"
            " WHERE connamespace = current_schema()::regnamespace AND contype IN ('p', 'f')"
        ).fetchall():
            present.setdefault(table.rsplit(".", 1)[-1].strip('"'), set()).add(
                kind if validated else f"{kind}?"
            )
        problems = []
        for table in SQLModel.metadata.sorted_tables:
            kinds = present.get(table.name, set())
            if "p" not in kinds:
                problems.append(_("table {table} has no primary key").format(table=table.name))
            if table.foreign_keys and "f" not in kinds:
                problems.append(
                    _("table {table} has lost its foreign keys").format(table=table.name)
                )
            if {"p?", "f?"} & kinds:
                problems.append(
                    _("a constraint of table {table} is not validated").format(table=table.name)
                )
            for fk in sorted(table.foreign_keys, key=lambda fk: fk.parent.name):
                parent, column = fk.column.table.name, fk.column.name
                orphans = self.con.execute(
                    f"SELECT count(*) FROM {table.name} t WHERE t.{fk.parent.name} IS NOT NULL"
                    f" AND NOT EXISTS (SELECT 1 FROM {parent} p"
                    f" WHERE p.{column} = t.{fk.parent.name})"
                ).fetchone()
                if orphans and orphans[0]:
                    problems.append(
                        f"{orphans[0]} row(s) of {table.name} point at a missing {parent}"
                    )
        return problems


class PostgresBackend:
    """A store in a PostgreSQL database, reached through psycopg 3."""

    background_bulk = True
    """insert_many's rows reach the server while the caller goes on (see insert_many)."""

    integrity_skipped: tuple[str, ...] = (
        N_(
            "skipped (SQLite only): PRAGMA integrity_check of the file's pages; "
            "the server keeps its own pages"
        ),
    )

    def __init__(self, url: str) -> None:
        rest = url.partition("://")[2]
        self.conninfo = "postgresql://" + rest
        """The URL as libpq reads it (libpq knows postgresql:// and postgres://)."""
        self.url = "postgresql+psycopg://" + rest
        self.path: Path | None = None
        self.where = hide_password(self.conninfo)
        self._db = url
        self._copy: tuple[str, ExitStack, psycopg.Copy] | None = None
        """The COPY insert_many left open: its statement, what closes it, and it."""

    def _connect(self, **options: Any) -> psycopg.Connection[Any]:
        pg = driver()
        if "connect_timeout" not in self.conninfo and not os.environ.get("PGCONNECT_TIMEOUT"):
            options["connect_timeout"] = CONNECT_SECONDS
        if "application_name" not in self.conninfo and not os.environ.get("PGAPPNAME"):
            options["application_name"] = "gmsc"
        connection: psycopg.Connection[Any] = pg.connect(self.conninfo, **options)
        return connection

    def exists(self) -> bool:
        """The database has gmsc's tables."""
        with self._connect(autocommit=True) as con:
            return "gmsc_meta" in _PgReads(con).table_names()

    @contextmanager
    def reading(self, *, timeout: float | None = None) -> Iterator[_PgReads]:
        """One `REPEATABLE READ, READ ONLY` transaction: one snapshot for every read."""
        from gmsc_cli.store.backend import busy_seconds

        seconds = busy_seconds() if timeout is None else timeout
        with self._connect(autocommit=True) as con:
            # One round trip (a simple query of three statements) opens the snapshot,
            # bounds its waits and lists the tables the schema check asks for first.
            cursor = con.execute(
                "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;"
                f" SET LOCAL lock_timeout = {_milliseconds(seconds)}; {TABLES_SQL}"
            )
            cursor.nextset()  # past BEGIN's result
            cursor.nextset()  # past SET's: the tables
            yield _PgReads(con, tables={row[0] for row in cursor.fetchall()})
            # A read-only transaction has nothing to commit: closing the connection ends it
            # without another round trip.

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """One transaction that first takes gmsc's advisory lock, waiting up to
        GMSC_BUSY_TIMEOUT for another writer to commit."""
        from sqlalchemy import create_engine, event
        from sqlalchemy.pool import NullPool

        from gmsc_cli.store.backend import busy_seconds, wait_shown

        driver()  # the missing driver is named before SQLAlchemy looks for it
        seconds = busy_seconds()
        engine = create_engine("postgresql+psycopg://", creator=self._connect, poolclass=NullPool)
        try:
            with engine.begin() as conn:
                # A statement after insert_many first waits for its COPY to end.
                event.listen(conn, "before_cursor_execute", self._end_copy_before)
                if seconds == 0:
                    # lock_timeout 0 would wait for ever: a zero wait only tries.
                    taken = conn.exec_driver_sql(
                        f"SELECT pg_try_advisory_xact_lock({LOCK_KEY})"
                    ).scalar()
                    if not taken:
                        raise EnvironmentFailure(
                            _(_BUSY[0]).format(where=self.where),
                            hint=_(_BUSY[1]).format(seconds=wait_shown(seconds)),
                        )
                else:
                    conn.exec_driver_sql(f"SET LOCAL lock_timeout = {_milliseconds(seconds)}")
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({LOCK_KEY})")
                try:
                    yield conn
                    self._end_copy()
                except BaseException as exc:
                    self._end_copy(exc)
                    raise
        finally:
            self._copy = None
            engine.dispose()

    def reads_of(self, conn: Connection) -> _PgReads:
        """The write transaction's SELECTs, straight through its psycopg connection."""
        self._end_copy()
        return _PgReads(conn.connection.driver_connection)  # type: ignore[arg-type]

    def insert_many(self, conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
        """Rows of one table through `COPY ... FROM STDIN`, the fastest bulk path.

        The COPY stays open for the next rows of the same table, and its data go to the
        server from a worker thread (psycopg's QueuedLibpqWriter): this returns once the
        rows are formatted, while the server checks and stores them. The next statement
        on the connection, or the end of the transaction, waits for the COPY to end (its
        errors are raised there); an exception aborts it (and the transaction with it).
        """
        if not rows:
            return
        columns = list(rows[0])
        statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
        if self._copy is not None and self._copy[0] != statement:
            self._end_copy()
        if self._copy is None:
            from psycopg.copy import QueuedLibpqWriter

            raw: psycopg.Connection[Any] = conn.connection.driver_connection  # type: ignore[assignment]
            stack = ExitStack()
            try:
                cursor = stack.enter_context(raw.cursor())
                copy = stack.enter_context(cursor.copy(statement, writer=QueuedLibpqWriter(cursor)))
            except BaseException:
                stack.close()
                raise
            self._copy = (statement, stack, copy)
        write_row = self._copy[2].write_row
        # The values in column order (a tuple even for one column).
        values = itemgetter(*columns) if len(columns) > 1 else lambda row: (row[columns[0]],)
        for row in rows:
            write_row(values(row))

    def _end_copy(self, exc: BaseException | None = None) -> None:
        """End the open COPY, if any: wait for the server to take its rows, or, after
        `exc`, abort it (the transaction is rolled back next)."""
        if self._copy is None:
            return
        stack = self._copy[1]
        self._copy = None
        if exc is None:
            stack.close()
        else:
            with suppress(Exception):
                stack.__exit__(type(exc), exc, exc.__traceback__)

    def refuse_read_only(self, conn: Connection) -> None:
        """A role that may only read is told so before anything is planned: an import of
        files already stored writes nothing, but it is still a write the role cannot make
        (before gmsc's tables exist there is nothing to ask: they are created next)."""
        if conn.exec_driver_sql(WRITABLE_SQL).scalar() is False:
            message, hint = PG_MESSAGES["42501"]
            action = _("write")
            raise EnvironmentFailure(
                _(message).format(action=action),
                hint=_(hint).format(where=self.where, action=action),
            )

    def _end_copy_before(self, *_statement: Any) -> None:
        """SQLAlchemy's before_cursor_execute: a COPY in progress ends first."""
        self._end_copy()

    def failure(self, exc: BaseException, *, writing: bool = False) -> EnvironmentFailure | None:
        """psycopg's and the server's errors by SQLSTATE, directly or wrapped by
        SQLAlchemy; the message never holds a password."""
        orig = getattr(exc, "orig", None) or exc
        if type(orig).__module__.split(".")[0] == "psycopg":
            import psycopg

            if isinstance(orig, psycopg.Error):
                from gmsc_cli.store.backend import busy_seconds, wait_shown

                code = orig.sqlstate
                message, hint = meaning(code)
                values = {
                    "where": self.where,
                    "text": scrub(_error_text(orig), self._db),
                    "code": code,
                    "action": _("write") if writing else _("read"),
                    "seconds": wait_shown(busy_seconds()),
                }
                return EnvironmentFailure(
                    scrub(_(message).format(**values), self._db),
                    hint=scrub(_(hint).format(**values), self._db),
                )
        if type(exc).__module__.startswith("sqlalchemy"):
            return EnvironmentFailure(
                _("the store {where} failed: {reason}").format(
                    where=self.where, reason=scrub(_error_text(exc), self._db)
                )
            )
        return None


def _milliseconds(seconds: float) -> str:
    """A timeout for SET, in milliseconds (at least 1: 0 would mean no timeout)."""
    return f"'{max(1, round(seconds * 1000))}ms'"
