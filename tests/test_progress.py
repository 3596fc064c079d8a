"""Progress bars of long imports: on a terminal only, never in pipes or logs."""

from __future__ import annotations

import importlib.util
import os
import pty
import subprocess
import sys
from pathlib import Path

from conftest import REPO

_spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
assert _spec and _spec.loader
generate_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate_module)


def _ledger(tmp_path: Path, memberships: int) -> Path:
    text, _ = generate_module.generate(memberships, 500)
    path = tmp_path / f"ledger-{memberships}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _import(db: Path, ledger: Path, *, terminal: bool) -> tuple[int, str, str]:
    """Run `gmsc import` in a subprocess, its stderr on a pseudo-terminal or a pipe."""
    env = {**os.environ, "GMSC_DB": str(db), "COLUMNS": "100"}
    subprocess.run(
        [sys.executable, "-m", "gmsc_cli", "init", "--empty"],
        env=env,
        check=True,
        capture_output=True,
    )
    argv = [sys.executable, "-m", "gmsc_cli", "import", str(ledger)]
    if not terminal:
        done = subprocess.run(argv, env=env, capture_output=True, text=True)
        return done.returncode, done.stdout, done.stderr
    leader, follower = pty.openpty()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.stdout is not None
    with process.stdout:
        stdout = process.stdout.read().decode()
    process.wait()
    return process.returncode, stdout, b"".join(chunks).decode(errors="replace")


class TestProgress:
    def test_large_import_on_a_terminal_draws_bars(self, tmp_path: Path) -> None:
        """If a large import's stderr is a terminal, then it draws reading and writing bars
        and still ends with its one summary line on stdout."""
        code, stdout, stderr = _import(tmp_path / "t.db", _ledger(tmp_path, 12_000), terminal=True)
        assert code == 0, stderr
        assert "reading" in stderr
        assert "━" in stderr
        assert stdout.startswith("imported: 24 added, 0 replaced, 0 unchanged;")

    def test_large_import_into_a_pipe_shows_no_bars(self, tmp_path: Path) -> None:
        """If stderr is not a terminal (a pipe, a CI log), then no progress is written."""
        code, stdout, stderr = _import(tmp_path / "p.db", _ledger(tmp_path, 12_000), terminal=False)
        assert code == 0, stderr
        assert stderr == ""
        assert stdout.startswith("imported: 24 added")

    def test_small_import_on_a_terminal_shows_no_bars(self, tmp_path: Path) -> None:
        """If an import is small (a cohort or two), then even a terminal gets no bars."""
        code, stdout, stderr = _import(tmp_path / "s.db", _ledger(tmp_path, 600), terminal=True)
        assert code == 0, stderr
        assert "reading" not in stderr
        assert stdout.startswith("imported: 2 added")
