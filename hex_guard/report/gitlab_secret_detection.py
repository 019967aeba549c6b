"""GitLab secret-detection security report (`gl-secret-detection-report.json`,
`artifacts: reports: secret_detection:`).

Written to GitLab's security report schema 15.2.5
(gitlab-org/security-products/security-report-schemas, dist/secret-detection-report-format.json;
the tests validate every report against a copy of it). GitLab lists the artifact on every tier
and shows it in the merge request widget and vulnerability report on Ultimate.

No source extract is written (`raw_source_code_extract` would be the secret itself); the value
appears only redacted, in `description`, unless `--show-secrets`. Files that were not scanned
are named in `scan.messages`, so a partial scan never reads as a clean one.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone
from typing import Any

from hex_guard import __version__
from hex_guard.records import Finding
from hex_guard.report import ReportOptions
from hex_guard.rules import Severity
from hex_guard.scan import ScanResult

SCHEMA_VERSION = "15.2.5"
SCHEMA_URL = (
    "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/"
    f"v{SCHEMA_VERSION}/dist/secret-detection-report-format.json"
)
PROJECT_URL = "https://github.com/hex-guard/hex-guard"
# A file on disk has no commit; the schema requires one. GitLab's own analyzer and semgrep's
# GitLab output use this placeholder for the same case.
NO_COMMIT = "0000000"
SEVERITY = {
    Severity.LOW: "Low",
    Severity.MEDIUM: "Medium",
    Severity.HIGH: "High",
    Severity.CRITICAL: "Critical",
}
_TOOL = {
    "id": "hex-guard",
    "name": "hex-guard",
    "url": PROJECT_URL,
    "version": __version__,
    "vendor": {"name": "hex-guard"},
}


def _vulnerability_id(finding: Finding) -> str:
    """A UUID (the schema's recommendation) stable for the same secret at the same place."""
    import uuid

    place = f"{finding.fingerprint}:{finding.commit or ''}:{finding.line}:{finding.column}"
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{PROJECT_URL}#{place}"))


def vulnerability(finding: Finding, options: ReportOptions) -> dict[str, Any]:
    shown = finding.shown_secret(options.show_secrets)
    commit: dict[str, str] = {"sha": NO_COMMIT}
    if finding.git is not None:
        commit = {"sha": finding.git.commit, "author": finding.git.author, "date": finding.git.date}
    return {
        "id": _vulnerability_id(finding),
        "name": finding.description[:255],
        "description": f"{finding.description}: {shown} (fingerprint {finding.fingerprint})",
        "severity": SEVERITY[finding.severity],
        "solution": finding.hint[:7000],
        "identifiers": [
            {"type": "hex_guard_rule_id", "name": f"hex-guard {finding.rule_id}",
             "value": finding.rule_id}
        ],
        # Schema 15.x has no `confidence` field (1.x-14.x had one); `details`, a named list of
        # typed fields that the vulnerability page shows, is where the schema puts such facts.
        "details": {
            "confidence": {"type": "text", "name": "Confidence", "value": str(finding.confidence)}
        },
        "location": {
            "file": finding.repo_path,
            "start_line": finding.line,
            "end_line": finding.end_line,
            "commit": commit,
        },
    }


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")  # the schema's yyyy-mm-ddThh:mm:ss, UTC


def _now() -> datetime:
    # SOURCE_DATE_EPOCH (reproducible-builds.org) pins the clock for reproducible reports.
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc)
    return datetime.now(timezone.utc)


def render(result: ScanResult, options: ReportOptions) -> str:
    end = _now()
    start = end - timedelta(seconds=result.stats.duration_s)
    messages = [
        {"level": "warn", "value": f"not scanned: {skip.display_path} ({skip.text})"}
        for skip in result.stats.skipped
    ]
    scan: dict[str, Any] = {
        "analyzer": _TOOL,
        "scanner": _TOOL,
        "type": "secret_detection",
        "start_time": _timestamp(start),
        "end_time": _timestamp(end),
        "status": "success",
    }
    if messages:
        scan["messages"] = messages
    document = {
        "version": SCHEMA_VERSION,
        "schema": SCHEMA_URL,
        "scan": scan,
        "vulnerabilities": [vulnerability(f, options) for f in result.findings],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
