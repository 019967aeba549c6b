"""GitLab Code Quality report (`artifacts: reports: codequality:`), shown on every tier.

The format is GitLab's subset of the Code Climate issue spec. GitLab publishes no JSON Schema
for it; the fields and values below are the ones its documentation requires
(gitlab: doc/ci/testing/code_quality.md, "Code Quality report format"): a single JSON array of
objects with `description`, `check_name`, `fingerprint`, `severity` (info, minor, major,
critical, blocker), `location.path` (relative to the repository) and `location.lines.begin`.
GitLab rejects a byte order mark, so none is written. Findings with the same fingerprint show
as one entry in the merge request widget; ours is rule + path + secret, so that is one secret.
"""

from __future__ import annotations

import json
from typing import Any

from hex_guard.records import Finding
from hex_guard.report import ReportOptions
from hex_guard.rules import Severity
from hex_guard.scan import ScanResult

# A leaked secret is never "info": the scale starts one step up and tops out at blocker.
SEVERITY = {
    Severity.LOW: "minor",
    Severity.MEDIUM: "major",
    Severity.HIGH: "critical",
    Severity.CRITICAL: "blocker",
}


def issue(finding: Finding, options: ReportOptions) -> dict[str, Any]:
    shown = finding.shown_secret(options.show_secrets)
    provenance = f" (added in {finding.commit[:12]})" if finding.commit else ""
    return {
        "type": "issue",
        "check_name": f"hex-guard/{finding.rule_id}",
        "description": f"{finding.description}: {shown}{provenance}. {finding.hint}",
        "categories": ["Security"],
        "fingerprint": finding.fingerprint,
        "severity": SEVERITY[finding.severity],
        "location": {
            # Repository-relative, as GitLab resolves it against the merge request's diff.
            "path": finding.repo_path,
            "lines": {"begin": finding.line, "end": finding.end_line},
        },
    }


def render(result: ScanResult, options: ReportOptions) -> str:
    issues = [issue(f, options) for f in result.findings]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
