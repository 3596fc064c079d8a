"""The local store: a SQLite file (or any SQLAlchemy URL) holding the ledger.

Two paths, chosen for what users feel:
- **Reads** of a SQLite file go through the standard library's `sqlite3` in one read
  transaction: `import sqlmodel` alone costs ~0.8 s, more than a whole `gmsc totals`
  should take, and reading a few tables needs no ORM. Other URLs read through
  SQLAlchemy with the same SQL.
- **Writes** (creating the store, imports) go through SQLModel's table definitions in one
  `BEGIN IMMEDIATE` transaction: the write lock is taken before the store is read, so a
  concurrent writer waits (up to `BUSY_SECONDS`) and nothing is lost or half-written.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from gmsc_cli.domain.findings import Pos
from gmsc_cli.domain.model import STATUSES, Cohort, Entry, Ledger, Published
from gmsc_cli.domain.regions import DATA, reference
from gmsc_cli.errors import EnvironmentFailure

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from gmsc_cli.domain.plan import Plan

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
            f"GMSC_BUSY_TIMEOUT is {written!r}; it must be a number of seconds",
            hint="set it to, say, 15, or unset it",
        )
    return seconds


SCHEMA_VERSION = 1
"""The version of the tables (models.py) this gmsc writes; MIGRATIONS lead up to it."""

Query = Callable[[str], list[tuple[Any, ...]]]
Progress = Callable[[int, int], None]
"""Told (done, total) as a long step advances; drawn as a bar on a terminal."""


class Receipt(NamedTuple):
    """One import: which file, its content hash, when, and what it changed."""

    file: str
    sha256: str
    imported_at: str
    added: str
    replaced: str
    unchanged: str


def default_path() -> Path:
    """gmsc.db in the user's data directory (platformdirs)."""
    from platformdirs import user_data_path

    return user_data_path("gmsc", appauthor=False) / "gmsc.db"


def bundled_dataset() -> tuple[str, bytes]:
    """The cohorts shipped with the package (one source with the repository's data/)."""
    shipped = DATA / "cohorts.yaml"
    if shipped.is_file():
        return "bundled cohorts.yaml", shipped.read_bytes()
    # An editable install runs from the source tree, where the file is data/cohorts.yaml.
    source_tree = Path(__file__).resolve().parents[3] / "data" / "cohorts.yaml"
    return "bundled cohorts.yaml", source_tree.read_bytes()


def content_hash(data: bytes) -> str:
    """The SHA-256 of an imported file, kept in its receipt."""
    import hashlib  # only imports pay for OpenSSL's start-up

    return hashlib.sha256(data).hexdigest()


# --- reading ------------------------------------------------------------------------------


def _texts(value: Any) -> tuple[str, ...]:
    """A JSON list of texts (a sources column) as a tuple."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = json.loads(value)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"sources {value!r} is not a list of texts")
    return tuple(value)


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def read_ledger(query: Query, where: str) -> Ledger:
    """The stored ledger, through `query` (one read transaction's SELECTs); values that no
    gmsc writes (edited by hand, damaged) are an environment failure, not a crash."""
    try:
        return _read_ledger(query, where)
    except (ValueError, TypeError, KeyError) as exc:  # JSONDecodeError is a ValueError
        raise EnvironmentFailure(
            f"the store {where} holds values gmsc cannot read ({type(exc).__name__}: {exc})",
            hint="gmsc doctor checks it; restore it from a backup, or move it aside and "
            "import the ledger again",
        ) from None


def _read_ledger(query: Query, where: str) -> Ledger:
    regions = reference().regions
    meta: dict[str, str] = dict(query("SELECT key, value FROM gmsc_meta"))
    here = Pos(where, 0, 0)
    entries: dict[int, list[Entry]] = {}
    for year, code, status, sources, note in query(
        "SELECT year, code, status, sources, note FROM entry ORDER BY year, position"
    ):
        if code not in regions:
            raise ValueError(f"entry {year}/{code}: no kabupaten/kota has that code")
        if status not in STATUSES:
            raise ValueError(f"entry {year}/{code}: status {status!r}")
        entry = Entry(code, regions[code].name, status, _texts(sources), note, here)
        entries.setdefault(year, []).append(entry)
    cohorts = tuple(
        Cohort(
            year=year,
            declared=declared,
            declared_repeats=repeats,
            title=title,
            mou_date=_day(mou_date),
            sources=_texts(sources),
            entries=tuple(entries.get(year, ())),
            pos=here,
        )
        for year, declared, repeats, title, mou_date, sources in query(
            "SELECT year, declared, declared_repeats, title, mou_date, sources "
            "FROM cohort ORDER BY year"
        )
    )
    published = tuple(
        Published(through, unique, source, here)
        for through, unique, source in query(
            'SELECT through, "unique", source FROM published_total ORDER BY through'
        )
    )
    return Ledger(meta.get("programme"), published, cohorts)


def read_receipts(query: Query) -> list[Receipt]:
    """Every import receipt, oldest first."""
    return [
        Receipt(*row)
        for row in query(
            "SELECT file, sha256, imported_at, added, replaced, unchanged "
            "FROM import_receipt ORDER BY id"
        )
    ]


def _schema_version(query: Query, where: str) -> int | None:
    """The store's schema version, or None when the store has no tables yet."""
    tables = {row[0] for row in query("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        return None
    if "gmsc_meta" not in tables:
        raise EnvironmentFailure(
            f"the store {where} holds tables that are not gmsc's",
            hint="point --db (or GMSC_DB) at a gmsc store, or at a new file",
        )
    rows = query("SELECT value FROM gmsc_meta WHERE key = 'schema_version'")
    if not rows:
        return None
    written = rows[0][0]
    if not str(written).isdigit() or int(written) < 1:
        raise EnvironmentFailure(
            f"the store {where} records schema version {written!r}, which no gmsc writes",
            hint="restore it from a backup, or move it aside and import the ledger again",
        )
    return int(written)


# --- the store ----------------------------------------------------------------------------


class Store:
    """One store, named by a path or an SQLAlchemy URL."""

    def __init__(self, db: str | None) -> None:
        if db and "://" in db:
            self.url = db
            self.path: Path | None = (
                Path(db.split("///", 1)[1]) if db.startswith("sqlite:///") else None
            )
        else:
            self.path = Path(db).expanduser() if db else default_path()
            self.url = f"sqlite:///{self.path}"
        self.where = str(self.path) if self.path else self.url

    # -- errors --

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """Database failures become one clear environment message (exit 3)."""
        try:
            yield
        except sqlite3.Error as exc:
            raise self._failure(exc) from None
        except Exception as exc:
            orig = getattr(exc, "orig", None)
            if isinstance(orig, sqlite3.Error):
                raise self._failure(orig) from None
            if type(exc).__module__.startswith("sqlalchemy"):
                raise EnvironmentFailure(f"the store {self.where} failed: {exc}") from None
            raise

    def _failure(self, exc: sqlite3.Error) -> EnvironmentFailure:
        text = str(exc)
        if "locked" in text or "busy" in text:
            return EnvironmentFailure(
                f"the store {self.where} is busy: another gmsc is writing to it",
                hint=f"try again (waited {busy_seconds():g} s; GMSC_BUSY_TIMEOUT sets the wait)",
            )
        if "not a database" in text or "malformed" in text or "corrupt" in text:
            return EnvironmentFailure(
                f"the store {self.where} is not a readable gmsc store ({text})",
                hint="move the file aside and run the command again to start a new store, "
                "or restore it from a backup",
            )
        if "readonly" in text or "read-only" in text:
            return EnvironmentFailure(
                f"the store {self.where} cannot be written ({text})",
                hint="check the permissions of the file and its directory",
            )
        if "disk I/O" in text:
            return EnvironmentFailure(
                f"the store {self.where} could not be written (disk I/O error)",
                hint="check the free disk space and any quota; the store is as it was",
            )
        if "full" in text:
            return EnvironmentFailure(
                f"the store {self.where} cannot be written: the disk is full",
                hint="free some space and run the command again; nothing was changed",
            )
        return EnvironmentFailure(
            f"the store {self.where} cannot be used ({text})",
            hint="check the path, the permissions of the file and its directory",
        )

    # -- reading --

    def exists(self) -> bool:
        """True when the store has been created: a SQLite file that is not empty, or a
        database (named by URL) that has gmsc's tables."""
        if self.path is not None:
            return self.path.is_file() and self.path.stat().st_size > 0
        from sqlalchemy import inspect

        with self._translated():
            engine = self._engine()
            try:
                with engine.connect() as conn:
                    return bool(inspect(conn).has_table("gmsc_meta"))
            finally:
                engine.dispose()

    @contextmanager
    def reader(self) -> Iterator[Query]:
        """SELECTs in one read transaction: a concurrent import is seen before or after."""
        with self._translated():
            if self.path is not None:
                self.recover()
                con = sqlite3.connect(
                    f"{self.path.resolve().as_uri()}?mode=ro",
                    uri=True,
                    timeout=busy_seconds(),
                    isolation_level=None,
                )
                try:
                    con.execute("BEGIN")
                    yield lambda sql: con.execute(sql).fetchall()
                    con.execute("COMMIT")
                finally:
                    con.close()
            else:
                with self._engine().connect() as conn, conn.begin():
                    yield lambda sql: list(conn.exec_driver_sql(sql).fetchall())

    def read(self) -> Ledger:
        """The stored ledger; the store must exist and be of a version this gmsc reads."""
        with self.reader() as query:
            version = _schema_version(query, self.where)
            if version is None:
                raise EnvironmentFailure(
                    f"the store {self.where} is empty",
                    hint="run any command without --db pointing there, or gmsc import",
                )
            self._check_version(version)
            if version >= SCHEMA_VERSION:
                return read_ledger(query, self.where)
        # An older schema is upgraded only after the read transaction has ended: its shared
        # lock would otherwise keep the upgrade's commit waiting until "busy".
        return self._upgrade_then_read()

    def receipts(self) -> list[Receipt]:
        """The import receipts, oldest first."""
        with self.reader() as query:
            self._check_version(_schema_version(query, self.where) or SCHEMA_VERSION)
            return read_receipts(query)

    def _check_version(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise EnvironmentFailure(
                f"the store {self.where} was written by a newer gmsc "
                f"(schema {version}; this gmsc knows {SCHEMA_VERSION})",
                hint="upgrade gmsc (pip install -U gmsc), or use another --db",
            )

    def _upgrade_then_read(self) -> Ledger:
        with self._writer() as conn:
            self._prepare(conn)
        return self.read()

    # -- writing --

    def _engine(self) -> Engine:
        from sqlalchemy import create_engine, event

        if self.path is not None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except (FileExistsError, NotADirectoryError):
                raise EnvironmentFailure(
                    f"cannot create the store {self.where}: a part of its directory path "
                    "is a file, not a directory",
                    hint="choose another place with --db or GMSC_DB",
                ) from None
            except OSError as exc:
                raise EnvironmentFailure(
                    f"cannot create the directory of the store {self.where}: {exc.strerror or exc}",
                    hint="choose another place with --db or GMSC_DB",
                ) from None
            engine = create_engine(self.url, connect_args={"timeout": busy_seconds()})

            @event.listens_for(engine, "connect")
            def _connect(dbapi_connection: Any, _record: Any) -> None:
                # Let SQLAlchemy's BEGIN below, not the driver, open transactions.
                dbapi_connection.isolation_level = None
                dbapi_connection.execute("PRAGMA foreign_keys = ON")

            @event.listens_for(engine, "begin")
            def _begin(conn: Connection) -> None:
                conn.exec_driver_sql("BEGIN IMMEDIATE")

            return engine
        return create_engine(self.url)

    @contextmanager
    def _writer(self) -> Iterator[Connection]:
        """One write transaction holding the write lock from its first statement."""
        with self._translated():
            engine = self._engine()
            try:
                with engine.begin() as conn:
                    yield conn
            except BaseException:
                engine.dispose()
                # A write that failed on I/O (a full disk, a quota) may not have been able
                # to roll back; the journal it left is rolled back now, so the store is
                # exactly as it was before this command.
                self.recover()
                raise
            finally:
                engine.dispose()

    def recover(self) -> None:
        """Roll back what a killed or failed writer left in the store's rollback journal.

        Read-only connections cannot do that, and would fail on such a "hot" journal; a
        short read-write connection that reads the schema makes SQLite roll it back. A
        journal that belongs to a live writer is not hot, and is left alone.
        """
        if self.path is None:
            return
        journal = self.path.with_name(self.path.name + "-journal")
        if not journal.exists() or not self.path.exists():
            return
        try:
            con = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=rw", uri=True, timeout=busy_seconds()
            )
            try:
                con.execute("SELECT count(*) FROM sqlite_master").fetchall()
            finally:
                con.close()
        except sqlite3.Error:
            pass  # the read that follows reports what is wrong

    def _prepare(self, conn: Connection) -> bool:
        """Create or upgrade the tables inside the write transaction; True if created."""
        from sqlmodel import SQLModel

        from gmsc_cli.store import tables as models

        def query(sql: str) -> list[tuple[Any, ...]]:
            return list(conn.exec_driver_sql(sql).fetchall())

        version = _schema_version(query, self.where) if self.path is not None else None
        if version is None and self.path is None:
            from sqlalchemy import inspect

            if inspect(conn).has_table("gmsc_meta"):
                version = _schema_version(query, self.where)
        if version is not None:
            self._check_version(version)
            for step in range(version, SCHEMA_VERSION):
                MIGRATIONS[step](conn)
            if version < SCHEMA_VERSION:
                conn.execute(
                    models.Meta.__table__.update()  # type: ignore[attr-defined]
                    .where(models.Meta.key == "schema_version")
                    .values(value=str(SCHEMA_VERSION))
                )
            return False
        SQLModel.metadata.create_all(conn)
        ref = reference()
        conn.execute(
            models.Meta.__table__.insert(),  # type: ignore[attr-defined]
            [{"key": "schema_version", "value": str(SCHEMA_VERSION)}],
        )
        conn.execute(
            models.ProvinceRow.__table__.insert(),  # type: ignore[attr-defined]
            [{"code": p.code, "name": p.name} for p in ref.provinces.values()],
        )
        conn.execute(
            models.RegionRow.__table__.insert(),  # type: ignore[attr-defined]
            [
                {"code": r.code, "name": r.name, "kind": r.kind, "province_code": r.province_code}
                for r in ref.regions.values()
            ],
        )
        return True

    def transaction(
        self,
        work: Callable[[Ledger, bool], Plan | None],
        *,
        files: Iterable[tuple[str, bytes]],
        on_write: Progress | None = None,
    ) -> Plan | None:
        """Run `work(stored ledger, created)` under the write lock; write the plan it
        returns (None: write nothing) with a receipt per file, all in one transaction.
        `on_write` is told how many entries are written as they are."""
        with self._writer() as conn:
            created = self._prepare(conn)

            def query(sql: str) -> list[tuple[Any, ...]]:
                return list(conn.exec_driver_sql(sql).fetchall())

            stored = read_ledger(query, self.where)
            plan = work(stored, created)
            if plan is not None and (plan.changes or created):
                write_plan(conn, plan, files, on_write)
            return plan


MIGRATIONS: dict[int, Callable[[Connection], None]] = {}
"""Step N upgrades a store from schema N to N+1, inside the write transaction."""


def write_plan(
    conn: Connection,
    plan: Plan,
    files: Iterable[tuple[str, bytes]],
    on_write: Progress | None = None,
) -> None:
    """Write what `plan` changes: cohorts replaced whole, entries in bulk, receipts."""
    from sqlalchemy import delete, insert

    from gmsc_cli.store import tables as models

    cohort_t = models.CohortRow.__table__  # type: ignore[attr-defined]
    entry_t = models.EntryRow.__table__  # type: ignore[attr-defined]
    published_t = models.PublishedRow.__table__  # type: ignore[attr-defined]
    meta_t = models.Meta.__table__  # type: ignore[attr-defined]
    receipt_t = models.ReceiptRow.__table__  # type: ignore[attr-defined]

    if plan.replaced:
        conn.execute(delete(entry_t).where(entry_t.c.year.in_(plan.replaced)))
        conn.execute(delete(cohort_t).where(cohort_t.c.year.in_(plan.replaced)))
    years = (*plan.added, *plan.replaced)
    cohorts = [plan.incoming[year] for year in years]
    if cohorts:
        conn.execute(
            insert(cohort_t),
            [
                {
                    "year": c.year,
                    "declared": c.declared,
                    "declared_repeats": c.declared_repeats,
                    "title": c.title,
                    "mou_date": c.mou_date,
                    "sources": list(c.sources),
                }
                for c in cohorts
            ],
        )
        _insert_entries(conn, entry_t, cohorts, on_write)
    if plan.published_changed:
        conn.execute(delete(published_t))
        conn.execute(
            insert(published_t),
            [
                {"through": p.through, "unique": p.unique, "source": p.source}
                for p in plan.result.published
            ],
        )
    if plan.programme_changed and plan.result.programme is not None:
        conn.execute(delete(meta_t).where(meta_t.c.key == "programme"))
        conn.execute(insert(meta_t), [{"key": "programme", "value": plan.result.programme}])
    now = datetime.now(UTC).isoformat(timespec="seconds")

    def years_from(name: str, years: tuple[int, ...]) -> str:
        return ",".join(str(y) for y in years if plan.incoming[y].pos.file == name)

    receipts = [
        {
            "file": name,
            "sha256": content_hash(data),
            "imported_at": now,
            "added": years_from(name, plan.added),
            "replaced": years_from(name, plan.replaced),
            "unchanged": years_from(name, plan.unchanged),
        }
        for name, data in files
    ]
    if receipts:
        conn.execute(insert(receipt_t), receipts)
    _fault_point("commit")


ENTRY_CHUNK = 10_000
"""Entries are written in chunks of this many rows (a progress step; bounded memory)."""


def _insert_entries(
    conn: Connection, entry_t: Any, cohorts: list[Cohort], on_write: Progress | None = None
) -> None:
    """Insert every entry of `cohorts` through the driver's executemany.

    The INSERT is compiled from the SQLModel table, but the rows skip SQLAlchemy's
    per-row parameter processing: for 100,000 memberships that processing costs more
    than SQLite's own work (1.7 s against 0.6 s). The JSON column is encoded as
    SQLAlchemy's JSON type would encode it, so reads through either path agree.
    """
    from sqlalchemy import insert

    compiled = insert(entry_t).compile(dialect=conn.dialect)
    keys = list(compiled.positiontup or []) if compiled.positional else None
    sql = str(compiled)

    def rows() -> Iterator[dict[str, Any]]:
        for cohort in cohorts:
            for position, entry in enumerate(cohort.entries):
                yield {
                    "year": cohort.year,
                    "code": entry.code,
                    "position": position,
                    "status": entry.status,
                    "sources": json.dumps(list(entry.sources)) if entry.sources else "[]",
                    "note": entry.note,
                }

    total = sum(len(cohort.entries) for cohort in cohorts)
    done = 0

    def flush(chunk: list[Any]) -> None:
        nonlocal done
        _fault_point("entries")
        conn.exec_driver_sql(sql, chunk)
        done += len(chunk)
        if on_write is not None:
            on_write(done, total)

    chunk: list[Any] = []
    for row in rows():
        chunk.append(tuple(row[k] for k in keys) if keys is not None else row)
        if len(chunk) == ENTRY_CHUNK:
            flush(chunk)
            chunk = []
    if chunk:
        flush(chunk)


def _fault_point(name: str) -> None:
    """Tests make a write fail (or stall, for kill tests) at a named point here."""
    fault = os.environ.get("GMSC_FAULT")
    if not fault:
        return
    point, _, action = fault.partition(":")
    if point != name:
        return
    if action.startswith("sleep="):
        import time

        time.sleep(float(action.removeprefix("sleep=")))
        return
    raise RuntimeError(f"injected fault at {name}")
