"""The store's schema, defined with SQLModel (table models only; input is validated elsewhere).

Tables are keyed on the natural keys of the domain: a cohort by its year, an entry by
cohort year + region code. The reference regions and provinces live in the store too,
so SQL users (sqlite3, Datasette) can join names and provinces.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel


class Meta(SQLModel, table=True):
    """Key/value facts about the store: schema_version, programme."""

    __tablename__ = "gmsc_meta"

    key: str = Field(primary_key=True)
    value: str


class ProvinceRow(SQLModel, table=True):
    """One of the 38 provinces of the reference list."""

    __tablename__ = "province"

    code: str = Field(primary_key=True)
    name: str


class RegionRow(SQLModel, table=True):
    """One of the 514 kabupaten/kota of the reference list."""

    __tablename__ = "region"

    code: str = Field(primary_key=True)
    name: str
    kind: str
    province_code: str = Field(foreign_key="province.code", index=True)


class PublishedRow(SQLModel, table=True):
    """An official running total of distinct regions through a year."""

    __tablename__ = "published_total"

    through: int = Field(primary_key=True)
    unique: int
    source: str | None = None


class CohortRow(SQLModel, table=True):
    """One yearly cohort and its announced figures."""

    __tablename__ = "cohort"

    year: int = Field(primary_key=True)
    declared: int | None = None
    declared_repeats: int = 0
    title: str | None = None
    mou_date: date | None = None
    sources: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class EntryRow(SQLModel, table=True):
    """One region named in one cohort, with its status and evidence."""

    __tablename__ = "entry"

    year: int = Field(foreign_key="cohort.year", primary_key=True)
    code: str = Field(foreign_key="region.code", primary_key=True, index=True)
    position: int
    """The entry's place in its cohort's list, so exports keep the maintainers' order."""
    status: str
    sources: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    note: str | None = None


class ReceiptRow(SQLModel, table=True):
    """What one import loaded, and when: the answer to "where did this come from"."""

    __tablename__ = "import_receipt"

    id: int | None = Field(default=None, primary_key=True)
    file: str
    sha256: str
    imported_at: str
    added: str
    replaced: str
    unchanged: str
