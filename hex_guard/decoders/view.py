"""What a decoder hands the engine: a fragment to read and how to move its findings back."""

from __future__ import annotations

import dataclasses
import re
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


class Positions:
    """1-based line and character column of byte offsets asked for in increasing order. Each
    call reads only the bytes since the previous one: counting from the start of the file (or
    of a long line) per finding or per decoded value was quadratic in them (issue 10 item 11)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.offset = 0
        self.line = 1
        self.column = 1

    def __call__(self, offset: int) -> tuple[int, int]:
        data = self.data
        if offset < self.offset:  # not in order: start over (correct, only slower)
            self.offset, self.line, self.column = 0, 1, 1
        newline = data.rfind(b"\n", self.offset, offset)
        if newline == -1:
            self.column += len(data[self.offset : offset].decode("utf-8", "replace"))
        else:
            self.line += data.count(b"\n", self.offset, offset)
            self.column = len(data[newline + 1 : offset].decode("utf-8", "replace")) + 1
        self.offset = offset
        return self.line, self.column


class LineStarts:
    """Index in `text` of 1-based lines and columns, for many lookups: the line starts are
    found once (walking the lines per lookup was quadratic in findings per cell)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] | None = None

    def __call__(self, line: int, column: int) -> int:
        if self._starts is None:
            self._starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        return self._starts[line - 1] + column - 1


def point_at(position: Positions, start: int, end: int) -> Remap:
    """A remap that points every finding at `start:end` of the data `position` reads (the
    encoded value it came from)."""
    line, column = position(start)
    end_line, end_column = position(end)

    def remap(finding: Finding) -> Finding:
        return dataclasses.replace(
            finding, line=line, column=column, end_line=end_line, end_column=end_column
        )

    return remap
