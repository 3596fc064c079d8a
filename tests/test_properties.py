"""Properties of the loader and the checks: no input crashes them, every finding is
well-formed, and valid ledgers pass with the figures they were built with."""

from __future__ import annotations

import re

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import strategies as gs
from gmsc_cli.actions.validating import validate
from gmsc_cli.domain.arithmetic import compute
from gmsc_cli.domain.findings import Findings, Severity

KNOWN_CODES = {
    # the finding codes of the README
    "yaml-syntax",
    "duplicate-key",
    "unknown-field",
    "missing-field",
    "wrong-type",
    "alias-not-allowed",
    "code-not-string",
    "unknown-region",
    "ambiguous-region",
    "code-name-mismatch",
    "legacy-code",
    "duplicate-region",
    "duplicate-cohort",
    "over-declared",
    "repeats-mismatch",
    "incomplete-cohort",
    "published-mismatch",
    # the loader's own
    "empty-file",
    "invalid-encoding",
    "file-too-large",
    "nesting-too-deep",
    "unsupported-version",
    "out-of-range",
    "invalid-value",
}
"""The finding codes of the README: public API."""

LINE_BREAK = re.compile("[\n\r\x85\u2028\u2029]")
WARNINGS = {"legacy-code", "repeats-mismatch"}
INFOS = {"incomplete-cohort"}

FAST = settings(
    max_examples=200,
    deadline=None,
    # Generating nested data takes longer than Hypothesis expects of a strategy.
    suppress_health_check=[HealthCheck.too_slow],
)


def check_findings(findings: Findings, text: str | None = None) -> None:
    """Every finding has a known code, the severity of that code, and a position in the
    file (line and column from 1; within the text when it is text)."""
    # YAML also breaks lines at CR, NEL, U+2028 and U+2029.
    lines = re.split("\r\n|[\n\r\x85\u2028\u2029]", text) if text is not None else None
    for finding in findings:
        assert finding.code in KNOWN_CODES, finding
        expected = (
            Severity.WARNING
            if finding.code in WARNINGS
            else Severity.INFO
            if finding.code in INFOS
            else Severity.ERROR
        )
        assert finding.severity is expected, finding
        assert finding.pos.file == "x.yaml", finding
        assert finding.pos.line >= 1, finding
        assert finding.pos.column >= 1, finding
        # One finding is one line of text output, its hint one more.
        assert not LINE_BREAK.search(finding.message), finding
        assert not LINE_BREAK.search(finding.hint or ""), finding
        if lines is not None:
            # A parser may point just past the last line (the end of the stream).
            assert finding.pos.line <= len(lines) + 1, finding


def validate_text(text: str) -> Findings:
    """The findings of one file holding `text`."""
    _, findings = validate([("x.yaml", text.encode("utf-8"))])
    return findings


class TestNoInputCrashes:
    """The loader turns every input into findings; it never raises."""

    @FAST
    @given(gs.any_bytes)
    def test_any_bytes(self, data: bytes) -> None:
        """If a file holds arbitrary bytes, then validate returns well-formed findings."""
        _, findings = validate([("x.yaml", data)])
        check_findings(findings)

    @FAST
    @given(gs.any_text)
    def test_any_text(self, text: str) -> None:
        """If a file holds arbitrary text, then validate returns well-formed findings."""
        check_findings(validate_text(text), text)

    @FAST
    @given(gs.yamlish_text)
    def test_yamlish_text(self, text: str) -> None:
        """If a file is ledger-like fragments of YAML at random indents, then validate
        returns well-formed findings."""
        check_findings(validate_text(text), text)

    @FAST
    @given(gs.yaml_data)
    def test_any_yaml_data(self, data: object) -> None:
        """If a file is any YAML data (dumped by PyYAML), then validate returns well-formed
        findings, and a file that is not a mapping is an error."""
        text = gs.dump(data)
        findings = validate_text(text)
        check_findings(findings, text)
        if not isinstance(data, dict):
            assert findings.failed(), text

    @FAST
    @given(gs.ledger_shaped())
    def test_ledger_shaped_data(self, data: dict[str, object]) -> None:
        """If a file has the ledger's shape with values of any type, then validate returns
        well-formed findings."""
        text = gs.dump(data)
        check_findings(validate_text(text), text)

    @FAST
    @given(gs.valid_ledgers(), st.data())
    def test_mutated_ledger(self, ledger: gs.ValidLedger, data: st.DataObject) -> None:
        """If one character of a valid ledger file is deleted, replaced or inserted, then
        validate returns well-formed findings."""
        text = gs.dump(ledger.document)
        at = data.draw(st.integers(0, len(text)))
        piece = data.draw(st.sampled_from(["", " ", "\t", "-", ":", "'", '"', "[", "&a", "*a"]))
        mutated = text[:at] + piece + text[at + 1 :]
        check_findings(validate_text(mutated), mutated)


class TestValidLedgers:
    """Generated valid ledgers pass, with the figures they were built with."""

    @FAST
    @given(gs.valid_ledgers())
    def test_no_errors(self, ledger: gs.ValidLedger) -> None:
        """If a ledger is valid by construction, then validate finds no errors and no
        warnings (only incomplete-cohort infos)."""
        text = gs.dump(ledger.document)
        findings = validate_text(text)
        assert [f for f in findings if f.severity is not Severity.INFO] == [], text
        check_findings(findings, text)

    @FAST
    @given(gs.valid_ledgers())
    def test_figures(self, ledger: gs.ValidLedger) -> None:
        """If a ledger is valid by construction, then compute gives the running totals and
        repeats it was built with."""
        model, _ = validate([("x.yaml", gs.dump(ledger.document).encode())])
        rows = compute(model).cohorts
        assert [r.cumulative_declared for r in rows] == ledger.cumulative_declared
        assert [r.cumulative_identified for r in rows] == ledger.cumulative_identified
        assert [r.repeats for r in rows] == ledger.repeats

    @FAST
    @given(gs.valid_ledgers())
    def test_split_into_files(self, ledger: gs.ValidLedger) -> None:
        """If a valid ledger's cohorts are split over two files given together, then the
        result is the same ledger with the same findings."""
        whole = gs.dump(ledger.document)
        cohorts = ledger.document["cohorts"]
        half = len(cohorts) // 2
        first = {**ledger.document, "cohorts": cohorts[:half]}
        second = {"version": 1, "cohorts": cohorts[half:]}
        one, one_findings = validate([("x.yaml", whole.encode())])
        two, two_findings = validate(
            [("x.yaml", gs.dump(first).encode()), ("x.yaml", gs.dump(second).encode())]
        )
        assert compute(one) == compute(two)
        assert [f.code for f in one_findings] == [f.code for f in two_findings]

    @FAST
    @given(gs.valid_ledgers())
    def test_yaml_round_trip(self, ledger: gs.ValidLedger) -> None:
        """If a valid ledger is loaded, then its entries are the regions the document names
        (plain YAML reading and the strict loader agree on the data)."""
        text = gs.dump(ledger.document)
        assert yaml.safe_load(text) == ledger.document
        model, _ = validate([("x.yaml", text.encode())])
        assert sorted(c.year for c in model.cohorts) == sorted(
            c["year"] for c in ledger.document["cohorts"]
        )
        for cohort, written in zip(model.cohorts, ledger.document["cohorts"], strict=True):
            assert len(cohort.entries) == len(written["regions"])
