"""Strict loading of format-1 ledger files: YAML with positions → the input model.

PyYAML's constructor keeps no positions and its composer expands nothing but costs a
Python object per event twice over; instead the libyaml event stream (C, when PyYAML
has it) is folded here into a small tree of `Scalar`, `Mapping` and `Sequence` nodes,
each with its line and column. Anchors and aliases are refused at the event level, so a
"billion laughs" file is never expanded. Every problem becomes a finding; nothing is
raised for bad input, so one run reports everything at once.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import gc
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import yaml

from gmsc_cli.domain.findings import Findings, Pos
from gmsc_cli.domain.model import STATUSES, Cohort, Entry, Ledger, Published
from gmsc_cli.domain.regions import Reference, Region, Resolution, reference

FORMAT_VERSION = 1
MAX_FILE_BYTES = 20 * 1024 * 1024
"""Larger files are refused with `file-too-large` (a 100,000-membership ledger is ~5 MB)."""
MAX_DEPTH = 50
"""Format 1 nests five levels deep; far deeper nesting is refused, not walked."""
MAX_REFUSED_ALIASES = 1_000
"""After this many aliases a file is no longer read: each is an error already, and a
file of nothing but aliases would otherwise make millions of findings."""
MAX_TEXT = 10_000
"""The longest text value accepted (a note, a source URL)."""
FIRST_YEAR, LAST_YEAR = 2017, 2999
"""The programme began in 2017; later years up to 2999 are accepted for planning files."""

TOP_KEYS = ("version", "programme", "published", "cohorts")
PUBLISHED_KEYS = ("through", "unique", "source")
COHORT_KEYS = ("year", "declared", "declared_repeats", "title", "mou_date", "sources", "regions")
ENTRY_KEYS = ("code", "name", "status", "sources", "note")

ALIAS_RAW = "\x00alias"
"""The text of the null placeholder that stands for a refused alias (already reported)."""
_CODE = re.compile(r"\d{2}\.\d{2}")
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Control characters, line separators, and the invisible and direction-changing marks
# that would make a message read differently from the file.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()
_STR = "tag:yaml.org,2002:str"
_SCALAR_TAGS = {
    "tag:yaml.org,2002:null": _constructor.construct_yaml_null,
    "tag:yaml.org,2002:bool": _constructor.construct_yaml_bool,
    "tag:yaml.org,2002:int": _constructor.construct_yaml_int,
    "tag:yaml.org,2002:float": _constructor.construct_yaml_float,
    "tag:yaml.org,2002:timestamp": _constructor.construct_yaml_timestamp,
}
_CONTAINER_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


# --- the tree -------------------------------------------------------------------------


class _Located:
    """A node that knows where it stands: libyaml's 0-based mark (or a Pos already made),
    turned into a `Pos` only when one is asked for. Making a position for every node up
    front cost a fifth of loading a large ledger; only entries and findings need one."""

    __slots__ = ()
    where: Any
    file: str

    @property
    def pos(self) -> Pos:
        """Where the node stands (1-based line and column)."""
        where = self.where
        return where if isinstance(where, Pos) else Pos(self.file, where.line + 1, where.column + 1)


@dataclass(slots=True)
class Scalar(_Located):
    """A scalar with its YAML-typed value and the text as written."""

    value: object
    raw: str
    where: Any
    file: str = ""


@dataclass(slots=True)
class Mapping(_Located):
    """A mapping; keys are kept as written, the first of duplicated keys wins."""

    where: Any
    file: str = ""
    items: dict[str, tuple[Scalar, Node]] = field(default_factory=dict)


@dataclass(slots=True)
class Sequence(_Located):
    """A sequence of nodes."""

    where: Any
    file: str = ""
    items: list[Node] = field(default_factory=list)


@dataclass(slots=True)
class Converted:
    """A cohort already turned into its model value while the file was being read."""

    value: object
    pos: Pos


Node = Scalar | Mapping | Sequence | Converted


def _construct(tag: str, raw: str) -> object:
    """The value of `raw` under a scalar tag; ValueError when the text does not fit the tag.

    PyYAML's constructors raise assorted exceptions for such text ("2021-02-30",
    "!!int abc", "!!bool maybe"); they must become findings, not crashes.
    """
    try:
        return _SCALAR_TAGS[tag](yaml.ScalarNode(tag, raw))
    except (ValueError, TypeError, LookupError, AttributeError, ArithmeticError) as exc:
        raise ValueError(raw) from exc


def _shown(text: str) -> str:
    """Text from the file as quoted in a message: one line, control characters escaped.

    A finding is one line of `path:line:col: severity[code] message`; a key or name
    holding a line break must not split it.
    """
    return _UNPRINTABLE.sub(lambda m: repr(m[0])[1:-1], text)


def _plain_value(raw: str, plain_cache: dict[str, object]) -> object:
    """The value of a plain (unquoted) scalar under YAML 1.1's implicit typing."""
    try:
        return plain_cache[raw]
    except KeyError:
        pass
    tag = _resolver.resolve(yaml.ScalarNode, raw, (True, False))  # type: ignore[no-untyped-call]
    value: object = raw
    if tag in _SCALAR_TAGS:
        # Text that looks like a date or number but is none ("2021-02-30") stays text.
        with contextlib.suppress(ValueError):
            value = _construct(tag, raw)
    if len(plain_cache) < 100_000:
        plain_cache[raw] = value
    return value


def compose(
    name: str,
    text: str,
    findings: Findings,
    on_cohort: Callable[[Node], object] | None = None,
) -> Node | None:
    """Fold the YAML event stream of `text` into a positioned tree, or None if unusable.

    With `on_cohort`, each item of the top-level `cohorts` list is handed to it as soon as
    it is complete and only its result is kept (as a `Converted` node): a large ledger is
    then never held as a whole tree, only one cohort's at a time.
    """
    stack: list[Mapping | Sequence] = []
    pending_key: list[Scalar | None] = []
    root: Node | None = None
    documents = 0
    refused = 0
    plain_cache: dict[str, object] = {}

    def at(mark: Any) -> Pos:
        return Pos(name, mark.line + 1, mark.column + 1)

    def in_cohorts_list() -> bool:
        """True when the open sequence is the (first) value of the top-level `cohorts`."""
        if len(stack) != 2 or not isinstance(stack[1], Sequence):
            return False
        top, key = stack[0], pending_key[0]
        return (
            isinstance(top, Mapping)
            and key is not None
            and key.raw == "cohorts"
            and "cohorts" not in top.items
        )

    def place(node: Node) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        parent = stack[-1]
        if isinstance(parent, Sequence):
            if on_cohort is not None and in_cohorts_list():
                parent.items.append(Converted(on_cohort(node), node.pos))
            else:
                parent.items.append(node)
            return
        key = pending_key[-1]
        if key is None:
            pending_key[-1] = _as_key(node, findings)
            return
        pending_key[-1] = None
        if key.raw in parent.items:
            first = parent.items[key.raw][0].pos
            findings.error(
                "duplicate-key",
                key.pos,
                f"key '{_shown(key.raw)}' appears twice in this mapping",
                f"the first is at line {first.line}; keep one",
            )
        else:
            parent.items[key.raw] = (key, node)

    def too_deep(pos: Pos) -> None:
        findings.error(
            "nesting-too-deep",
            pos,
            f"the data nests more than {MAX_DEPTH} levels deep",
            "a ledger nests five levels at most: cohorts, a cohort, regions, an entry, sources",
        )

    def refuse_anchor(event: Any) -> None:
        if getattr(event, "anchor", None) is not None:
            findings.error(
                "alias-not-allowed",
                at(event.start_mark),
                f"anchor '&{event.anchor}' is not allowed in a ledger file",
                "write each value out in full",
            )

    def refuse_tag(event: Any, allowed: Iterable[str]) -> bool:
        tag = getattr(event, "tag", None)
        if tag is None or tag == "!" or tag in allowed:
            return False
        findings.error(
            "wrong-type",
            at(event.start_mark),
            f"YAML tag '{tag}' is not allowed in a ledger file",
            "remove the tag",
        )
        return True

    event: Any
    try:
        for event in yaml.parse(text, Loader=_Loader):
            kind = type(event)
            if kind is yaml.ScalarEvent:
                if event.anchor is not None:
                    refuse_anchor(event)
                mark = event.start_mark
                tag = event.tag
                if tag is None:
                    # The common case: no tag, typed by YAML 1.1's implicit rules if plain.
                    raw = event.value
                    value: object = _plain_value(raw, plain_cache) if event.implicit[0] else raw
                    place(Scalar(value, raw, mark, name))
                    continue
                if refuse_tag(event, (_STR, *_SCALAR_TAGS)):
                    value = None
                elif event.tag in _SCALAR_TAGS:
                    try:
                        value = _construct(event.tag, event.value)
                    except ValueError:
                        value = None
                        findings.error(
                            "wrong-type",
                            at(mark),
                            f"'{_shown(event.value)}' does not fit its YAML tag '{event.tag}'",
                            "remove the tag",
                        )
                else:
                    value = event.value
                place(Scalar(value, event.value, mark, name))
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.anchor is not None:
                    refuse_anchor(event)
                if event.tag is not None:
                    refuse_tag(event, _CONTAINER_TAGS)
                mark = event.start_mark
                if len(stack) >= MAX_DEPTH:
                    too_deep(at(mark))
                    return None
                opened = (
                    Mapping(mark, name) if kind is yaml.MappingStartEvent else Sequence(mark, name)
                )
                stack.append(opened)
                pending_key.append(None)
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                pending_key.pop()
                place(stack.pop())
            elif kind is yaml.AliasEvent:
                refused += 1
                if refused > MAX_REFUSED_ALIASES:
                    findings.error(
                        "alias-not-allowed",
                        at(event.start_mark),
                        f"more than {MAX_REFUSED_ALIASES} aliases: the rest of the file "
                        "was not read",
                        "write each value out in full",
                    )
                    return None
                findings.error(
                    "alias-not-allowed",
                    at(event.start_mark),
                    f"alias '*{event.anchor}' is not allowed in a ledger file",
                    "write each value out in full",
                )
                place(Scalar(None, ALIAS_RAW, event.start_mark, name))
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    findings.error(
                        "yaml-syntax",
                        at(event.start_mark),
                        "a ledger file holds one YAML document; this is a second one",
                        "split the documents into separate files, or remove the '---'",
                    )
                    return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = at(mark) if mark is not None else Pos(name, 1, 1)
        problem = exc.problem or exc.context or "the YAML cannot be read"
        if "maximum nesting depth" in problem:  # libyaml's own limit, met while scanning
            too_deep(pos)
            return None
        lines = text.splitlines()
        line = lines[pos.line - 1] if 0 < pos.line <= len(lines) else ""
        findings.error("yaml-syntax", pos, f"YAML syntax: {problem}", _syntax_hint(problem, line))
        return None
    except yaml.reader.ReaderError as exc:
        # A character YAML refuses (a NUL, U+FFFE): libyaml counts its position in UTF-8
        # bytes, PyYAML's own reader in characters.
        offset = exc.position
        if _Loader is not yaml.SafeLoader:
            offset = len(text.encode("utf-8")[:offset].decode("utf-8", "ignore"))
        before = text[:offset]
        pos = Pos(name, before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1)
        problem = f"unacceptable character #x{exc.character:04x}: {exc.reason}"
        findings.error("yaml-syntax", pos, f"YAML syntax: {problem}", _syntax_hint(problem, ""))
        return None
    except yaml.YAMLError as exc:
        findings.error("yaml-syntax", Pos(name, 1, 1), f"YAML syntax: {_shown(str(exc))}")
        return None
    return root


def _syntax_hint(problem: str, line: str) -> str | None:
    """A hint for the YAML errors maintainers make most (`line` is where it happened)."""
    if re.search(r"\btabs?\b", problem) or "\t" in line:  # not the "tab" of "unacceptable"
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return "check the indentation, or quote a value that contains ': '"
    if "expected" in problem or "could not find" in problem:
        return "check the indentation and that every bracket and quote is closed"
    if "special characters" in problem or "unacceptable character" in problem:
        return "remove control characters, or write them as escapes in double quotes"
    return None


def _as_key(node: Node, findings: Findings) -> Scalar:
    """A mapping key as text; a list or mapping used as a key is an error."""
    if isinstance(node, Scalar):
        return node
    findings.error("wrong-type", node.pos, "a key must be plain text, not a list or mapping")
    return Scalar(None, f"<complex key at {node.pos.line}:{node.pos.column}>", node.pos)


# --- decoding ---------------------------------------------------------------------------


def decode(name: str, data: bytes, findings: Findings) -> str | None:
    """The text of a file, or None (with a finding) when it is too large or not UTF-8."""
    if len(data) > MAX_FILE_BYTES:
        findings.error(
            "file-too-large",
            Pos(name, 1, 1),
            f"the file has {len(data):,} bytes; a ledger file may have at most {MAX_FILE_BYTES:,}",
            "split the ledger into several files (files given together form one ledger)",
        )
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        findings.error(
            "invalid-encoding",
            Pos(name, line, column),
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            "save the file as UTF-8",
        )
        return None


# --- tree → model -----------------------------------------------------------------------


def _is_number(node: Scalar) -> bool:
    """True when YAML read the scalar as a number (not a boolean, which is an int too)."""
    return isinstance(node.value, int | float) and not isinstance(node.value, bool)


def _describe(node: Node) -> str:
    """What a value is, in a maintainer's words, for wrong-type messages."""
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    if isinstance(node, Converted):
        return "a cohort"
    value = node.value
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"the boolean {node.raw!r} (YAML reads yes/no/on/off/true/false as booleans)"
    if isinstance(value, int | float):
        return f"the number {_shown(node.raw)}"
    if isinstance(value, datetime | date):
        return f"the date {_shown(node.raw)}"
    return f"the text {node.raw!r}"


class _Reader:
    """Turns one file's tree into model values, recording a finding for each problem."""

    def __init__(self, name: str, findings: Findings, regions: Reference) -> None:
        self.name = name
        self.findings = findings
        self.regions = regions
        # A large ledger names the same few hundred regions over and over.
        self._resolved: dict[str, Resolution] = {}
        self._fits: dict[tuple[str, str], bool] = {}

    def resolve(self, text: str) -> Resolution:
        """The reference's resolution of `text`, remembered for this file."""
        found = self._resolved.get(text)
        if found is None:
            found = self._resolved[text] = self.regions.resolve(text)
        return found

    def name_fits(self, region: Region, name: str) -> bool:
        """Whether `name` fits `region` (see Reference.name_fits), remembered for this file."""
        key = (region.code, name)
        fits = self._fits.get(key)
        if fits is None:
            fits = self._fits[key] = self.regions.name_fits(region, name)
        return fits

    def fields(self, node: Mapping, allowed: tuple[str, ...], what: str) -> dict[str, Node]:
        """The known keys of a mapping; each unknown key is a finding with a suggestion."""
        known: dict[str, Node] = {}
        for raw, (key, value) in node.items.items():
            if isinstance(key.value, str) and key.value in allowed:
                known[key.value] = value
                continue
            close = difflib.get_close_matches(raw, allowed, n=1, cutoff=0.5)
            hint = f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(allowed)}"
            message = f"unknown key '{_shown(raw)}' in {what}"
            self.findings.error("unknown-field", key.pos, message, hint)
        return known

    def require(self, present: dict[str, Node], key: str, node: Mapping, what: str) -> bool:
        """True when `key` was written; otherwise a missing-field finding."""
        if key in present:
            return True
        self.findings.error("missing-field", node.pos, f"{what} has no '{key}'", f"add '{key}:'")
        return False

    def wrong_type(self, node: Node, what: str, expected: str, hint: str | None = None) -> None:
        """Record that `node` is not of the expected type (a refused alias is reported already)."""
        if isinstance(node, Scalar) and node.raw is ALIAS_RAW:
            return
        self.findings.error(
            "wrong-type", node.pos, f"{what} must be {expected}, not {_describe(node)}", hint
        )

    def integer(self, node: Node, what: str, low: int, high: int) -> int | None:
        """A whole number within [low, high]."""
        if (
            not isinstance(node, Scalar)
            or isinstance(node.value, bool)
            or not isinstance(node.value, int)
        ):
            hint = None
            if isinstance(node, Scalar) and isinstance(node.value, str):
                hint = "write the number without quotes" if node.raw.strip().isdigit() else None
            self.wrong_type(node, what, "a whole number", hint)
            return None
        if not _DECIMAL.fullmatch(node.raw):
            # YAML 1.1 reads 0x7E7, 1:30 and 010 as numbers (2023, 90, 8): never what a
            # maintainer meant by a year or a count.
            self.findings.error(
                "invalid-value",
                node.pos,
                f"{what} is written {_shown(node.raw)!r}, which YAML reads as {node.value}",
                "write whole numbers in plain decimal digits, without leading zeros",
            )
            return None
        if not low <= node.value <= high:
            self.findings.error(
                "out-of-range",
                node.pos,
                f"{what} is {node.value}, outside {low}..{high}",
            )
            return None
        return node.value

    def text(self, node: Node, what: str) -> str | None:
        """A text value without control characters, of a sane length."""
        if not isinstance(node, Scalar) or not isinstance(node.value, str):
            hint = "put it in quotes" if isinstance(node, Scalar) and node.raw else None
            self.wrong_type(node, what, "text", hint)
            return None
        value = node.value
        if _CONTROL.search(value):
            self.findings.error(
                "invalid-value",
                node.pos,
                f"{what} contains control characters",
                "remove them",
            )
            return None
        if len(value) > MAX_TEXT:
            self.findings.error(
                "invalid-value",
                node.pos,
                f"{what} is {len(value):,} characters long; at most {MAX_TEXT:,} are allowed",
            )
            return None
        if not value.strip():
            self.findings.error("invalid-value", node.pos, f"{what} is blank")
            return None
        return value

    def texts(self, node: Node, what: str) -> tuple[str, ...]:
        """A list of texts (such as sources)."""
        if not isinstance(node, Sequence):
            hint = None
            if isinstance(node, Scalar) and isinstance(node.value, str):
                hint = f'write it as a list: ["{_shown(node.raw)}"]'
            self.wrong_type(node, what, "a list of texts", hint)
            return ()
        values = (self.text(item, f"each of {what}") for item in node.items)
        return tuple(v for v in values if v is not None)

    def day(self, node: Node, what: str) -> date | None:
        """A calendar date, written as YYYY-MM-DD (bare or quoted)."""
        if isinstance(node, Scalar):
            value = node.value
            if isinstance(value, date) and not isinstance(value, datetime):
                return value
            if isinstance(value, str):
                try:
                    return date.fromisoformat(value)
                except ValueError:
                    pass
        self.wrong_type(node, what, "a date written as YYYY-MM-DD")
        return None

    # -- the document levels --

    def ledger(self, root: Node | None) -> Ledger:
        """The whole file."""
        if root is None or (isinstance(root, Scalar) and root.value is None):
            self.findings.error(
                "empty-file",
                Pos(self.name, 1, 1),
                "the file holds no ledger (it is empty or only comments)",
                "start it with 'version: 1' and a 'cohorts:' list",
            )
            return Ledger()
        if not isinstance(root, Mapping):
            self.wrong_type(
                root,
                "the top level",
                "a mapping with 'version' and 'cohorts'",
                "see the data format in the README",
            )
            return Ledger()
        top = self.fields(root, TOP_KEYS, "the ledger")
        if self.require(top, "version", root, "the ledger"):
            version = self.integer(top["version"], "version", 0, 10**6)
            if version is not None and version != FORMAT_VERSION:
                self.findings.error(
                    "unsupported-version",
                    top["version"].pos,
                    f"format version {version} is not one this gmsc reads",
                    f"this gmsc reads format {FORMAT_VERSION}; upgrade gmsc",
                )
        programme = self.text(top["programme"], "programme") if "programme" in top else None
        published: list[Published] = []
        if "published" in top:
            published = self.published(top["published"])
        cohorts: list[Cohort] = []
        if self.require(top, "cohorts", root, "the ledger"):
            node = top["cohorts"]
            if isinstance(node, Sequence):
                for item in node.items:
                    cohort = item.value if isinstance(item, Converted) else self.cohort(item)
                    if isinstance(cohort, Cohort):
                        cohorts.append(cohort)
            else:
                self.wrong_type(node, "cohorts", "a list of cohorts")
        return Ledger(programme, tuple(published), tuple(cohorts))

    def published(self, node: Node) -> list[Published]:
        """The official running totals."""
        if not isinstance(node, Sequence):
            self.wrong_type(node, "published", "a list of {through, unique, source}")
            return []
        totals = []
        for item in node.items:
            if not isinstance(item, Mapping):
                self.wrong_type(item, "a published total", "a mapping {through, unique, source}")
                continue
            keys = self.fields(item, PUBLISHED_KEYS, "a published total")
            through = unique = None
            if self.require(keys, "through", item, "a published total"):
                through = self.integer(keys["through"], "through", FIRST_YEAR, LAST_YEAR)
            if self.require(keys, "unique", item, "a published total"):
                unique = self.integer(keys["unique"], "unique", 0, 100_000)
            source = self.text(keys["source"], "source") if "source" in keys else None
            if through is not None and unique is not None:
                pos = keys["unique"].pos
                totals.append(Published(through, unique, source, pos))
        return totals

    def cohort(self, node: Node) -> Cohort | None:
        """One cohort; None when its year is unusable (its entries are still checked)."""
        if not isinstance(node, Mapping):
            self.wrong_type(node, "a cohort", "a mapping with 'year' and 'regions'")
            return None
        keys = self.fields(node, COHORT_KEYS, "a cohort")
        year = declared = None
        if self.require(keys, "year", node, "a cohort"):
            year = self.integer(keys["year"], "year", FIRST_YEAR, LAST_YEAR)
        if "declared" in keys:
            declared = self.integer(keys["declared"], "declared", 0, len(self.regions.regions))
        repeats = 0
        if "declared_repeats" in keys:
            high = declared if declared is not None else len(self.regions.regions)
            repeats = self.integer(keys["declared_repeats"], "declared_repeats", 0, high) or 0
        title = self.text(keys["title"], "title") if "title" in keys else None
        mou_date = self.day(keys["mou_date"], "mou_date") if "mou_date" in keys else None
        sources = self.texts(keys["sources"], "sources") if "sources" in keys else ()
        entries: list[Entry] = []
        if "regions" in keys:
            regions = keys["regions"]
            if isinstance(regions, Sequence):
                for item in regions.items:
                    entry = self.entry(item)
                    if entry is not None:
                        entries.append(entry)
            elif not (isinstance(regions, Scalar) and regions.value is None):
                self.wrong_type(regions, "regions", "a list of regions")
        if year is None:
            return None
        field_pos = {key: value.pos for key, value in keys.items()}
        return Cohort(
            year=year,
            declared=declared,
            declared_repeats=repeats,
            title=title,
            mou_date=mou_date,
            sources=sources,
            entries=tuple(entries),
            pos=node.pos,
            field_pos=field_pos,
        )

    def entry(self, node: Node) -> Entry | None:
        """One named member: a name or code, or a mapping with code/name/status/..."""
        if isinstance(node, Scalar):
            if _is_number(node):
                self.code_not_string(node)
                return None
            text = self.text(node, "a region")
            named = self.region(node, text) if text is not None else None
            return Entry(named.code, named.name, pos=node.pos) if named else None
        if not isinstance(node, Mapping):
            self.wrong_type(node, "a region", "a name, a code or a mapping with 'code'/'name'")
            return None
        keys = self.fields(node, ENTRY_KEYS, "a region entry")
        region: Region | None = None
        if "code" in keys:
            code_node = keys["code"]
            if isinstance(code_node, Scalar) and _is_number(code_node):
                self.code_not_string(code_node)
            else:
                code = self.text(code_node, "code")
                if code is not None:
                    region = self.region(code_node, code, expect_code=True)
        if "name" in keys:
            name = self.text(keys["name"], "name")
            if name is not None:
                if "code" not in keys:
                    region = self.region(keys["name"], name)
                elif region is not None and not self.name_fits(region, name):
                    other = self.resolve(name).region
                    said = f"{other.name} ({other.code})" if other else f"'{_shown(name)}'"
                    self.findings.error(
                        "code-name-mismatch",
                        keys["name"].pos,
                        f"code {region.code} is {region.name}, but the name says {said}",
                        "correct the code or the name",
                    )
                    region = None
        elif "code" not in keys:
            self.findings.error(
                "missing-field",
                node.pos,
                "a region entry needs a 'code' or a 'name'",
                "add 'code: \"NN.NN\"' (the Kemendagri code) or 'name:'",
            )
        status = "confirmed"
        if "status" in keys:
            written = self.text(keys["status"], "status")
            if written is not None and written not in STATUSES:
                close = difflib.get_close_matches(written, STATUSES, n=1, cutoff=0.5)
                self.findings.error(
                    "invalid-value",
                    keys["status"].pos,
                    f"status '{_shown(written)}' is not one of {', '.join(STATUSES)}",
                    f"did you mean '{close[0]}'?" if close else None,
                )
                region = None
            elif written is not None:
                status = written
        sources = self.texts(keys["sources"], "sources") if "sources" in keys else ()
        note = self.text(keys["note"], "note") if "note" in keys else None
        if region is None:
            return None
        return Entry(region.code, region.name, status, sources, note, node.pos)

    def code_not_string(self, node: Scalar) -> None:
        """A code YAML read as a number: 73.10 would silently become 73.1."""
        self.findings.error(
            "code-not-string",
            node.pos,
            f"the code {_shown(node.raw)} is read by YAML as the number {node.value!r}",
            f'quote it: "{_shown(node.raw)}"',
        )

    def region(self, node: Node, text: str, *, expect_code: bool = False) -> Region | None:
        """Resolve a name or code to an official region, or record why not."""
        if expect_code and not _CODE.fullmatch(text.strip()):
            self.findings.error(
                "invalid-value",
                node.pos,
                f"code '{_shown(text)}' is not a Kemendagri kabupaten/kota code",
                'write it as two digits, a dot and two digits, such as "73.22"',
            )
            return None
        found = self.resolve(text)
        if found.region is not None:
            if found.legacy_code is not None:
                self.findings.warning(
                    "legacy-code",
                    node.pos,
                    f"code {found.legacy_code} is the pre-2022 code of {found.region.name}; "
                    f"its code is now {found.region.code}",
                    f'write "{found.region.code}"',
                )
            return found.region
        if found.candidates:
            self.findings.error(
                "ambiguous-region",
                node.pos,
                f"'{_shown(text)}' is ambiguous: {found.candidate_list()}",
                "write the full name (Kabupaten …/Kota …) or the code",
            )
            return None
        what = "code" if _CODE.fullmatch(text.strip()) else "name"
        self.findings.error(
            "unknown-region",
            node.pos,
            f"no kabupaten/kota has the {what} '{_shown(text)}'",
            found.did_you_mean(),
        )
        return None


def load(
    name: str,
    data: bytes,
    findings: Findings,
    on_read: Callable[[int, int], None] | None = None,
) -> Ledger:
    """Read one ledger file's bytes into the model, recording every problem in `findings`;
    `on_read` is told (lines read, lines in all) after each cohort."""
    text = decode(name, data, findings)
    if text is None:
        return Ledger()
    before = len(findings)
    # The tree is hundreds of thousands of small objects and has no cycles: the cyclic
    # garbage collector would re-scan it over and over while it grows (4x the time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        # Cohorts are read while the file streams by; what they find counts only if the
        # whole file turns out to be YAML (a syntax error alone is reported then).
        reader = _Reader(name, Findings(), reference())
        on_cohort: Callable[[Node], object] = reader.cohort
        if on_read is not None:
            lines = text.count("\n") + 1

            def on_cohort(node: Node) -> object:
                cohort = reader.cohort(node)
                on_read(node.pos.line, lines)
                return cohort

        root = compose(name, text, findings, on_cohort=on_cohort)
        if root is None and len(findings) > before:
            return Ledger()
        ledger = reader.ledger(root)
        findings.extend(reader.findings)
        return ledger
    finally:
        if collecting:
            gc.enable()


def load_all(
    sources: Iterable[tuple[str, bytes]],
    findings: Findings,
    on_read: Callable[[str, int, int], None] | None = None,
) -> Ledger:
    """Files (name, bytes) given together, loaded as one ledger; `on_read` is told
    (file name, lines read, lines in all) as each file is read."""
    ledger = Ledger()
    for name, data in sources:
        told = None if on_read is None else functools.partial(on_read, name)
        ledger = ledger.merged(load(name, data, findings, told))
    return ledger
