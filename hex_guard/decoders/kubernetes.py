"""The values of Kubernetes Secrets in the layouts people commit: each (start, end, key, value)
under a Secret's `data:` (base64, decoded) or `stringData:` (plain text, as written).

What a Secret looks like is the Kubernetes documentation's, cited where each form is read:
- a manifest is JSON or YAML, `data` values base64, `stringData` values plain text, keys of
  alphanumerics, `-`, `_` and `.`:
  https://kubernetes.io/docs/tasks/configmap-secret/managing-secret-using-config-file/
- `data` is map[string][]byte, serialized as base64 (RFC 4648 section 4):
  https://kubernetes.io/docs/reference/kubernetes-api/config-and-storage-resources/secret-v1/
- `kubectl get secrets -o yaml` (and `-o json`) writes a `kind: List` whose `items:` are the
  Secrets, each an indented mapping: https://kubectl.docs.kubernetes.io/references/kubectl/get/raw
- YAML itself: comments, flow mappings, block scalars (`|`, `>-`, ...), the `!!binary` tag:
  https://yaml.org/spec/1.2.2/ (sections 6.6, 7.4, 8.1) and https://yaml.org/type/binary.html

Only a mapping whose own `kind` is Secret (any case) is read, wherever it sits and however far it
is indented; `kind` may come before or after `data` (kubectl sorts it after). YAML is read one
line at a time with a stack of the open mappings, each line once, so the work is linear in the
file; JSON (a file that opens with `{` or `[`) goes through the position-keeping JSON reader.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

# start, end (of the value as written), key, value as written (base64 joined when wrapped),
# whether it is plain text (`stringData`) rather than base64 (`data`)
Value = tuple[int, int, bytes, bytes, bool]

# A mapping key at the start of a line, after indentation and any `- ` sequence entries.
_KEY = re.compile(
    rb"(?P<lead>[ \t]*(?:-[ \t]+)*)(?P<q>[\"']?)(?P<key>[\w.\-/@~$]+)(?P=q)[ \t]*:(?:[ \t]+|$)"
)
_COMMENT = re.compile(rb"[ \t]*(?:#.*)?$")
_KIND_SECRET = re.compile(rb"(?i)(?P<q>[\"']?)secret(?P=q)")
_TAG = rb"(?:!!binary[ \t]+)?"
# A block scalar's header: `|`, `>-`, `|2+`, tagged or not, a comment after it.
_BLOCK = re.compile(_TAG + rb"[|>][-+0-9]*")
_B64 = re.compile(_TAG + rb"(?P<q>[\"']?)(?P<value>[A-Za-z0-9+/=]{8,})(?P=q)")
_TEXT = re.compile(rb"(?P<q>[\"']?)(?P<value>[^\r\n]+?)(?P=q)[ \t]*$")
# One `key: value` of a flow mapping (`data: {a: xxx, "b": "yyy"}`) on the key's line.
_FLOW = re.compile(rb"\{(?P<body>[^{}\r\n]*)\}")
_FLOW_ITEM = re.compile(
    rb"[ \t]*(?P<kq>[\"']?)(?P<key>[\w.\-]+)(?P=kq)[ \t]*:[ \t]*"
    + _TAG
    + rb"(?P<q>[\"']?)(?P<value>[A-Za-z0-9+/=]{8,})(?P=q)[ \t]*(?:,|$)"
)
_JSON = re.compile(rb"[ \t\r\n]*[{\[]")
_DOCUMENT = re.compile(rb"(?:---|\.\.\.)(?:[ \t].*)?$")


@dataclass
class _Mapping:
    column: int
    secret: bool = False
    values: list[Value] = field(default_factory=list)


@dataclass
class _Data:
    """The open `data:` or `stringData:` mapping of `owner`; its entries' column is set by the
    first of them."""

    owner: _Mapping
    plain: bool
    column: int = -1

    def holds(self, column: int) -> bool:
        return column == self.column if self.column >= 0 else column > self.owner.column


def _lines(data: bytes) -> Iterator[tuple[int, int]]:
    """[start, end) of each line, CR of a CRLF left out."""
    pos = 0
    while pos <= len(data):
        end = data.find(b"\n", pos)
        end = len(data) if end == -1 else end
        yield pos, end - 1 if end > pos and data[end - 1] == 0x0D else end
        pos = end + 1


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.stack: list[_Mapping | _Data] = []
        self.found: list[Value] = []
        self.block_column = -1  # inside a block scalar whose key sits at this column
        self.block: tuple[_Data, bytes, list[tuple[int, int]]] | None = None

    def read(self) -> list[Value]:
        for start, end in _lines(self.data):
            self.line(start, end)
        self.end_block()
        self.close(-1)
        return sorted(self.found)

    def line(self, start: int, end: int) -> None:
        data = self.data
        text = len(data[start:end].lstrip(b" \t")) if start < end else 0
        column = end - start - text
        if self.block_column >= 0:
            if text == 0 or column > self.block_column:
                if self.block is not None and text:
                    self.block[2].append((start + column, end))
                return
            self.end_block()
        if text == 0 or data[start + column] == 0x23:  # blank or a comment
            return
        if _DOCUMENT.match(data, start, end):
            self.close(-1)
        elif (key := _KEY.match(data, start, end)) is not None:
            self.entry(key, end)

    def entry(self, key: re.Match[bytes], end: int) -> None:
        column = key.start("q") - key.start()
        dash = key.group("lead").rfind(b"-")
        # A sequence entry starts a new mapping after its dash; a key closes what is deeper.
        self.close(dash if dash >= 0 else column)
        top = self.stack[-1] if self.stack else None
        name, rest = key["key"], key.end()
        if isinstance(top, _Data) and dash < 0 and (top.column < 0 or column <= top.column):
            top.column = column
            self.value(top, name, rest, end, column)
            return
        if not isinstance(top, _Mapping) or top.column != column or dash >= 0:
            top = _Mapping(column)
            self.stack.append(top)
        self.key(top, name, rest, end, column)

    def key(self, mapping: _Mapping, name: bytes, rest: int, end: int, column: int) -> None:
        data = self.data
        if name.lower() == b"kind":
            kind = _KIND_SECRET.match(data, rest, end)
            if kind is not None and _COMMENT.match(data, kind.end(), end):
                mapping.secret = True
        elif name in (b"data", b"stringData"):
            plain = name == b"stringData"
            if _COMMENT.match(data, rest, end):
                self.stack.append(_Data(mapping, plain))
            elif not plain and (flow := _FLOW.match(data, rest, end)) is not None:
                self.flow(mapping, flow)
        elif _BLOCK.match(data, rest, end):
            self.block_column = column  # its lines are text, never keys

    def value(self, block: _Data, name: bytes, rest: int, end: int, column: int) -> None:
        data = self.data
        header = _BLOCK.match(data, rest, end)
        if header is not None and _COMMENT.match(data, header.end(), end):
            self.block_column = column
            self.block = (block, name, [])
            return
        if block.plain:
            m = _TEXT.match(data, rest, end)
        else:
            m = _B64.match(data, rest, end)
            m = m if m is not None and _COMMENT.match(data, m.end(), end) else None
        if m is not None:
            block.owner.values.append(
                (m.start("value"), m.end("value"), name, m["value"], block.plain)
            )

    def flow(self, mapping: _Mapping, flow: re.Match[bytes]) -> None:
        pos, stop = flow.start("body"), flow.end("body")
        while (item := _FLOW_ITEM.match(self.data, pos, stop)) is not None:
            span = item.span("value")
            mapping.values.append((*span, item["key"], item["value"], False))
            pos = item.end()

    def end_block(self) -> None:
        if self.block is not None:
            block, name, lines = self.block
            if lines:
                sep = b"\n" if block.plain else b""
                text = sep.join(self.data[s:e].rstrip(b" \t") for s, e in lines)
                block.owner.values.append((lines[0][0], lines[-1][1], name, text, block.plain))
        self.block_column, self.block = -1, None

    def close(self, column: int) -> None:
        """Close the mappings a line at `column` is not inside (all of them for -1)."""
        while self.stack:
            top = self.stack[-1]
            owner = top.owner.column if isinstance(top, _Data) else top.column - 1
            if column > owner:
                return
            self.stack.pop()
            if isinstance(top, _Mapping) and top.secret:
                self.found.extend(top.values)


def _json_values(data: bytes) -> list[Value] | None:
    import json

    from hex_guard.decoders.jsonpos import JStr, parse_with_positions

    # The C parser first: a 1 MB JSON schema that mentions `"kind": "Secret"` (SchemaStore's
    # kubernetes-definitions.json) cost ~75 ms in the positional parser for nothing. Only a
    # document that holds a Secret with values is parsed again for their positions.
    try:
        if not _holds_secret_values(json.loads(data)):
            return []
        document = parse_with_positions(data)
    except (ValueError, IndexError, RecursionError):
        return None
    found: list[Value] = []
    nodes = _secret_nodes(document, lambda kind: kind.value if isinstance(kind, JStr) else None)
    for node in nodes:
        for name in _SECTIONS:
            values = node.get(name)
            if isinstance(values, dict):
                plain = name == "stringData"
                items = values.items()
                found.extend(_json_value(k, v, plain) for k, v in items if isinstance(v, JStr))
    return sorted(found)


_SECTIONS = ("data", "stringData")


def _secret_nodes(document: Any, kind_of: Callable[[Any], str | None]) -> Iterator[dict[Any, Any]]:
    """Every mapping in a parsed JSON document whose own `kind` is Secret (any case); `kind_of`
    reads a kind's text from the parser's string type."""
    pending: list[Any] = [document]
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
        elif isinstance(node, dict):
            kind = kind_of(node.get("kind"))
            if kind is not None and kind.lower() == "secret":
                yield node
            pending.extend(v for k, v in node.items() if k not in _SECTIONS)


def _holds_secret_values(document: Any) -> bool:
    nodes = _secret_nodes(document, lambda kind: kind if isinstance(kind, str) else None)
    return any(isinstance(n.get(s), dict) and n[s] for n in nodes for s in _SECTIONS)


def _json_value(key: str, value: Any, plain: bool) -> Value:
    text = value.value.encode("utf-8", "surrogateescape")
    return value.start + 1, value.end - 1, key.encode(), text, plain


def values(data: bytes) -> list[Value]:
    """Every value of every Secret in `data`, in file order."""
    if _JSON.match(data):
        found = _json_values(data)
        if found is not None:
            return found
    return _Reader(data).read()
