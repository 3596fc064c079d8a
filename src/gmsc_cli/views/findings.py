"""Findings rendered as text, JSON or GitHub annotations, and the summary line of a
validation. They return, they do not print."""

from __future__ import annotations

from gmsc_cli.domain.findings import Finding, Findings, Severity
from gmsc_cli.i18n import _, ngettext, number
from gmsc_cli.views.tabular import as_json


def findings_text(findings: Findings) -> str:
    """`path:line:col: severity[code] message`, each with its hint on the next line. The
    severity and the code are for programs (problem matchers) and stay as they are."""
    lines = []
    for f in findings.ordered():
        lines.append(f"{f.pos}: {f.severity}[{f.code}] {f.message}")
        if f.hint:
            lines.append("    " + _("hint: {hint}").format(hint=f.hint))
    return "\n".join(lines) + ("\n" if lines else "")


def findings_json(findings: Findings, *, strict: bool = False) -> str:
    """The JSON shape documented in the README (a public API)."""
    document = {
        "valid": not findings.failed(strict=strict),
        "findings": [f.as_dict() for f in findings.ordered()],
        "summary": summary_counts(findings),
    }
    return as_json(document)


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _github_escape(text: str, *, property_value: bool = False) -> str:
    """Escape as GitHub's workflow commands require."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def _github_line(f: Finding) -> str:
    message = f.message + (f"\n{f.hint}" if f.hint else "")
    props = (
        f"file={_github_escape(f.pos.file, property_value=True)},line={f.pos.line},"
        f"col={f.pos.column},title={_github_escape(f.code, property_value=True)}"
    )
    return f"::{_GITHUB_LEVEL[f.severity]} {props}::{_github_escape(message)}"


def findings_github(findings: Findings) -> str:
    """GitHub Actions workflow annotations, one line a finding."""
    lines = [_github_line(f) for f in findings.ordered()]
    return "\n".join(lines) + ("\n" if lines else "")


def summary_counts(findings: Findings) -> dict[str, int]:
    """How many errors, warnings and infos."""
    return {
        "errors": findings.count_of(Severity.ERROR),
        "warnings": findings.count_of(Severity.WARNING),
        "infos": findings.count_of(Severity.INFO),
    }


def summary_line(findings: Findings, files: int) -> str:
    """The one closing line of a validation run: "0 errors, 0 warnings, 2 infos in 1 file"."""
    counts = summary_counts(findings)
    errors = ngettext("{count} error", "{count} errors", counts["errors"])
    warnings = ngettext("{count} warning", "{count} warnings", counts["warnings"])
    infos = ngettext("{count} info", "{count} infos", counts["infos"])
    in_files = ngettext("in {count} file", "in {count} files", files)
    return _("{errors}, {warnings}, {infos} {in_files}").format(
        errors=errors.format(count=number(counts["errors"])),
        warnings=warnings.format(count=number(counts["warnings"])),
        infos=infos.format(count=number(counts["infos"])),
        in_files=in_files.format(count=number(files)),
    )
