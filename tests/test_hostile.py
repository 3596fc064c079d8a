"""Hostile ledger files: every one ends in a clean finding, never a traceback or a store change.

The corpus and what gmsc must say about each file are in `hostile_corpus.py`; the
committed files are in `tests/hostile/`, the big ones are generated here in tmp_path.
`python tests/hostile_corpus.py` prints the figures (inputs, clean findings, exit codes).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import Result, digest
from gmsc_cli.cli.app import app
from hostile_corpus import (
    CASES,
    HOSTILE,
    OUTPUT_CASES,
    STORE_CASES,
    Case,
    Expected,
    OutputCase,
    StoreCase,
    check_output,
    check_store,
    hostile_count,
    run_corpus,
)

Run = Callable[..., Result]

IDS = [c.name.removesuffix(".yaml") for c in CASES]


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store made by `gmsc init --empty`, copied by each test that imports."""
    db = tmp_path_factory.mktemp("template") / "empty.db"
    result = CliRunner().invoke(app, ["--db", str(db), "init", "--empty"])
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def store(empty_store: Path, isolated_store: Path) -> Path:
    """The test's own store (GMSC_DB), created empty before the hostile input arrives."""
    isolated_store.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(empty_store, isolated_store)
    return isolated_store


@pytest.fixture
def hostile(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Case, Path]:
    """The case's file: the committed one, or generated into tmp_path."""
    item: Case = request.param
    if item.make is None:
        return item, HOSTILE / item.name
    path = tmp_path / item.name
    path.write_bytes(item.make())
    return item, path


def assert_no_crash(result: Result) -> None:
    """No traceback, no internal error."""
    assert result.exit_code != 4, str(result)
    assert "Traceback" not in result.stdout + result.stderr, str(result)


def reported(expected: Expected, path: Path, findings: list[dict[str, object]]) -> bool:
    """True when `findings` (validate's JSON) hold `expected` for `path`."""
    return any(
        f["file"] == str(path)
        and f["code"] == expected.code
        and f["severity"] == "error"
        and f["line"] == expected.line
        and (expected.column is None or f["column"] == expected.column)
        for f in findings
    )


def line_of(expected: Expected, path: Path) -> str:
    """The start of the text line a finding is reported as (any column when None)."""
    column = "" if expected.column is None else f"{expected.column}:"
    return f"{path}:{expected.line}:{column}"


class TestCorpus:
    """The corpus is big enough, and the manifest and the files agree."""

    def test_at_least_forty_hostile_inputs(self) -> None:
        """The corpus holds at least 40 hostile inputs, each with a finding it must cause."""
        hostile = [c for c in CASES if not c.accepted]
        assert len(hostile) >= 40
        assert all(c.findings for c in hostile)
        assert len({c.name for c in CASES}) == len(CASES)

    def test_manifest_names_every_committed_file(self) -> None:
        """Every file in tests/hostile/ has an entry in the manifest, and every committed
        entry has its file."""
        committed = {c.name for c in CASES if c.make is None}
        assert committed == {p.name for p in HOSTILE.iterdir()}

    def test_figures(self) -> None:
        """The corpus's make-up: inputs, committed and generated, expected exit codes."""
        generated = [c for c in CASES if c.make is not None]
        assert len(CASES) - len(generated) == len(list(HOSTILE.iterdir()))
        assert {c.exit_code for c in CASES} == {0, 1}


class TestValidate:
    """`gmsc validate` refuses each hostile file with its finding at its line and column."""

    @pytest.mark.parametrize("hostile", CASES, ids=IDS, indirect=True)
    def test_finding_line_column_and_exit(self, run: Run, hostile: tuple[Case, Path]) -> None:
        """If a hostile file is validated, then the expected findings are reported at their
        line and column, the exit code is 1 (0 for an accepted file), and nothing crashes."""
        item, path = hostile
        result = run("validate", "--format", "json", str(path))
        assert_no_crash(result)
        assert result.exit_code == item.exit_code, str(result)
        report = json.loads(result.stdout)
        assert report["valid"] is item.accepted
        missing = [str(e) for e in item.findings if not reported(e, path, report["findings"])]
        assert not missing, str(result)
        if item.accepted:
            assert report["summary"]["errors"] == 0

    @pytest.mark.parametrize("hostile", CASES, ids=IDS, indirect=True)
    def test_text_report(self, run: Run, hostile: tuple[Case, Path]) -> None:
        """If a hostile file is validated with the default text format, then each expected
        finding is one line `path:line:col: error[code] …` and the summary goes to stderr."""
        item, path = hostile
        result = run("validate", str(path))
        assert_no_crash(result)
        assert result.exit_code == item.exit_code, str(result)
        lines = result.stdout.splitlines()
        for expected in item.findings:
            start = line_of(expected, path)
            assert any(
                line.startswith(start) and f" error[{expected.code}] " in line for line in lines
            ), str(result)
        assert result.stderr.endswith("in 1 file\n"), str(result)


class TestImport:
    """`gmsc import` refuses each hostile file with the same finding and leaves the store."""

    @pytest.mark.parametrize("hostile", CASES, ids=IDS, indirect=True)
    def test_refused_and_store_unchanged(
        self, run: Run, store: Path, hostile: tuple[Case, Path]
    ) -> None:
        """If a hostile file is imported into an existing store, then the expected findings
        are reported on stderr at their line and column, the import exits 1 with 'nothing
        imported', and the store's bytes are unchanged; an accepted file is imported."""
        item, path = hostile
        before = digest(store)
        result = run("import", str(path))
        assert_no_crash(result)
        assert result.exit_code == item.exit_code, str(result)
        if item.accepted:
            assert result.stdout.startswith("imported: 1 added"), str(result)
            assert digest(store) != before
            return
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        for expected in item.findings:
            start = line_of(expected, path)
            assert any(
                line.startswith(start) and f" error[{expected.code}] " in line for line in lines
            ), str(result)
        assert "gmsc: nothing imported: " in result.stderr, str(result)
        assert "the store is unchanged" in result.stderr, str(result)
        assert digest(store) == before

    def test_130_megabytes_from_stdin(self, run: Run, store: Path) -> None:
        """If 130 MB arrive on standard input, then the import refuses them as too large
        (`file-too-large` at <stdin>:1:1), exits 1 and leaves the store as it was."""
        big = next(c for c in CASES if c.name == "big-130mb.yaml")
        before = digest(store)
        result = run("import", "-", input=big.content())
        assert_no_crash(result)
        assert result.exit_code == 1, str(result)
        assert "<stdin>:1:1: error[file-too-large] the file has 130,000,000 bytes" in (
            result.stderr
        ), str(result)
        assert digest(store) == before

    def test_hostile_file_with_a_good_one(self, run: Run, store: Path, tmp_path: Path) -> None:
        """If a hostile file is imported together with a valid one, then nothing is imported:
        the valid file's cohort does not slip in."""
        good = tmp_path / "good.yaml"
        good.write_text('version: 1\ncohorts:\n  - year: 2030\n    regions: ["75.01"]\n')
        before = digest(store)
        result = run("import", str(good), str(HOSTILE / "billion-laughs.yaml"))
        assert_no_crash(result)
        assert result.exit_code == 1, str(result)
        assert digest(store) == before


class TestAliases:
    """Anchors and aliases are refused where they are written, never expanded."""

    @pytest.mark.parametrize("name", ["billion-laughs.yaml", "anchor-alias.yaml"])
    def test_one_finding_per_anchor_and_alias(self, run: Run, name: str) -> None:
        """If a file holds anchors and aliases, then there is one alias-not-allowed finding
        per '&' and '*' written in it (the billion laughs make 91, not 10^9)."""
        path = HOSTILE / name
        text = path.read_text()
        result = run("validate", "--format", "json", str(path))
        assert result.exit_code == 1, str(result)
        codes = [f["code"] for f in json.loads(result.stdout)["findings"]]
        assert codes.count("alias-not-allowed") == text.count("&") + text.count("*")


class TestInstalledCommand:
    """The corpus runner drives the installed `gmsc` in subprocesses."""

    def test_sample_through_subprocesses(self) -> None:
        """If a sample of the corpus runs through the installed gmsc, then every input ends
        in its clean finding, with exit codes 0 and 1 only and no traceback."""
        names = {
            "binary-garbage.yaml",
            "billion-laughs.yaml",
            "bom-valid.yaml",
            "nesting-block-10000.yaml",
        }
        tally = run_corpus(tuple(c for c in CASES if c.name in names))
        assert tally.failures == []
        assert (tally.tried, tally.clean, tally.tracebacks) == (4, 4, 0)
        assert tally.exit_codes == {0, 1}


class TestHostileStores:
    """Stores that are not sound gmsc stores: every command refuses them alike."""

    @pytest.mark.parametrize("item", STORE_CASES, ids=[c.name for c in STORE_CASES])
    def test_refused_alike(self, run: Run, tmp_path: Path, item: StoreCase) -> None:
        """If the store is damaged or not a store, then init, totals, import and doctor
        exit as the manifest says, each saying what is wrong, without a traceback, and
        a refusing command leaves the file as it was."""
        sound = tmp_path / "sound.db"
        assert run("--db", str(sound), "init").exit_code == 0
        work = tmp_path / "work"
        work.mkdir()

        def invoke(args: list[str]) -> tuple[int, str, str]:
            result = run(*args)
            return result.exit_code, result.stdout, result.stderr

        assert check_store(item, work, sound, invoke) == []


class TestHostileOutputs:
    """`-o` targets that are not plain new files."""

    @pytest.mark.parametrize("item", OUTPUT_CASES, ids=[c.name for c in OUTPUT_CASES])
    def test_written_through_or_refused(self, run: Run, tmp_path: Path, item: OutputCase) -> None:
        """If -o names a symlink, a FIFO, a mode-600 file, a hard link, a directory, an
        empty name, a format tables are not written in, or /dev/full, then the result is
        written through or refused with the manifest's exit code, and the target stays
        what it was."""
        import os
        import stat

        if item.root_only and (os.geteuid() != 0 or not stat.S_ISCHR(os.stat("/dev/full").st_mode)):
            pytest.skip("needs root and the device /dev/full")

        def invoke(args: list[str]) -> tuple[int, str, str]:
            result = run(*args)
            return result.exit_code, result.stdout, result.stderr

        assert check_output(item, tmp_path, invoke) == []


def test_hostile_count() -> None:
    """The corpus counts its files, stores and -o targets."""
    assert hostile_count() == len(CASES) + len(STORE_CASES) + len(OUTPUT_CASES)
