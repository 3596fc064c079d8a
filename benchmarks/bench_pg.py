"""Benchmark gmsc on PostgreSQL against gmsc on SQLite, side by side in one run.

Run by hand (not part of the tests), from the repository, with the PostgreSQL server
binaries installed (initdb, pg_ctl; Debian's postgresql) and psql for the floor:

    .venv/bin/pip install '.[postgres,bench]'
    .venv/bin/python benchmarks/bench_pg.py                 # N = 100,000 memberships
    .venv/bin/python benchmarks/bench_pg.py --memberships 20000 --repeat 3

A throwaway server is started on a free loopback port (as the tests do) and removed at
the end. Compared, alternately, medians of wall time and of the child's peak memory:
`gmsc totals` on each store holding the bundled ledger; `gmsc import` of N memberships
into an empty store of each kind; and, as the floor, `psql -c "\\copy ..."` of the same
rows as CSV into a bare table. Only ratios measured in the same run mean anything.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from bench import Row, Sample, alternate, timed  # noqa: E402

from pg_server import PostgresServer  # noqa: E402


def main() -> None:
    """Measure the PostgreSQL goals and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memberships", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    gmsc = str(Path(sys.executable).parent / "gmsc")
    psql = shutil.which("psql")
    work = Path(tempfile.mkdtemp(prefix="gmsc-bench-pg-"))
    os.chmod(work, 0o755)  # the server's user reads nothing here, psql does
    env = {k: v for k, v in os.environ.items() if k != "GMSC_DB"}
    n = args.memberships
    subprocess.run(
        [sys.executable, str(HERE / "generate.py"), "--memberships", str(n), "--out", str(work)],
        check=True,
        capture_output=True,
    )
    ledger = work / f"ledger-{n}.yaml"
    rows_csv = work / f"rows-{n}.csv"
    with rows_csv.open("w", newline="") as out:
        writer = csv.writer(out)
        for r in json.loads((work / f"rows-{n}.json").read_text()):
            writer.writerow([r["year"], r["code"], r["name"], r["status"]])

    with PostgresServer() as server:
        server.create_role("bench", "bench-pw")

        def fresh(name: str) -> str:
            server.drop_database(name)
            server.create_database(name, owner="bench")
            return server.url("bench", "bench-pw", name)

        sqlite_totals = work / "totals.db"
        pg_totals = fresh("bench_totals")
        for db in (str(sqlite_totals), pg_totals):
            subprocess.run([gmsc, "--db", db, "init"], check=True, capture_output=True)

        rows: list[Row] = []
        a, b = alternate(
            args.repeat,
            lambda: timed([gmsc, "--db", pg_totals, "totals"], env=env),
            lambda: timed([gmsc, "--db", str(sqlite_totals), "totals"], env=env),
        )
        rows.append(Row("gmsc totals: PostgreSQL vs SQLite", a, b, "<= 1.5x"))

        def pg_import() -> Sample:
            url = fresh("bench_import")
            subprocess.run([gmsc, "--db", url, "init", "--empty"], check=True, capture_output=True)
            return timed([gmsc, "--db", url, "import", str(ledger)], env=env)

        def sqlite_import() -> Sample:
            db = work / "import.db"
            db.unlink(missing_ok=True)
            subprocess.run(
                [gmsc, "--db", str(db), "init", "--empty"], check=True, capture_output=True
            )
            return timed([gmsc, "--db", str(db), "import", str(ledger)], env=env)

        heavy = max(1, min(args.repeat, 3))
        a, b = alternate(heavy, pg_import, sqlite_import)
        rows.append(
            Row(f"gmsc import N={n:,}: PostgreSQL vs SQLite", a, b, "<= 1.2x time, <= 1.5x mem")
        )
        if psql:

            def floor() -> Sample:
                url = fresh("bench_floor")
                subprocess.run(
                    [
                        psql,
                        "-q",
                        url,
                        "-c",
                        "CREATE TABLE m (year int, code text, name text, status text)",
                    ],
                    check=True,
                    capture_output=True,
                )
                return timed([psql, "-q", url, "-c", f"\\copy m FROM '{rows_csv}' CSV"])

            c: Callable[[], Sample] = floor
            fl = [c() for _ in range(heavy)]
            rows.append(
                Row(
                    f"floor: psql \\copy of the N={n:,} rows vs gmsc import on PostgreSQL",
                    fl,
                    a,
                    "lower bound",
                )
            )
    header = [
        "comparison",
        "first s",
        "second s",
        "time",
        "first MiB",
        "second MiB",
        "memory",
        "goal",
    ]
    print(
        f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()}; medians of "
        f"{args.repeat} (imports: {heavy}) alternating runs\n"
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row.cells()) + " |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
