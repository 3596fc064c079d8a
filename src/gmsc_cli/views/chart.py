"""`gmsc totals --chart`: the cohorts and the running totals as bars in the terminal.

Two pictures from the figures of the arithmetic (README, "The arithmetic"): per year,
the cohort's size split into new and repeat members (and the declared members not yet
named), and the cumulative official (cumulative_declared) against the identified total.
Bars are block characters with colour on a terminal and plain ASCII anywhere else, so the
chart survives a pipe, a file, a log or NO_COLOR.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from gmsc_cli.domain.arithmetic import Totals
from gmsc_cli.i18n import _, number
from gmsc_cli.views.tabular import capture_console


@dataclass(frozen=True, slots=True)
class Glyphs:
    """The characters and colours of one kind of output."""

    new: str
    repeat: str
    unnamed: str
    declared: str
    identified: str


BLOCKS = Glyphs(new="█", repeat="▓", unnamed="░", declared="█", identified="▓")
ASCII = Glyphs(new="#", repeat="+", unnamed=".", declared="=", identified="#")
STYLES = {
    "new": "green",
    "repeat": "yellow",
    "unnamed": "bright_black",
    "declared": "blue",
    "identified": "cyan",
}
_LABEL = 17
"""Columns before a bar: the year or the series name (more when a translated name needs
them)."""


def _split(parts: list[int], cells: int) -> list[int]:
    """`cells` characters shared among `parts` in proportion, by cumulative rounding (so
    they add up to exactly `cells`); a part above 0 gets at least one when there is room,
    taken from the longest part."""
    total = sum(parts)
    if total <= 0 or cells <= 0:
        return [0] * len(parts)
    shares, done = [], 0
    for index in range(len(parts)):
        end = round(sum(parts[: index + 1]) * cells / total)
        shares.append(end - done)
        done = end
    for index, value in enumerate(parts):
        if value > 0 and shares[index] == 0:
            longest = max(range(len(shares)), key=lambda i: shares[i])
            if shares[longest] > 1:
                shares[longest] -= 1
                shares[index] = 1
    return shares


def _room(width: int, suffixes: list[str], label: int = _LABEL) -> int:
    """The longest bar that leaves room for the label and the longest figures after it."""
    return max(width - label - max([len(s) for s in suffixes] + [0]), 10)


def totals_chart(totals: Totals, *, styled: bool, width: int) -> str:
    """Both pictures as text, no line wider than `width` (when that leaves room for bars
    of 10 characters). Without colour the glyphs alone tell the series apart."""
    from rich.text import Text

    glyphs = BLOCKS if styled else ASCII
    out = Text()

    def bar(parts: list[tuple[str, int]], length: int) -> None:
        shares = _split([value for _kind, value in parts], length)
        for (kind, _value), cells in zip(parts, shares, strict=True):
            out.append(getattr(glyphs, kind) * cells, style=STYLES[kind] if styled else "")

    def length(value: int, top: int, room: int) -> int:
        return max(1, round(value * room / top)) if value > 0 else 0

    sizes = [max(row.declared or 0, row.participants) for row in totals.cohorts]
    members = [
        " "
        + (
            _("{new} new + {repeats} repeat of {declared} declared")
            if row.declared is not None
            else _("{new} new + {repeats} repeat")
        ).format(
            new=number(row.new),
            repeats=number(row.repeats),
            declared=number(row.declared) if row.declared is not None else "",
        )
        for row in totals.cohorts
    ]
    room = _room(width, members)
    top = max([*sizes, 1])
    out.append(_("Members per cohort:") + " ", style="bold" if styled else "")
    out.append(
        _("{new} new  {repeat} repeat  {unnamed} declared, unnamed or withdrawn").format(
            new=glyphs.new, repeat=glyphs.repeat, unnamed=glyphs.unnamed
        )
        + "\n"
    )
    for row, size, figures in zip(totals.cohorts, sizes, members, strict=True):
        out.append(f"{row.year}".ljust(_LABEL))
        unnamed = max(size - row.participants, 0)
        parts = [("new", row.new), ("repeat", row.repeats), ("unnamed", unnamed)]
        bar(parts, length(size, top, room))
        out.append(figures + "\n")

    official = [f" {number(row.cumulative_declared)}" for row in totals.cohorts]
    identified = []
    for row in totals.cohorts:
        gap = row.cumulative_declared - row.cumulative_identified
        named = _(" ({gap} not named)").format(gap=number(gap)) if gap else ""
        identified.append(f" {number(row.cumulative_identified)}{named}")
    official_word, identified_word = _("official"), _("identified")
    label = max(_LABEL, 4 + len(official_word) + 2, 4 + len(identified_word) + 2)
    room = _room(width, official + identified, label)
    top = max([row.cumulative_declared for row in totals.cohorts] + [1])
    out.append("\n" + _("Distinct kabupaten/kota so far:") + " ", style="bold" if styled else "")
    out.append(
        _("{official} official  {identified} identified").format(
            official=glyphs.declared, identified=glyphs.identified
        )
        + "\n"
    )
    for row, declared_text, identified_text in zip(
        totals.cohorts, official, identified, strict=True
    ):
        out.append(f"{row.year} {official_word}".ljust(label))
        bar([("declared", row.cumulative_declared)], length(row.cumulative_declared, top, room))
        out.append(declared_text + "\n")
        out.append(f"{'':4} {identified_word}".ljust(label))
        bar(
            [("identified", row.cumulative_identified)],
            length(row.cumulative_identified, top, room),
        )
        out.append(identified_text + "\n")

    console = capture_console(max(width, 60), styled=styled, soft_wrap=True)
    console.print(out, end="")
    text = console.file
    assert isinstance(text, io.StringIO)
    return text.getvalue()
