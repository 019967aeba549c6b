"""`[tool.hex-guard]` in pyproject.toml: read once in main, validated strictly, passed down.

A typo in a security tool's config must fail loudly (exit 2 naming file and key), never widen an
allowlist by being ignored: black's warn-only unknown keys are the anti-example.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hex_guard.errors import ConfigError
from hex_guard.sources import DEFAULT_MAX_FILE_SIZE, repo_root

SECTION = "tool.hex-guard"
KNOWN_KEYS = ("exclude", "max-file-size")


@dataclass(frozen=True)
class Config:
    source: str | None = None
    base_dir: str = "."
    exclude: tuple[str, ...] = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE

    def excluder(self) -> PathMatcher:
        return PathMatcher(self.base_dir, self.exclude, self.source or "")


def glob_to_regex(pattern: str) -> str:
    """gitignore-style glob to a regex over POSIX paths relative to the config's directory.

    A pattern without a slash matches a name at any depth; a trailing slash or a directory name
    matches everything below it; `**` crosses directories, `*` and `?` do not.
    """
    anchored = "/" in pattern.rstrip("/")
    body = pattern.strip("/")
    out: list[str] = []
    i = 0
    while i < len(body):
        if body.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif body.startswith("**", i):
            out.append(".*")
            i += 2
        elif body[i] == "*":
            out.append("[^/]*")
            i += 1
        elif body[i] == "?":
            out.append("[^/]")
            i += 1
        elif body[i] == "[":
            close = body.find("]", i + 1)
            if close == -1:
                raise ValueError("unclosed '[' in glob")
            out.append("[" + body[i + 1 : close].replace("\\", "\\\\") + "]")
            i = close + 1
        else:
            out.append(re.escape(body[i]))
            i += 1
    prefix = "^" if anchored else "^(?:.*/)?"
    return prefix + "".join(out) + "(?:/.*)?$"


class PathMatcher:
    def __init__(self, base_dir: str, globs: Sequence[str], source: str) -> None:
        self.base_dir = base_dir
        self._base_prefix = os.path.join(os.path.abspath(base_dir), "")
        self._regex = (
            re.compile("|".join(f"(?:{glob_to_regex(g)})" for g in globs)) if globs else None
        )

    def matches(self, fs_path: str) -> bool:
        """`fs_path` is absolute; only paths below the config's directory can match."""
        if self._regex is None or not fs_path.startswith(self._base_prefix):
            return False
        rel = fs_path[len(self._base_prefix) :].replace(os.sep, "/")
        return self._regex.match(rel) is not None


def search_start(paths: Sequence[str]) -> str:
    """Where config lookup starts: the directory the scanned paths share (black's rule)."""
    dirs = [os.path.abspath(p if os.path.isdir(p) else os.path.dirname(p) or ".") for p in paths]
    return os.path.commonpath(dirs) if dirs else os.getcwd()


def find_pyproject(start: str) -> str | None:
    """Nearest pyproject.toml from `start` up to the enclosing repository's root."""
    stop = repo_root(start)
    current = start
    while True:
        candidate = os.path.join(current, "pyproject.toml")
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(current)
        if current == stop or parent == current:
            return None
        current = parent


def _load_toml(path: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc


def _section(document: dict[str, Any]) -> dict[str, Any] | None:
    tool = document.get("tool", {})
    section = tool.get("hex-guard") if isinstance(tool, dict) else None
    return section if isinstance(section, dict) or section is None else {"": section}


def _string_list(path: str, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{path}: [{SECTION}] {key} must be a list of non-empty strings")
    for glob in value:
        try:
            re.compile(glob_to_regex(glob))
        except (ValueError, re.error) as exc:
            raise ConfigError(f"{path}: [{SECTION}] {key}: invalid glob {glob!r}: {exc}") from exc
    return tuple(value)


def parse(path: str, section: dict[str, Any]) -> Config:
    for key in section:
        if key not in KNOWN_KEYS:
            known = ", ".join(KNOWN_KEYS)
            raise ConfigError(f"{path}: [{SECTION}] unknown key {key!r} (known keys: {known})")
    max_size = section.get("max-file-size", DEFAULT_MAX_FILE_SIZE)
    if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size <= 0:
        raise ConfigError(f"{path}: [{SECTION}] max-file-size must be a positive integer (bytes)")
    return Config(
        source=path,
        base_dir=os.path.dirname(os.path.abspath(path)),
        exclude=_string_list(path, "exclude", section.get("exclude", [])),
        max_file_size=max_size,
    )


def load(explicit: str | None, start: str) -> Config:
    """The effective config: `--config FILE`, else the nearest pyproject.toml, else defaults."""
    path = explicit or find_pyproject(start)
    if path is None:
        return Config(base_dir=start)
    if explicit and not os.path.isfile(explicit):
        raise ConfigError(f"{explicit}: config file not found")
    section = _section(_load_toml(path))
    if section is None:
        if explicit:
            raise ConfigError(f"{path}: no [{SECTION}] section")
        return Config(base_dir=start)
    if "" in section and len(section) == 1:
        raise ConfigError(f"{path}: [{SECTION}] must be a table")
    return parse(path, section)
