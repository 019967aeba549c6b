"""The repository list: one clone URL or local path a line, each with a stable, file-safe id."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from hex_guard.errors import InputError

# `scheme://...` or scp-like `user@host:path` (git-clone(1), "GIT URLS"); anything else is a path.
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_SCP = re.compile(r"^[^/@:\s]+@[^/:\s]+:")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Repo:
    id: str
    # What reports show and ids are made from: the URL without a password, or the absolute path.
    source: str
    # What git is given: the URL as written (it may embed a token), or the absolute path.
    location: str = field(default="", repr=False)
    is_url: bool = False


def without_password(url: str) -> str:
    """`https://user:TOKEN@host/x` -> `https://user@host/x`: reports, ids and errors never
    carry the credential a clone URL may embed."""
    if not _URL.match(url):
        return url
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def repo_id(source: str) -> str:
    """`<last two path parts>-<8 hex of the source>`: readable, unique, the same every run."""
    path = source
    if _URL.match(source):
        path = urlsplit(source).path
    elif _SCP.match(source):
        path = source.split(":", 1)[1]
    parts = [p for p in re.split(r"[/\\]", path) if p]
    tail = [p[:-4] if p.endswith(".git") else p for p in parts[-2:]] or ["repo"]
    name = _UNSAFE.sub("-", "_".join(tail)).strip("-._")[:80] or "repo"
    digest = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{name}-{digest}"


def parse_line(line: str, base_dir: str) -> Repo | None:
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    if _URL.match(text) or _SCP.match(text):
        source = without_password(text)
        return Repo(repo_id(source), source, text, is_url=True)
    path = os.path.abspath(os.path.join(base_dir, os.path.expanduser(text)))
    return Repo(repo_id(path), path, path)


def load(path: str) -> list[Repo]:
    """The repositories `path` lists, in order, each once. Blank lines and `#` comments are
    skipped; relative paths are relative to the list's own directory."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except OSError as exc:
        raise InputError(f"cannot read repository list {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"repository list {path} is not UTF-8") from exc
    base_dir = os.path.dirname(os.path.abspath(path))
    repos: dict[str, Repo] = {}
    for line in lines:
        repo = parse_line(line, base_dir)
        if repo is not None:
            repos.setdefault(repo.id, repo)
    if not repos:
        raise InputError(f"repository list {path} names no repository")
    return list(repos.values())
