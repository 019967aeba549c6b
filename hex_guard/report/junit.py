"""JUnit XML for GitLab, Jenkins and Azure test tabs: a test case per file, a failure per
finding."""

from __future__ import annotations

import re
from collections import defaultdict
from xml.etree import ElementTree as ET

from hex_guard.records import Finding
from hex_guard.report import ReportOptions
from hex_guard.scan import ScanResult

# XML 1.0 cannot carry control characters or lone surrogates, which odd paths can hold.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _failure(case: ET.Element, finding: Finding, options: ReportOptions) -> None:
    shown = finding.shown_secret(options.show_secrets) if finding.secret else ""
    failure = ET.SubElement(
        case,
        "failure",
        message=_xml(f"{finding.rule_id} ({finding.severity}): {finding.description}"),
        type=finding.rule_id,
    )
    where = f"{finding.path}:{finding.line}:{finding.column}"
    commit = f"\ncommit: {finding.commit}" if finding.commit else ""
    if finding.properties:
        commit += f"\n{finding.properties_text()}"
    if finding.verification is not None:
        commit += f"\nverification: {finding.verification.note}"
    failure.text = _xml(
        f"{where} {shown}\nfingerprint: {finding.fingerprint}{commit}\n{finding.hint}"
    )


def render(result: ScanResult, options: ReportOptions) -> str:
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        by_path[finding.path].append(finding)
    paths = sorted(set(result.stats.scanned) | set(by_path))
    failures = sum(1 for p in paths if by_path.get(p))
    suites = ET.Element(
        "testsuites", name="hex-guard", tests=str(len(paths)), failures=str(failures), errors="0"
    )
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="hex-guard secrets",
        tests=str(len(paths)),
        failures=str(failures),
        errors="0",
        skipped="0",
        time=f"{result.stats.duration_s:.3f}",
    )
    for path in paths:
        case = ET.SubElement(suite, "testcase", classname="hex-guard", name=_xml(path))
        for finding in by_path.get(path, []):
            _failure(case, finding, options)
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )
