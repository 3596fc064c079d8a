"""Benchmark gmsc against a bare Typer app and sqlite-utils, side by side in one run.

Run by hand (not part of the tests), from the repository, with the product installed
as users install it (an editable install adds its own import-time cost):

    python3 -m venv .venv-bench && .venv-bench/bin/pip install '.[bench]'
    .venv-bench/bin/python benchmarks/bench.py                 # N = 100,000 memberships
    .venv-bench/bin/python benchmarks/bench.py --memberships 20000 --repeat 3

Each pair of commands is run alternately, `--repeat` times each; the table reports the
medians of wall time (and of peak memory, from the child's rusage) and their ratios.
Machines are shared and noisy: only ratios measured in the same run mean anything.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BIN = Path(sys.executable).parent
BARE_APP = '''
import typer

app = typer.Typer()


@app.command()
def hello(name: str) -> None:
    """Say hello."""


@app.command()
def bye(name: str) -> None:
    """Say goodbye."""


app()
'''
FLOOR = """
import json, os, sqlite3, sys
import typer, sqlmodel, yaml
ledger, rows, db = sys.argv[1:]
text = open(ledger, encoding="utf-8").read()
for event in yaml.parse(text, Loader=yaml.CSafeLoader):
    event.start_mark.line
if os.path.exists(db):
    os.remove(db)
con = sqlite3.connect(db)
con.execute("CREATE TABLE m (year INTEGER, code TEXT, name TEXT, status TEXT)")
with con:
    con.executemany(
        "INSERT INTO m VALUES (?, ?, ?, ?)",
        [(r["year"], r["code"], r["name"], r["status"]) for r in json.load(open(rows))],
    )
"""
TABLE_APP = """
import sqlite3, sys
import typer

app = typer.Typer()


@app.command()
def table(db: str, sql: str) -> None:
    from rich.console import Console
    from rich.table import Table

    con = sqlite3.connect(db)
    cursor = con.execute(sql)
    out = Table(*[c[0] for c in cursor.description])
    for row in cursor:
        out.add_row(*map(str, row))
    Console().print(out)


@app.command()
def other() -> None:
    pass


app()
"""
PER_YEAR_SQL = """
WITH p AS (SELECT year, code FROM entry WHERE status IN ('confirmed', 'probable')),
first AS (SELECT code, min(year) AS first_year FROM p GROUP BY code),
per AS (
  SELECT c.year, c.declared, c.declared_repeats,
    (SELECT count(*) FROM entry e WHERE e.year = c.year AND e.status != 'disputed') AS listed,
    (SELECT count(*) FROM p WHERE p.year = c.year) AS participants,
    (SELECT count(*) FROM p JOIN first f ON f.code = p.code
       WHERE p.year = c.year AND f.first_year = c.year) AS new,
    (SELECT count(*) FROM entry e WHERE e.year = c.year AND e.status = 'probable') AS probable,
    (SELECT count(*) FROM entry e WHERE e.year = c.year AND e.status = 'disputed') AS disputed,
    (SELECT count(*) FROM entry e WHERE e.year = c.year AND e.status = 'withdrawn') AS withdrawn
  FROM cohort c)
SELECT year, declared, declared_repeats, listed, declared - listed AS unlisted, participants,
  new, participants - new AS repeats, probable, disputed, withdrawn,
  sum(coalesce(declared - declared_repeats, new)) OVER (ORDER BY year) AS cumulative_declared,
  sum(new) OVER (ORDER BY year) AS cumulative_identified
FROM per ORDER BY year
"""
"""The rows of `gmsc totals`, computed by SQLite itself: the same figures, the same table."""


@dataclass
class Sample:
    """One timed run: wall seconds and peak resident memory in MiB."""

    seconds: float
    peak_mib: float


def timed(argv: Sequence[str], *, env: dict[str, str] | None = None) -> Sample:
    """Run a command, return its wall time and its own peak RSS (not the benchmark's)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        list(argv), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    stderr = process.stderr.read().decode() if process.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{' '.join(argv)} exited {code}:\n{stderr}")
    return Sample(seconds, usage.ru_maxrss / 1024)


@dataclass
class Row:
    """One line of the result table: gmsc against its reference."""

    what: str
    ours: list[Sample]
    theirs: list[Sample]
    goal: str

    def median(self, samples: list[Sample], attr: str) -> float:
        return statistics.median(getattr(s, attr) for s in samples)

    def cells(self) -> list[str]:
        ours_t, theirs_t = self.median(self.ours, "seconds"), self.median(self.theirs, "seconds")
        ours_m, theirs_m = self.median(self.ours, "peak_mib"), self.median(self.theirs, "peak_mib")
        return [
            self.what,
            f"{ours_t:.3f}",
            f"{theirs_t:.3f}",
            f"{ours_t / theirs_t:.2f}x",
            f"{ours_m:.0f}",
            f"{theirs_m:.0f}",
            f"{ours_m / theirs_m:.2f}x",
            self.goal,
        ]


def alternate(
    repeat: int, ours: Callable[[], Sample], theirs: Callable[[], Sample]
) -> tuple[list[Sample], list[Sample]]:
    """Run the two alternately, after one unmeasured warm-up of each."""
    ours()
    theirs()
    a: list[Sample] = []
    b: list[Sample] = []
    for _ in range(repeat):
        a.append(ours())
        b.append(theirs())
    return a, b


def baseline_rows(
    args: argparse.Namespace, gmsc: str, before: str, work: Path, env: dict[str, str]
) -> list[Row]:
    """This gmsc's start-up against another install's, command by command: the
    "no slower than before" check of a change."""
    stores = {}
    for name, program in (("after", gmsc), ("before", before)):
        stores[name] = work / f"{name}.db"
        subprocess.run(
            [program, "--db", str(stores[name]), "init"], check=True, capture_output=True
        )
    commands = {
        "--help": lambda program, _db: [program, "--help"],
        # A ledger both versions accept as valid (their bundled data may differ).
        "validate (100 cohorts)": lambda program, _db: [
            program,
            "validate",
            str(REPO / "tests" / "golden" / "ledger-100.yaml"),
        ],
        "totals": lambda program, db: [program, "--db", str(db), "totals"],
    }
    rows = []
    for what, argv in commands.items():
        a, b = alternate(
            args.repeat,
            lambda argv=argv: timed(argv(gmsc, stores["after"]), env=env),
            lambda argv=argv: timed(argv(before, stores["before"]), env=env),
        )
        rows.append(Row(f"gmsc {what}: this install vs the baseline", a, b, "<= 1.0x"))
    return rows


def main() -> None:
    """Measure the four comparisons of the performance goals and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memberships", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--baseline",
        type=Path,
        help="the bin directory of another gmsc install (say, the last release): its "
        "--help, validate and totals are timed against this one's, alternately",
    )
    args = parser.parse_args()
    gmsc = str(BIN / "gmsc")
    sqlite_utils = shutil.which("sqlite-utils", path=str(BIN)) or shutil.which("sqlite-utils")
    if sqlite_utils is None:
        raise SystemExit("sqlite-utils is not installed: pip install -e '.[bench]'")
    python = sys.executable
    work = Path(tempfile.mkdtemp(prefix="gmsc-bench-"))
    env = {k: v for k, v in os.environ.items() if k != "GMSC_DB"}
    bare = work / "bare.py"
    bare.write_text(BARE_APP)

    big, small = args.memberships, args.memberships // 10
    files = {}
    for n in (small, big):
        # Generated in a child process: a child forked from a large parent would report
        # the parent's memory as its own peak.
        subprocess.run(
            [python, str(HERE / "generate.py"), "--memberships", str(n), "--out", str(work)],
            check=True,
            capture_output=True,
        )
        files[n] = (work / f"ledger-{n}.yaml", work / f"rows-{n}.json")

    bundled = work / "bundled.db"
    subprocess.run([gmsc, "--db", str(bundled), "init"], check=True, capture_output=True)

    def gmsc_import(n: int) -> Callable[[], Sample]:
        def run() -> Sample:
            db = work / "import.db"
            db.unlink(missing_ok=True)
            subprocess.run(
                [gmsc, "--db", str(db), "init", "--empty"], check=True, capture_output=True
            )
            return timed([gmsc, "--db", str(db), "import", str(files[n][0])], env=env)

        return run

    def su_insert(n: int) -> Callable[[], Sample]:
        def run() -> Sample:
            db = work / "su.db"
            db.unlink(missing_ok=True)
            return timed([sqlite_utils, "insert", str(db), "memberships", str(files[n][1])])

        return run

    rows: list[Row] = []
    a, b = alternate(
        args.repeat,
        lambda: timed([gmsc, "--help"], env=env),
        lambda: timed([python, str(bare), "--help"]),
    )
    rows.append(Row("gmsc --help vs bare Typer --help", a, b, "<= 1.2x"))
    a, b = alternate(
        args.repeat,
        lambda: timed([gmsc, "validate", str(REPO / "data" / "cohorts.yaml")], env=env),
        lambda: timed([python, str(bare), "--help"]),
    )
    rows.append(Row("gmsc validate (bundled) vs bare Typer --help", a, b, "<= 1.5x"))
    a, b = alternate(
        args.repeat,
        lambda: timed([gmsc, "--db", str(bundled), "totals"], env=env),
        lambda: timed([sqlite_utils, "query", str(bundled), PER_YEAR_SQL, "--table"]),
    )
    rows.append(Row("gmsc totals vs sqlite-utils query --table", a, b, "<= 1.5x"))
    table_app = work / "table_app.py"
    table_app.write_text(TABLE_APP)
    query = PER_YEAR_SQL
    a, b = alternate(
        args.repeat,
        lambda: timed([python, str(table_app), "table", str(bundled), query]),
        lambda: timed([sqlite_utils, "query", str(bundled), query, "--table"]),
    )
    rows.append(Row("bare Typer+Rich table of that query vs sqlite-utils", a, b, "floor"))
    if args.baseline is not None:
        rows += baseline_rows(args, gmsc, str(args.baseline / "gmsc"), work, env)
    heavy = max(1, min(args.repeat, 3))
    growth: dict[int, list[Sample]] = {}
    for n in (small, big):
        a, b = alternate(heavy, gmsc_import(n), su_insert(n))
        growth[n] = a
        su_big = b
        rows.append(
            Row(
                f"gmsc import vs sqlite-utils insert, N={n:,}",
                a,
                b,
                "<= 1.0x time, <= 1.5x memory" if n == big else "",
            )
        )
    # The floor: what any importer built on Typer + SQLModel that reads YAML through
    # libyaml's event stream and writes with executemany pays before it checks anything.
    floor = [
        timed([python, "-c", FLOOR, str(files[big][0]), str(files[big][1]), str(work / "f.db")])
        for _ in range(heavy)
    ]
    rows.append(
        Row(
            f"floor (Typer+SQLModel import, libyaml events, executemany), N={big:,}",
            floor,
            su_big,
            "lower bound",
        )
    )
    validate_big = [timed([gmsc, "validate", str(files[big][0])], env=env) for _ in range(heavy)]
    header = ["comparison", "gmsc s", "other s", "time", "gmsc MiB", "other MiB", "memory", "goal"]
    print(
        f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; medians of {args.repeat} "
        f"(imports: {heavy}) alternating runs\n"
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row.cells()) + " |")
    t_small = statistics.median(s.seconds for s in growth[small])
    t_big = statistics.median(s.seconds for s in growth[big])
    m_small = statistics.median(s.peak_mib for s in growth[small])
    m_big = statistics.median(s.peak_mib for s in growth[big])
    v_t = statistics.median(s.seconds for s in validate_big)
    v_m = statistics.median(s.peak_mib for s in validate_big)
    print(f"\ngmsc validate of N={big:,} memberships: {v_t:.2f} s, peak {v_m:.0f} MiB")
    print(
        f"Import growth from N={small:,} to N={big:,}: time x{t_big / t_small:.1f} "
        f"(goal <= 11x), peak memory x{m_big / m_small:.1f}"
    )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
