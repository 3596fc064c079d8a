"""Strict loading of format-1 ledger files: positioned YAML → the input model.

The file is composed into a positioned tree by `yamltree`; this module checks that tree
against `spec` (keys, types, limits) and builds the model. Every problem becomes a
finding; nothing is raised for bad input, so one run reports everything at once.
"""

from __future__ import annotations

import difflib
import functools
import gc
import os
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime

from gmsc_cli.domain.findings import Findings, Pos
from gmsc_cli.domain.model import Cohort, Entry, Ledger, Published
from gmsc_cli.domain.regions import Reference, Region, Resolution, reference
from gmsc_cli.errors import EnvironmentFailure
from gmsc_cli.format1 import spec
from gmsc_cli.format1.spec import MAX_FILE_BYTES, MAX_FILE_VARIABLE, Bound, Field, Shape
from gmsc_cli.format1.yamltree import (
    ALIAS_RAW,
    Converted,
    Limits,
    Mapping,
    Node,
    Scalar,
    Sequence,
    compose,
)
from gmsc_cli.format1.yamltree import shown as _shown
from gmsc_cli.i18n import N_, _, grouped

FORMAT_VERSION = spec.VERSION
TOP_KEYS = spec.LEDGER.keys
PUBLISHED_KEYS = spec.PUBLISHED.keys
COHORT_KEYS = spec.COHORT.keys
ENTRY_KEYS = spec.ENTRY.keys

LIMITS = Limits(
    max_depth=spec.MAX_DEPTH,
    max_aliases=spec.MAX_REFUSED_ALIASES,
    depth_hint=spec.DEPTH_HINT,
    what=N_("a ledger file"),
)
"""How far a ledger file may go before the YAML itself is refused."""

_CODE = re.compile(spec.CODE_PATTERN)
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# --- decoding ---------------------------------------------------------------------------


def file_limit() -> int:
    """The largest file read, in bytes: GMSC_MAX_FILE_MB (MiB) if set, else MAX_FILE_BYTES."""
    written = os.environ.get(MAX_FILE_VARIABLE)
    if written is None:
        return MAX_FILE_BYTES
    try:
        mib = float(written)
    except ValueError:
        mib = -1.0
    if not 0 < mib < 1024 * 1024:
        raise EnvironmentFailure(
            f"{MAX_FILE_VARIABLE} is {written!r}; it must be a number of MiB",
            hint=f"set it to, say, 500, or unset it (the default is {MAX_FILE_BYTES:,} bytes)",
        )
    return int(mib * 1024 * 1024)


def decode(name: str, data: bytes, findings: Findings) -> str | None:
    """The text of a file, or None (with a finding) when it is too large or not UTF-8."""
    limit = file_limit()
    if len(data) > limit:
        findings.error(
            "file-too-large",
            Pos(name, 1, 1),
            _("the file has {size} bytes; a ledger file may have at most {limit}").format(
                size=grouped(len(data)), limit=grouped(limit)
            ),
            _(
                "split the ledger into several files (files given together form one ledger), "
                "or raise the limit with {variable}"
            ).format(variable=MAX_FILE_VARIABLE),
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
            _("the file is not UTF-8 text (byte 0x{byte:02x} at offset {offset})").format(
                byte=data[exc.start], offset=exc.start
            ),
            _("save the file as UTF-8"),
        )
        return None


# --- tree → model -----------------------------------------------------------------------


def _is_number(node: Scalar) -> bool:
    """True when YAML read the scalar as a number (not a boolean, which is an int too)."""
    return isinstance(node.value, int | float) and not isinstance(node.value, bool)


def _describe(node: Node) -> str:
    """What a value is, in a maintainer's words, for wrong-type messages."""
    if isinstance(node, Mapping):
        return _("a mapping")
    if isinstance(node, Sequence):
        return _("a list")
    if isinstance(node, Converted):
        return _("a cohort")
    value = node.value
    if value is None:
        return _("empty")
    if isinstance(value, bool):
        return _("the boolean {raw!r} (YAML reads yes/no/on/off/true/false as booleans)").format(
            raw=node.raw
        )
    if isinstance(value, int | float):
        return _("the number {raw}").format(raw=_shown(node.raw))
    if isinstance(value, datetime | date):
        return _("the date {raw}").format(raw=_shown(node.raw))
    return _("the text {raw!r}").format(raw=node.raw)


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

    def fields(self, node: Mapping, shape: Shape) -> dict[str, Node]:
        """The known keys of a mapping; each unknown key is a finding with a suggestion."""
        allowed = shape.keys
        known: dict[str, Node] = {}
        for raw, (key, value) in node.items.items():
            if isinstance(key.value, str) and key.value in allowed:
                known[key.value] = value
                continue
            what = _(shape.name)
            close = difflib.get_close_matches(raw, allowed, n=1, cutoff=0.5)
            if close:
                hint = _("did you mean '{key}'?").format(key=close[0])
            else:
                hint = _("allowed: {keys}").format(keys=", ".join(allowed))
            message = _("unknown key '{key}' in {what}").format(key=_shown(raw), what=what)
            self.findings.error("unknown-field", key.pos, message, hint)
        return known

    def require(self, present: dict[str, Node], key: str, node: Mapping, shape: Shape) -> bool:
        """True when `key` was written; otherwise a missing-field finding."""
        if key in present:
            return True
        self.findings.error(
            "missing-field",
            node.pos,
            _("{what} has no '{key}'").format(what=_(shape.name), key=key),
            _("add '{key}:'").format(key=key),
        )
        return False

    def wrong_type(self, node: Node, what: str, expected: str, hint: str | None = None) -> None:
        """Record that `node` is not of the expected type (a refused alias is reported already)."""
        if isinstance(node, Scalar) and node.raw is ALIAS_RAW:
            return
        self.findings.error(
            "wrong-type",
            node.pos,
            _("{what} must be {expected}, not {found}").format(
                what=what, expected=expected, found=_describe(node)
            ),
            hint,
        )

    def bound(self, limit: int | Bound | None) -> int:
        """A field's limit as a number (a limit that depends on the reference, resolved)."""
        if limit is Bound.REGIONS:
            return len(self.regions.regions)
        assert isinstance(limit, int), "integer fields of the spec state both limits"
        return limit

    def number(self, node: Node, field: Field, high: int | None = None) -> int | None:
        """A whole number within the field's limits (`high` when a tighter one applies)."""
        maximum = self.bound(field.maximum) if high is None else high
        return self.integer(node, field.name, self.bound(field.minimum), maximum)

    def integer(self, node: Node, what: str, low: int, high: int) -> int | None:
        """A whole number within [low, high]."""
        if (
            not isinstance(node, Scalar)
            or isinstance(node.value, bool)
            or not isinstance(node.value, int)
        ):
            hint = None
            if (
                isinstance(node, Scalar)
                and isinstance(node.value, str)
                and node.raw.strip().isdigit()
            ):
                hint = _("write the number without quotes")
            self.wrong_type(node, what, _("a whole number"), hint)
            return None
        if not _DECIMAL.fullmatch(node.raw):
            # YAML 1.1 reads 0x7E7, 1:30 and 010 as numbers (2023, 90, 8): never what a
            # maintainer meant by a year or a count.
            self.findings.error(
                "invalid-value",
                node.pos,
                _("{what} is written {raw!r}, which YAML reads as {value}").format(
                    what=what, raw=_shown(node.raw), value=node.value
                ),
                _("write whole numbers in plain decimal digits, without leading zeros"),
            )
            return None
        if not low <= node.value <= high:
            self.findings.error(
                "out-of-range",
                node.pos,
                _("{what} is {value}, outside {low}..{high}").format(
                    what=what, value=node.value, low=low, high=high
                ),
            )
            return None
        return node.value

    def text(self, node: Node, what: str) -> str | None:
        """A text value without control characters, of a sane length."""
        if not isinstance(node, Scalar) or not isinstance(node.value, str):
            hint = _("put it in quotes") if isinstance(node, Scalar) and node.raw else None
            self.wrong_type(node, what, _("text"), hint)
            return None
        value = node.value
        if _CONTROL.search(value):
            self.findings.error(
                "invalid-value",
                node.pos,
                _("{what} contains control characters").format(what=what),
                _("remove them"),
            )
            return None
        if len(value) > spec.MAX_TEXT:
            self.findings.error(
                "invalid-value",
                node.pos,
                _("{what} is {length} characters long; at most {limit} are allowed").format(
                    what=what, length=grouped(len(value)), limit=grouped(spec.MAX_TEXT)
                ),
            )
            return None
        if not value.strip():
            self.findings.error("invalid-value", node.pos, _("{what} is blank").format(what=what))
            return None
        return value

    def texts(self, node: Node, what: str) -> tuple[str, ...]:
        """A list of texts (such as sources)."""
        if not isinstance(node, Sequence):
            hint = None
            if isinstance(node, Scalar) and isinstance(node.value, str):
                hint = _('write it as a list: ["{raw}"]').format(raw=_shown(node.raw))
            self.wrong_type(node, what, _("a list of texts"), hint)
            return ()
        each = _("each of {what}").format(what=what)
        values = (self.text(item, each) for item in node.items)
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
        self.wrong_type(node, what, _("a date written as YYYY-MM-DD"))
        return None

    # -- the document levels --

    def ledger(self, root: Node | None) -> Ledger:
        """The whole file."""
        if root is None or (isinstance(root, Scalar) and root.value is None):
            self.findings.error(
                "empty-file",
                Pos(self.name, 1, 1),
                _("the file holds no ledger (it is empty or only comments)"),
                _("start it with 'version: 1' and a 'cohorts:' list"),
            )
            return Ledger()
        if not isinstance(root, Mapping):
            self.wrong_type(
                root,
                _("the top level"),
                _("a mapping with 'version' and 'cohorts'"),
                _("see the data format in the README"),
            )
            return Ledger()
        shape = spec.LEDGER
        top = self.fields(root, shape)
        if self.require(top, "version", root, shape):
            version = self.number(top["version"], shape.field("version"))
            if version is not None and version != FORMAT_VERSION:
                self.findings.error(
                    "unsupported-version",
                    top["version"].pos,
                    _("format version {version} is not one this gmsc reads").format(
                        version=version
                    ),
                    _("this gmsc reads format {version}; upgrade gmsc").format(
                        version=FORMAT_VERSION
                    ),
                )
        programme = self.text(top["programme"], "programme") if "programme" in top else None
        published: list[Published] = []
        if "published" in top:
            published = self.published(top["published"])
        cohorts: list[Cohort] = []
        if self.require(top, "cohorts", root, shape):
            node = top["cohorts"]
            if isinstance(node, Sequence):
                for item in node.items:
                    cohort = item.value if isinstance(item, Converted) else self.cohort(item)
                    if isinstance(cohort, Cohort):
                        cohorts.append(cohort)
            else:
                self.wrong_type(node, "cohorts", _("a list of cohorts"))
        return Ledger(programme, tuple(published), tuple(cohorts))

    def published(self, node: Node) -> list[Published]:
        """The official running totals."""
        if not isinstance(node, Sequence):
            self.wrong_type(node, "published", _("a list of {through, unique, source}"))
            return []
        totals = []
        for item in node.items:
            if not isinstance(item, Mapping):
                self.wrong_type(
                    item, _("a published total"), _("a mapping {through, unique, source}")
                )
                continue
            shape = spec.PUBLISHED
            keys = self.fields(item, shape)
            through = unique = None
            if self.require(keys, "through", item, shape):
                through = self.number(keys["through"], shape.field("through"))
            if self.require(keys, "unique", item, shape):
                unique = self.number(keys["unique"], shape.field("unique"))
            source = self.text(keys["source"], "source") if "source" in keys else None
            if through is not None and unique is not None:
                pos = keys["unique"].pos
                totals.append(Published(through, unique, source, pos))
        return totals

    def cohort(self, node: Node) -> Cohort | None:
        """One cohort; None when its year is unusable (its entries are still checked)."""
        if not isinstance(node, Mapping):
            self.wrong_type(node, _("a cohort"), _("a mapping with 'year' and 'regions'"))
            return None
        shape = spec.COHORT
        keys = self.fields(node, shape)
        year = declared = None
        if self.require(keys, "year", node, shape):
            year = self.number(keys["year"], shape.field("year"))
        if "declared" in keys:
            declared = self.number(keys["declared"], shape.field("declared"))
        repeats_field = shape.field("declared_repeats")
        assert isinstance(repeats_field.default, int)
        repeats = repeats_field.default
        if "declared_repeats" in keys:
            # No more repeats than declared members: a limit across two keys.
            repeats = self.number(keys["declared_repeats"], repeats_field, declared) or 0
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
                self.wrong_type(regions, "regions", _("a list of regions"))
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
            text = self.text(node, _("a region"))
            named = self.region(node, text) if text is not None else None
            return Entry(named.code, named.name, pos=node.pos) if named else None
        if not isinstance(node, Mapping):
            self.wrong_type(
                node, _("a region"), _("a name, a code or a mapping with 'code'/'name'")
            )
            return None
        shape = spec.ENTRY
        keys = self.fields(node, shape)
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
                        _("code {code} is {name}, but the name says {said}").format(
                            code=region.code, name=region.name, said=said
                        ),
                        _("correct the code or the name"),
                    )
                    region = None
        elif "code" not in keys:
            self.findings.error(
                "missing-field",
                node.pos,
                _("a region entry needs a 'code' or a 'name'"),
                _("add 'code: \"NN.NN\"' (the Kemendagri code) or 'name:'"),
            )
        status_field = shape.field("status")
        statuses = status_field.choices
        assert isinstance(status_field.default, str)
        status = status_field.default
        if "status" in keys:
            written = self.text(keys["status"], "status")
            if written is not None and written not in statuses:
                close = difflib.get_close_matches(written, statuses, n=1, cutoff=0.5)
                self.findings.error(
                    "invalid-value",
                    keys["status"].pos,
                    _("status '{status}' is not one of {statuses}").format(
                        status=_shown(written), statuses=", ".join(statuses)
                    ),
                    _("did you mean '{key}'?").format(key=close[0]) if close else None,
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
            _("the code {raw} is read by YAML as the number {value!r}").format(
                raw=_shown(node.raw), value=node.value
            ),
            _('quote it: "{raw}"').format(raw=_shown(node.raw)),
        )

    def region(self, node: Node, text: str, *, expect_code: bool = False) -> Region | None:
        """Resolve a name or code to an official region, or record why not."""
        if expect_code and not _CODE.fullmatch(text.strip()):
            self.findings.error(
                "invalid-value",
                node.pos,
                _("code '{code}' is not a Kemendagri kabupaten/kota code").format(
                    code=_shown(text)
                ),
                _('write it as two digits, a dot and two digits, such as "73.22"'),
            )
            return None
        found = self.resolve(text)
        if found.region is not None:
            if found.legacy_code is not None:
                self.findings.warning(
                    "legacy-code",
                    node.pos,
                    _(
                        "code {legacy} is the pre-2022 code of {name}; its code is now {code}"
                    ).format(
                        legacy=found.legacy_code, name=found.region.name, code=found.region.code
                    ),
                    _('write "{code}"').format(code=found.region.code),
                )
            return found.region
        if found.candidates:
            self.findings.error(
                "ambiguous-region",
                node.pos,
                _("'{text}' is ambiguous: {candidates}").format(
                    text=_shown(text), candidates=found.candidate_list()
                ),
                _("write the full name (Kabupaten …/Kota …) or the code"),
            )
            return None
        if _CODE.fullmatch(text.strip()):
            message = _("no kabupaten/kota has the code '{text}'")
        else:
            message = _("no kabupaten/kota has the name '{text}'")
        self.findings.error(
            "unknown-region",
            node.pos,
            found.not_a_region() or message.format(text=_shown(text)),
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

        root = compose(name, text, findings, LIMITS, stream="cohorts", on_item=on_cohort)
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
