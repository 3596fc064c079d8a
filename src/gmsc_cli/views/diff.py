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
from gmsc_cli.views.findings import _github_escape
from gmsc_cli.views.tabular import as_json, capture_console

ARROW = "->"
"""Between a before and an after, in text (as `gmsc import --dry-run` writes it)."""

MD_ARROW = "\u2192"

MOVES = (
    ("cumulative_declared", "cumulative declared"),
    ("cumulative_identified", "cumulative identified"),
    ("gap", "gap"),
)
"""The per-cohort figures a diff reports, and their words."""

TOTALS = (
    ("unique_declared", "distinct regions (declared)"),
    ("unique_identified", "distinct regions (identified)"),
    ("gap", "gap"),
)
"""The total figures a diff reports, and their words."""


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
    for key, _ in MOVES:
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
        return "none"
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
        return f"{where}: sources {' '.join(parts) or 'reordered'}"
    words = f"{where}: {change.field} {_shown(change.old)} {arrow} {_shown(change.new)}"
    return words + (" (cosmetic: the same code)" if change.cosmetic else "")


def _fact_words(fact: FieldChange, arrow: str) -> str:
    return f"{fact.field}: {_shown(fact.old)} {arrow} {_shown(fact.new)}"


def _published_words(p: PublishedChange, arrow: str) -> list[str]:
    if p.change == ADDED:
        return [f"through {p.through}: {p.new}" + (f" ({p.new_source})" if p.new_source else "")]
    if p.change == REMOVED:
        return [f"through {p.through}: {p.old}"]
    words = []
    if p.old != p.new:
        words.append(f"through {p.through}: {p.old} {arrow} {p.new}")
    if p.old_source != p.new_source:
        words.append(
            f"through {p.through}: source {_shown(p.old_source)} {arrow} {_shown(p.new_source)}"
        )
    return words


def _counting_words(c: CountingChange, arrow: str) -> str:
    return f"{_region(c.code, c.name)}: {c.old} {arrow} {c.new}"


def _pair(pair: tuple[int | None, int | None], arrow: str) -> str:
    old, new = ("none" if v is None else str(v) for v in pair)
    return f"{old} {arrow} {new}"


def _move_words(move: CohortMove, arrow: str) -> str:
    return "; ".join(
        f"{words} {_pair(getattr(move, key), arrow)}"
        for key, words in MOVES
        if getattr(move, key) is not None
    )


Recounts = dict[tuple[int, str], CountingChange]


def _counts(year: int, entry: Entry, counted: Recounts) -> str:
    """How an added entry counts now, or how a removed one counted, said on its line."""
    c = counted.get((year, entry.code))
    if c is None:
        return ""
    return f" (counted as {c.new})" if c.new != "not counted" else f" (was counted as {c.old})"


def _recounted(diff: Diff, change: CohortChange | None, year: int) -> list[CountingChange]:
    """The counting changes of a cohort not already told on an added or removed line."""
    told = {e.code for e in change.added + change.removed} if change else set()
    return [c for c in diff.counting if c.year == year and c.code not in told]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_line(diff: Diff, arrow: str = ARROW) -> str:
    """One line: how much changed, and how the distinct totals move."""
    b, a = diff.before, diff.after
    moves = (
        f"distinct regions {b.unique_declared} {arrow} {a.unique_declared} declared, "
        f"{b.unique_identified} {arrow} {a.unique_identified} identified"
    )
    if diff.same:
        return f"no changes: the ledgers are the same; {moves}"
    kinds = [c.change for c in diff.cohorts]
    added = sum(len(c.added) for c in diff.cohorts)
    removed = sum(len(c.removed) for c in diff.cohorts)
    changed = sum(len({x.code for x in c.changed}) for c in diff.cohorts)
    parts = [
        f"{_plural(len(kinds), 'cohort')} ({kinds.count(ADDED)} added, "
        f"{kinds.count(REMOVED)} removed, {kinds.count('changed')} changed)",
        f"entries {added} added, {removed} removed, {changed} changed",
    ]
    if diff.published:
        parts.append(f"{_plural(len(diff.published), 'published total')} changed")
    if diff.programme:
        parts.append("the programme renamed")
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
            f"programme: {_shown(diff.programme[0])} {ARROW} {_shown(diff.programme[1])}",
            "yellow",
        )
    changes = {c.year: c for c in diff.cohorts}
    moves = {m.year: m for m in diff.moves}
    counted = {(c.year, c.code): c for c in diff.counting}
    for year in _years(diff):
        change = changes.get(year)
        yield Line("")
        yield Line(
            f"cohort {year}: {change.change if change else 'unchanged, figures move'}", "bold"
        )
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
            yield Line(f"  counted: {_counting_words(counting, ARROW)}", "cyan")
        if year in moves:
            yield Line(f"  figures: {_move_words(moves[year], ARROW)}", "cyan")
    if diff.published:
        yield Line("")
        yield Line("published totals", "bold")
        for p in diff.published:
            sign, style = {ADDED: ("+", "green"), REMOVED: ("-", "red")}.get(
                p.change, ("~", "yellow")
            )
            for words in _published_words(p, ARROW):
                yield Line(f"  {sign} {words}", style)
    yield Line("")
    yield Line("totals", "bold")
    for key, words in TOTALS:
        before, after = getattr(diff.before, key), getattr(diff.after, key)
        yield Line(f"  {words + ':':31}{before} {ARROW} {after}", "" if before == after else "cyan")


def diff_text(diff: Diff, old: str, new: str, *, styled: bool = False) -> str:
    """The report for people, grouped by cohort; coloured when `styled` (a terminal)."""
    if diff.same:
        return f"no changes between {old} and {new}\n"
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
    lines = [f"### Ledger changes: {_md(old)} {MD_ARROW} {_md(new)}", ""]
    if diff.same:
        return "\n".join([*lines, "No changes: the ledgers are the same.", ""])
    lines += [_md(summary_line(diff, MD_ARROW)), ""]
    lines += ["| Figure | Before | After |", "| --- | ---: | ---: |"]
    for key, words in TOTALS:
        lines.append(f"| {words} | {getattr(diff.before, key)} | {getattr(diff.after, key)} |")
    if diff.programme:
        lines += [
            "",
            f"Programme: {_md(_shown(diff.programme[0]))} {MD_ARROW} "
            f"{_md(_shown(diff.programme[1]))}",
        ]
    changes = {c.year: c for c in diff.cohorts}
    moves = {m.year: m for m in diff.moves}
    counted = {(c.year, c.code): c for c in diff.counting}
    for year in _years(diff):
        change = changes.get(year)
        lines += ["", f"#### Cohort {year}: {change.change if change else 'figures move'}", ""]
        if change is not None:
            lines += [f"- {_md(_fact_words(f, MD_ARROW))}" for f in change.facts]
            lines += [
                f"- added {_md(_entry_words(e) + _counts(year, e, counted))}" for e in change.added
            ]
            lines += [
                f"- removed {_md(_entry_words(e) + _counts(year, e, counted))}"
                for e in change.removed
            ]
            lines += [f"- changed {_md(_change_words(c, MD_ARROW))}" for c in change.changed]
        lines += [
            f"- counted: {_md(_counting_words(c, MD_ARROW))}"
            for c in _recounted(diff, change, year)
        ]
        if year in moves:
            lines.append(f"- figures: {_md(_move_words(moves[year], MD_ARROW))}")
    if diff.published:
        lines += ["", "#### Published totals", ""]
        for p in diff.published:
            lines += [f"- {p.change} {_md(w)}" for w in _published_words(p, MD_ARROW)]
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
        title = f"cohort {change.year} {change.change}"
        if change.change == REMOVED:
            lines.append(_notice(change.pos, title, f"cohort {change.year} removed"))
            continue
        for fact in change.facts:
            lines.append(_notice(fact.pos, title, _fact_words(fact, ARROW)))
        for entry in change.added:
            lines.append(_notice(entry.pos, title, f"added {_entry_words(entry)}"))
        for entry in change.removed:
            lines.append(_notice(change.pos, title, f"removed {_entry_words(entry)}"))
        for c in change.changed:
            lines.append(_notice(c.pos, title, _change_words(c, ARROW)))
    for p in diff.published:
        for words in _published_words(p, ARROW):
            lines.append(_notice(p.pos, f"published total {p.change}", words))
    return "\n".join(lines) + ("\n" if lines else "")
