"""Compiled Hyperscan databases kept on disk, so a run loads its prefilter instead of compiling it.

Compiling the gates costs ~15 ms with keywords only (a hook run) and ~100-200 ms with the gate
regexes (a tree or history scan); loading the same database costs well under 1 ms. The file
starts with everything the compile depends on (the expressions, their ids and flags, the mode,
the hyperscan version), compared byte for byte on load, and is named by its CRC: a changed rule
set or config never loads a stale database. (zlib, not hashlib: importing hashlib costs a hook
run ~4 ms.)

Only compiled patterns are written (the rules' gates, and gates of a config's own rules),
never scanned content. Any problem with the cache (no home, read-only disk, a file from another
CPU, a damaged file, a file another user owns) falls back to compiling: the result is the
same database, so a broken cache can cost time, never a finding.
"""

from __future__ import annotations

import os
import sys
import time
import zlib
from contextlib import suppress
from typing import Any

# (expressions, their ids, their flags), as Hyperscan's compile takes them.
Patterns = tuple[list[bytes], list[int], list[int]]

# Bumped when the file layout below changes.
_FORMAT = b"hex-guard prefilter cache 1\n"
_SUFFIX = ".hsdb"
# A database for every rule hex-guard ships is ~0.3 MB; anything far larger is not ours.
_MAX_BYTES = 64 << 20
# Files not rewritten for this long belong to old versions or old configs.
_STALE_SECONDS = 30 * 24 * 3600


def cache_dir() -> str | None:
    """`HEX_GUARD_CACHE_DIR` (empty: no cache), else the platform's user cache directory."""
    configured = os.environ.get("HEX_GUARD_CACHE_DIR")
    if configured is not None:
        return configured or None
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return os.path.join(base, "hex-guard", "Cache") if base else None
    if sys.platform == "darwin":
        base = os.path.expanduser("~/Library/Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return None if base.startswith("~") else os.path.join(base, "hex-guard")


def compiled(hyperscan: Any, patterns: Patterns) -> Any:
    """A block-mode database for these patterns: from the cache when it holds it, else
    compiled (and stored for the next run)."""
    mode = hyperscan.HS_MODE_BLOCK
    directory = cache_dir()
    if directory is None:
        return _compile(hyperscan, patterns, mode)
    key = _key(hyperscan, patterns, mode)
    path = os.path.join(directory, f"{zlib.crc32(key):08x}-{len(key):x}{_SUFFIX}")
    database = _load(hyperscan, path, key, mode)
    if database is None:
        database = _compile(hyperscan, patterns, mode)
        _store(hyperscan, database, directory, path, key)
    return database


def _compile(hyperscan: Any, patterns: Patterns, mode: int) -> Any:
    expressions, ids, flags = patterns
    database = hyperscan.Database(mode=mode)
    database.compile(expressions=expressions, ids=ids, elements=len(ids), flags=flags)
    return database


def _key(hyperscan: Any, patterns: Patterns, mode: int) -> bytes:
    """Everything the compiled database depends on, as bytes."""
    expressions, ids, flags = patterns
    version = str(getattr(hyperscan, "__version__", "unknown"))
    parts = [_FORMAT, repr((version, mode, ids, flags)).encode()]
    # Length-prefixed, so no two expression lists give the same bytes by concatenation.
    parts += [len(e).to_bytes(8, "big") + e for e in expressions]
    return b"".join(parts)


def _load(hyperscan: Any, path: str, key: bytes, mode: int) -> Any:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if getattr(os, "getuid", None) and info.st_uid != os.getuid():
            return None  # only a file this user wrote
        if info.st_size > _MAX_BYTES:
            return None
        blob = os.read(fd, info.st_size + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    header = len(key).to_bytes(8, "big") + key
    if not blob.startswith(header):
        return None  # another rule set whose key shares the file name, or a damaged file
    checksum, body = blob[len(header) : len(header) + 4], blob[len(header) + 4 :]
    if zlib.crc32(body).to_bytes(4, "big") != checksum:
        return None
    try:
        database = hyperscan.loadb(body, mode)
        # A loaded database has no scratch space yet; the compile path allocates its own.
        database.scratch = hyperscan.Scratch(database)
    except Exception:  # a database for another CPU or hyperscan build: compile instead
        return None
    return database


def _store(hyperscan: Any, database: Any, directory: str, path: str, key: bytes) -> None:
    import tempfile

    try:
        body = bytes(hyperscan.dumpb(database))
        os.makedirs(directory, mode=0o700, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
    except Exception:  # read-only home, full disk, a build without serialization
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(len(key).to_bytes(8, "big") + key)
            handle.write(zlib.crc32(body).to_bytes(4, "big") + body)
        os.replace(temporary, path)  # atomic: a concurrent run sees the old file or the new
    except OSError:
        _remove(temporary)
        return
    _prune(directory, keep=path)


def _prune(directory: str, keep: str) -> None:
    cutoff = time.time() - _STALE_SECONDS
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        if entry.path != keep and entry.name.endswith((_SUFFIX, ".tmp")):
            with suppress(OSError):
                if entry.stat(follow_symlinks=False).st_mtime < cutoff:
                    os.remove(entry.path)


def _remove(path: str) -> None:
    with suppress(OSError):
        os.remove(path)
