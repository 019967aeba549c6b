"""JUnit XML for GitLab, Jenkins and Azure test tabs: one failing test case per finding, plus
one summary case that always runs.

One case per scanned file (1.0) made a `scan .` of a large repository a huge, mostly green report
that test tabs show badly (issue 12). Now the tab lists exactly the findings, each named by its
location and rule, and the summary case carries what was scanned and every file that was not, so a
clean scan still shows one passing test rather than an empty report.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

from hex_guard.records import Finding
from hex_guard.report import ReportOptions
from hex_guard.scan import ScanResult

# XML 1.0 cannot carry control characters or lone surrogates, which odd paths can hold.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _finding_case(suite: ET.Element, finding: Finding, options: ReportOptions) -> None:
    where = f"{finding.path}:{finding.line}:{finding.column}"
    case = ET.SubElement(
        suite,
        "testcase",
        classname=f"hex-guard.{finding.rule_id}",
        name=_xml(f"{where} {finding.rule_id}"),
        file=_xml(finding.path),
        line=str(finding.line),
    )
    shown = finding.shown_secret(options.show_secrets) if finding.secret else ""
    failure = ET.SubElement(
        case,
        "failure",
        message=_xml(
            f"{finding.rule_id} ({finding.severity}, {finding.confidence} confidence): "
            f"{finding.description}"
        ),
        type=finding.rule_id,
    )
    commit = f"\ncommit: {finding.commit}" if finding.commit else ""
    if finding.properties:
        commit += f"\n{finding.properties_text()}"
    if finding.verification is not None:
        commit += f"\nverification: {finding.verification.note}"
    failure.text = _xml(
        f"{where} {shown}\nfingerprint: {finding.fingerprint}{commit}\n{finding.hint}"
    )


def _summary_case(suite: ET.Element, result: ScanResult) -> None:
    stats = result.stats
    name = (
        f"scan: {stats.files_scanned} file(s) scanned, {len(result.findings)} secret(s), "
        f"{len(stats.skipped)} not scanned"
    )
    case = ET.SubElement(suite, "testcase", classname="hex-guard", name=name)
    lines = [f"not scanned: {s.display_path} ({s.text})" for s in stats.skipped]
    if stats.excluded:
        lines.append(f"excluded by configuration: {stats.excluded} file(s)")
    if lines:
        ET.SubElement(case, "system-out").text = _xml("\n".join(lines))


def render(result: ScanResult, options: ReportOptions) -> str:
    tests = str(len(result.findings) + 1)
    failures = str(len(result.findings))
    suites = ET.Element("testsuites", name="hex-guard", tests=tests, failures=failures, errors="0")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="hex-guard secrets",
        tests=tests,
        failures=failures,
        errors="0",
        skipped="0",
        time=f"{result.stats.duration_s:.3f}",
    )
    for finding in result.findings:
        _finding_case(suite, finding, options)
    _summary_case(suite, result)
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )
