"""One definition per word: `cohort`'s caption counts as `totals` and `validate` do."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest

from conftest import BUNDLED, Result

Run = Callable[..., Result]


class TestCohortCaption:
    def test_2018_in_the_words_of_the_arithmetic(self, run: Run) -> None:
        """If cohort 2018 is shown, then its caption counts declared, participants,
        unnamed slots and entries with their statuses (it said '50 declared, 51 named')."""
        result = run("cohort", "2018", "--format", "table")
        assert result.exit_code == 0, result
        caption = " ".join(result.stdout.split())
        assert (
            "50 declared, 49 participants, 1 unnamed slot; 52 entries (2 withdrawn, 1 disputed)"
            in (caption)
        )
        assert "51 named" not in caption

    @pytest.mark.parametrize("year", [2017, 2018, 2019, 2021, 2022, 2023, 2024])
    def test_agrees_with_totals_and_validate(self, run: Run, year: int) -> None:
        """If any bundled cohort is shown, then its participants and unnamed slots are the
        figures of `totals`, and `validate`'s "names N of its M" says the same N."""
        row = next(
            r
            for r in json.loads(run("totals", "--format", "json").stdout)["cohorts"]
            if r["year"] == year
        )
        caption = " ".join(run("cohort", str(year)).stdout.split())
        assert f"{row['participants']} participant" in caption
        if row["unlisted"]:
            assert f"{row['unlisted']} unnamed slot" in caption
        found = run("validate", str(BUNDLED)).stdout
        named = re.search(rf"cohort {year} names (\d+) of", found)
        if named:
            assert int(named[1]) == row["participants"]
