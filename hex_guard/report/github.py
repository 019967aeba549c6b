"""GitHub Actions workflow commands: findings show inline on the pull request, no upload needed."""

from __future__ import annotations

from hex_guard.records import Finding
from hex_guard.report import ReportOptions
from hex_guard.rules import Severity
from hex_guard.scan import ScanResult

_COMMAND = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
}


def _data(text: str) -> str:
    """Escape a command's message (GitHub's escapeData)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """Escape a command property value (GitHub's escapeProperty)."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _line(finding: Finding, options: ReportOptions) -> str:
    props = ",".join(
        f"{key}={_property(str(value))}"
        for key, value in (
            ("file", finding.path),
            ("line", finding.line),
            ("col", finding.column),
            ("endLine", finding.end_line),
            ("endColumn", finding.end_column),
            (
                "title",
                f"hex-guard {finding.rule_id} ({finding.severity}, "
                f"{finding.confidence} confidence)",
            ),
        )
    )
    message = f"{finding.described(options.show_secrets)}. {finding.hint}"
    if finding.properties:
        message += f" ({finding.properties_text()})"
    if finding.verification is not None:
        message += f" Verification: {finding.verification.note}."
    return f"::{_COMMAND[finding.severity]} {props}::{_data(message)}\n"


def render(result: ScanResult, options: ReportOptions) -> str:
    return "".join(_line(f, options) for f in result.findings)
