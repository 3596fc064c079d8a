"""What a `--db` value names, and how to show it without its secrets.

A value is a URL only when its scheme is a dialect SQLAlchemy ships (`sqlite`,
`postgresql` or its alias `postgres`, `mysql`, ...), optionally with a driver
(`postgresql+psycopg`); anything else is a file path, taken as written: a path is never
URL-decoded, so `/tmp/%42.db` and `a?b#c.db` are those files.

Every message that names a store shows it through `hide_password`, and every text that
came from a driver or a traceback passes through `scrub`, so no password reaches a
terminal or a CI log. This module is imported on every error path: it stays stdlib-only.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

DIALECTS = frozenset({"sqlite", "postgresql", "postgres", "mysql", "mariadb", "oracle", "mssql"})
"""The dialects SQLAlchemy ships: the schemes that make a `--db` value a URL."""

_SCHEME = re.compile(r"^(?P<dialect>[A-Za-z][A-Za-z0-9]*)(?:\+(?P<driver>[A-Za-z0-9_]+))?://")
_PASSWORD_PARAM = re.compile(r"(?i)([?&]password=)([^&#]*)")
MASK = "***"


def url_scheme(db: str) -> tuple[str, str] | None:
    """(dialect, driver) when `db` is a URL of a dialect SQLAlchemy knows, else None (a
    path). The driver is "" when the URL names none."""
    match = _SCHEME.match(db)
    if match is None or match["dialect"].lower() not in DIALECTS:
        return None
    return match["dialect"].lower(), (match["driver"] or "").lower()


def _credentials(url: str) -> tuple[int, int] | None:
    """Where the `user:password` part of a URL's authority is (start, end of the
    password), when it has a password."""
    start = url.find("://")
    if start < 0:
        return None
    start += 3
    slash = url.find("/", start)
    end = len(url) if slash < 0 else slash
    at = url.rfind("@", start, end)  # the last '@': hides more, never less
    if at < 0:
        return None
    colon = url.find(":", start, at)
    if colon < 0:
        return None
    return colon + 1, at


def hide_password(url: str) -> str:
    """The URL with its password (in the authority or a `password=` parameter) replaced
    by ***; a value that is not a URL is returned as it is."""
    if "://" not in url:
        return url
    span = _credentials(url)
    if span is not None:
        url = url[: span[0]] + MASK + url[span[1] :]
    return _PASSWORD_PARAM.sub(lambda m: m[1] + MASK, url)


def passwords(db: str | None) -> list[str]:
    """The passwords written in a `--db` value, as written and decoded (longest first)."""
    if not db or "://" not in db:
        return []
    found = []
    span = _credentials(db)
    if span is not None:
        found.append(db[span[0] : span[1]])
    found += [m[2] for m in _PASSWORD_PARAM.finditer(db)]
    every = {p for p in found if p} | {unquote(p) for p in found if p}
    return sorted(every, key=len, reverse=True)


def scrub(text: str, db: str | None) -> str:
    """`text` with the URL of `db` shown without its password, and any password of it
    that a driver or a traceback repeated replaced by ***."""
    if not db or "://" not in db:
        return text
    text = text.replace(db, hide_password(db))
    for secret in passwords(db):
        text = text.replace(secret, MASK)
    return text
