"""`gmsc reconcile` as tables, JSON and the one-line bridge that `gmsc totals` ends with."""

from __future__ import annotations

from typing import Any

from gmsc_cli.domain.reconcile import CohortBridge, Noted, Reconciliation
from gmsc_cli.views.tabular import Column, Tabular

MINUS = "\u2212"
"""The minus sign of the bridge line and the waterfall's steps (people read them)."""

BRIDGE_KEYS = (
    "year",
    "official_adds",
    "identified_adds",
    "gap",
    "unlisted",
    "repeats_declared",
    "repeats_identified",
    "repeats_unidentified",
    "repeats_beyond_declared",
    "cumulative_declared",
    "cumulative_identified",
    "cumulative_gap",
)

BRIDGE_COLUMNS = (
    Column("year", "Year"),
    Column("official_adds", "Official adds"),
    Column("identified_adds", "Identified adds"),
    Column("gap", "Gap"),
    Column("unlisted", "Unnamed slots"),
    Column("repeats_declared", "Decl. repeats"),
    Column("repeats_identified", "Ident. repeats"),
    Column("repeats_unidentified", "Repeats not ident."),
    Column("repeats_beyond_declared", "Repeats beyond decl."),
    Column("cumulative_declared", "Cum. official"),
    Column("cumulative_identified", "Cum. identified"),
    Column("cumulative_gap", "Cum. gap"),
)


def _noted(noted: Noted, *, later: bool = False) -> dict[str, Any]:
    row: dict[str, Any] = {"code": noted.code, "name": noted.name}
    if later:
        row["later_years"] = list(noted.later_years)
    row["sources"] = list(noted.sources)
    row["note"] = noted.note
    return row


def _cohort_json(bridge: CohortBridge) -> dict[str, Any]:
    row: dict[str, Any] = {key: getattr(bridge, key) for key in BRIDGE_KEYS}
    row["withdrawn"] = [_noted(n, later=True) for n in bridge.withdrawn]
    row["disputed"] = [_noted(n) for n in bridge.disputed]
    row["probable"] = [_noted(n) for n in bridge.probable]
    return row


def reconcile_json(rec: Reconciliation) -> dict[str, Any]:
    """`gmsc reconcile --format json`, the shape the README documents (a public API)."""
    return {
        "through": rec.through,
        "cohorts": [_cohort_json(b) for b in rec.cohorts],
        "total": {
            "unique_declared": rec.unique_declared,
            "unique_identified": rec.unique_identified,
            "gap": rec.gap,
            "unlisted": rec.unlisted,
            "repeats_unidentified": rec.repeats_unidentified,
            "repeats_beyond_declared": rec.repeats_beyond_declared,
        },
        "tensions": [
            {"kind": t.kind, "year": t.year, "codes": list(t.codes), "message": t.message}
            for t in rec.tensions
        ],
    }


def bridge_table(rec: Reconciliation) -> Tabular:
    """Per cohort: what the official arithmetic adds, what the evidence adds, and why
    they differ; the footer holds the totals. Its JSON is the whole reconciliation."""
    footer = {
        "year": "Total",
        "official_adds": rec.unique_declared,
        "identified_adds": rec.unique_identified,
        "gap": rec.gap,
        "unlisted": rec.unlisted,
        "repeats_unidentified": rec.repeats_unidentified,
        "repeats_beyond_declared": rec.repeats_beyond_declared,
    }
    through = f" through {rec.through}" if rec.through is not None else ""
    return Tabular(
        title=f"From the official to the identified total{through}",
        columns=BRIDGE_COLUMNS,
        rows=[{key: getattr(b, key) for key in BRIDGE_KEYS} for b in rec.cohorts],
        footer=footer,
        caption=bridge_line(rec, see_also=False),
        document=reconcile_json(rec),
    )


def entries_table(rec: Reconciliation) -> Tabular:
    """The entries behind the gap: withdrawn (with the later cohorts they took part in),
    disputed and probable, each with its sources and note."""
    rows = []
    for bridge in rec.cohorts:
        for status, entries in (
            ("withdrawn", bridge.withdrawn),
            ("disputed", bridge.disputed),
            ("probable", bridge.probable),
        ):
            for n in entries:
                rows.append(
                    {
                        "year": bridge.year,
                        "status": status,
                        "code": n.code,
                        "name": n.name,
                        "later_years": list(n.later_years) if status == "withdrawn" else None,
                        "note": n.note,
                        "sources": list(n.sources),
                    }
                )
    return Tabular(
        title="Entries behind the figures: withdrawn, disputed, probable",
        columns=(
            Column("year", "Year"),
            Column("status", "Status", numeric=False),
            Column("code", "Code", numeric=False),
            Column("name", "Name", numeric=False),
            Column("later_years", "Later cohorts", numeric=False),
            Column("note", "Note", numeric=False),
            Column("sources", "Sources", numeric=False),
        ),
        rows=rows,
        caption=None if rows else "none",
    )


def tensions_table(rec: Reconciliation) -> Tabular:
    """Where the evidence strains the official arithmetic, one row a tension."""
    return Tabular(
        title="Tensions",
        columns=(
            Column("kind", "Kind", numeric=False),
            Column("year", "Year"),
            Column("codes", "Codes", numeric=False),
            Column("message", "What it means", numeric=False),
        ),
        rows=[
            {"kind": t.kind, "year": t.year, "codes": list(t.codes), "message": t.message}
            for t in rec.tensions
        ],
        caption=None if rec.tensions else "none: the evidence and the official arithmetic agree",
    )


def reconcile_sections(rec: Reconciliation) -> tuple[Tabular, ...]:
    """What `gmsc reconcile` shows as a table or Markdown: the bridge, the entries, the
    tensions (CSV carries the bridge alone; JSON the whole document)."""
    return (bridge_table(rec), entries_table(rec), tensions_table(rec))


def bridge_line(rec: Reconciliation, *, see_also: bool = True) -> str:
    """The one-line bridge: "251 official - 230 identified = 21 slots without a named
    participant: 2018 1, 2021 4, ...; see gmsc reconcile" (with a true minus sign)."""
    head = f"{rec.unique_declared} official {MINUS} {rec.unique_identified} identified = {rec.gap}"
    slots = ", ".join(f"{b.year} {b.unlisted}" for b in rec.cohorts if b.unlisted)
    unnamed = f"slot{'' if rec.unlisted == 1 else 's'} without a named participant" + (
        f": {slots}" if slots else ""
    )
    if not (rec.repeats_unidentified or rec.repeats_beyond_declared):
        line = f"{head} {unnamed}"
    else:
        parts = [f"{rec.unlisted} {unnamed}"] if rec.unlisted else []
        if rec.repeats_unidentified:
            parts.append(f"less {rec.repeats_unidentified} declared repeats not yet identified")
        if rec.repeats_beyond_declared:
            parts.append(
                f"plus {rec.repeats_beyond_declared} identified repeats beyond the declared"
            )
        line = f"{head}: " + ", ".join(parts)
    return line + ("; see gmsc reconcile" if see_also else "")
