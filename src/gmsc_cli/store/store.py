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
from gmsc_cli.i18n import _, ngettext, number
from gmsc_cli.store.backend import (
    BUSY_SECONDS,
    DOCTOR_HINT,
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
    "DOCTOR_HINT",
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


class Damaged(ValueError):
    """A stored value no gmsc writes: `where` names the table, row and column."""


def _texts(value: Any, where: str) -> tuple[str, ...]:
    """A JSON list of texts (a sources column) as a tuple."""
    if value is None:
        return ()
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise Damaged(
                _("{where} is {value}, not a JSON list of texts").format(
                    where=where, value=_short(value)
                )
            ) from None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Damaged(
            _("{where} is {value}, not a list of texts").format(where=where, value=_short(value))
        )
    return tuple(value)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _whole(value: Any, where: str, *, nullable: bool = False, minimum: int = 0) -> Any:
    """A stored whole number (bool is not one), at least `minimum`."""
    if value is None and nullable:
        return None
    if type(value) is not int or value < minimum:
        raise Damaged(
            _("{where} is {value}, not a whole number of at least {minimum}").format(
                where=where, value=_short(value), minimum=number(minimum)
            )
        )
    return value


def _text(value: Any, where: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise Damaged(_("{where} is {value}, not text").format(where=where, value=_short(value)))
    return value


def _day(value: Any, where: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise Damaged(
            _("{where} is {value}, not a date").format(where=where, value=_short(value))
        ) from None


def _schema_version(reads: Reads, where: str) -> int | None:
    """The store's schema version, or None when the store has no tables yet."""
    tables = reads.table_names()
    if not tables:
        return None
    if "gmsc_meta" not in tables:
        raise EnvironmentFailure(
            _("the store {where} holds tables that are not gmsc's").format(where=where),
            hint=_("point --db (or GMSC_DB) at a gmsc store, or at a new file"),
        )
    rows = reads.rows("SELECT * FROM gmsc_meta WHERE key = 'schema_version'")
    if not rows:
        return None
    written = rows[0]["value"]
    if not str(written).isdigit() or int(written) < 1:
        raise EnvironmentFailure(
            _("the store {where} records schema version {written!r}, which no gmsc writes").format(
                where=where, written=written
            ),
            hint=_("restore it from a backup, or move it aside and import the ledger again"),
        )
    return int(written)


def _check_version(version: int, where: str) -> None:
    if version > SCHEMA_VERSION:
        raise EnvironmentFailure(
            _(
                "the store {where} was written by a newer gmsc "
                "(schema {version}; this gmsc knows {known})"
            ).format(where=where, version=version, known=SCHEMA_VERSION),
            hint=_("upgrade gmsc (pip install -U gmsc), or use another --db"),
        )


def stored_position(where: str, what: str) -> Pos:
    """Where a finding about the stored ledger points: the store and the cohort (or total)
    it is about, so a refused import says which stored cohort is involved."""
    return Pos(f"{where} ({what})", 0, 0)


def read_ledger(reads: Reads, where: str) -> Ledger:
    """The stored ledger; a value that no gmsc writes (edited by hand, damaged) or a
    missing column is an environment failure that names it, not a crash."""
    problems: list[str] = []
    ledger = _read_ledger(reads, where, problems)
    problems = list(dict.fromkeys(problems))
    if len(problems) == 1:
        raise EnvironmentFailure(
            _("the store {store} is damaged: {problem}").format(store=where, problem=problems[0]),
            hint=_(DOCTOR_HINT),
        )
    if problems:
        more = len(problems) - 1
        raise EnvironmentFailure(
            ngettext(
                "the store {store} is damaged: {problem} (and {count} more)",
                "the store {store} is damaged: {problem} (and {count} more)",
                more,
            ).format(store=where, problem=problems[0], count=number(more)),
            hint=_(DOCTOR_HINT),
        )
    return ledger


def damaged_values(reads: Reads, where: str) -> list[str]:
    """Every stored value gmsc cannot read, each naming its table, row and column."""
    problems: list[str] = []
    _read_ledger(reads, where, problems)
    return list(dict.fromkeys(problems))


def _first(pair: tuple[int, Entry]) -> int:
    return pair[0]


def _read_ledger(reads: Reads, where: str, problems: list[str]) -> Ledger:
    """The stored ledger without the rows that cannot be read; what is wrong with those is
    appended to `problems`."""
    regions = reference().regions

    def rows(table: str, order: str) -> list[dict[str, Any]]:
        return reads.rows(f"SELECT * FROM {table} ORDER BY {order}")

    def column(row: dict[str, Any], table: str, name: str) -> Any:
        if name not in row:
            raise Damaged(
                _("table {table} has no column {column}").format(table=table, column=name)
            )
        return row[name]

    meta = {str(row.get("key")): row.get("value") for row in rows("gmsc_meta", "key")}
    # Ordered by position here, not in SQL, so a store without that column is reported
    # rather than failing the query.
    entries: dict[int, list[tuple[int, Entry]]] = {}
    for row in rows("entry", "year, code"):
        try:
            year = column(row, "entry", "year")
            code = column(row, "entry", "code")
            at = f"entry {year}/{code}"
            _whole(year, f"{at}: year")
            position = _whole(column(row, "entry", "position"), f"{at}: position")
            if code not in regions:
                raise Damaged(
                    _("{where}: code {code!r} is no kabupaten/kota").format(where=at, code=code)
                )
            status = column(row, "entry", "status")
            if status not in STATUSES:
                raise Damaged(
                    _("{where}: status is {value}, not one of {statuses}").format(
                        where=at, value=_short(status), statuses=", ".join(STATUSES)
                    )
                )
            entry = Entry(
                code,
                regions[code].name,
                status,
                _texts(column(row, "entry", "sources"), f"{at}: sources"),
                _text(column(row, "entry", "note"), f"{at}: note"),
                stored_position(where, f"cohort {year}"),
            )
        except Damaged as exc:
            problems.append(str(exc))
            continue
        entries.setdefault(year, []).append((position, entry))
    cohorts = []
    for row in rows("cohort", "year"):
        try:
            year = _whole(column(row, "cohort", "year"), "cohort: year")
            at = f"cohort {year}"
            cohorts.append(
                Cohort(
                    year=year,
                    declared=_whole(
                        column(row, "cohort", "declared"), f"{at}: declared", nullable=True
                    ),
                    declared_repeats=_whole(
                        column(row, "cohort", "declared_repeats"), f"{at}: declared_repeats"
                    ),
                    title=_text(column(row, "cohort", "title"), f"{at}: title"),
                    mou_date=_day(column(row, "cohort", "mou_date"), f"{at}: mou_date"),
                    sources=_texts(column(row, "cohort", "sources"), f"{at}: sources"),
                    entries=tuple(e for _pos, e in sorted(entries.get(year, []), key=_first)),
                    pos=stored_position(where, at),
                )
            )
        except Damaged as exc:
            problems.append(str(exc))
    published = []
    for row in rows("published_total", "through"):
        try:
            through = _whole(column(row, "published_total", "through"), "published total: through")
            at = f"published total through {through}"
            published.append(
                Published(
                    through,
                    _whole(column(row, "published_total", "unique"), f"{at}: unique"),
                    _text(column(row, "published_total", "source"), f"{at}: source"),
                    stored_position(where, at),
                )
            )
        except Damaged as exc:
            problems.append(str(exc))
    programme = meta.get("programme")
    if programme is not None and not isinstance(programme, str):
        problems.append(
            _("{where} is {value}, not text").format(
                where="gmsc_meta programme", value=_short(programme)
            )
        )
        programme = None
    return Ledger(programme, tuple(published), tuple(cohorts))


def expected_tables() -> dict[str, tuple[str, ...]]:
    """The tables and columns of this gmsc's schema (tables.py), table by table."""
    from sqlmodel import SQLModel

    from gmsc_cli.store import tables  # noqa: F401  (registers the table models)

    return {
        table.name: tuple(column.name for column in table.columns)
        for table in SQLModel.metadata.sorted_tables
    }


def damage(snap: Snapshot) -> list[str]:
    """What makes a store of this schema unusable: missing tables and columns, else the
    stored values gmsc cannot read. [] for a sound store."""
    return snap.missing(expected_tables()) or snap.damaged_values()


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

    def missing(self, expected: dict[str, tuple[str, ...]]) -> list[str]:
        """The tables and columns of `expected` (table -> columns) the store lacks."""
        tables = self._reads.table_names()
        problems = []
        for table, columns in expected.items():
            if table not in tables:
                problems.append(_("table {table} is missing").format(table=table))
                continue
            have = self._reads.columns(table)
            problems += [
                _("table {table} has no column {column}").format(table=table, column=c)
                for c in columns
                if c not in have
            ]
        return problems

    def damaged_values(self) -> list[str]:
        """Every stored value gmsc cannot read, naming its table, row and column."""
        return damaged_values(self._reads, self.where)


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
        background: bool = False,
    ) -> None:
        self._conn = conn
        self._insert_many = insert_many
        self.background = background
        """True when `write` may return while the database still takes the entries: the
        block's end waits for them, so checks made meanwhile overlap the database's work
        (and, if they refuse, the whole transaction is rolled back)."""
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

    def empty(self) -> EnvironmentFailure:
        """The failure of a command (but init) on a database with no gmsc tables: it is
        not adopted half-way (an import's cohorts without the bundled ones)."""
        return EnvironmentFailure(
            _("the store {where} is an empty database: it has no gmsc tables").format(
                where=self.where
            ),
            hint=_("gmsc init creates the store in it; or point --db at another file"),
        )

    def read(self) -> Ledger:
        """The stored ledger; the store must exist. An older schema is upgraded first."""
        with self.reading() as snap:
            if snap.version is None:
                raise self.empty()
            if snap.version >= SCHEMA_VERSION:
                return snap.ledger()
        # An older schema is upgraded only after the read transaction has ended: its shared
        # lock would otherwise keep the upgrade's commit waiting until "busy".
        with self._translated(writing=True), self.backend.writing() as conn:
            self._prepare(conn, create=False)
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
    def writing(self, *, create: bool = False, planning: bool = False) -> Iterator[Transaction]:
        """One unit of work under the write lock: the store is upgraded (or, with
        `create`, created in an empty database), the stored ledger read, and what the
        block writes committed when it ends — or, if it raises, nothing at all. Unless
        only `planning` (a dry run), a role that may not write the store is refused
        first, even when the block turns out to have nothing to write."""
        # A database that does not exist yet (or an empty file) is new: created. One
        # that exists without gmsc's tables is only adopted with `create` (gmsc init).
        # A database server is asked inside the write transaction rather than over a
        # connection of its own (None: created when it has no gmsc tables).
        new: bool | None = create or (None if self.path is None else not self.exists())
        with self._translated(writing=True), self.backend.writing() as conn:
            if not planning:
                self.backend.refuse_read_only(conn)
            created = self._prepare(conn, create=new)
            stored = read_ledger(self.backend.reads_of(conn), self.where)
            yield Transaction(
                conn,
                stored,
                created=created,
                insert_many=self.backend.insert_many,
                background=self.backend.background_bulk,
            )

    def _prepare(self, conn: Connection, *, create: bool | None) -> bool:
        """Upgrade the tables (or create them, when `create`; when None, if the
        database has no gmsc tables) inside the write transaction; True if created."""
        from sqlmodel import SQLModel

        from gmsc_cli.store import tables as models

        reads = self.backend.reads_of(conn)
        version = _schema_version(reads, self.where)
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
        if create is None:
            create = "gmsc_meta" not in reads.table_names()
        if not create:
            raise self.empty()
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
    # The entries go last: a backend that takes them in the background (PostgreSQL's
    # COPY) then has no statement after them to wait for before the commit.
    if cohorts:
        if insert_many is None:
            from gmsc_cli.store.backend import _executemany

            insert_many = _executemany
        _insert_entries(conn, entry_t, cohorts, on_write, insert_many)
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
    point, _sep, action = fault.partition(":")
    if point != name:
        return
    if action.startswith("sleep="):
        import time

        time.sleep(float(action.removeprefix("sleep=")))
        return
    raise RuntimeError(f"injected fault at {name}")
