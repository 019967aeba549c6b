"""Views: what the engine should read in a file, when that is not its raw bytes.

- A Jupyter notebook is read cell by cell: each cell's source and each text output, JSON-unescaped,
  so a secret is matched as the user wrote it; base64 image payloads are never read. Findings
  map back to the physical line and column in the .ipynb and name the cell. Invalid JSON falls
  back to the raw text (never to silence).
- A Hex project export (`*.hex.yaml`) is read as is (block scalars are verbatim), and findings
  name the cell they sit in.
- Encoded values are decoded once (depth 1, size-bounded) and scanned: Kubernetes Secret `data:`
  values and `credentials_base64=` parameters. Findings point at the encoded value.

Each view is a fragment plus a function that moves a finding back into the file's coordinates.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from hex_guard.lazyre import lazy
from hex_guard.records import CellProvenance, Finding, Fragment
from hex_guard.rules import K8S_DATA

Remap = Callable[[Finding], Finding]

MAX_DECODED = 64 * 1024  # bytes of encoded input decoded per value


@dataclass(frozen=True)
class View:
    fragment: Fragment
    remap: Remap


def _identity(finding: Finding) -> Finding:
    return finding


def is_notebook(fragment: Fragment) -> bool:
    return fragment.repo_path.lower().endswith(".ipynb")


def remap_for(fragment: Fragment) -> Remap:
    """How findings on the raw bytes are annotated (Hex exports name their cell)."""
    if fragment.repo_path.lower().endswith((".hex.yaml", ".hex.yml")):
        return hex_cell_namer(fragment.data)
    return _identity


# --- positions -----------------------------------------------------------------------------------


def _line_col(text: str, index: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _byte_line_col(data: bytes, index: int) -> tuple[int, int]:
    """1-based line and character column of a byte offset."""
    line_start = data.rfind(b"\n", 0, index) + 1
    column = len(data[line_start:index].decode("utf-8", "replace")) + 1
    return data.count(b"\n", 0, index) + 1, column


def _char_offset(text: str, line: int, column: int) -> int:
    """Index in `text` of a 1-based line and column."""
    start = 0
    for _ in range(line - 1):
        start = text.index("\n", start) + 1
    return start + column - 1


# --- notebooks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class JStr:
    """A JSON string with where it sits in the raw bytes (`start` is its opening quote).

    Its value is decoded only when asked for: a notebook's base64 images are located (one
    find() for the closing quote) but never decoded or copied, so the whole file is never
    decoded either.
    """

    raw: bytes = field(repr=False)
    start: int
    end: int  # just past the closing quote

    @cached_property
    def value(self) -> str:
        return _decode_string(self.raw, self.start, self.end)


def _decode_string(raw: bytes, start: int, end: int) -> str:
    text = raw[start:end].decode("utf-8", "surrogateescape")
    return _scanstring(text, 1, True)[0]


def _string_end(s: bytes, i: int) -> int:
    """Index just past the string whose opening quote is at `i`."""
    j = s.find(b'"', i + 1)
    while j != -1:
        backslashes = 0
        while s[j - 1 - backslashes] == 0x5C:  # backslash
            backslashes += 1
        if backslashes % 2 == 0:
            return j + 1
        j = s.find(b'"', j + 1)
    raise _JSONError("unterminated string")


_WS = re.compile(rb"[ \t\n\r]*")
_SCALAR = re.compile(rb"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")


def _scanstring(text: str, end: int, strict: bool) -> tuple[str, int]:
    import json  # notebooks only

    scan: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
    return scan(text, end, strict)


class _JSONError(ValueError):
    pass


def _skip(s: bytes, i: int) -> int:
    return _WS.match(s, i).end()  # type: ignore[union-attr]


def _parse(s: bytes, i: int) -> tuple[Any, int]:
    i = _skip(s, i)
    c = s[i : i + 1]
    if c == b'"':
        end = _string_end(s, i)
        return JStr(s, i, end), end
    if c == b"{":
        obj: dict[str, Any] = {}
        i = _skip(s, i + 1)
        if s[i : i + 1] == b"}":
            return obj, i + 1
        while True:
            if s[i : i + 1] != b'"':
                raise _JSONError("expected a key")
            end = _string_end(s, i)
            key = _decode_string(s, i, end)
            i = _skip(s, end)
            if s[i : i + 1] != b":":
                raise _JSONError("expected ':'")
            obj[key], i = _parse(s, i + 1)
            i = _skip(s, i)
            if s[i : i + 1] == b"}":
                return obj, i + 1
            if s[i : i + 1] != b",":
                raise _JSONError("expected ','")
            i = _skip(s, i + 1)
    if c == b"[":
        items: list[Any] = []
        i = _skip(s, i + 1)
        if s[i : i + 1] == b"]":
            return items, i + 1
        while True:
            item, i = _parse(s, i)
            items.append(item)
            i = _skip(s, i)
            if s[i : i + 1] == b"]":
                return items, i + 1
            if s[i : i + 1] != b",":
                raise _JSONError("expected ','")
            i += 1
    m = _SCALAR.match(s, i)
    if m is None:
        raise _JSONError(f"unexpected {c!r}")
    return m.group(), m.end()


def parse_with_positions(data: bytes) -> Any:
    value, end = _parse(data, 0)
    if _skip(data, end) != len(data):
        raise _JSONError("trailing data")
    return value


def _utf8_length(lead: int) -> int:
    return 1 if lead < 0xC0 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4


def raw_index(raw: bytes, piece: JStr, k: int) -> int:
    """Byte index in `raw` of the k-th decoded character of `piece` (k == len: its end)."""
    i = piece.start + 1
    decoded = 0
    stop = piece.end - 1
    while decoded < k and i < stop:
        if raw[i] == 0x5C:  # an escape
            if raw[i + 1] == 0x75:  # \uXXXX
                code = int(raw[i + 2 : i + 6], 16)
                # A surrogate pair is two escapes and one decoded character.
                i += 12 if 0xD800 <= code < 0xDC00 and raw[i + 6 : i + 8] == b"\\u" else 6
            else:
                i += 2
        else:
            i += _utf8_length(raw[i])
        decoded += 1
    return i


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
        raise _JSONError("no cells")
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            continue
        kind = cell.get("cell_type")
        kind_name = kind.value if isinstance(kind, JStr) else "cell"
        yield _Cell(number, kind_name, "source", tuple(_pieces(cell.get("source"))))
        for output in cell.get("outputs", []) if isinstance(cell.get("outputs"), list) else []:
            for part, pieces in _output_parts(output):
                yield _Cell(number, kind_name, part, tuple(pieces))


def _cell_remap(raw: bytes, cell: _Cell, text: str) -> Remap:
    bounds: list[int] = []
    total = 0
    for piece in cell.pieces:
        bounds.append(total)
        total += len(piece.value)

    def to_raw(k: int) -> int:
        index = max(i for i, b in enumerate(bounds) if b <= k) if bounds else 0
        if index and k == bounds[index] and k > 0:
            index -= 1  # an end offset stays inside the piece it closes
        piece = cell.pieces[index]
        return raw_index(raw, piece, k - bounds[index])

    def remap(finding: Finding) -> Finding:
        start = _char_offset(text, finding.line, finding.column)
        end = _char_offset(text, finding.end_line, finding.end_column)
        line, column = _byte_line_col(raw, to_raw(start))
        end_line, end_column = _byte_line_col(raw, to_raw(end))
        return dataclasses.replace(
            finding,
            line=line,
            column=column,
            end_line=end_line,
            end_column=end_column,
            cell=CellProvenance(cell.number, cell.kind, cell.part, finding.line),
        )

    return remap


def notebook_views(fragment: Fragment) -> list[View] | None:
    raw = fragment.data
    try:
        document = parse_with_positions(raw)
        cells = list(_cells(document))
    except (ValueError, IndexError, RecursionError):
        return None  # not a notebook we can read: the caller scans the raw text
    out = []
    for cell in cells:
        if not cell.pieces:
            continue
        text = "".join(piece.value for piece in cell.pieces)
        data = text.encode("utf-8", "surrogatepass")
        cell_fragment = Fragment(fragment.repo_path, fragment.display_path, data)
        out.append(View(cell_fragment, _cell_remap(raw, cell, text)))
    return out


# --- Hex project exports ------------------------------------------------------------------------

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

    def remap(finding: Finding) -> Finding:
        nonlocal cells
        if cells is None:
            cells = hex_cells(data.decode("utf-8", "replace"))
        owner = None
        for cell in cells:
            if cell.first_line <= finding.line:
                owner = cell
        if owner is None:
            return finding
        return dataclasses.replace(
            finding,
            cell=CellProvenance(
                owner.number, owner.label(), "source", finding.line - owner.first_line + 1
            ),
        )

    return remap


# --- encoded values ----------------------------------------------------------------------------

_K8S_SECRET = lazy(rb"(?m)^kind:[ \t]*[\"']?Secret[\"']?[ \t]*$")
_DATA_BLOCK = lazy(rb"(?m)^(?P<indent>[ \t]*)data:[ \t]*$")
_B64_VALUE = lazy(
    rb"^(?P<indent>[ \t]+)(?P<key>[\w.\-]+):[ \t]*[\"']?(?P<value>[A-Za-z0-9+/=]{8,})[\"']?[ \t]*$"
)
_CREDENTIALS_B64 = lazy(rb"(?i)credentials_base64=(?P<value>[A-Za-z0-9+/=_\-%]{16,})")


def _b64decode(value: bytes) -> bytes | None:
    import base64
    import binascii

    if len(value) > MAX_DECODED:
        return None
    padded = value + b"=" * (-len(value) % 4)
    try:
        decoded = base64.b64decode(
            padded, altchars=b"-_" if b"-" in value or b"_" in value else None, validate=True
        )
    except (binascii.Error, ValueError):
        return None
    try:
        decoded.decode("utf-8")
    except UnicodeDecodeError:
        return None  # binary (a certificate, a keystore): nothing to match
    return decoded


def _point_at(data: bytes, start: int, end: int) -> Remap:
    line, column = _byte_line_col(data, start)
    end_line, end_column = _byte_line_col(data, end)

    def remap(finding: Finding) -> Finding:
        return dataclasses.replace(
            finding,
            line=line,
            column=column,
            end_line=end_line,
            end_column=end_column,
            decoded=True,
        )

    return remap


def _kubernetes_values(data: bytes) -> Iterator[tuple[int, int, bytes, bytes]]:
    """(start, end, key, decoded value) for each base64 value under a Secret's `data:`."""
    for block in _DATA_BLOCK.finditer(data):
        indent = len(block.group("indent"))
        pos = block.end() + 1
        for line in data[pos:].split(b"\n"):
            stripped = line.lstrip(b" \t")
            if stripped and len(line) - len(stripped) <= indent:
                break
            m = _B64_VALUE.match(line)
            if m is not None:
                decoded = _b64decode(m.group("value"))
                if decoded is not None:
                    start = pos + m.start("value")
                    yield start, pos + m.end("value"), m.group("key"), decoded
            pos += len(line) + 1


def decoded_views(fragment: Fragment, triggers: frozenset[str]) -> list[View]:
    """Views of the encoded values in `fragment`; `triggers` (from the engine's pass) says
    which decoders can have anything to do."""
    data = fragment.data
    out: list[View] = []
    encoded: list[tuple[int, int, bytes, str | None]] = []
    if "kubernetes-secret" in triggers and _K8S_SECRET.search(data):
        for start, end, key, decoded in _kubernetes_values(data):
            # As `KEY=value`, so the kubernetes-secret rule can judge the value by its key.
            encoded.append((start, end, key + b"=" + decoded, fragment.repo_path + K8S_DATA))
    if "credentials-base64" in triggers:
        from urllib.parse import unquote_to_bytes

        for m in _CREDENTIALS_B64.finditer(data):
            parameter = _b64decode(unquote_to_bytes(m.group("value")))
            if parameter is not None:
                encoded.append((m.start("value"), m.end("value"), parameter, None))
    for start, end, decoded, rule_path in encoded:
        view_fragment = Fragment(
            fragment.repo_path, fragment.display_path, decoded, rule_path=rule_path
        )
        out.append(View(view_fragment, _point_at(data, start, end)))
    return out
