"""GitLab reports, validated against GitLab's own schemas on file, diff-range and history scans.

- secret detection: GitLab's security report schema 15.2.5, the copy in
  tests/schemas/secret-detection-report-format-15.2.5.json (gitlab-org/security-products/
  security-report-schemas, dist/secret-detection-report-format.json at v15.2.5, as vendored by
  openctemio/ci at 065a15e7e33f6d358c2d09f0643d8efd173b3640,
  internal/gitlab/testdata/schemas/v15.2.5/).
- Code Quality: GitLab publishes no schema; tests/schemas/gitlab-code-quality.schema.json encodes
  the required fields of its documentation table (see the schema's description).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from hex_guard.main import main
from tests.conftest import REPO_ROOT, git, write

SCHEMAS = Path(__file__).parent / "schemas"
TOKEN = "hxtw_" + "0123456789abcdef" * 6
URI = "postgresql://etl:Rs8pW2qLx9@db.prod.acme.io:5432/dw"


def _validator(name: str) -> jsonschema.Draft7Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


SECRET_DETECTION = _validator("secret-detection-report-format-15.2.5.json")
CODE_QUALITY = _validator("gitlab-code-quality.schema.json")


def _assert_valid(validator: jsonschema.Draft7Validator, document: Any) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == []


def _report(
    cwd: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, Any, str]:
    monkeypatch.chdir(cwd)
    code = main([*args, "-q"])
    out = capsys.readouterr().out
    return code, json.loads(out), out


@pytest.fixture
def leaky_repo(repo: Path) -> Path:
    write(repo / "README.md", "hello\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "tag", "base")
    write(repo / "app" / "settings.py", f"TOKEN = '{TOKEN}'\n")
    write(repo / "etl" / "load.py", f"DSN = '{URI}'\n")
    write(repo / "big.txt", "x" * 4096 + "\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "leak")
    return repo


SCANS = {
    "files": ["scan", "--max-file-size", "1024", "."],
    "diff": ["scan", "--diff", "base..HEAD"],
    "history": ["history", "-j", "1"],
}


@pytest.mark.parametrize("scan", SCANS)
def test_secret_detection_report_matches_gitlab_schema(
    leaky_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], scan: str
) -> None:
    code, doc, out = _report(
        leaky_repo, monkeypatch, capsys, *SCANS[scan], "--format", "gitlab-secret-detection"
    )
    assert code == 1
    _assert_valid(SECRET_DETECTION, doc)
    assert doc["version"] == "15.2.5" and doc["scan"]["type"] == "secret_detection"
    vulns = doc["vulnerabilities"]
    assert {v["identifiers"][0]["value"] for v in vulns} == {"hex-api-token", "db-uri-password"}
    assert {v["location"]["file"] for v in vulns} == {"app/settings.py", "etl/load.py"}
    assert len({v["id"] for v in vulns}) == len(vulns)
    head = git(leaky_repo, "rev-parse", "HEAD").strip()
    shas = {v["location"]["commit"]["sha"] for v in vulns}
    assert shas == ({"0000000"} if scan == "files" else {head})
    assert TOKEN not in out and "Rs8pW2qLx9" not in out
    if scan == "files":  # the file not scanned is named, not only counted
        assert any("big.txt" in m["value"] for m in doc["scan"]["messages"])


@pytest.mark.parametrize("scan", SCANS)
def test_code_quality_report_matches_gitlab_fields(
    leaky_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], scan: str
) -> None:
    code, doc, out = _report(leaky_repo, monkeypatch, capsys, *SCANS[scan], "--format", "gitlab")
    assert code == 1
    _assert_valid(CODE_QUALITY, doc)
    assert sorted(i["location"]["path"] for i in doc) == ["app/settings.py", "etl/load.py"]
    assert {i["severity"] for i in doc} <= {"critical", "blocker"}
    assert all(i["location"]["lines"]["begin"] == 1 for i in doc)
    assert TOKEN not in out and "Rs8pW2qLx9" not in out


def test_paths_are_repository_relative_from_a_subdirectory(
    leaky_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _, doc, _ = _report(leaky_repo / "app", monkeypatch, capsys, "scan", "--format", "gitlab")
    assert [i["location"]["path"] for i in doc] == ["app/settings.py"]


def test_clean_scan_is_valid_and_empty(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo / "ok.py", "x = 1\n")
    code, doc, _ = _report(repo, monkeypatch, capsys, "scan", "--format", "gitlab")
    assert code == 0 and doc == []
    code, doc, _ = _report(repo, monkeypatch, capsys, "scan", "--format", "gitlab-secret-detection")
    assert code == 0 and doc["vulnerabilities"] == []
    _assert_valid(SECRET_DETECTION, doc)


def test_demo_tree_every_rule_is_valid(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = REPO_ROOT / "fixtures"
    demo_scan = ("scan", "--config", "pyproject.toml", "demo-data-repo")  # fixtures/ own config
    _, doc, _ = _report(demo, monkeypatch, capsys, *demo_scan, "--format", "gitlab-secret-detection")
    _assert_valid(SECRET_DETECTION, doc)
    assert len(doc["vulnerabilities"]) >= 10
    _, doc, _ = _report(demo, monkeypatch, capsys, *demo_scan, "--format", "gitlab")
    _assert_valid(CODE_QUALITY, doc)


def test_show_secrets_is_the_only_way_to_the_value(
    leaky_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for fmt in ("gitlab", "gitlab-secret-detection"):
        _, _, out = _report(leaky_repo, monkeypatch, capsys, "scan", "--format", fmt,
                            "--show-secrets", "app")
        assert TOKEN in out
