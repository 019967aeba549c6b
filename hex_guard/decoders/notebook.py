"""Jupyter notebooks, read cell by cell.

Each cell's source and each text output is JSON-unescaped, so a secret is matched as the user
wrote it; base64 image payloads are never read. Findings map back to the physical line and
column in the .ipynb and name the cell. The raw text is always scanned as well (see
`decoders.read`), so what the cell view does not read, or cannot parse, is still covered.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from hex_guard.decoders.jsonpos import JSONError, JStr, parse_with_positions, raw_index_from
from hex_guard.decoders.view import LineStarts, Positions, Remap, View
from hex_guard.lazyre import lazy
from hex_guard.records import CellProvenance, Finding, Fragment

_TEXT_MIME = lazy(r"^(?:text/|application/(?:json|javascript|x-python|xml|.*\+json)$)")


def _strings(node: Any) -> Iterator[JStr]:
    """Every string leaf below `node`, in document order."""
    if isinstance(node, JStr):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)


def _pieces(node: Any) -> list[JStr]:
    """A source/text field: one string, or a list of line strings."""
    if isinstance(node, JStr):
        return [node]
    if isinstance(node, list):
        return [item for item in node if isinstance(item, JStr)]
    return []


def _output_parts(output: Any) -> Iterator[tuple[str, list[JStr]]]:
    if not isinstance(output, dict):
        return
    kind = output.get("output_type")
    kind_name = kind.value if isinstance(kind, JStr) else ""
    if kind_name == "stream":
        yield "output", _pieces(output.get("text"))
    elif kind_name == "error":
        yield "output", [*_pieces(output.get("evalue")), *_pieces(output.get("traceback"))]
    data = output.get("data")
    if isinstance(data, dict):
        for mime, value in data.items():
            if _TEXT_MIME.match(mime):  # image/png and other base64 media are never read
                pieces = list(_strings(value)) if mime.endswith("json") else _pieces(value)
                yield "output", pieces


@dataclass(frozen=True)
class _Cell:
    number: int  # 1-based position in the notebook
    kind: str
    part: str  # "source" or "output"
    pieces: tuple[JStr, ...]


def _cells(document: Any) -> Iterator[_Cell]:
    cells = document.get("cells") if isinstance(document, dict) else None
    if not isinstance(cells, list):
        raise JSONError("no cells")
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            continue
        kind = cell.get("cell_type")
        kind_name = kind.value if isinstance(kind, JStr) else "cell"
        yield _Cell(number, kind_name, "source", tuple(_pieces(cell.get("source"))))
        for output in cell.get("outputs", []) if isinstance(cell.get("outputs"), list) else []:
            for part, pieces in _output_parts(output):
                yield _Cell(number, kind_name, part, tuple(pieces))


def _cell_remap(raw: bytes, cell: _Cell, text: str, position: Positions) -> Remap:
    """Findings come in order, so the cell's line starts, each piece's last mapped character
    and the raw file's line count are cursors, not walks from the start per finding (that was
    quadratic in findings on a long cell line; issue 10 item 11)."""
    bounds: list[int] = []
    total = 0
    for piece in cell.pieces:
        bounds.append(total)
        total += len(piece.value)
    char_offset = LineStarts(text)
    cursors: dict[int, tuple[int, int]] = {}

    def to_raw(k: int) -> int:
        index = max(bisect.bisect_right(bounds, k) - 1, 0)
        if index and k == bounds[index] and k > 0:
            index -= 1  # an end offset stays inside the piece it closes
        piece = cell.pieces[index]
        local = k - bounds[index]
        done, at = cursors.get(index, (0, piece.start + 1))
        if local < done:
            done, at = 0, piece.start + 1
        at = raw_index_from(raw, piece, local, done, at)
        cursors[index] = (local, at)
        return at

    def remap(finding: Finding) -> Finding:
        start = char_offset(finding.line, finding.column)
        end = char_offset(finding.end_line, finding.end_column)
        line, column = position(to_raw(start))
        end_line, end_column = position(to_raw(end))
        return dataclasses.replace(
            finding,
            line=line,
            column=column,
            end_line=end_line,
            end_column=end_column,
            cell=CellProvenance(cell.number, cell.kind, cell.part, finding.line),
        )

    return remap


def decode(fragment: Fragment) -> list[View] | None:
    """One view per cell source and text output; None when it is no notebook we can read."""
    raw = fragment.data
    try:
        document = parse_with_positions(raw)
        cells = list(_cells(document))
        # Cells are in file order: one position cursor for the whole notebook.
        position = Positions(raw)
        out = []
        for cell in cells:
            if not cell.pieces:
                continue
            # Strings are unescaped lazily: a raw control character or a bad escape fails here.
            text = "".join(piece.value for piece in cell.pieces)
            data = text.encode("utf-8", "surrogatepass")
            cell_fragment = Fragment(fragment.repo_path, fragment.display_path, data)
            out.append(View(cell_fragment, _cell_remap(raw, cell, text, position)))
    except (ValueError, IndexError, RecursionError):
        return None  # not a notebook we can read: the raw text is scanned all the same
    return out
