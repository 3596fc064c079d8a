"""Reliability: killed imports, concurrent writers and readers, broken stores, `gmsc doctor`.

Imports run as real processes (`python -m gmsc_cli`) so they can be killed and can race.
Timing only chooses kill points and overlaps; every assertion is about states: the store
is exactly as before an import or exactly as after it, never in between. Run with `-s` to
see each run's outcome (the figures of the closing note).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import BUNDLED, REPO, Result

Run = Callable[..., Result]

MEMBERSHIPS = 40_000
"""The kill tests' ledger: 80 cohorts of 500, written in four chunks of 10,000 entries."""
GENERATE = REPO / "benchmarks" / "generate.py"


def gmsc_command(db: Path, *args: str) -> list[str]:
    """The command line of the installed package run as a process."""
    return [sys.executable, "-m", "gmsc_cli", "--db", str(db), *args]


def environment(**extra: str) -> dict[str, str]:
    """The environment of a gmsc process: this one's, without hooks, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in ("GMSC_FAULT", "GMSC_BUSY_TIMEOUT")}
    env.update(extra)
    return env


def gmsc(db: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """Run gmsc as a process and wait for it."""
    return subprocess.run(
        gmsc_command(db, *args), capture_output=True, text=True, env=environment(**extra)
    )


def start(db: Path, *args: str, **extra: str) -> subprocess.Popen[str]:
    """Start gmsc as a process."""
    return subprocess.Popen(
        gmsc_command(db, *args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(**extra),
    )


def digest(data: bytes | str) -> str:
    """The SHA-256 of some bytes (a file, an export)."""
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def no_crash(*outputs: str) -> None:
    """No Python traceback reached the user."""
    for output in outputs:
        assert "Traceback" not in output, output


def integrity(db: Path) -> str:
    """SQLite's own verdict on the file (a read-write connection recovers a hot journal)."""
    con = sqlite3.connect(db)
    try:
        return str(con.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        con.close()


def receipts(run: Run, db: Path) -> int:
    """How many imports the store has recorded."""
    result = run("--db", str(db), "import", "--history", "--format", "json")
    assert result.exit_code == 0, str(result)
    return len(json.loads(result.stdout))


def export(run: Run, db: Path) -> str:
    """`gmsc export` of the store: its whole ledger as canonical YAML."""
    result = run("--db", str(db), "export")
    assert result.exit_code == 0, str(result)
    return result.stdout


def cohorts_of(text: str) -> dict[int, list[str]]:
    """The codes of each cohort of a ledger's YAML, in order."""
    ledger = yaml.safe_load(text)
    return {
        c["year"]: [e["code"] if isinstance(e, dict) else e for e in c.get("regions") or []]
        for c in ledger["cohorts"] or []
    }


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[str]) -> bool:
    """Poll until `condition` holds or `process` has ended; True when it held."""
    while process.poll() is None:
        if condition():
            return True
        time.sleep(0.002)
    return condition()


@dataclass(frozen=True, slots=True)
class States:
    """The store before and after the import under test, and how long the import took."""

    before: str
    after: str
    seconds: float

    def name(self, exported: str) -> str:
        """'before', 'after', or 'BETWEEN' (a lost or partial write)."""
        return {self.before: "before", self.after: "after"}.get(exported, "BETWEEN")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory shared by the module's fixtures."""
    return tmp_path_factory.mktemp("reliability")


@pytest.fixture(scope="module")
def empty_store(workdir: Path) -> Path:
    """A store made by `gmsc init --empty`, copied by each run."""
    db = workdir / "empty.db"
    done = gmsc(db, "init", "--empty")
    assert done.returncode == 0, done.stderr
    return db


@pytest.fixture(scope="module")
def large_ledger(workdir: Path) -> Path:
    """A valid ledger of MEMBERSHIPS memberships, from benchmarks/generate.py."""
    spec = importlib.util.spec_from_file_location("gmsc_benchmark_generate", GENERATE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text, _rows = module.generate(MEMBERSHIPS, 500)
    path = workdir / "large.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def large_states(workdir: Path, empty_store: Path, large_ledger: Path) -> States:
    """The export of the empty store, of the store after the large import, and the time
    the import takes here (to spread the plain timed kills over it)."""
    db = workdir / "after.db"
    shutil.copyfile(empty_store, db)
    started = time.monotonic()
    done = gmsc(db, "import", str(large_ledger))
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    before = gmsc(empty_store, "export")
    after = gmsc(db, "export")
    assert before.returncode == after.returncode == 0
    assert before.stdout != after.stdout
    return States(before.stdout, after.stdout, seconds)


@pytest.fixture(scope="module")
def tally() -> Iterator[Counter[str]]:
    """Outcomes of the module's repeated runs, printed at the end (visible with -s)."""
    counts: Counter[str] = Counter()
    yield counts
    for key in sorted(counts):
        print(f"\n{key}: {counts[key]}", end="")
    print()


# --- killed imports -------------------------------------------------------------------------

KILL_POINTS: list[tuple[str, float]] = [
    # With GMSC_FAULT=entries:sleep=0.15 the import stalls before each of its four chunks of
    # entries; the delay (seconds) counts from the moment its journal appears, that is from
    # its first written row.
    *(("entries", delay) for delay in (0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 1.5)),
    # With GMSC_FAULT=commit:sleep=0.5 every row is written and the COMMIT is pending.
    *(("commit", delay) for delay in (0.05, 0.3)),
    # No hook: a kill after this fraction of the time an undisturbed import takes here (the
    # rows are written in roughly its last fifth).
    *(("timed", fraction) for fraction in (0.25, 0.6, 0.8, 0.85, 0.9, 0.95, 1.0, 1.1)),
]


class TestKilledImport:
    """An import killed with SIGKILL leaves the store exactly as before, or as after."""

    @pytest.mark.parametrize(
        ("hook", "delay"),
        KILL_POINTS,
        ids=[f"{h}-{d:g}{'x' if h == 'timed' else 's'}" for h, d in KILL_POINTS],
    )
    def test_store_is_before_or_after(
        self,
        run: Run,
        tmp_path: Path,
        empty_store: Path,
        large_ledger: Path,
        large_states: States,
        tally: Counter[str],
        hook: str,
        delay: float,
    ) -> None:
        """If a large import is killed at any point, then `gmsc doctor` passes, the ledger
        `gmsc export` shows is the one before or the one after the import (with its receipt
        only if after), and SQLite's integrity check is ok."""
        db = tmp_path / "gmsc.db"
        shutil.copyfile(empty_store, db)
        journal = db.with_name(db.name + "-journal")
        stall = {"entries": 0.15, "commit": 0.5}.get(hook)
        extra = {"GMSC_FAULT": f"{hook}:sleep={stall}"} if stall else {}
        process = start(db, "import", str(large_ledger), **extra)
        try:
            if hook == "timed":
                time.sleep(delay * large_states.seconds)
            else:
                assert wait_for(journal.exists, process), process.communicate()
                time.sleep(delay)
            process.send_signal(signal.SIGKILL)
            _out, err = process.communicate()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        no_crash(err)
        killed = process.returncode == -signal.SIGKILL
        hot = journal.exists()
        # What a user sees first: doctor and export, before anything repairs the store.
        checkup = run("--db", str(db), "doctor")
        shown = run("--db", str(db), "export")
        # A read-write connection rolls a left-over journal back: SQLite's own recovery.
        sound = integrity(db)
        state = large_states.name(export(run, db))
        readers = "readers ok" if checkup.exit_code == shown.exit_code == 0 else "readers exit 3"
        outcome = f"{state}, {'killed' if killed else 'had exited'}, {readers}"
        tally[f"kill runs: {outcome}"] += 1
        print(f"kill {hook} {delay:g}: {outcome}, journal left={hot}")
        assert sound == "ok"
        assert state in ("before", "after")
        assert checkup.exit_code == 0, str(checkup)
        assert shown.exit_code == 0, str(shown)
        assert large_states.name(shown.stdout) == state
        assert receipts(run, db) == (1 if state == "after" else 0)


# --- concurrent writers and readers ---------------------------------------------------------


def cohort_file(directory: Path, year: int, codes: list[str]) -> Path:
    """A one-cohort ledger file."""
    path = directory / f"cohort-{year}.yaml"
    regions = "".join(f'      - "{code}"\n' for code in codes)
    path.write_text(f"version: 1\ncohorts:\n  - year: {year}\n    regions:\n{regions}")
    return path


RACES: list[tuple[float, float, float, float]] = [
    # (stall of the first writer, stall of the second, the second's busy timeout, head start)
    (0.3, 0.0, 15, 0.0),
    (0.0, 0.3, 15, 0.0),
    (0.3, 0.3, 15, 0.0),
    (0.0, 0.0, 15, 0.0),
    (0.5, 0.0, 15, 0.2),
    (0.0, 0.5, 15, 0.2),
    (0.3, 0.0, 0.05, 0.0),
    (0.0, 0.3, 0.05, 0.0),
    (0.6, 0.0, 0.05, 0.3),
    (0.6, 0.0, 0.05, 0.4),
    (0.3, 0.3, 0.05, 0.0),
    (0.0, 0.0, 0.05, 0.0),
    (0.4, 0.4, 0.2, 0.1),
    (0.2, 0.0, 0.1, 0.1),
    (0.0, 0.2, 0.1, 0.1),
    (0.8, 0.0, 15, 0.35),
    (0.8, 0.0, 0.05, 0.35),
    (0.1, 0.1, 15, 0.05),
    (0.1, 0.1, 0.01, 0.05),
    (0.5, 0.5, 15, 0.0),
]


class TestConcurrentWriters:
    """Two imports at once: both land whole, or one says 'busy' and lands not at all."""

    @pytest.mark.parametrize(
        ("stall_a", "stall_b", "busy_b", "head_start"),
        RACES,
        ids=[f"a{a:g}-b{b:g}-busy{t:g}-head{h:g}" for a, b, t, h in RACES],
    )
    def test_no_lost_or_partial_cohort(
        self,
        run: Run,
        tmp_path: Path,
        empty_store: Path,
        tally: Counter[str],
        stall_a: float,
        stall_b: float,
        busy_b: float,
        head_start: float,
    ) -> None:
        """If two processes import different cohorts into one store at once, then each
        exits 0 or exits 3 saying the store is busy; every cohort of a process that exited 0
        is in the store whole, no cohort of one that exited 3 is, and doctor passes."""
        db = tmp_path / "gmsc.db"
        shutil.copyfile(empty_store, db)
        first = cohort_file(tmp_path, 2030, ["75.01", "75.02"])
        second = cohort_file(tmp_path, 2031, ["75.03", "75.04"])
        hook = {}
        if stall_a:
            hook = {"GMSC_FAULT": f"entries:sleep={stall_a}"}
        a = start(db, "import", str(first), **hook)
        time.sleep(head_start)
        hook_b = {"GMSC_BUSY_TIMEOUT": f"{busy_b:g}"}
        if stall_b:
            hook_b["GMSC_FAULT"] = f"entries:sleep={stall_b}"
        b = start(db, "import", str(second), **hook_b)
        outcomes = {}
        for year, process, path in ((2030, a, first), (2031, b, second)):
            out, err = process.communicate(timeout=60)
            no_crash(out, err)
            assert process.returncode in (0, 3), err
            if process.returncode == 3:
                assert "busy" in err and "try again" in err, err
            outcomes[year] = (process.returncode, path)
        stored = cohorts_of(export(run, db))
        for year, (code, path) in outcomes.items():
            if code == 0:
                assert stored.get(year) == cohorts_of(path.read_text())[year]
            else:
                assert year not in stored
        assert set(stored) <= {2030, 2031}
        assert receipts(run, db) == sum(1 for code, _ in outcomes.values() if code == 0)
        assert run("--db", str(db), "doctor").exit_code == 0
        result = "+".join(f"{y}:exit{c}" for y, (c, _) in sorted(outcomes.items()))
        tally[f"concurrent runs {result}"] += 1


class TestReaderDuringImport:
    """`gmsc totals` during an import sees the ledger before it or after it."""

    @pytest.mark.parametrize("hook", ["entries:sleep=1", "commit:sleep=1"])
    def test_totals_see_before_or_after(
        self, run: Run, tmp_path: Path, empty_store: Path, tally: Counter[str], hook: str
    ) -> None:
        """If `gmsc totals --format json` runs again and again while a slow import writes,
        then every answer is the totals before the import or the totals after it."""
        db = tmp_path / "gmsc.db"
        shutil.copyfile(empty_store, db)
        reference_db = tmp_path / "after.db"
        shutil.copyfile(empty_store, reference_db)
        path = tmp_path / "cohorts.yaml"
        path.write_text(
            "version: 1\ncohorts:\n"
            + "".join(
                f'  - year: {year}\n    declared: 2\n    regions: ["75.0{k}", "75.0{k + 1}"]\n'
                for year, k in ((2030, 1), (2031, 3))
            )
        )

        def totals(store: Path) -> str:
            result = run("--db", str(store), "totals", "--format", "json")
            assert result.exit_code == 0, str(result)
            return result.stdout

        before = totals(db)
        assert run("--db", str(reference_db), "import", str(path)).exit_code == 0
        after = totals(reference_db)
        journal = db.with_name(db.name + "-journal")
        process = start(db, "import", str(path), GMSC_FAULT=hook)
        seen: Counter[str] = Counter()
        try:
            assert wait_for(journal.exists, process), process.communicate()
            while process.poll() is None:
                answer = totals(db)
                seen["before" if answer == before else "after" if answer == after else "X"] += 1
        finally:
            _out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        seen["before" if totals(db) == before else "after" if totals(db) == after else "X"] += 1
        tally[
            "reader answers during an import: "
            + ", ".join(f"{k} {v}" for k, v in sorted(seen.items()))
        ] += 1
        assert set(seen) <= {"before", "after"}, seen
        assert seen["before"] >= 1


# --- broken stores ----------------------------------------------------------------------------


def bundled_store(workdir: Path) -> Path:
    """A store made by `gmsc init` (the bundled cohorts)."""
    db = workdir / "bundled.db"
    if not db.exists():
        done = gmsc(db, "init")
        assert done.returncode == 0, done.stderr
    return db


@pytest.fixture(scope="module")
def sound_store(workdir: Path) -> Path:
    """A sound store holding the bundled ledger."""
    return bundled_store(workdir)


SMALL_IMPORT = 'version: 1\ncohorts:\n  - year: 2030\n    regions: ["75.01"]\n'


def truncated(sound: bytes) -> bytes:
    return sound[: len(sound) // 2]


def random_bytes(_sound: bytes) -> bytes:
    return random.Random(11).randbytes(64 * 1024)


def zeroed_middle(sound: bytes) -> bytes:
    return sound[:8192] + bytes(len(sound) - 16384) + sound[-8192:]


BROKEN = {"truncated": truncated, "random-bytes": random_bytes, "zeroed-pages": zeroed_middle}
COMMANDS = [("totals",), ("import", "new.yaml"), ("doctor",), ("export",)]


class TestBrokenStores:
    """A store gmsc cannot use: exit 3, a message naming the file and what to do, no
    traceback, and the file's bytes untouched."""

    @pytest.mark.parametrize("damage", list(BROKEN))
    @pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
    def test_damaged_store(
        self,
        run: Run,
        tmp_path: Path,
        sound_store: Path,
        damage: str,
        command: tuple[str, ...],
    ) -> None:
        """If the store file is truncated, random bytes, or has zeroed pages, then every
        command exits 3 naming the store with a hint, and the file stays as it was."""
        db = tmp_path / "gmsc.db"
        content = BROKEN[damage](sound_store.read_bytes())
        db.write_bytes(content)
        (tmp_path / "new.yaml").write_text(SMALL_IMPORT)
        args = [str(tmp_path / a) if a.endswith(".yaml") else a for a in command]
        result = run("--db", str(db), *args)
        no_crash(result.stdout, result.stderr)
        assert result.exit_code == 3, str(result)
        assert f"gmsc: the store {db} " in result.stderr, str(result)
        assert "  hint: " in result.stderr, str(result)
        assert db.read_bytes() == content

    @pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
    def test_store_from_a_newer_gmsc(
        self, run: Run, tmp_path: Path, sound_store: Path, command: tuple[str, ...]
    ) -> None:
        """If the store's schema_version is 99, then every command exits 3 saying a newer
        gmsc wrote it and to upgrade, and the file stays as it was."""
        db = tmp_path / "gmsc.db"
        shutil.copyfile(sound_store, db)
        con = sqlite3.connect(db)
        with con:
            con.execute("UPDATE gmsc_meta SET value = '99' WHERE key = 'schema_version'")
        con.close()
        content = db.read_bytes()
        (tmp_path / "new.yaml").write_text(SMALL_IMPORT)
        args = [str(tmp_path / a) if a.endswith(".yaml") else a for a in command]
        result = run("--db", str(db), *args)
        no_crash(result.stdout, result.stderr)
        assert result.exit_code == 3, str(result)
        assert (
            f"gmsc: the store {db} was written by a newer gmsc (schema 99; this gmsc knows 1)"
            in result.stderr
        ), str(result)
        assert "hint: upgrade gmsc" in result.stderr, str(result)
        assert db.read_bytes() == content

    def test_directory_not_writable(
        self, tmp_path: Path, sound_store: Path, large_ledger: Path
    ) -> None:
        """If the store's directory cannot be written, then an import exits 3 naming the
        store and pointing at the permissions, reads still work, and the file is unchanged.

        As root, permissions do not stop writes: the processes then run with the
        capabilities that bypass them dropped (setpriv)."""
        directory = tmp_path / "locked"
        directory.mkdir()
        db = directory / "gmsc.db"
        shutil.copyfile(sound_store, db)
        content = db.read_bytes()
        prefix: list[str] = []
        if os.geteuid() == 0:
            if shutil.which("setpriv") is None:
                pytest.skip("running as root without setpriv: permissions cannot stop root")
            prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]
        cohort = tmp_path / "new.yaml"
        cohort.write_text(SMALL_IMPORT)
        directory.chmod(0o555)
        try:
            imported = subprocess.run(
                [*prefix, *gmsc_command(db, "import", str(cohort))],
                capture_output=True,
                text=True,
                env=environment(),
            )
            read = subprocess.run(
                [*prefix, *gmsc_command(db, "totals", "--format", "csv")],
                capture_output=True,
                text=True,
                env=environment(),
            )
        finally:
            directory.chmod(0o755)
        no_crash(imported.stdout, imported.stderr, read.stderr)
        assert imported.returncode == 3, imported.stderr
        assert imported.stderr.startswith(f"gmsc: the store {db} cannot be "), imported.stderr
        assert "permissions" in imported.stderr, imported.stderr
        assert read.returncode == 0, read.stderr
        assert db.read_bytes() == content

    def test_directory_cannot_be_created(self, tmp_path: Path) -> None:
        """If the store's directory cannot be created (a file is in its way), then an
        import exits 3 naming the store and suggesting another place."""
        blocker = tmp_path / "blocker"
        blocker.write_text("a file, not a directory\n")
        cohort = tmp_path / "new.yaml"
        cohort.write_text(SMALL_IMPORT)
        done = gmsc(blocker / "gmsc.db", "import", str(cohort))
        no_crash(done.stderr)
        assert done.returncode == 3, done.stderr
        assert f"the store {blocker / 'gmsc.db'}" in done.stderr
        assert "choose another place with --db or GMSC_DB" in done.stderr
        assert blocker.read_text() == "a file, not a directory\n"

    def test_disk_full(
        self,
        run: Run,
        tmp_path: Path,
        empty_store: Path,
        large_ledger: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """If the disk fills up during an import (simulated: PRAGMA max_page_count on every
        connection to the store, so SQLite answers SQLITE_FULL), then the import exits 3
        saying the disk is full and what to do, and the store's bytes are unchanged."""
        db = tmp_path / "gmsc.db"
        shutil.copyfile(empty_store, db)
        content = db.read_bytes()
        pages = len(content) // 4096 + 4
        original = sqlite3.connect

        def limited(*args: Any, **kwargs: Any) -> sqlite3.Connection:
            con = original(*args, **kwargs)
            con.execute(f"PRAGMA max_page_count = {pages}")
            return con

        monkeypatch.setattr(sqlite3, "connect", limited)
        monkeypatch.setattr(sqlite3.dbapi2, "connect", limited)
        result = run("--db", str(db), "import", str(large_ledger))
        no_crash(result.stdout, result.stderr)
        assert result.exit_code == 3, str(result)
        assert result.stderr == (
            f"gmsc: the store {db} cannot be written: the disk is full\n"
            "  hint: free some space and run the command again; nothing was changed\n"
        )
        assert db.read_bytes() == content

    def test_file_size_limit(self, tmp_path: Path, empty_store: Path, large_ledger: Path) -> None:
        """If the operating system refuses to let the store grow (RLIMIT_FSIZE, as a quota
        would), then the import exits 3 naming the store, the file is unchanged (no hot
        journal left to roll back), and the store can still be read."""
        resource = pytest.importorskip("resource")
        db = tmp_path / "gmsc.db"
        shutil.copyfile(empty_store, db)
        content = db.read_bytes()
        limit = len(content) + 64 * 1024

        def cap() -> None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        done = subprocess.run(
            gmsc_command(db, "import", str(large_ledger)),
            capture_output=True,
            text=True,
            env=environment(),
            preexec_fn=cap,
        )
        no_crash(done.stdout, done.stderr)
        assert done.returncode == 3, done.stderr
        assert done.stderr.startswith(f"gmsc: the store {db} "), done.stderr
        assert "  hint: " in done.stderr
        assert db.read_bytes() == content
        read = gmsc(db, "totals", "--format", "csv")
        assert read.returncode == 0, read.stderr


# --- gmsc doctor ------------------------------------------------------------------------------


class TestDoctor:
    """`gmsc doctor` checks the store's integrity, its ledger, and drift from files."""

    def test_sound_store_passes(self, run: Run, tmp_path: Path, sound_store: Path) -> None:
        """If the store is sound, then doctor reports every check ok and exits 0."""
        db = tmp_path / "gmsc.db"
        shutil.copyfile(sound_store, db)
        result = run("--db", str(db), "doctor", str(BUNDLED))
        assert result.exit_code == 0, str(result)
        assert result.stdout == (
            "ok       integrity\n"
            "ok       tables and columns\n"
            "ok       stored values\n"
            "ok       reference regions\n"
            "ok       ledger invariants\n"
            "ok       store matches the files\n"
        )

    def test_drift_from_a_modified_file(self, run: Run, tmp_path: Path, sound_store: Path) -> None:
        """If a ledger file differs from the store (a 2022 entry's status changed), then
        doctor reports the drift naming the year and exits 1."""
        db = tmp_path / "gmsc.db"
        shutil.copyfile(sound_store, db)
        ledger = yaml.safe_load(export(run, db))
        entry = next(c for c in ledger["cohorts"] if c["year"] == 2022)["regions"][0]
        entry["status"] = "probable" if entry["status"] == "confirmed" else "confirmed"
        modified = tmp_path / "modified.yaml"
        modified.write_text(yaml.safe_dump(ledger, allow_unicode=True, sort_keys=False))
        result = run("--db", str(db), "doctor", str(modified))
        assert result.exit_code == 1, str(result)
        assert "PROBLEM  store matches the files\n" in result.stdout, str(result)
        assert f"         2022: {entry['name']} ({entry['code']}) differs" in result.stdout
        assert "2017:" not in result.stdout

    def test_cohort_only_in_the_store(self, run: Run, tmp_path: Path, sound_store: Path) -> None:
        """If the files lack a stored cohort (and the published totals that count it), then
        doctor names that year and exits 1."""
        db = tmp_path / "gmsc.db"
        shutil.copyfile(sound_store, db)
        ledger = yaml.safe_load(export(run, db))
        ledger["cohorts"] = [c for c in ledger["cohorts"] if c["year"] != 2022]
        ledger["published"] = [p for p in ledger["published"] if p["through"] < 2022]
        without = tmp_path / "without-2022.yaml"
        without.write_text(yaml.safe_dump(ledger, allow_unicode=True, sort_keys=False))
        result = run("--db", str(db), "doctor", str(without))
        assert result.exit_code == 1, str(result)
        assert "         2022: cohort only in the store\n" in result.stdout, str(result)

    def test_corrupt_store_exits_3(self, run: Run, tmp_path: Path, sound_store: Path) -> None:
        """If the store is corrupt, then doctor exits 3 naming it, and leaves it as it was."""
        db = tmp_path / "gmsc.db"
        content = zeroed_middle(sound_store.read_bytes())
        db.write_bytes(content)
        result = run("--db", str(db), "doctor")
        no_crash(result.stdout, result.stderr)
        assert result.exit_code == 3, str(result)
        assert f"the store {db}" in result.stderr
        assert db.read_bytes() == content

    def test_no_store(self, run: Run, tmp_path: Path) -> None:
        """If there is no store, then doctor exits 3 and says how to create one, creating
        nothing."""
        db = tmp_path / "none.db"
        result = run("--db", str(db), "doctor")
        assert result.exit_code == 3, str(result)
        assert result.stderr == (
            f"gmsc: there is no store at {db}\n  hint: gmsc init creates one\n"
        )
        assert not db.exists()
