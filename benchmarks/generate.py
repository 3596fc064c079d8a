"""Write a synthetic, valid ledger of N memberships for the benchmarks.

N memberships are spread over cohorts of `--size` kabupaten/kota each (default 500, so
100,000 memberships make 200 cohorts, 2017-2216); each cohort takes a different slice of
the 514 official regions, and `declared_repeats` is exactly the number of its members
seen in an earlier cohort, so `gmsc validate` passes. Also writes the same memberships as
a JSON list of rows for `sqlite-utils insert`.

    python benchmarks/generate.py --memberships 100000 --out bench-data
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from gmsc_cli.domain.regions import reference


def generate(memberships: int, size: int, seed: int = 2017) -> tuple[str, list[dict[str, object]]]:
    """The YAML text and the JSON rows of a ledger with `memberships` entries."""
    regions = sorted(reference().regions.values(), key=lambda r: r.code)
    rng = random.Random(seed)
    lines = ["version: 1", "programme: Synthetic benchmark ledger", "cohorts:"]
    rows: list[dict[str, object]] = []
    seen: set[str] = set()
    year = 2017
    left = memberships
    while left > 0:
        count = min(size, left)
        members = rng.sample(regions, count)
        repeats = sum(1 for r in members if r.code in seen)
        lines += [
            f"  - year: {year}",
            f"    declared: {count}",
            f"    declared_repeats: {repeats}",
            "    regions:",
        ]
        for r in members:
            status = "probable" if rng.random() < 0.05 else "confirmed"
            lines.append(f'      - {{code: "{r.code}", name: {r.name}, status: {status}}}')
            rows.append({"year": year, "code": r.code, "name": r.name, "status": status})
        seen.update(r.code for r in members)
        left -= count
        year += 1
    return "\n".join(lines) + "\n", rows


def main() -> None:
    """Write ledger-N.yaml and rows-N.json into --out."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--memberships", type=int, default=100_000)
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    text, rows = generate(args.memberships, args.size)
    (args.out / f"ledger-{args.memberships}.yaml").write_text(text, encoding="utf-8")
    (args.out / f"rows-{args.memberships}.json").write_text(json.dumps(rows), encoding="utf-8")
    print(args.out / f"ledger-{args.memberships}.yaml")


if __name__ == "__main__":
    main()
