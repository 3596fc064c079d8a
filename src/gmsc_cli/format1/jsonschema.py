"""The JSON Schema (draft 2020-12) of ledger format 1, for editors and check-jsonschema.

It states the shape only; what needs the reference list or the whole ledger (region
names, repeats, totals) is `gmsc validate`'s job.
"""

from __future__ import annotations

from typing import Any

from gmsc_cli.domain.model import STATUSES
from gmsc_cli.format1.reader import FIRST_YEAR, LAST_YEAR, MAX_TEXT

_TEXT: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": MAX_TEXT}
_TEXTS: dict[str, Any] = {"type": "array", "items": _TEXT}
_YEAR: dict[str, Any] = {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR}
_CODE: dict[str, Any] = {
    "type": "string",
    "pattern": r"^\d{2}\.\d{2}$",
    "description": 'Kemendagri code of a kabupaten/kota, quoted: "73.22"',
}


def schema(region_count: int) -> dict[str, Any]:
    """The schema document; `region_count` bounds a cohort's declared size."""
    entry = {
        "oneOf": [
            {
                "type": "string",
                "minLength": 1,
                "description": "A name (Kabupaten Luwu Utara, Kota Palopo, Luwu Utara) or a code",
            },
            {
                "type": "object",
                "additionalProperties": False,
                "anyOf": [{"required": ["code"]}, {"required": ["name"]}],
                "properties": {
                    "code": _CODE,
                    "name": _TEXT,
                    "status": {"enum": list(STATUSES), "default": "confirmed"},
                    "sources": _TEXTS,
                    "note": _TEXT,
                },
            },
        ]
    }
    cohort = {
        "type": "object",
        "additionalProperties": False,
        "required": ["year"],
        "properties": {
            "year": _YEAR,
            "declared": {"type": "integer", "minimum": 0, "maximum": region_count},
            "declared_repeats": {"type": "integer", "minimum": 0, "default": 0},
            "title": _TEXT,
            "mou_date": {"type": "string", "format": "date"},
            "sources": _TEXTS,
            "regions": {"type": ["array", "null"], "items": entry},
        },
    }
    published = {
        "type": "object",
        "additionalProperties": False,
        "required": ["through", "unique"],
        "properties": {
            "through": _YEAR,
            "unique": {"type": "integer", "minimum": 0},
            "source": _TEXT,
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "GMSC cohort ledger, format 1",
        "type": "object",
        "additionalProperties": False,
        "required": ["version", "cohorts"],
        "properties": {
            "version": {"const": 1},
            "programme": _TEXT,
            "published": {"type": "array", "items": published},
            "cohorts": {"type": "array", "items": cohort},
        },
    }
