"""Benchmark `gmsc diff` on two large ledgers against validating both of them.

Run by hand (not part of the tests), from the repository:

    .venv/bin/python benchmarks/bench_diff.py                  # 100,000 memberships
    .venv/bin/python benchmarks/bench_diff.py --memberships 20000 --repeat 5

The old ledger comes from benchmarks/generate.py; the new one is the same text with the
status of every `--every`-th membership changed. Each command is run `--repeat` times,
alternately; the medians of wall time are reported, and their ratio. `gmsc diff` loads
and validates both sides, then compares them, so it should take about as long as
`gmsc validate OLD` and `gmsc validate NEW` run one after the other.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

GMSC = Path(sys.executable).parent / "gmsc"


def changed_statuses(text: str, every: int) -> tuple[str, int]:
    """The ledger text with every `every`-th membership's status flipped, and how many."""
    lines = text.splitlines(keepends=True)
    seen = changed = 0
    for i, line in enumerate(lines):
        if "status: " not in line:
            continue
        seen += 1
        if seen % every == 0:
            flip = ("confirmed", "probable") if "confirmed" in line else ("probable", "confirmed")
            lines[i] = line.replace(*flip)
            changed += 1
    return "".join(lines), changed


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> None:
    """Write the two ledgers to a temporary directory and time the commands."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--memberships", type=int, default=100_000)
    parser.add_argument("--every", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        old_text, _ = generate(args.memberships, 500)
        new_text, changed = changed_statuses(old_text, args.every)
        old, new = Path(tmp, "old.yaml"), Path(tmp, "new.yaml")
        old.write_text(old_text, encoding="utf-8")
        new.write_text(new_text, encoding="utf-8")
        env = {**os.environ, "GMSC_DB": str(Path(tmp, "gmsc.db")), "NO_COLOR": "1"}
        commands = {
            "validate OLD; validate NEW": None,
            "diff OLD NEW": [str(GMSC), "diff", str(old), str(new)],
            "diff OLD NEW --format json": [str(GMSC), "diff", str(old), str(new), "-f", "json"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.repeat):
            for name, command in commands.items():
                if command is None:
                    seconds = timed([str(GMSC), "validate", str(old)], env)
                    seconds += timed([str(GMSC), "validate", str(new)], env)
                else:
                    seconds = timed(command, env)
                times[name].append(seconds)
    base = statistics.median(times["validate OLD; validate NEW"])
    print(f"{args.memberships:,} memberships a side, {changed:,} statuses changed, ", end="")
    print(f"median of {args.repeat} runs")
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"  {name:30} {median:6.2f} s   x{median / base:.2f}")


if __name__ == "__main__":
    main()
