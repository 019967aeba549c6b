"""A JSON reader that keeps where every string sits in the raw bytes (notebook positions)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any


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
    raise JSONError("unterminated string")


_WS = re.compile(rb"[ \t\n\r]*")
# NaN, Infinity and -Infinity are not JSON, but Python's json (and so nbformat and Jupyter) reads
# and writes them (a dataframe's output, a metric in metadata): rejecting them dropped the cell
# view of a notebook Jupyter opens (red team repro 14).
_SCALAR = re.compile(rb"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null|NaN|-?Infinity")


def _scanstring(text: str, end: int, strict: bool) -> tuple[str, int]:
    import json  # notebooks only

    scan: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
    return scan(text, end, strict)


class JSONError(ValueError):
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
                raise JSONError("expected a key")
            end = _string_end(s, i)
            key = _decode_string(s, i, end)
            i = _skip(s, end)
            if s[i : i + 1] != b":":
                raise JSONError("expected ':'")
            obj[key], i = _parse(s, i + 1)
            i = _skip(s, i)
            if s[i : i + 1] == b"}":
                return obj, i + 1
            if s[i : i + 1] != b",":
                raise JSONError("expected ','")
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
                raise JSONError("expected ','")
            i += 1
    m = _SCALAR.match(s, i)
    if m is None:
        raise JSONError(f"unexpected {c!r}")
    return m.group(), m.end()


def parse_with_positions(data: bytes) -> Any:
    value, end = _parse(data, 0)
    if _skip(data, end) != len(data):
        raise JSONError("trailing data")
    return value


def _utf8_length(lead: int) -> int:
    return 1 if lead < 0xC0 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4


# Where a run of plain ASCII (one byte, one character) ends inside a JSON string.
_NOT_PLAIN = re.compile(rb"[\\\x80-\xff]")


def raw_index(raw: bytes, piece: JStr, k: int) -> int:
    """Byte index in `raw` of the k-th decoded character of `piece` (k == len: its end)."""
    return raw_index_from(raw, piece, k, 0, piece.start + 1)


def raw_index_from(raw: bytes, piece: JStr, k: int, decoded: int, i: int) -> int:
    """`raw_index`, resumed from a known position: the `decoded`-th character is at `i`. Runs
    of plain ASCII are skipped in one search (a Python loop per byte took 0.5 s per finding on
    a 1 MB cell line)."""
    stop = piece.end - 1
    while decoded < k and i < stop:
        special = _NOT_PLAIN.search(raw, i, min(stop, i + k - decoded))
        if special is None:
            return min(stop, i + k - decoded)
        decoded += special.start() - i
        i = special.start()
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
