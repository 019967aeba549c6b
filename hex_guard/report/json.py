"""Machine report; the shape is documented in the README and stable across minor versions."""

from __future__ import annotations

import json
from typing import Any

from hex_guard import __version__
from hex_guard.records import Finding
from hex_guard.report import ReportOptions
from hex_guard.scan import ScanResult

# The version of hex_guard/schemas/report.schema.json this writer follows.
SCHEMA_VERSION = 1


def finding_dict(finding: Finding, options: ReportOptions) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule_id": finding.rule_id,
        "severity": str(finding.severity),
        "confidence": str(finding.confidence),
        "description": finding.description,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "secret": finding.shown_secret(options.show_secrets),
        "fingerprint": finding.fingerprint,
        "commit": finding.commit,
    }
    # Git scans and notebooks add provenance; file scans keep the documented core shape.
    out.update(finding.provenance())
    # What a check adds (environments, a Hex token's kind and calls), under one key.
    if finding.properties:
        out["properties"] = dict(finding.properties)
    return out


def render(result: ScanResult, options: ReportOptions) -> str:
    stats = result.stats
    document = {
        "schema_version": SCHEMA_VERSION,
        "version": __version__,
        "findings": [finding_dict(f, options) for f in result.findings],
        # Named, not only counted: a partial scan must never read as a clean one (issue 12).
        "skipped": [{"path": s.display_path, "reason": s.text} for s in stats.skipped],
        "stats": {
            "files_scanned": stats.files_scanned,
            "bytes_scanned": stats.bytes_scanned,
            "files_skipped": len(stats.skipped),
            "files_binary": stats.binary,
            "suppressed": stats.suppressed,
            "baselined": stats.baselined,
            "below_confidence": stats.below_confidence,
            "rules_disabled": [
                {"config": source, "rules": list(rules), "files_scanned": files}
                for (source, rules), files in sorted(stats.disabled.items())
            ],
            "duration_s": round(stats.duration_s, 3),
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
