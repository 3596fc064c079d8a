"""Bahasa Indonesia: the catalog is complete and compiled, the language is chosen as the
README says, and what programs read stays the same in every language."""

from __future__ import annotations

import io
import json
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from conftest import BUNDLED, REPO, Result
from gmsc_cli import i18n
from gmsc_cli.cli.app import app
from gmsc_cli.cli.helptexts import help_texts
from gmsc_cli.i18n import Language, choose, lang_in_argv, number, set_language

PO = REPO / "src" / "gmsc_cli" / "locale" / "id" / "LC_MESSAGES" / "gmsc.po"
MO = PO.with_suffix(".mo")
SUMMARY = {
    "en": "0 errors, 0 warnings, 4 infos in 1 file\n",
    "id": "0 galat, 0 peringatan, 4 info dalam 1 berkas\n",
}
"""validate's summary line on the bundled ledger, in each language."""
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


def _catalog() -> dict[str, object]:
    with PO.open("rb") as f:
        catalog = read_po(f)
    return {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}


def _messages() -> list[tuple[str, str]]:
    """(where, msgid) of every message in src/, as Babel extracts them, and of every
    --help text of the built command line."""
    keywords = {key: DEFAULT_KEYWORDS[key] for key in ("_", "ngettext", "N_")}
    found = []
    for filename, lineno, message, *_rest in extract_from_dir(
        REPO / "src", method_map=[("**.py", "python")], keywords=keywords
    ):
        msgid = message if isinstance(message, str) else message[0]  # plurals: the singular
        if msgid:
            found.append((f"{filename}:{lineno}", msgid))
    found += [("--help", text) for text in help_texts(typer.main.get_command(app))]
    return found


class TestCatalog:
    """The Indonesian catalog has every message, and the shipped .mo is its compilation."""

    def test_every_message_is_translated(self) -> None:
        """If a message of src/ (or a --help text) has no non-empty, non-fuzzy Indonesian
        translation, then this fails naming it."""
        catalog = _catalog()
        missing = []
        for where, msgid in _messages():
            entry = catalog.get(msgid)
            strings = () if entry is None else entry.string  # type: ignore[attr-defined]
            strings = (strings,) if isinstance(strings, str) else strings
            if entry is None or entry.fuzzy or not all(strings):  # type: ignore[attr-defined]
                missing.append(f"{where}: {msgid!r}")
        assert not missing, "untranslated (run scripts/update_catalogs.py):\n" + "\n".join(missing)

    def test_placeholders_match(self) -> None:
        """If a translation names other {placeholders} than its message, then this fails:
        .format() would raise or drop a value."""
        wrong = []
        for msgid, entry in _catalog().items():
            ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)  # type: ignore[attr-defined]
            strings = entry.string  # type: ignore[attr-defined]
            strings = (strings,) if isinstance(strings, str) else strings
            wanted = {p for i in ids for p in PLACEHOLDER.findall(i)}
            for s in strings:
                if set(PLACEHOLDER.findall(s)) != wanted:
                    wrong.append(f"{msgid!r} -> {s!r}")
        assert not wrong, "\n".join(wrong)

    def test_mo_is_the_compiled_po(self) -> None:
        """If the committed .mo is not exactly what Babel compiles from the .po, then this
        fails (compile with scripts/update_catalogs.py and commit both)."""
        with PO.open("rb") as f:
            catalog = read_po(f, locale="id", domain="gmsc")
        out = io.BytesIO()
        write_mo(out, catalog, use_fuzzy=False)
        assert MO.read_bytes() == out.getvalue()

    def test_catalogs_are_up_to_date(self) -> None:
        """If scripts/update_catalogs.py would change the .po (a message added, changed or
        dropped in src/), then this fails."""
        process = subprocess.run(
            [sys.executable, str(REPO / "scripts" / "update_catalogs.py"), "--check"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert process.returncode == 0, process.stdout + process.stderr


class TestChoosing:
    """--lang, else GMSC_LANG, else LC_ALL, LC_MESSAGES, LANG (the first one set)."""

    @pytest.mark.parametrize(
        ("argv", "env", "expected"),
        [
            ([], {}, "en"),
            (["--lang", "id"], {}, "id"),
            (["--lang", "en"], {"GMSC_LANG": "id", "LC_ALL": "id_ID.UTF-8"}, "en"),
            (["--lang", "id"], {"GMSC_LANG": "en"}, "id"),
            ([], {"GMSC_LANG": "id", "LC_ALL": "en_US.UTF-8"}, "id"),
            ([], {"GMSC_LANG": "en", "LC_ALL": "id_ID.UTF-8"}, "en"),
            ([], {"LC_ALL": "id_ID.UTF-8", "LANG": "en_US.UTF-8"}, "id"),
            ([], {"LC_ALL": "", "LC_MESSAGES": "id_ID", "LANG": "en_US.UTF-8"}, "id"),
            ([], {"LC_ALL": "C.UTF-8", "LANG": "id_ID.UTF-8"}, "en"),
            ([], {"LC_ALL": "", "LANG": "id_ID.UTF-8"}, "id"),
            ([], {"LC_ALL": "", "LANG": "id"}, "id"),
        ],
    )
    def test_precedence(
        self,
        argv: list[str],
        env: dict[str, str],
        expected: str,
        run: Callable[..., Result],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """If the language is asked for in several places, then --lang wins over GMSC_LANG,
        which wins over the locale, where LC_ALL wins over LC_MESSAGES over LANG."""
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        result = run(*argv, "validate", str(BUNDLED))
        assert result.exit_code == 0, result
        assert result.stderr == SUMMARY[expected]

    def test_unknown_lang_is_a_usage_error(self, run: Callable[..., Result]) -> None:
        """If --lang names a language gmsc has no catalog for, then it exits 2 listing the
        languages it has."""
        result = run("--lang", "xx", "validate", str(BUNDLED))
        assert result.exit_code == 2, result
        assert "'xx' is not one of 'en', 'id'" in result.stderr

    def test_unknown_gmsc_lang_is_a_usage_error(
        self, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If GMSC_LANG names an unknown language, then it exits 2 naming GMSC_LANG."""
        monkeypatch.setenv("GMSC_LANG", "xx")
        result = run("validate", str(BUNDLED))
        assert result.exit_code == 2, result
        assert "GMSC_LANG" in result.stderr
        assert "'xx' is not one of 'en', 'id'" in result.stderr

    def test_choose_and_argv(self) -> None:
        """If --lang is written either way before `--`, then it is found before parsing;
        an unknown value raises ValueError for the command line to report."""
        assert lang_in_argv(["--db", "x", "--lang", "id", "totals"]) == "id"
        assert lang_in_argv(["--lang=ID", "totals"]) == "ID"
        assert lang_in_argv(["validate", "--", "--lang", "id"]) is None
        assert choose("ID", {}) is Language.id
        with pytest.raises(ValueError):
            choose(None, {"GMSC_LANG": "xx"})


class TestWhatProgramsRead:
    """JSON keys and numbers, CSV headers and numbers, codes and exit codes do not move."""

    @pytest.mark.parametrize(
        "args",
        [
            ("totals", "--format", "json"),
            ("totals", "--format", "csv"),
            ("totals", "--by", "province", "--format", "csv"),
            ("reconcile", "--format", "csv"),
            ("repeats", "--format", "json"),
        ],
    )
    def test_json_and_csv_do_not_move(
        self, args: tuple[str, ...], run: Callable[..., Result]
    ) -> None:
        """If a JSON or CSV result is asked for in Indonesian, then it is the English one."""
        english = run(*args)
        indonesian = run("--lang", "id", *args)
        assert english.exit_code == indonesian.exit_code == 0
        assert indonesian.stdout == english.stdout

    def test_findings_keep_codes_and_severities(self, run: Callable[..., Result]) -> None:
        """If validate reports in Indonesian, then codes, severities, positions and the JSON
        keys are the English ones; only message and hint are Indonesian."""
        english = json.loads(run("validate", str(BUNDLED), "-f", "json").stdout)
        indonesian = json.loads(run("--lang", "id", "validate", str(BUNDLED), "-f", "json").stdout)
        strip = [
            {k: v for k, v in f.items() if k not in ("message", "hint")}
            for f in english["findings"]
        ]
        assert strip == [
            {k: v for k, v in f.items() if k not in ("message", "hint")}
            for f in indonesian["findings"]
        ]
        assert indonesian["findings"][0]["message"].startswith("angkatan 2018 menyebut")
        assert indonesian.keys() == english.keys()


class TestNumbers:
    """Human output groups numbers the Indonesian way; Python's digits stay in English."""

    @pytest.mark.parametrize("value", [0, 7, 251, 1_234, 20_971_520, -1_234])
    def test_integers_as_babel_writes_them(self, value: int) -> None:
        """If a whole number is shown in Indonesian, then it is what Babel's CLDR data
        writes for `id` (1.234), without Babel being imported at run time."""
        set_language(Language.id)
        assert number(value) == format_decimal(value, locale="id")

    @pytest.mark.parametrize("value", [0.0, 12.5, 100.0, 1234.5, 0.3])
    def test_decimals_as_babel_writes_them(self, value: float) -> None:
        """If a decimal is shown in Indonesian, then it has a decimal comma (12,5), its
        digits as Python writes them (100,0 as 100.0)."""
        set_language(Language.id)
        assert number(value) == format_decimal(value, format="#,##0.0#", locale="id")

    def test_english_is_unchanged(self) -> None:
        """If the language is English, then numbers are Python's own digits."""
        set_language(Language.en)
        assert (number(1234), number(12.5)) == ("1234", "12.5")

    def test_years_are_not_grouped(self, run: Callable[..., Result], tmp_path: Path) -> None:
        """If a table has years and counts of more than a thousand, then the counts are
        grouped (1.494) and the years are not (2050)."""
        golden = REPO / "tests" / "golden" / "ledger-100.yaml"
        assert run("init", "--empty").exit_code == 0
        assert run("import", str(golden)).exit_code == 0
        result = run("--lang", "id", "totals", "--format", "markdown")
        assert result.exit_code == 0, result
        assert "| 2050 |" in result.stdout
        assert "| **1.494** |" in result.stdout, result.stdout


class TestStoreMessages:
    """The store's own errors and hints are Indonesian too; what names the store (its
    path, or its URL without the password) stays as written."""

    def test_text_file_as_store(self, run: Callable[..., Result], tmp_path: Path) -> None:
        """If `--db` names a text file, then `gmsc --lang id totals` exits 3 and says in
        Indonesian that it is no gmsc store, with the path and SQLite's words as they are."""
        text = tmp_path / "notes.txt"
        text.write_text("not a database\n" * 100, encoding="utf-8")
        result = run("--lang", "id", "--db", str(text), "totals")
        assert result.exit_code == 3, result
        assert result.stderr == (
            f"gmsc: penyimpanan {text} bukan penyimpanan gmsc yang dapat dibaca "
            "(file is not a database)\n"
            "  petunjuk: pindahkan berkas itu ke tempat lain lalu jalankan perintahnya lagi "
            "untuk memulai penyimpanan baru, atau pulihkan dari cadangan\n"
        )

    def test_busy_timeout_not_a_number(
        self, run: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If GMSC_BUSY_TIMEOUT is not a number, then the Indonesian message quotes the
        value and the hint says what to set."""
        monkeypatch.setenv("GMSC_BUSY_TIMEOUT", "abc")
        result = run("--lang", "id", "--db", str(tmp_path / "gmsc.db"), "totals")
        assert result.exit_code == 3, result
        assert result.stderr == (
            "gmsc: GMSC_BUSY_TIMEOUT bernilai 'abc'; nilainya harus berupa jumlah detik\n"
            "  petunjuk: isi dengan, misalnya, 15, atau hapus variabelnya\n"
        )

    def test_url_keeps_its_password_hidden(self, run: Callable[..., Result]) -> None:
        """If a PostgreSQL URL names another driver, then the Indonesian message shows the
        URL with its password hidden, exactly as the English one does."""
        url = "postgresql+asyncpg://gmsc:s3cret@db.example/ledger"
        result = run("--lang", "id", "--db", url, "totals")
        assert result.exit_code == 3, result
        assert "s3cret" not in result.stderr
        assert result.stderr.startswith(
            "gmsc: gmsc menghubungi PostgreSQL melalui psycopg 3, bukan asyncpg: "
            "postgresql+asyncpg://gmsc:***@db.example/ledger\n"
        )

    def test_busy_wait_in_indonesian_digits(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """If the store is busy, then the hint's wait is written as Indonesian reads it
        (2,5 detik) and as before in English (2.5 s)."""
        from gmsc_cli.store.backend import sqlite_failure

        busy = sqlite3.OperationalError("database is locked")
        busy.sqlite_errorcode = sqlite3.SQLITE_BUSY
        monkeypatch.setenv("GMSC_BUSY_TIMEOUT", "2.5")
        english = sqlite_failure(busy, "S")
        assert english.message == "the store S is busy: another gmsc is writing to it"
        assert english.hint == "try again (waited 2.5 s; GMSC_BUSY_TIMEOUT sets the wait)"
        set_language(Language.id)
        indonesian = sqlite_failure(busy, "S")
        assert indonesian.message == (
            "penyimpanan S sedang sibuk: gmsc lain sedang menulis ke dalamnya"
        )
        assert indonesian.hint == (
            "coba lagi (sudah menunggu 2,5 detik; GMSC_BUSY_TIMEOUT mengatur lama menunggu)"
        )


class TestStartup:
    """The console script chooses the language before the command line is built."""

    def test_help_in_indonesian_without_the_orm_or_babel(self) -> None:
        """If `gmsc --lang id --help` runs, then the help texts are Indonesian and neither
        the ORM nor Babel is imported."""
        probe = (
            "import sys\n"
            "sys.argv = ['gmsc', '--lang', 'id', '--help']\n"
            "from gmsc_cli.cli.entry import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "heavy = {m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'sqlmodel', 'babel'}\n"
            "sys.stderr.write('LOADED %s' % sorted(heavy))\n"
        )
        process = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False
        )
        assert "LOADED []" in process.stderr, process
        assert "Periksa berkas buku besar" in process.stdout, process.stdout

    def test_unknown_value_left_to_the_option(self) -> None:
        """If `gmsc --lang xx` is run, then the entry speaks English and the option refuses
        the value with exit 2."""
        process = subprocess.run(
            [sys.executable, "-m", "gmsc_cli", "--lang", "xx", "validate", str(BUNDLED)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert process.returncode == 2, process
        assert "is not one of 'en', 'id'" in process.stderr


def test_language_module_is_light() -> None:
    """If gmsc_cli.i18n is imported, then only the standard library comes with it."""
    assert i18n.LOCALE_DIR.joinpath("id", "LC_MESSAGES", "gmsc.mo").is_file()
