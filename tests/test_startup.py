"""Start-up tests, in fresh interpreters: the light commands never load the ORM, and the
installed console script works."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BUNDLED
from gmsc_cli import __version__

HEAVY = ("sqlalchemy", "sqlmodel")

PROBE = """
import json, sys
sys.argv = ["gmsc", *json.loads(sys.argv[1])]
from gmsc_cli.cli.app import app
code = None
try:
    # Without standalone mode, click returns an Exit's code, or None when a command ends.
    code = app(prog_name="gmsc", standalone_mode=False) or 0
finally:
    loaded = sorted({name.split(".")[0] for name in sys.modules} & {"sqlalchemy", "sqlmodel"})
    sys.stderr.write("\\nPROBE " + json.dumps({"code": code, "loaded": loaded}) + "\\n")
"""
"""Runs the app on the given arguments, then reports its exit code and the ORM modules
loaded (even when the command raised)."""


def probe(*args: str) -> tuple[dict[str, object], subprocess.CompletedProcess[str]]:
    """Run `gmsc ARGS` in a fresh interpreter; the probe's report and the process."""
    process = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args))],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    reports = [line for line in process.stderr.splitlines() if line.startswith("PROBE ")]
    assert len(reports) == 1, process
    return json.loads(reports[0].removeprefix("PROBE ")), process


def console_script() -> Path:
    """The installed `gmsc`: next to this interpreter (the venv), else on PATH."""
    beside = Path(sys.executable).parent / "gmsc"
    if beside.exists():
        return beside
    found = shutil.which("gmsc")
    if found is None:
        pytest.fail("the console script gmsc is not installed (pip install -e .)")
    return Path(found)


class TestLightStartup:
    """`gmsc --help` and `gmsc validate` do not pay for SQLAlchemy or SQLModel."""

    def test_help(self) -> None:
        """If `gmsc --help` runs, then it exits 0, shows the usage, and neither sqlalchemy
        nor sqlmodel is imported."""
        report, process = probe("--help")
        assert report == {"code": 0, "loaded": []}, process
        assert "Usage: gmsc" in process.stdout

    def test_validate(self) -> None:
        """If `gmsc validate data/cohorts.yaml` runs, then it exits 0 and neither
        sqlalchemy nor sqlmodel is imported."""
        report, process = probe("validate", str(BUNDLED))
        assert report == {"code": 0, "loaded": []}, process
        assert "0 errors, 0 warnings, 4 infos in 1 file" in process.stderr

    def test_validate_broken_file(self, tmp_path: Path) -> None:
        """If `gmsc validate` reports errors, then it exits 1, still without the ORM."""
        broken = tmp_path / "broken.yaml"
        broken.write_text("version: 1\ncohorts:\n  - year: 2017\n    regions: [Bogor]\n")
        report, process = probe("validate", str(broken))
        assert report == {"code": 1, "loaded": []}, process
        assert f"{broken}:4:15: error[ambiguous-region]" in process.stdout

    def test_totals_reads_without_the_orm(self, isolated_store: Path) -> None:
        """If the store exists, then `gmsc totals` reads it through the standard library's
        sqlite3: it exits 0 and neither sqlalchemy nor sqlmodel is imported."""
        report, process = probe("init")
        assert report["code"] == 0, process
        assert isolated_store.is_file()
        report, process = probe("totals", "--format", "csv")
        assert report == {"code": 0, "loaded": []}, process
        assert process.stdout.startswith("year,declared,")

    def test_probe_sees_the_orm(self) -> None:
        """If the probe's program imports sqlalchemy, then the probe reports it (so the
        tests above can fail)."""
        process = subprocess.run(
            [sys.executable, "-c", "import sqlalchemy\n" + PROBE, json.dumps(["--version"])],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert 'PROBE {"code": 0, "loaded": ["sqlalchemy"]}' in process.stderr, process


class TestConsoleScript:
    """The installed `gmsc` command and `python -m gmsc_cli` work from a shell."""

    def test_version_and_validate(self) -> None:
        """If the installed gmsc is run with --version and with validate on the bundled
        file, then both exit 0 with the version and the summary line."""
        gmsc = console_script()
        version = subprocess.run(
            [str(gmsc), "--version"], capture_output=True, text=True, timeout=60, check=False
        )
        assert version.returncode == 0, version
        assert version.stdout == f"gmsc {__version__}\n"
        validated = subprocess.run(
            [str(gmsc), "validate", str(BUNDLED)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert validated.returncode == 0, validated
        assert validated.stderr == "0 errors, 0 warnings, 4 infos in 1 file\n"
        assert all(
            "info[incomplete-cohort]" in line
            for line in validated.stdout.splitlines()
            if not line.startswith("    hint: ")
        ), validated.stdout

    def test_python_m(self) -> None:
        """If `python -m gmsc_cli --help` is run, then it exits 0 and names itself gmsc."""
        process = subprocess.run(
            [sys.executable, "-m", "gmsc_cli", "--help"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert process.returncode == 0, process
        assert "Usage: gmsc [OPTIONS] COMMAND [ARGS]..." in process.stdout

    def test_missing_file_exit_3(self, tmp_path: Path) -> None:
        """If the installed gmsc validates a file that does not exist, then it exits 3 with
        one message and no traceback."""
        missing = tmp_path / "nope.yaml"
        process = subprocess.run(
            [str(console_script()), "validate", str(missing)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert process.returncode == 3, process
        assert (
            process.stderr == f"gmsc: cannot read {missing}: no such file\n  hint: check the path\n"
        )
        assert "Traceback" not in process.stdout + process.stderr
