"""Shell completion: installed with Typer's `--install-completion`, answering TAB with
official region names and the store's cohort years, without loading the ORM.

The shells talk to `gmsc` through environment variables (`_GMSC_COMPLETE=complete_bash`
with `COMP_WORDS`/`COMP_CWORD`; zsh and fish use `_TYPER_COMPLETE_ARGS`), so these tests
run the real program in a subprocess, as a shell would.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Result

Run = Callable[..., Result]

BIN = Path(sys.executable).parent
ORM = ("sqlalchemy", "sqlmodel")


def complete(words: str, *, db: Path | None = None, shell: str = "bash") -> tuple[list[str], str]:
    """Ask `python -m gmsc_cli` for completions the way `shell` does, the cursor at the end
    of `words`; return the completions and the interpreter's import log."""
    env = {**os.environ, "_GMSC_COMPLETE": f"complete_{shell}"}
    if db is not None:
        env["GMSC_DB"] = str(db)
    if shell == "bash":
        env["COMP_WORDS"] = words
        typed = len(shlex.split(words))
        env["COMP_CWORD"] = str(typed if words.endswith(" ") else typed - 1)
    else:
        env["_TYPER_COMPLETE_ARGS"] = words
        env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "gmsc_cli"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return [line for line in done.stdout.splitlines() if line], done.stderr


def imported(log: str) -> set[str]:
    """The top-level packages named in a `-X importtime` log."""
    names = set()
    for line in log.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


class TestRegionCompletion:
    """`gmsc region Luw<TAB>` offers official names."""

    def test_bare_start_completes_to_canonical_names(self) -> None:
        """If `Luw` is typed, then bash is offered the three Luwu kabupaten by their
        canonical names, spaces escaped so each is inserted as one word."""
        names, _ = complete("gmsc region Luw")
        assert names == [
            "Kabupaten\\ Luwu",
            "Kabupaten\\ Luwu\\ Timur",
            "Kabupaten\\ Luwu\\ Utara",
        ]

    def test_any_case_and_prefix_form(self) -> None:
        """If a lower-case start with a kind prefix is typed (the word bash sees after
        `kab.\\ luwu\\ u`), then it completes to the one region."""
        names, _ = complete("gmsc region kab.\\ luwu\\ u")
        assert names == ["Kabupaten\\ Luwu\\ Utara"]

    def test_ambiguous_name_offers_both(self) -> None:
        """If a start that is both a kabupaten and a kota is typed (`Bogo`), then both are
        offered with their kind, never a bare ambiguous name."""
        names, _ = complete("gmsc region Bogo")
        assert names == ["Kabupaten\\ Bogor", "Kota\\ Bogor"]

    @pytest.mark.parametrize("shell", ["zsh", "fish"])
    def test_other_shells_get_plain_names(self, shell: str) -> None:
        """If zsh or fish asks, then the names come unescaped (those shells quote them)."""
        names, _ = complete("gmsc region Luwu", shell=shell)
        assert any("Kabupaten Luwu Utara" in line for line in names), names
        assert not any("\\ " in line for line in names), names

    def test_unknown_start_offers_nothing(self) -> None:
        """If nothing official starts with the text, then nothing is offered, quietly."""
        names, _ = complete("gmsc region Zzz")
        assert names == []

    def test_does_not_load_the_orm(self, tmp_path: Path) -> None:
        """If a region is completed, then neither SQLAlchemy nor SQLModel is imported."""
        _, log = complete("gmsc region Luw", db=tmp_path / "gmsc.db")
        assert imported(log).isdisjoint(ORM), sorted(imported(log) & set(ORM))


class TestCohortCompletion:
    """`gmsc cohort <TAB>` offers the years in the store."""

    def test_stored_years(self, run: Run, isolated_store: Path) -> None:
        """If the store holds the bundled cohorts, then their years are offered, and a typed
        start narrows them."""
        assert run("init").exit_code == 0
        assert complete("gmsc cohort ", db=isolated_store)[0] == [
            "2017",
            "2018",
            "2019",
            "2021",
            "2022",
            "2023",
            "2024",
        ]
        assert complete("gmsc cohort 202", db=isolated_store)[0] == [
            "2021",
            "2022",
            "2023",
            "2024",
        ]

    def test_db_option_is_honoured(self, run: Run, tmp_path: Path) -> None:
        """If `--db PATH` comes before the command, then the years come from that store,
        not from GMSC_DB's."""
        other = tmp_path / "other.db"
        assert run("--db", str(other), "init").exit_code == 0
        names, _ = complete(f"gmsc --db {other} cohort 2", db=tmp_path / "missing.db")
        assert names == ["2017", "2018", "2019", "2021", "2022", "2023", "2024"]

    def test_missing_store_is_not_created(self, isolated_store: Path) -> None:
        """If the store does not exist yet, then nothing is offered and no store is made
        (completion never writes)."""
        assert complete("gmsc cohort ", db=isolated_store)[0] == []
        assert not isolated_store.exists()
        assert not isolated_store.parent.exists()

    def test_unreadable_store_offers_nothing(self, tmp_path: Path) -> None:
        """If the store file is not a database, then nothing is offered, without an error."""
        broken = tmp_path / "broken.db"
        broken.write_bytes(b"not a database at all" * 100)
        assert complete("gmsc cohort ", db=broken)[0] == []

    def test_does_not_load_the_orm(self, run: Run, isolated_store: Path) -> None:
        """If years are completed from a store, then neither SQLAlchemy nor SQLModel is
        imported: the years are read with sqlite3."""
        assert run("init").exit_code == 0
        names, log = complete("gmsc cohort ", db=isolated_store)
        assert names
        assert imported(log).isdisjoint(ORM), sorted(imported(log) & set(ORM))


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
class TestInstallCompletion:
    """`gmsc --install-completion` sets up bash, and bash then completes through gmsc."""

    def test_install_then_complete_in_bash(self, run: Run, tmp_path: Path) -> None:
        """If `gmsc --install-completion` runs under bash, then it writes the script and
        sources it from ~/.bashrc; a bash that loads it completes `gmsc region Luwu\\ U`
        to Kabupaten Luwu Utara and `gmsc cohort 20` to the stored years."""
        home = tmp_path / "home"
        home.mkdir()
        db = tmp_path / "gmsc.db"
        assert run("--db", str(db), "init").exit_code == 0
        env = {
            **os.environ,
            "HOME": str(home),
            "GMSC_DB": str(db),
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        }
        # `; true` keeps bash as the parent process, which is how Typer detects the shell.
        installed = subprocess.run(
            ["bash", "--norc", "-c", "gmsc --install-completion; true"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        script = home / ".bash_completions" / "gmsc.sh"
        assert script.is_file(), installed.stdout + installed.stderr
        assert f"source '{script}'" in (home / ".bashrc").read_text()

        def in_bash(*words: str) -> list[str]:
            line = " ".join(f"'{w}'" for w in words)
            program = (
                f"source '{script}'; COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; "
                "_gmsc_completion gmsc; printf '%s\\n' \"${COMPREPLY[@]}\""
            )
            done = subprocess.run(
                ["bash", "--norc", "-c", program],
                env=env,
                capture_output=True,
                text=True,
                check=True,
                timeout=60,
            )
            return [line for line in done.stdout.splitlines() if line]

        assert in_bash("gmsc", "region", "Luwu\\ U") == ["Kabupaten\\ Luwu\\ Utara"]
        assert in_bash("gmsc", "cohort", "20") == [
            "2017",
            "2018",
            "2019",
            "2021",
            "2022",
            "2023",
            "2024",
        ]


class TestTyperPrivateApi:
    """The one use of Typer's private API (unfiltered completion) still works: a Typer
    upgrade that breaks it fails here, loudly, rather than completion going quiet."""

    def test_region_parameter_has_the_private_hook(self) -> None:
        """If the command is built, then the region argument's Click parameter has the
        `_custom_shell_complete` attribute the unfiltered completer replaces."""
        import typer

        from gmsc_cli.cli.app import app

        command = typer.main.get_command(app)
        params = [p for p in command.commands["region"].params if p.name == "name"]
        assert len(params) == 1
        assert hasattr(params[0], "_custom_shell_complete")

    def test_installed_completer_is_honoured_unfiltered(self) -> None:
        """If a completer that ignores the typed text is installed, then Typer's
        shell_complete returns its values as they are, none dropped for not starting
        with the typed text."""
        import typer

        from gmsc_cli.cli.app import app, install_unfiltered_completion

        command = typer.main.get_command(app)
        param = next(p for p in command.commands["region"].params if p.name == "name")
        install_unfiltered_completion(param, lambda _ctx, _param, _text: ["Kota Zeta", "Alpha"])
        ctx = command.make_context("gmsc", ["region"], resilient_parsing=True)
        values = [item.value for item in param.shell_complete(ctx, "luw")]
        assert values == ["Kota Zeta", "Alpha"]
