"""The JSON Schema (draft 2020-12) of ledger format 1, for editors and check-jsonschema.

Generated from `spec`, so its keys, types and limits are the reader's. It states the
shape only; what needs the reference list or the whole ledger (region names, repeats,
totals) is `gmsc validate`'s job.
"""

from __future__ import annotations

from typing import Any

from gmsc_cli.format1 import spec
from gmsc_cli.format1.spec import Bound, Field, Kind, Shape

_TEXT: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": spec.MAX_TEXT}


def _limit(limit: int | Bound | None, region_count: int) -> int | None:
    """A limit as a number: one that depends on the reference list, resolved."""
    return region_count if limit is Bound.REGIONS else limit


def _field(field: Field, region_count: int) -> dict[str, Any]:
    """The schema of one field's value."""
    if field.const is not None:
        return {"const": field.const}
    match field.kind:
        case Kind.INTEGER:
            value: dict[str, Any] = {"type": "integer"}
            for word, limit in (("minimum", field.minimum), ("maximum", field.maximum)):
                number = _limit(limit, region_count)
                if number is not None:
                    value[word] = number
        case Kind.TEXT:
            value = dict(_TEXT)
        case Kind.TEXTS:
            value = {"type": "array", "items": dict(_TEXT)}
        case Kind.DATE:
            value = {"type": "string", "format": "date"}
        case Kind.CODE:
            value = {
                "type": "string",
                "pattern": f"^{spec.CODE_PATTERN}$",
                "description": spec.CODE_DESCRIPTION,
            }
        case Kind.STATUS:
            value = {"enum": list(field.choices)}
        case Kind.LIST:
            assert field.items is not None, "a list field of the spec names its items"
            kinds = ["array", "null"] if field.nullable else "array"
            value = {"type": kinds, "items": _shape(field.items, region_count)}
    if field.default is not None:
        value["default"] = field.default
    return value


def _shape(shape: Shape, region_count: int) -> dict[str, Any]:
    """The schema of a mapping (with its one-text shorthand, when it has one)."""
    mapping: dict[str, Any] = {"type": "object", "additionalProperties": False}
    if shape.one_of_required:
        mapping["anyOf"] = [{"required": [key]} for key in shape.one_of_required]
    if shape.required:
        mapping["required"] = list(shape.required)
    mapping["properties"] = {f.name: _field(f, region_count) for f in shape.fields}
    if shape.shorthand is None:
        return mapping
    text = {"type": "string", "minLength": 1, "description": shape.shorthand}
    return {"oneOf": [text, mapping]}


def schema(region_count: int) -> dict[str, Any]:
    """The schema document; `region_count` bounds a cohort's declared size."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"GMSC cohort ledger, format {spec.VERSION}",
        **_shape(spec.LEDGER, region_count),
    }
