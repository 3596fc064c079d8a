"""Canonical format-1 YAML of a ledger: codes and canonical names, in a stable order.

Which keys are written, and in what order, comes from `spec`. Two exports of the same
ledger are byte-identical, and importing an export into an empty store reproduces the
ledger.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

from gmsc_cli.domain.arithmetic import in_year_order
from gmsc_cli.domain.model import Cohort, Entry, Ledger, Published
from gmsc_cli.format1 import spec
from gmsc_cli.format1.spec import Shape

HEADER = f"# A GMSC cohort ledger, format {spec.VERSION}, written by `gmsc export`.\n"


def _written(value: object) -> object:
    """A model value as YAML writes it (tuples as lists)."""
    return list(value) if isinstance(value, tuple) else value


def _mapping(shape: Shape, value_of: Callable[[str], object]) -> dict[str, Any]:
    """The keys of `shape` in canonical order, each written if the spec says it always is
    or it has a value; `value_of` gives a key's value."""
    item: dict[str, Any] = {}
    for field in shape.fields:
        value = value_of(field.name)
        if field.always_written or (value is not None and value != ()):
            item[field.name] = _written(value)
    return item


def _entry(entry: Entry) -> dict[str, Any]:
    return _mapping(spec.ENTRY, lambda key: getattr(entry, key))


def _cohort(cohort: Cohort) -> dict[str, Any]:
    def value_of(key: str) -> object:
        if key == "regions":
            return [_entry(e) for e in cohort.entries]
        return getattr(cohort, key)

    return _mapping(spec.COHORT, value_of)


def _published(published: Published) -> dict[str, Any]:
    return _mapping(spec.PUBLISHED, lambda key: getattr(published, key))


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """PyYAML's safe dumper, without anchors: it would write `&id001`/`*id001` for a value
    met twice (two cohorts' equal `mou_date` objects), which the strict loader refuses."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def export_yaml(ledger: Ledger) -> str:
    """The whole ledger as canonical YAML text."""
    values: dict[str, object] = {
        "version": spec.VERSION,
        "programme": ledger.programme,
        "published": tuple(
            _published(p) for p in sorted(ledger.published, key=lambda p: p.through)
        ),
        "cohorts": [_cohort(c) for c in in_year_order(ledger.cohorts)],
    }
    document = _mapping(spec.LEDGER, values.__getitem__)
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
