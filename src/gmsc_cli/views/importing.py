"""An import in words: its plan, its closing line, and the table of past imports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from gmsc_cli.i18n import N_, _, number
from gmsc_cli.views.tabular import Column, Tabular

if TYPE_CHECKING:
    from gmsc_cli.actions.importing import ImportOutcome
    from gmsc_cli.store.tables import ReceiptRow


def plan_text(outcome: ImportOutcome) -> str:
    """The plan, a line per kind of change, then how the distinct totals move."""

    def years(values: tuple[int, ...]) -> str:
        return ", ".join(str(v) for v in values) or _("none")

    def aligned(labels: list[str]) -> list[str]:
        """Labels with their colon, padded to one width so that the values line up."""
        width = max(len(label) for label in labels) + 2
        return [f"{label}:".ljust(width) for label in labels]

    plan, before, after = outcome.plan, outcome.before, outcome.after
    totals = [
        _("add through {years}").format(years=", ".join(str(t) for t in plan.published_added))
    ] * bool(plan.published_added)
    totals += [
        _("replace through {year} ({old} -> {new})").format(
            year=new.through, old=number(old.unique), new=number(new.unique)
        )
        for old, new in plan.published_replaced
    ]
    add, replace, unchanged = aligned([_("add"), _("replace"), _("unchanged")])
    declared, identified = aligned(
        [_("distinct regions (declared)"), _("distinct regions (identified)")]
    )
    lines = [
        f"{add}{years(plan.added)}",
        f"{replace}{years(plan.replaced)}",
        f"{unchanged}{years(plan.unchanged)}",
        _("published totals: {changes}").format(changes="; ".join(totals) or _("no change")),
        f"{declared}{number(before.unique_declared)} -> {number(after.unique_declared)}",
        f"{identified}{number(before.unique_identified)} -> {number(after.unique_identified)}",
    ]
    return "\n".join(lines) + "\n"


class DistinctTotals(Protocol):
    """Distinct regions, official and identified (the arithmetic's or a diff's totals)."""

    @property
    def unique_declared(self) -> int:
        """Official distinct regions."""

    @property
    def unique_identified(self) -> int:
        """Distinct regions the evidence names."""


def distinct_moves(before: DistinctTotals, after: DistinctTotals, arrow: str = "->") -> str:
    """How the distinct totals move: "distinct regions 251 -> 254 declared, 230 -> 232
    identified" (an import's closing line, a diff's summary)."""
    return _(
        "distinct regions {declared_before} {arrow} {declared_after} declared, "
        "{identified_before} {arrow} {identified_after} identified"
    ).format(
        declared_before=number(before.unique_declared),
        declared_after=number(after.unique_declared),
        identified_before=number(before.unique_identified),
        identified_after=number(after.unique_identified),
        arrow=arrow,
    )


def summary_line(outcome: ImportOutcome) -> str:
    """The one closing line of an import."""
    plan, before, after = outcome.plan, outcome.before, outcome.after
    counts = _("{added} added, {replaced} replaced, {unchanged} unchanged").format(
        added=number(len(plan.added)),
        replaced=number(len(plan.replaced)),
        unchanged=number(len(plan.unchanged)),
    )
    if not plan.changes:
        return _("unchanged: {counts}; the store was not written").format(counts=counts)
    moved = distinct_moves(before, after)
    if outcome.dry_run:
        return _("would import: {counts}; {moved} (dry run: nothing written)").format(
            counts=counts, moved=moved
        )
    return _("imported: {counts}; {moved}").format(counts=counts, moved=moved)


def receipts_table(receipts: list[ReceiptRow]) -> Tabular:
    """`gmsc import --history`: each import's file, hash, time and changes."""
    rows = [
        {
            "imported_at": r.imported_at,
            "file": r.file,
            "sha256": r.sha256[:12],
            "added": r.added,
            "replaced": r.replaced,
            "unchanged": r.unchanged,
        }
        for r in receipts
    ]
    return Tabular(
        title=_("Imports"),
        columns=(
            Column("imported_at", N_("Imported (UTC)"), numeric=False),
            Column("file", N_("File"), numeric=False),
            Column("sha256", "SHA-256", numeric=False),
            Column("added", N_("Added"), numeric=False),
            Column("replaced", N_("Replaced"), numeric=False),
            Column("unchanged", N_("Unchanged"), numeric=False),
        ),
        rows=rows,
        # Scripts get the whole hash; the table shows its first 12 characters.
        document=[dict(row, sha256=r.sha256) for row, r in zip(rows, receipts, strict=True)],
    )
