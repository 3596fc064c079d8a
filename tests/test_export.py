"""Tests of `gmsc export`: canonical YAML, the export/import identity (with Hypothesis), and
`-o FILE` for every result."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from textwrap import dedent

import pytest
from hypothesis import HealthCheck, given, settings

import strategies as gs
from conftest import BUNDLED, Result, digest
from gmsc_cli.domain.arithmetic import compute
from gmsc_cli.domain.findings import Findings
from gmsc_cli.domain.model import Cohort, Ledger
from gmsc_cli.domain.plan import cohort_content
from gmsc_cli.format1.reader import load
from gmsc_cli.format1.writer import export_yaml
from gmsc_cli.store.store import Store

Run = Callable[..., Result]
Write = Callable[[str, str | bytes], Path]

PROPERTIES = settings(
    max_examples=20,
    deadline=None,
    # Each example makes its own store under a fresh directory (see fresh_store), so the
    # function-scoped tmp_path and run fixtures are safe to share between examples.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

SYNTHETIC = dedent(
    """\
    version: 1
    programme: Test Programme
    published:
      - {through: 2018, unique: 5, source: test figures}
    cohorts:
      - year: 2018
        declared: 3
        declared_repeats: 1
        regions:
          - LUWU UTARA
          - {name: Tarakan, status: probable}
          - {code: "75.71", status: withdrawn}
      - year: 2017            # out of order on purpose
        declared: 3
        title: First
        regions:
          - code: "73.22"
            name: Kab. Luwu Utara
            sources: ["https://example.org/a"]
            note: first named
          - Palopo
          - {code: "75.01", status: disputed}
    """
)

SYNTHETIC_EXPORT = """\
# A GMSC cohort ledger, format 1, written by `gmsc export`.
version: 1
programme: Test Programme
published:
- through: 2018
  unique: 5
  source: test figures
cohorts:
- year: 2017
  declared: 3
  declared_repeats: 0
  title: First
  regions:
  - code: '73.22'
    name: Kabupaten Luwu Utara
    status: confirmed
    sources:
    - https://example.org/a
    note: first named
  - code: '73.73'
    name: Kota Palopo
    status: confirmed
  - code: '75.01'
    name: Kabupaten Gorontalo
    status: disputed
- year: 2018
  declared: 3
  declared_repeats: 1
  regions:
  - code: '73.22'
    name: Kabupaten Luwu Utara
    status: confirmed
  - code: '65.71'
    name: Kota Tarakan
    status: probable
  - code: '75.71'
    name: Kota Gorontalo
    status: withdrawn
"""
"""The canonical form of SYNTHETIC: codes with canonical names, cohorts by year."""


def fresh_store(run: Run, tmp_path: Path) -> tuple[str, Path]:
    """A new empty store in its own directory (one per Hypothesis example): its path, and
    the directory for the example's files."""
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    db = folder / "gmsc.db"
    created = run("--db", str(db), "init", "--empty")
    assert created.exit_code == 0, created
    return str(db), folder


def content(ledger: Ledger) -> tuple[object, ...]:
    """A ledger's content without file positions: equal contents mean the same ledger."""
    return (
        ledger.programme,
        tuple((p.through, p.unique, p.source) for p in ledger.published),
        tuple(cohort_content(c) for c in sorted(ledger.cohorts, key=lambda c: c.year)),
    )


def imported_line(ledger: Ledger) -> str:
    """What `gmsc import` says when it adds every cohort of `ledger` to an empty store."""
    totals = compute(ledger)
    return (
        f"imported: {len(ledger.cohorts)} added, 0 replaced, 0 unchanged; distinct regions "
        f"0 -> {totals.unique_declared} declared, 0 -> {totals.unique_identified} identified\n"
    )


class TestRoundTrip:
    """Export, then import into an empty store, reproduces the ledger byte for byte."""

    @PROPERTIES
    @given(ledger=gs.valid_model_ledgers())
    def test_export_import_export(self, run: Run, tmp_path: Path, ledger: Ledger) -> None:
        """If a valid ledger's export is imported into an empty store, then the store's
        export is byte-identical to it and the stored ledger equals the original."""
        db, folder = fresh_store(run, tmp_path)
        text = export_yaml(ledger)
        source = folder / "ledger.yaml"
        source.write_text(text, encoding="utf-8")
        imported = run("--db", db, "import", str(source))
        assert imported.exit_code == 0, imported
        assert imported.stderr == ""
        assert imported.stdout == imported_line(ledger)
        exported = run("--db", db, "export")
        assert exported.exit_code == 0, exported
        assert exported.stdout == text
        assert content(Store(db).read()) == content(ledger)

    @PROPERTIES
    @given(ledger=gs.valid_model_ledgers())
    def test_importing_twice_is_importing_once(
        self, run: Run, tmp_path: Path, ledger: Ledger
    ) -> None:
        """If the same valid ledger is imported twice, then the second import changes nothing:
        it says unchanged, the store's bytes and its export are as after the first."""
        db, folder = fresh_store(run, tmp_path)
        source = folder / "ledger.yaml"
        source.write_text(export_yaml(ledger), encoding="utf-8")
        assert run("--db", db, "import", str(source)).exit_code == 0
        before = digest(Path(db))
        once = run("--db", db, "export").stdout
        again = run("--db", db, "import", str(source))
        assert again.exit_code == 0, again
        assert again.stdout == (
            f"unchanged: 0 added, 0 replaced, {len(ledger.cohorts)} unchanged; "
            "the store was not written\n"
        )
        assert digest(Path(db)) == before
        assert run("--db", db, "export").stdout == once

    @PROPERTIES
    @given(ledger=gs.valid_ledgers())
    def test_any_spelling_exports_canonically(
        self, run: Run, tmp_path: Path, ledger: gs.ValidLedger
    ) -> None:
        """If a valid ledger written in any spelling (names, codes, cohorts out of order) is
        imported, then its export, imported into another empty store, exports identically
        and keeps the official running totals."""
        first, folder = fresh_store(run, tmp_path)
        source = folder / "ledger.yaml"
        source.write_text(gs.dump(ledger.document), encoding="utf-8")
        assert run("--db", first, "import", str(source)).exit_code == 0
        export = run("--db", first, "export").stdout
        second, folder = fresh_store(run, tmp_path)
        canonical = folder / "export.yaml"
        canonical.write_text(export, encoding="utf-8")
        imported = run("--db", second, "import", str(canonical))
        assert imported.exit_code == 0, imported
        assert run("--db", second, "export").stdout == export
        totals = json.loads(run("--db", second, "totals", "--format", "json").stdout)
        assert [c["cumulative_declared"] for c in totals["cohorts"]] == ledger.cumulative_declared
        assert [
            c["cumulative_identified"] for c in totals["cohorts"]
        ] == ledger.cumulative_identified

    def test_bundled_data(self, run: Run, tmp_path: Path) -> None:
        """If the bundled store is exported and the export imported into an empty store, then
        exporting that store gives the same bytes, and the ledger is the bundled file's."""
        first = run("export")
        assert first.exit_code == 0, first
        db, folder = fresh_store(run, tmp_path)
        exported = folder / "bundled-export.yaml"
        exported.write_text(first.stdout, encoding="utf-8")
        imported = run("--db", db, "import", str(exported))
        assert imported.exit_code == 0, imported
        assert imported.stdout == (
            "imported: 7 added, 0 replaced, 0 unchanged; "
            "distinct regions 0 -> 251 declared, 0 -> 230 identified\n"
        )
        second = run("--db", db, "export")
        assert second.stdout == first.stdout
        findings = Findings()
        bundled = load(str(BUNDLED), BUNDLED.read_bytes(), findings)
        assert content(Store(db).read()) == content(bundled)

    def test_export_is_stable(self, run: Run) -> None:
        """If the store is exported twice, then the two exports are byte-identical."""
        assert run("export").stdout == run("export").stdout


class TestCanonicalForm:
    """The export writes codes, canonical names and every fact, in a stable order."""

    def test_synthetic_export(self, run: Run, write: Write) -> None:
        """If a ledger written with names, prefixes and cohorts out of order is imported, then
        the export is canonical: quoted codes with canonical names, cohorts by year."""
        run("init", "--empty")
        assert run("import", str(write("synthetic.yaml", SYNTHETIC))).exit_code == 0
        result = run("export")
        assert result.exit_code == 0, result
        assert result.stderr == ""
        assert result.stdout == SYNTHETIC_EXPORT

    def test_empty_store(self, run: Run) -> None:
        """If the store has no cohorts, then the export is a valid empty ledger."""
        run("init", "--empty")
        result = run("export")
        assert result.exit_code == 0, result
        assert result.stdout == (
            "# A GMSC cohort ledger, format 1, written by `gmsc export`.\nversion: 1\ncohorts: []\n"
        )

    def test_bundled_export_starts_with_the_facts(self, run: Run) -> None:
        """If the bundled store is exported, then the programme and the three published
        totals come first, then the 2017 cohort."""
        result = run("export")
        assert result.stdout.startswith(
            "# A GMSC cohort ledger, format 1, written by `gmsc export`.\n"
            "version: 1\n"
            "programme: Gerakan Menuju Smart City\n"
            "published:\n"
            "- through: 2021\n"
            "  unique: 141\n"
            "  source: Menkominfo at the MoU signing of the 2022 cohort, 21 Apr 2022\n"
            "- through: 2022\n"
            "  unique: 191\n"
            "  source: Kemenkominfo at the GMSC awards, Dec 2022\n"
            "- through: 2024\n"
            "  unique: 251\n"
            "  source: Menkominfo at the National Smart City Forum, 7 Dec 2023, counting the 10 "
            "already chosen for 2024; https://en.antaranews.com/news/300501\n"
            "cohorts:\n"
            "- year: 2017\n"
            "  declared: 25\n"
            "  declared_repeats: 0\n"
        )

    def test_equal_dates_are_not_anchored(self) -> None:
        """If two cohorts share an MoU date, then the export writes the date twice rather
        than as a YAML anchor and alias, which the loader refuses."""
        day = date(2021, 5, 20)
        text = export_yaml(Ledger(cohorts=(Cohort(2021, mou_date=day), Cohort(2022, mou_date=day))))
        assert "&" not in text and "*" not in text
        assert text.count("mou_date: 2021-05-20\n") == 2


class TestOutputFile:
    """`-o FILE` writes the result to a file (format from the extension) and says so."""

    def test_export_to_a_file(self, run: Run, tmp_path: Path) -> None:
        """If export is given -o, then the file holds the export, stdout is empty, and stderr
        says 'wrote FILE'."""
        expected = run("export").stdout
        out = tmp_path / "ledger.yaml"
        result = run("export", "-o", str(out))
        assert result.exit_code == 0, result
        assert result.stdout == ""
        assert result.stderr == f"wrote {out}\n"
        assert out.read_text(encoding="utf-8") == expected

    @pytest.mark.parametrize(
        ("name", "format"),
        [
            ("totals.json", "json"),
            ("totals.csv", "csv"),
            ("totals.md", "markdown"),
            ("totals.markdown", "markdown"),
            ("totals.txt", "table"),
            ("totals.out", "table"),
            ("TOTALS.JSON", "json"),
        ],
    )
    def test_format_from_the_extension(
        self, run: Run, tmp_path: Path, name: str, format: str
    ) -> None:
        """If -o names a file, then its extension chooses the format (anything unknown is a
        table), and the file holds what --format would print."""
        expected = run("totals", "--format", format).stdout
        out = tmp_path / name
        result = run("totals", "-o", str(out))
        assert result.exit_code == 0, result
        assert result.stdout == ""
        assert result.stderr == f"wrote {out}\n"
        assert out.read_text(encoding="utf-8") == expected

    def test_format_option_beats_the_extension(self, run: Run, tmp_path: Path) -> None:
        """If both --format and -o are given, then --format decides."""
        expected = run("repeats", "--format", "csv").stdout
        out = tmp_path / "repeats.json"
        result = run("repeats", "--format", "csv", "-o", str(out))
        assert result.exit_code == 0, result
        assert out.read_text(encoding="utf-8") == expected

    @pytest.mark.parametrize(
        "command",
        [("cohort", "2021"), ("region", "Kota Batu"), ("import", "--history"), ("schema",)],
        ids=" ".join,
    )
    def test_other_results(self, run: Run, tmp_path: Path, command: tuple[str, ...]) -> None:
        """If any other result is given -o FILE.json, then the file holds its JSON."""
        expected = run(*command, *(() if command == ("schema",) else ("--format", "json")))
        out = tmp_path / "result.json"
        result = run(*command, "-o", str(out))
        assert result.exit_code == 0, result
        assert result.stderr == f"wrote {out}\n"
        assert out.read_text(encoding="utf-8") == expected.stdout

    def test_unwritable_file(self, run: Run, tmp_path: Path) -> None:
        """If the output file's directory does not exist, then the command exits 3 naming
        the file and leaves no temporary file behind."""
        run("totals")
        out = tmp_path / "missing" / "totals.csv"
        result = run("totals", "-o", str(out))
        assert result.exit_code == 3, result
        assert result.stdout == ""
        assert result.stderr == f"gmsc: cannot write {out}: No such file or directory\n"
        assert not out.parent.exists()

    def test_existing_file_is_replaced(self, run: Run, tmp_path: Path) -> None:
        """If the output file exists, then it is replaced whole and no temporary file is
        left."""
        out = tmp_path / "ledger.yaml"
        out.write_text("old content that is longer than nothing\n" * 1000, encoding="utf-8")
        result = run("export", "-o", str(out))
        assert result.exit_code == 0, result
        assert out.read_text(encoding="utf-8") == run("export").stdout
        assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.yaml", "store"]


class TestSchema:
    """`gmsc schema` prints the JSON Schema of format 1."""

    def test_schema(self, run: Run, isolated_store: Path) -> None:
        """If the schema is asked for, then it is draft 2020-12 JSON and no store is
        created."""
        result = run("schema")
        assert result.exit_code == 0, result
        assert result.stderr == ""
        document = json.loads(result.stdout)
        assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert document["title"] == "GMSC cohort ledger, format 1"
        assert not isolated_store.exists()
