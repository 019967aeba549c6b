"""What a decoder hands the engine: a fragment to read and how to move its findings back."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from hex_guard.records import Finding, Fragment

Remap = Callable[[Finding], Finding]


@dataclass(frozen=True)
class View:
    fragment: Fragment
    remap: Remap


def identity(finding: Finding) -> Finding:
    return finding


def byte_line_col(data: bytes, index: int) -> tuple[int, int]:
    """1-based line and character column of a byte offset."""
    line_start = data.rfind(b"\n", 0, index) + 1
    column = len(data[line_start:index].decode("utf-8", "replace")) + 1
    return data.count(b"\n", 0, index) + 1, column


def char_offset(text: str, line: int, column: int) -> int:
    """Index in `text` of a 1-based line and column."""
    start = 0
    for _ in range(line - 1):
        start = text.index("\n", start) + 1
    return start + column - 1


def point_at(data: bytes, start: int, end: int) -> Remap:
    """A remap that points every finding at `data[start:end]` (the encoded value it came from)."""
    line, column = byte_line_col(data, start)
    end_line, end_column = byte_line_col(data, end)

    def remap(finding: Finding) -> Finding:
        return dataclasses.replace(
            finding, line=line, column=column, end_line=end_line, end_column=end_column
        )

    return remap
