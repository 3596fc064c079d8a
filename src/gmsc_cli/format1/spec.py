"""Ledger format 1, stated once: its keys in canonical order, their types, limits and defaults.

Plain data, no YAML and no I/O. The reader checks a file against it, the writer (export)
writes keys in its order, and the JSON Schema is generated from it, so the three cannot
drift apart.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from gmsc_cli.domain.model import STATUSES
from gmsc_cli.i18n import N_

VERSION = 1
"""The format version this gmsc reads and writes."""

MAX_DEPTH = 50
"""Format 1 nests five levels deep; far deeper nesting is refused, not walked."""
MAX_REFUSED_ALIASES = 1_000
"""After this many aliases a file is no longer read: each is an error already, and a
file of nothing but aliases would otherwise make millions of findings."""
DEPTH_HINT = N_("a ledger nests five levels at most: cohorts, a cohort, regions, an entry, sources")
"""What a maintainer is told when a file nests too deeply."""

MAX_TEXT = 10_000
"""The longest text value accepted (a note, a source URL)."""
FIRST_YEAR, LAST_YEAR = 2017, 2999
"""The programme began in 2017; later years up to 2999 are accepted for planning files."""
KABUPATEN_KOTA = 514
"""The number of kabupaten/kota in the reference list (a test holds it to the shipped one)."""
MAX_MEMBERSHIPS = (LAST_YEAR - FIRST_YEAR + 1) * KABUPATEN_KOTA
"""The most memberships a ledger can hold: every region in every year (505,262)."""
BYTES_PER_MEMBERSHIP = 256
"""A generous size of one membership as written: an export writes ~70 bytes for one (code,
canonical name, status), so 256 leaves room for short sources and notes."""
MAX_FILE_BYTES = MAX_MEMBERSHIPS * BYTES_PER_MEMBERSHIP
"""Larger files are refused with `file-too-large` before they are parsed (129,347,072
bytes, 123 MiB): a bound against hostile input derived from what a ledger can legitimately
hold, so every store gmsc can write exports to a file it imports back. The environment
variable GMSC_MAX_FILE_MB (MiB) replaces it."""
MAX_FILE_VARIABLE = "GMSC_MAX_FILE_MB"
MAX_UNIQUE = 100_000
"""The largest published running total of unique participants accepted."""
MAX_VERSION = 10**6
"""A version number above this is not a version at all (it is reported as out of range)."""
CODE_PATTERN = r"\d{2}\.\d{2}"
"""A Kemendagri kabupaten/kota code, such as 73.22; always written quoted."""
CODE_DESCRIPTION = 'Kemendagri code of a kabupaten/kota, quoted: "73.22"'
DEFAULT_STATUS = "confirmed"


class Kind(enum.Enum):
    """The type of a field's value."""

    INTEGER = "a whole number"
    TEXT = "text"
    TEXTS = "a list of texts"
    DATE = "a date written as YYYY-MM-DD"
    CODE = "a quoted Kemendagri code"
    STATUS = "one of the statuses"
    LIST = "a list of mappings"


class Bound(enum.Enum):
    """A limit known only when a ledger is read: it depends on the reference list."""

    REGIONS = "the number of official kabupaten/kota"


@dataclass(frozen=True, slots=True)
class Field:
    """One key of a mapping: its type, whether it must be written, its default and limits."""

    name: str
    kind: Kind
    required: bool = False
    default: object = None
    minimum: int | None = None
    maximum: int | Bound | None = None
    const: int | None = None
    """The one value allowed (the version)."""
    items: Shape | None = None
    """For a LIST: the shape of each item."""
    nullable: bool = False
    """True when the key may be written with no value (an empty list)."""
    choices: tuple[str, ...] = ()
    """For a STATUS: the values allowed."""
    written_empty: bool = False
    """True when export writes the key even with no value (`regions: []`)."""

    @property
    def always_written(self) -> bool:
        """Whether export writes the key whatever its value (else only when it has one)."""
        return self.required or self.default is not None or self.written_empty


@dataclass(frozen=True, slots=True)
class Shape:
    """A mapping of format 1: its fields in canonical (written) order."""

    name: str
    """What the mapping is called in messages ("a cohort")."""
    fields: tuple[Field, ...]
    one_of_required: tuple[str, ...] = ()
    """At least one of these keys must be written (an entry's code or name)."""
    shorthand: str | None = None
    """When the mapping may also be written as one text, what that text is."""

    keys: tuple[str, ...] = dataclass_field(init=False)
    """The keys in canonical order (derived from `fields`)."""
    required: tuple[str, ...] = dataclass_field(init=False)
    """The keys that must be written (derived from `fields`)."""
    by_name: dict[str, Field] = dataclass_field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Derived once: the reader asks for them for every entry of a large ledger.
        object.__setattr__(self, "keys", tuple(f.name for f in self.fields))
        object.__setattr__(self, "required", tuple(f.name for f in self.fields if f.required))
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})

    def field(self, name: str) -> Field:
        """The field called `name`."""
        return self.by_name[name]


ENTRY = Shape(
    N_("a region entry"),
    (
        # Export writes both, so a reader sees the code and the canonical name.
        Field("code", Kind.CODE, written_empty=True),
        Field("name", Kind.TEXT, written_empty=True),
        Field("status", Kind.STATUS, default=DEFAULT_STATUS, choices=STATUSES),
        Field("sources", Kind.TEXTS),
        Field("note", Kind.TEXT),
    ),
    one_of_required=("code", "name"),
    shorthand="A name (Kabupaten Luwu Utara, Kota Palopo, Luwu Utara) or a code",
)
COHORT = Shape(
    N_("a cohort"),
    (
        Field("year", Kind.INTEGER, required=True, minimum=FIRST_YEAR, maximum=LAST_YEAR),
        Field("declared", Kind.INTEGER, minimum=0, maximum=Bound.REGIONS),
        # At most `declared` too, when that is written: a limit across two keys, checked
        # by the reader; the schema states the bound it can.
        Field("declared_repeats", Kind.INTEGER, default=0, minimum=0, maximum=Bound.REGIONS),
        Field("title", Kind.TEXT),
        Field("mou_date", Kind.DATE),
        Field("sources", Kind.TEXTS),
        Field("regions", Kind.LIST, items=ENTRY, nullable=True, written_empty=True),
    ),
)
PUBLISHED = Shape(
    N_("a published total"),
    (
        Field("through", Kind.INTEGER, required=True, minimum=FIRST_YEAR, maximum=LAST_YEAR),
        Field("unique", Kind.INTEGER, required=True, minimum=0, maximum=MAX_UNIQUE),
        Field("source", Kind.TEXT),
    ),
)
LEDGER = Shape(
    N_("the ledger"),
    (
        Field(
            "version", Kind.INTEGER, required=True, minimum=0, maximum=MAX_VERSION, const=VERSION
        ),
        Field("programme", Kind.TEXT),
        Field("published", Kind.LIST, items=PUBLISHED),
        Field("cohorts", Kind.LIST, required=True, items=COHORT),
    ),
)
"""The top level of a ledger file."""
