"""Confidence on every finding: in each report format, `--min-confidence`, the `min-confidence`
config key and a custom rule's own `confidence` (issue 9)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from hex_guard.config import CONFIDENCE_NAMES, Config
from hex_guard.main import CONFIDENCE_NAMES as CLI_CONFIDENCE_NAMES
from hex_guard.main import cli, main
from hex_guard.report import ReportOptions, renderer
from hex_guard.report.sarif import PRECISION
from hex_guard.rules import RULES, Confidence
from hex_guard.scan import ScanResult, run
from hex_guard.sources import Paths
from tests.conftest import git, write

# Fake values assembled here, as every test's: a Hex workspace token (a vendor format, high) and
# a password under a password-named key (judged by its key, medium).
TOKEN = "hxtw_" + "0123456789abcdef" * 6
PASSWORD = "Xk7pQ2" + "vR9mLz4wT1"
TOKEN_LINE = f'HEX = "{TOKEN}"\n'
PASSWORD_LINE = f"spring.datasource.password = {PASSWORD}\n"


def invoke(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(cli, args, standalone_mode=False, catch_exceptions=False)
    code = result.return_value if isinstance(result.return_value, int) else result.exit_code
    return code, result.stdout, result.stderr


def two_findings(root: Path) -> Path:
    write(root / "app" / "settings.py", TOKEN_LINE)
    write(root / "app" / "application.properties", PASSWORD_LINE)
    return root


def json_scan(
    args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, dict[str, object], str]:
    code, out, err = invoke(["scan", "--format", "json", *args], cwd, monkeypatch)
    return code, json.loads(out), err


def rule_ids(document: dict[str, object]) -> list[str]:
    findings = document["findings"]
    assert isinstance(findings, list)
    return sorted(f["rule_id"] for f in findings)


# --- the record and the reports ---------------------------------------------------------------


def result_of(root: Path) -> ScanResult:
    return run(Paths([str(root / "app")]), Config(base_dir=str(root)), 1)


def test_a_finding_carries_its_rules_confidence(tmp_path: Path) -> None:
    found = {f.rule_id: f.confidence for f in result_of(two_findings(tmp_path)).findings}
    assert found == {"hex-api-token": Confidence.HIGH, "keyed-password": Confidence.MEDIUM}


def test_fixed_format_token_rules_are_high_and_keyed_rules_medium() -> None:
    by_id = {r.id: r.confidence for r in RULES}
    for rule_id in ("hex-api-token", "databricks-token", "aws-access-key-id", "github-token"):
        assert by_id[rule_id] is Confidence.HIGH, rule_id
    for rule_id in ("keyed-password", "keyed-token"):
        assert by_id[rule_id] is Confidence.MEDIUM, rule_id


def render(fmt: str, result: ScanResult) -> str:
    return renderer(fmt)(result, ReportOptions())


def test_json_names_each_findings_confidence(tmp_path: Path) -> None:
    doc = json.loads(render("json", result_of(two_findings(tmp_path))))
    assert {f["rule_id"]: f["confidence"] for f in doc["findings"]} == {
        "hex-api-token": "high",
        "keyed-password": "medium",
    }
    assert doc["stats"]["below_confidence"] == 0


def test_sarif_precision_follows_confidence_on_rules_and_results(tmp_path: Path) -> None:
    doc = json.loads(render("sarif", result_of(two_findings(tmp_path))))
    (run_,) = doc["runs"]
    rules = run_["tool"]["driver"]["rules"]
    by_id = {r.id: r for r in RULES}
    for descriptor in rules:
        rule = by_id[descriptor["id"]]
        assert descriptor["properties"]["precision"] == PRECISION[rule.confidence]
    # The old writer derived precision from severity: a high-severity keyed rule read "high".
    assert {d["id"]: d["properties"]["precision"] for d in rules}["sql-password"] == "medium"
    results = {r["ruleId"]: r["properties"]["precision"] for r in run_["results"]}
    assert results == {"hex-api-token": "high", "keyed-password": "medium"}


def test_sarif_precision_values_are_the_ones_github_reads() -> None:
    assert set(PRECISION.values()) <= {"very-high", "high", "medium", "low"}
    assert set(PRECISION) == set(Confidence)


def test_gitlab_secret_detection_puts_confidence_in_details(tmp_path: Path) -> None:
    doc = json.loads(render("gitlab-secret-detection", result_of(two_findings(tmp_path))))
    details = {v["identifiers"][0]["value"]: v["details"] for v in doc["vulnerabilities"]}
    assert details["hex-api-token"]["confidence"] == {
        "type": "text",
        "name": "Confidence",
        "value": "high",
    }
    assert details["keyed-password"]["confidence"]["value"] == "medium"


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("text", "hex-api-token critical (high confidence)"),
        ("markdown", "| critical | high | `hex-api-token` |"),
        ("github", "(critical%2C high confidence)"),
        ("junit", "hex-api-token (critical, high confidence)"),
    ],
)
def test_human_formats_show_confidence(fmt: str, expected: str, tmp_path: Path) -> None:
    out = render(fmt, result_of(two_findings(tmp_path)))
    assert expected in out
    assert "medium confidence" in out or "| medium |" in out


# --- --min-confidence -------------------------------------------------------------------------


def test_min_confidence_high_reports_and_fails_on_high_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, doc, err = json_scan(["--min-confidence", "high", "app"], two_findings(tmp_path), monkeypatch)
    assert code == 1
    assert rule_ids(doc) == ["hex-api-token"]
    assert doc["stats"]["below_confidence"] == 1  # type: ignore[index]
    assert "1 finding(s) below the minimum confidence not reported" in err


def test_findings_below_the_minimum_leave_the_exit_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "app" / "application.properties", PASSWORD_LINE)
    code, doc, _ = json_scan(["--min-confidence", "high", "app"], tmp_path, monkeypatch)
    assert code == 0 and rule_ids(doc) == []
    code, doc, _ = json_scan(["--min-confidence", "medium", "app"], tmp_path, monkeypatch)
    assert code == 1 and rule_ids(doc) == ["keyed-password"]
    code, doc, _ = json_scan(["app"], tmp_path, monkeypatch)
    assert code == 1 and rule_ids(doc) == ["keyed-password"]


def test_a_baselined_finding_is_counted_as_baselined_not_below(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    two_findings(tmp_path)
    code, _, _ = invoke(["baseline", "create", "app", "-o", "base.json"], tmp_path, monkeypatch)
    assert code == 0
    args = ["--baseline", "base.json", "--min-confidence", "high", "app"]
    code, doc, _ = json_scan(args, tmp_path, monkeypatch)
    assert code == 0
    assert doc["stats"]["baselined"] == 2 and doc["stats"]["below_confidence"] == 0  # type: ignore[index]


def test_an_unknown_level_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(two_findings(tmp_path))
    result = CliRunner().invoke(cli, ["scan", "--min-confidence", "certain", "app"])
    assert result.exit_code == 2
    assert "--min-confidence" in result.output


def test_the_cli_offers_every_confidence_level() -> None:
    assert CLI_CONFIDENCE_NAMES == CONFIDENCE_NAMES == tuple(str(c) for c in Confidence)


def test_history_takes_min_confidence(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    two_findings(repo)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "both")
    git(repo, "rm", "-q", "-r", "app")
    git(repo, "commit", "-q", "-m", "gone")
    args = ["history", "--format", "json", "--min-confidence", "high", "-q"]
    code, out, _ = invoke(args, repo, monkeypatch)
    assert code == 1
    doc = json.loads(out)
    assert rule_ids(doc) == ["hex-api-token"]
    assert doc["stats"]["below_confidence"] == 1
    code, out, _ = invoke(["history", "--format", "json", "-q"], repo, monkeypatch)
    assert rule_ids(json.loads(out)) == ["hex-api-token", "keyed-password"]


@pytest.mark.slow
def test_a_real_run_exits_on_high_confidence_findings_only(tmp_path: Path) -> None:
    write(tmp_path / "app" / "application.properties", PASSWORD_LINE)

    def exit_code(*args: str) -> int:
        command = [sys.executable, "-m", "hex_guard", "scan", "-q", *args, "app"]
        return subprocess.run(command, cwd=tmp_path, capture_output=True).returncode

    assert exit_code("--min-confidence", "high") == 0
    assert exit_code() == 1
    write(tmp_path / "app" / "settings.py", TOKEN_LINE)
    assert exit_code("--min-confidence", "high") == 1


# --- the config key ---------------------------------------------------------------------------


def config(root: Path, body: str) -> None:
    write(root / ".hex-guard.toml", f"[tool.hex-guard]\n{body}")


def test_config_min_confidence_filters_and_the_flag_overrides_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    two_findings(tmp_path)
    config(tmp_path, 'min-confidence = "high"\n')
    code, doc, _ = json_scan(["app"], tmp_path, monkeypatch)
    assert code == 1 and rule_ids(doc) == ["hex-api-token"]
    code, doc, _ = json_scan(["--min-confidence", "low", "app"], tmp_path, monkeypatch)
    assert rule_ids(doc) == ["hex-api-token", "keyed-password"]


@pytest.mark.parametrize("value", ['"certain"', '"HIGH"', "3", "true", '["high"]'])
def test_a_bad_min_confidence_names_the_file_and_key(
    value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    two_findings(tmp_path)
    config(tmp_path, f"min-confidence = {value}\n")
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "app"]) == 2
    err = capsys.readouterr().err
    assert ".hex-guard.toml" in err and "min-confidence: must be one of low, medium, high" in err


def test_config_command_shows_min_confidence_with_its_origin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = invoke(["config"], tmp_path, monkeypatch)
    assert code == 0 and 'min-confidence = "low"  # default' in out
    config(tmp_path, 'min-confidence = "medium"\n')
    code, out, _ = invoke(["config"], tmp_path, monkeypatch)
    assert 'min-confidence = "medium"  # .hex-guard.toml' in out


CUSTOM = """
[[tool.hex-guard.rules]]
id = "acme-key"
regex = '''acme_[0-9a-f]{{24}}'''
keywords = ["acme_"]
{extra}
"""
ACME_LINE = "key = acme_" + "0a1b2c3d4e5f" * 2 + "\n"


@pytest.mark.parametrize(("extra", "expected"), [("", "medium"), ('confidence = "high"', "high")])
def test_a_custom_rule_declares_its_confidence(
    extra: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "app" / "acme.cfg", ACME_LINE)
    config(tmp_path, CUSTOM.format(extra=extra))
    code, doc, _ = json_scan(["app"], tmp_path, monkeypatch)
    findings = doc["findings"]
    assert isinstance(findings, list)
    assert [(f["rule_id"], f["confidence"]) for f in findings] == [("acme-key", expected)]
    code, out, _ = invoke(["scan", "--format", "sarif", "app"], tmp_path, monkeypatch)
    assert code == 1
    rules = json.loads(out)["runs"][0]["tool"]["driver"]["rules"]
    assert [r["properties"]["precision"] for r in rules if r["id"] == "acme-key"] == [expected]


def test_a_custom_rules_bad_confidence_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "app" / "acme.cfg", ACME_LINE)
    config(tmp_path, CUSTOM.format(extra='confidence = "very-high"'))
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "app"]) == 2
    err = capsys.readouterr().err
    assert "rules[0].confidence: must be one of low, medium, high" in err


def test_fleet_rescans_when_the_minimum_confidence_changes(tmp_path: Path) -> None:
    import dataclasses

    from hex_guard.fleet import state

    base = Config(base_dir=str(tmp_path))
    high = dataclasses.replace(base, min_confidence=Confidence.HIGH)
    assert state.config_key(base, False) != state.config_key(high, False)
