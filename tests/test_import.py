"""Tests of `gmsc import`: idempotence, conflicts, --replace, --dry-run, stdin, atomicity,
receipts, and files that cannot be read."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

import pytest

from conftest import BUNDLED, Result, digest

Run = Callable[..., Result]
Write = Callable[[str, str | bytes], Path]

COHORT_2025 = dedent(
    """\
    version: 1
    cohorts:
      - year: 2025
        declared: 3
        declared_repeats: 1
        regions:
          - {code: "75.01", name: Kabupaten Gorontalo}
          - Kota Tarakan
          - "33.19"
    """
)
"""A new cohort: two regions never mentored before, and Kudus (2018, 2021) again."""

COHORT_2025_AMENDED = dedent(
    """\
    version: 1
    cohorts:
      - year: 2025
        declared: 2
        declared_repeats: 1
        regions:
          - {code: "75.01", name: Kabupaten Gorontalo}
          - "33.19"
    """
)
"""The same year with different content: Kota Tarakan dropped."""

COHORT_2026 = dedent(
    """\
    version: 1
    cohorts:
      - year: 2026
        declared: 2
        regions:
          - Kabupaten Bulungan
          - Kabupaten Malinau
    """
)

IMPORTED_2025 = (
    "imported: 1 added, 0 replaced, 0 unchanged; "
    "distinct regions 251 -> 253 declared, 230 -> 232 identified\n"
)


def unchanged(count: int) -> str:
    """What an import that changes nothing says."""
    return f"unchanged: 0 added, 0 replaced, {count} unchanged; the store was not written\n"


REFUSED_HINT = "  hint: run gmsc validate on the files for every finding; the store is unchanged\n"
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")
"""An import receipt's time: UTC, to the second."""


def file_hash(data: str | bytes) -> str:
    """A file's SHA-256, as `import --history --format json` gives it."""
    raw = data.encode() if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def history(run: Run) -> list[dict[str, str]]:
    """The receipts of `import --history --format json`, each time checked and dropped."""
    result = run("import", "--history", "--format", "json")
    assert result.exit_code == 0, result
    receipts = json.loads(result.stdout)
    for receipt in receipts:
        assert STAMP.match(receipt.pop("imported_at")), receipt
    return receipts


def stored_years(db: Path) -> list[int]:
    """The cohort years in the store, read with sqlite3 behind gmsc's back."""
    con = sqlite3.connect(db)
    try:
        return [row[0] for row in con.execute("SELECT year FROM cohort ORDER BY year")]
    finally:
        con.close()


@pytest.fixture
def bundled_store(run: Run, isolated_store: Path) -> Path:
    """The store, created from the bundled dataset."""
    result = run("init")
    assert result.exit_code == 0, result
    return isolated_store


class TestIdempotence:
    """Importing what the store already holds changes nothing, byte for byte."""

    def test_same_file_twice(self, run: Run, write: Write, bundled_store: Path) -> None:
        """If the same cohort file is imported twice, then the second import says unchanged
        and the store file is byte-identical."""
        cohort = write("c2025.yaml", COHORT_2025)
        first = run("import", str(cohort))
        assert first.exit_code == 0, first
        assert first.stdout == IMPORTED_2025
        assert first.stderr == ""
        before = digest(bundled_store)
        second = run("import", str(cohort))
        assert second.exit_code == 0, second
        assert second.stdout == unchanged(1)
        assert second.stderr == ""
        assert digest(bundled_store) == before

    def test_bundled_file_into_the_bundled_store(self, run: Run, bundled_store: Path) -> None:
        """If the bundled data file is imported into the store made from it, then all seven
        cohorts are unchanged and the store is byte-identical."""
        before = digest(bundled_store)
        result = run("import", str(BUNDLED))
        assert result.exit_code == 0, result
        assert result.stdout == unchanged(7)
        assert digest(bundled_store) == before

    def test_unchanged_import_leaves_no_receipt(
        self, run: Run, write: Write, bundled_store: Path
    ) -> None:
        """If an import changes nothing, then it records no receipt."""
        cohort = write("c2025.yaml", COHORT_2025)
        run("import", str(cohort))
        run("import", str(cohort))
        assert [r["file"] for r in history(run)] == ["bundled cohorts.yaml", str(cohort)]

    def test_reordered_text_with_same_content(
        self, run: Run, write: Write, bundled_store: Path
    ) -> None:
        """If a file says the same cohort in other words (names for codes, other key order,
        comments), then it is unchanged."""
        run("import", str(write("c2025.yaml", COHORT_2025)))
        before = digest(bundled_store)
        same = dedent(
            """\
            # the 2025 cohort, written differently
            cohorts:
              - regions:
                  - Kab. Gorontalo
                  - {name: KOTA TARAKAN, status: confirmed}
                  - Kudus
                declared_repeats: 1
                year: 2025
                declared: 3
            version: 1
            """
        )
        result = run("import", str(write("same.yaml", same)))
        assert result.exit_code == 0, result
        assert result.stdout == unchanged(1)
        assert digest(bundled_store) == before


class TestConflicts:
    """A stored year with different content is refused unless --replace."""

    def test_conflict_is_refused(self, run: Run, write: Write, bundled_store: Path) -> None:
        """If a file holds a stored year with different content, then the import reports
        cohort-conflict at the year, exits 1, and leaves the store's bytes unchanged."""
        run("import", str(write("c2025.yaml", COHORT_2025)))
        before = digest(bundled_store)
        amended = write("amended.yaml", COHORT_2025_AMENDED)
        result = run("import", str(amended))
        assert result.exit_code == 1, result
        assert result.stdout == ""
        assert result.stderr == (
            f"{amended}:3:11: error[cohort-conflict] cohort 2025 is already in the store "
            "with different content\n"
            "    hint: import with --replace to replace it (gmsc export shows the stored one)\n"
            "gmsc: nothing imported: the import has 1 error\n" + REFUSED_HINT
        )
        assert digest(bundled_store) == before

    def test_conflict_with_a_bundled_cohort(
        self, run: Run, write: Write, bundled_store: Path
    ) -> None:
        """If a file changes a bundled cohort (2017 with one region), then it is a conflict
        and nothing else from the file is stored."""
        before = digest(bundled_store)
        text = COHORT_2026 + '  - year: 2017\n    declared: 25\n    regions: ["14.05"]\n'
        changed = write("changed.yaml", text)
        result = run("import", str(changed))
        assert result.exit_code == 1, result
        assert result.stderr == (
            f"{changed}:8:11: error[cohort-conflict] cohort 2017 is already in the store "
            "with different content\n"
            "    hint: import with --replace to replace it (gmsc export shows the stored one)\n"
            "gmsc: nothing imported: the import has 1 error\n" + REFUSED_HINT
        )
        assert digest(bundled_store) == before
        assert stored_years(bundled_store) == [2017, 2018, 2019, 2021, 2022, 2023, 2024]

    def test_replace_replaces_the_cohort_whole(
        self, run: Run, write: Write, bundled_store: Path
    ) -> None:
        """If --replace is given, then the stored year is replaced whole and the totals
        move with it."""
        run("import", str(write("c2025.yaml", COHORT_2025)))
        amended = write("amended.yaml", COHORT_2025_AMENDED)
        result = run("import", "--replace", str(amended))
        assert result.exit_code == 0, result
        assert result.stderr == ""
        assert result.stdout == (
            "imported: 0 added, 1 replaced, 0 unchanged; "
            "distinct regions 253 -> 252 declared, 232 -> 231 identified\n"
        )
        members = run("cohort", "2025", "--format", "csv")
        assert members.stdout == (
            "code,name,province,status,counted,earlier_years,note,sources\n"
            "75.01,Kabupaten Gorontalo,Gorontalo,confirmed,new,,,\n"
            "33.19,Kabupaten Kudus,Jawa Tengah,confirmed,repeat,2018 2021,,\n"
        )
        receipt = history(run)[-1]
        assert receipt == {
            "file": str(amended),
            "sha256": file_hash(COHORT_2025_AMENDED),
            "added": "",
            "replaced": "2025",
            "unchanged": "",
        }

    def test_replace_with_identical_content_is_unchanged(
        self, run: Run, write: Write, bundled_store: Path
    ) -> None:
        """If --replace is given with content equal to the store's, then nothing is
        written."""
        cohort = write("c2025.yaml", COHORT_2025)
        run("import", str(cohort))
        before = digest(bundled_store)
        result = run("import", "--replace", str(cohort))
        assert result.exit_code == 0, result
        assert result.stdout == unchanged(1)
        assert digest(bundled_store) == before


class TestDryRun:
    """`--dry-run` prints the plan and how the totals would move, and writes nothing."""

    def test_dry_run_of_an_addition(self, run: Run, write: Write, bundled_store: Path) -> None:
        """If --dry-run is given, then the plan and the moved totals are printed and the
        store's bytes are unchanged."""
        before = digest(bundled_store)
        result = run("import", "--dry-run", str(write("c2025.yaml", COHORT_2025)))
        assert result.exit_code == 0, result
        assert result.stderr == ""
        assert result.stdout == (
            "add:       2025\n"
            "replace:   none\n"
            "unchanged: none\n"
            "published totals: no change\n"
            "distinct regions (declared):   251 -> 253\n"
            "distinct regions (identified): 230 -> 232\n"
            "would import: 1 added, 0 replaced, 0 unchanged; distinct regions 251 -> 253 "
            "declared, 230 -> 232 identified (dry run: nothing written)\n"
        )
        assert digest(bundled_store) == before
        assert stored_years(bundled_store) == [2017, 2018, 2019, 2021, 2022, 2023, 2024]

    def test_dry_run_of_a_replacement(self, run: Run, write: Write, bundled_store: Path) -> None:
        """If --dry-run --replace meets a changed year and an unchanged one, then the plan
        lists each and nothing is written."""
        run("import", str(write("c2025.yaml", COHORT_2025)))
        before = digest(bundled_store)
        amended = write("amended.yaml", COHORT_2025_AMENDED)
        result = run("import", "--dry-run", "--replace", str(amended), str(BUNDLED))
        assert result.exit_code == 0, result
        assert result.stdout == (
            "add:       none\n"
            "replace:   2025\n"
            "unchanged: 2017, 2018, 2019, 2021, 2022, 2023, 2024\n"
            "published totals: no change\n"
            "distinct regions (declared):   253 -> 252\n"
            "distinct regions (identified): 232 -> 231\n"
            "would import: 0 added, 1 replaced, 7 unchanged; distinct regions 253 -> 252 "
            "declared, 232 -> 231 identified (dry run: nothing written)\n"
        )
        assert digest(bundled_store) == before

    def test_dry_run_of_nothing_new(self, run: Run, bundled_store: Path) -> None:
        """If a dry run would change nothing, then it says unchanged like a real import."""
        before = digest(bundled_store)
        result = run("import", "--dry-run", str(BUNDLED))
        assert result.exit_code == 0, result
        assert result.stdout == (
            "add:       none\n"
            "replace:   none\n"
            "unchanged: 2017, 2018, 2019, 2021, 2022, 2023, 2024\n"
            "published totals: no change\n"
            "distinct regions (declared):   251 -> 251\n"
            "distinct regions (identified): 230 -> 230\n"
            "unchanged: 0 added, 0 replaced, 7 unchanged; the store was not written\n"
        )
        assert digest(bundled_store) == before

    def test_dry_run_still_refuses_a_conflict(
        self, run: Run, write: Write, bundled_store: Path
    ) -> None:
        """If a dry run meets a conflict, then it exits 1 like the import would."""
        run("import", str(write("c2025.yaml", COHORT_2025)))
        before = digest(bundled_store)
        result = run("import", "--dry-run", str(write("amended.yaml", COHORT_2025_AMENDED)))
        assert result.exit_code == 1, result
        assert result.stdout == ""
        assert "error[cohort-conflict] cohort 2025" in result.stderr
        assert digest(bundled_store) == before


class TestStdin:
    """`-` reads the ledger from standard input."""

    def test_import_from_stdin(self, run: Run, bundled_store: Path) -> None:
        """If the file is `-`, then the import reads stdin and records '<stdin>' with the
        input's hash."""
        result = run("import", "-", input=COHORT_2025)
        assert result.exit_code == 0, result
        assert result.stdout == IMPORTED_2025
        assert history(run)[-1] == {
            "file": "<stdin>",
            "sha256": file_hash(COHORT_2025),
            "added": "2025",
            "replaced": "",
            "unchanged": "",
        }

    def test_stdin_errors_point_at_stdin(self, run: Run, bundled_store: Path) -> None:
        """If stdin holds an ambiguous name, then the finding points at <stdin>:line:col and
        nothing is imported."""
        before = digest(bundled_store)
        text = "version: 1\ncohorts:\n  - year: 2025\n    regions: [Bogor]\n"
        result = run("import", "-", input=text)
        assert result.exit_code == 1, result
        assert result.stdout == ""
        assert result.stderr == (
            "<stdin>:4:15: error[ambiguous-region] 'Bogor' is ambiguous: "
            "Kabupaten Bogor (32.01), Kota Bogor (32.71)\n"
            "    hint: write the full name (Kabupaten …/Kota …) or the code\n"
            "gmsc: nothing imported: the files have 1 error\n" + REFUSED_HINT
        )
        assert digest(bundled_store) == before

    def test_stdin_together_with_a_file(self, run: Run, write: Write, bundled_store: Path) -> None:
        """If `-` is given with a file, then both are imported as one ledger, each with its
        own receipt."""
        cohort = write("c2026.yaml", COHORT_2026)
        result = run("import", str(cohort), "-", input=COHORT_2025)
        assert result.exit_code == 0, result
        assert result.stdout == (
            "imported: 2 added, 0 replaced, 0 unchanged; "
            "distinct regions 251 -> 255 declared, 230 -> 234 identified\n"
        )
        assert [(r["file"], r["added"]) for r in history(run)[1:]] == [
            (str(cohort), "2026"),
            ("<stdin>", "2025"),
        ]


class TestAtomicity:
    """Several files are written in one transaction, or not at all."""

    def test_invalid_second_file_stores_nothing(
        self, run: Run, write: Write, bundled_store: Path
    ) -> None:
        """If the second of two files is invalid, then nothing from the first is stored and
        the store's bytes are unchanged."""
        before = digest(bundled_store)
        good = write("good.yaml", COHORT_2025)
        bad = write("bad.yaml", "version: 1\ncohorts:\n  - year: 2026\n    regions: [Atlantis]\n")
        result = run("import", str(good), str(bad))
        assert result.exit_code == 1, result
        assert result.stdout == ""
        assert result.stderr == (
            f"{bad}:4:15: error[unknown-region] no kabupaten/kota has the name 'Atlantis'\n"
            "gmsc: nothing imported: the files have 1 error\n" + REFUSED_HINT
        )
        assert digest(bundled_store) == before
        assert stored_years(bundled_store) == [2017, 2018, 2019, 2021, 2022, 2023, 2024]

    def test_two_files_may_not_repeat_a_year(
        self, run: Run, write: Write, bundled_store: Path
    ) -> None:
        """If two files hold the same new year, then it is a duplicate-cohort error and
        neither is stored."""
        before = digest(bundled_store)
        first = write("a.yaml", COHORT_2025)
        second = write("b.yaml", COHORT_2025_AMENDED)
        result = run("import", str(first), str(second))
        assert result.exit_code == 1, result
        assert f"{second}:3:11: error[duplicate-cohort] cohort 2025 appears twice" in result.stderr
        assert result.stderr.endswith(
            "gmsc: nothing imported: the import has 1 error\n" + REFUSED_HINT
        )
        assert digest(bundled_store) == before

    def test_two_valid_files(self, run: Run, write: Write, bundled_store: Path) -> None:
        """If two valid files are imported together, then both cohorts are added and each
        file gets a receipt naming its own years."""
        a = write("a.yaml", COHORT_2025)
        b = write("b.yaml", COHORT_2026)
        result = run("import", str(a), str(b))
        assert result.exit_code == 0, result
        assert result.stdout == (
            "imported: 2 added, 0 replaced, 0 unchanged; "
            "distinct regions 251 -> 255 declared, 230 -> 234 identified\n"
        )
        assert history(run)[1:] == [
            {"file": str(a), "sha256": file_hash(COHORT_2025), "added": "2025",
             "replaced": "", "unchanged": ""},
            {"file": str(b), "sha256": file_hash(COHORT_2026), "added": "2026",
             "replaced": "", "unchanged": ""},
        ]  # fmt: skip

    @pytest.mark.parametrize("point", ["entries", "commit"])
    def test_failure_mid_write_leaves_the_store(
        self,
        run: Run,
        write: Write,
        bundled_store: Path,
        monkeypatch: pytest.MonkeyPatch,
        point: str,
    ) -> None:
        """If the import fails in the middle of its write, then it exits 4 with one line, the
        store is byte-identical, and the same import succeeds afterwards."""
        before = digest(bundled_store)
        receipts = history(run)
        a = write("a.yaml", COHORT_2025)
        b = write("b.yaml", COHORT_2026)
        monkeypatch.setenv("GMSC_FAULT", point)
        result = run("import", str(a), str(b))
        assert result.exit_code == 4, result
        assert result.stdout == ""
        assert result.stderr == (
            f"gmsc: internal error: RuntimeError: injected fault at {point}\n"
            "  hint: run the same command with --traceback to see where, and report it\n"
        )
        assert digest(bundled_store) == before
        assert history(run) == receipts
        monkeypatch.delenv("GMSC_FAULT")
        retried = run("import", str(a), str(b))
        assert retried.exit_code == 0, retried
        assert stored_years(bundled_store) == [2017, 2018, 2019, 2021, 2022, 2023, 2024, 2025, 2026]

    def test_failure_while_replacing_keeps_the_old_cohort(
        self, run: Run, write: Write, bundled_store: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If a --replace fails after deleting the old entries, then the old cohort is still
        there, whole."""
        run("import", str(write("c2025.yaml", COHORT_2025)))
        before = digest(bundled_store)
        monkeypatch.setenv("GMSC_FAULT", "entries")
        result = run("import", "--replace", str(write("amended.yaml", COHORT_2025_AMENDED)))
        assert result.exit_code == 4, result
        assert digest(bundled_store) == before
        monkeypatch.delenv("GMSC_FAULT")
        members = run("cohort", "2025", "--format", "csv")
        assert [line.split(",")[0] for line in members.stdout.splitlines()] == [
            "code",
            "75.01",
            "65.71",
            "33.19",
        ]


class TestHistory:
    """Repeats in a new cohort are found against the stored cohorts."""

    def test_repeat_of_a_stored_cohort_is_counted(
        self, run: Run, write: Write, bundled_store: Path
    ) -> None:
        """If a new cohort names a region of stored cohorts, then it counts as a repeat with
        its earlier years."""
        run("import", str(write("c2025.yaml", COHORT_2025)))
        members = run("cohort", "2025", "--format", "csv")
        assert members.stdout == (
            "code,name,province,status,counted,earlier_years,note,sources\n"
            "75.01,Kabupaten Gorontalo,Gorontalo,confirmed,new,,,\n"
            "65.71,Kota Tarakan,Kalimantan Utara,confirmed,new,,,\n"
            "33.19,Kabupaten Kudus,Jawa Tengah,confirmed,repeat,2018 2021,,\n"
        )
        repeats = run("repeats", "--format", "csv")
        assert "33.19,Kabupaten Kudus,Jawa Tengah,2018 2021 2025\n" in repeats.stdout

    def test_undeclared_repeat_against_the_store(
        self, run: Run, write: Write, bundled_store: Path
    ) -> None:
        """If a new cohort declares no repeats but names a stored participant, then the
        import goes ahead and warns with repeats-mismatch naming that code: evidence
        against an official figure is reported, not refused."""
        text = COHORT_2025.replace("declared_repeats: 1", "declared_repeats: 0")
        cohort = write("c2025.yaml", text)
        result = run("import", str(cohort))
        assert result.exit_code == 0, result
        assert result.stdout.startswith("imported: 1 added, 0 replaced, 0 unchanged")
        assert result.stderr == (
            f"{cohort}:5:23: warning[repeats-mismatch] cohort 2025 declares 0 repeat "
            "participants but its list has 1 (33.19)\n"
            "    hint: check 'declared_repeats' and the statuses of earlier cohorts; "
            "gmsc reconcile lists the tension\n"
        )
        assert run("cohort", "2025", "--format", "csv").stdout.count("\n") == 4

    def test_earlier_cohort_breaks_a_stored_one(
        self, run: Run, write: Write, bundled_store: Path
    ) -> None:
        """If a new earlier cohort turns a stored 2021 member into a repeat, then the stored
        cohort's problems are reported against the store's path and nothing is imported."""
        before = digest(bundled_store)
        text = 'version: 1\ncohorts:\n  - year: 2020\n    declared: 1\n    regions: ["12.02"]\n'
        cohort = write("c2020.yaml", text)
        result = run("import", str(cohort))
        assert result.exit_code == 1, result
        assert result.stderr == (
            f"{bundled_store} (cohort 2021): warning[repeats-mismatch] cohort 2021 declares 7 "
            "repeat participants but its list has 8 "
            "(12.02, 33.19, 33.20, 33.74, 34.04, 35.14, 35.79, 64.02)\n"
            "    hint: check 'declared_repeats' and the statuses of earlier cohorts; "
            "gmsc reconcile lists the tension\n"
            f"{bundled_store} (published total through 2021): error[published-mismatch] the "
            "published total through 2021 is 141, but the cohorts' declared figures add up to 142\n"
            "    hint: check the cohorts' 'declared' and 'declared_repeats', or the published "
            "figure\n"
            f"{bundled_store} (published total through 2022): error[published-mismatch] the "
            "published total through 2022 is 191, but the cohorts' declared figures add up to 192\n"
            "    hint: check the cohorts' 'declared' and 'declared_repeats', or the published "
            "figure\n"
            f"{bundled_store} (published total through 2024): error[published-mismatch] the "
            "published total through 2024 is 251, but the cohorts' declared figures add up to 252\n"
            "    hint: check the cohorts' 'declared' and 'declared_repeats', or the published "
            "figure\n"
            "gmsc: nothing imported: the import has 3 errors\n"
            "  hint: the error is in what is stored (published total through 2021, published "
            "total through 2022, published total through 2024), with the files: gmsc export "
            "shows it; import a corrected version with --replace. The store is unchanged\n"
        )
        assert digest(bundled_store) == before

    def test_published_totals_are_merged(self, run: Run, write: Write, bundled_store: Path) -> None:
        """If a file brings a published total for a new year, then it joins the stored ones
        and is checked against the arithmetic."""
        text = COHORT_2025.replace(
            "cohorts:", "published:\n  - {through: 2025, unique: 253, source: test}\ncohorts:"
        )
        result = run("import", str(write("c2025.yaml", text)))
        assert result.exit_code == 0, result
        exported = run("export").stdout
        assert "- through: 2022\n  unique: 191\n" in exported
        assert "- through: 2025\n  unique: 253\n  source: test\n" in exported

    def test_wrong_published_total_is_refused(
        self, run: Run, write: Write, bundled_store: Path
    ) -> None:
        """If a file's published total disagrees with the declared arithmetic, then the
        import is refused with published-mismatch at that total."""
        before = digest(bundled_store)
        text = COHORT_2025.replace(
            "cohorts:", "published:\n  - {through: 2025, unique: 200}\ncohorts:"
        )
        cohort = write("c2025.yaml", text)
        result = run("import", str(cohort))
        assert result.exit_code == 1, result
        assert result.stderr == (
            f"{cohort}:3:29: error[published-mismatch] the published total through 2025 is "
            "200, but the cohorts' declared figures add up to 253\n"
            "    hint: check the cohorts' 'declared' and 'declared_repeats', or the published "
            "figure\n"
            "gmsc: nothing imported: the import has 1 error\n" + REFUSED_HINT
        )
        assert digest(bundled_store) == before


class TestReceipts:
    """`gmsc import --history`: one receipt per file of each import that changed the store."""

    def test_receipts_in_order(self, run: Run, write: Write, bundled_store: Path) -> None:
        """If the store was created from the bundled data and then two imports changed it,
        then the history lists three receipts, oldest first, with hashes and years."""
        run("import", str(write("c2025.yaml", COHORT_2025)))
        amended = write("amended.yaml", COHORT_2025_AMENDED)
        run("import", "--replace", str(amended))
        assert history(run) == [
            {
                "file": "bundled cohorts.yaml",
                "sha256": file_hash(BUNDLED.read_bytes()),
                "added": "2017,2018,2019,2021,2022,2023,2024",
                "replaced": "",
                "unchanged": "",
            },
            {
                "file": str(write("c2025.yaml", COHORT_2025)),
                "sha256": file_hash(COHORT_2025),
                "added": "2025",
                "replaced": "",
                "unchanged": "",
            },
            {
                "file": str(amended),
                "sha256": file_hash(COHORT_2025_AMENDED),
                "added": "",
                "replaced": "2025",
                "unchanged": "",
            },
        ]

    def test_receipt_names_unchanged_years(
        self, run: Run, write: Write, bundled_store: Path
    ) -> None:
        """If a file adds one year and repeats a stored one, then its receipt lists both."""
        run("import", str(write("c2025.yaml", COHORT_2025)))
        both = write("both.yaml", COHORT_2026 + COHORT_2025.split("cohorts:\n", 1)[1])
        result = run("import", str(both))
        assert result.exit_code == 0, result
        assert history(run)[-1] == {
            "file": str(both),
            "sha256": file_hash(both.read_bytes()),
            "added": "2026",
            "replaced": "",
            "unchanged": "2025",
        }

    def test_empty_store_has_no_receipts(self, run: Run) -> None:
        """If the store was created empty, then the history is an empty list."""
        run("init", "--empty")
        result = run("import", "--history", "--format", "json")
        assert result.exit_code == 0, result
        assert result.stdout == "[]\n"


class TestEmptyStore:
    """`gmsc init --empty`, then imports."""

    def test_import_into_an_empty_store(self, run: Run, write: Write) -> None:
        """If the store was created empty, then an import starts the totals from zero."""
        run("init", "--empty")
        result = run("import", str(write("c2026.yaml", COHORT_2026)))
        assert result.exit_code == 0, result
        assert result.stderr == ""
        assert result.stdout == (
            "imported: 1 added, 0 replaced, 0 unchanged; "
            "distinct regions 0 -> 2 declared, 0 -> 2 identified\n"
        )

    def test_bundled_file_into_an_empty_store(self, run: Run) -> None:
        """If the bundled file is imported into an empty store, then the totals are those of
        a store created from the bundled dataset."""
        run("init", "--empty")
        result = run("import", str(BUNDLED))
        assert result.exit_code == 0, result
        assert result.stdout == (
            "imported: 7 added, 0 replaced, 0 unchanged; "
            "distinct regions 0 -> 251 declared, 0 -> 230 identified\n"
        )
        totals = run("totals", "--format", "csv")
        assert totals.stdout.splitlines()[-1] == "Total,,7,,,,,7,,,,251,230"

    def test_repeat_within_the_files_is_needed(self, run: Run, write: Write) -> None:
        """If the store is empty, then a fully listed cohort declaring a repeat it cannot
        show is imported with a repeats-mismatch warning (repeats are found only against
        what the store and files hold)."""
        run("init", "--empty")
        cohort = write("c2025.yaml", COHORT_2025)
        result = run("import", str(cohort))
        assert result.exit_code == 0, result
        assert result.stderr.startswith(
            f"{cohort}:5:23: warning[repeats-mismatch] cohort 2025 declares 1 repeat "
            "participants but its list has 0 (none)\n"
        )


class TestUnreadableFiles:
    """Files that cannot be read are environment failures (exit 3) that write nothing."""

    def test_missing_file(self, run: Run, bundled_store: Path, tmp_path: Path) -> None:
        """If a named file does not exist, then the import exits 3 naming it and the store is
        unchanged."""
        before = digest(bundled_store)
        missing = tmp_path / "nope.yaml"
        result = run("import", str(missing))
        assert result.exit_code == 3, result
        assert result.stdout == ""
        assert result.stderr == (
            f"gmsc: cannot read {missing}: no such file\n  hint: check the path\n"
        )
        assert digest(bundled_store) == before

    def test_missing_second_file(
        self, run: Run, write: Write, bundled_store: Path, tmp_path: Path
    ) -> None:
        """If the second of two files does not exist, then the first is not imported
        either."""
        before = digest(bundled_store)
        missing = tmp_path / "nope.yaml"
        result = run("import", str(write("c2025.yaml", COHORT_2025)), str(missing))
        assert result.exit_code == 3, result
        assert result.stderr == (
            f"gmsc: cannot read {missing}: no such file\n  hint: check the path\n"
        )
        assert digest(bundled_store) == before

    def test_directory(self, run: Run, bundled_store: Path, tmp_path: Path) -> None:
        """If a directory is named, then the import exits 3 asking for the files in it."""
        folder = tmp_path / "cohorts"
        folder.mkdir()
        result = run("import", str(folder))
        assert result.exit_code == 3, result
        assert result.stderr == (
            f"gmsc: cannot read {folder}: it is a directory\n  hint: name the YAML files in it\n"
        )

    def test_missing_file_creates_no_store(
        self, run: Run, isolated_store: Path, tmp_path: Path
    ) -> None:
        """If the store does not exist and the named file is missing, then the import exits 3
        without creating the store."""
        missing = tmp_path / "nope.yaml"
        result = run("import", str(missing))
        assert result.exit_code == 3, result
        assert result.stderr == (
            f"gmsc: cannot read {missing}: no such file\n  hint: check the path\n"
        )
        assert not isolated_store.exists()

    def test_no_files_is_a_usage_error(self, run: Run, bundled_store: Path) -> None:
        """If `import` is given no file, then it is a usage error (exit 2)."""
        before = digest(bundled_store)
        result = run("import")
        assert result.exit_code == 2, result
        assert result.stdout == ""
        assert result.stderr.startswith("Usage: gmsc import [OPTIONS] [files]...\n")
        assert "Invalid value: name at least one file, or '-' for standard input" in result.stderr
        assert digest(bundled_store) == before


class TestImportOptions:
    """Options that belong to `import --history` only."""

    def test_format_without_history_is_a_usage_error(self, run: Run, write: Write) -> None:
        """If --format or -o is given to an import (not --history), then it is refused as a
        usage error (exit 2) instead of being silently ignored, and nothing is imported."""
        path = write("c.yaml", COHORT_2025)
        for extra in (["--format", "json"], ["-o", "out.json"]):
            result = run("import", str(path), *extra)
            assert result.exit_code == 2, result
            assert "--format and -o go with --history" in result.stderr
        assert "2025" not in run("import", "--history", "--format", "csv").stdout
