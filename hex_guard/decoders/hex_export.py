"""Hex project exports (`*.hex.yaml`): read as they are (block scalars are verbatim), and
findings name the cell they sit in."""

from __future__ import annotations

import bisect
import dataclasses
from dataclasses import dataclass

from hex_guard.decoders.view import Remap, View
from hex_guard.lazyre import lazy
from hex_guard.records import CellProvenance, Finding, Fragment

_ITEM = lazy(r"^(?P<indent>[ \t]*)- ")
_KEY = lazy(
    r"^[ \t]*-?[ \t]*(?P<key>cellType|cellId|id|title|label|name)[ \t]*:[ \t]*(?P<value>.+?)\s*$"
)


@dataclass
class _HexCell:
    first_line: int
    number: int
    fields: dict[str, str]

    def label(self) -> str:
        name = self.fields.get("title") or self.fields.get("label") or self.fields.get("name")
        ident = self.fields.get("cellId") or self.fields.get("id")
        kind = self.fields.get("cellType", "cell")
        described = f'"{name}"' if name else (ident or "")
        return f"{kind} {described}".strip()


def hex_cells(text: str) -> list[_HexCell]:
    """Cells of a Hex YAML export, found by their list items under a top-level `cells:` key."""
    lines = text.split("\n")
    try:
        start = next(i for i, line in enumerate(lines) if line.rstrip() == "cells:")
    except StopIteration:
        return []
    cells: list[_HexCell] = []
    item_indent: str | None = None
    for number, line in enumerate(lines[start + 1 :], start=start + 2):
        if line and not line[0].isspace() and not line.startswith("-"):
            break  # the next top-level key
        item = _ITEM.match(line)
        if item and (item_indent is None or item.group("indent") == item_indent):
            item_indent = item.group("indent")
            cells.append(_HexCell(number, len(cells) + 1, {}))
        key = _KEY.match(line)
        if cells and key and key.group("key") not in cells[-1].fields:
            cells[-1].fields[key.group("key")] = key.group("value").strip("\"'")
    return cells


def hex_cell_namer(data: bytes) -> Remap:
    cells: list[_HexCell] | None = None
    first_lines: list[int] = []

    def remap(finding: Finding) -> Finding:
        nonlocal cells
        if cells is None:
            cells = hex_cells(data.decode("utf-8", "replace"))
            first_lines.extend(cell.first_line for cell in cells)
        # By bisection: a loop over every cell per finding was quadratic (issue 10 item 11).
        index = bisect.bisect_right(first_lines, finding.line) - 1
        if index < 0:
            return finding
        owner = cells[index]
        return dataclasses.replace(
            finding,
            cell=CellProvenance(
                owner.number, owner.label(), "source", finding.line - owner.first_line + 1
            ),
        )

    return remap


def decode(fragment: Fragment) -> list[View]:
    """The raw bytes, with findings named after their cell."""
    return [View(fragment, hex_cell_namer(fragment.data))]
