"""The ledger corpus: every file of `tests/ledgers/` with the findings its manifest lists,
checked in-process (load + check) and through `gmsc validate`; and the agreement of the
JSON Schema with the loader over this corpus and the hostile one."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from conftest import Result
from gmsc_cli.domain.checks import check
from gmsc_cli.domain.findings import Finding, Findings
from gmsc_cli.domain.regions import reference
from gmsc_cli.format1.jsonschema import schema
from gmsc_cli.format1.reader import load_all
from hostile_corpus import CASES as HOSTILE_CASES

Run = Callable[..., Result]

LEDGERS = Path(__file__).resolve().parent / "ledgers"
MANIFEST: list[dict[str, Any]] = yaml.safe_load((LEDGERS / "manifest.yaml").read_text("utf-8"))


@dataclass(frozen=True, slots=True)
class Entry:
    """One file of the corpus and what `gmsc validate` must say about it."""

    file: str
    why: str
    exit_code: int
    findings: tuple[tuple[str, str | None], ...]
    """(`line:col: severity[code] message`, hint) in report order."""

    @property
    def path(self) -> Path:
        """Where the file is."""
        return LEDGERS / self.file

    @property
    def codes(self) -> set[str]:
        """The finding codes expected."""
        return {text.split("[", 1)[1].split("]", 1)[0] for text, _ in self.findings}


ENTRIES = [
    Entry(
        row["file"],
        row["why"],
        row["exit"],
        tuple((f["finding"], f.get("hint")) for f in row["findings"]),
    )
    for row in MANIFEST
]


def _as_text(finding: Finding) -> tuple[str, str | None]:
    """A finding as the manifest writes it."""
    pos = finding.pos
    located = f"{pos.line}:{pos.column}: {finding.severity}[{finding.code}] {finding.message}"
    return located, finding.hint


def _load_and_check(name: str, data: bytes) -> Findings:
    """The findings of one file, loaded and checked in-process."""
    findings = Findings()
    ledger = load_all([(name, data)], findings)
    check(ledger, findings)
    return Findings(findings.ordered())


def _ids(entry: Entry) -> str:
    return entry.file


class TestManifest:
    """The manifest and the files on disk agree."""

    def test_every_file_is_listed_once(self) -> None:
        """If a file is added under valid/ or invalid/, then the manifest must list it, once."""
        on_disk = sorted(str(p.relative_to(LEDGERS)) for p in LEDGERS.glob("*/*.yaml"))
        listed = [e.file for e in ENTRIES]
        assert sorted(listed) == on_disk
        assert len(set(listed)) == len(listed)

    def test_valid_files_exit_zero(self) -> None:
        """If a file is under valid/, then it exits 0; under invalid/, it exits 1."""
        for entry in ENTRIES:
            assert entry.exit_code == (0 if entry.file.startswith("valid/") else 1), entry.file


class TestChecks:
    """Loading and checking a corpus file in-process reports exactly its manifest's findings."""

    @pytest.mark.parametrize("entry", ENTRIES, ids=_ids)
    def test_findings(self, entry: Entry) -> None:
        """If a corpus file is loaded and checked, then the findings are the manifest's: each
        code, line, column, message and hint, in order, and fail exactly when it says exit 1."""
        findings = _load_and_check(entry.path.name, entry.path.read_bytes())
        assert [_as_text(f) for f in findings] == list(entry.findings), entry.why
        assert findings.failed() == (entry.exit_code == 1)


class TestCli:
    """`gmsc validate FILE` prints the manifest's findings and exits with its code."""

    @pytest.mark.parametrize("entry", ENTRIES, ids=_ids)
    def test_text_report(self, run: Run, entry: Entry) -> None:
        """If validate runs on a corpus file, then stdout is the manifest's findings, stderr
        the summary of them, and the exit code the manifest's."""
        result = run("validate", str(entry.path))
        assert result.exit_code == entry.exit_code, result
        lines = []
        for located, hint in entry.findings:
            lines.append(f"{entry.path}:{located}")
            if hint is not None:
                lines.append(f"    hint: {hint}")
        assert result.stdout == "".join(line + "\n" for line in lines), result
        counts = {
            s: sum(f" {s}[" in f" {t.split(' ', 1)[1]}" for t, _ in entry.findings)
            for s in ("error", "warning", "info")
        }

        def plural(n: int, word: str) -> str:
            return f"{n} {word}" if n == 1 else f"{n} {word}s"

        assert result.stderr == (
            f"{plural(counts['error'], 'error')}, {plural(counts['warning'], 'warning')}, "
            f"{plural(counts['info'], 'info')} in 1 file\n"
        )

    @pytest.mark.parametrize("entry", ENTRIES, ids=_ids)
    def test_json_report(self, run: Run, entry: Entry) -> None:
        """If validate runs on a corpus file with --format json, then its findings and summary
        are the manifest's."""
        result = run("validate", "--format", "json", str(entry.path))
        assert result.exit_code == entry.exit_code, result
        document = json.loads(result.stdout)
        got = [
            (f"{f['line']}:{f['column']}: {f['severity']}[{f['code']}] {f['message']}", f["hint"])
            for f in document["findings"]
        ]
        assert got == list(entry.findings)
        assert document["valid"] is (entry.exit_code == 0)


# --- the JSON Schema and the loader agree ------------------------------------------------

SCHEMA_STATES = {
    "wrong-type",
    "unknown-field",
    "missing-field",
    "out-of-range",
    "unsupported-version",
    "code-not-string",
    "empty-file",
}
"""Finding codes for what the schema states too (types, keys, required keys, limits): a
file the loader refuses with one of these, the schema must refuse as well."""

SCHEMA_CANNOT_STATE = {
    "yaml-syntax",
    "invalid-encoding",
    "file-too-large",
    "alias-not-allowed",
    "nesting-too-deep",
    "duplicate-key",
    "invalid-value",
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
}
"""Codes for what only the loader can know: the YAML text itself (syntax, aliases,
repeated keys, YAML 1.1 number forms), the reference list, the whole ledger. The schema
may accept such a file. `invalid-value` is here because it mixes both: a status outside
the enum, a too-long text and a malformed code the schema refuses too (asserted below),
a blank or control-character text and `0x7E7` it cannot see."""

SCHEMA_REFUSES_TOO = {
    "invalid/invalid-code-shape.yaml",
    "invalid/invalid-values.yaml",
    "invalid/text-too-long.yaml",
}
"""Files whose only schema-stated problem is an `invalid-value` the schema states too."""

SCHEMA_CANNOT_SEE = {
    "hostile/name-date.yaml": "an unquoted date where a name is expected: check-jsonschema "
    "reads dates as ISO text, so the schema sees a name",
    "hostile/declared-repeats-over.yaml": "declared_repeats above declared: a limit across "
    "two keys (the schema states the bound of both, the number of regions)",
}
"""Files the loader refuses for a stated reason that the schema still cannot see, and why."""

SCHEMA_SKIPS = {"alias-not-allowed", "yaml-syntax", "invalid-encoding", "file-too-large"}
"""Files with these are not given to the schema: they are not one YAML document of plain
values (an alias bomb would even be expanded by a plain YAML load)."""


def _instance(data: bytes) -> object:
    """The file as check-jsonschema sees it: plain YAML values, dates as ISO text."""

    def plain(value: object) -> object:
        if isinstance(value, datetime | date):
            return value.isoformat()
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    return plain(yaml.safe_load(data.decode("utf-8-sig")))


def _agreement_cases() -> Iterator[tuple[str, bytes]]:
    for entry in ENTRIES:
        yield entry.file, entry.path.read_bytes()
    for case in HOSTILE_CASES:
        if case.make is None:
            yield f"hostile/{case.name}", case.content()


AGREEMENT = list(_agreement_cases())


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    """The bundled schema's validator, checking formats (dates) as check-jsonschema does."""
    document = schema(len(reference().regions))
    cls = jsonschema.validators.validator_for(document)
    return cls(document, format_checker=cls.FORMAT_CHECKER)


class TestSchemaAgreement:
    """The JSON Schema refuses what the loader refuses, wherever the schema can say it."""

    def test_every_code_is_classified(self) -> None:
        """If a finding code is reported anywhere in the corpora, then it is classified as one
        the schema states or one it cannot."""
        seen: set[str] = set()
        for name, data in AGREEMENT:
            seen |= {f.code for f in _load_and_check(name, data)}
        assert seen <= SCHEMA_STATES | SCHEMA_CANNOT_STATE
        assert not SCHEMA_STATES & SCHEMA_CANNOT_STATE

    @pytest.mark.parametrize(("name", "data"), AGREEMENT, ids=[n for n, _ in AGREEMENT])
    def test_schema_and_loader_agree(
        self, validator: jsonschema.protocols.Validator, name: str, data: bytes
    ) -> None:
        """If the loader refuses a file for a reason the schema states (type, key, required
        key, enum, limit), then the schema refuses it too; if the loader reports no error at
        all, then the schema accepts it."""
        findings = _load_and_check(name.rsplit("/", 1)[-1], data)
        codes = {f.code for f in findings if f.severity.name == "ERROR"}
        if codes & SCHEMA_SKIPS:
            pytest.skip("not one YAML document of plain values")
        try:
            instance = _instance(data)
        # A tag that cannot read its text ("!!bool maybe") fails any YAML load.
        except (yaml.YAMLError, ValueError, LookupError, TypeError, AttributeError) as exc:
            errors: list[object] = [f"check-jsonschema cannot parse it either: {exc}"]
        else:
            errors = [e.message for e in validator.iter_errors(instance)]
        if name in SCHEMA_CANNOT_SEE:
            assert codes & SCHEMA_STATES and not errors, SCHEMA_CANNOT_SEE[name]
        elif codes & SCHEMA_STATES or name in SCHEMA_REFUSES_TOO:
            assert errors, f"the schema accepts {name}, which the loader refuses: {codes}"
        if not codes:
            assert not errors, errors
