"""The hostile-input corpus: broken and malicious ledger files, and what gmsc must say.

`CASES` is the manifest: each hostile input (a committed file under `tests/hostile/`, or
one generated at test time because it is big) with the findings `gmsc validate` and
`gmsc import` must both report, at their line and column, and the exit code of both.
`STORE_CASES` are hostile stores (not a store, another application's, damaged, a FIFO)
that `init`, `totals`, `import` and `doctor` must refuse alike, and `OUTPUT_CASES` hostile
`-o` targets (a symlink, a FIFO, a hard link, /dev/full, …) that must be written through
or refused, never replaced. `tests/test_hostile.py` runs them all in-process; running this
module runs them through the installed `gmsc` in subprocesses and prints the figures:

    .venv/bin/python tests/hostile_corpus.py
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HOSTILE = Path(__file__).resolve().parent / "hostile"

LIMIT = 129_347_072
"""The loader's size limit (gmsc_cli.format1.spec.MAX_FILE_BYTES: 2017..2999 x 514 regions
x 256 bytes): larger files are refused with `file-too-large`."""


@dataclass(frozen=True, slots=True)
class Expected:
    """A finding that must be reported: its code, line and column (None: any column)."""

    code: str
    line: int
    column: int | None

    def __str__(self) -> str:
        column = "*" if self.column is None else self.column
        return f"{self.line}:{column}: error[{self.code}]"


@dataclass(frozen=True, slots=True)
class Case:
    """One hostile input and what both `validate` and `import` must do with it."""

    name: str
    findings: tuple[Expected, ...]
    why: str
    exit_code: int = 1
    make: Callable[[], bytes] | None = field(default=None, compare=False)
    """Builds the file's bytes at test time (big or generated inputs); None: committed."""

    @property
    def accepted(self) -> bool:
        """True when the input is valid after all (a BOM): it imports and changes the store."""
        return self.exit_code == 0

    def content(self) -> bytes:
        """The bytes of the input."""
        return self.make() if self.make is not None else (HOSTILE / self.name).read_bytes()


def case(name: str, why: str, *findings: tuple[str, int, int | None], exit_code: int = 1) -> Case:
    """A committed file of tests/hostile/ and its expected findings."""
    return Case(name, tuple(Expected(*f) for f in findings), why, exit_code)


def generated(
    name: str, why: str, make: Callable[[], bytes], *findings: tuple[str, int, int | None]
) -> Case:
    """An input too big (or too silly) to commit, built at test time."""
    return Case(name, tuple(Expected(*f) for f in findings), why, 1, make)


# --- generated inputs ---------------------------------------------------------------------


def _padded(size: int) -> bytes:
    """A valid ledger followed by comment lines, `size` bytes in all."""
    head = b"version: 1\ncohorts: []\n"
    line = b"#" * 99 + b"\n"
    body = line * ((size - len(head)) // len(line))
    return head + body + b"#" * (size - len(head) - len(body))


def _long_text(key: str, length: int) -> bytes:
    return (f"version: 1\ncohorts:\n  - year: 2023\n    {key}: " + "x" * length + "\n").encode()


def _long_name() -> bytes:
    return (
        "version: 1\ncohorts:\n  - year: 2023\n    regions:\n      - name: "
        + "Kota " * 20_000
        + "\n"
    ).encode()


def _alias_flood() -> bytes:
    aliases = ", ".join(["*y"] * 10_000)
    return f"version: 1\ncohorts: [{{year: &y 2023}}, {aliases}]\n".encode()


CASES: tuple[Case, ...] = (
    # -- the file as a whole
    case("empty.yaml", "no bytes at all", ("empty-file", 1, 1)),
    case("only-comments.yaml", "comments and blank lines only", ("empty-file", 1, 1)),
    case("only-whitespace.yaml", "blank lines and spaces", ("empty-file", 1, 1)),
    case("only-document-marker.yaml", "'---' and '...' with nothing between", ("empty-file", 1, 1)),
    case("explicit-null-document.yaml", "the document is a YAML null", ("empty-file", 1, 1)),
    case("binary-garbage.yaml", "a PNG header and random bytes", ("invalid-encoding", 1, 1)),
    case("invalid-utf8.yaml", "a Latin-1 byte in a name", ("invalid-encoding", 5, 23)),
    case("utf16.yaml", "a valid ledger saved as UTF-16", ("invalid-encoding", 1, 1)),
    case("nul-byte.yaml", "a raw NUL inside a title", ("yaml-syntax", 4, 13)),
    case("bom-valid.yaml", "a UTF-8 byte-order mark is accepted", exit_code=0),
    case(
        "bom-unknown-key.yaml",
        "a BOM shifts no line or column",
        ("unknown-field", 3, 5),
        ("missing-field", 3, 5),
    ),
    case(
        "zero-width-name.yaml", "a zero-width space inside 'Kota Batu' still names it", exit_code=0
    ),
    case("tabs.yaml", "indented with a tab", ("yaml-syntax", 3, 1)),
    case("tab-in-entry.yaml", "a tab after a list dash", ("yaml-syntax", 5, 8)),
    case("unclosed-bracket.yaml", "a flow list never closed", ("yaml-syntax", 5, 1)),
    case("unclosed-brace.yaml", "a flow mapping never closed", ("yaml-syntax", 6, 1)),
    case("unclosed-quote.yaml", "a double quote never closed", ("yaml-syntax", 6, 1)),
    case("top-level-list.yaml", "the document is a list", ("wrong-type", 1, 1)),
    case("top-level-scalar.yaml", "the document is a sentence", ("wrong-type", 1, 1)),
    case("two-documents.yaml", "a second YAML document", ("yaml-syntax", 3, 1)),
    case("complex-key.yaml", "a list used as a key", ("wrong-type", 3, 3)),
    case(
        "yaml-tag-python.yaml",
        "a !!python/object tag (code execution in unsafe loaders)",
        ("wrong-type", 2, 10),
    ),
    case("yaml-tag-mismatch.yaml", "!!int on text", ("wrong-type", 4, 15)),
    case("raw-control-char.yaml", "a raw BEL in a name", ("yaml-syntax", 5, 19)),
    case("escaped-control-char.yaml", 'an escaped "\\x07" in a name', ("invalid-value", 5, 15)),
    case("escaped-nul.yaml", 'an escaped "\\0" in a title', ("invalid-value", 4, 12)),
    case("blank-name.yaml", "a name of spaces", ("invalid-value", 5, 15)),
    case(
        "bidi-override-name.yaml", "a right-to-left override in a name", ("unknown-region", 5, 15)
    ),
    # -- every key duplicated, at every level
    case(
        "duplicate-keys-top.yaml",
        "every top-level key twice",
        ("duplicate-key", 5, 1),
        ("duplicate-key", 6, 1),
        ("duplicate-key", 7, 1),
        ("duplicate-key", 8, 1),
    ),
    case(
        "duplicate-keys-published.yaml",
        "every key of a published total twice",
        ("duplicate-key", 6, 5),
        ("duplicate-key", 7, 5),
        ("duplicate-key", 8, 5),
    ),
    case(
        "duplicate-keys-cohort.yaml",
        "every key of a cohort twice",
        *(("duplicate-key", line, 5) for line in range(10, 17)),
    ),
    case(
        "duplicate-keys-entry.yaml",
        "every key of a region entry twice",
        *(("duplicate-key", line, 9) for line in range(10, 15)),
    ),
    case("duplicate-keys-flow.yaml", "a key twice in a flow mapping", ("duplicate-key", 5, 25)),
    # -- unknown keys, at every level
    case("unknown-key-top.yaml", "'verison'", ("unknown-field", 1, 1), ("missing-field", 1, 1)),
    case(
        "unknown-key-published.yaml", "'unqiue'", ("unknown-field", 4, 5), ("missing-field", 3, 5)
    ),
    case("unknown-key-cohort.yaml", "'yaer'", ("unknown-field", 3, 5), ("missing-field", 3, 5)),
    case("unknown-key-entry.yaml", "'stauts'", ("unknown-field", 6, 9)),
    case("numeric-key.yaml", "a number as a top-level key", ("unknown-field", 3, 1)),
    case("null-key.yaml", "a null as a top-level key", ("unknown-field", 3, 1)),
    case(
        "key-with-newline.yaml",
        "a quoted key holding a line break",
        ("unknown-field", 3, 5),
        ("missing-field", 3, 5),
    ),
    case(
        "lookalike-key.yaml",
        "'year' with a Cyrillic ie (U+0435)",
        ("unknown-field", 3, 5),
        ("missing-field", 3, 5),
    ),
    # -- wrong types, field by field
    case("version-string.yaml", 'version: "1"', ("wrong-type", 1, 10)),
    case("version-two.yaml", "version: 2", ("unsupported-version", 1, 10)),
    case("version-missing.yaml", "no version", ("missing-field", 1, 1)),
    case("programme-bool.yaml", "programme: yes", ("wrong-type", 2, 12)),
    case("published-mapping.yaml", "published is a mapping", ("wrong-type", 2, 12)),
    case("published-through-string.yaml", 'through: "2021"', ("wrong-type", 3, 15)),
    case("published-unique-negative.yaml", "unique: -141", ("out-of-range", 3, 29)),
    case("cohorts-null.yaml", "cohorts: (nothing)", ("wrong-type", 2, 9)),
    case("cohorts-mapping.yaml", "cohorts is a mapping", ("wrong-type", 3, 3)),
    case("cohort-scalar.yaml", "a cohort that is a number", ("wrong-type", 3, 5)),
    case("year-missing.yaml", "a cohort without a year", ("missing-field", 3, 5)),
    case("year-string.yaml", 'year: "2023"', ("wrong-type", 3, 11)),
    case("year-float.yaml", "year: 2023.5", ("wrong-type", 3, 11)),
    case("year-yes.yaml", "year: yes", ("wrong-type", 3, 11)),
    case("year-null.yaml", "year: ~", ("wrong-type", 3, 11)),
    case("year-list.yaml", "year: [2023]", ("wrong-type", 3, 11)),
    case("year-nested-list.yaml", "year: [[2023]]", ("wrong-type", 3, 11)),
    case("year-infinity.yaml", "year: .inf", ("wrong-type", 3, 11)),
    case("year-far-past.yaml", "year: 1900", ("out-of-range", 3, 11)),
    case("year-zero.yaml", "year: 0", ("out-of-range", 3, 11)),
    case("year-negative.yaml", "year: -2023", ("out-of-range", 3, 11)),
    case("year-far-future.yaml", "year: 99999", ("out-of-range", 3, 11)),
    case("year-absurd.yaml", "year: 10**60", ("out-of-range", 3, 11)),
    case("declared-string.yaml", 'declared: "48"', ("wrong-type", 4, 15)),
    case("declared-on.yaml", "declared: on", ("wrong-type", 4, 15)),
    case("declared-negative.yaml", "declared: -1", ("out-of-range", 4, 15)),
    case("declared-absurd.yaml", "declared: 10**20", ("out-of-range", 4, 15)),
    case("declared-float-overflow.yaml", "declared: 1.0e+400", ("wrong-type", 4, 15)),
    case("declared-repeats-nested-list.yaml", "declared_repeats: [[1]]", ("wrong-type", 5, 23)),
    case("declared-repeats-over.yaml", "more repeats than members", ("out-of-range", 5, 23)),
    case("title-list.yaml", "title: [a, b]", ("wrong-type", 4, 12)),
    case("mou-date-impossible.yaml", "mou_date: 2021-02-30", ("wrong-type", 4, 15)),
    case("mou-date-number.yaml", "mou_date: 20210520", ("wrong-type", 4, 15)),
    case("sources-string.yaml", "sources: a bare URL", ("wrong-type", 4, 14)),
    case("sources-nested-list.yaml", "sources: [[url]]", ("wrong-type", 4, 15)),
    case("regions-string.yaml", "regions: Kota Batu", ("wrong-type", 4, 14)),
    case("regions-mapping.yaml", "regions is a mapping", ("wrong-type", 4, 14)),
    case("entry-number.yaml", "an entry that is the number 7322", ("code-not-string", 5, 9)),
    case("entry-nested-list.yaml", "an entry that is a list", ("wrong-type", 5, 9)),
    case("entry-no-code-no-name.yaml", "an entry with only a status", ("missing-field", 5, 9)),
    case("code-float.yaml", "code: 73.10", ("code-not-string", 5, 15)),
    case("code-int.yaml", "code: 7322", ("code-not-string", 5, 15)),
    case("code-bool.yaml", "code: no", ("wrong-type", 5, 15)),
    case("code-null.yaml", "code: (nothing)", ("wrong-type", 5, 14)),
    case("code-malformed.yaml", 'code: "73.2"', ("invalid-value", 5, 15)),
    case("code-unknown.yaml", 'code: "99.99"', ("unknown-region", 5, 15)),
    case("name-number.yaml", "name: 12", ("wrong-type", 5, 15)),
    case("name-yes.yaml", "name: yes", ("wrong-type", 5, 15)),
    case("name-date.yaml", "name: 2023-01-01", ("wrong-type", 5, 15)),
    case("name-ambiguous.yaml", "Bogor", ("ambiguous-region", 5, 9)),
    case("name-unknown.yaml", "Atlantis", ("unknown-region", 5, 9)),
    case("code-name-mismatch.yaml", "73.22 named Kota Palopo", ("code-name-mismatch", 5, 31)),
    case("status-on.yaml", "status: on", ("wrong-type", 5, 33)),
    case("status-unknown.yaml", "status: maybe", ("invalid-value", 5, 33)),
    case("note-mapping.yaml", "note is a mapping", ("wrong-type", 5, 31)),
    # -- a province where a kabupaten/kota belongs
    case("province-name.yaml", "'Sulawesi Selatan' as a member", ("unknown-region", 5, 9)),
    case("province-with-prefix.yaml", "'Provinsi Jawa Barat' as a name", ("unknown-region", 5, 16)),
    case("province-short-name.yaml", "'Jatim' in a flow list", ("unknown-region", 4, 26)),
    # -- ledger-level nonsense
    case("duplicate-region.yaml", "a region by code and by name", ("duplicate-region", 4, 24)),
    case("duplicate-cohort.yaml", "a year twice", ("duplicate-cohort", 4, 11)),
    case("over-declared.yaml", "two listed, one declared", ("over-declared", 4, 15)),
    # -- anchors and aliases: refused, never expanded
    case(
        "anchor-alias.yaml",
        "an anchor and an alias",
        ("alias-not-allowed", 4, 14),
        ("alias-not-allowed", 6, 14),
    ),
    case(
        "merge-key.yaml",
        "a '<<' merge key",
        ("alias-not-allowed", 3, 5),
        ("alias-not-allowed", 4, 9),
    ),
    case(
        "billion-laughs.yaml",
        "nine levels of nine aliases (10^9 'lol's if expanded)",
        ("alias-not-allowed", 2, 4),
        ("alias-not-allowed", 11, 10),
    ),
    # -- generated at test time
    generated(
        "big-130mb.yaml",
        "a 130 MB file",
        lambda: _padded(130 * 1000 * 1000),
        ("file-too-large", 1, 1),
    ),
    generated(
        "one-byte-over.yaml",
        "the limit (123 MiB) and one byte",
        lambda: _padded(LIMIT + 1),
        ("file-too-large", 1, 1),
    ),
    generated(
        "nesting-flow-10000.yaml",
        "[[[[…]]]] 10,000 deep",
        lambda: b"[" * 10_000 + b"]" * 10_000 + b"\n",
        ("nesting-too-deep", 1, 1001),
    ),
    generated(
        "nesting-block-10000.yaml",
        "'- - - …' 10,000 deep",
        lambda: b"- " * 10_000 + b"x\n",
        ("nesting-too-deep", 1, 101),
    ),
    generated(
        "nesting-mapping-10000.yaml",
        "{a: {a: …}} 10,000 deep",
        lambda: b"version: 1\ncohorts: " + b"{a: " * 10_000 + b"1" + b"}" * 10_000 + b"\n",
        ("nesting-too-deep", 2, 206),
    ),
    generated(
        "long-title.yaml",
        "a title of 10,001 characters",
        lambda: _long_text("title", 10_001),
        ("invalid-value", 4, 12),
    ),
    generated(
        "long-name.yaml",
        "a region name of 100,000 characters",
        _long_name,
        ("invalid-value", 5, 15),
    ),
    generated(
        "alias-flood.yaml",
        "10,000 aliases of one anchor",
        _alias_flood,
        ("alias-not-allowed", 2, 18),
        ("alias-not-allowed", 2, 28),
    ),
)
"""Every hostile input, committed or generated."""


# --- hostile stores and -o targets ----------------------------------------------------------


def _sql(script: str) -> Callable[[Path], None]:
    def damage(db: Path) -> None:
        import sqlite3

        con = sqlite3.connect(db)
        con.executescript(script)
        con.commit()
        con.close()

    return damage


def _replaced(content: Callable[[], bytes]) -> Callable[[Path], None]:
    def replace(db: Path) -> None:
        db.unlink()
        db.write_bytes(content())

    return replace


def _made(make: Callable[[Path], None]) -> Callable[[Path], None]:
    def replace(db: Path) -> None:
        db.unlink()
        make(db)

    return replace


@dataclass(frozen=True, slots=True)
class StoreCase:
    """A store gmsc must refuse alike from every command: what is done to a sound store,
    the exit code of `init`, `totals`, `import` (of a valid file) and `doctor`, and what
    the messages of all four must contain (stderr, or doctor's stdout)."""

    name: str
    damage: Callable[[Path], None] = field(compare=False)
    said: str
    exits: tuple[int, int, int, int] = (3, 3, 3, 3)
    """init, totals, import, doctor."""


STORE_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("init",),
    ("totals",),
    ("import", "NEW"),
    ("doctor",),
)
DOCTOR_SAYS = "run gmsc doctor"

STORE_CASES: tuple[StoreCase, ...] = (
    StoreCase("text-file", _replaced(lambda: b"hello\n"), "is not a readable gmsc store"),
    StoreCase(
        "random-bytes",
        _replaced(lambda: bytes(range(256)) * 16),
        "is not a readable gmsc store",
    ),
    StoreCase(
        "other-application",
        _made(_sql("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")),
        "holds tables that are not gmsc's",
    ),
    StoreCase(
        "no-tables",
        _made(_sql("PRAGMA user_version = 7")),
        "no gmsc tables",
        exits=(0, 3, 3, 1),
    ),
    StoreCase(
        "newer-schema",
        _sql("UPDATE gmsc_meta SET value = '99' WHERE key = 'schema_version'"),
        "was written by a newer gmsc",
    ),
    StoreCase("dropped-entry-table", _sql("DROP TABLE entry"), "entry", exits=(3, 3, 3, 1)),
    StoreCase(
        "dropped-receipts", _sql("DROP TABLE import_receipt"), "import_receipt", exits=(3, 0, 3, 1)
    ),
    StoreCase(
        "dropped-column",
        _sql("ALTER TABLE entry DROP COLUMN note"),
        "table entry has no column note",
        exits=(3, 3, 3, 1),
    ),
    StoreCase(
        "declared-not-a-number",
        _sql("UPDATE cohort SET declared = 'lots'"),
        "declared is 'lots'",
        exits=(3, 3, 3, 1),
    ),
    StoreCase(
        "bogus-status",
        _sql("UPDATE entry SET status = 'maybe'"),
        "status is 'maybe'",
        exits=(3, 3, 3, 1),
    ),
    StoreCase(
        "sources-not-json",
        _sql("UPDATE entry SET sources = '[unclosed'"),
        "not a JSON list of texts",
        exits=(3, 3, 3, 1),
    ),
    StoreCase("fifo", _made(lambda db: os.mkfifo(db)), "is a FIFO, not a file"),
    StoreCase("directory", _made(lambda db: db.mkdir()), "is a directory, not a file"),
)
"""Every hostile store: refused by every command with exit 3 (or, for doctor, named with
exit 1 when the store opens), the file untouched."""


@dataclass(frozen=True, slots=True)
class OutputCase:
    """An `-o` target: what is there before, the exit code of `gmsc repeats -o TARGET`, and
    what must hold after (given the target)."""

    name: str
    prepare: Callable[[Path], str] = field(compare=False)
    """Makes the target in a directory; returns the `-o` value."""
    exit_code: int
    holds: Callable[[Path], bool] = field(compare=False)
    root_only: bool = False


def _in(directory: Path, name: str, text: str | None = None, mode: int | None = None) -> Path:
    path = directory / name
    if text is not None:
        path.write_text(text)
    if mode is not None:
        path.chmod(mode)
    return path


def _symlink(directory: Path) -> str:
    target = _in(directory, "target.csv", "old\n")
    (directory / "link.csv").symlink_to(target)
    return str(directory / "link.csv")


def _hard_link(directory: Path) -> str:
    first = _in(directory, "first.csv", "old\n")
    os.link(first, directory / "second.csv")
    return str(first)


def _fifo(directory: Path) -> str:
    import threading

    fifo = directory / "pipe.csv"
    os.mkfifo(fifo)
    threading.Thread(
        target=lambda: (directory / "read.csv").write_bytes(fifo.read_bytes()), daemon=True
    ).start()
    return str(fifo)


def _dev_full(directory: Path) -> str:
    if not stat.S_ISCHR(os.stat("/dev/full").st_mode):
        raise RuntimeError("/dev/full is not the device; restore it (mknod -m 666 /dev/full c 1 7)")
    return "/dev/full"


OUTPUT_CASES: tuple[OutputCase, ...] = (
    OutputCase(
        "symlink",
        _symlink,
        0,
        lambda d: (d / "link.csv").is_symlink() and (d / "target.csv").read_text() != "old\n",
    ),
    OutputCase(
        "mode-600",
        lambda d: str(_in(d, "private.csv", "old\n", 0o600)),
        0,
        lambda d: (d / "private.csv").stat().st_mode & 0o777 == 0o600,
    ),
    OutputCase(
        "hard-link",
        _hard_link,
        0,
        lambda d: (d / "second.csv").read_text().startswith("code,"),
    ),
    OutputCase("fifo", _fifo, 0, lambda d: stat.S_ISFIFO((d / "pipe.csv").lstat().st_mode)),
    OutputCase("directory", lambda d: str(d), 3, lambda d: d.is_dir()),
    OutputCase("empty-name", lambda d: "", 2, lambda d: True),
    OutputCase("ods", lambda d: str(d / "t.ods"), 2, lambda d: not (d / "t.ods").exists()),
    OutputCase("html", lambda d: str(d / "t.html"), 2, lambda d: not (d / "t.html").exists()),
    OutputCase("tsv", lambda d: str(d / "t.tsv"), 2, lambda d: not (d / "t.tsv").exists()),
    OutputCase(
        "dev-full",
        _dev_full,
        3,
        lambda d: stat.S_ISCHR(os.stat("/dev/full").st_mode),
        root_only=True,
    ),
)
"""Every hostile `-o` target: written through or refused, never replaced by a plain file."""


def hostile_count() -> int:
    """How many hostile inputs the corpus holds: files, stores and -o targets."""
    return len(CASES) + len(STORE_CASES) + len(OUTPUT_CASES)


# --- the corpus through the installed gmsc ------------------------------------------------


@dataclass(slots=True)
class Tally:
    """What the corpus did."""

    tried: int = 0
    clean: int = 0
    exit_codes: set[int] = field(default_factory=set)
    tracebacks: int = 0
    failures: list[str] = field(default_factory=list)


def _gmsc() -> list[str]:
    """The installed console script, next to this interpreter if it is there."""
    beside = Path(sys.executable).with_name("gmsc")
    found = str(beside) if beside.exists() else shutil.which("gmsc")
    if found is None:
        raise SystemExit("gmsc is not installed")
    return [found]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _reports(expected: Expected, path: str, findings: list[dict[str, object]]) -> bool:
    return any(
        f["code"] == expected.code
        and f["line"] == expected.line
        and (expected.column is None or f["column"] == expected.column)
        and f["file"] == path
        for f in findings
    )


def run_corpus(cases: tuple[Case, ...] = CASES) -> Tally:
    """Run every case through `gmsc validate --format json` and `gmsc import` as
    subprocesses, against a fresh empty store per case, and count the outcomes."""
    gmsc = _gmsc()
    tally = Tally()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        template = work / "template.db"
        subprocess.run(
            [*gmsc, "--db", str(template), "init", "--empty"], check=True, capture_output=True
        )
        for item in cases:
            tally.tried += 1
            source = work / item.name
            source.write_bytes(item.content())
            store = work / "store.db"
            shutil.copyfile(template, store)
            before = _sha256(store)
            base = [*gmsc, "--db", str(store)]
            checked = subprocess.run(
                [*base, "validate", "--format", "json", str(source)], capture_output=True, text=True
            )
            imported = subprocess.run(
                [*base, "import", str(source)], capture_output=True, text=True
            )
            problems = []
            for what, done in (("validate", checked), ("import", imported)):
                tally.exit_codes.add(done.returncode)
                if "Traceback" in done.stdout + done.stderr:
                    tally.tracebacks += 1
                    problems.append(f"{what}: traceback")
                if done.returncode != item.exit_code:
                    problems.append(f"{what}: exit {done.returncode}, not {item.exit_code}")
            try:
                findings = json.loads(checked.stdout)["findings"]
            except (ValueError, KeyError):
                findings = []
                problems.append("validate: no JSON report")
            for expected in item.findings:
                if not _reports(expected, str(source), findings):
                    problems.append(f"validate: {expected} not reported")
                text = f"{source}:{expected}".replace(":*:", ":")
                if expected.column is not None and text not in imported.stderr:
                    problems.append(f"import: {expected} not reported")
            if not item.accepted and _sha256(store) != before:
                problems.append("import: the store changed")
            source.unlink()
            if problems:
                tally.failures.append(f"{item.name}: " + "; ".join(problems))
            else:
                tally.clean += 1
    return tally


Invoke = Callable[[list[str]], tuple[int, str, str]]
"""Runs `gmsc ARGS`: (exit code, stdout, stderr)."""

VALID_FILE = "version: 1\ncohorts:\n  - year: 2999\n    regions: [Kota Batu]\n"


def check_store(item: StoreCase, work: Path, sound: Path, invoke: Invoke) -> list[str]:
    """Run the four commands on a copy of `sound` damaged as `item` says; the problems."""
    problems = []
    new = work / "new.yaml"
    new.write_text(VALID_FILE)
    for command, expected in zip(STORE_COMMANDS, item.exits, strict=True):
        db = work / "store.db"
        if db.is_dir():
            db.rmdir()
        elif db.exists() or db.is_symlink():
            db.unlink()
        shutil.copyfile(sound, db)
        item.damage(db)
        before = _sha256(db) if db.is_file() else None
        args = ["--db", str(db), *(str(new) if a == "NEW" else a for a in command)]
        code, out, err = invoke(args)
        what = " ".join(command)
        if code != expected:
            problems.append(f"{what}: exit {code}, not {expected}")
        if "Traceback" in out + err:
            problems.append(f"{what}: traceback")
        if code not in (0,) and item.said not in out + err:
            problems.append(f"{what}: does not say {item.said!r}")
        if code == 3 and "damaged" in err and DOCTOR_SAYS not in err:
            problems.append(f"{what}: does not point at gmsc doctor")
        if code != 0 and before is not None and db.is_file() and _sha256(db) != before:
            problems.append(f"{what}: the store changed")
    return problems


def check_output(item: OutputCase, work: Path, invoke: Invoke) -> list[str]:
    """Run `gmsc repeats -o TARGET` for `item` in `work`; the problems."""
    target = item.prepare(work)
    code, out, err = invoke(["repeats", "-o", target])
    problems = []
    if code != item.exit_code:
        problems.append(f"exit {code}, not {item.exit_code}")
    if "Traceback" in out + err:
        problems.append("traceback")
    import time

    time.sleep(0.05 if item.name == "fifo" else 0)  # the FIFO's reader finishes
    if not item.holds(work):
        problems.append("the target is not as it should be")
    return problems


def _subprocess_invoke(gmsc: list[str], env: dict[str, str]) -> Invoke:
    def invoke(args: list[str]) -> tuple[int, str, str]:
        done = subprocess.run([*gmsc, *args], capture_output=True, text=True, env=env)
        return done.returncode, done.stdout, done.stderr

    return invoke


def run_stores_and_outputs() -> Tally:
    """Every hostile store and -o target through the installed gmsc."""
    gmsc = _gmsc()
    tally = Tally()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sound = work / "sound.db"
        env = {**os.environ, "GMSC_DB": str(work / "default.db"), "NO_COLOR": "1"}
        invoke = _subprocess_invoke(gmsc, env)
        code, _out, err = invoke(["--db", str(sound), "init"])
        assert code == 0, err
        for store_case in STORE_CASES:
            tally.tried += 1
            place = work / store_case.name
            place.mkdir()
            problems = check_store(store_case, place, sound, invoke)
            _tally(tally, f"store {store_case.name}", problems)
        for output_case in OUTPUT_CASES:
            if output_case.root_only and os.geteuid() != 0:
                continue
            tally.tried += 1
            place = work / f"out-{output_case.name}"
            place.mkdir()
            _tally(tally, f"-o {output_case.name}", check_output(output_case, place, invoke))
    return tally


def _tally(tally: Tally, name: str, problems: list[str]) -> None:
    if problems:
        tally.failures.append(f"{name}: " + "; ".join(problems))
    else:
        tally.clean += 1


def main() -> None:
    """Print the figures: inputs tried, clean findings, exit codes seen, tracebacks."""
    tally = run_corpus()
    accepted = sum(1 for c in CASES if c.accepted)
    print(f"hostile inputs tried: {tally.tried} ({accepted} of them valid after all: accepted)")
    print(f"clean findings:       {tally.clean} (expected findings at their line and column,")
    print("                      expected exit codes, store unchanged, no traceback)")
    print(f"exit codes seen:      {sorted(tally.exit_codes)}")
    print(f"tracebacks:           {tally.tracebacks}")
    for failure in tally.failures:
        print(f"NOT CLEAN  {failure}")
    others = run_stores_and_outputs()
    print(f"hostile stores and -o targets tried: {others.tried} (clean: {others.clean})")
    print(f"hostile inputs in all: {tally.tried + others.tried} of {hostile_count()} in the corpus")
    for failure in others.failures:
        print(f"NOT CLEAN  {failure}")


if __name__ == "__main__":
    main()
