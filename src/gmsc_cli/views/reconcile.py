"""`gmsc reconcile` as tables, JSON and the one-line bridge that `gmsc totals` ends with."""

from __future__ import annotations

from typing import Any

from gmsc_cli.domain.reconcile import CohortBridge, Noted, Reconciliation
from gmsc_cli.i18n import N_, _, ngettext, number
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
    Column("year", N_("Year")),
    Column("official_adds", N_("Official adds")),
    Column("identified_adds", N_("Identified adds")),
    Column("gap", N_("Gap")),
    Column("unlisted", N_("Unnamed slots")),
    Column("repeats_declared", N_("Decl. repeats")),
    Column("repeats_identified", N_("Ident. repeats")),
    Column("repeats_unidentified", N_("Repeats not ident.")),
    Column("repeats_beyond_declared", N_("Repeats beyond decl.")),
    Column("cumulative_declared", N_("Cum. official")),
    Column("cumulative_identified", N_("Cum. identified")),
    Column("cumulative_gap", N_("Cum. gap")),
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
        "year": N_("Total"),
        "official_adds": rec.unique_declared,
        "identified_adds": rec.unique_identified,
        "gap": rec.gap,
        "unlisted": rec.unlisted,
        "repeats_unidentified": rec.repeats_unidentified,
        "repeats_beyond_declared": rec.repeats_beyond_declared,
    }
    return Tabular(
        title=(
            _("From the official to the identified total through {year}").format(year=rec.through)
            if rec.through is not None
            else _("From the official to the identified total")
        ),
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
        title=_("Entries behind the figures: withdrawn, disputed, probable"),
        columns=(
            Column("year", N_("Year")),
            Column("status", N_("Status"), numeric=False),
            Column("code", N_("Code"), numeric=False),
            Column("name", N_("Name"), numeric=False),
            Column("later_years", N_("Later cohorts"), numeric=False),
            Column("note", N_("Note"), numeric=False),
            Column("sources", N_("Sources"), numeric=False),
        ),
        rows=rows,
        caption=None if rows else _("none"),
    )


def tensions_table(rec: Reconciliation) -> Tabular:
    """Where the evidence strains the official arithmetic, one row a tension."""
    return Tabular(
        title=_("Tensions"),
        columns=(
            Column("kind", N_("Kind"), numeric=False),
            Column("year", N_("Year")),
            Column("codes", N_("Codes"), numeric=False),
            Column("message", N_("What it means"), numeric=False),
        ),
        rows=[
            {"kind": t.kind, "year": t.year, "codes": list(t.codes), "message": t.message}
            for t in rec.tensions
        ],
        caption=None if rec.tensions else _("none: the evidence and the official arithmetic agree"),
    )


def reconcile_sections(rec: Reconciliation) -> tuple[Tabular, ...]:
    """What `gmsc reconcile` shows as a table or Markdown: the bridge, the entries, the
    tensions (CSV carries the bridge alone; JSON the whole document)."""
    return (bridge_table(rec), entries_table(rec), tensions_table(rec))


def bridge_line(rec: Reconciliation, *, see_also: bool = True) -> str:
    """The one-line bridge: "251 official - 230 identified = 21 slots without a named
    participant: 2018 1, 2021 4, ...; see gmsc reconcile" (with a true minus sign)."""
    head = _("{official} official {minus} {identified} identified = {gap}").format(
        official=number(rec.unique_declared),
        minus=MINUS,
        identified=number(rec.unique_identified),
        gap=number(rec.gap),
    )
    slots = ", ".join(f"{b.year} {number(b.unlisted)}" for b in rec.cohorts if b.unlisted)
    if slots:
        unnamed = ngettext(
            "slot without a named participant: {slots}",
            "slots without a named participant: {slots}",
            rec.unlisted,
        ).format(slots=slots)
    else:
        unnamed = ngettext(
            "slot without a named participant",
            "slots without a named participant",
            rec.unlisted,
        )
    if not (rec.repeats_unidentified or rec.repeats_beyond_declared):
        line = f"{head} {unnamed}"
    else:
        parts = [f"{number(rec.unlisted)} {unnamed}"] if rec.unlisted else []
        if rec.repeats_unidentified:
            parts.append(
                _("less {count} declared repeats not yet identified").format(
                    count=number(rec.repeats_unidentified)
                )
            )
        if rec.repeats_beyond_declared:
            parts.append(
                _("plus {count} identified repeats beyond the declared").format(
                    count=number(rec.repeats_beyond_declared)
                )
            )
        line = f"{head}: " + ", ".join(parts)
    return line + (_("; see gmsc reconcile") if see_also else "")
