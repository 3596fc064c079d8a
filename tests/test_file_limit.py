"""The file-size limit: derived from what a ledger can hold, so every store gmsc writes
exports to a file that imports back; GMSC_MAX_FILE_MB moves it."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO, Result
from gmsc_cli.domain.regions import reference
from gmsc_cli.format1 import spec

Run = Callable[..., Result]

MEMBERSHIPS = 20_000


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid ledger of MEMBERSHIPS memberships (benchmarks/generate.py)."""
    module_spec = importlib.util.spec_from_file_location(
        "gmsc_generate", REPO / "benchmarks" / "generate.py"
    )
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    text, _rows = module.generate(MEMBERSHIPS, 500)
    path = tmp_path_factory.mktemp("limit") / "large.yaml"
    path.write_text(text, encoding="utf-8")
    return path


class TestFileLimit:
    def test_the_limit_holds_the_largest_store(self) -> None:
        """The default limit is every region in every year at 256 bytes a membership, and
        the reference list has the number of regions it assumes."""
        assert len(reference().regions) == spec.KABUPATEN_KOTA
        assert spec.MAX_MEMBERSHIPS == (spec.LAST_YEAR - spec.FIRST_YEAR + 1) * 514
        assert spec.MAX_FILE_BYTES == spec.MAX_MEMBERSHIPS * 256

    def test_export_of_a_large_store_imports_back(
        self, run: Run, tmp_path: Path, generated: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If a large store is exported, then the export imports into an empty store and
        reproduces it; under a limit lowered with GMSC_MAX_FILE_MB the same export is
        refused as too large, naming the variable; and an export of the largest possible
        store, at this export's bytes per membership, is under the default limit."""
        source, copy = tmp_path / "source.db", tmp_path / "copy.db"
        assert run("--db", str(source), "init", "--empty").exit_code == 0
        assert run("--db", str(source), "import", str(generated)).exit_code == 0
        exported = tmp_path / "export.yaml"
        assert run("--db", str(source), "export", "-o", str(exported)).exit_code == 0
        size = exported.stat().st_size
        assert size * spec.MAX_MEMBERSHIPS / MEMBERSHIPS < spec.MAX_FILE_BYTES

        assert run("--db", str(copy), "init", "--empty").exit_code == 0
        monkeypatch.setenv("GMSC_MAX_FILE_MB", str(size / 2 / 1024 / 1024))
        refused = run("--db", str(copy), "import", str(exported))
        assert refused.exit_code == 1, refused
        assert f"error[file-too-large] the file has {size:,} bytes" in refused.stderr
        assert "raise the limit with GMSC_MAX_FILE_MB" in refused.stderr

        monkeypatch.delenv("GMSC_MAX_FILE_MB")
        imported = run("--db", str(copy), "import", str(exported))
        assert imported.exit_code == 0, imported
        assert run("--db", str(copy), "export").stdout == exported.read_text(encoding="utf-8")

    @pytest.mark.parametrize("written", ["lots", "0", "-5"])
    def test_an_unusable_limit_exits_3(
        self, run: Run, generated: Path, monkeypatch: pytest.MonkeyPatch, written: str
    ) -> None:
        """If GMSC_MAX_FILE_MB is not a positive number, then validate exits 3 naming it."""
        monkeypatch.setenv("GMSC_MAX_FILE_MB", written)
        result = run("validate", str(generated))
        assert result.exit_code == 3, result
        assert f"GMSC_MAX_FILE_MB is {written!r}; it must be a number of MiB" in result.stderr


def test_the_corpus_knows_the_limit() -> None:
    """The hostile corpus's one-byte-over case is built from the loader's own limit."""
    from hostile_corpus import LIMIT

    assert LIMIT == spec.MAX_FILE_BYTES
