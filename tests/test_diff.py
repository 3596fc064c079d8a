"""`gmsc diff OLD NEW`: every kind of change, alone and together, in every format."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import Result

Run = Callable[..., Result]
Write = Callable[[str, str | bytes], Path]

OLD = """\
version: 1
published:
  - {through: 2017, unique: 3}
cohorts:
  - year: 2017
    declared: 3
    title: tahap 1
    regions:
      - Kab. Sleman
      - Kota Batu
      - code: "73.22"
        status: probable
        sources: [https://a.example]
        note: year inferred
  - year: 2018
    declared: 2
    declared_repeats: 1
    regions:
      - Kota Palopo
      - Kota Batu
"""
"""A small valid ledger: 2017 names three regions, 2018 one new and one repeat."""


def edited(*pairs: tuple[str, str]) -> str:
    """OLD with each (before, after) text replaced once."""
    text = OLD
    for before, after in pairs:
        assert before in text, before
        text = text.replace(before, after, 1)
    return text


def diff_of(run: Run, write: Write, new: str, *args: str) -> Result:
    old_path = write("old.yaml", OLD)
    new_path = write("new.yaml", new)
    return run("diff", str(old_path), str(new_path), *args)


def document(run: Run, write: Write, new: str) -> dict[str, Any]:
    result = diff_of(run, write, new, "--format", "json")
    assert result.exit_code == 0, result
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def cohort_block(text: str, year: int) -> list[str]:
    """The lines of one cohort's group in the text report."""
    lines = text.splitlines()
    start = lines.index(next(line for line in lines if line.startswith(f"cohort {year}:")))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i]), len(lines))
    return lines[start:end]


BEFORE = {"unique_declared": 4, "unique_identified": 4, "gap": 0}


class TestNoChange:
    def test_identical_ledgers_are_the_same(self, run: Run, write: Write) -> None:
        """If both sides are the same file content, then the diff says so and exits 0,
        also with --exit-code."""
        result = diff_of(run, write, OLD)
        assert result.exit_code == 0, result
        old, new = Path(result.stdout.split()[3]), Path(result.stdout.split()[5])
        assert result.stdout == f"no changes between {old} and {new}\n"
        assert (old.name, new.name) == ("old.yaml", "new.yaml")
        assert diff_of(run, write, OLD, "--exit-code").exit_code == 0
        doc = document(run, write, OLD)
        assert doc["same"] is True
        assert doc["cohorts"] == [] and doc["published"] == []
        assert doc["figures"] == {
            "before": BEFORE,
            "after": BEFORE,
            "cohorts": [],
            "counting": [],
        }

    def test_respelling_the_same_code_is_no_change(self, run: Run, write: Write) -> None:
        """If a region is rewritten in another spelling of the same code (Kab. Sleman as
        Kabupaten Sleman, Kota Batu as its code), and entries reordered, nothing changed."""
        new = edited(
            (
                "      - Kab. Sleman\n      - Kota Batu\n",
                '      - "35.79"\n      - Kabupaten Sleman\n',
            ),
            ("      - Kota Palopo\n      - Kota Batu\n", "      - KOTA BATU\n      - palopo\n"),
        )
        doc = document(run, write, new)
        assert doc["same"] is True
        assert diff_of(run, write, new, "--exit-code").exit_code == 0


class TestEachKind:
    def test_entry_added(self, run: Run, write: Write) -> None:
        """If a region is added to a cohort, then it is listed with its status, and the
        figures that move with it."""
        new = edited(
            ("  - year: 2018\n    declared: 2\n", "  - year: 2018\n    declared: 3\n"),
            ("      - Kota Palopo\n", "      - Kota Palopo\n      - Kabupaten Jombang\n"),
        )
        doc = document(run, write, new)
        assert doc["cohorts"] == [
            {
                "year": 2018,
                "change": "changed",
                "facts": [{"field": "declared", "old": 2, "new": 3}],
                "added": [{"code": "35.17", "name": "Kabupaten Jombang", "status": "confirmed"}],
                "removed": [],
                "changed": [],
            }
        ]
        assert doc["figures"] == {
            "before": BEFORE,
            "after": {"unique_declared": 5, "unique_identified": 5, "gap": 0},
            "cohorts": [
                {"year": 2018, "cumulative_declared": [4, 5], "cumulative_identified": [4, 5]}
            ],
            "counting": [
                {
                    "code": "35.17",
                    "name": "Kabupaten Jombang",
                    "year": 2018,
                    "old": "not counted",
                    "new": "new",
                }
            ],
        }
        assert cohort_block(diff_of(run, write, new).stdout, 2018) == [
            "cohort 2018: changed",
            "  ~ declared: 2 -> 3",
            "  + Kabupaten Jombang (35.17), confirmed (counted as new)",
            "  figures: cumulative declared 4 -> 5; cumulative identified 4 -> 5",
        ]

    def test_entry_removed_and_counting_moves(self, run: Run, write: Write) -> None:
        """If a 2017 member is removed, then its 2018 membership stops being a repeat
        and becomes new: the counting change is reported in the cohort it happens in."""
        new = edited(
            ("unique: 3}", "unique: 2}"),
            ("      - Kota Batu\n      - code", "      - code"),
            ("declared: 3\n", "declared: 2\n"),
        )
        doc = document(run, write, new)
        assert doc["cohorts"] == [
            {
                "year": 2017,
                "change": "changed",
                "facts": [{"field": "declared", "old": 3, "new": 2}],
                "added": [],
                "removed": [{"code": "35.79", "name": "Kota Batu", "status": "confirmed"}],
                "changed": [],
            }
        ]
        assert doc["figures"]["counting"] == [
            {
                "code": "35.79",
                "name": "Kota Batu",
                "year": 2017,
                "old": "new",
                "new": "not counted",
            },
            {"code": "35.79", "name": "Kota Batu", "year": 2018, "old": "repeat", "new": "new"},
        ]
        assert doc["figures"]["cohorts"] == [
            {"year": 2017, "cumulative_declared": [3, 2], "cumulative_identified": [3, 2]},
            {"year": 2018, "cumulative_declared": [4, 3], "gap": [0, -1]},
        ]
        text = diff_of(run, write, new).stdout
        assert cohort_block(text, 2017) == [
            "cohort 2017: changed",
            "  ~ declared: 3 -> 2",
            "  - Kota Batu (35.79), confirmed (was counted as new)",
            "  figures: cumulative declared 3 -> 2; cumulative identified 3 -> 2",
        ]
        assert cohort_block(text, 2018) == [
            "cohort 2018: unchanged, figures move",
            "  counted: Kota Batu (35.79): repeat -> new",
            "  figures: cumulative declared 4 -> 3; gap 0 -> -1",
        ]

    def test_status_change(self, run: Run, write: Write) -> None:
        """If an entry's status changes, then old -> new is reported for its code."""
        new = edited(("status: probable", "status: disputed"))
        doc = document(run, write, new)
        assert doc["cohorts"][0]["changed"] == [
            {
                "code": "73.22",
                "name": "Kabupaten Luwu Utara",
                "field": "status",
                "old": "probable",
                "new": "disputed",
            }
        ]
        assert doc["figures"]["counting"] == [
            {
                "code": "73.22",
                "name": "Kabupaten Luwu Utara",
                "year": 2017,
                "old": "new",
                "new": "not counted",
            }
        ]
        assert '  ~ Kabupaten Luwu Utara (73.22): status "probable" -> "disputed"' in (
            diff_of(run, write, new).stdout.splitlines()
        )

    def test_sources_and_note_change(self, run: Run, write: Write) -> None:
        """If an entry's sources and note change, then each is one item, and no figure moves."""
        new = edited(
            ("sources: [https://a.example]", "sources: [https://b.example]"),
            ("note: year inferred", "note: year from the bimtek dates"),
        )
        doc = document(run, write, new)
        assert doc["cohorts"][0]["changed"] == [
            {
                "code": "73.22",
                "name": "Kabupaten Luwu Utara",
                "field": "sources",
                "old": ["https://a.example"],
                "new": ["https://b.example"],
            },
            {
                "code": "73.22",
                "name": "Kabupaten Luwu Utara",
                "field": "note",
                "old": "year inferred",
                "new": "year from the bimtek dates",
            },
        ]
        assert doc["figures"]["cohorts"] == [] and doc["figures"]["counting"] == []
        assert cohort_block(diff_of(run, write, new).stdout, 2017) == [
            "cohort 2017: changed",
            "  ~ Kabupaten Luwu Utara (73.22): sources +https://b.example -https://a.example",
            '  ~ Kabupaten Luwu Utara (73.22): note "year inferred" -> '
            '"year from the bimtek dates"',
        ]

    def test_cohort_facts(self, run: Run, write: Write) -> None:
        """If a cohort's title, MoU date and sources change, then each fact is reported."""
        new = edited(
            (
                "    title: tahap 1\n",
                "    title: tahap satu\n    mou_date: 2017-05-22\n"
                "    sources: [https://mou.example]\n",
            ),
        )
        doc = document(run, write, new)
        assert doc["cohorts"][0]["facts"] == [
            {"field": "mou_date", "old": None, "new": "2017-05-22"},
            {"field": "title", "old": "tahap 1", "new": "tahap satu"},
            {"field": "sources", "old": [], "new": ["https://mou.example"]},
        ]

    def test_declared_repeats_change_moves_the_gap(self, run: Run, write: Write) -> None:
        """If declared_repeats changes, then the official total and the gap move."""
        new = edited(("declared_repeats: 1", "declared_repeats: 0"))
        doc = document(run, write, new)
        assert doc["cohorts"][0]["facts"] == [{"field": "declared_repeats", "old": 1, "new": 0}]
        assert doc["figures"]["after"] == {"unique_declared": 5, "unique_identified": 4, "gap": 1}
        assert doc["figures"]["cohorts"] == [
            {"year": 2018, "cumulative_declared": [4, 5], "gap": [0, 1]}
        ]

    def test_cohorts_added_and_removed(self, run: Run, write: Write) -> None:
        """If a cohort is removed and another added, then each is whole: its facts and
        every entry."""
        new = OLD.split("  - year: 2018")[0] + (
            "  - year: 2019\n    declared: 1\n    regions:\n      - Kabupaten Ngawi\n"
        )
        doc = document(run, write, new)
        assert doc["cohorts"] == [
            {
                "year": 2018,
                "change": "removed",
                "facts": [
                    {"field": "declared", "old": 2, "new": None},
                    {"field": "declared_repeats", "old": 1, "new": 0},
                ],
                "added": [],
                "removed": [
                    {"code": "35.79", "name": "Kota Batu", "status": "confirmed"},
                    {"code": "73.73", "name": "Kota Palopo", "status": "confirmed"},
                ],
                "changed": [],
            },
            {
                "year": 2019,
                "change": "added",
                "facts": [{"field": "declared", "old": None, "new": 1}],
                "added": [{"code": "35.21", "name": "Kabupaten Ngawi", "status": "confirmed"}],
                "removed": [],
                "changed": [],
            },
        ]
        assert doc["figures"]["cohorts"] == [
            {
                "year": 2018,
                "cumulative_declared": [4, None],
                "cumulative_identified": [4, None],
                "gap": [0, None],
            },
            {
                "year": 2019,
                "cumulative_declared": [None, 4],
                "cumulative_identified": [None, 4],
                "gap": [None, 0],
            },
        ]

    def test_published_totals(self, run: Run, write: Write) -> None:
        """If a published total changes and another is added, then both are reported by
        their year."""
        new = edited(
            (
                "  - {through: 2017, unique: 3}\n",
                "  - {through: 2017, unique: 3, source: the ministry}\n"
                "  - {through: 2018, unique: 4}\n",
            ),
        )
        doc = document(run, write, new)
        assert doc["published"] == [
            {
                "through": 2017,
                "change": "changed",
                "old": 3,
                "new": 3,
                "old_source": None,
                "new_source": "the ministry",
            },
            {
                "through": 2018,
                "change": "added",
                "old": None,
                "new": 4,
                "old_source": None,
                "new_source": None,
            },
        ]
        assert doc["cohorts"] == [] and doc["same"] is False
        lines = diff_of(run, write, new).stdout.splitlines()
        assert lines[lines.index("published totals") :][:3] == [
            "published totals",
            '  ~ through 2017: source none -> "the ministry"',
            "  + through 2018: 4",
        ]


TOGETHER = edited(
    (
        "  - {through: 2017, unique: 3}\n",
        "  - {through: 2017, unique: 3}\n  - {through: 2018, unique: 5}\n",
    ),
    ("status: probable", "status: confirmed"),
    ("  - year: 2018\n    declared: 2\n", "  - year: 2018\n    declared: 3\n"),
    ("      - Kota Palopo\n", "      - Kota Palopo\n      - Kabupaten Jombang\n"),
)
"""Several changes at once: a status, an entry and a fact, a published total."""


class TestTogether:
    def test_json(self, run: Run, write: Write) -> None:
        """If several things change, then the JSON document lists them all, exactly."""
        result = diff_of(run, write, TOGETHER, "--format", "json", "--exit-code")
        assert result.exit_code == 1, result
        doc = json.loads(result.stdout)
        assert doc["old"].endswith("old.yaml") and doc["new"].endswith("new.yaml")
        del doc["old"], doc["new"]
        assert doc == {
            "same": False,
            "programme": None,
            "cohorts": [
                {
                    "year": 2017,
                    "change": "changed",
                    "facts": [],
                    "added": [],
                    "removed": [],
                    "changed": [
                        {
                            "code": "73.22",
                            "name": "Kabupaten Luwu Utara",
                            "field": "status",
                            "old": "probable",
                            "new": "confirmed",
                        }
                    ],
                },
                {
                    "year": 2018,
                    "change": "changed",
                    "facts": [{"field": "declared", "old": 2, "new": 3}],
                    "added": [
                        {"code": "35.17", "name": "Kabupaten Jombang", "status": "confirmed"}
                    ],
                    "removed": [],
                    "changed": [],
                },
            ],
            "published": [
                {
                    "through": 2018,
                    "change": "added",
                    "old": None,
                    "new": 5,
                    "old_source": None,
                    "new_source": None,
                }
            ],
            "figures": {
                "before": BEFORE,
                "after": {"unique_declared": 5, "unique_identified": 5, "gap": 0},
                "cohorts": [
                    {"year": 2018, "cumulative_declared": [4, 5], "cumulative_identified": [4, 5]}
                ],
                "counting": [
                    {
                        "code": "35.17",
                        "name": "Kabupaten Jombang",
                        "year": 2018,
                        "old": "not counted",
                        "new": "new",
                    }
                ],
            },
        }

    def test_text(self, run: Run, write: Write) -> None:
        """If several things change, then the text report groups them by cohort and ends
        with the totals; the summary line goes to stderr."""
        result = diff_of(run, write, TOGETHER)
        assert result.exit_code == 0, result
        lines = result.stdout.splitlines()
        assert lines[0].startswith("--- ") and lines[0].endswith("old.yaml")
        assert lines[1].startswith("+++ ") and lines[1].endswith("new.yaml")
        assert lines[2:] == [
            "",
            "cohort 2017: changed",
            '  ~ Kabupaten Luwu Utara (73.22): status "probable" -> "confirmed"',
            "",
            "cohort 2018: changed",
            "  ~ declared: 2 -> 3",
            "  + Kabupaten Jombang (35.17), confirmed (counted as new)",
            "  figures: cumulative declared 4 -> 5; cumulative identified 4 -> 5",
            "",
            "published totals",
            "  + through 2018: 5",
            "",
            "totals",
            "  distinct regions (declared):   4 -> 5",
            "  distinct regions (identified): 4 -> 5",
            "  gap:                           0 -> 0",
        ]
        assert result.stderr == (
            "2 cohorts (0 added, 0 removed, 2 changed); entries 1 added, 0 removed, 1 changed; "
            "1 published total changed; distinct regions 4 -> 5 declared, 4 -> 5 identified\n"
        )
        assert "\x1b[" not in result.stdout

    def test_markdown(self, run: Run, write: Write) -> None:
        """If several things change, then the Markdown comment has the totals table and
        one section a cohort."""
        result = diff_of(run, write, TOGETHER, "--format", "markdown")
        assert result.exit_code == 0, result
        lines = result.stdout.splitlines()
        assert lines[0].startswith("### Ledger changes: ")
        assert lines[1:] == [
            "",
            "2 cohorts (0 added, 0 removed, 2 changed); entries 1 added, 0 removed, 1 changed; "
            "1 published total changed; distinct regions 4 → 5 declared, 4 → 5 identified",
            "",
            "| Figure | Before | After |",
            "| --- | ---: | ---: |",
            "| distinct regions (declared) | 4 | 5 |",
            "| distinct regions (identified) | 4 | 5 |",
            "| gap | 0 | 0 |",
            "",
            "#### Cohort 2017: changed",
            "",
            '- changed Kabupaten Luwu Utara (73.22): status "probable" → "confirmed"',
            "",
            "#### Cohort 2018: changed",
            "",
            "- declared: 2 → 3",
            "- added Kabupaten Jombang (35.17), confirmed (counted as new)",
            "- figures: cumulative declared 4 → 5; cumulative identified 4 → 5",
            "",
            "#### Published totals",
            "",
            "- added through 2018: 5",
        ]

    def test_github(
        self, run: Run, write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Under GitHub Actions, then each changed entry is a notice at its line in NEW,
        the text report follows, and the Markdown is appended to the step summary."""
        summary = tmp_path / "summary.md"
        summary.write_text("earlier step\n", encoding="utf-8")
        monkeypatch.setenv("GITHUB_ACTIONS", "true")
        monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
        result = diff_of(run, write, TOGETHER)  # github is the default under Actions
        assert result.exit_code == 0, result
        new = str(tmp_path / "new.yaml").replace(":", "%3A").replace(",", "%2C")
        notices = [line for line in result.stdout.splitlines() if line.startswith("::")]
        assert notices == [
            f"::notice file={new},line=12,col=9,title=cohort 2017 changed::"
            'Kabupaten Luwu Utara (73.22): status "probable" -> "confirmed"',
            f"::notice file={new},line=17,col=15,title=cohort 2018 changed::declared: 2 -> 3",
            f"::notice file={new},line=21,col=9,title=cohort 2018 changed::"
            "added Kabupaten Jombang (35.17), confirmed",
            f"::notice file={new},line=4,col=29,title=published total added::through 2018: 5",
        ]
        assert "cohort 2018: changed" in result.stdout
        written = summary.read_text(encoding="utf-8")
        assert written.startswith("earlier step\n### Ledger changes: ")
        assert written.endswith("- added through 2018: 5\n")

    def test_github_outside_actions_writes_no_summary(
        self, run: Run, write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If --format github is asked for outside Actions, then no step summary is written."""
        summary = tmp_path / "summary.md"
        monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
        result = diff_of(run, write, TOGETHER, "--format", "github")
        assert result.exit_code == 0, result
        assert result.stdout.startswith("::notice ")
        assert not summary.exists()


class TestSides:
    def test_several_files_and_stdin(self, run: Run, write: Write) -> None:
        """If the new side is two files (--new twice) and the old side standard input,
        then the files form one ledger."""
        first, second = TOGETHER.split("  - year: 2018")
        a = write("a.yaml", first)
        b = write("b.yaml", "version: 1\ncohorts:\n  - year: 2018" + second)
        result = run("diff", "-", "--new", str(a), "--new", str(b), "-f", "json", input=OLD)
        assert result.exit_code == 0, result
        doc = json.loads(result.stdout)
        assert doc["old"] == "<stdin>"
        assert doc["new"] == f"{a}, {b}"
        assert [c["year"] for c in doc["cohorts"]] == [2017, 2018]

    def test_store_side(self, run: Run, write: Write) -> None:
        """If one side is @store, then the stored ledger is compared (created from the
        bundled dataset on first use): the bundled file against it is no change."""
        from tests.conftest import BUNDLED

        result = run("diff", "@store", str(BUNDLED), "--exit-code")
        assert result.exit_code == 0, result
        assert result.stdout == f"no changes between @store and {BUNDLED}\n"


class TestErrors:
    def test_one_side_invalid(self, run: Run, write: Write) -> None:
        """If the new side has errors, then its findings are printed with file:line:col
        and the diff exits 1 without comparing."""
        result = diff_of(run, write, edited(("Kota Palopo", "Kota Palopoo")))
        assert result.exit_code == 1, result
        assert result.stdout == ""
        assert "new.yaml:19:9: error[unknown-region]" in result.stderr
        assert result.stderr.splitlines()[-2].startswith("gmsc: cannot compare: the new ledger (")
        assert result.stderr.splitlines()[-2].endswith("new.yaml) has 1 error")
        assert result.stderr.splitlines()[-1] == "  hint: gmsc validate shows every finding"

    def test_both_sides_invalid(self, run: Run, write: Write) -> None:
        """If both sides have errors, then both sides' findings and counts are given."""
        old = write("old.yaml", "version: 2\ncohorts: []\n")
        new = write("new.yaml", "version: 1\ncohorts:\n  - year: 2017\n    yaer: 1\n")
        result = run("diff", str(old), str(new))
        assert result.exit_code == 1, result
        assert f"{old}:1:10: error[" in result.stderr
        assert f"{new}:4:5: error[unknown-field]" in result.stderr
        assert f"the old ledger ({old}) has 1 error; the new ledger ({new}) has " in result.stderr

    def test_invalid_side_under_github(self, run: Run, write: Write) -> None:
        """If a side is invalid under --format github, then the findings are annotations."""
        result = diff_of(run, write, edited(("Kota Palopo", "Kota Palopoo")), "-f", "github")
        assert result.exit_code == 1, result
        assert result.stdout.startswith("::error file=")

    def test_unreadable_file(self, run: Run, write: Write, tmp_path: Path) -> None:
        """If a file cannot be read, then one line says so and the exit is 3."""
        old = write("old.yaml", OLD)
        result = run("diff", str(old), str(tmp_path / "missing.yaml"))
        assert result.exit_code == 3, result
        assert result.stderr.splitlines()[0] == (
            f"gmsc: cannot read {tmp_path / 'missing.yaml'}: no such file"
        )

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["a.yaml"], "name two ledgers"),
            (["a.yaml", "b.yaml", "c.yaml"], "name two ledgers"),
            (["--old", "a.yaml", "b.yaml", "c.yaml"], "name two ledgers"),
            (["-", "-"], "only one side can be read from standard input"),
            (["--old", "@store", "--old", "a.yaml", "b.yaml"], "@store is a whole ledger"),
            (["--git", "HEAD", "--old", "a.yaml"], "--git compares REV with the working copy"),
            (["a.yaml", "b.yaml", "--format", "yaml"], "'yaml' is not one of"),
        ],
    )
    def test_usage_errors(self, run: Run, args: list[str], message: str) -> None:
        """If the sides are named wrongly, then it is a usage error (exit 2)."""
        result = run("diff", *args)
        assert result.exit_code == 2, result
        assert message in result.stderr
