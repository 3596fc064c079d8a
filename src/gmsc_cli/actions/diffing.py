"""`gmsc diff`: load the two sides (files, standard input, the store, or a git revision
against the working copy), validate each, and compare them when both are valid."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gmsc_cli.actions.inputs import read_inputs
from gmsc_cli.actions.validating import validate
from gmsc_cli.domain.diff import Diff, diff_ledgers
from gmsc_cli.domain.findings import Findings, Severity
from gmsc_cli.domain.model import Ledger
from gmsc_cli.errors import EnvironmentFailure
from gmsc_cli.i18n import _, ngettext, number

STORE = "@store"
"""The name of the store as a side of a diff."""

LEDGER_SUFFIXES = (".yaml", ".yml")

_VERSION_1 = re.compile(rb"""^version:[ \t]*["']?1["']?[ \t]*(?:#.*)?\r?$""", re.MULTILINE)
_LEDGER_KEY = re.compile(rb"^(?:cohorts|published):", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Side:
    """One side of a diff: what it is called, its ledger, and what validating it found."""

    label: str
    ledger: Ledger
    findings: Findings


@dataclass(frozen=True, slots=True)
class Comparison:
    """Both sides, and their diff when neither has errors."""

    old: Side
    new: Side

    @property
    def failed(self) -> bool:
        """True when either side has errors (the diff is then not made)."""
        return self.old.findings.failed() or self.new.findings.failed()

    def notable(self) -> Findings:
        """The errors and warnings of both sides, each side's in file order."""
        return Findings(
            f
            for side in (self.old, self.new)
            for f in side.findings.ordered()
            if f.severity is not Severity.INFO
        )

    def refusal(self) -> str:
        """Which side has how many errors, in a few words."""
        parts = []
        for old, side in ((True, self.old), (False, self.new)):
            errors = side.findings.count_of(Severity.ERROR)
            if errors:
                words = (
                    ngettext(
                        "the old ledger ({ledger}) has {count} error",
                        "the old ledger ({ledger}) has {count} errors",
                        errors,
                    )
                    if old
                    else ngettext(
                        "the new ledger ({ledger}) has {count} error",
                        "the new ledger ({ledger}) has {count} errors",
                        errors,
                    )
                )
                parts.append(words.format(ledger=side.label, count=number(errors)))
        return "; ".join(parts)

    def diff(self) -> Diff:
        """What changed from the old side to the new one."""
        return diff_ledgers(self.old.ledger, self.new.ledger)


def _side(label: str, sources: list[tuple[str, bytes]], base: Ledger | None = None) -> Side:
    ledger, findings = validate(sources, base=base)
    return Side(label, ledger, findings)


def load_side(paths: list[str], stored: Callable[[], Ledger]) -> Side:
    """A side named on the command line: files taken together ('-' is standard input),
    or `@store` alone, read through `stored`."""
    if paths == [STORE]:
        return _side(STORE, [], stored())
    sources = read_inputs(paths)
    return _side(", ".join(name for name, _ in sources), sources)


def compare(old: list[str], new: list[str], stored: Callable[[], Ledger]) -> Comparison:
    """`gmsc diff OLD NEW`: each side loaded and validated."""
    return Comparison(load_side(old, stored), load_side(new, stored))


# --- git ------------------------------------------------------------------------------


def _git(args: list[str], cwd: Path | None) -> subprocess.CompletedProcess[bytes]:
    git = shutil.which("git")
    if git is None:
        raise EnvironmentFailure(_("cannot run git: it is not installed (or not on PATH)"))
    try:
        return subprocess.run([git, *args], cwd=cwd, capture_output=True, check=False)
    except OSError as exc:
        raise EnvironmentFailure(
            _("cannot run git: {reason}").format(reason=exc.strerror or exc)
        ) from None


def _first_line(data: bytes) -> str:
    text = data.decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else _("git failed")


def is_ledger_text(data: bytes) -> bool:
    """True for a format-1 ledger file: a top-level `version: 1` and a `cohorts:` or
    `published:` key (how `--git` tells ledger files from other YAML in a repository)."""
    return bool(_VERSION_1.search(data)) and bool(_LEDGER_KEY.search(data))


def _tracked(rev: str, cwd: Path | None) -> list[str]:
    """YAML files tracked in the working copy or present at `rev`, under the current
    directory, relative to it."""
    listed = _git(["ls-files", "-z"], cwd)
    at_rev = _git(["ls-tree", "-r", "-z", "--name-only", rev], cwd)
    names = set(listed.stdout.split(b"\0")) | set(at_rev.stdout.split(b"\0"))
    return sorted(
        name.decode("utf-8", "surrogateescape")
        for name in names
        if name and name.decode("utf-8", "surrogateescape").endswith(LEDGER_SUFFIXES)
    )


def _working_copy(path: str, cwd: Path | None) -> bytes | None:
    """A file's bytes in the working copy, or None when it is not there."""
    full = Path(path) if cwd is None else cwd / path
    if not full.exists():
        return None
    return read_inputs([str(full)])[0][1]


def _at_rev(rev: str, path: str, cwd: Path | None) -> bytes | None:
    """A file's bytes at `rev` (`git show REV:./path`), or None when it is not there."""
    shown = _git(["show", f"{rev}:./{path}"], cwd)
    return shown.stdout if shown.returncode == 0 else None


def compare_git(rev: str, files: list[str], *, cwd: Path | None = None) -> Comparison:
    """`gmsc diff --git REV [FILE...]`: the files at `rev` against their working copies.
    Without files, every tracked ledger file (see `is_ledger_text`). A file absent at
    `rev` is all added; one absent from the working copy is all removed."""
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    if top.returncode != 0:
        where = cwd if cwd is not None else Path.cwd()
        raise EnvironmentFailure(_("not a git repository: {path}").format(path=where))
    # A revision is never an option: `--git -x` must not reach git as one.
    if (
        rev.startswith("-")
        or _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd).returncode
    ):
        raise EnvironmentFailure(_("unknown revision '{rev}'").format(rev=rev))
    named = bool(files)
    compared: list[str] = []
    old_sources: list[tuple[str, bytes]] = []
    new_sources: list[tuple[str, bytes]] = []
    for path in files or _tracked(rev, cwd):
        after = _working_copy(path, cwd)
        before = _at_rev(rev, path, cwd)
        if named and after is None and before is None:
            raise EnvironmentFailure(
                _("cannot read {path}: not in the working copy nor at {rev}").format(
                    path=path, rev=rev
                )
            )
        if not named and not any(d is not None and is_ledger_text(d) for d in (before, after)):
            continue
        compared.append(path)
        if before is not None:
            old_sources.append((f"{rev}:{path}", before))
        if after is not None:
            new_sources.append((path, after))
    if not compared:
        raise EnvironmentFailure(
            _("no ledger files found in the repository"),
            hint=_("name them: gmsc diff --git REV FILE..."),
        )
    return Comparison(
        _side(", ".join(f"{rev}:{path}" for path in compared), old_sources),
        _side(", ".join(compared), new_sources),
    )


def append_text(path: str, text: str) -> None:
    """Append to a file (the GitHub step summary), or fail with one clear message."""
    try:
        with open(path, "a", encoding="utf-8") as file:
            file.write(text)
    except OSError as exc:
        raise EnvironmentFailure(
            _("cannot write {file}: {reason}").format(file=path, reason=exc.strerror or exc)
        ) from None
