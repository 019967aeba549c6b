"""The composite action's shell steps, run as GitHub would run them, on real repositories."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT, git, write

TOKEN = "hxtw_" + "0123456789abcdef" * 6
URI = "postgresql://etl:Rs8pW2qLx9@db.prod.acme.io:5432/dw"
ZEROS = "0" * 40
HEX_GUARD = str(Path(sys.executable).parent / "hex-guard")


def action() -> dict:
    return yaml.safe_load((REPO_ROOT / "action.yml").read_text())


def step(name: str) -> str:
    return next(s["run"] for s in action()["runs"]["steps"] if s.get("name") == name)


def run_step(
    name: str, cwd: Path, env: dict[str, str], tmp_path: Path
) -> tuple[int, dict[str, str], str]:
    output = tmp_path / "github_output"
    output.write_text("")
    bindir = str(Path(sys.executable).parent)
    proc = subprocess.run(
        ["bash", "-e", "-c", step(name)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "HEX_GUARD": HEX_GUARD,
            "HEX_GUARD_SUMMARY": "true",
            "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
            **env,
            "GITHUB_OUTPUT": str(output),
            "PATH": f"{bindir}:{os.environ['PATH']}",
        },
    )
    pairs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    return proc.returncode, pairs, proc.stdout + proc.stderr


def commit(repo: Path, name: str, body: str) -> str:
    write(repo / name, body)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", f"add {name}")
    return git(repo, "rev-parse", "HEAD").strip()


def test_action_inputs_are_documented() -> None:
    spec = action()
    assert set(spec["inputs"]) >= {"args", "sarif", "fail-on-findings", "summary"}
    assert spec["runs"]["using"] == "composite"


def test_upstream_actions_are_pinned_by_commit_and_leave_python_alone() -> None:
    steps = action()["runs"]["steps"]
    uses = [s["uses"] for s in steps if "uses" in s]
    assert {u.split("@")[0] for u in uses} == {
        "actions/setup-python",
        "github/codeql-action/upload-sarif",
    }
    assert all(re.fullmatch(r"[\w./-]+@[0-9a-f]{40}", u) for u in uses), uses
    text = (REPO_ROOT / "action.yml").read_text()
    for use in uses:  # each pin names the release it is, for the next person to bump it
        assert re.search(re.escape(use) + r" # v\d+\.\d+\.\d+", text)
    setup = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["update-environment"] is False


@pytest.mark.parametrize(("fail_on_findings", "expected"), [("true", 1), ("false", 0)])
def test_scan_and_decide_steps(
    repo: Path, tmp_path: Path, fail_on_findings: str, expected: int
) -> None:
    commit(repo, "app.py", f"T = '{TOKEN}'\n")
    env = {"HEX_GUARD_ARGS": "scan .", "HEX_GUARD_SARIF": "results.sarif", "BASE_REF": ""}
    code, outputs, log = run_step("Scan", repo, env, tmp_path)
    assert code == 0 and outputs["exit-code"] == "1" and outputs["upload"] == "true"
    assert "::error file=app.py,line=1" in log and TOKEN not in log
    assert json.loads((repo / "results.sarif").read_text())["runs"][0]["results"]
    code, _, _ = run_step(
        "Decide", repo, {"CODE": "1", "FAIL_ON_FINDINGS": fail_on_findings}, tmp_path
    )
    assert code == expected
    code, _, _ = run_step("Decide", repo, {"CODE": "2", "FAIL_ON_FINDINGS": "false"}, tmp_path)
    assert code == 2  # an error is never waved through


def _annotated_files(log: str) -> set[str]:
    return set(re.findall(r"::error file=([^,]+),", log))


def test_push_scans_only_the_pushed_commits(repo: Path, tmp_path: Path) -> None:
    before = commit(repo, "old.py", f"T = '{TOKEN}'\n")  # already on the remote: not this push's
    commit(repo, "README.md", "docs\n")
    after = commit(repo, "etl.py", f"DSN = '{URI}'\n")
    env = {"EVENT_NAME": "push", "PUSH_BEFORE": before, "PUSH_AFTER": after}
    code, outputs, log = run_step("Scan", repo, env, tmp_path)
    assert code == 0 and outputs["exit-code"] == "1"
    assert f"scan --diff {before}..{after}" in log
    assert _annotated_files(log) == {"etl.py"}


@pytest.mark.parametrize(
    "env",
    [
        {"EVENT_NAME": "push", "PUSH_BEFORE": ZEROS},  # a new branch
        {"EVENT_NAME": "push", "PUSH_BEFORE": "1" * 40},  # force-pushed away, not in the clone
        {"EVENT_NAME": "schedule"},
        {"EVENT_NAME": "workflow_dispatch"},
    ],
    ids=["new-branch", "before-missing", "schedule", "dispatch"],
)
def test_full_scan_when_there_is_no_range(repo: Path, tmp_path: Path, env: dict[str, str]) -> None:
    commit(repo, "old.py", f"T = '{TOKEN}'\n")
    after = commit(repo, "etl.py", f"DSN = '{URI}'\n")
    code, outputs, log = run_step("Scan", repo, {"PUSH_AFTER": after, **env}, tmp_path)
    assert code == 0 and outputs["exit-code"] == "1"
    assert "hex-guard scan ." in log
    assert _annotated_files(log) == {"old.py", "etl.py"}
    if env.get("PUSH_BEFORE", "").startswith("1"):
        assert "::notice title=hex-guard::the push's previous head" in log


def test_pull_request_scans_what_it_adds(repo: Path, tmp_path: Path) -> None:
    commit(repo, "old.py", f"T = '{TOKEN}'\n")
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    git(repo, "remote", "add", "origin", str(origin))
    git(repo, "push", "-q", "origin", "HEAD:refs/heads/main")
    git(repo, "checkout", "-qb", "feature")
    commit(repo, "etl.py", f"DSN = '{URI}'\n")
    env = {"EVENT_NAME": "pull_request", "BASE_REF": "main"}
    code, outputs, log = run_step("Scan", repo, env, tmp_path)
    assert code == 0 and outputs["exit-code"] == "1"
    assert _annotated_files(log) == {"etl.py"}


@pytest.mark.parametrize(("head_repo", "upload"), [("someone/fork", "false"), ("org/x", "true")])
def test_sarif_upload_skipped_on_fork_pull_requests(
    repo: Path, tmp_path: Path, head_repo: str, upload: str
) -> None:
    commit(repo, "app.py", f"T = '{TOKEN}'\n")
    env = {
        "HEX_GUARD_ARGS": "scan .",
        "HEX_GUARD_SARIF": "results.sarif",
        "HEAD_REPO": head_repo,
        "THIS_REPO": "org/x",
    }
    code, outputs, log = run_step("Scan", repo, env, tmp_path)
    assert code == 0 and outputs["upload"] == upload
    assert ("SARIF upload skipped" in log) is (upload == "false")
    upload_step = next(s for s in action()["runs"]["steps"] if s.get("name") == "Upload SARIF")
    assert "steps.scan.outputs.upload == 'true'" in upload_step["if"]


def test_no_upload_when_the_scan_failed(repo: Path, tmp_path: Path) -> None:
    env = {"HEX_GUARD_ARGS": "scan --diff nosuch..HEAD", "HEX_GUARD_SARIF": "results.sarif"}
    code, outputs, _ = run_step("Scan", repo, env, tmp_path)
    assert code == 0 and outputs["exit-code"] == "2" and outputs["upload"] == "false"


def test_job_summary_lists_findings_redacted(repo: Path, tmp_path: Path) -> None:
    commit(repo, "app.py", f"T = '{TOKEN}'\n")
    run_step("Scan", repo, {"HEX_GUARD_ARGS": "scan ."}, tmp_path)
    summary = (tmp_path / "summary.md").read_text()
    assert "| severity | confidence | rule | location |" in summary
    assert "`app.py:1:6`" in summary and "hex-api-token" in summary
    assert TOKEN not in summary and "hxtw_" in summary


def test_sarif_uris_are_relative_to_the_repository_root(repo: Path, tmp_path: Path) -> None:
    commit(repo, "pkg/app.py", f"T = '{TOKEN}'\n")
    env = {"HEX_GUARD_ARGS": "scan .", "HEX_GUARD_SARIF": "../results.sarif"}
    run_step("Scan", repo / "pkg", env, tmp_path)
    result = json.loads((repo / "results.sarif").read_text())["runs"][0]["results"][0]
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == "pkg/app.py"
