"""What a decoder hands the engine: a fragment to read and how to move its findings back."""

from __future__ import annotations

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
