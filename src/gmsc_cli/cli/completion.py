"""Shell completion of region names and stored cohort years, fast enough for a TAB.

A completion runs the whole `gmsc` start-up on every key press, so this module stays
light: region names come from the shipped reference list, and stored years from the
store's read path (the standard library's `sqlite3`, or psycopg for PostgreSQL;
read-only). The ORM is never imported, and a store that does not exist yet is not created.
"""

from __future__ import annotations

import re

_SHELL_SPECIAL = re.compile(r"([^\w./,+@%:=-])")


def for_shell(values: list[str], shell: str) -> list[str]:
    """Values as the shell should insert them: bash's completion script inserts replies
    verbatim, so spaces and quotes are escaped for it; zsh, fish and PowerShell quote
    replies themselves."""
    if shell != "bash":
        return values
    return [_SHELL_SPECIAL.sub(r"\\\1", value) for value in values]


def region_names(incomplete: str) -> list[str]:
    """Canonical names of the kabupaten/kota that `incomplete` starts (any accepted form)."""
    from gmsc_cli.domain.regions import reference

    if not incomplete.strip():
        return []
    return reference().complete(incomplete)


def stored_years(db: str | None, incomplete: str = "") -> list[str]:
    """The cohort years in the store that start with `incomplete`; none when the store
    does not exist or cannot be read."""
    from gmsc_cli.errors import GmscError
    from gmsc_cli.store.store import Store

    try:
        store = Store(db)
        if store.path is not None and not store.path.is_file():
            return []
        with store.reading(timeout=0.2) as snap:
            years = [str(year) for year in snap.years()] if snap.version else []
    except GmscError:
        return []
    return [year for year in years if year.startswith(incomplete)]
