"""Fail closed while listing a tree (red team 3, 4 and 12): a directory that cannot be read,
a tree too deep to name, a socket or a device among the files. Each is named in the summary
as not scanned, counted in `stats.files_skipped`, and the rest of the tree is scanned."""

from __future__ import annotations

import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from hex_guard.main import main
from hex_guard.rules.fake import fake
from tests.conftest import git, write

GITHUB = "ghp_" + fake("walk", 36)
LINE = f"GITHUB_TOKEN={GITHUB}\n"
NOBODY = 65534


def _scan(
    cwd: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, dict, str]:
    monkeypatch.chdir(cwd)
    code = main(["scan", ".", "--format", "json"])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


# --- a socket or a device with no driver (red team 4) ------------------------------------------


def test_a_socket_is_named_and_its_siblings_scanned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "a.txt", LINE)
    monkeypatch.chdir(tmp_path)  # a relative name: AF_UNIX paths are short
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind("app.sock")
        code, doc, err = _scan(tmp_path, monkeypatch, capsys)
    assert code == 1 and [f["path"] for f in doc["findings"]] == ["a.txt"]
    assert doc["skipped"] == [{"path": "app.sock", "reason": "not a regular file"}]
    assert "hex-guard:   app.sock: not a regular file" in err


def test_a_device_with_no_driver_is_named_and_its_siblings_scanned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "a.txt", LINE)
    try:
        os.mknod(tmp_path / "ttyX", 0o600 | 0o020000, os.makedev(5, 0))  # S_IFCHR, /dev/tty
    except (PermissionError, AttributeError):
        pytest.skip("making a device node needs root")
    code, doc, _ = _scan(tmp_path, monkeypatch, capsys)
    assert code == 1 and [f["path"] for f in doc["findings"]] == ["a.txt"]
    assert doc["skipped"] == [{"path": "ttyX", "reason": "not a regular file"}]


# --- an unreadable directory (red team 3) --------------------------------------------------------


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory a dropped-privilege run can reach (pytest's tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="hex-guard-walk-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        for here, dirs, _ in os.walk(path):
            for name in dirs:
                os.chmod(os.path.join(here, name), 0o755)
        shutil.rmtree(path)


@functools.cache
def _cannot_run_as(drop: tuple[str, ...]) -> str:
    """Why this interpreter fails to start under `drop` (empty if it starts)."""
    proc = subprocess.run([*drop, sys.executable, "-c", "pass"], capture_output=True, text=True)
    lines = proc.stderr.strip().splitlines() or [f"exit code {proc.returncode}"]
    return "" if proc.returncode == 0 else lines[-1][:200]


def _as_reader(cwd: Path) -> subprocess.CompletedProcess[str]:
    """`hex-guard scan .` as a user a mode-000 directory stops: root drops to nobody."""
    env = {**os.environ, "HOME": str(cwd), "HEX_GUARD_CACHE_DIR": ""}
    # Under CI's coverage run the child would write its data file beside root's, which nobody
    # may: it died with a traceback before scanning. The child runs unmeasured.
    env = {k: v for k, v in env.items() if not k.startswith("COVERAGE_")}
    drop: list[str] = []
    if os.geteuid() == 0:
        # As the red team's repro does: subprocess's `user=` could not exec this interpreter
        # (it lives under /root), setpriv can.
        if shutil.which("setpriv") is None:
            pytest.skip("root reads a mode-000 directory, and setpriv is missing to drop that")
        for here, dirs, files in os.walk(cwd):
            for name in (*dirs, *files):
                os.lchown(os.path.join(here, name), NOBODY, NOBODY)
        os.chown(cwd, NOBODY, NOBODY)
        drop = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        reason = _cannot_run_as(tuple(drop))
        if reason:
            # CI's Python 3.12 is a pyenv build whose libpython lies under /root.
            pytest.skip(f"this interpreter does not start as nobody: {reason}")
    command = [*drop, sys.executable, "-m", "hex_guard", "scan", ".", "--format", "json"]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)


def _locked_tree(root: Path) -> None:
    write(root / "a.txt", LINE)
    write(root / "sub" / "c.txt", "x = 1\n")
    write(root / "sub" / "deeper" / "d.txt", "y = 2\n")


def _lock(directory: Path) -> None:
    directory.chmod(0)
    if os.access(directory, os.R_OK) and os.geteuid() != 0:
        pytest.skip("this user reads a mode-000 directory anyway")


@pytest.mark.parametrize("in_git", [False, True], ids=["walk", "git"])
def test_an_unreadable_directory_is_named_and_counted(shared_dir: Path, in_git: bool) -> None:
    _locked_tree(shared_dir)
    if in_git:
        git(shared_dir, "init", "-q")
    _lock(shared_dir / "sub")
    proc = _as_reader(shared_dir)
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert [f["path"] for f in doc["findings"]] == ["a.txt"]
    skip = {"path": "sub/", "reason": "directory not read (Permission denied)"}
    assert doc["skipped"] == [skip] and doc["stats"]["files_skipped"] == 1
    assert "hex-guard:   sub/: directory not read (Permission denied)" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("in_git", [False, True], ids=["walk", "git"])
def test_an_unreadable_directory_below_a_named_subdirectory(shared_dir: Path, in_git: bool) -> None:
    # git names the directory from the top of the work tree, the summary from the run's.
    _locked_tree(shared_dir / "pkg")
    if in_git:
        git(shared_dir, "init", "-q")
    _lock(shared_dir / "pkg" / "sub")
    proc = _as_reader(shared_dir / "pkg")
    doc = json.loads(proc.stdout)
    assert [s["path"] for s in doc["skipped"]] == ["sub/"], proc.stderr


# --- a tree deeper than a path can name (red team 12) ------------------------------------------


def _deep_tree(root: Path, depth: int, files_at: tuple[int, ...]) -> None:
    """`depth` nested `dd` directories, a token file at each level in `files_at` and at the
    bottom. Made through relative names: the full paths are longer than PATH_MAX."""
    fd = os.open(root, os.O_RDONLY)
    try:
        for level in range(1, depth + 1):
            os.mkdir("dd", dir_fd=fd)
            below = os.open("dd", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = below
            if level in files_at or level == depth:
                made = os.open("s.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
                os.write(made, LINE.encode())
                os.close(made)
    finally:
        os.close(fd)


@pytest.mark.parametrize("in_git", [False, True], ids=["walk", "git"])
def test_a_tree_deeper_than_a_path_can_name_is_scanned_and_named(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    in_git: bool,
) -> None:
    # Above Python's recursion limit long before paths run out (the walk, the config lookup).
    _deep_tree(tmp_path, 2100, files_at=(5, 600))
    if in_git:
        git(tmp_path, "init", "-q")
    try:
        code, doc, err = _scan(tmp_path, monkeypatch, capsys)
    finally:
        monkeypatch.chdir("/")
        subprocess.run(["rm", "-rf", str(tmp_path)], check=False)  # shutil.rmtree: too long
    assert code == 1
    assert {f["line"] for f in doc["findings"]} == {1} and len(doc["findings"]) == 2
    (skip,) = doc["skipped"]
    assert skip["path"].startswith("dd/dd/") and skip["path"].endswith("/")
    assert skip["reason"] == "directory not read (File name too long)"
    assert "internal error" not in err
