"""Progress bars on stderr for a long import: reading the files, then writing entries."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from gmsc_cli.i18n import _

PROGRESS_BYTES = 256 * 1024
"""Imports of more input than this (a few thousand memberships) show progress bars."""
PROGRESS_ENTRIES = 5_000


class ImportBars:
    """Rich progress bars on stderr for a long import: reading, then writing."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.bars = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> ImportBars:
        self.bars.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.bars.stop()

    def _advance(self, label: str, done: int, total: int) -> None:
        if label not in self.tasks:
            self.tasks[label] = self.bars.add_task(label, total=total)
        self.bars.update(self.tasks[label], completed=done, total=total)

    def reading(self, name: str, done: int, total: int) -> None:
        """Lines of one file read."""
        self._advance(_("reading {file} (lines)").format(file=Path(name).name), done, total)

    def writing(self, done: int, total: int) -> None:
        """Entries written."""
        if total > PROGRESS_ENTRIES:
            self._advance(_("writing entries"), done, total)


def import_progress(size: int) -> ImportBars | None:
    """Bars for a large import when stderr is a terminal; nothing otherwise."""
    if size <= PROGRESS_BYTES or not sys.stderr.isatty():
        return None
    return ImportBars()
