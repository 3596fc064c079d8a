"""The language of what people read: English, or Bahasa Indonesia from the gettext
catalog shipped in the package (locale/id/LC_MESSAGES/gmsc.mo).

What programs read (finding codes, JSON keys, CSV headers, exit codes) never passes
through here. Only the standard library is imported: this module is loaded before the
command line is built, so that help texts are chosen in the right language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Protocol

DOMAIN = "gmsc"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
"""POSIX order: the first one set (and not empty) decides the locale's language."""


class Language(StrEnum):
    """The languages gmsc speaks; English is the language of the source."""

    en = "en"
    id = "id"


class _Catalog(Protocol):
    """What gmsc asks of a gettext translation."""

    def gettext(self, message: str) -> str:
        """`message` translated."""

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form for `n`, translated."""


class _English:
    """The source language: messages as written. gettext itself (and the locale module
    it brings) is imported only when another language is chosen."""

    def gettext(self, message: str) -> str:
        """`message` as written."""
        return message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """English's two forms."""
        return singular if n == 1 else plural


_translation: _Catalog = _English()
_language = Language.en


def set_language(language: Language | str) -> None:
    """Speak `language` from now on (a ValueError for one gmsc has no catalog for)."""
    global _translation, _language
    chosen = Language(language)
    if chosen is Language.en:
        _translation = _English()
    else:
        import gettext

        _translation = gettext.translation(DOMAIN, LOCALE_DIR, languages=[chosen.value])
    _language = chosen


def current_language() -> Language:
    """The language in use."""
    return _language


def _(message: str) -> str:
    """`message` in the current language (an empty text stays empty: gettext would give
    the catalog's header)."""
    return _translation.gettext(message) if message else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for `n`, in the current language."""
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for the catalog without translating it yet: it is translated where
    it is shown (column headers, footer labels), so a module-level constant follows the
    language chosen after it was defined."""
    return message


def from_locale(environ: Mapping[str, str]) -> Language:
    """Indonesian when the locale (LC_ALL, else LC_MESSAGES, else LANG) starts with
    `id` (id_ID.UTF-8, id), else English."""
    for name in LOCALE_VARIABLES:
        value = environ.get(name)
        if value:
            return Language.id if value.lower().startswith("id") else Language.en
    return Language.en


def choose(option: str | None, environ: Mapping[str, str]) -> Language:
    """The language asked for: `--lang`, else GMSC_LANG, else the locale. A value that is
    not a language raises ValueError (the command line reports it as a usage error)."""
    asked = option or environ.get("GMSC_LANG")
    if asked:
        return Language(asked.strip().lower())
    return from_locale(environ)


def lang_in_argv(argv: Sequence[str]) -> str | None:
    """The value of `--lang VALUE` or `--lang=VALUE` in a command line (before `--`), read
    before the command line is parsed properly so that help texts can be translated."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang":
            return argv[i + 1] if i + 1 < len(argv) else None
        if arg.startswith("--lang="):
            return arg.removeprefix("--lang=")
    return None


def grouped(value: int) -> str:
    """A whole number with thousands separators in every language: 20,971,520 in English,
    20.971.520 in Indonesian (sizes and limits in messages)."""
    text = f"{value:,}"
    return text if _language is Language.en else text.replace(",", ".")


def number(value: int | float) -> str:
    """A number as people read it in the current language: 1,234 and 12.5 in English
    (Python's own digits, unchanged), 1.234 and 12,5 in Indonesian. Never for JSON or CSV."""
    if _language is Language.en or isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    whole, _point, fraction = str(value).partition(".")
    if not whole.lstrip("-").isdigit():  # inf, nan, 1e+20: as Python writes them
        return str(value)
    grouped = f"{int(whole):,}".replace(",", ".")
    if whole.startswith("-") and not grouped.startswith("-"):
        grouped = "-" + grouped  # -0.5
    return f"{grouped},{fraction}" if fraction else grouped
