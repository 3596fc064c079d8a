"""The participation history decides, once, who is new, repeat or not counted; every
view of the ledger agrees with it."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings

import strategies as gs
from gmsc_cli.domain.arithmetic import compute
from gmsc_cli.domain.history import Counted, History
from gmsc_cli.domain.model import Cohort, Entry, Ledger
from gmsc_cli.domain.regions import reference
from gmsc_cli.views.html import report_html
from gmsc_cli.views.reports import cohort_table, provinces_table, region_history, repeats_table

REF = reference()


def _entry(code: str, status: str = "confirmed") -> Entry:
    return Entry(code, REF.regions[code].name, status)


class TestClassification:
    """How single memberships count."""

    def test_first_participation_is_new_and_later_ones_repeat(self) -> None:
        """A region confirmed in 2018 and again in 2021 is new in 2018, a repeat in 2021
        whose earlier cohorts are (2018,)."""
        ledger = Ledger(
            cohorts=(
                Cohort(2021, entries=(_entry("34.04"),)),
                Cohort(2018, entries=(_entry("34.04"),)),
            )
        )
        history = History(ledger)
        assert [(m.year, m.counted, m.earlier) for m in history.of_region("34.04")] == [
            (2018, Counted.NEW, ()),
            (2021, Counted.REPEAT, (2018,)),
        ]

    def test_withdrawn_and_disputed_entries_are_not_counted_and_make_no_repeat(self) -> None:
        """A region withdrawn in 2018 and disputed in 2019 is new when it takes part in 2021."""
        ledger = Ledger(
            cohorts=(
                Cohort(2018, entries=(_entry("32.76", "withdrawn"),)),
                Cohort(2019, entries=(_entry("32.76", "disputed"),)),
                Cohort(2021, entries=(_entry("32.76", "probable"),)),
            )
        )
        counted = [m.counted for m in History(ledger).of_region("32.76")]
        assert counted == [Counted.NOT_COUNTED, Counted.NOT_COUNTED, Counted.NEW]

    def test_a_region_named_twice_in_a_cohort_counts_once(self) -> None:
        """If a cohort names a region disputed and then confirmed, the confirmed entry
        counts, once, and a third entry of it is not counted."""
        ledger = Ledger(
            cohorts=(
                Cohort(
                    2022,
                    entries=(
                        _entry("73.22", "disputed"),
                        _entry("73.22"),
                        _entry("73.22", "probable"),
                    ),
                ),
            )
        )
        history = History(ledger)
        counted = [m.counted for m in history.of_region("73.22")]
        assert counted == [Counted.NOT_COUNTED, Counted.NEW, Counted.NOT_COUNTED]
        assert history.participation == {"73.22": (2022,)}
        assert compute(ledger).cohorts[0].participants == 1

    def test_until_cuts_later_cohorts_and_published_totals(self) -> None:
        """Ledger.until(2019) keeps the cohorts and published totals up to 2019 only."""
        from gmsc_cli.domain.model import Published

        ledger = Ledger(
            published=(Published(2019, 1), Published(2021, 2)),
            cohorts=(Cohort(2019, entries=(_entry("34.04"),)), Cohort(2021)),
        )
        cut = ledger.until(2019)
        assert [c.year for c in cut.cohorts] == [2019]
        assert [p.through for p in cut.published] == [2019]
        assert ledger.until(None) is ledger


def _counted_by_history(history: History) -> dict[tuple[int, str], list[str]]:
    found: dict[tuple[int, str], list[str]] = {}
    for cohort in history.cohorts:
        for m in cohort.memberships:
            found.setdefault((m.year, m.code), []).append(str(m.counted))
    return found


class TestEveryViewAgrees:
    """For any ledger, duplicates included, the views say what the history says."""

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(gs.ledgers_with_duplicates())
    def test_views_agree_with_history(self, ledger: Ledger) -> None:
        """Totals, cohort, region, repeats, provinces and the HTML page count every
        membership as the participation history does."""
        history = History(ledger)
        expected = _counted_by_history(history)

        totals = compute(ledger)
        for row, cohort in zip(totals.cohorts, history.cohorts, strict=True):
            assert row.new == len(cohort.counted(Counted.NEW))
            assert row.repeats == len(cohort.counted(Counted.REPEAT))
        assert totals.unique_identified == len(history.participation)

        for cohort in history.cohorts:
            table = cohort_table(ledger, cohort.year)
            got: dict[tuple[int, str], list[str]] = {}
            for row in table.rows:
                got.setdefault((cohort.year, row["code"]), []).append(row["counted"])
            assert got == {k: v for k, v in expected.items() if k[0] == cohort.year}

        for code in {m.code for c in history.cohorts for m in c.memberships}:
            rows = region_history(ledger, REF.regions[code]).rows
            got = {}
            for row in rows:
                got.setdefault((row["year"], code), []).append(row["counted"])
            assert got == {k: v for k, v in expected.items() if k[1] == code}

        repeats = {row["code"]: tuple(row["years"]) for row in repeats_table(ledger).rows}
        assert repeats == history.repeaters()

        provinces = provinces_table(ledger)
        assert provinces.footer is not None
        assert provinces.footer["participants"] == len(history.participation)

        page = report_html(ledger, compute(ledger))
        shown = re.search(r'id="total-identified">(\d+)<', page)
        assert shown is not None and int(shown.group(1)) == len(history.participation)
