"""SARIF 2.1.0 for code-scanning UIs (GitHub code scanning, Azure DevOps, VS Code).

Secrets are redacted in every field, including the message: gitleaks writes the raw secret into
its SARIF snippet unless --redact is given; hex-guard never does. `partialFingerprints` carries
our line-independent fingerprint, so an alert survives edits above it.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from hex_guard import __version__
from hex_guard.records import Finding
from hex_guard.report import ReportOptions
from hex_guard.rules import RULES, Confidence, Rule, Severity
from hex_guard.scan import ScanResult

INFORMATION_URI = "https://github.com/hex-guard/hex-guard"
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "hexGuardFingerprint/v1"

_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
}
# GitHub sorts alerts by this CVSS-like score: >= 9 critical, >= 7 high, >= 4 medium.
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
}


# GitHub code scanning reads `properties.precision` of a rule ("very-high", "high", "medium" or
# "low"; how often its results are true) and shows the most precise alerts first (docs.github.com,
# "SARIF support for code scanning", reportingDescriptor object). Our levels map one to one; none
# claims very-high.
PRECISION = {
    Confidence.HIGH: "high",
    Confidence.MEDIUM: "medium",
    Confidence.LOW: "low",
}

# `--verify` found the credential working (result property; rules keep their own score).
LIVE_SECURITY_SEVERITY = "10.0"


def _pascal(rule_id: str) -> str:
    return "".join(part.capitalize() for part in rule_id.split("-"))


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    help_text = (
        f"{rule.description}. {rule.hint} If the value is fake, allowlist it in "
        "[tool.hex-guard] or mark the line with `hex-guard: allow`."
    )
    return {
        "id": rule.id,
        "name": _pascal(rule.id),
        "shortDescription": {"text": rule.description},
        "fullDescription": {"text": f"{rule.description}. Severity: {rule.severity}."},
        "help": {"text": help_text, "markdown": f"**{rule.description}**\n\n{rule.hint}"},
        "helpUri": f"{INFORMATION_URI}#rules",
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {
            "security-severity": _SECURITY_SEVERITY[rule.severity],
            "precision": PRECISION[rule.confidence],
            "tags": ["security", "secret", "external/cwe/cwe-798"],
        },
    }


def _rules_for(result: ScanResult) -> list[Rule]:
    """The rules the scan ran (every built-in one when not recorded), plus any rule that
    produced a finding without being among them (merged reports)."""
    rules = list(result.rules or RULES)
    known = {r.id for r in rules}
    for finding in result.findings:
        if finding.rule_id not in known:
            known.add(finding.rule_id)
            rules.append(
                Rule(
                    finding.rule_id,
                    finding.description,
                    finding.severity,
                    "",
                    hint=finding.hint,
                    confidence=finding.confidence,
                )
            )
    return rules


def _property_name(field: str) -> str:
    """SARIF property bags are camelCase; `decoded` keeps the name 1.0 published."""
    if field == "decoded":
        return "decodedFromBase64"
    head, *rest = field.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _uri(path: str) -> str:
    """A relative URI for `path`. A file name that is not UTF-8 arrives as lone surrogates
    (os.fsdecode): its original bytes are percent-encoded, as RFC 3986 allows for any octet."""
    return quote(path.encode("utf-8", "surrogateescape"))


def _result(finding: Finding, index: dict[str, int], options: ReportOptions) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": index[finding.rule_id],
        "level": _LEVEL[finding.severity],
        "message": {"text": f"{finding.described(options.show_secrets)}. {finding.hint}"},
        "locations": [
            {
                "physicalLocation": {
                    # Repository-relative (issue 12): code scanning resolves URIs against the
                    # repository root, whatever directory the scan ran in.
                    "artifactLocation": {"uri": _uri(finding.repo_path), "uriBaseId": "%SRCROOT%"},
                    "region": {
                        "startLine": finding.line,
                        "startColumn": finding.column,
                        "endLine": finding.end_line,
                        "endColumn": finding.end_column,
                    },
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
    }
    # The rule's precision again, per result: a merged or filtered report stays readable alone.
    properties: dict[str, Any] = {"precision": PRECISION[finding.confidence]}
    properties.update((_property_name(k), v) for k, v in finding.provenance().items())
    properties.update((_property_name(k), v) for k, v in finding.properties)
    verification = finding.verification
    if verification is not None and verification.status.value == "live":
        # A credential proven to work outranks any rule's default: top of GitHub's scale.
        entry["level"] = "error"
        properties["security-severity"] = LIVE_SECURITY_SEVERITY
    entry["properties"] = properties
    return entry


def document(result: ScanResult, options: ReportOptions) -> dict[str, Any]:
    rules = _rules_for(result)
    index = {rule.id: i for i, rule in enumerate(rules)}
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "hex-guard",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [rule_descriptor(rule) for rule in rules],
                    }
                },
                "originalUriBaseIds": {
                    "%SRCROOT%": {"description": {"text": "The repository root."}}
                },
                "columnKind": "unicodeCodePoints",
                "results": [_result(f, index, options) for f in result.findings],
            }
        ],
    }


def render(result: ScanResult, options: ReportOptions) -> str:
    return json.dumps(document(result, options), indent=2, ensure_ascii=False) + "\n"
