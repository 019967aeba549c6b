"""Every git call hex-guard makes goes through this module.

Output is always NUL-separated (`-z`), so paths with spaces, newlines or non-ASCII bytes survive.
The environment is passed through untouched: inside `git commit <path>` git points
GIT_INDEX_FILE at a temporary index, and stripping it would scan the wrong content.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence

from hex_guard.errors import GitError

_BASE = ("git", "-c", "core.quotePath=false")


def run(args: Sequence[str], cwd: str) -> bytes:
    """Run git and return stdout; a failure raises GitError with git's own first error line.

    stdout is never put into a message: for commands such as `git show` it is file content.
    """
    try:
        proc = subprocess.run([*_BASE, *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise GitError("git is not installed or not on PATH") from exc
    if proc.returncode != 0:
        reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = reason[0] if reason else f"exit code {proc.returncode}"
        raise GitError(f"git {args[0]} failed in {cwd}: {detail}")
    return proc.stdout


def split_z(output: bytes) -> list[str]:
    return [os.fsdecode(p) for p in output.split(b"\0") if p]


def list_files(directory: str) -> list[str]:
    """Files git tracks under `directory` plus untracked ones it does not ignore.

    Paths are relative to `directory`. Deleted-but-tracked files are dropped by the caller when
    they are missing on disk.
    """
    out = run(["ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=directory)
    return sorted(set(split_z(out)))
