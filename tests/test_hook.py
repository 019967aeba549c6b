"""The hook through the real pre-commit framework, against consumer repositories in tmp_path.

pre-commit builds the hook's virtualenv from a snapshot of this working tree (committed in a temp
repository), once per test session.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import git, write

TOKEN = "hxtw_" + "0123456789abcdef" * 6


@pytest.fixture
def consumer(
    repo: Path,
    hook_repo: tuple[Path, str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path_factory.getbasetemp() / "pre-commit-home"))
    path, sha = hook_repo
    write(
        repo / ".pre-commit-config.yaml",
        f"repos:\n  - repo: {path}\n    rev: {sha}\n    hooks:\n      - id: hex-guard\n",
    )
    write(repo / "README.md", "clean\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "init")
    return repo


def pre_commit(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args], cwd=cwd, capture_output=True, text=True
    )


@pytest.mark.slow
def test_commit_with_token_is_blocked_and_clean_commit_passes(consumer: Path) -> None:
    assert pre_commit(consumer, "install").returncode == 0
    write(consumer / "app" / "settings.py", f'HEX_API_TOKEN = "{TOKEN}"\n')
    git(consumer, "add", "app/settings.py")
    blocked = subprocess.run(
        ["git", "commit", "-m", "add settings"], cwd=consumer, capture_output=True, text=True
    )
    assert blocked.returncode == 1
    assert "hex-api-token" in blocked.stdout + blocked.stderr
    assert TOKEN not in blocked.stdout + blocked.stderr
    assert git(consumer, "log", "--oneline").count("\n") == 1

    write(consumer / "app" / "settings.py", 'HEX_API_TOKEN = os.environ["HEX_API_TOKEN"]\n')
    git(consumer, "add", "app/settings.py")
    ok = subprocess.run(
        ["git", "commit", "-m", "add settings"], cwd=consumer, capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr


@pytest.mark.slow
def test_all_files_and_files_modes_find_committed_token(
    consumer: Path, hook_repo: tuple[Path, str]
) -> None:
    write(consumer / ".env", f"HEX_API_TOKEN={TOKEN}\n")
    git(consumer, "add", ".env")
    git(consumer, "commit", "-qm", "sneak it in", "--no-verify")
    everything = pre_commit(consumer, "run", "--all-files")
    assert everything.returncode == 1 and ".env:1:15 hex-api-token" in everything.stdout
    one = pre_commit(consumer, "try-repo", str(hook_repo[0]), "hex-guard", "--files", ".env")
    assert one.returncode == 1 and "hex-api-token" in one.stdout
    clean = pre_commit(consumer, "try-repo", str(hook_repo[0]), "hex-guard", "--files", "README.md")
    assert clean.returncode == 0, clean.stdout
