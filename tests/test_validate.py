"""Tests of `gmsc validate`: every finding code at its exact position, the formats, the exits."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

import pytest

from conftest import BUNDLED, Result
from gmsc_cli.domain.checks import validate
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


class TestYamlSyntax:
    """Text that is not YAML is reported where the parser stopped."""

    def test_broken_indentation(self, run: Run, write: Write) -> None:
        """If a key is indented less than its siblings, then validate reports yaml-syntax at it
        and exits 1."""
        path = write(
            "bad.yaml",
            yaml_text("""
                version: 1
                cohorts:
                  - year: 2017
                   declared: 3
            """),
        )
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "4:4: error[yaml-syntax] YAML syntax: did not find expected '-' indicator",
                "check the indentation and that every bracket and quote is closed",
            ),
        )
        assert result.stderr == summary(errors=1)

    def test_unclosed_bracket(self, run: Run, write: Write) -> None:
        """If a flow mapping is never closed, then validate reports yaml-syntax where the
        text ends and exits 1."""
        path = write("bad.yaml", "version: 1\ncohorts: [{year: 2017, regions: [Kota Batu]\n")
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "3:1: error[yaml-syntax] YAML syntax: did not find expected ',' or '}'",
                "check the indentation and that every bracket and quote is closed",
            ),
        )

    def test_tab_indentation(self, run: Run, write: Write) -> None:
        """If a line is indented with a tab, then validate reports yaml-syntax at it with the
        hint to indent with spaces, and exits 1."""
        path = write("bad.yaml", "version: 1\ncohorts:\n\t- year: 2017\n")
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "3:1: error[yaml-syntax] YAML syntax: found character that cannot start any token",
                "indent with spaces, not tabs",
            ),
        )

    def test_control_character(self, run: Run, write: Write) -> None:
        """If a value holds a raw NUL after non-ASCII letters, then validate reports yaml-syntax
        at the NUL's own line and column (in characters), on one line, and exits 1."""
        path = write("bad.yaml", 'version: 1\ncohorts:\n  - year: 2017\n    title: "éé\x00"\n')
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "4:15: error[yaml-syntax] YAML syntax: unacceptable character #x0000: "
                "control characters are not allowed",
                "remove control characters, or write them as escapes in double quotes",
            ),
        )

    def test_second_document(self, run: Run, write: Write) -> None:
        """If a file holds a second YAML document, then validate reports yaml-syntax at its
        '---' and exits 1."""
        path = write("bad.yaml", "version: 1\ncohorts: []\n---\nversion: 1\n")
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "3:1: error[yaml-syntax] a ledger file holds one YAML document; this is a "
                "second one",
                "split the documents into separate files, or remove the '---'",
            ),
        )


class TestDuplicateKey:
    """A key written twice in one mapping is an error at the second."""

    def test_duplicate_key(self, run: Run, write: Write) -> None:
        """If a cohort writes 'declared' twice, then validate reports duplicate-key at the
        second and exits 1."""
        path = write(
            "dup.yaml",
            yaml_text("""
                version: 1
                cohorts:
                  - year: 2017
                    declared: 3
                    declared: 4
                    regions: [Kota Batu]
            """),
        )
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "5:5: error[duplicate-key] key 'declared' appears twice in this mapping",
                "the first is at line 4; keep one",
            ),
            (
                "6:14: info[incomplete-cohort] cohort 2017 names 1 of its 3 declared members "
                "(2 unlisted)",
                None,
            ),
        )
        assert result.stderr == summary(errors=1, infos=1)


class TestUnknownField:
    """Unknown keys are errors with a suggestion."""

    def test_misspelt_year(self, run: Run, write: Write) -> None:
        """If a cohort has the key 'yaer', then validate reports unknown-field at it with the
        suggestion 'year', and exits 1."""
        path = write(
            "typo.yaml",
            yaml_text("""
                version: 1
                cohorts:
                  - yaer: 2017
                    regions: [Kota Batu]
            """),
        )
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            ("3:5: error[unknown-field] unknown key 'yaer' in a cohort", "did you mean 'year'?"),
            ("3:5: error[missing-field] a cohort has no 'year'", "add 'year:'"),
        )

    def test_unrelated_key_lists_allowed(self, run: Run, write: Write) -> None:
        """If the ledger has a key like nothing allowed, then validate lists the allowed keys."""
        path = write("x.yaml", "version: 1\nzzz: 1\ncohorts: []\n")
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "2:1: error[unknown-field] unknown key 'zzz' in the ledger",
                "allowed: version, programme, published, cohorts",
            ),
        )

    def test_key_with_line_break(self, run: Run, write: Write) -> None:
        """If a key holds a line break, then unknown-field shows it escaped, so the finding
        stays on one line."""
        path = write("x.yaml", 'version: 1\n"a\\nb": 1\ncohorts: []\n')
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "2:1: error[unknown-field] unknown key 'a\\nb' in the ledger",
                "allowed: version, programme, published, cohorts",
            ),
        )


class TestMissingField:
    """Required keys that are absent are errors at the mapping that lacks them."""

    def test_missing_version_year_and_code(self, run: Run, write: Write) -> None:
        """If the ledger lacks 'version', a cohort 'year' and an entry both 'code' and 'name',
        then validate reports missing-field at each mapping and exits 1."""
        path = write(
            "missing.yaml",
            yaml_text("""
                cohorts:
                  - declared: 3
                    regions: [{status: probable}]
            """),
        )
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            ("1:1: error[missing-field] the ledger has no 'version'", "add 'version:'"),
            ("2:5: error[missing-field] a cohort has no 'year'", "add 'year:'"),
            (
                "3:15: error[missing-field] a region entry needs a 'code' or a 'name'",
                "add 'code: \"NN.NN\"' (the Kemendagri code) or 'name:'",
            ),
        )

    def test_missing_cohorts(self, run: Run, write: Write) -> None:
        """If the ledger has no 'cohorts', then validate reports missing-field at 1:1."""
        path = write("missing.yaml", "version: 1\n")
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path, ("1:1: error[missing-field] the ledger has no 'cohorts'", "add 'cohorts:'")
        )


class TestWrongType:
    """Values of the wrong YAML type are errors at the value."""

    def test_wrong_types(self, run: Run, write: Write) -> None:
        """If version is quoted, declared is a boolean, sources a string and regions a string,
        then validate reports wrong-type at each value with a hint where one helps."""
        path = write(
            "types.yaml",
            yaml_text("""
                version: "1"
                cohorts:
                  - year: 2017
                    declared: yes
                    sources: http://x
                    regions: Kota Batu
            """),
        )
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "1:10: error[wrong-type] version must be a whole number, not the text '1'",
                "write the number without quotes",
            ),
            (
                "4:15: error[wrong-type] declared must be a whole number, not the boolean 'yes' "
                "(YAML reads yes/no/on/off/true/false as booleans)",
                None,
            ),
            (
                "5:14: error[wrong-type] sources must be a list of texts, not the text 'http://x'",
                'write it as a list: ["http://x"]',
            ),
            (
                "6:14: error[wrong-type] regions must be a list of regions, not the text "
                "'Kota Batu'",
                None,
            ),
        )
        assert result.stderr == summary(errors=4)

    def test_top_level_list(self, run: Run, write: Write) -> None:
        """If the file is a list, then validate reports wrong-type at 1:1 and exits 1."""
        path = write("list.yaml", "- 1\n")
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "1:1: error[wrong-type] the top level must be a mapping with 'version' and "
                "'cohorts', not a list",
                "see the data format in the README",
            ),
        )

    def test_foreign_tag(self, run: Run, write: Write) -> None:
        """If a value carries a YAML tag such as !!binary, then validate reports wrong-type at
        it and exits 1."""
        path = write("tag.yaml", "version: 1\ncohorts:\n  - year: 2017\n    title: !!binary aGk=\n")
        result = run("validate", "--format", "json", str(path))
        assert result.exit_code == 1, result
        assert codes(result) == [(4, 12, "error", "wrong-type"), (4, 12, "error", "wrong-type")]
        first = json.loads(result.stdout)["findings"][0]
        assert first["message"] == (
            "YAML tag 'tag:yaml.org,2002:binary' is not allowed in a ledger file"
        )

    @pytest.mark.parametrize(
        ("value", "column", "tag"),
        [
            ("declared: !!int abc", 15, "int"),
            ("declared: !!float x", 15, "float"),
            ("mou_date: !!timestamp foo", 15, "timestamp"),
            ("title: !!bool maybe", 12, "bool"),
        ],
    )
    def test_tag_that_does_not_fit(
        self, run: Run, write: Write, value: str, column: int, tag: str
    ) -> None:
        """If a scalar's explicit tag cannot read its text (!!int abc), then validate reports
        wrong-type at it and exits 1, not an internal error."""
        path = write("tag.yaml", f"version: 1\ncohorts:\n  - year: 2017\n    {value}\n")
        result = run("validate", "--format", "json", str(path))
        assert result.exit_code == 1, result
        assert codes(result)[0] == (4, column, "error", "wrong-type")
        text = value.split()[-1]
        assert json.loads(result.stdout)["findings"][0]["message"] == (
            f"'{text}' does not fit its YAML tag 'tag:yaml.org,2002:{tag}'"
        )

    def test_impossible_date(self, run: Run, write: Write) -> None:
        """If mou_date is 2021-02-30 (a date that does not exist), then validate reports
        wrong-type at it and exits 1, not an internal error."""
        path = write(
            "date.yaml", "version: 1\ncohorts:\n  - year: 2017\n    mou_date: 2021-02-30\n"
        )
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "4:15: error[wrong-type] mou_date must be a date written as YYYY-MM-DD, not the "
                "text '2021-02-30'",
                None,
            ),
        )


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

    def test_anchor_and_alias(self, run: Run, write: Write) -> None:
        """If a cohort is an anchor and another its alias, then validate reports
        alias-not-allowed at both and exits 1."""
        path = write(
            "alias.yaml",
            yaml_text("""
                version: 1
                cohorts:
                  - &c {year: 2017, regions: [Kota Batu]}
                  - *c
            """),
        )
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "3:5: error[alias-not-allowed] anchor '&c' is not allowed in a ledger file",
                "write each value out in full",
            ),
            (
                "4:5: error[alias-not-allowed] alias '*c' is not allowed in a ledger file",
                "write each value out in full",
            ),
        )
        assert result.stderr == summary(errors=2)

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


class TestCodeNotString:
    """Codes YAML reads as numbers are refused with the quoted form as hint."""

    def test_unquoted_code(self, run: Run, write: Write) -> None:
        """If an entry has `code: 73.10` unquoted, then validate reports code-not-string at
        the value with the hint `quote it: "73.10"`, and exits 1."""
        path = write(
            "code.yaml",
            yaml_text("""
                version: 1
                cohorts:
                  - year: 2017
                    regions:
                      - code: 73.10
                        name: Kota Palopo
            """),
        )
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "5:15: error[code-not-string] the code 73.10 is read by YAML as the number 73.1",
                'quote it: "73.10"',
            ),
        )

    def test_bare_number_entry(self, run: Run, write: Write) -> None:
        """If a region list holds the bare number 7322, then validate reports code-not-string
        at it and exits 1."""
        path = write("code.yaml", "version: 1\ncohorts:\n  - year: 2017\n    regions: [7322]\n")
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "4:15: error[code-not-string] the code 7322 is read by YAML as the number 7322",
                'quote it: "7322"',
            ),
        )


class TestRegions:
    """Names and codes resolve to one official region, or are errors with help."""

    def test_unknown_region(self, run: Run, write: Write) -> None:
        """If a name is misspelt (Kabupaten Luwu Utaraa), then validate reports unknown-region
        at it with "did you mean Kabupaten Luwu Utara (73.22)" first, and exits 1."""
        path = write(
            "r.yaml",
            "version: 1\ncohorts:\n  - year: 2022\n    regions:\n      - Kabupaten Luwu Utaraa\n",
        )
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "5:9: error[unknown-region] no kabupaten/kota has the name 'Kabupaten Luwu Utaraa'",
                "did you mean Kabupaten Luwu Utara (73.22) or Kabupaten Luwu (73.17) or "
                "Kabupaten Luwu Timur (73.24)?",
            ),
        )

    def test_unknown_code(self, run: Run, write: Write) -> None:
        """If an entry has a code no region has (99.99), then validate reports unknown-region."""
        path = write(
            "r.yaml", 'version: 1\ncohorts:\n  - year: 2022\n    regions: [{code: "99.99"}]\n'
        )
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path, ("4:22: error[unknown-region] no kabupaten/kota has the code '99.99'", None)
        )

    def test_ambiguous_region(self, run: Run, write: Write) -> None:
        """If a bare name is both a kabupaten and a kota (Bogor), then validate reports
        ambiguous-region listing both with codes, and exits 1."""
        path = write(
            "r.yaml", "version: 1\ncohorts:\n  - year: 2017\n    regions:\n      - Bogor\n"
        )
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "5:9: error[ambiguous-region] 'Bogor' is ambiguous: Kabupaten Bogor (32.01), "
                "Kota Bogor (32.71)",
                "write the full name (Kabupaten …/Kota …) or the code",
            ),
        )

    def test_code_name_mismatch(self, run: Run, write: Write) -> None:
        """If an entry's code and name are different regions, then validate reports
        code-name-mismatch at the name, naming both, and exits 1."""
        path = write(
            "r.yaml",
            yaml_text("""
                version: 1
                cohorts:
                  - year: 2017
                    regions:
                      - code: "73.22"
                        name: Kota Palopo
            """),
        )
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "6:15: error[code-name-mismatch] code 73.22 is Kabupaten Luwu Utara, but the "
                "name says Kota Palopo (73.73)",
                "correct the code or the name",
            ),
        )

    def test_invalid_code_shape(self, run: Run, write: Write) -> None:
        """If a code is not NN.NN (7x), then validate reports invalid-value at it."""
        path = write(
            "r.yaml", 'version: 1\ncohorts:\n  - year: 2017\n    regions: [{code: "7x"}]\n'
        )
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "4:22: error[invalid-value] code '7x' is not a Kemendagri kabupaten/kota code",
                'write it as two digits, a dot and two digits, such as "73.22"',
            ),
        )


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

    def test_warning_passes(self, run: Run, write: Write) -> None:
        """If an entry uses the old code 91.09, then validate warns legacy-code naming 94.04
        and exits 0."""
        path = write("legacy.yaml", LEGACY)
        result = run("validate", str(path))
        assert result.exit_code == 0, result
        assert result.stdout == report(
            path,
            (
                "5:9: warning[legacy-code] code 91.09 is the pre-2022 code of Kabupaten Mimika; "
                "its code is now 94.04",
                'write "94.04"',
            ),
            (
                "6:16: warning[legacy-code] code 91.04 is the pre-2022 code of Kabupaten "
                "Nabire; its code is now 94.01",
                'write "94.01"',
            ),
        )
        assert result.stderr == summary(warnings=2)

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
    """A region twice in one cohort, a year twice in the ledger."""

    def test_duplicate_region(self, run: Run, write: Write) -> None:
        """If a cohort lists a region twice (in two spellings), then validate reports
        duplicate-region at the second entry and exits 1."""
        path = write(
            "dup.yaml",
            yaml_text("""
                version: 1
                cohorts:
                  - year: 2017
                    regions:
                      - Kota Batu
                      - Kota Malang
                      - "35.79"
            """),
        )
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "7:9: error[duplicate-region] Kota Batu (35.79) is listed twice in cohort 2017",
                "the first is at line 5; keep one",
            ),
        )

    def test_duplicate_cohort(self, run: Run, write: Write) -> None:
        """If a ledger has two cohorts of one year, then validate reports duplicate-cohort at
        the second year and exits 1."""
        path = write(
            "dup.yaml",
            yaml_text("""
                version: 1
                cohorts:
                  - year: 2017
                    regions: [Kota Batu]
                  - year: 2017
                    regions: [Kota Malang]
            """),
        )
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "5:11: error[duplicate-cohort] cohort 2017 appears twice in the ledger",
                "the first is at line 3",
            ),
        )

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

    def test_checks_of_duplicated_year_point_at_first(self, run: Run, write: Write) -> None:
        """If a duplicated year's first cohort is over-declared, then over-declared points at
        the first cohort's 'declared' (the one counted), not the second's."""
        path = write(
            "dup.yaml",
            yaml_text("""
                version: 1
                cohorts:
                  - year: 2017
                    declared: 1
                    regions: [Kota Batu, Kota Malang]
                  - year: 2017
                    declared: 5
                    regions: [Kota Blitar]
            """),
        )
        result = run("validate", "-f", "json", str(path))
        assert result.exit_code == 1, result
        assert codes(result) == [
            (4, 15, "error", "over-declared"),
            (6, 11, "error", "duplicate-cohort"),
        ]


class TestArithmeticChecks:
    """Checks of the declared figures against the lists and the published totals."""

    def test_over_declared(self, run: Run, write: Write) -> None:
        """If a cohort lists more regions than it declares, then validate reports
        over-declared at 'declared' and exits 1."""
        path = write(
            "over.yaml",
            yaml_text("""
                version: 1
                cohorts:
                  - year: 2017
                    declared: 1
                    regions: [Kota Batu, Kota Malang]
            """),
        )
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "4:15: error[over-declared] cohort 2017 lists 2 regions but declares 1",
                "correct 'declared', or mark entries that did not take part as disputed",
            ),
        )

    def test_disputed_not_listed(self, run: Run, write: Write) -> None:
        """If the extra entry of a cohort is disputed, then it is not over-declared."""
        path = write(
            "ok.yaml",
            yaml_text("""
                version: 1
                cohorts:
                  - year: 2017
                    declared: 1
                    regions: [Kota Batu, {name: Kota Malang, status: disputed}]
            """),
        )
        result = run("validate", str(path))
        assert result.exit_code == 0, result
        assert result.stdout == ""
        assert result.stderr == summary()

    def test_more_repeats_than_declared(self, run: Run, write: Write) -> None:
        """If a cohort's list has repeats of earlier cohorts beyond declared_repeats, then
        validate reports repeats-mismatch at declared_repeats naming them, and exits 1."""
        path = write(
            "rep.yaml",
            yaml_text("""
                version: 1
                cohorts:
                  - year: 2017
                    declared: 2
                    regions: [Kota Batu, Kota Malang]
                  - year: 2018
                    declared: 3
                    declared_repeats: 1
                    regions: [Kota Batu, Kota Malang, Kota Blitar]
            """),
        )
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "8:23: error[repeats-mismatch] cohort 2018 declares 1 repeat participants but "
                "its list has 2 (35.73, 35.79)",
                "check 'declared_repeats' and the statuses of earlier cohorts",
            ),
        )

    def test_repeats_without_declared_repeats(self, run: Run, write: Write) -> None:
        """If a cohort without declared_repeats repeats a region, then repeats-mismatch points
        at the cohort itself."""
        path = write(
            "rep.yaml",
            yaml_text("""
                version: 1
                cohorts:
                  - year: 2017
                    regions: [Kota Batu]
                  - year: 2018
                    regions: [Kota Batu]
            """),
        )
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "5:5: error[repeats-mismatch] cohort 2018 declares 0 repeat participants but "
                "its list has 1 (35.79)",
                "check 'declared_repeats' and the statuses of earlier cohorts",
            ),
        )

    def test_fewer_repeats_when_fully_listed(self, run: Run, write: Write) -> None:
        """If a fully listed cohort has fewer repeats than declared_repeats, then validate
        reports repeats-mismatch (naming none) and exits 1."""
        path = write(
            "rep.yaml",
            yaml_text("""
                version: 1
                cohorts:
                  - year: 2017
                    declared: 1
                    regions: [Kota Batu]
                  - year: 2018
                    declared: 2
                    declared_repeats: 1
                    regions: [Kota Malang, Kota Blitar]
            """),
        )
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "8:23: error[repeats-mismatch] cohort 2018 declares 1 repeat participants but "
                "its list has 0 (none)",
                "check 'declared_repeats' and the statuses of earlier cohorts",
            ),
        )

    def test_fewer_repeats_when_incomplete_is_fine(self, run: Run, write: Write) -> None:
        """If a cohort is not fully listed, then fewer identified repeats than declared is
        only incomplete-cohort (info), exit 0: the repeats may be among the unlisted."""
        path = write(
            "rep.yaml",
            yaml_text("""
                version: 1
                cohorts:
                  - year: 2017
                    declared: 1
                    regions: [Kota Batu]
                  - year: 2018
                    declared: 3
                    declared_repeats: 1
                    regions: [Kota Malang, Kota Blitar]
            """),
        )
        result = run("validate", str(path))
        assert result.exit_code == 0, result
        assert result.stdout == report(
            path,
            (
                "9:14: info[incomplete-cohort] cohort 2018 names 2 of its 3 declared members "
                "(1 unlisted)",
                None,
            ),
        )
        assert result.stderr == summary(infos=1)

    def test_incomplete_cohort(self, run: Run, write: Write) -> None:
        """If a cohort names fewer regions than declared, then validate reports
        incomplete-cohort (info) at its regions and exits 0."""
        path = write(
            "inc.yaml",
            yaml_text("""
                version: 1
                cohorts:
                  - year: 2017
                    declared: 25
                    regions:
                      - Kota Batu
                      - {name: Kota Malang, status: withdrawn}
                      - {name: Kota Blitar, status: disputed}
            """),
        )
        result = run("validate", str(path))
        assert result.exit_code == 0, result
        assert result.stdout == report(
            path,
            (
                "6:7: info[incomplete-cohort] cohort 2017 names 2 of its 25 declared members "
                "(23 unlisted)",
                None,
            ),
        )
        assert result.stderr == summary(infos=1)

    def test_published_mismatch(self, run: Run, write: Write) -> None:
        """If a published total differs from the cohorts' declared arithmetic, then validate
        reports published-mismatch at its 'unique' and exits 1; a matching one is silent."""
        path = write(
            "pub.yaml",
            yaml_text("""
                version: 1
                published:
                  - {through: 2017, unique: 1}
                  - {through: 2018, unique: 3, source: press release}
                cohorts:
                  - year: 2017
                    declared: 1
                    regions: [Kota Batu]
                  - year: 2018
                    declared: 2
                    declared_repeats: 1
                    regions: [Kota Batu, Kota Malang]
            """),
        )
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "4:29: error[published-mismatch] the published total through 2018 is 3, but "
                "the cohorts' declared figures add up to 2",
                "check the cohorts' 'declared' and 'declared_repeats', or the published figure",
            ),
        )


class TestFileLevel:
    """Problems with a file as a whole: empty, not UTF-8, too large, too deep, wrong version."""

    @pytest.mark.parametrize("content", [b"", b"# only a comment\n", b"\xef\xbb\xbf", b"---\n"])
    def test_empty_file(self, run: Run, write: Write, content: bytes) -> None:
        """If a file is empty (or only a comment, a BOM, a '---'), then validate reports
        empty-file at 1:1 and exits 1."""
        path = write("empty.yaml", content)
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "1:1: error[empty-file] the file holds no ledger (it is empty or only comments)",
                "start it with 'version: 1' and a 'cohorts:' list",
            ),
        )

    def test_invalid_encoding(self, run: Run, write: Write) -> None:
        """If a file has a byte that is not UTF-8, then validate reports invalid-encoding at
        that byte's line and column, and exits 1."""
        path = write("latin1.yaml", "version: 1\ntitle: Café\n".encode("latin-1"))
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "2:11: error[invalid-encoding] the file is not UTF-8 text (byte 0xe9 at offset 21)",
                "save the file as UTF-8",
            ),
        )

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
                "split the ledger into several files (files given together form one ledger)",
            ),
        )

    def test_nesting_too_deep(self, run: Run, write: Write) -> None:
        """If a file nests 60 lists deep, then validate reports nesting-too-deep at the 50th
        bracket (the 51st level, counting the top mapping) and exits 1."""
        path = write("deep.yaml", "version: 1\ncohorts: " + "[" * 60 + "]" * 60 + "\n")
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "2:59: error[nesting-too-deep] the data nests more than 50 levels deep",
                "a ledger nests five levels at most: cohorts, a cohort, regions, an entry, sources",
            ),
        )

    def test_unsupported_version(self, run: Run, write: Write) -> None:
        """If a file says version 2, then validate reports unsupported-version at it."""
        path = write("v2.yaml", "version: 2\ncohorts: []\n")
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "1:10: error[unsupported-version] format version 2 is not one this gmsc reads",
                "this gmsc reads format 1; upgrade gmsc",
            ),
        )


class TestValues:
    """Values of the right type but outside what the format allows."""

    def test_out_of_range(self, run: Run, write: Write) -> None:
        """If a year is before 2017, declared exceeds the regions there are, or
        declared_repeats exceeds declared, then validate reports out-of-range at each."""
        path = write(
            "range.yaml",
            yaml_text("""
                version: 1
                cohorts:
                  - year: 2016
                  - year: 2018
                    declared: 600
                  - year: 2019
                    declared: 2
                    declared_repeats: 3
            """),
        )
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            ("3:11: error[out-of-range] year is 2016, outside 2017..2999", None),
            ("5:15: error[out-of-range] declared is 600, outside 0..514", None),
            (
                "6:5: info[incomplete-cohort] cohort 2019 names 0 of its 2 declared members "
                "(2 unlisted)",
                None,
            ),
            ("8:23: error[out-of-range] declared_repeats is 3, outside 0..2", None),
        )

    def test_invalid_values(self, run: Run, write: Write) -> None:
        """If a status is not a known one, a title is blank, or a note holds a control
        character, then validate reports invalid-value at each."""
        path = write(
            "values.yaml",
            yaml_text("""
                version: 1
                cohorts:
                  - year: 2017
                    title: " "
                    regions:
                      - {name: Kota Batu, status: confirmd}
                      - {name: Kota Malang, note: "a\\x01b"}
                      - {name: Kota Blitar, status: maybe}
            """),
        )
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            ("4:12: error[invalid-value] title is blank", None),
            (
                "6:35: error[invalid-value] status 'confirmd' is not one of confirmed, "
                "probable, disputed, withdrawn",
                "did you mean 'confirmed'?",
            ),
            ("7:35: error[invalid-value] note contains control characters", "remove them"),
            (
                "8:37: error[invalid-value] status 'maybe' is not one of confirmed, probable, "
                "disputed, withdrawn",
                None,
            ),
        )

    def test_text_too_long(self, run: Run, write: Write) -> None:
        """If a note is longer than 10,000 characters, then validate reports invalid-value."""
        path = write(
            "long.yaml",
            "version: 1\ncohorts:\n  - year: 2017\n    title: " + "x" * 10_001 + "\n",
        )
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert result.stdout == report(
            path,
            (
                "4:12: error[invalid-value] title is 10,001 characters long; at most 10,000 "
                "are allowed",
                None,
            ),
        )


MANY_MISTAKES = yaml_text("""
    version: 1
    version: 1
    cohorts:
      - year: 2017
        yaer: 2018
        declared: 2
        regions:
          - code: 73.10
          - Kabupaten Luwu Utaraa
          - Bogor
          - {code: "73.22", name: Kota Palopo}
          - "91.09"
          - Kota Batu
          - kota batu
          - Kota Malang
          - Kota Blitar
      - year: 2017
        declared: true
""")


class TestManyMistakes:
    """One run reports every finding, not only the first."""

    def test_all_reported(self, run: Run, write: Write) -> None:
        """If one file has a dozen different mistakes, then one validate run reports every
        one of them in line order and exits 1."""
        path = write("many.yaml", MANY_MISTAKES)
        result = run("validate", "--format", "json", str(path))
        assert result.exit_code == 1, result
        assert codes(result) == [
            (2, 1, "error", "duplicate-key"),
            (5, 5, "error", "unknown-field"),
            (6, 15, "error", "over-declared"),
            (8, 15, "error", "code-not-string"),
            (9, 9, "error", "unknown-region"),
            (10, 9, "error", "ambiguous-region"),
            (11, 31, "error", "code-name-mismatch"),
            (12, 9, "warning", "legacy-code"),
            (14, 9, "error", "duplicate-region"),
            (17, 11, "error", "duplicate-cohort"),
            (18, 15, "error", "wrong-type"),
        ]
        assert json.loads(result.stdout)["summary"] == {"errors": 10, "warnings": 1, "infos": 0}
        assert result.stderr == summary(errors=10, warnings=1)


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
        the incomplete-cohort infos of 2021 and 2022, each at that cohort's regions list."""
        result = run("validate", "--format", "json", str(BUNDLED))
        assert result.exit_code == 0, result
        document = json.loads(result.stdout)
        assert document["valid"] is True
        assert {(f["severity"], f["code"]) for f in document["findings"]} == {
            ("info", "incomplete-cohort")
        }
        years = [int(re.match(r"cohort (\d+) ", f["message"])[1]) for f in document["findings"]]
        assert years == [2021, 2022]
        lines = BUNDLED.read_text(encoding="utf-8").splitlines()
        for finding in document["findings"]:
            assert finding["file"] == str(BUNDLED)
            # The regions list starts here: the line before is the cohort's `regions:` key.
            assert lines[finding["line"] - 1][finding["column"] - 1 :].startswith("- ")
            assert lines[finding["line"] - 2].strip() == "regions:"
        assert document["summary"] == {"errors": 0, "warnings": 0, "infos": 2}


class TestNumbersAndHiddenText:
    """YAML 1.1's surprising number forms, alias floods and invisible characters."""

    def test_yaml_11_number_forms_are_refused(self, run: Run, write: Write) -> None:
        """If a year or a count is written in hexadecimal, sexagesimal or with a leading
        zero (0x7E7, 1:30, 010), then validate reports invalid-value naming what YAML read,
        instead of silently taking 2023, 90 or 8."""
        path = write(
            "numbers.yaml",
            yaml_text("""
                version: 1
                cohorts:
                  - year: 0x7E7
                    declared: 010
                  - year: 2018
                    declared: 1:30
            """),
        )
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        hint = "write whole numbers in plain decimal digits, without leading zeros"
        assert result.stdout == report(
            path,
            ("3:11: error[invalid-value] year is written '0x7E7', which YAML reads as 2023", hint),
            ("4:15: error[invalid-value] declared is written '010', which YAML reads as 8", hint),
            ("6:15: error[invalid-value] declared is written '1:30', which YAML reads as 90", hint),
        )

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

    def test_invisible_characters_are_shown_escaped(self, run: Run, write: Write) -> None:
        """If a name holds a right-to-left override or a zero-width space, then the message
        shows it escaped, so the terminal cannot reorder or hide the text."""
        path = write(
            "hidden.yaml",
            yaml_text("""
                version: 1
                cohorts:
                  - year: 2017
                    regions:
                      - "Kota \\u202eutaB"
            """),
        )
        result = run("validate", str(path))
        assert result.exit_code == 1, result
        assert "\u202e" not in result.stdout
        assert "Kota \\u202eutaB" in result.stdout
