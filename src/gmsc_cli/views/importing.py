"""An import in words: its plan, its closing line, and the table of past imports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gmsc_cli.views.tabular import Column, Tabular

if TYPE_CHECKING:
    from gmsc_cli.actions.importing import ImportOutcome
    from gmsc_cli.store.tables import ReceiptRow


def plan_text(outcome: ImportOutcome) -> str:
    """The plan, a line per kind of change, then how the distinct totals move."""

    def years(values: tuple[int, ...]) -> str:
        return ", ".join(str(v) for v in values) or "none"

    plan, before, after = outcome.plan, outcome.before, outcome.after
    totals = [f"add through {', '.join(str(t) for t in plan.published_added)}"] * bool(
        plan.published_added
    )
    totals += [
        f"replace through {new.through} ({old.unique} -> {new.unique})"
        for old, new in plan.published_replaced
    ]
    lines = [
        f"add:       {years(plan.added)}",
        f"replace:   {years(plan.replaced)}",
        f"unchanged: {years(plan.unchanged)}",
        f"published totals: {'; '.join(totals) or 'no change'}",
        f"distinct regions (declared):   {before.unique_declared} -> {after.unique_declared}",
        f"distinct regions (identified): {before.unique_identified} -> {after.unique_identified}",
    ]
    return "\n".join(lines) + "\n"


def summary_line(outcome: ImportOutcome) -> str:
    """The one closing line of an import."""
    plan, before, after = outcome.plan, outcome.before, outcome.after
    counts = (
        f"{len(plan.added)} added, {len(plan.replaced)} replaced, {len(plan.unchanged)} unchanged"
    )
    if not plan.changes:
        return f"unchanged: {counts}; the store was not written"
    moved = (
        f"distinct regions {before.unique_declared} -> {after.unique_declared} "
        f"declared, {before.unique_identified} -> {after.unique_identified} identified"
    )
    verb = "would import" if outcome.dry_run else "imported"
    return f"{verb}: {counts}; {moved}" + (" (dry run: nothing written)" * outcome.dry_run)


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
        title="Imports",
        columns=(
            Column("imported_at", "Imported (UTC)", numeric=False),
            Column("file", "File", numeric=False),
            Column("sha256", "SHA-256", numeric=False),
            Column("added", "Added", numeric=False),
            Column("replaced", "Replaced", numeric=False),
            Column("unchanged", "Unchanged", numeric=False),
        ),
        rows=rows,
        # Scripts get the whole hash; the table shows its first 12 characters.
        document=[dict(row, sha256=r.sha256) for row, r in zip(rows, receipts, strict=True)],
    )
