"""Parsers for git's streams: `log -p -U0` patches and `log --raw -z` blob listings.

Pure functions over bytes, so they are property-tested without git. Paths arrive C-quoted when
they hold special bytes (`"b/n\\nl.txt"`), and with a trailing TAB when they hold spaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

NULL_SHA = "0" * 40
_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
# A header line giving the new side the gitlink mode: an added, retyped or bumped submodule,
# whose only "added line" is `Subproject commit <sha>`; its content is another repository.
_GITLINK = re.compile(rb"^(?:new file mode|new mode|index [0-9a-f]+\.\.[0-9a-f]+) 160000$")
_ESCAPES = {
    b"n": b"\n",
    b"t": b"\t",
    b"r": b"\r",
    b'"': b'"',
    b"\\": b"\\",
    b"a": b"\a",
    b"b": b"\b",
    b"f": b"\f",
    b"v": b"\v",
}


@dataclass(frozen=True)
class Commit:
    sha: str
    author: str
    date: str


@dataclass
class AddedBlock:
    """Consecutive lines one commit added to one file, starting at `first_line` of the new file."""

    commit: Commit
    path: str
    first_line: int
    lines: list[bytes] = field(default_factory=list)

    @property
    def data(self) -> bytes:
        return b"\n".join(self.lines) + b"\n"


def unquote_path(raw: bytes) -> bytes:
    """git's C-style quoting (quote_c_style) undone; unquoted paths pass through."""
    if not (raw.startswith(b'"') and raw.endswith(b'"') and len(raw) >= 2):
        return raw
    body, out, i = raw[1:-1], bytearray(), 0
    while i < len(body):
        c = body[i : i + 1]
        if c != b"\\" or i + 1 >= len(body):
            out += c
            i += 1
            continue
        nxt = body[i + 1 : i + 2]
        if nxt in _ESCAPES:
            out += _ESCAPES[nxt]
            i += 2
        elif body[i + 1 : i + 4].isdigit():
            out.append(int(body[i + 1 : i + 4], 8) & 0xFF)
            i += 4
        else:
            out += nxt
            i += 2
    return bytes(out)


def _new_path(line: bytes) -> str | None:
    """Path from a `+++ b/path` header line; None for /dev/null (a deleted file)."""
    raw = line[4:].rstrip(b"\n").rstrip(b"\t")
    if raw == b"/dev/null":
        return None
    raw = unquote_path(raw)
    return (raw[2:] if raw.startswith(b"b/") else raw).decode("utf-8", "surrogateescape")


def _commit_header(line: bytes) -> Commit:
    parts = line.rstrip(b"\n").split(b"\0")
    sha, author, date = (p.decode("utf-8", "replace") for p in [*parts, b"", b"", b""][1:4])
    return Commit(sha, author, date)


@dataclass
class PatchStats:
    binary: list[tuple[str, str]] = field(default_factory=list)  # (commit, path)
    submodules: list[tuple[str, str]] = field(default_factory=list)  # (commit, path)


def added_blocks(lines: Iterable[bytes], stats: PatchStats | None = None) -> Iterator[AddedBlock]:
    """Blocks of added lines from `git log -p -U0 --format=%x00%H%x00%an <%ae>%x00%aI` output."""
    commit: Commit | None = None
    path: str | None = None
    in_header = gitlink = False
    block: AddedBlock | None = None
    next_line = 0
    for line in lines:
        if line.startswith(b"\0"):
            commit, path, in_header = _commit_header(line), None, False
        elif line.startswith(b"diff --git "):
            path, in_header, gitlink = None, True, False
        elif in_header and _GITLINK.match(line.rstrip(b"\n")):
            gitlink = True
        elif in_header and line.startswith(b"+++ "):
            path = _new_path(line)
            if gitlink and path is not None:
                if stats is not None and commit is not None:
                    stats.submodules.append((commit.sha, path))
                path = None  # not scanned: named as a skipped submodule instead
        elif in_header and line.startswith(b"Binary files ") and stats is not None and commit:
            stats.binary.append((commit.sha, line.decode("utf-8", "replace").strip()))
        elif line.startswith(b"@@"):
            in_header = False
            match = _HUNK.match(line)
            next_line = int(match.group(1)) if match else 0
        elif not in_header and line.startswith(b"+") and path is not None and commit is not None:
            content = line[1:].rstrip(b"\n")
            if (
                block is not None
                and block.path == path
                and block.commit is commit
                and (block.first_line + len(block.lines) == next_line)
            ):
                block.lines.append(content)
            else:
                if block is not None:
                    yield block
                block = AddedBlock(commit, path, next_line, [content])
            next_line += 1
            continue
        else:
            continue
        # Any header line ends the current block.
        if block is not None and not line.startswith(b"@@"):
            yield block
            block = None
    if block is not None:
        yield block


@dataclass(frozen=True)
class BlobEntry:
    commit: Commit
    mode: str
    sha: str
    path: str


def raw_entries(tokens: Iterable[bytes]) -> Iterator[BlobEntry]:
    """Blobs each commit adds or changes, from `git log --raw -z` split on NUL."""
    commit: Commit | None = None
    it = iter(tokens)
    for token in it:
        token = token.lstrip(b"\n")
        if not token:
            header = [next(it, b"") for _ in range(3)]
            sha, author, date = (h.decode("utf-8", "replace") for h in header)
            commit = Commit(sha, author, date)
        elif token.startswith(b":") and commit is not None:
            path = next(it, b"").decode("utf-8", "surrogateescape")
            meta = token[1:].split()
            if len(meta) >= 5 and meta[3].decode() != NULL_SHA:
                yield BlobEntry(commit, meta[1].decode(), meta[3].decode(), path)


def nul_tokens(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Split a stream of byte chunks on NUL without holding it all in memory."""
    pending = b""
    for chunk in chunks:
        pending += chunk
        parts = pending.split(b"\0")
        pending = parts.pop()
        yield from parts
    if pending:
        yield pending
