"""Ctrl-C during a large import: the command ends at once (exit 130), the store intact.

An interrupt that lands inside SQLite's executemany leaves SQLAlchemy's connection
invalidated but open, still holding the write lock; recovering the journal then waited
for that lock for the whole busy timeout (15 s). These tests send SIGINT at several
moments of the writing and bound the time to exit.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO

MEMBERSHIPS = 100_000
"""Big enough that writing its entries takes a few tenths of a second."""
BOUND = 1.0
"""Seconds from SIGINT to the process's exit."""


def _gmsc(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "gmsc_cli", "--db", str(db), *args]


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("GMSC_FAULT", "GMSC_BUSY_TIMEOUT")}


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """A large valid ledger, an empty store, and the export of that store."""
    work = tmp_path_factory.mktemp("interrupt")
    spec = importlib.util.spec_from_file_location(
        "gmsc_generate", REPO / "benchmarks" / "generate.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text, _rows = module.generate(MEMBERSHIPS, 500)
    ledger = work / "large.yaml"
    ledger.write_text(text, encoding="utf-8")
    empty = work / "empty.db"
    subprocess.run(_gmsc(empty, "init", "--empty"), check=True, capture_output=True, env=_env())
    shown = subprocess.run(
        _gmsc(empty, "export"), check=True, capture_output=True, text=True, env=_env()
    )
    return ledger, empty, hashlib.sha256(shown.stdout.encode()).hexdigest()


class TestInterrupt:
    @pytest.mark.parametrize("delay", [0.02, 0.1, 0.2, 0.3])
    def test_ctrl_c_while_writing_ends_at_once(
        self, tmp_path: Path, large: tuple[Path, Path, str], delay: float
    ) -> None:
        """If SIGINT reaches a large import while it writes (`delay` seconds after its
        journal appears), then it exits 130 within a second saying 'interrupted', and the
        store passes SQLite's integrity check with its ledger unchanged."""
        ledger, empty, before = large
        db = tmp_path / "gmsc.db"
        shutil.copyfile(empty, db)
        journal = db.with_name(db.name + "-journal")
        process = subprocess.Popen(
            _gmsc(db, "import", str(ledger)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        try:
            while not journal.exists() and process.poll() is None:
                time.sleep(0.001)
            time.sleep(delay)
            if process.poll() is not None:
                pytest.skip("the import ended before the interrupt on this machine")
            sent = time.monotonic()
            process.send_signal(signal.SIGINT)
            _out, err = process.communicate(timeout=60)
            took = time.monotonic() - sent
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        if process.returncode == 0:
            pytest.skip("the import had committed before the interrupt arrived")
        assert process.returncode == 130, err
        assert "gmsc: interrupted" in err
        assert "Traceback" not in err
        assert took < BOUND, f"{took:.2f} s from SIGINT to exit"
        con = sqlite3.connect(db)
        try:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            con.close()
        shown = subprocess.run(
            _gmsc(db, "export"), check=True, capture_output=True, text=True, env=_env()
        )
        assert hashlib.sha256(shown.stdout.encode()).hexdigest() == before
