"""Sources: turn what the user named into scan targets and targets into fragments.

A target is one file on disk with the two names the rest of the pipeline needs: its repo-relative
POSIX path (rules, fingerprints, excludes) and its display path (reports).
"""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from hex_guard import git
from hex_guard.detect import Fragment
from hex_guard.errors import GitError, InputError

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
BINARY_SNIFF = 8192


@dataclass(frozen=True)
class Target:
    fs_path: str
    repo_path: str
    display_path: str


@dataclass(frozen=True)
class Skip:
    display_path: str
    reason: str


@cache
def repo_root(directory: str) -> str | None:
    """The nearest enclosing directory holding `.git` (a directory, or a file for worktrees)."""
    current = directory
    while True:
        if os.path.lexists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _posix(path: str) -> str:
    return path.replace(os.sep, "/") if os.sep != "/" else path


def make_target(fs_path: str, cwd: str) -> Target:
    absolute = os.path.abspath(fs_path)
    root = repo_root(os.path.dirname(absolute)) or cwd
    return Target(
        fs_path=absolute,
        repo_path=_posix(os.path.relpath(absolute, root)),
        display_path=_posix(os.path.relpath(absolute, cwd)),
    )


def _walk(directory: str) -> Iterator[str]:
    for dirpath, dirnames, filenames in os.walk(directory):
        dirnames[:] = sorted(d for d in dirnames if d != ".git")
        for name in sorted(filenames):
            yield os.path.join(dirpath, name)


def _directory_files(directory: str) -> Iterator[str]:
    if repo_root(os.path.abspath(directory)) is None:
        yield from _walk(directory)
        return
    try:
        names = git.list_files(directory)
    except GitError:
        # Listing through git failed (e.g. git missing): a walk scans a superset, never less.
        yield from _walk(directory)
        return
    for name in names:
        yield os.path.join(directory, name)


def collect(paths: Iterable[str], cwd: str) -> Iterator[Target]:
    """Targets for the named files and directories, each file once, in a stable order."""
    seen: set[str] = set()
    for path in paths:
        if not os.path.lexists(path):
            raise InputError(f"no such file or directory: {path}")
        if os.path.isdir(path) and not os.path.islink(path):
            files: Iterable[str] = _directory_files(path)
        else:
            files = (path,)
        for file in files:
            target = make_target(file, cwd)
            if target.fs_path not in seen:
                seen.add(target.fs_path)
                yield target


def _decode_utf16(data: bytes) -> bytes | None:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16").encode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            return None
    return None


def load(target: Target, max_size: int) -> Fragment | Skip | None:
    """Read one target. None: it vanished (deleted but still tracked), nothing to scan."""
    try:
        st = os.lstat(target.fs_path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"cannot read {target.display_path}: {exc.strerror}") from exc
    if stat.S_ISLNK(st.st_mode):
        return Skip(target.display_path, "symlink")
    if not stat.S_ISREG(st.st_mode):
        return Skip(target.display_path, "not a regular file")
    if st.st_size > max_size:
        return Skip(target.display_path, f"larger than {max_size} bytes")
    try:
        with open(target.fs_path, "rb") as handle:
            data = handle.read(max_size + 1)
    except OSError as exc:
        raise InputError(f"cannot read {target.display_path}: {exc.strerror}") from exc
    return fragment_from_bytes(target.repo_path, target.display_path, data, max_size)


def fragment_from_bytes(
    repo_path: str, display_path: str, data: bytes, max_size: int
) -> Fragment | Skip:
    """Classify raw content: text (UTF-8, even invalid), UTF-16 with a BOM, or binary."""
    if len(data) > max_size:
        return Skip(display_path, f"larger than {max_size} bytes")
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    elif b"\0" in data[:BINARY_SNIFF]:
        decoded = _decode_utf16(data)
        if decoded is None:
            return Skip(display_path, "binary")
        data = decoded
    return Fragment(repo_path, display_path, data)
