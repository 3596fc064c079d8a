"""`gmsc reconcile`: the bridge from the official figures to the identified ones.

The exact output of every format for each ledger below is pinned by the golden files
(`tests/golden/reconcile/*.yaml`, `test_golden.py`); these tests state what the figures
mean, and that the bridge's identity holds for any ledger.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import strategies as gs
from conftest import Result
from gmsc_cli.domain.model import Ledger
from gmsc_cli.domain.reconcile import TENSION_KINDS, reconcile

Run = Callable[..., Result]
SMALL = Path(__file__).resolve().parent / "golden" / "reconcile"


def _reconciled(run: Run, ledger: Path | None = None, *args: str) -> dict[str, object]:
    if ledger is not None:
        assert run("init", "--empty").exit_code == 0
        imported = run("import", str(ledger))
        assert imported.exit_code == 0, imported
    result = run("reconcile", "--format", "json", *args)
    assert result.exit_code == 0, result
    document = json.loads(result.stdout)
    assert isinstance(document, dict)
    return document


def _terms(document: dict[str, object]) -> list[tuple[object, ...]]:
    cohorts = document["cohorts"]
    assert isinstance(cohorts, list)
    keys = ("year", "official_adds", "identified_adds", "gap", "unlisted")
    return [tuple(c[k] for k in keys) for c in cohorts]


class TestBundledLedger:
    """The bundled ledger through 2024: 251 official, 230 identified, 21 unnamed slots."""

    def test_every_cohort_official_and_identified(self, run: Run) -> None:
        """Per cohort the official arithmetic adds declared - declared_repeats and the
        evidence adds its new participants; the running totals are 25, 75, 100, 141, 191,
        241, 251 official and 25, 74, 99, 136, 179, 220, 230 identified."""
        document = _reconciled(run)
        assert _terms(document) == [
            (2017, 25, 25, 0, 0),
            (2018, 50, 49, 1, 1),
            (2019, 25, 25, 0, 0),
            (2021, 41, 37, 4, 4),
            (2022, 50, 43, 7, 7),
            (2023, 50, 41, 9, 9),
            (2024, 10, 10, 0, 0),
        ]
        cohorts = document["cohorts"]
        assert isinstance(cohorts, list)
        assert [c["cumulative_declared"] for c in cohorts] == [25, 75, 100, 141, 191, 241, 251]
        assert [c["cumulative_identified"] for c in cohorts] == [25, 74, 99, 136, 179, 220, 230]
        assert [c["cumulative_gap"] for c in cohorts] == [0, 1, 1, 5, 12, 21, 21]
        assert document["total"] == {
            "unique_declared": 251,
            "unique_identified": 230,
            "gap": 21,
            "unlisted": 21,
            "repeats_unidentified": 0,
            "repeats_beyond_declared": 0,
        }

    def test_2018_withdrawals_and_their_return(self, run: Run) -> None:
        """Kota Depok and Kabupaten Banyumas withdrew in 2018 and took part in 2019, with
        sources; the tension withdrawn-reappears names both."""
        document = _reconciled(run)
        cohorts = document["cohorts"]
        assert isinstance(cohorts, list)
        withdrawn = cohorts[1]["withdrawn"]
        assert [(w["code"], w["name"], w["later_years"]) for w in withdrawn] == [
            ("32.76", "Kota Depok", [2019]),
            ("33.02", "Kabupaten Banyumas", [2019]),
        ]
        assert all(w["sources"] and w["note"] for w in withdrawn)
        tensions = document["tensions"]
        assert isinstance(tensions, list)
        assert [(t["kind"], t["year"], t["codes"]) for t in tensions] == [
            ("withdrawn-reappears", 2018, ["32.76", "33.02"]),
            ("disputed-repeat", 2021, ["52.71"]),
            ("disputed-reappears", 2021, ["64.09"]),
        ]

    def test_through_2021_is_141_official_136_identified(self, run: Run) -> None:
        """Through 2021 the bridge ends at 141 official and 136 identified."""
        document = _reconciled(run, None, "--through", "2021")
        assert document["through"] == 2021
        total = document["total"]
        assert isinstance(total, dict)
        assert (total["unique_declared"], total["unique_identified"], total["gap"]) == (
            141,
            136,
            5,
        )

    def test_totals_ends_with_the_bridge(self, run: Run) -> None:
        """gmsc totals ends with the one-line bridge instead of a footnote."""
        result = run("totals", "--format", "table")
        assert result.exit_code == 0, result
        assert result.stdout.rstrip().splitlines()[-1].strip() == (
            "251 official \u2212 230 identified = 21 slots without a named participant: "
            "2018 1, 2021 4, 2022 7, 2023 9; see gmsc reconcile"
        )


class TestEachTerm:
    """One small ledger per term of the identity and per tension."""

    @pytest.mark.parametrize(
        ("name", "terms", "kinds"),
        [
            (
                "withdrawn-refilled",
                [(2018, 3, 3, 0, 0), (2019, 2, 2, 0, 0)],
                [],
            ),
            (
                "withdrawn-not-refilled",
                [(2018, 3, 2, 1, 1), (2019, 2, 2, 0, 0)],
                ["withdrawn-reappears"],
            ),
            (
                "repeats-unidentified",
                [(2017, 2, 2, 0, 0), (2021, 2, 1, 1, 2)],
                [],
            ),
            (
                "repeats-beyond",
                [(2017, 2, 2, 0, 0), (2021, 2, 0, 2, 1)],
                ["repeats-beyond-declared", "probable-repeat"],
            ),
            (
                "repeats-missing",
                [(2017, 1, 1, 0, 0), (2021, 1, 2, -1, 0)],
                ["repeats-missing"],
            ),
            (
                "undeclared",
                [(2017, 2, 1, 1, 1), (2018, 1, 1, 0, None)],
                [],
            ),
            (
                "disputed-repeat",
                [(2018, 2, 2, 0, 0), (2021, 1, 0, 1, 1)],
                ["disputed-repeat"],
            ),
            (
                "disputed-reappears",
                [(2021, 2, 1, 1, 1), (2022, 1, 1, 0, 0)],
                ["disputed-reappears"],
            ),
        ],
    )
    def test_terms_and_tensions(
        self,
        run: Run,
        name: str,
        terms: list[tuple[object, ...]],
        kinds: list[str],
    ) -> None:
        """If a ledger has one kind of difference, then reconcile shows it in the right
        term, the identity gap = unlisted - unidentified + beyond holds, and exactly the
        expected tensions are listed."""
        document = _reconciled(run, SMALL / f"{name}.yaml")
        assert _terms(document) == terms
        cohorts = document["cohorts"]
        assert isinstance(cohorts, list)
        for c in cohorts:
            assert c["gap"] == (c["unlisted"] or 0) - c["repeats_unidentified"] + c[
                "repeats_beyond_declared"
            ]
        tensions = document["tensions"]
        assert isinstance(tensions, list)
        assert [t["kind"] for t in tensions] == kinds

    def test_a_cohort_without_declared_has_no_unlisted_and_no_gap(self, run: Run) -> None:
        """If a cohort has no 'declared', then its unlisted is null and its gap 0."""
        document = _reconciled(run, SMALL / "undeclared.yaml")
        cohorts = document["cohorts"]
        assert isinstance(cohorts, list)
        assert (cohorts[1]["unlisted"], cohorts[1]["gap"]) == (None, 0)

    def test_unidentified_repeats_and_the_probable_entry(self, run: Run) -> None:
        """If a cohort declares 2 repeats and names one, then one declared repeat is not
        identified; its probable entry is listed with its source and note."""
        document = _reconciled(run, SMALL / "repeats-unidentified.yaml")
        cohorts = document["cohorts"]
        assert isinstance(cohorts, list)
        second = cohorts[1]
        assert (second["repeats_declared"], second["repeats_identified"]) == (2, 1)
        assert second["repeats_unidentified"] == 1
        assert second["probable"] == [
            {
                "code": "35.72",
                "name": "Kota Blitar",
                "sources": ["https://example.org/blitar"],
                "note": "year inferred",
            }
        ]

    def test_csv_is_the_bridge_alone(self, run: Run) -> None:
        """The CSV form is the per-cohort bridge with a total row, keyed like the JSON."""
        run("init", "--empty")
        run("import", str(SMALL / "withdrawn-not-refilled.yaml"))
        result = run("reconcile", "--format", "csv")
        assert result.exit_code == 0, result
        assert result.stdout == (
            "year,official_adds,identified_adds,gap,unlisted,repeats_declared,"
            "repeats_identified,repeats_unidentified,repeats_beyond_declared,"
            "cumulative_declared,cumulative_identified,cumulative_gap\n"
            "2018,3,2,1,1,0,0,0,0,3,2,1\n"
            "2019,2,2,0,0,0,0,0,0,5,4,1\n"
            "Total,5,4,1,1,,,0,0,,,\n"
        )


class TestErrors:
    """What reconcile refuses."""

    def test_through_before_the_first_cohort(self, run: Run) -> None:
        """If --through is before the first cohort, then reconcile exits 1 and says so."""
        result = run("reconcile", "--through", "2016")
        assert result.exit_code == 1, result
        assert result.stdout == ""
        assert result.stderr.endswith(
            "gmsc: there is no cohort up to 2016\n  hint: the first cohort is 2017\n"
        )

    def test_unknown_format_is_a_usage_error(self, run: Run) -> None:
        """If the format is not one reconcile writes, then it exits 2."""
        result = run("reconcile", "--format", "yaml")
        assert result.exit_code == 2, result
        assert "'yaml' is not one of" in result.stderr

    def test_unwritable_output(self, run: Run, tmp_path: Path) -> None:
        """If -o names a file in a directory that does not exist, then it exits 3."""
        target = tmp_path / "missing" / "bridge.md"
        result = run("reconcile", "-o", str(target))
        assert result.exit_code == 3, result
        assert f"cannot write {target}" in result.stderr


def _with_any_declared_repeats(ledger: Ledger, data: st.DataObject) -> Ledger:
    cohorts = tuple(
        dataclasses.replace(c, declared_repeats=data.draw(st.integers(0, c.declared)))
        if c.declared is not None
        else c
        for c in ledger.cohorts
    )
    return dataclasses.replace(ledger, cohorts=cohorts, published=())


class TestIdentity:
    """For any ledger without errors, the bridge adds up."""

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(gs.valid_model_ledgers(max_cohorts=6), st.data())
    def test_gaps_are_explained_and_add_up(self, ledger: Ledger, data: st.DataObject) -> None:
        """Every cohort's gap is unlisted - repeats_unidentified + repeats_beyond_declared,
        the running gap is the difference of the running totals, and the gaps add up to
        unique_declared - unique_identified; every tension has a known kind."""
        ledger = _with_any_declared_repeats(ledger, data)
        rec = reconcile(ledger)
        running = 0
        for c in rec.cohorts:
            assert c.gap == (c.unlisted or 0) - c.repeats_unidentified + c.repeats_beyond_declared
            running += c.gap
            assert c.cumulative_gap == running == c.cumulative_declared - c.cumulative_identified
        assert sum(c.gap for c in rec.cohorts) == rec.unique_declared - rec.unique_identified
        assert rec.gap == rec.unlisted - rec.repeats_unidentified + rec.repeats_beyond_declared
        assert {t.kind for t in rec.tensions} <= set(TENSION_KINDS)
