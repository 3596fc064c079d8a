"""The ledger-wide checks (README, "Finding codes") (the per-value ones happen while loading)."""

from __future__ import annotations

from gmsc_cli.domain.arithmetic import Totals, compute, cumulative_declared_through, in_year_order
from gmsc_cli.domain.findings import Findings, Pos
from gmsc_cli.domain.model import Ledger
from gmsc_cli.i18n import _, number


def check(ledger: Ledger, findings: Findings) -> Totals:
    """Record every cross-entry and cross-cohort problem of `ledger` in `findings`, and
    return the figures (ledger.compute) the checks were made against."""
    first_year: dict[int, Pos] = {}
    for cohort in ledger.cohorts:
        if cohort.year in first_year:
            first = first_year[cohort.year]
            # Files given together form one ledger: name the other file when it is one.
            if first.file == cohort.pos.file:
                where = _("the first is at line {line}").format(line=first.line)
            else:
                where = _("the first is at {position}").format(position=first)
            findings.error(
                "duplicate-cohort",
                cohort.at("year"),
                _("cohort {year} appears twice in the ledger").format(year=cohort.year),
                where if first.file else _("merge the two into one cohort"),
            )
        else:
            first_year[cohort.year] = cohort.at("year")
        first_entry: dict[str, int] = {}
        for entry in cohort.entries:
            if entry.code in first_entry:
                findings.error(
                    "duplicate-region",
                    entry.pos,
                    _("{name} ({code}) is listed twice in cohort {year}").format(
                        name=entry.name, code=entry.code, year=cohort.year
                    ),
                    _("the first is at line {line}; keep one").format(line=first_entry[entry.code]),
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
                _("cohort {year} has {participants} participants but declares {declared}").format(
                    year=row.year,
                    participants=number(row.participants),
                    declared=number(row.declared),
                ),
                _(
                    "correct 'declared', or mark entries that did not take part as disputed "
                    "or withdrawn"
                ),
            )
        # Evidence against an official figure is reported, not refused; a cohort without
        # 'declared' has no declared repeats to check.
        if row.declared is not None and (
            row.repeats > row.declared_repeats
            or (row.unlisted == 0 and row.repeats < row.declared_repeats)
        ):
            named = ", ".join(row.repeat_codes) or _("none")
            findings.warning(
                "repeats-mismatch",
                cohort.at("declared_repeats"),
                _(
                    "cohort {year} declares {declared} repeat participants "
                    "but its list has {repeats} ({named})"
                ).format(
                    year=row.year,
                    declared=number(row.declared_repeats),
                    repeats=number(row.repeats),
                    named=named,
                ),
                _(
                    "check 'declared_repeats' and the statuses of earlier cohorts; "
                    "gmsc reconcile lists the tension"
                ),
            )
        if row.unlisted:
            findings.info(
                "incomplete-cohort",
                cohort.at("regions"),
                _(
                    "cohort {year} names {named} of its {declared} declared members "
                    "({unlisted} unlisted)"
                ).format(
                    year=row.year,
                    named=number(row.participants),
                    declared=number(row.declared or 0),
                    unlisted=number(row.unlisted),
                ),
            )
    for total in ledger.published:
        expected = cumulative_declared_through(totals, total.through)
        if total.unique != expected:
            findings.error(
                "published-mismatch",
                total.pos,
                _(
                    "the published total through {year} is {unique}, but the "
                    "cohorts' declared figures add up to {expected}"
                ).format(
                    year=total.through, unique=number(total.unique), expected=number(expected)
                ),
                _("check the cohorts' 'declared' and 'declared_repeats', or the published figure"),
            )
    return totals
