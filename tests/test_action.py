"""The composite action's shell steps, run as GitHub would run them, on a real repository."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT, git, write

TOKEN = "hxtw_" + "0123456789abcdef" * 6


def step(name: str) -> str:
    action = yaml.safe_load((REPO_ROOT / "action.yml").read_text())
    return next(s["run"] for s in action["runs"]["steps"] if s.get("name") == name)


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
            **env,
            "GITHUB_OUTPUT": str(output),
            "PATH": f"{bindir}:{os.environ['PATH']}",
        },
    )
    pairs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    return proc.returncode, pairs, proc.stdout + proc.stderr


def test_action_inputs_are_documented() -> None:
    action = yaml.safe_load((REPO_ROOT / "action.yml").read_text())
    assert set(action["inputs"]) >= {"args", "sarif", "fail-on-findings"}
    assert action["runs"]["using"] == "composite"


@pytest.mark.parametrize(("fail_on_findings", "expected"), [("true", 1), ("false", 0)])
def test_scan_and_decide_steps(
    repo: Path, tmp_path: Path, fail_on_findings: str, expected: int
) -> None:
    write(repo / "app.py", f"T = '{TOKEN}'\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "leak")
    env = {"HEX_GUARD_ARGS": "scan .", "HEX_GUARD_SARIF": "results.sarif", "BASE_REF": ""}
    code, outputs, log = run_step("Scan", repo, env, tmp_path)
    assert code == 0 and outputs["exit-code"] == "1"
    assert "::error file=app.py,line=1" in log and TOKEN not in log
    assert json.loads((repo / "results.sarif").read_text())["runs"][0]["results"]
    code, _, _ = run_step(
        "Decide", repo, {"CODE": "1", "FAIL_ON_FINDINGS": fail_on_findings}, tmp_path
    )
    assert code == expected
    code, _, _ = run_step("Decide", repo, {"CODE": "2", "FAIL_ON_FINDINGS": "false"}, tmp_path)
    assert code == 2  # an error is never waved through
