"""Canonical format-1 YAML of a ledger: codes and canonical names, in a stable order.

Two exports of the same ledger are byte-identical, and importing an export into an
empty store reproduces the ledger.
"""

from __future__ import annotations

from typing import Any

import yaml

from gmsc_cli.domain.arithmetic import in_year_order
from gmsc_cli.domain.model import Cohort, Entry, Ledger
from gmsc_cli.format1.reader import FORMAT_VERSION

HEADER = "# A GMSC cohort ledger, format 1, written by `gmsc export`.\n"


def _entry(entry: Entry) -> dict[str, Any]:
    item: dict[str, Any] = {"code": entry.code, "name": entry.name, "status": entry.status}
    if entry.sources:
        item["sources"] = list(entry.sources)
    if entry.note is not None:
        item["note"] = entry.note
    return item


def _cohort(cohort: Cohort) -> dict[str, Any]:
    item: dict[str, Any] = {"year": cohort.year}
    if cohort.declared is not None:
        item["declared"] = cohort.declared
    item["declared_repeats"] = cohort.declared_repeats
    if cohort.title is not None:
        item["title"] = cohort.title
    if cohort.mou_date is not None:
        item["mou_date"] = cohort.mou_date
    if cohort.sources:
        item["sources"] = list(cohort.sources)
    item["regions"] = [_entry(e) for e in cohort.entries]
    return item


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """PyYAML's safe dumper, without anchors: it would write `&id001`/`*id001` for a value
    met twice (two cohorts' equal `mou_date` objects), which the strict loader refuses."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def export_yaml(ledger: Ledger) -> str:
    """The whole ledger as canonical YAML text."""
    document: dict[str, Any] = {"version": FORMAT_VERSION}
    if ledger.programme is not None:
        document["programme"] = ledger.programme
    if ledger.published:
        document["published"] = [
            {"through": p.through, "unique": p.unique}
            | ({"source": p.source} if p.source is not None else {})
            for p in sorted(ledger.published, key=lambda p: p.through)
        ]
    document["cohorts"] = [_cohort(c) for c in in_year_order(ledger.cohorts)]
    body = yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=10_000,
        indent=2,
    )
    return HEADER + body
