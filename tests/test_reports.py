"""Report formats: golden files, SARIF validated by Microsoft's validator, JUnit, GitHub
commands, several outputs from one scan, and no secret in any report unless asked for.

Regenerate the golden files after an intended change:
    HEX_GUARD_UPDATE_GOLDEN=1 python -m pytest tests/test_reports.py
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hex_guard.config import Config
from hex_guard.main import main
from hex_guard.report import FORMATS, ReportOptions, renderer
from hex_guard.scan import ScanResult, run
from hex_guard.sources import Paths
from tests.conftest import REPO_ROOT, git, write

GOLDEN = Path(__file__).parent / "golden"
SUFFIX = {
    "text": "txt",
    "json": "json",
    "sarif": "sarif",
    "github": "github",
    "junit": "junit.xml",
    "gitlab": "gitlab.json",
    "gitlab-secret-detection": "gl-secret-detection.json",
    "markdown": "md",
}
TOKEN = "hxtw_" + "0123456789abcdef" * 6


def demo_result(monkeypatch: pytest.MonkeyPatch) -> ScanResult:
    monkeypatch.chdir(REPO_ROOT / "fixtures")
    result = run(Paths(["demo-data-repo"]), Config(base_dir=str(REPO_ROOT / "fixtures")))
    # Timing is the one non-deterministic field.
    return dataclasses.replace(result, stats=dataclasses.replace(result.stats, duration_s=0.0))


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_reports(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # report timestamps, where a format has one
    text = renderer(fmt)(demo_result(monkeypatch), ReportOptions())
    golden = GOLDEN / f"demo.{SUFFIX[fmt]}"
    if os.environ.get("HEX_GUARD_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def _multitool() -> str | None:
    candidates = [
        os.environ.get("SARIF_MULTITOOL", ""),
        str(REPO_ROOT / ".ci/npm/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"),
        shutil.which("sarif-multitool") or "",
    ]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


# Notes the validator emits that we decline on purpose (it reports no errors or warnings):
# SARIF2010/2011 ask for code snippets and context regions, which would carry the secret;
# SARIF2002 prefers messageStrings templates; SARIF2003 asks for versionControlProvenance;
# SARIF2006 cannot fetch URLs offline; SARIF2009 prefers opaque ids (HG1001) to readable ones.
def validate_sarif(path: Path) -> list[str]:
    tool = _multitool()
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail("Sarif.Multitool is not installed; .ci/run installs it")
        pytest.skip("Sarif.Multitool not installed (npm install @microsoft/sarif-multitool)")
    out = path.with_suffix(".validation.sarif")
    proc = subprocess.run(
        [
            tool,
            "validate",
            str(path),
            "-o",
            str(out),
            "--log",
            "ForceOverwrite",
            "--level",
            "Error;Warning;Note",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = json.loads(out.read_text(encoding="utf-8-sig"))["runs"][0].get("results", [])
    return [
        f"{r['ruleId']} {r.get('message')}"
        for r in results
        if r.get("level") in ("error", "warning")
    ]


def test_golden_sarif_is_valid(tmp_path: Path) -> None:
    sarif = tmp_path / "demo.sarif"
    shutil.copy(GOLDEN / "demo.sarif", sarif)
    assert validate_sarif(sarif) == []


def test_history_and_odd_path_sarif_is_valid(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(repo / "dir with space" / "naïve #1.py", f"T = '{TOKEN}'\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "leak")
    monkeypatch.chdir(repo)
    for args, name in (
        (["history"], "history.sarif"),
        (["scan", "."], "scan.sarif"),
        (["scan", "--staged"], "empty.sarif"),
    ):
        target = tmp_path / name
        assert main([*args, "--format", "sarif", "-o", str(target), "-q"]) in (0, 1)
        document = json.loads(target.read_text(encoding="utf-8"))
        for result in document["runs"][0]["results"]:
            assert (
                result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                == "dir%20with%20space/na%C3%AFve%20%231.py"
            )
            assert result["partialFingerprints"]["hexGuardFingerprint/v1"]
        assert validate_sarif(target) == []
    history = json.loads((tmp_path / "history.sarif").read_text())["runs"][0]["results"][0]
    assert history["properties"]["commit"] and history["properties"]["presentAtHead"] is True


def test_junit_parses_with_expected_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    result = demo_result(monkeypatch)
    root = ET.fromstring(renderer("junit")(result, ReportOptions()))
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    failing = [c for c in cases if c.find("failure") is not None]
    # One case per finding (named by its location and rule) and one summary case, not one per file.
    assert int(suite.get("tests", "0")) == len(cases) == len(result.findings) + 1 == 26
    assert int(suite.get("failures", "0")) == len(failing) == len(result.findings) == 25
    for case, finding in zip(failing, result.findings):
        assert case.get("name") == f"{finding.path}:{finding.line}:{finding.column} {finding.rule_id}"
        assert case.get("file") == finding.path and case.get("line") == str(finding.line)
    summary = cases[-1]
    assert summary.find("failure") is None and "19 file(s) scanned, 25 secret(s)" in summary.get("name", "")


def test_junit_survives_control_characters_in_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "odd\x01name.txt", f"{TOKEN}\n")
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "-q", "--format", "junit", "."]) == 1
    case = ET.fromstring(capsys.readouterr().out).find("testsuite/testcase")
    assert case is not None and case.get("name", "").startswith("odd\\x01name.txt:1:")


def test_github_commands_escape_properties(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "a,b:c%.txt", f"{TOKEN}\n")
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "-q", "--format", "github", "."]) == 1
    line = capsys.readouterr().out.strip()
    assert line.startswith("::error file=a%2Cb%3Ac%25.txt,line=1,col=1,endLine=1,endColumn=102,")
    assert "hxtw_01…" in line and TOKEN not in line


def test_several_outputs_from_one_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "x.txt", f"{TOKEN}\n")
    monkeypatch.chdir(tmp_path)
    code = main(
        [
            "scan",
            "-q",
            "--output-format",
            "sarif=out.sarif",
            "--output-format",
            "junit=out.xml",
            "--output-format",
            "text=-",
            "x.txt",
        ]
    )
    assert code == 1
    assert "x.txt:1:1 hex-api-token critical" in capsys.readouterr().out
    assert (
        json.loads((tmp_path / "out.sarif").read_text())["runs"][0]["results"][0]["ruleId"]
        == "hex-api-token"
    )
    assert ET.parse(tmp_path / "out.xml").getroot().tag == "testsuites"
    assert main(["scan", "--output-format", "yaml=x", "x.txt"]) == 2
    assert main(["scan", "--output-format", "text=-", "--output-format", "json=-", "x.txt"]) == 2


_BODY = st.binary(min_size=48, max_size=48).map(bytes.hex).filter(lambda b: len(set(b)) >= 8)
_PASSWORD = st.text(
    alphabet="abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!*", min_size=10, max_size=24
).filter(lambda p: any(c.isdigit() for c in p) and len(set(p)) >= 6)


@given(_BODY, _PASSWORD)
def test_no_report_contains_a_secret_unless_asked(body: str, password: str) -> None:
    token = f"hxtw_{body}"
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "leak.py"
        path.write_text(f"T = '{token}'\nURL = 'postgresql://etl:{password}@db.acme.io/dw'\n")
        cwd = os.getcwd()
        os.chdir(directory)
        try:
            result = run(Paths(["leak.py"]), Config(base_dir=directory))
        finally:
            os.chdir(cwd)
    assert {f.rule_id for f in result.findings} == {"hex-api-token", "db-uri-password"}
    for fmt in FORMATS:
        hidden = renderer(fmt)(result, ReportOptions())
        assert token not in hidden and password not in hidden, fmt
        shown = renderer(fmt)(result, ReportOptions(show_secrets=True))
        assert token in shown and password in shown, fmt


EVIL = "evil\n\x1b[2Jhex-guard: no secrets found.txt"


def test_control_characters_in_names_are_escaped_in_human_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A committed file name with a newline or an ESC was printed raw: it forged report lines
    # and drove the terminal. Escaped as git quotes paths; JSON is escaped by its encoder.
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    write(repo / EVIL, f"T = '{TOKEN}'\n")
    os.symlink("x", repo / "link\x1b]0;title\x07")
    git(repo, "add", "-A")
    monkeypatch.chdir(repo)
    shown = '"evil\\n\\x1b[2Jhex-guard: no secrets found.txt"'
    for args in (["--staged"], ["."]):
        assert main(["scan", *args]) == 1
        out, err = capsys.readouterr()
        assert "\x1b" not in out + err and "\x07" not in out + err, (out, err)
        assert out.startswith(f"{shown}:1:6 "), out
        assert '"link\\x1b]0;title\\a": symlink' in err, err
        assert main(["scan", "--format", "json", *args]) == 1
        assert EVIL in [f["path"] for f in json.loads(capsys.readouterr().out)["findings"]]
    assert main(["scan", "--config", "no\x1b[2Jsuch\n.toml", "."]) == 2
    err = capsys.readouterr().err
    assert err == "hex-guard: error: no\\x1b[2Jsuch\\n.toml: config file not found\n", err
