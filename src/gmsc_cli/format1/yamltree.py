"""Positioned YAML: the libyaml event stream folded into a small tree that keeps positions.

PyYAML's constructor keeps no positions and its composer expands nothing but costs a
Python object per event twice over; instead the libyaml event stream (C, when PyYAML
has it) is folded here into a small tree of `Scalar`, `Mapping` and `Sequence` nodes,
each with its line and column. Anchors and aliases are refused at the event level, so a
"billion laughs" file is never expanded. Every problem becomes a finding; nothing is
raised for bad input, so one run reports everything at once. This module knows YAML,
not any ledger format: the limits it enforces are handed to it in `Limits`.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

from gmsc_cli.domain.findings import Findings, Pos
from gmsc_cli.i18n import _


@dataclass(frozen=True, slots=True)
class Limits:
    """What a file may do before it is refused, and how its refusals are worded."""

    max_depth: int = 50
    """Deeper nesting is refused, not walked."""
    max_aliases: int = 1_000
    """After this many aliases the rest of the file is not read."""
    depth_hint: str | None = None
    """The hint given with `nesting-too-deep`."""
    what: str = "a ledger file"
    """What a file is called in messages."""


DEFAULT_LIMITS = Limits()

ALIAS_RAW = "\x00alias"
"""The text of the null placeholder that stands for a refused alias (already reported)."""
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
    """A streamed item already turned into its value while the file was being read."""

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


def shown(text: str) -> str:
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
    limits: Limits = DEFAULT_LIMITS,
    *,
    stream: str | None = None,
    on_item: Callable[[Node], object] | None = None,
) -> Node | None:
    """Fold the YAML event stream of `text` into a positioned tree, or None if unusable.

    With `on_item`, each item of the list under the top-level key `stream` is handed to it
    as soon as it is complete and only its result is kept (as a `Converted` node): a large
    file is then never held as a whole tree, only one item's at a time.
    """
    stack: list[Mapping | Sequence] = []
    pending_key: list[Scalar | None] = []
    root: Node | None = None
    documents = 0
    refused = 0
    plain_cache: dict[str, object] = {}
    max_depth = limits.max_depth
    what = _(limits.what)

    def at(mark: Any) -> Pos:
        return Pos(name, mark.line + 1, mark.column + 1)

    def in_streamed_list() -> bool:
        """True when the open sequence is the (first) value of the top-level `stream`."""
        if len(stack) != 2 or not isinstance(stack[1], Sequence):
            return False
        top, key = stack[0], pending_key[0]
        return (
            isinstance(top, Mapping)
            and key is not None
            and key.raw == stream
            and stream not in top.items
        )

    def place(node: Node) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        parent = stack[-1]
        if isinstance(parent, Sequence):
            if on_item is not None and in_streamed_list():
                parent.items.append(Converted(on_item(node), node.pos))
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
                _("key '{key}' appears twice in this mapping").format(key=shown(key.raw)),
                _("the first is at line {line}; keep one").format(line=first.line),
            )
        else:
            parent.items[key.raw] = (key, node)

    def too_deep(pos: Pos) -> None:
        findings.error(
            "nesting-too-deep",
            pos,
            _("the data nests more than {depth} levels deep").format(depth=max_depth),
            _(limits.depth_hint) if limits.depth_hint else None,
        )

    def refuse_anchor(event: Any) -> None:
        if getattr(event, "anchor", None) is not None:
            findings.error(
                "alias-not-allowed",
                at(event.start_mark),
                _("anchor '&{anchor}' is not allowed in {what}").format(
                    anchor=event.anchor, what=what
                ),
                _("write each value out in full"),
            )

    def refuse_tag(event: Any, allowed: Iterable[str]) -> bool:
        tag = getattr(event, "tag", None)
        if tag is None or tag == "!" or tag in allowed:
            return False
        findings.error(
            "wrong-type",
            at(event.start_mark),
            _("YAML tag '{tag}' is not allowed in {what}").format(tag=tag, what=what),
            _("remove the tag"),
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
                            _("'{value}' does not fit its YAML tag '{tag}'").format(
                                value=shown(event.value), tag=event.tag
                            ),
                            _("remove the tag"),
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
                if len(stack) >= max_depth:
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
                if refused > limits.max_aliases:
                    findings.error(
                        "alias-not-allowed",
                        at(event.start_mark),
                        _("more than {count} aliases: the rest of the file was not read").format(
                            count=limits.max_aliases
                        ),
                        _("write each value out in full"),
                    )
                    return None
                findings.error(
                    "alias-not-allowed",
                    at(event.start_mark),
                    _("alias '*{anchor}' is not allowed in {what}").format(
                        anchor=event.anchor, what=what
                    ),
                    _("write each value out in full"),
                )
                place(Scalar(None, ALIAS_RAW, event.start_mark, name))
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    findings.error(
                        "yaml-syntax",
                        at(event.start_mark),
                        _("{what} holds one YAML document; this is a second one").format(what=what),
                        _("split the documents into separate files, or remove the '---'"),
                    )
                    return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = at(mark) if mark is not None else Pos(name, 1, 1)
        problem = exc.problem or exc.context or _("the YAML cannot be read")
        if "maximum nesting depth" in problem:  # libyaml's own limit, met while scanning
            too_deep(pos)
            return None
        lines = text.splitlines()
        line = lines[pos.line - 1] if 0 < pos.line <= len(lines) else ""
        findings.error(
            "yaml-syntax",
            pos,
            _("YAML syntax: {problem}").format(problem=problem),
            _syntax_hint(problem, line),
        )
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
        findings.error(
            "yaml-syntax",
            pos,
            _("YAML syntax: {problem}").format(problem=problem),
            _syntax_hint(problem, ""),
        )
        return None
    except yaml.YAMLError as exc:
        findings.error(
            "yaml-syntax",
            Pos(name, 1, 1),
            _("YAML syntax: {problem}").format(problem=shown(str(exc))),
        )
        return None
    return root


def _syntax_hint(problem: str, line: str) -> str | None:
    """A hint for the YAML errors maintainers make most (`line` is where it happened)."""
    if re.search(r"\btabs?\b", problem) or "\t" in line:  # not the "tab" of "unacceptable"
        return _("indent with spaces, not tabs")
    if "mapping values are not allowed" in problem:
        return _("check the indentation, or quote a value that contains ': '")
    if "expected" in problem or "could not find" in problem:
        return _("check the indentation and that every bracket and quote is closed")
    if "special characters" in problem or "unacceptable character" in problem:
        return _("remove control characters, or write them as escapes in double quotes")
    return None


def _as_key(node: Node, findings: Findings) -> Scalar:
    """A mapping key as text; a list or mapping used as a key is an error."""
    if isinstance(node, Scalar):
        return node
    findings.error("wrong-type", node.pos, _("a key must be plain text, not a list or mapping"))
    return Scalar(None, f"<complex key at {node.pos.line}:{node.pos.column}>", node.pos)
