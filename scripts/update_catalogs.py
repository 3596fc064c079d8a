"""Extract gmsc's messages, update the translation catalogs and compile them.

    .venv/bin/python scripts/update_catalogs.py          # extract, update every .po, compile
    .venv/bin/python scripts/update_catalogs.py --check  # exit 1 if anything would change

The messages are the `_()`, `ngettext()` and `N_()` strings of `src/` (Babel's Python
extractor, as `pybabel extract` runs it) plus the `--help` texts of the built command line
(Typer takes them from docstrings and `help=`, which no extractor sees). New messages
arrive in each `src/gmsc_cli/locale/<lang>/LC_MESSAGES/gmsc.po` untranslated; messages
no longer used are dropped; each .po is then compiled to its `.mo` beside it, which is
committed and shipped in the wheel. tests/test_i18n.py fails while a message lacks a
translation or a `.mo` differs from its compiled `.po`.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src"
LOCALE = SRC / "gmsc_cli" / "locale"
DOMAIN = "gmsc"
HELP_LOCATION = "src/gmsc_cli/cli/app.py"
"""Where the catalog says the --help texts come from (the command definitions)."""

KEYWORDS = {key: DEFAULT_KEYWORDS[key] for key in ("_", "ngettext", "N_")}


def template() -> Catalog:
    """Every message of gmsc, as `pybabel extract` plus the --help texts would find them."""
    catalog = Catalog(project="gmsc", domain=DOMAIN, charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        SRC, method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
    ):
        location = (f"src/{Path(filename).as_posix()}", lineno)
        catalog.add(message, None, [location], auto_comments=comments, context=context)
    for text in help_texts():
        if text not in catalog:
            catalog.add(text, None, [(HELP_LOCATION, 0)], auto_comments=["--help"])
    return catalog


def help_texts() -> list[str]:
    """The help texts of the built command line, in English."""
    sys.path.insert(0, str(SRC))
    import typer

    from gmsc_cli.cli.app import app
    from gmsc_cli.cli.helptexts import help_texts as texts

    return list(dict.fromkeys(texts(typer.main.get_command(app))))


def _version() -> str:
    sys.path.insert(0, str(SRC))
    from gmsc_cli import __version__

    return __version__


def po_bytes(catalog: Catalog) -> bytes:
    """A catalog as the .po file is committed: sorted by file, without line numbers (an edit
    elsewhere in a module must not move the catalog)."""
    out = io.BytesIO()
    write_po(out, catalog, width=100, sort_by_file=True, include_lineno=False)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    """A catalog compiled as gettext reads it (fuzzy entries left out, as gettext does)."""
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def update(po_path: Path, pot: Catalog) -> tuple[bytes, bytes]:
    """The updated .po and its compiled .mo."""
    with po_path.open("rb") as f:
        catalog = read_po(f, locale=po_path.parent.parent.name, domain=DOMAIN)
    pot.creation_date = catalog.creation_date  # the header moves only with the messages
    catalog.project, catalog.version = "gmsc", _version()
    catalog.msgid_bugs_address = "the gmsc issue tracker"
    catalog.last_translator = "gmsc contributors"
    catalog.update(pot, no_fuzzy_matching=True, update_header_comment=False)
    po = po_bytes(catalog)
    return po, mo_bytes(read_po(io.BytesIO(po), locale=catalog.locale, domain=DOMAIN))


def main() -> int:
    """Update and compile every catalog (or, with --check, only say whether one would move)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 on drift")
    args = parser.parse_args()
    pot = template()
    drift = False
    for po_path in sorted(LOCALE.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        po, mo = update(po_path, pot)
        mo_path = po_path.with_suffix(".mo")
        for path, content in ((po_path, po), (mo_path, mo)):
            if path.exists() and path.read_bytes() == content:
                continue
            drift = True
            print(f"{'would update' if args.check else 'updated'} {path.relative_to(REPO)}")
            if not args.check:
                path.write_bytes(content)
        untranslated = sum(1 for m in read_po(io.BytesIO(po)) if m.id and not m.string)
        if untranslated:
            print(f"{po_path.relative_to(REPO)}: {untranslated} messages to translate")
    return 1 if args.check and drift else 0


if __name__ == "__main__":
    raise SystemExit(main())
