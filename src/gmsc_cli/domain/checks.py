"""The ledger-wide checks (README, "Finding codes") (the per-value ones happen while loading)."""

from __future__ import annotations

from gmsc_cli.domain.arithmetic import Totals, compute, cumulative_declared_through, in_year_order
from gmsc_cli.domain.findings import Findings, Pos
from gmsc_cli.domain.model import Ledger


def check(ledger: Ledger, findings: Findings) -> Totals:
    """Record every cross-entry and cross-cohort problem of `ledger` in `findings`, and
    return the figures (ledger.compute) the checks were made against."""
    first_year: dict[int, Pos] = {}
    for cohort in ledger.cohorts:
        if cohort.year in first_year:
            first = first_year[cohort.year]
            # Files given together form one ledger: name the other file when it is one.
            where = f"line {first.line}" if first.file == cohort.pos.file else str(first)
            findings.error(
                "duplicate-cohort",
                cohort.at("year"),
                f"cohort {cohort.year} appears twice in the ledger",
                f"the first is at {where}" if first.file else "merge the two into one cohort",
            )
        else:
            first_year[cohort.year] = cohort.at("year")
        first_entry: dict[str, int] = {}
        for entry in cohort.entries:
            if entry.code in first_entry:
                findings.error(
                    "duplicate-region",
                    entry.pos,
                    f"{entry.name} ({entry.code}) is listed twice in cohort {cohort.year}",
                    f"the first is at line {first_entry[entry.code]}; keep one",
                )
            else:
                first_entry[entry.code] = entry.pos.line

    totals = compute(ledger)
    # The first cohort of a duplicated year, as compute() counts it.
    by_year = {c.year: c for c in in_year_order(ledger.cohorts)}
    for row in totals.cohorts:
        cohort = by_year[row.year]
        if row.declared is not None and row.participants > row.declared:
            findings.error(
                "over-declared",
                cohort.at("declared"),
                f"cohort {row.year} has {row.participants} participants but declares "
                f"{row.declared}",
                "correct 'declared', or mark entries that did not take part as disputed "
                "or withdrawn",
            )
        # Evidence against an official figure is reported, not refused; a cohort without
        # 'declared' has no declared repeats to check.
        if row.declared is not None and (
            row.repeats > row.declared_repeats
            or (row.unlisted == 0 and row.repeats < row.declared_repeats)
        ):
            named = ", ".join(row.repeat_codes) or "none"
            findings.warning(
                "repeats-mismatch",
                cohort.at("declared_repeats"),
                f"cohort {row.year} declares {row.declared_repeats} repeat participants "
                f"but its list has {row.repeats} ({named})",
                "check 'declared_repeats' and the statuses of earlier cohorts; "
                "gmsc reconcile lists the tension",
            )
        if row.unlisted:
            findings.info(
                "incomplete-cohort",
                cohort.at("regions"),
                f"cohort {row.year} names {row.participants} of its {row.declared} declared "
                f"members ({row.unlisted} unlisted)",
            )
    for total in ledger.published:
        expected = cumulative_declared_through(totals, total.through)
        if total.unique != expected:
            findings.error(
                "published-mismatch",
                total.pos,
                f"the published total through {total.through} is {total.unique}, but the "
                f"cohorts' declared figures add up to {expected}",
                "check the cohorts' 'declared' and 'declared_repeats', or the published figure",
            )
    return totals
