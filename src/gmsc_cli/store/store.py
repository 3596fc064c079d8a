"""The store: the ledger kept in a database, read in one snapshot and written in one unit
of work.

    with store.reading() as snap:        # one read transaction
        ledger = snap.ledger()
    with store.writing() as tx:          # one write transaction, holding the write lock
        plan = plan_import(tx.stored, incoming, replace=False)
        tx.write(plan, files)            # committed when the block ends, or not at all

The schema is stated once, by the table models of `tables.py`: writes insert rows built
from those models, and reads select whole rows (`SELECT *`) and take their values by
column name, so a column added by a migration is not an error. Where databases differ
(the connection, the locks, finding tables, what an error code means) is the
`backend.Backend` that `backend_for` chooses from the URL's scheme.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gmsc_cli.domain.findings import Pos
from gmsc_cli.domain.model import STATUSES, Cohort, Entry, Ledger, Published
from gmsc_cli.domain.regions import DATA, reference
from gmsc_cli.errors import EnvironmentFailure
from gmsc_cli.store.backend import (
    BUSY_SECONDS,
    Backend,
    Reads,
    backend_for,
    busy_seconds,
    default_path,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from gmsc_cli.domain.plan import Plan
    from gmsc_cli.store.tables import ReceiptRow

__all__ = [
    "BUSY_SECONDS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Snapshot",
    "Store",
    "Transaction",
    "bundled_dataset",
    "busy_seconds",
    "content_hash",
    "default_path",
]

SCHEMA_VERSION = 1
"""The version of the tables (tables.py) this gmsc writes; MIGRATIONS lead up to it."""

Progress = Callable[[int, int], None]
"""Told (done, total) as a long step advances; drawn as a bar on a terminal."""

InsertMany = Callable[["Connection", Any, list[dict[str, Any]]], None]
"""A backend's bulk insert: (connection, table, rows as mappings)."""


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


def _schema_version(reads: Reads, where: str) -> int | None:
    """The store's schema version, or None when the store has no tables yet."""
    tables = reads.table_names()
    if not tables:
        return None
    if "gmsc_meta" not in tables:
        raise EnvironmentFailure(
            f"the store {where} holds tables that are not gmsc's",
            hint="point --db (or GMSC_DB) at a gmsc store, or at a new file",
        )
    rows = reads.rows("SELECT * FROM gmsc_meta WHERE key = 'schema_version'")
    if not rows:
        return None
    written = rows[0]["value"]
    if not str(written).isdigit() or int(written) < 1:
        raise EnvironmentFailure(
            f"the store {where} records schema version {written!r}, which no gmsc writes",
            hint="restore it from a backup, or move it aside and import the ledger again",
        )
    return int(written)


def _check_version(version: int, where: str) -> None:
    if version > SCHEMA_VERSION:
        raise EnvironmentFailure(
            f"the store {where} was written by a newer gmsc "
            f"(schema {version}; this gmsc knows {SCHEMA_VERSION})",
            hint="upgrade gmsc (pip install -U gmsc), or use another --db",
        )


def read_ledger(reads: Reads, where: str) -> Ledger:
    """The stored ledger; values that no gmsc writes (edited by hand, damaged) are an
    environment failure, not a crash."""
    try:
        return _read_ledger(reads, where)
    except (ValueError, TypeError, KeyError) as exc:  # JSONDecodeError is a ValueError
        raise EnvironmentFailure(
            f"the store {where} holds values gmsc cannot read ({type(exc).__name__}: {exc})",
            hint="gmsc doctor checks it; restore it from a backup, or move it aside and "
            "import the ledger again",
        ) from None


def _read_ledger(reads: Reads, where: str) -> Ledger:
    regions = reference().regions
    meta = {row["key"]: row["value"] for row in reads.rows("SELECT * FROM gmsc_meta")}
    here = Pos(where, 0, 0)
    entries: dict[int, list[Entry]] = {}
    for row in reads.rows("SELECT * FROM entry ORDER BY year, position"):
        year, code, status = row["year"], row["code"], row["status"]
        if code not in regions:
            raise ValueError(f"entry {year}/{code}: no kabupaten/kota has that code")
        if status not in STATUSES:
            raise ValueError(f"entry {year}/{code}: status {status!r}")
        entry = Entry(code, regions[code].name, status, _texts(row["sources"]), row["note"], here)
        entries.setdefault(year, []).append(entry)
    cohorts = tuple(
        Cohort(
            year=row["year"],
            declared=row["declared"],
            declared_repeats=row["declared_repeats"],
            title=row["title"],
            mou_date=_day(row["mou_date"]),
            sources=_texts(row["sources"]),
            entries=tuple(entries.get(row["year"], ())),
            pos=here,
        )
        for row in reads.rows("SELECT * FROM cohort ORDER BY year")
    )
    published = tuple(
        Published(row["through"], row["unique"], row["source"], here)
        for row in reads.rows("SELECT * FROM published_total ORDER BY through")
    )
    return Ledger(meta.get("programme"), published, cohorts)


class Snapshot:
    """The store as one read transaction sees it: a concurrent import is seen wholly or
    not at all, however many reads are made."""

    def __init__(self, reads: Reads, where: str, version: int | None) -> None:
        self._reads = reads
        self.where = where
        self.version = version
        """The schema version the store records; None when it is empty."""

    def ledger(self) -> Ledger:
        """The stored ledger."""
        return read_ledger(self._reads, self.where)

    def receipts(self) -> list[ReceiptRow]:
        """Every import receipt, oldest first."""
        from gmsc_cli.store.tables import ReceiptRow

        return [
            ReceiptRow(**row)
            for row in self._reads.rows("SELECT * FROM import_receipt ORDER BY id")
        ]

    def years(self) -> list[int]:
        """The stored cohorts' years, in order."""
        return [row["year"] for row in self._reads.rows("SELECT * FROM cohort ORDER BY year")]

    def regions(self) -> dict[str, tuple[str, str, str]]:
        """The store's copy of the reference regions: code -> (name, kind, province code)."""
        return {
            row["code"]: (row["name"], row["kind"], row["province_code"])
            for row in self._reads.rows("SELECT * FROM region")
        }

    def integrity(self) -> list[str] | None:
        """The database's own consistency problems; None when it has no such check."""
        return self._reads.integrity()


# --- writing ------------------------------------------------------------------------------


class Transaction:
    """One unit of work: the ledger as stored when the write lock was taken, and the
    writing of a plan. It is committed when its `with store.writing()` block ends, and
    rolled back, leaving the store as it was, if the block raises."""

    def __init__(
        self,
        conn: Connection,
        stored: Ledger,
        *,
        created: bool,
        insert_many: InsertMany | None = None,
    ) -> None:
        self._conn = conn
        self._insert_many = insert_many
        self.stored = stored
        """The ledger read under the write lock: no other writer changes it before commit."""
        self.created = created
        """True when this transaction created the store's tables."""

    def write(
        self,
        plan: Plan,
        files: Iterable[tuple[str, bytes]],
        *,
        on_write: Progress | None = None,
    ) -> bool:
        """Write what `plan` changes, with a receipt for each of `files`; nothing when it
        changes nothing (unless the store is new). True when something was written;
        `on_write` is told how many entries are written as they are."""
        if not (plan.changes or self.created):
            return False
        write_plan(self._conn, plan, files, on_write, self._insert_many)
        return True


# --- the store ----------------------------------------------------------------------------


class Store:
    """One store, named by a path or an SQLAlchemy URL."""

    def __init__(self, db: str | None) -> None:
        self.backend: Backend = backend_for(db)
        self.url = self.backend.url
        self.path = self.backend.path
        self.where = self.backend.where

    @contextmanager
    def _translated(self, *, writing: bool = False) -> Iterator[None]:
        """Database failures become one clear environment message (exit 3)."""
        try:
            yield
        except Exception as exc:
            failure = self.backend.failure(exc, writing=writing)
            if failure is None:
                raise
            raise failure from None

    def exists(self) -> bool:
        """True when the store has been created."""
        with self._translated():
            return self.backend.exists()

    @contextmanager
    def reading(self, *, timeout: float | None = None) -> Iterator[Snapshot]:
        """One read transaction over a store of a version this gmsc reads; a busy store
        is waited for `timeout` seconds (None: GMSC_BUSY_TIMEOUT's wait)."""
        with self._translated(), self.backend.reading(timeout=timeout) as reads:
            version = _schema_version(reads, self.where)
            if version is not None:
                _check_version(version, self.where)
            yield Snapshot(reads, self.where, version)

    def read(self) -> Ledger:
        """The stored ledger; the store must exist. An older schema is upgraded first."""
        with self.reading() as snap:
            if snap.version is None:
                raise EnvironmentFailure(
                    f"the store {self.where} is empty",
                    hint="run any command without --db pointing there, or gmsc import",
                )
            if snap.version >= SCHEMA_VERSION:
                return snap.ledger()
        # An older schema is upgraded only after the read transaction has ended: its shared
        # lock would otherwise keep the upgrade's commit waiting until "busy".
        with self._translated(writing=True), self.backend.writing() as conn:
            self._prepare(conn)
        return self.read()

    def read_if_exists(self) -> Ledger | None:
        """The stored ledger, or None when the store has not been created yet; a database
        server is asked in the same read transaction (one connection)."""
        if self.path is not None and not self.exists():
            return None
        with self.reading() as snap:
            if snap.version is None:
                return None
            if snap.version >= SCHEMA_VERSION:
                return snap.ledger()
        return self.read()

    def receipts(self) -> list[ReceiptRow]:
        """The import receipts, oldest first."""
        with self.reading() as snap:
            return snap.receipts()

    @contextmanager
    def writing(self) -> Iterator[Transaction]:
        """One unit of work under the write lock: the store is created or upgraded, the
        stored ledger read, and what the block writes committed when it ends — or, if it
        raises, nothing at all."""
        with self._translated(writing=True), self.backend.writing() as conn:
            created = self._prepare(conn)
            stored = read_ledger(self.backend.reads_of(conn), self.where)
            yield Transaction(
                conn, stored, created=created, insert_many=self.backend.insert_many
            )

    def _prepare(self, conn: Connection) -> bool:
        """Create or upgrade the tables inside the write transaction; True if created."""
        from sqlmodel import SQLModel

        from gmsc_cli.store import tables as models

        version = _schema_version(self.backend.reads_of(conn), self.where)
        if version is not None:
            _check_version(version, self.where)
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
        _insert(conn, [models.Meta(key="schema_version", value=str(SCHEMA_VERSION))])
        _insert(
            conn, [models.ProvinceRow(code=p.code, name=p.name) for p in ref.provinces.values()]
        )
        _insert(
            conn,
            [
                models.RegionRow(
                    code=r.code, name=r.name, kind=r.kind, province_code=r.province_code
                )
                for r in ref.regions.values()
            ],
        )
        return True


def _insert(conn: Connection, rows: list[Any], *, generated: frozenset[str] = frozenset()) -> None:
    """Insert table-model instances (all of one table) in one executemany; the columns
    named in `generated` are left to the database (an autoincrement key)."""
    from sqlalchemy import insert

    if rows:
        table = type(rows[0]).__table__
        conn.execute(insert(table), [row.model_dump(exclude=set(generated)) for row in rows])


MIGRATIONS: dict[int, Callable[[Connection], None]] = {}
"""Step N upgrades a store from schema N to N+1, inside the write transaction."""


def write_plan(
    conn: Connection,
    plan: Plan,
    files: Iterable[tuple[str, bytes]],
    on_write: Progress | None = None,
    insert_many: InsertMany | None = None,
) -> None:
    """Write what `plan` changes: cohorts replaced whole, entries in bulk, receipts."""
    from sqlalchemy import delete

    from gmsc_cli.store import tables as models

    cohort_t = models.CohortRow.__table__  # type: ignore[attr-defined]
    entry_t = models.EntryRow.__table__  # type: ignore[attr-defined]
    published_t = models.PublishedRow.__table__  # type: ignore[attr-defined]
    meta_t = models.Meta.__table__  # type: ignore[attr-defined]

    if plan.replaced:
        conn.execute(delete(entry_t).where(entry_t.c.year.in_(plan.replaced)))
        conn.execute(delete(cohort_t).where(cohort_t.c.year.in_(plan.replaced)))
    years = (*plan.added, *plan.replaced)
    cohorts = [plan.incoming[year] for year in years]
    _insert(
        conn,
        [
            models.CohortRow(
                year=c.year,
                declared=c.declared,
                declared_repeats=c.declared_repeats,
                title=c.title,
                mou_date=c.mou_date,
                sources=list(c.sources),
            )
            for c in cohorts
        ],
    )
    if cohorts:
        if insert_many is None:
            from gmsc_cli.store.backend import _executemany

            insert_many = _executemany
        _insert_entries(conn, entry_t, cohorts, on_write, insert_many)
    if plan.published_changed:
        conn.execute(delete(published_t))
        _insert(
            conn,
            [
                models.PublishedRow(through=p.through, unique=p.unique, source=p.source)
                for p in plan.result.published
            ],
        )
    if plan.programme_changed and plan.result.programme is not None:
        conn.execute(delete(meta_t).where(meta_t.c.key == "programme"))
        _insert(conn, [models.Meta(key="programme", value=plan.result.programme)])
    now = datetime.now(UTC).isoformat(timespec="seconds")

    def years_from(name: str, years: tuple[int, ...]) -> str:
        return ",".join(str(y) for y in years if plan.incoming[y].pos.file == name)

    receipts = [
        models.ReceiptRow(
            file=name,
            sha256=content_hash(data),
            imported_at=now,
            added=years_from(name, plan.added),
            replaced=years_from(name, plan.replaced),
            unchanged=years_from(name, plan.unchanged),
        )
        for name, data in files
    ]
    _insert(conn, receipts, generated=frozenset({"id"}))
    _fault_point("commit")


ENTRY_CHUNK = 10_000
"""Entries are written in chunks of this many rows (a progress step; bounded memory)."""


def _insert_entries(
    conn: Connection,
    entry_t: Any,
    cohorts: list[Cohort],
    on_write: Progress | None,
    insert_many: InsertMany,
) -> None:
    """Insert every entry of `cohorts` in chunks, by the backend's bulk path (SQLite's
    executemany, PostgreSQL's COPY). The JSON column is encoded as SQLAlchemy's JSON type
    would encode it, so reads through either path agree."""

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

    def flush(chunk: list[dict[str, Any]]) -> None:
        nonlocal done
        _fault_point("entries")
        insert_many(conn, entry_t, chunk)
        done += len(chunk)
        if on_write is not None:
            on_write(done, total)

    chunk: list[dict[str, Any]] = []
    for row in rows():
        chunk.append(row)
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
