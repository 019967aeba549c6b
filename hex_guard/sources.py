"""Sources: turn what the user named into scan targets and targets into fragments.

A target is one file on disk with the two names the rest of the pipeline needs: its repo-relative
POSIX path (rules, fingerprints, excludes) and its display path (reports).
"""

from __future__ import annotations

import codecs
import errno
import itertools
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from hex_guard.errors import GitError, InputError
from hex_guard.git import repo_root
from hex_guard.records import Found, Fragment, Outcome, Plan, Skip, SkipReason, Target, Unit

if TYPE_CHECKING:
    from hex_guard.scan import Scope

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
BINARY_SNIFF = 8192


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
    """Relative POSIX names of every file below `directory`, never entering .git."""
    for dirpath, dirnames, filenames in os.walk(directory):
        dirnames[:] = sorted(d for d in dirnames if d != ".git")
        rel_dir = _posix(os.path.relpath(dirpath, directory))
        prefix = "" if rel_dir == "." else rel_dir + "/"
        for name in sorted(filenames):
            yield prefix + name


def _directory_names(directory: str, in_git: bool) -> Iterable[str]:
    if not in_git:
        return _walk(directory)
    from hex_guard import git  # a hook run names files and never lists a directory

    try:
        if git.is_ignored(directory):
            # The user named it: what they name is scanned. Ignore rules only prune a walk.
            return _walk(directory)
        return git.list_files(directory)
    except GitError:
        # Listing through git failed (e.g. git missing): a walk scans a superset, never less.
        return _walk(directory)


def _join(prefix: str, name: str) -> str:
    return name if prefix == "." else f"{prefix}/{name}"


def _directory_targets(directory: str, cwd: str) -> Iterator[Target]:
    # Paths are built by joining strings once per directory, not per file: on a tree of tens of
    # thousands of files, per-file relpath/abspath calls cost more than the scanning itself.
    absolute = os.path.abspath(directory)
    root = repo_root(absolute)
    repo_prefix = _posix(os.path.relpath(absolute, root or cwd))
    display_prefix = _posix(os.path.relpath(absolute, cwd))
    for name in _directory_names(directory, root is not None):
        yield Target(
            fs_path=os.path.join(absolute, name),
            repo_path=_join(repo_prefix, name),
            display_path=_join(display_prefix, name),
        )


def collect(paths: Iterable[str], cwd: str) -> Iterator[Target]:
    """Targets for the named files and directories, each file once, in a stable order."""
    seen: set[str] = set()
    for path in paths:
        if not os.path.lexists(path):
            raise InputError(f"no such file or directory: {path}")
        if os.path.isdir(path) and not os.path.islink(path):
            targets: Iterable[Target] = _directory_targets(path, cwd)
        else:
            targets = (make_target(path, cwd),)
        for target in targets:
            if target.fs_path not in seen:
                seen.add(target.fs_path)
                yield target


# UTF-32 first: its little-endian BOM (FF FE 00 00) begins with UTF-16's (FF FE).
_WIDE_BOMS = (
    ((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE), "utf-32"),
    ((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE), "utf-16"),
)
_WIDE_PREFIXES = tuple(bom for boms, _ in _WIDE_BOMS for bom in boms)


def _decode_wide(data: bytes) -> bytes | None:
    """UTF-32 or UTF-16 text with a BOM, as UTF-8; None when it is neither."""
    for boms, codec in _WIDE_BOMS:
        if data.startswith(boms):
            try:
                return data.decode(codec).encode("utf-8", "surrogatepass")
            except UnicodeDecodeError:
                continue  # FF FE 00 00 may also be UTF-16 starting with U+0000
    return None


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
_HAS_NOFOLLOW = hasattr(os, "O_NOFOLLOW")


def _read_all(fd: int, size: int, limit: int) -> bytes:
    chunks = []
    remaining = min(size, limit) + 1  # one byte more tells a file that grew past the limit
    while remaining > 0:
        chunk = os.read(fd, remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


# Files above WINDOW bytes are scanned in windows of that size that overlap by OVERLAP bytes
# (whole lines where there are any): memory stays bounded when --max-file-size is raised (a 1 GB
# file read whole took 3 GB). The overlap is far longer than any secret a rule matches (a PEM
# key is ~3 KB), so one straddling a boundary is whole in the next window.
WINDOW = 8 * 1024 * 1024
OVERLAP = 64 * 1024


def load_parts(target: Target, max_size: int) -> Iterator[Fragment | Skip]:
    """Read one target: one fragment, consecutive overlapping windows of a large text file, or
    a Skip (a file that vanished after it was listed is MISSING)."""
    if not _HAS_NOFOLLOW and os.path.islink(target.fs_path):
        yield Skip(target.display_path, SkipReason.SYMLINK)
        return
    try:
        fd = os.open(target.fs_path, _OPEN_FLAGS)
    except FileNotFoundError:
        yield Skip(target.display_path, SkipReason.MISSING)
        return
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            yield Skip(target.display_path, SkipReason.SYMLINK)
            return
        raise InputError(f"cannot read {target.display_path}: {exc.strerror}") from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            yield Skip(target.display_path, SkipReason.NOT_REGULAR)
        elif st.st_size > max_size:
            yield Skip(target.display_path, SkipReason.TOO_LARGE, max_size)
        elif st.st_size <= WINDOW:
            data = _read_all(fd, st.st_size, max_size)
            yield fragment_from_bytes(target.repo_path, target.display_path, data, max_size)
        else:
            yield from _windows(fd, target, max_size)
    except OSError as exc:
        raise InputError(f"cannot read {target.display_path}: {exc.strerror}") from exc
    finally:
        os.close(fd)


def _windows(fd: int, target: Target, max_size: int) -> Iterator[Fragment | Skip]:
    head = _read_all(fd, WINDOW, WINDOW - 1)
    first = fragment_from_bytes(target.repo_path, target.display_path, head, max_size)
    if isinstance(first, Skip) or head.startswith(_WIDE_PREFIXES):
        if isinstance(first, Skip):
            yield first
        else:  # UTF-16/32 text: decoded whole (bounded by --max-file-size)
            rest = _read_all(fd, max_size, max_size - len(head))
            yield fragment_from_bytes(target.repo_path, target.display_path, head + rest, max_size)
        return
    buffer, line, total = first.data, 1, len(head)
    for window in itertools.count():
        yield Fragment(target.repo_path, target.display_path, buffer, line, window=window)
        more = _read_all(fd, WINDOW, WINDOW - 1) if total <= max_size else b""
        if not more:
            return
        total += len(more)
        if total > max_size:  # it grew while we read it
            yield Skip(target.display_path, SkipReason.TOO_LARGE, max_size)
            return
        tail = max(0, len(buffer) - OVERLAP)
        cut = buffer.find(b"\n", tail) + 1 or tail
        line += buffer.count(b"\n", 0, cut)
        buffer = buffer[cut:] + more


def fragment_from_bytes(
    repo_path: str, display_path: str, data: bytes, max_size: int
) -> Fragment | Skip:
    """Classify raw content: text (UTF-8, even invalid), UTF-16 or UTF-32 with a BOM, or
    binary."""
    if len(data) > max_size:
        return Skip(display_path, SkipReason.TOO_LARGE, max_size)
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    elif b"\0" in data[:BINARY_SNIFF]:
        decoded = _decode_wide(data)
        if decoded is None:
            return Skip(display_path, SkipReason.BINARY)
        data = decoded
    return Fragment(repo_path, display_path, data)


# Below this many files a process pool costs more than it saves (a hook run stays serial).
PARALLEL_MIN_FILES = 400


class Paths:
    """Source: the files and directories the user named (`hex-guard scan PATH...`).

    In a git work tree a directory means the files git tracks plus untracked ones it does not
    ignore; outside git every file below it but `.git/`.
    """

    def __init__(self, paths: Sequence[str], cwd: str | None = None) -> None:
        self.paths = tuple(paths)
        self.cwd = cwd if cwd is not None else os.getcwd()

    def plan(self, scope: Scope) -> Plan:
        targets = [t for t in collect(self.paths, self.cwd) if not scope.excluded(t.fs_path)]
        large = len(targets) >= PARALLEL_MIN_FILES
        count = scope.jobs * 8 if large else 1
        return Plan(_chunks(targets, count), large=large, parallel=large)

    def read(self, batch: list[Target], max_size: int) -> Iterator[Unit | Skip]:
        for target in batch:
            for loaded in load_parts(target, max_size):
                yield Unit(loaded, target.fs_path) if isinstance(loaded, Fragment) else loaded

    def finish(self, found: list[Found], scope: Scope) -> Outcome:
        # Overlapping windows of a large file report what sits in an overlap twice.
        unique = {
            (f.path, f.line, f.column, f.end_line, f.end_column, f.rule_id): f for _, f in found
        }
        return Outcome(list(unique.values()))


def _chunks(targets: Sequence[Target], count: int) -> list[list[Target]]:
    """`count` interleaved chunks: neighbouring files (often alike in size) go to different
    workers, which balances the cores without a stat() per file in the parent."""
    return [list(targets[i::count]) for i in range(min(count, len(targets)))]
