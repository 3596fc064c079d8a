"""What an import would do to the stored ledger: pure functions, no database."""

from __future__ import annotations

from dataclasses import dataclass, field

from gmsc_cli.domain.model import Cohort, Ledger, Published


def cohort_content(cohort: Cohort) -> tuple[object, ...]:
    """A cohort's content without positions: equal contents mean an unchanged cohort."""
    return (
        cohort.year,
        cohort.declared,
        cohort.declared_repeats,
        cohort.title,
        cohort.mou_date,
        cohort.sources,
        tuple((e.code, e.name, e.status, e.sources, e.note) for e in cohort.entries),
    )


@dataclass(frozen=True, slots=True)
class Plan:
    """The years an import adds, replaces, leaves unchanged or conflicts on, and the result."""

    added: tuple[int, ...]
    replaced: tuple[int, ...]
    unchanged: tuple[int, ...]
    conflicts: tuple[Cohort, ...]
    result: Ledger
    published_changed: bool = False
    programme_changed: bool = False
    incoming: dict[int, Cohort] = field(default_factory=dict)
    """The files' cohorts by year (the first of a duplicated year), with their files."""
    published_added: tuple[int, ...] = ()
    """The `through` years of published totals the store does not have yet."""
    published_replaced: tuple[tuple[Published, Published], ...] = ()
    """Stored totals (old, new) that the files change, replaced with `replace`."""
    published_conflicts: tuple[tuple[Published, Published], ...] = ()
    """Stored totals (old, new) that the files change, without `replace`."""

    @property
    def changes(self) -> bool:
        """True when the store would change."""
        return bool(self.added or self.replaced or self.published_changed or self.programme_changed)


def plan_import(stored: Ledger, incoming: Ledger, *, replace: bool) -> Plan:
    """Merge `incoming` into `stored`: new years are added, identical ones unchanged, and
    different ones replaced only with `replace` (otherwise they are conflicts)."""
    by_year = {c.year: c for c in stored.cohorts}
    added: list[int] = []
    replaced: list[int] = []
    unchanged: list[int] = []
    conflicts: list[Cohort] = []
    taken: dict[int, Cohort] = {}
    for cohort in incoming.cohorts:
        if cohort.year in taken:
            continue  # a duplicate within the files: the checks report it
        taken[cohort.year] = cohort
        old = by_year.get(cohort.year)
        if old is None:
            added.append(cohort.year)
        elif cohort_content(old) == cohort_content(cohort):
            unchanged.append(cohort.year)
        elif replace:
            replaced.append(cohort.year)
        else:
            conflicts.append(cohort)
    changed = set(added) | set(replaced)
    cohorts = [c for c in stored.cohorts if c.year not in changed]
    # Files' duplicates stay in the result so the checks can report them.
    cohorts += [c for c in incoming.cohorts if c.year in changed]
    published = {p.through: p for p in stored.published}
    published_added: list[int] = []
    published_replaced: list[tuple[Published, Published]] = []
    published_conflicts: list[tuple[Published, Published]] = []
    for total in incoming.published:
        old_total = published.get(total.through)
        if old_total is None:
            published_added.append(total.through)
        elif (old_total.unique, old_total.source) == (total.unique, total.source):
            continue
        elif replace:
            published_replaced.append((old_total, total))
        else:
            # Like a cohort: a stored official figure is not replaced without --replace.
            published_conflicts.append((old_total, total))
            continue
        published[total.through] = total
    published_changed = bool(published_added or published_replaced)
    programme = incoming.programme or stored.programme
    result = Ledger(
        programme=programme,
        published=tuple(published[t] for t in sorted(published)),
        cohorts=tuple(sorted(cohorts, key=lambda c: c.year)),
    )
    return Plan(
        added=tuple(sorted(added)),
        replaced=tuple(sorted(replaced)),
        unchanged=tuple(sorted(unchanged)),
        conflicts=tuple(conflicts),
        result=result,
        published_changed=published_changed,
        incoming=taken,
        programme_changed=programme != stored.programme,
        published_added=tuple(sorted(published_added)),
        published_replaced=tuple(published_replaced),
        published_conflicts=tuple(published_conflicts),
    )
