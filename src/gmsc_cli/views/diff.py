"""`gmsc diff` as text (grouped by cohort, coloured on a terminal), JSON (a public API,
shaped as the README documents), Markdown (a pull-request comment) and GitHub Actions
annotations. They return, they do not print."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any, NamedTuple

from gmsc_cli.domain.diff import (
    ADDED,
    REMOVED,
    CohortChange,
    CohortMove,
    CountingChange,
    Diff,
    EntryChange,
    Fact,
    FieldChange,
    PublishedChange,
)
from gmsc_cli.domain.findings import Pos
from gmsc_cli.domain.model import Entry
from gmsc_cli.i18n import N_, _, ngettext, number
from gmsc_cli.views.findings import _github_escape
from gmsc_cli.views.importing import distinct_moves
from gmsc_cli.views.tabular import as_json, capture_console

ARROW = "->"
"""Between a before and an after, in text (as `gmsc import --dry-run` writes it)."""

MD_ARROW = "\u2192"

MOVES = (
    ("cumulative_declared", N_("cumulative declared")),
    ("cumulative_identified", N_("cumulative identified")),
    ("gap", N_("gap")),
)
"""The per-cohort figures a diff reports, and their words (translated where shown)."""

TOTALS = (
    ("unique_declared", N_("distinct regions (declared)")),
    ("unique_identified", N_("distinct regions (identified)")),
    ("gap", N_("gap")),
)
"""The total figures a diff reports, and their words (translated where shown)."""

WORDS_OF_VALUES = (
    N_("added"),
    N_("removed"),
    N_("changed"),
    N_("new"),
    N_("repeat"),
    N_("not counted"),
)
"""The values of `change` and of how an entry counts, as messages: JSON keeps the values,
text and Markdown show them translated (`_(value)`)."""


# --- JSON -----------------------------------------------------------------------------


def _value(value: Fact) -> Any:
    """A fact as JSON: dates in ISO form, source lists as lists."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def _entry_json(entry: Entry) -> dict[str, Any]:
    return {"code": entry.code, "name": entry.name, "status": entry.status}


def _cohort_json(change: CohortChange) -> dict[str, Any]:
    return {
        "year": change.year,
        "change": change.change,
        "facts": [
            {"field": f.field, "old": _value(f.old), "new": _value(f.new)} for f in change.facts
        ],
        "added": [_entry_json(e) for e in change.added],
        "removed": [_entry_json(e) for e in change.removed],
        "changed": [
            {
                "code": c.code,
                "name": c.name,
                "field": c.field,
                "old": _value(c.old),
                "new": _value(c.new),
            }
            for c in change.changed
        ],
    }


def _move_json(move: CohortMove) -> dict[str, Any]:
    row: dict[str, Any] = {"year": move.year}
    for key, _words in MOVES:
        pair = getattr(move, key)
        if pair is not None:
            row[key] = list(pair)
    return row


def diff_json(diff: Diff, old: str, new: str) -> str:
    """The JSON document of a diff, the shape the README documents (a public API)."""
    document = {
        "old": old,
        "new": new,
        "same": diff.same,
        "programme": None
        if diff.programme is None
        else {"old": diff.programme[0], "new": diff.programme[1]},
        "cohorts": [_cohort_json(c) for c in diff.cohorts],
        "published": [
            {
                "through": p.through,
                "change": p.change,
                "old": p.old,
                "new": p.new,
                "old_source": p.old_source,
                "new_source": p.new_source,
            }
            for p in diff.published
        ],
        "figures": {
            "before": diff.before._asdict(),
            "after": diff.after._asdict(),
            "cohorts": [_move_json(m) for m in diff.moves],
            "counting": [
                {"code": c.code, "name": c.name, "year": c.year, "old": c.old, "new": c.new}
                for c in diff.counting
            ],
        },
    }
    return as_json(document)


# --- words shared by text and Markdown ------------------------------------------------


def _shown(value: Fact) -> str:
    """A value as a person reads it: texts quoted, lists bracketed, nothing as `none`."""
    if value is None:
        return _("none")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "[" + ", ".join(value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _region(code: str, name: str) -> str:
    return f"{name} ({code})"


def _entry_words(entry: Entry) -> str:
    return f"{_region(entry.code, entry.name)}, {entry.status}"


def _change_words(change: EntryChange, arrow: str) -> str:
    where = _region(change.code, change.name)
    if change.field == "sources":
        old = change.old if isinstance(change.old, tuple) else ()
        new = change.new if isinstance(change.new, tuple) else ()
        parts = [f"+{s}" for s in new if s not in old] + [f"-{s}" for s in old if s not in new]
        return _("{region}: sources {changes}").format(
            region=where, changes=" ".join(parts) or _("reordered")
        )
    words = f"{where}: {change.field} {_shown(change.old)} {arrow} {_shown(change.new)}"
    return words + (_(" (cosmetic: the same code)") if change.cosmetic else "")


def _fact_words(fact: FieldChange, arrow: str) -> str:
    return f"{fact.field}: {_shown(fact.old)} {arrow} {_shown(fact.new)}"


def _published_words(p: PublishedChange, arrow: str) -> list[str]:
    through = _("through {year}:").format(year=p.through)
    if p.change == ADDED:
        return [f"{through} {_count(p.new)}" + (f" ({p.new_source})" if p.new_source else "")]
    if p.change == REMOVED:
        return [f"{through} {_count(p.old)}"]
    words = []
    if p.old != p.new:
        words.append(f"{through} {_count(p.old)} {arrow} {_count(p.new)}")
    if p.old_source != p.new_source:
        source = _("source {old} {arrow} {new}").format(
            old=_shown(p.old_source), arrow=arrow, new=_shown(p.new_source)
        )
        words.append(f"{through} {source}")
    return words


def _count(value: int | None) -> str:
    """A figure as people read it (none when there is none)."""
    return _("none") if value is None else number(value)


def _counting_words(c: CountingChange, arrow: str) -> str:
    return f"{_region(c.code, c.name)}: {_(str(c.old))} {arrow} {_(str(c.new))}"


def _pair(pair: tuple[int | None, int | None], arrow: str) -> str:
    old, new = (_count(v) for v in pair)
    return f"{old} {arrow} {new}"


def _move_words(move: CohortMove, arrow: str) -> str:
    return "; ".join(
        f"{_(words)} {_pair(getattr(move, key), arrow)}"
        for key, words in MOVES
        if getattr(move, key) is not None
    )


Recounts = dict[tuple[int, str], CountingChange]


def _counts(year: int, entry: Entry, counted: Recounts) -> str:
    """How an added entry counts now, or how a removed one counted, said on its line."""
    c = counted.get((year, entry.code))
    if c is None:
        return ""
    if c.new != "not counted":
        return _(" (counted as {how})").format(how=_(str(c.new)))
    return _(" (was counted as {how})").format(how=_(str(c.old)))


def _recounted(diff: Diff, change: CohortChange | None, year: int) -> list[CountingChange]:
    """The counting changes of a cohort not already told on an added or removed line."""
    told = {e.code for e in change.added + change.removed} if change else set()
    return [c for c in diff.counting if c.year == year and c.code not in told]


def summary_line(diff: Diff, arrow: str = ARROW) -> str:
    """One line: how much changed, and how the distinct totals move."""
    moves = distinct_moves(diff.before, diff.after, arrow)
    if diff.same:
        return _("no changes: the ledgers are the same; {moves}").format(moves=moves)
    kinds = [c.change for c in diff.cohorts]
    added = sum(len(c.added) for c in diff.cohorts)
    removed = sum(len(c.removed) for c in diff.cohorts)
    changed = sum(len({x.code for x in c.changed}) for c in diff.cohorts)
    parts = [
        ngettext(
            "{count} cohort ({added} added, {removed} removed, {changed} changed)",
            "{count} cohorts ({added} added, {removed} removed, {changed} changed)",
            len(kinds),
        ).format(
            count=number(len(kinds)),
            added=number(kinds.count(ADDED)),
            removed=number(kinds.count(REMOVED)),
            changed=number(kinds.count("changed")),
        ),
        _("entries {added} added, {removed} removed, {changed} changed").format(
            added=number(added), removed=number(removed), changed=number(changed)
        ),
    ]
    if diff.published:
        parts.append(
            ngettext(
                "{count} published total changed",
                "{count} published totals changed",
                len(diff.published),
            ).format(count=number(len(diff.published)))
        )
    if diff.programme:
        parts.append(_("the programme renamed"))
    return "; ".join(parts) + "; " + moves


# --- text -----------------------------------------------------------------------------


class Line(NamedTuple):
    """A line of the text report and its style on a terminal."""

    text: str
    style: str = ""


def _years(diff: Diff) -> list[int]:
    return sorted(
        {c.year for c in diff.cohorts}
        | {m.year for m in diff.moves}
        | {c.year for c in diff.counting}
    )


def _text_lines(diff: Diff, old: str, new: str) -> Iterator[Line]:
    yield Line(f"--- {old}", "red")
    yield Line(f"+++ {new}", "green")
    if diff.programme:
        yield Line(
            _("programme: {old} {arrow} {new}").format(
                old=_shown(diff.programme[0]), arrow=ARROW, new=_shown(diff.programme[1])
            ),
            "yellow",
        )
    changes = {c.year: c for c in diff.cohorts}
    moves = {m.year: m for m in diff.moves}
    counted = {(c.year, c.code): c for c in diff.counting}
    for year in _years(diff):
        change = changes.get(year)
        yield Line("")
        what = _(change.change) if change else _("unchanged, figures move")
        yield Line(_("cohort {year}: {change}").format(year=year, change=what), "bold")
        if change is not None:
            for fact in change.facts:
                yield Line(f"  ~ {_fact_words(fact, ARROW)}", "yellow")
            for entry in change.added:
                yield Line(f"  + {_entry_words(entry)}{_counts(year, entry, counted)}", "green")
            for entry in change.removed:
                yield Line(f"  - {_entry_words(entry)}{_counts(year, entry, counted)}", "red")
            for c in change.changed:
                yield Line(f"  ~ {_change_words(c, ARROW)}", "dim" if c.cosmetic else "yellow")
        for counting in _recounted(diff, change, year):
            counted_words = _("counted: {change}").format(change=_counting_words(counting, ARROW))
            yield Line(f"  {counted_words}", "cyan")
        if year in moves:
            figures = _("figures: {moves}").format(moves=_move_words(moves[year], ARROW))
            yield Line(f"  {figures}", "cyan")
    if diff.published:
        yield Line("")
        yield Line(_("published totals"), "bold")
        for p in diff.published:
            sign, style = {ADDED: ("+", "green"), REMOVED: ("-", "red")}.get(
                p.change, ("~", "yellow")
            )
            for words in _published_words(p, ARROW):
                yield Line(f"  {sign} {words}", style)
    yield Line("")
    yield Line(_("totals"), "bold")
    width = max(len(_(words)) for _key, words in TOTALS) + 2
    for key, words in TOTALS:
        before, after = getattr(diff.before, key), getattr(diff.after, key)
        label = f"{_(words)}:".ljust(width)
        yield Line(
            f"  {label}{number(before)} {ARROW} {number(after)}", "" if before == after else "cyan"
        )


def diff_text(diff: Diff, old: str, new: str, *, styled: bool = False) -> str:
    """The report for people, grouped by cohort; coloured when `styled` (a terminal)."""
    if diff.same:
        return _("no changes between {old} and {new}").format(old=old, new=new) + "\n"
    lines = list(_text_lines(diff, old, new))
    if not styled:
        return "\n".join(line.text for line in lines) + "\n"
    from rich.text import Text

    console = capture_console(100_000, styled=True, soft_wrap=True)
    for line in lines:
        console.print(Text(line.text, style=line.style))
    return str(console.file.getvalue())  # type: ignore[attr-defined]


# --- Markdown -------------------------------------------------------------------------

_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#"})


def _md(text: str) -> str:
    """Text as Markdown shows it literally (names and notes are data)."""
    return text.translate(_MD_SPECIAL)


def diff_markdown(diff: Diff, old: str, new: str) -> str:
    """A pull-request comment: the totals as a table, then each cohort's changes."""
    heading = _("Ledger changes: {old} {arrow} {new}").format(
        old=_md(old), arrow=MD_ARROW, new=_md(new)
    )
    lines = [f"### {heading}", ""]
    if diff.same:
        return "\n".join([*lines, _("No changes: the ledgers are the same."), ""])
    lines += [_md(summary_line(diff, MD_ARROW)), ""]
    figure, before_words, after_words = _("Figure"), _("Before"), _("After")
    lines += [f"| {figure} | {before_words} | {after_words} |", "| --- | ---: | ---: |"]
    for key, words in TOTALS:
        before, after = number(getattr(diff.before, key)), number(getattr(diff.after, key))
        lines.append(f"| {_(words)} | {before} | {after} |")
    if diff.programme:
        lines += [
            "",
            _("Programme: {old} {arrow} {new}").format(
                old=_md(_shown(diff.programme[0])),
                arrow=MD_ARROW,
                new=_md(_shown(diff.programme[1])),
            ),
        ]
    changes = {c.year: c for c in diff.cohorts}
    moves = {m.year: m for m in diff.moves}
    counted = {(c.year, c.code): c for c in diff.counting}
    for year in _years(diff):
        change = changes.get(year)
        what = _(change.change) if change else _("figures move")
        lines += ["", "#### " + _("Cohort {year}: {change}").format(year=year, change=what), ""]
        if change is not None:
            lines += [f"- {_md(_fact_words(f, MD_ARROW))}" for f in change.facts]
            lines += [
                "- "
                + _("added {entry}").format(entry=_md(_entry_words(e) + _counts(year, e, counted)))
                for e in change.added
            ]
            lines += [
                "- "
                + _("removed {entry}").format(
                    entry=_md(_entry_words(e) + _counts(year, e, counted))
                )
                for e in change.removed
            ]
            lines += [
                "- " + _("changed {entry}").format(entry=_md(_change_words(c, MD_ARROW)))
                for c in change.changed
            ]
        lines += [
            "- " + _("counted: {change}").format(change=_md(_counting_words(c, MD_ARROW)))
            for c in _recounted(diff, change, year)
        ]
        if year in moves:
            lines.append(
                "- " + _("figures: {moves}").format(moves=_md(_move_words(moves[year], MD_ARROW)))
            )
    if diff.published:
        lines += ["", "#### " + _("Published totals"), ""]
        for p in diff.published:
            lines += [f"- {_(p.change)} {_md(w)}" for w in _published_words(p, MD_ARROW)]
    return "\n".join(lines) + "\n"


# --- GitHub annotations ---------------------------------------------------------------


def _notice(pos: Pos, title: str, message: str) -> str:
    props = f"title={_github_escape(title, property_value=True)}"
    if pos.line:
        props = (
            f"file={_github_escape(pos.file, property_value=True)},line={pos.line},"
            f"col={pos.column},{props}"
        )
    return f"::notice {props}::{_github_escape(message)}"


def diff_github(diff: Diff) -> str:
    """One `::notice` workflow annotation a change, at its line in the new ledger (a
    removed entry at its cohort's, a removed cohort with no position)."""
    lines = []
    for change in diff.cohorts:
        title = _("cohort {year} {change}").format(year=change.year, change=_(change.change))
        if change.change == REMOVED:
            removed = _("cohort {year} removed").format(year=change.year)
            lines.append(_notice(change.pos, title, removed))
            continue
        for fact in change.facts:
            lines.append(_notice(fact.pos, title, _fact_words(fact, ARROW)))
        for entry in change.added:
            lines.append(
                _notice(entry.pos, title, _("added {entry}").format(entry=_entry_words(entry)))
            )
        for entry in change.removed:
            lines.append(
                _notice(change.pos, title, _("removed {entry}").format(entry=_entry_words(entry)))
            )
        for c in change.changed:
            lines.append(_notice(c.pos, title, _change_words(c, ARROW)))
    for p in diff.published:
        for words in _published_words(p, ARROW):
            title = _("published total {change}").format(change=_(p.change))
            lines.append(_notice(p.pos, title, words))
    return "\n".join(lines) + ("\n" if lines else "")
