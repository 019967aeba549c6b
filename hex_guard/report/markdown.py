"""Markdown: a findings table for GitHub's job summary ($GITHUB_STEP_SUMMARY), pull request
comments and wikis. Secrets are redacted like everywhere else."""

from __future__ import annotations

from hex_guard.records import Finding
from hex_guard.report import ReportOptions
from hex_guard.scan import ScanResult

# Findings past this many are counted, not listed: a job summary is capped at 1 MiB.
MAX_ROWS = 500


def _cell(text: str) -> str:
    """Text safe inside a table cell's code span: no pipe, backtick or line break can end it."""
    clean = text.replace("\r", " ").replace("\n", " ").replace("`", "'").replace("|", "\\|")
    return f"`{clean}`"


def _row(finding: Finding, options: ReportOptions) -> str:
    where = f"{finding.path}:{finding.line}:{finding.column}"
    commit = _cell(finding.commit[:12]) if finding.commit else ""
    return (
        f"| {finding.severity} | {finding.confidence} | {_cell(finding.rule_id)} | "
        f"{_cell(where)} | {_cell(finding.shown_secret(options.show_secrets))} | {commit} | "
        f"{_cell(finding.fingerprint)} |"
    )


def render(result: ScanResult, options: ReportOptions) -> str:
    stats = result.stats
    count = len(result.findings)
    if count:
        head = f"### hex-guard: {count} secret(s) found in {stats.files_scanned} file(s) scanned"
    else:
        head = f"### hex-guard: no secrets found in {stats.files_scanned} file(s) scanned"
    lines = [head, ""]
    if count:
        lines += [
            "| severity | confidence | rule | location | secret | commit | fingerprint |",
            "|---|---|---|---|---|---|---|",
            *(_row(f, options) for f in result.findings[:MAX_ROWS]),
            "",
        ]
        if count > MAX_ROWS:
            lines += [f"… and {count - MAX_ROWS} more (see the other reports).", ""]
        lines += [
            "Rotate each secret first (it may already be copied), then remove it. A fake value: "
            "`hex-guard: allow` on its line, or its fingerprint under `ignore`.",
            "",
        ]
    if stats.skipped:
        lines += [f"Not scanned ({len(stats.skipped)}):", ""]
        lines += [f"- {_cell(s.display_path)}: {s.text}" for s in stats.skipped[:MAX_ROWS]]
        lines.append("")
    return "\n".join(lines)
