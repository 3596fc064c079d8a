"""The arithmetic: a complete ledger's two totals agree, in any spelling."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from conftest import BUNDLED, Result
from gmsc_cli.actions.validating import validate
from gmsc_cli.domain.arithmetic import Totals, compute
from gmsc_cli.domain.model import Ledger
from gmsc_cli.domain.regions import Region, reference

Run = Callable[..., Result]
Write = Callable[[str, str | bytes], Path]

REF = reference()

REPEATED = {
    # code: (the spelling in its first cohort, the spelling in 2021)
    "74.72": ("Bau-Bau", "KOTA BAUBAU"),
    "12.12": ("Toba Samosir", "Kabupaten Toba"),
    "94.04": ("91.09", "Mimika"),
    "76.01": ("Mamuju Utara", "Pasangkayu"),
    "33.72": ("Kota Solo", "Surakarta"),
    "73.22": ("Kab. Luwu Utara", "LUWU UTARA"),
    "15.04": ("Batanghari", "Batang Hari"),
}
"""The seven regions of 2021 that took part before, each spelt two different ways."""

SPELLED = {
    "72.04": "Toli-Toli",
    "94.01": "91.04",
    "36.74": "Tangsel",
    "31.74": "Kota Adm. Jakarta Selatan",
    "31.01": "Kabupaten Kep. Seribu",
    "63.02": "Kota Baru",
    "34.04": "kab sleman",
    "71.09": "Sitaro",
}
"""More regions, in the spelling the complete-but-messy ledger gives them."""

LEGACY = {"94.04": "91.09", "94.01": "91.04"}
"""Regions written by their pre-2022 code, which validate warns about."""

SIZES = {2017: 25, 2018: 50, 2019: 25}
NEW_IN_2021 = 41


def bare(region: Region) -> str:
    """A region's name without Kabupaten/Kota [Administrasi]."""
    return re.sub(r"^(Kabupaten|Kota)( Administrasi)? ", "", region.name)


def choose_codes() -> dict[int, list[str]]:
    """141 distinct regions of the reference, spread over the cohorts 2017-2021."""
    chosen = [*REPEATED, *SPELLED]
    for code in list(REF.regions)[::3]:
        if len(chosen) == 141:
            break
        if code not in chosen:
            chosen.append(code)
    earlier = chosen[:100]
    random.Random(141).shuffle(earlier)
    cohorts: dict[int, list[str]] = {}
    start = 0
    for year, size in SIZES.items():
        cohorts[year] = earlier[start : start + size]
        start += size
    cohorts[2021] = chosen[100:] + list(REPEATED)
    return cohorts


COHORTS = choose_codes()


def canonical_entry(code: str, year: int, index: int) -> object:
    """The canonical full name of a region."""
    return REF.regions[code].name


FORMS: list[Callable[[Region], object]] = [
    lambda r: r.code,
    lambda r: r.code.replace(".", ""),
    lambda r: r.name,
    lambda r: r.name.upper(),
    lambda r: ("Kab. " if r.kind == "kabupaten" else "Kotamadya ") + bare(r),
    lambda r: bare(r) if REF.resolve(bare(r)).region is not None else r.name.lower(),
    lambda r: {"code": r.code, "name": r.name.lower()},
    lambda r: {"name": r.name.replace(" ", "  ").lower()},
    lambda r: {"code": r.code},
]
"""Every accepted way to write a region: code, code without its dot, full name, upper case,
a prefix form, a bare name (when unambiguous), code and name, a spaced-out name."""


def spelled_entry(code: str, year: int, index: int) -> object:
    """A region in one of the accepted spellings, cycling through them by `index`."""
    if code in REPEATED:
        return REPEATED[code][1 if year == 2021 else 0]
    if code in SPELLED:
        return SPELLED[code]
    return FORMS[index % len(FORMS)](REF.regions[code])


def ledger_yaml(entry: Callable[[str, int, int], object]) -> str:
    """The complete synthetic ledger (25, 50, 25, 48 with 7 repeats; 141 through 2021)."""
    document = {
        "version": 1,
        "programme": "Gerakan Menuju Smart City",
        "published": [{"through": 2021, "unique": 141, "source": "synthetic"}],
        "cohorts": [
            {
                "year": year,
                "declared": len(codes),
                "declared_repeats": 7 if year == 2021 else 0,
                "regions": [entry(code, year, index) for index, code in enumerate(codes)],
            }
            for year, codes in COHORTS.items()
        ],
    }
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


CANONICAL = ledger_yaml(canonical_entry)
SPELLED_OUT = ledger_yaml(spelled_entry)

EXPECTED = [
    # year, declared, declared_repeats, listed, unlisted, participants, new, repeats,
    # cumulative_declared, cumulative_identified
    (2017, 25, 0, 25, 0, 25, 25, 0, 25, 25),
    (2018, 50, 0, 50, 0, 50, 50, 0, 75, 75),
    (2019, 25, 0, 25, 0, 25, 25, 0, 100, 100),
    (2021, 48, 7, 48, 0, 48, 41, 7, 141, 141),
]


def figures(totals: Totals) -> list[tuple[object, ...]]:
    """The per-cohort figures of EXPECTED's shape."""
    return [
        (
            r.year,
            r.declared,
            r.declared_repeats,
            r.listed,
            r.unlisted,
            r.participants,
            r.new,
            r.repeats,
            r.cumulative_declared,
            r.cumulative_identified,
        )
        for r in totals.cohorts
    ]


def load(text: str) -> tuple[Ledger, list[tuple[str, str]]]:
    """The ledger of a YAML text and its findings as (severity, code)."""
    ledger, findings = validate([("ledger.yaml", text.encode())])
    return ledger, [(str(f.severity), f.code) for f in findings]


class TestCompleteLedger:
    """A complete ledger makes cumulative_declared and cumulative_identified agree at 141."""

    def test_names_alone_dedupe_to_141(self) -> None:
        """If the canonical ledger's names are de-duplicated as strings, then 141 remain
        (the premise of the test below: 148 memberships, 7 of them repeats)."""
        document = yaml.safe_load(CANONICAL)
        names = [name for cohort in document["cohorts"] for name in cohort["regions"]]
        assert len(names) == 148
        assert len(set(names)) == 141

    def test_validates_clean(self, run: Run, write: Write) -> None:
        """If the complete ledger is validated, then there are no findings and exit 0."""
        path = write("complete.yaml", CANONICAL)
        result = run("validate", str(path))
        assert result.exit_code == 0, result
        assert result.stdout == ""
        assert result.stderr == "0 errors, 0 warnings, 0 infos in 1 file\n"

    def test_totals_agree(self) -> None:
        """If the complete ledger is computed, then cumulative_declared and
        cumulative_identified are both 141 through 2021, with the per-cohort figures of the
        announcements (7 repeats in 2021)."""
        ledger, findings = load(CANONICAL)
        assert findings == []
        totals = compute(ledger)
        assert figures(totals) == EXPECTED
        assert totals.unique_declared == totals.unique_identified == 141
        assert totals.repeats_declared == totals.repeats_identified == 7
        assert totals.cohorts[-1].repeat_codes == tuple(sorted(REPEATED))

    def test_through(self) -> None:
        """If the totals are computed through 2018, then only 2017 and 2018 count (75)."""
        ledger, _ = load(CANONICAL)
        totals = compute(ledger, through=2018)
        assert figures(totals) == EXPECTED[:2]
        assert totals.through == 2018
        assert totals.unique_declared == totals.unique_identified == 75

    def test_published_total_checked(self) -> None:
        """If the complete ledger publishes 140 through 2021, then that is the one finding:
        published-mismatch, saying the declared figures add up to 141."""
        document = yaml.safe_load(CANONICAL)
        document["published"][0]["unique"] = 140
        ledger, findings = validate([("ledger.yaml", yaml.safe_dump(document).encode())])
        assert [(f.code, f.message) for f in findings] == [
            (
                "published-mismatch",
                "the published total through 2021 is 140, but the cohorts' declared figures "
                "add up to 141",
            )
        ]
        assert compute(ledger).unique_identified == 141


class TestSpellings:
    """Names in every accepted form identify the same regions: counting is by code."""

    def test_spellings_differ(self) -> None:
        """If the messy ledger's names are de-duplicated as strings, then far more than 141
        remain (148: even the repeats are spelt differently)."""
        document = yaml.safe_load(SPELLED_OUT)
        names = [
            json.dumps(entry, sort_keys=True)
            for cohort in document["cohorts"]
            for entry in cohort["regions"]
        ]
        assert len(set(names)) == 148

    def test_validates_with_legacy_warnings_only(self, run: Run, write: Write) -> None:
        """If the ledger is spelt every accepted way, then validate exits 0 with exactly the
        two legacy-code warnings, at the lines that use the old codes."""
        path = write("spelled.yaml", SPELLED_OUT)
        result = run("validate", "--format", "json", str(path))
        assert result.exit_code == 0, result
        document = json.loads(result.stdout)
        lines = SPELLED_OUT.splitlines()
        found = {}
        for finding in document["findings"]:
            assert (finding["severity"], finding["code"]) == ("warning", "legacy-code")
            old = re.match(r"code (\d\d\.\d\d) ", finding["message"])[1]
            assert f"'{old}'" in lines[finding["line"] - 1]
            found[old] = finding["hint"]
        assert found == {old: f'write "{new}"' for new, old in LEGACY.items()}
        assert document["summary"] == {"errors": 0, "warnings": 2, "infos": 0}

    def test_strict_fails_on_legacy_codes(self, run: Run, write: Write) -> None:
        """If the messy ledger is validated with --strict, then the legacy codes fail it."""
        path = write("spelled.yaml", SPELLED_OUT)
        result = run("validate", "--strict", str(path))
        assert result.exit_code == 1, result
        assert result.stderr == "0 errors, 2 warnings, 0 infos in 1 file\n"

    def test_same_answer(self) -> None:
        """If the ledger is spelt every accepted way, then every cohort has the same codes
        and the same figures as the canonical ledger: 141 = 141."""
        canonical, _ = load(CANONICAL)
        spelled, findings = load(SPELLED_OUT)
        assert sorted(findings) == [("warning", "legacy-code")] * 2
        for a, b in zip(canonical.cohorts, spelled.cohorts, strict=True):
            assert [e.code for e in a.entries] == [e.code for e in b.entries]
            assert [e.name for e in a.entries] == [e.name for e in b.entries]
        assert figures(compute(spelled)) == EXPECTED

    @pytest.mark.parametrize(
        ("written", "code"),
        [
            ("Bau-Bau", "74.72"),
            ("Kota Baubau", "74.72"),
            ("Toli-Toli", "72.04"),
            ("Tolitoli", "72.04"),
            ("Batanghari", "15.04"),
            ("Toba Samosir", "12.12"),
            ("Mamuju Utara", "76.01"),
            ("Kab. Luwu Utara", "73.22"),
            ("LUWU UTARA", "73.22"),
            ("7322", "73.22"),
        ],
    )
    def test_spelling_is_the_same_region(
        self, run: Run, write: Write, written: str, code: str
    ) -> None:
        """If a cohort lists a region by code and again in another spelling, then validate
        reports duplicate-region at the second: they are one region."""
        path = write(
            "twice.yaml",
            f'version: 1\ncohorts:\n  - year: 2017\n    regions:\n      - "{code}"\n'
            f'      - "{written}"\n',
        )
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        name = REF.regions[code].name
        assert result.stdout == (
            f"{path}:6:9: error[duplicate-region] {name} ({code}) is listed twice in cohort "
            "2017\n    hint: the first is at line 5; keep one\n"
        )


def statuses_ledger(*cohorts: str) -> Ledger:
    """A ledger of the given cohort YAML blocks (findings must be none but infos)."""
    text = "version: 1\ncohorts:\n" + "".join(cohorts)
    ledger, findings = validate([("s.yaml", text.encode())])
    assert [f.code for f in findings if f.severity != "info"] == []
    return ledger


class TestStatuses:
    """Probable counts, disputed counts nowhere, withdrawn counts towards listed only."""

    def test_probable_counts(self) -> None:
        """If an entry is probable, then it is a participant, counted as probable, and a
        later entry of it is a repeat."""
        ledger = statuses_ledger(
            "  - year: 2017\n    declared: 2\n"
            "    regions: [Kota Batu, {name: Kota Malang, status: probable}]\n",
            "  - year: 2018\n    declared: 1\n    declared_repeats: 1\n"
            "    regions: [Kota Malang]\n",
        )
        rows = compute(ledger).cohorts
        assert (rows[0].listed, rows[0].participants, rows[0].probable) == (2, 2, 1)
        assert (rows[1].repeats, rows[1].new, rows[1].repeat_codes) == (1, 0, ("35.73",))
        assert [r.cumulative_identified for r in rows] == [2, 2]
        assert [r.cumulative_declared for r in rows] == [2, 2]

    def test_disputed_counts_nowhere(self) -> None:
        """If an entry is disputed, then it is not listed, not a participant, not in the
        running total, and a later confirmed entry of it is new, not a repeat."""
        ledger = statuses_ledger(
            "  - year: 2017\n    declared: 1\n"
            "    regions: [Kota Batu, {name: Kota Malang, status: disputed}]\n",
            "  - year: 2018\n    declared: 1\n    regions: [Kota Malang]\n",
        )
        rows = compute(ledger).cohorts
        first = rows[0]
        assert (first.listed, first.unlisted, first.participants, first.disputed) == (1, 0, 1, 1)
        assert first.cumulative_identified == 1
        assert (rows[1].new, rows[1].repeats, rows[1].cumulative_identified) == (1, 0, 2)

    def test_withdrawn_counts_towards_listed_only(self) -> None:
        """If an entry is withdrawn, then it is listed but holds no slot of declared (the
        slot stays unlisted until refilled) and is no participant; its re-selection the
        next year is new, not a repeat."""
        ledger = statuses_ledger(
            "  - year: 2018\n    declared: 2\n"
            "    regions: [Kota Batu, {name: Kota Malang, status: withdrawn}]\n",
            "  - year: 2019\n    declared: 1\n    regions: [Kota Malang]\n",
        )
        rows = compute(ledger).cohorts
        first = rows[0]
        assert (first.listed, first.unlisted, first.participants, first.withdrawn) == (2, 1, 1, 1)
        assert first.cumulative_identified == 1
        assert (rows[1].new, rows[1].repeats, rows[1].cumulative_identified) == (1, 0, 2)
        assert [r.cumulative_declared for r in rows] == [2, 3]

    def test_a_withdrawn_slot_can_be_refilled(self) -> None:
        """If a withdrawn region's slot is refilled (Kota Pekalongan in 2018), then the
        cohort is not over-declared: withdrawn entries hold no slot of declared."""
        text = (
            "version: 1\ncohorts:\n  - year: 2018\n    declared: 1\n"
            "    regions: [Kota Batu, {name: Kota Malang, status: withdrawn}]\n"
        )
        _, findings = validate([("s.yaml", text.encode())])
        assert list(findings) == []

    def test_participants_beyond_declared_are_over_declared(self) -> None:
        """If a cohort has more participants (confirmed or probable) than it declares,
        then it is over-declared, at its 'declared'."""
        text = (
            "version: 1\ncohorts:\n  - year: 2018\n    declared: 1\n"
            "    regions: [Kota Batu, {name: Kota Malang, status: probable}]\n"
        )
        _, findings = validate([("s.yaml", text.encode())])
        assert [(f.code, f.pos.line, f.pos.column) for f in findings] == [("over-declared", 4, 15)]

    def test_cohort_without_declared(self) -> None:
        """If a cohort has no 'declared', then it contributes its new participants to
        cumulative_declared and has no unlisted figure."""
        ledger = statuses_ledger(
            "  - year: 2017\n    declared: 3\n    regions: [Kota Batu]\n",
            "  - year: 2018\n    regions:\n      - Kota Malang\n      - Kota Blitar\n"
            "      - {name: Kota Kediri, status: disputed}\n"
            "      - {name: Kota Madiun, status: withdrawn}\n",
        )
        rows = compute(ledger).cohorts
        second = rows[1]
        assert (second.declared, second.unlisted, second.listed, second.new) == (None, None, 3, 2)
        assert [r.cumulative_declared for r in rows] == [3, 5]
        assert [r.cumulative_identified for r in rows] == [1, 3]

    def test_cohorts_in_year_order(self) -> None:
        """If cohorts are written out of order, then they are computed in year order."""
        ledger = statuses_ledger(
            "  - year: 2019\n    declared: 1\n    declared_repeats: 1\n    regions: [Kota Batu]\n",
            "  - year: 2017\n    declared: 1\n    regions: [Kota Batu]\n",
        )
        rows = compute(ledger).cohorts
        assert [(r.year, r.new, r.repeats, r.cumulative_declared) for r in rows] == [
            (2017, 1, 0, 1),
            (2019, 0, 1, 1),
        ]


class TestBundled:
    """The bundled dataset carries the official figures."""

    def test_official_figures(self) -> None:
        """If the bundled data is computed, then it declares 25/50/25/48/50/50/10 with 7
        repeats in 2021 and runs to 25, 75, 100, 141, 191, 241, 251."""
        ledger, findings = validate([(str(BUNDLED), BUNDLED.read_bytes())])
        assert {f.code for f in findings} == {"incomplete-cohort"}
        totals = compute(ledger)
        assert [(r.year, r.declared, r.declared_repeats) for r in totals.cohorts] == [
            (2017, 25, 0),
            (2018, 50, 0),
            (2019, 25, 0),
            (2021, 48, 7),
            (2022, 50, 0),
            (2023, 50, 0),
            (2024, 10, 0),
        ]
        assert [r.cumulative_declared for r in totals.cohorts] == [
            25,
            75,
            100,
            141,
            191,
            241,
            251,
        ]
        assert totals.unique_declared == 251
        assert compute(ledger, through=2021).unique_declared == 141
        assert compute(ledger, through=2022).unique_declared == 191
        assert [(p.through, p.unique) for p in ledger.published] == [
            (2021, 141),
            (2022, 191),
            (2024, 251),
        ]

    def test_identified_never_exceeds_declared(self) -> None:
        """If the bundled data is computed, then the named evidence never supports more
        distinct regions than the official arithmetic, year by year."""
        ledger, _ = validate([(str(BUNDLED), BUNDLED.read_bytes())])
        for row in compute(ledger).cohorts:
            assert row.cumulative_identified <= row.cumulative_declared, row
