"""Tests of `gmsc validate` beyond one file's findings: several files, the store, size and
alias limits, --strict, the formats and the bundled dataset.

What one file makes `gmsc validate` report, at which position, is the corpus under
`tests/ledgers/` (run by test_corpus.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

import pytest

from conftest import BUNDLED, Result
from gmsc_cli.actions.validating import validate
from gmsc_cli.domain.findings import Findings
from gmsc_cli.domain.model import Cohort, Ledger
from gmsc_cli.format1 import reader as loader
from gmsc_cli.format1 import spec, yamltree

Run = Callable[..., Result]
Write = Callable[[str, str | bytes], Path]


def yaml_text(text: str) -> str:
    """A YAML file's text written indented inside a test (the first newline dropped)."""
    return dedent(text).lstrip("\n")


def summary(errors: int = 0, warnings: int = 0, infos: int = 0, files: int = 1) -> str:
    """The closing line `gmsc validate` writes to stderr."""

    def plural(n: int, word: str) -> str:
        return f"{n} {word}" if n == 1 else f"{n} {word}s"

    return (
        f"{plural(errors, 'error')}, {plural(warnings, 'warning')}, "
        f"{plural(infos, 'info')} in {plural(files, 'file')}\n"
    )


def report(path: Path, *findings: tuple[str, str | None]) -> str:
    """The expected text report: each (`line:col: severity[code] message`, hint) in order."""
    lines = []
    for located, hint in findings:
        lines.append(f"{path}:{located}")
        if hint is not None:
            lines.append(f"    hint: {hint}")
    return "\n".join(lines) + "\n"


def codes(result: Result) -> list[tuple[int, int, str, str]]:
    """(line, column, severity, code) of every finding of a `--format json` run."""
    document = json.loads(result.stdout)
    return [(f["line"], f["column"], f["severity"], f["code"]) for f in document["findings"]]


LAUGHS = [
    "version: 1",
    "cohorts:",
    '  - &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
    *(
        f"  - &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]"
        for prev, cur in zip("abcdefgh", "bcdefghi", strict=True)
    ),
]
"""A "billion laughs" ledger: expanded, its last list would hold 9**9 strings."""


class TestAliases:
    """Anchors and aliases are refused, and never expanded."""

    def test_billion_laughs_refused(self, run: Run, write: Write) -> None:
        """If a file is a "billion laughs" bomb, then validate reports alias-not-allowed at
        every anchor and alias (and wrong-type for each list used as a cohort), and exits 1."""
        path = write("laughs.yaml", "\n".join(LAUGHS) + "\n")
        result = run("validate", "--format", "json", str(path))
        assert result.exit_code == 1, result
        expected = []
        for line in range(3, 12):
            expected.append((line, 5, "error", "alias-not-allowed"))
            expected.append((line, 5, "error", "wrong-type"))
            if line > 3:
                expected.extend((line, 9 + 4 * i, "error", "alias-not-allowed") for i in range(9))
        assert codes(result) == expected
        assert json.loads(result.stdout)["summary"] == {"errors": 90, "warnings": 0, "infos": 0}

    def test_billion_laughs_not_expanded(self) -> None:
        """If a "billion laughs" bomb is loaded, then the tree holds one node per value
        written (93), not the expansion, and the ledger has no cohorts."""
        text = "\n".join(LAUGHS) + "\n"
        findings = Findings()
        root = yamltree.compose("laughs.yaml", text, findings)

        def count(node: loader.Node) -> int:
            if isinstance(node, yamltree.Mapping):
                return 1 + sum(count(value) for _, value in node.items.values())
            if isinstance(node, yamltree.Sequence):
                return 1 + sum(count(item) for item in node.items)
            return 1

        assert root is not None
        # root, version, the cohorts list, 9 lists, 9 "lol" and 72 refused aliases
        assert count(root) == 1 + 1 + 1 + 9 + 9 + 72
        ledger, all_findings = validate([("laughs.yaml", text.encode())])
        assert ledger.cohorts == ()
        assert {f.code for f in all_findings} == {"alias-not-allowed", "wrong-type"}


LEGACY = yaml_text("""
    version: 1
    cohorts:
      - year: 2019
        regions:
          - "91.09"
          - {code: "91.04", name: Kabupaten Nabire}
""")


class TestLegacyCode:
    """Pre-2022 Papua codes are accepted with a warning naming the current code."""

    def test_strict_fails(self, run: Run, write: Write) -> None:
        """If an entry uses an old code and --strict is given, then validate exits 1."""
        path = write("legacy.yaml", LEGACY)
        result = run("validate", "--strict", str(path))
        assert result.exit_code == 1, result
        assert result.stdout.count("warning[legacy-code]") == 2
        assert result.stderr == summary(warnings=2)

    def test_strict_json_not_valid(self, run: Run, write: Write) -> None:
        """If warnings are reported under --strict, then the JSON report says valid: false."""
        path = write("legacy.yaml", LEGACY)
        loose = json.loads(run("validate", "-f", "json", str(path)).stdout)
        strict = run("validate", "-f", "json", "--strict", str(path))
        assert strict.exit_code == 1, strict
        assert loose["valid"] is True
        assert json.loads(strict.stdout)["valid"] is False


class TestDuplicates:
    """A year twice in the ledger, across files or against the store."""

    def test_duplicate_cohort_across_files(self, run: Run, write: Write) -> None:
        """If two files given together each have a 2017 cohort, then validate reports
        duplicate-cohort in the second file, naming the first file, and exits 1."""
        first = write("a.yaml", "version: 1\ncohorts:\n  - year: 2017\n    regions: [Kota Batu]\n")
        second = write(
            "b.yaml", "version: 1\ncohorts:\n\n\n  - year: 2017\n    regions: [Kota Malang]\n"
        )
        result = run("validate", str(first), str(second))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            second,
            (
                "5:11: error[duplicate-cohort] cohort 2017 appears twice in the ledger",
                f"the first is at {first}:3:11",
            ),
        )
        assert result.stderr == summary(errors=1, files=2)

    def test_duplicate_of_stored_cohort(self) -> None:
        """If a file repeats a year the store already has, then duplicate-cohort says to
        merge the two (the store's cohort has no line to point at)."""
        base = Ledger(cohorts=(Cohort(2017),))
        text = b"version: 1\ncohorts:\n  - year: 2017\n    regions: [Kota Batu]\n"
        _, findings = validate([("new.yaml", text)], base=base)
        assert [(f.code, str(f.pos), f.hint) for f in findings] == [
            ("duplicate-cohort", "new.yaml:3:11", "merge the two into one cohort")
        ]


class TestFileLevel:
    """A file larger than the size limit is refused unread."""

    def test_file_too_large(self, run: Run, write: Write, monkeypatch: pytest.MonkeyPatch) -> None:
        """If a file is larger than the limit, then validate reports file-too-large at 1:1
        without reading it, and exits 1."""
        monkeypatch.setattr(loader, "MAX_FILE_BYTES", 100)
        path = write("big.yaml", "version: 1\ncohorts: []\n" + "# padding\n" * 10)
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "1:1: error[file-too-large] the file has 123 bytes; a ledger file may have at "
                "most 100",
                "split the ledger into several files (files given together form one ledger), "
                "or raise the limit with GMSC_MAX_FILE_MB",
            ),
        )


class TestFormats:
    """The text, JSON and GitHub reports."""

    MIXED = yaml_text("""
        version: 1
        cohorts:
          - year: 2019
            declared: 3
            regions:
              - "91.09"
              - Bogor
    """)

    def test_json_shape(self, run: Run, write: Write) -> None:
        """If --format json is given, then stdout is exactly the documented JSON document."""
        path = write("mixed.yaml", self.MIXED)
        result = run("validate", "--format", "json", str(path))
        assert result.exit_code == 1, result
        assert json.loads(result.stdout) == {
            "valid": False,
            "findings": [
                {
                    "file": str(path),
                    "line": 6,
                    "column": 7,
                    "severity": "info",
                    "code": "incomplete-cohort",
                    "message": "cohort 2019 names 1 of its 3 declared members (2 unlisted)",
                    "hint": None,
                },
                {
                    "file": str(path),
                    "line": 6,
                    "column": 9,
                    "severity": "warning",
                    "code": "legacy-code",
                    "message": "code 91.09 is the pre-2022 code of Kabupaten Mimika; its code "
                    "is now 94.04",
                    "hint": 'write "94.04"',
                },
                {
                    "file": str(path),
                    "line": 7,
                    "column": 9,
                    "severity": "error",
                    "code": "ambiguous-region",
                    "message": "'Bogor' is ambiguous: Kabupaten Bogor (32.01), Kota Bogor (32.71)",
                    "hint": "write the full name (Kabupaten …/Kota …) or the code",
                },
            ],
            "summary": {"errors": 1, "warnings": 1, "infos": 1},
        }
        assert result.stderr == summary(errors=1, warnings=1, infos=1)

    def test_json_valid(self, run: Run, write: Write) -> None:
        """If a file has no findings, then the JSON report is valid with no findings."""
        path = write("ok.yaml", "version: 1\ncohorts: [{year: 2017, regions: [Kota Batu]}]\n")
        result = run("validate", "--format", "json", str(path))
        assert result.exit_code == 0, result
        assert json.loads(result.stdout) == {
            "valid": True,
            "findings": [],
            "summary": {"errors": 0, "warnings": 0, "infos": 0},
        }

    def expected_github(self, path: Path) -> str:
        """The GitHub annotations of MIXED."""
        return (
            f"::notice file={path},line=6,col=7,title=incomplete-cohort::cohort 2019 names 1 "
            "of its 3 declared members (2 unlisted)\n"
            f"::warning file={path},line=6,col=9,title=legacy-code::code 91.09 is the "
            'pre-2022 code of Kabupaten Mimika; its code is now 94.04%0Awrite "94.04"\n'
            f"::error file={path},line=7,col=9,title=ambiguous-region::'Bogor' is ambiguous: "
            "Kabupaten Bogor (32.01), Kota Bogor (32.71)%0Awrite the full name "
            "(Kabupaten …/Kota …) or the code\n"
        )

    def test_github(self, run: Run, write: Write) -> None:
        """If --format github is given, then each finding is one workflow command line."""
        path = write("mixed.yaml", self.MIXED)
        result = run("validate", "--format", "github", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == self.expected_github(path)

    def test_github_by_default_in_actions(
        self, run: Run, write: Write, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If GITHUB_ACTIONS=true, then validate writes GitHub annotations by default."""
        monkeypatch.setenv("GITHUB_ACTIONS", "true")
        path = write("mixed.yaml", self.MIXED)
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == self.expected_github(path)

    def test_explicit_text_in_actions(
        self, run: Run, write: Write, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If GITHUB_ACTIONS=true and --format text is given, then the text report is used."""
        monkeypatch.setenv("GITHUB_ACTIONS", "true")
        path = write("mixed.yaml", self.MIXED)
        result = run("validate", "--format", "text", str(path))
        assert result.exit_code == 1, result
        assert result.stdout.splitlines()[0] == (
            f"{path}:6:7: info[incomplete-cohort] cohort 2019 names 1 of its 3 declared "
            "members (2 unlisted)"
        )

    def test_github_escapes_property_values(self, run: Run, write: Write) -> None:
        """If a file's path holds a comma, then the GitHub annotation escapes it as %2C."""
        path = write("a,b.yaml", "version: 2\ncohorts: []\n")
        result = run("validate", "--format", "github", str(path))
        assert result.exit_code == 1, result
        escaped = str(path).replace(",", "%2C")
        assert result.stdout == (
            f"::error file={escaped},line=1,col=10,title=unsupported-version::format version 2 "
            "is not one this gmsc reads%0Athis gmsc reads format 1; upgrade gmsc\n"
        )


class TestFiles:
    """Files that cannot be read are environment failures (exit 3)."""

    def test_not_found(self, run: Run, tmp_path: Path) -> None:
        """If a named file does not exist, then validate exits 3 with a message naming it."""
        missing = tmp_path / "nope.yaml"
        result = run("validate", str(missing))
        assert result.exit_code == 3, result
        assert result.stdout == ""
        assert (
            result.stderr == f"gmsc: cannot read {missing}: no such file\n  hint: check the path\n"
        )

    def test_directory(self, run: Run, tmp_path: Path) -> None:
        """If a directory is named, then validate exits 3 with a message naming it."""
        result = run("validate", str(tmp_path))
        assert result.exit_code == 3, result
        assert result.stderr == (
            f"gmsc: cannot read {tmp_path}: it is a directory\n  hint: name the YAML files in it\n"
        )

    def test_no_files_is_usage_error(self, run: Run) -> None:
        """If no file is named, then validate is a usage error (exit 2)."""
        result = run("validate")
        assert result.exit_code == 2, result
        assert "Missing argument" in result.stderr


class TestBundled:
    """The shipped dataset passes."""

    def test_bundled_dataset(self, run: Run) -> None:
        """If the bundled data/cohorts.yaml is validated, then it exits 0 and reports only
        the incomplete-cohort infos of 2018, 2021, 2022 and 2023 (the cohorts with slots no
        named participant fills), each at that cohort's regions list."""
        result = run("validate", "--format", "json", str(BUNDLED))
        assert result.exit_code == 0, result
        document = json.loads(result.stdout)
        assert document["valid"] is True
        assert {(f["severity"], f["code"]) for f in document["findings"]} == {
            ("info", "incomplete-cohort")
        }
        years = [int(re.match(r"cohort (\d+) ", f["message"])[1]) for f in document["findings"]]
        assert years == [2018, 2021, 2022, 2023]
        lines = BUNDLED.read_text(encoding="utf-8").splitlines()
        for finding in document["findings"]:
            assert finding["file"] == str(BUNDLED)
            # The regions list starts here: the line before is the cohort's `regions:` key.
            assert lines[finding["line"] - 1][finding["column"] - 1 :].startswith("- ")
            assert lines[finding["line"] - 2].strip() == "regions:"
        assert document["summary"] == {"errors": 0, "warnings": 0, "infos": 4}


class TestNumbersAndHiddenText:
    """A flood of aliases stops the reading."""

    def test_alias_flood_stops_reading(self, run: Run, write: Write) -> None:
        """If a file holds more than a thousand aliases, then validate reports the first
        thousand and one closing alias-not-allowed, and reads no further."""
        aliases = ", ".join(["*a"] * 5_000)
        path = write("flood.yaml", f"version: 1\ncohorts: [{{year: &a 2023}}, {aliases}]\n")
        result = run("validate", "--format", "json", str(path))
        assert result.exit_code == 1, result
        findings = json.loads(result.stdout)["findings"]
        assert len(findings) == 1 + spec.MAX_REFUSED_ALIASES + 1
        assert findings[-1]["message"] == (
            "more than 1000 aliases: the rest of the file was not read"
        )
