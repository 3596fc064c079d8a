"""Transcribe the research CSV of GMSC cohort members into ``data/cohorts.yaml`` (format 1).

Used once to create the bundled dataset; from then on ``data/cohorts.yaml`` is the source of
truth and is edited by hand. Each CSV row (kind, bare name, province) is resolved against the
shipped reference list to get its Kemendagri code and canonical name; the script stops with
an error if any row does not resolve uniquely or lands in another province.

Usage, from the repository root::

    python scripts/build_cohorts.py [RESEARCH_CSV] [-o data/cohorts.yaml]

It prints per-year figures on stderr so they can be checked against the declared counts:
participants (confirmed + probable) of declared, new, repeats (with their codes), probable,
disputed and withdrawn entries, and the running totals, official (sum of declared minus
declared repeats) and identified (distinct participant codes).
"""

from __future__ import annotations

import argparse
import csv
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from gmsc_cli.domain.regions import reference  # noqa: E402  (needs the path set above)

DEFAULT_CSV = ROOT / "data" / "research" / "gmsc_cohorts_2017_2024.csv"
DEFAULT_OUTPUT = ROOT / "data" / "cohorts.yaml"
STATUSES = ("confirmed", "probable", "disputed", "withdrawn")
PARTICIPATING = ("confirmed", "probable")


@dataclass(frozen=True)
class Cohort:
    """The cohort-level facts that the research CSV does not carry (research/README.md)."""

    year: int
    declared: int
    declared_repeats: int
    title: str
    mou_date: str
    sources: tuple[str, ...] = ()
    comment: str = ""


COHORTS = (
    Cohort(
        year=2017,
        declared=25,
        declared_repeats=0,
        title="Gerakan Menuju 100 Smart City, tahap 1",
        mou_date="2017-05-22",
        comment="MoU signed in Makassar.",
    ),
    Cohort(
        year=2018,
        declared=50,
        declared_repeats=0,
        title="Gerakan Menuju 100 Smart City, tahap 2",
        mou_date="2018-05-08",
    ),
    Cohort(
        year=2019,
        declared=25,
        declared_repeats=0,
        title="Gerakan Menuju 100 Smart City, tahap 3",
        mou_date="2019-05-15",
        comment="MoU signed in Jakarta.",
    ),
    Cohort(
        year=2021,
        declared=48,
        declared_repeats=7,
        title="10 destinasi pariwisata prioritas + IKN",
        mou_date="2021-05-20",
        comment="No cohort in 2020. Of the 48, seven had been mentored in an earlier year"
        " (pengulangan pendampingan).",
    ),
    Cohort(
        year=2022,
        declared=50,
        declared_repeats=0,
        title="Gerakan Menuju Smart City 2022",
        mou_date="2022-04-21",
        sources=("Surat Ditjen Aptika B-003/DJAI/AI.01.04/01/2022, 3 Jan 2022 (selection letter)",),
    ),
    Cohort(
        year=2023,
        declared=50,
        declared_repeats=0,
        title="Gerakan Menuju Smart City 2023",
        mou_date="2023-02-28",
        comment="MoU signed by 50 kabupaten/kota and 2 provinces. Awards on 7 Dec 2023 at ICE BSD.",
    ),
    Cohort(
        year=2024,
        declared=10,
        declared_repeats=0,
        title="Gerakan Menuju Smart City 2024",
        mou_date="2024-03-05",
        sources=(
            "Surat Ditjen Aptika B-454/DJAI/AI.01.02/05/2023, 31 May 2023 (assessment result"
            " letter)",
            "Surat Ditjen Aptika B-160/DJAI/AI.01.02/02/2024, 7 Feb 2024 (invitation letter)",
        ),
        comment="Chosen in 2023 (assessment result letter of 31 May 2023), so the minister's"
        " total of 251 on 7 Dec 2023 already counts these 10.",
    ),
)

PUBLISHED = (
    (2021, 141, "Menkominfo at the MoU signing of the 2022 cohort, 21 Apr 2022"),
    (2022, 191, "Kemenkominfo at the GMSC awards, Dec 2022"),
    (
        2024,
        251,
        "Menkominfo at the National Smart City Forum, 7 Dec 2023, counting the 10 already"
        " chosen for 2024; https://en.antaranews.com/news/300501",
    ),
)

HEADER = """\
# The ledger of Indonesia's Gerakan Menuju Smart City (GMSC) cohorts, 2017-2024:
# the kabupaten/kota that public sources name as members of each cohort, with their
# Kemendagri codes, status (confirmed/probable/disputed/withdrawn), sources and notes,
# the declared cohort sizes and the published running totals.
#
# This file is the source of truth (format 1, see the README). It was transcribed once
# from data/research/gmsc_cohorts_2017_2024.csv by scripts/build_cohorts.py; edit
# it by hand from now on and check it with `gmsc validate data/cohorts.yaml`.
"""


def scalar(value: str) -> str:
    """A YAML scalar for ``value``: plain when PyYAML allows it, quoted otherwise."""
    text = yaml.safe_dump(value, allow_unicode=True, width=10**6)
    return text.removesuffix("\n...\n").removesuffix("\n")


def quoted(value: str) -> str:
    """A double-quoted YAML scalar (codes must never read as numbers)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def read_rows(path: Path) -> list[dict[str, str]]:
    """The research rows, resolved: each gets ``code`` and canonical ``name`` added."""
    ref = reference()
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    errors: list[str] = []
    for number, row in enumerate(rows, start=2):
        asked = f"{'Kabupaten' if row['kind'] == 'kabupaten' else 'Kota'} {row['name']}"
        resolution = ref.resolve(asked)
        region = resolution.region
        if row["status"] not in STATUSES:
            errors.append(f"line {number}: unknown status {row['status']!r}")
        if region is None:
            errors.append(f"line {number}: {asked!r} does not resolve ({resolution})")
        elif region.kind != row["kind"] or region.province != row["province"]:
            errors.append(
                f"line {number}: {asked!r} ({row['province']}) resolves to "
                f"{region.code} {region.name} ({region.province})"
            )
        else:
            row["code"], row["canonical"] = region.code, region.name
    if errors:
        raise SystemExit("\n".join(errors))
    return rows


def render(rows: list[dict[str, str]]) -> str:
    """The format-1 YAML text of the whole ledger."""
    known_years = {cohort.year for cohort in COHORTS}
    stray = sorted({row["year"] for row in rows if int(row["year"]) not in known_years})
    if stray:
        raise SystemExit(f"rows for years without cohort facts: {', '.join(stray)}")
    lines = [HEADER, "version: 1", "programme: Gerakan Menuju Smart City", "published:"]
    for through, unique, source in PUBLISHED:
        lines.append(f"  - {{through: {through}, unique: {unique}, source: {quoted(source)}}}")
    lines.append("cohorts:")
    for cohort in COHORTS:
        lines.append("")
        if cohort.comment:
            lines += [f"  # {line}" for line in textwrap.wrap(cohort.comment, width=88)]
        lines += [
            f"  - year: {cohort.year}",
            f"    declared: {cohort.declared}",
            f"    declared_repeats: {cohort.declared_repeats}",
            f"    title: {scalar(cohort.title)}",
            f"    mou_date: {cohort.mou_date}",
        ]
        if cohort.sources:
            lines.append("    sources:")
            lines += [f"      - {scalar(source)}" for source in cohort.sources]
        lines.append("    regions:")
        for row in rows:
            if int(row["year"]) != cohort.year:
                continue
            lines += [
                f"      - code: {quoted(row['code'])}",
                f"        name: {scalar(row['canonical'])}",
                f"        status: {row['status']}",
            ]
            sources = [s.strip() for s in row["sources"].split(" ; ") if s.strip()]
            if sources:
                lines.append("        sources:")
                lines += [f"          - {scalar(source)}" for source in sources]
            if row["note"].strip():
                lines.append(f"        note: {scalar(row['note'].strip())}")
    return "\n".join(lines) + "\n"


def report(rows: list[dict[str, str]]) -> list[str]:
    """Per-year figures: participants of declared, new, repeats (with codes), probable,
    disputed and withdrawn entries, and the running totals official and identified.

    A withdrawn entry holds no slot of ``declared``: only participants are set against it.
    """
    out: list[str] = []
    seen: set[str] = set()
    official = 0
    for cohort in COHORTS:
        year_rows = [row for row in rows if int(row["year"]) == cohort.year]
        counts = {status: sum(row["status"] == status for row in year_rows) for status in STATUSES}
        participants = [row["code"] for row in year_rows if row["status"] in PARTICIPATING]
        repeats = [code for code in participants if code in seen]
        seen.update(participants)
        official += cohort.declared - cohort.declared_repeats
        flags = []
        if len(participants) > cohort.declared:
            flags.append(f"MORE PARTICIPANTS THAN DECLARED ({cohort.declared})")
        if len(repeats) > cohort.declared_repeats:
            flags.append(f"MORE REPEATS THAN DECLARED ({cohort.declared_repeats})")
        elif len(repeats) < cohort.declared_repeats and len(participants) >= cohort.declared:
            flags.append(f"FEWER REPEATS THAN DECLARED ({cohort.declared_repeats})")
        out.append(
            f"{cohort.year}: participants {len(participants)}/{cohort.declared}, "
            f"new {len(participants) - len(repeats)}, "
            f"repeats {len(repeats)} [{', '.join(repeats)}], "
            f"probable {counts['probable']}, disputed {counts['disputed']}, "
            f"withdrawn {counts['withdrawn']}; "
            f"cumulative official {official}, identified {len(seen)}"
            + "".join(f"  <-- {flag}" for flag in flags)
        )
    return out


def main() -> None:
    """Transcribe the research CSV, check it round-trips through YAML, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="?", type=Path, default=DEFAULT_CSV)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()

    rows = read_rows(args.csv)
    text = render(rows)
    loaded = yaml.safe_load(text)
    listed = sum(len(cohort["regions"]) for cohort in loaded["cohorts"])
    if listed != len(rows) or any(
        not isinstance(entry["code"], str) for c in loaded["cohorts"] for entry in c["regions"]
    ):
        raise SystemExit("the rendered YAML does not read back as written")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8", newline="")
    print(f"wrote {args.output} ({len(rows)} entries)", file=sys.stderr)
    for line in report(rows):
        print(line, file=sys.stderr)


if __name__ == "__main__":
    main()
