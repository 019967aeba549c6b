"""Reading the small files a user points hex-guard at: config and baseline.

They are read with a hard size bound and without blocking: `--baseline /dev/zero` would
otherwise read until the OOM killer ends the run, and a FIFO would hang a commit forever.
Anything that is not a regular file of sane size, or is not UTF-8, is a configuration error
(exit 2) that names the file.
"""

from __future__ import annotations

import os
import stat

from hex_guard.errors import ConfigError

# Far above any real pyproject.toml, or a baseline of 100,000 findings (~130 bytes each).
CONFIG_LIMIT = 4 * 1024 * 1024
BASELINE_LIMIT = 64 * 1024 * 1024

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def read_bytes(path: str, limit: int, what: str) -> bytes:
    """At most `limit` bytes of the regular file `path`; ConfigError for anything else."""
    try:
        fd = os.open(path, _FLAGS)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: {what} not found") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read {what}: {exc.strerror}") from exc
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ConfigError(f"{path}: {what} is not a regular file")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read {what}: {exc.strerror}") from exc
    finally:
        os.close(fd)
    if size > limit:
        raise ConfigError(f"{path}: {what} is larger than {limit} bytes")
    return b"".join(chunks)


def read_text(path: str, limit: int, what: str) -> str:
    """The file as UTF-8 text; a binary or mis-encoded file is a ConfigError."""
    data = read_bytes(path, limit, what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: {what} is not UTF-8 text (invalid byte at offset {exc.start})"
        ) from exc
