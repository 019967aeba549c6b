"""Real git repositories for tests: make one, commit files to it, run the CLI over it.

One copy for every test module (issue 11: the git, fail-closed and fleet tests each carried
their own). Git runs under the isolated environment `conftest.isolated_git` sets up.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from hex_guard.main import main

# Shaped like Hex workspace and personal tokens; test material only (tests/ is allowlisted).
TOKEN = "hxtw_" + "0123456789abcdef" * 6
OTHER = "hxtp_" + "fedcba9876543210" * 6


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def new_repo(path: Path) -> Path:
    """An empty repository on branch `main` at `path` (created, parents too)."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "commit.gpgsign", "false")
    return path


def commit(
    repo: Path,
    message: str,
    files: Mapping[str, str | bytes] | None = None,
    remove: tuple[str, ...] = (),
) -> str:
    """Write `files`, remove `remove`, commit everything staged (hooks skipped); the new sha."""
    for name, text in (files or {}).items():
        write(repo / name, text)
        git(repo, "add", "--", name)
    for name in remove:
        git(repo, "rm", "-q", "--", name)
    git(repo, "commit", "-q", "--allow-empty", "--no-verify", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def run_json(
    cwd: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, dict[str, Any], str]:
    """`hex-guard ARGS --format json` in-process from `cwd`: exit code, report, stderr."""
    monkeypatch.chdir(cwd)
    code = main([*args, "--format", "json"])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else {}), err


def hex_guard_command(*args: str) -> list[str]:
    """The command line that runs this checkout's hex-guard in a child process."""
    return [sys.executable, "-m", "hex_guard", *args]
