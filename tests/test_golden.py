"""Golden outputs: what every command prints, in every format, pinned byte for byte.

Each case runs one `gmsc` command line on a store made from a ledger (the bundled one, or
a generated ledger of 100 cohorts) and compares exit code, stdout and stderr with
`tests/golden/<case>.txt`. A change that alters what users see must update these files
on purpose, in the commit that changes the behaviour:

    GMSC_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

and the commit message says so.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import BUNDLED, Result

GOLDEN = Path(__file__).resolve().parent / "golden"
GENERATED = GOLDEN / "ledger-100.yaml"
"""100 cohorts of 20 regions each, written by benchmarks/generate.py (2,000 memberships)."""

DIFF_OLD = GOLDEN / "diff" / "old.yaml"
"""The old side of two small ledgers for the diff cases (diff/new.yaml is the new one)."""

TABULAR_FORMATS = ("table", "json", "csv", "markdown")

CASES: dict[str, tuple[Path, tuple[str, ...]]] = {}


def _case(name: str, ledger: Path, *args: str) -> None:
    CASES[name] = (ledger, args)


for _ledger, _tag in ((BUNDLED, "bundled"), (GENERATED, "generated")):
    for _fmt in TABULAR_FORMATS:
        _case(f"{_tag}-totals-{_fmt}", _ledger, "totals", "--format", _fmt)
        _case(f"{_tag}-provinces-{_fmt}", _ledger, "totals", "--by", "province", "--format", _fmt)
        _case(f"{_tag}-repeats-{_fmt}", _ledger, "repeats", "--format", _fmt)
    for _fmt in ("text", "json", "github"):
        _case(f"{_tag}-validate-{_fmt}", _ledger, "validate", "LEDGER", "--format", _fmt)
    _case(f"{_tag}-chart", _ledger, "totals", "--chart")
    _case(f"{_tag}-export", _ledger, "export")
    _case(f"{_tag}-doctor", _ledger, "doctor", "LEDGER")
    _case(f"{_tag}-import-again", _ledger, "import", "LEDGER")
    _case(f"{_tag}-import-dry-run", _ledger, "import", "LEDGER", "--dry-run")

for _fmt in TABULAR_FORMATS:
    _case(f"bundled-totals-through-2019-{_fmt}", BUNDLED, "totals", "--through", "2019", "-f", _fmt)
    _case(f"bundled-cohort-2021-{_fmt}", BUNDLED, "cohort", "2021", "--format", _fmt)
    _case(f"bundled-cohort-2018-{_fmt}", BUNDLED, "cohort", "2018", "--format", _fmt)
    _case(f"bundled-region-luwu-utara-{_fmt}", BUNDLED, "region", "Kab. Luwu Utara", "-f", _fmt)
    _case(f"bundled-region-kudus-{_fmt}", BUNDLED, "region", "33.19", "--format", _fmt)
    _case(f"generated-cohort-2050-{_fmt}", GENERATED, "cohort", "2050", "--format", _fmt)
    _case(f"generated-region-sleman-{_fmt}", GENERATED, "region", "Sleman", "--format", _fmt)
    _case(f"bundled-reconcile-{_fmt}", BUNDLED, "reconcile", "--format", _fmt)
    _case(f"bundled-reconcile-2021-{_fmt}", BUNDLED, "reconcile", "--through", "2021", "-f", _fmt)
    for _small in sorted((GOLDEN / "reconcile").glob("*.yaml")):
        _case(f"reconcile-{_small.stem}-{_fmt}", _small, "reconcile", "--format", _fmt)
    _case(f"bundled-cohort-2021-sources-{_fmt}", BUNDLED, "cohort", "2021", "--sources", "-f", _fmt)
_case("bundled-report", BUNDLED, "report")
_case("bundled-report-through-2019", BUNDLED, "report", "--through", "2019")
_case("generated-report", GENERATED, "report")
_case("bundled-schema", BUNDLED, "schema")
_case("bundled-chart-through-2021", BUNDLED, "totals", "--chart", "--through", "2021")
_case("bundled-cohort-unknown", BUNDLED, "cohort", "2020")
_case("bundled-region-ambiguous", BUNDLED, "region", "Bogor")
_case("bundled-region-unknown", BUNDLED, "region", "Luwu Utarra")
_case("bundled-totals-before-first", BUNDLED, "totals", "--through", "2016")
# Bahasa Indonesia: what people read, in the other language the package speaks.
_case("bundled-id-totals-table", BUNDLED, "--lang", "id", "totals", "--format", "table")
_case("bundled-id-totals-markdown", BUNDLED, "--lang", "id", "totals", "--format", "markdown")
_case("bundled-id-reconcile-table", BUNDLED, "--lang", "id", "reconcile", "--format", "table")
_case("bundled-id-validate-text", BUNDLED, "--lang", "id", "validate", "LEDGER", "--format", "text")
_case("bundled-id-help", BUNDLED, "--lang", "id", "--help")
_case("bundled-id-totals-help", BUNDLED, "--lang", "id", "totals", "--help")
_case("bundled-id-report", BUNDLED, "--lang", "id", "report")
_case("bundled-id-chart", BUNDLED, "--lang", "id", "totals", "--chart")
_case("bundled-id-cohort-2018-table", BUNDLED, "--lang", "id", "cohort", "2018")
_case("bundled-id-region-depok-table", BUNDLED, "--lang", "id", "region", "Depok")
_case("bundled-id-import-dry-run", BUNDLED, "--lang", "id", "import", "LEDGER", "--dry-run")
_case("bundled-id-doctor", BUNDLED, "--lang", "id", "doctor", "LEDGER")
_case("bundled-id-map-svg", BUNDLED, "--lang", "id", "map")
_case("diff-id-text", DIFF_OLD, "--lang", "id", "diff", "old.yaml", "new.yaml")
_case(
    "diff-id-markdown", DIFF_OLD, "--lang", "id", "diff", "old.yaml", "new.yaml", "-f", "markdown"
)
FRESH = {"bundled-id-help", "bundled-id-totals-help"}
"""Cases run by the console script in a fresh interpreter: help texts are chosen when
the command line is built, before any option is parsed."""


def _normalised(text: str, store: Path) -> str:
    """Output without what differs between runs: the store's path and gmsc's version."""
    text = text.replace(str(store), "<store>")
    return re.sub(r"gmsc \d+\.\d+\.\d+\S*", "gmsc <version>", text)


def _fresh(*args: str) -> Result:
    """Run `python -m gmsc_cli ARGS` (the console script's entry) in a fresh interpreter."""
    process = subprocess.run(
        [sys.executable, "-m", "gmsc_cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return Result(process.returncode, process.stdout, process.stderr)


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(
    name: str, run: Callable[..., Result], isolated_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every command prints exactly what it printed when its golden file was written."""
    ledger, args = CASES[name]
    monkeypatch.chdir(ledger.parent)
    created = run("init", "--empty")
    assert created.exit_code == 0, created
    imported = run("import", ledger.name)
    assert imported.exit_code == 0, imported
    argv = [ledger.name if a == "LEDGER" else a for a in args]
    result = _fresh(*argv) if name in FRESH else run(*argv)
    got = _normalised(str(result), isolated_store) + "\n"
    golden = GOLDEN / f"{name}.txt"
    if os.environ.get("GMSC_UPDATE_GOLDEN") == "1":
        golden.write_text(got, encoding="utf-8")
    assert golden.is_file(), f"no golden file {golden.name}: run with GMSC_UPDATE_GOLDEN=1"
    assert got == golden.read_text(encoding="utf-8")
