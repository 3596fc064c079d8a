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
from gmsc_cli.views.tabular import capture_console


@dataclass(frozen=True, slots=True)
class Glyphs:
    """The characters and colours of one kind of output."""

    new: str
    repeat: str
    unnamed: str
    declared: str
    identified: str


BLOCKS = Glyphs(new="█", repeat="▓", unnamed="░", declared="█", identified="█")
ASCII = Glyphs(new="#", repeat="+", unnamed=".", declared="=", identified="#")
STYLES = {
    "new": "green",
    "repeat": "yellow",
    "unnamed": "bright_black",
    "declared": "blue",
    "identified": "cyan",
}
_LABEL = 17
"""Columns before a bar: the year or the series name."""


def _cells(value: int, scale: float) -> int:
    """How many characters `value` takes; any value above 0 shows at least one."""
    return max(1, round(value * scale)) if value > 0 else 0


def totals_chart(totals: Totals, *, styled: bool, width: int) -> str:
    """Both pictures as text, at most `width` columns (at least room for short bars)."""
    from rich.text import Text

    glyphs = BLOCKS if styled else ASCII
    room = max(width, 60) - _LABEL - 30  # leave room for the figures after each bar
    out = Text()

    def bar(parts: list[tuple[str, int]], scale: float) -> None:
        for kind, value in parts:
            cells = _cells(value, scale)
            out.append(getattr(glyphs, kind) * cells, style=STYLES[kind] if styled else "")

    sizes = [max(row.declared or 0, row.participants) for row in totals.cohorts]
    scale = room / max([*sizes, 1])
    out.append("Members per cohort: ", style="bold" if styled else "")
    out.append(
        f"{glyphs.new} new  {glyphs.repeat} repeat  "
        f"{glyphs.unnamed} rest of the declared size (unnamed or withdrawn)\n"
    )
    for row, size in zip(totals.cohorts, sizes, strict=True):
        out.append(f"{row.year}".ljust(_LABEL))
        unnamed = max(size - row.participants, 0)
        bar([("new", row.new), ("repeat", row.repeats), ("unnamed", unnamed)], scale)
        declared = f" of {row.declared} declared" if row.declared is not None else ""
        out.append(f" {row.new} new + {row.repeats} repeat{declared}\n")

    top = max([row.cumulative_declared for row in totals.cohorts] + [1])
    scale = room / top
    out.append("\nDistinct kabupaten/kota so far: ", style="bold" if styled else "")
    out.append(f"{glyphs.declared} official  {glyphs.identified} identified\n")
    for row in totals.cohorts:
        out.append(f"{row.year} official".ljust(_LABEL))
        bar([("declared", row.cumulative_declared)], scale)
        out.append(f" {row.cumulative_declared}\n")
        out.append(f"{'':4} identified".ljust(_LABEL))
        bar([("identified", row.cumulative_identified)], scale)
        gap = row.cumulative_declared - row.cumulative_identified
        out.append(f" {row.cumulative_identified}" + (f" ({gap} not named)" if gap else "") + "\n")

    console = capture_console(max(width, 60), styled=styled, soft_wrap=True)
    console.print(out, end="")
    text = console.file
    assert isinstance(text, io.StringIO)
    return text.getvalue()
