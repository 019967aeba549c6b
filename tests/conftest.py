"""Shared fixtures: isolated git (no user config, no inherited GIT_* variables) and repo helpers."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from hypothesis import settings

from tests.gitrepo import git, new_repo, write

__all__ = ["REPO_ROOT", "git", "write"]

# Derandomized so CI is reproducible; properties still run many generated cases.
settings.register_profile("ci", derandomize=True, max_examples=150, deadline=None)
settings.load_profile("ci")

REPO_ROOT = Path(__file__).resolve().parent.parent

# Engines built while tests are collected compile without the prefilter cache, so the suite
# never writes to the developer's cache directory (tests get a session cache: `isolated_git`).
os.environ["HEX_GUARD_CACHE_DIR"] = ""

# A runner started in the background by a shell without job control (`cmd &`, a CI agent) has
# SIGINT ignored, and an ignored signal stays ignored across exec: every hex-guard the Ctrl-C
# tests start would then shrug off the SIGINT they send. Give the suite, and through it each
# child, the disposition of a terminal's foreground job.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True)
def isolated_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's git config or a GIT_DIR leaking from a hook."""
    for name in list(os.environ):
        if name.startswith("GIT_") or name.startswith("PRE_COMMIT"):
            monkeypatch.delenv(name)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "test@example.invalid")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "test@example.invalid")
    monkeypatch.setenv("NO_COLOR", "1")
    # One prefilter cache for the session, never the developer's (each test has its own HOME).
    monkeypatch.setenv("HEX_GUARD_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return new_repo(tmp_path / "repo")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that runs the real pre-commit framework on the hook (the `hook_repo` fixture:
    pre-commit builds a virtualenv, tens of seconds) is marked slow, so `-m "not slow"` (the
    quick run, land.sh) leaves every one of them out (issue 11). An unmarked one stops the run."""
    unmarked = [
        item.nodeid
        for item in items
        if "hook_repo" in getattr(item, "fixturenames", ())
        and item.get_closest_marker("slow") is None
    ]
    if unmarked:
        raise pytest.UsageError(
            "tests using the real pre-commit hook must be @pytest.mark.slow: " + ", ".join(unmarked)
        )


SHIPPED = ("hex_guard", "pyproject.toml", "README.md", ".pre-commit-hooks.yaml")


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("hook-repo")
    for name in SHIPPED:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, path / name)
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
        "PATH": "/usr/bin:/bin",
        "HOME": str(path),
    }
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "snapshot"]):
        subprocess.run(["git", *args], cwd=path, check=True, env=env, capture_output=True)
    sha = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=path, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()
    return path, sha
