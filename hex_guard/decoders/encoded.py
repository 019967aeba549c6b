"""Encoded values, decoded once (depth 1) and scanned: Kubernetes Secret `data:` values (and
`stringData:` values, which are plain text) and `credentials_base64=` parameters. Findings
point at the encoded value.

Nothing is dropped without a word: a value of any size is decoded (the file itself is bounded by
--max-file-size), one that decodes to bytes that are not UTF-8 is scanned as bytes, and CRLF
line endings are read like LF.
"""

from __future__ import annotations

from collections.abc import Iterator

from hex_guard.decoders.view import Positions, View, point_at
from hex_guard.lazyre import lazy
from hex_guard.records import Fragment

_K8S_SECRET = lazy(rb"(?m)^kind:[ \t]*[\"']?Secret[\"']?[ \t]*\r?$")
_DATA_BLOCK = lazy(rb"(?m)^(?P<indent>[ \t]*)(?P<kind>data|stringData):[ \t]*\r?$")
_B64_VALUE = lazy(
    rb"^(?P<indent>[ \t]+)(?P<key>[\w.\-]+):[ \t]*[\"']?(?P<value>[A-Za-z0-9+/=]{8,})[\"']?"
    rb"[ \t]*\r?$"
)
# stringData values are plain text: anything up to the end of the line, unquoted.
_TEXT_VALUE = lazy(
    rb"^(?P<indent>[ \t]+)(?P<key>[\w.\-]+):[ \t]*(?P<q>[\"']?)(?P<value>[^\r\n]+?)(?P=q)"
    rb"[ \t]*\r?$"
)
_CREDENTIALS_B64 = lazy(rb"(?i)credentials_base64=(?P<value>[A-Za-z0-9+/=_\-%]{16,})")


def _b64decode(value: bytes) -> bytes | None:
    import base64
    import binascii

    padded = value + b"=" * (-len(value) % 4)
    try:
        decoded = base64.b64decode(
            padded, altchars=b"-_" if b"-" in value or b"_" in value else None, validate=True
        )
    except (binascii.Error, ValueError):
        return None
    return decoded  # not UTF-8 (a keystore, UTF-16 text): the engine scans bytes all the same


def _lines_from(data: bytes, pos: int) -> Iterator[tuple[int, bytes]]:
    """(offset, line) from `pos` on, read one at a time: a block reads only its own lines."""
    while pos <= len(data):
        end = data.find(b"\n", pos)
        end = len(data) if end == -1 else end
        yield pos, data[pos:end]
        pos = end + 1


def _kubernetes_values(data: bytes) -> Iterator[tuple[int, int, bytes, bytes]]:
    """(start, end, key, value) for each base64 value under a Secret's `data:` (decoded) and
    each value under `stringData:` (as written)."""
    # A block nested in one of its own kind already read holds nothing new: reading it again
    # repeated its values, once per enclosing block (issue 10 item 11).
    read_until = {b"data": -1, b"stringData": -1}
    for block in _DATA_BLOCK.finditer(data):
        kind = block.group("kind")
        if block.start() < read_until[kind]:
            continue
        indent = len(block.group("indent"))
        plain = kind == b"stringData"
        end = len(data)
        for pos, line in _lines_from(data, block.end() + 1):
            stripped = line.lstrip(b" \t").rstrip(b"\r")
            if stripped and len(line) - len(line.lstrip(b" \t")) <= indent:
                end = pos
                break
            m = (_TEXT_VALUE if plain else _B64_VALUE).match(line)
            if m is not None:
                decoded = m.group("value") if plain else _b64decode(m.group("value"))
                if decoded is not None:
                    yield pos + m.start("value"), pos + m.end("value"), m.group("key"), decoded
        read_until[kind] = end


def _view(
    fragment: Fragment, decoder: str, position: Positions, span: tuple[int, int], decoded: bytes
) -> View:
    data = Fragment(fragment.repo_path, fragment.display_path, decoded, decoded=decoder)
    return View(data, point_at(position, *span))


def kubernetes(fragment: Fragment) -> list[View]:
    """Each base64 value under a Kubernetes Secret's `data:`, as `KEY=value`, so the
    kubernetes-secret rule can judge the value by its key."""
    if not _K8S_SECRET.search(fragment.data):
        return []
    # Values come in file order, so one position cursor serves them all.
    position = Positions(fragment.data)
    return [
        _view(fragment, KUBERNETES, position, (start, end), key + b"=" + decoded)
        for start, end, key, decoded in _kubernetes_values(fragment.data)
    ]


def credentials_base64(fragment: Fragment) -> list[View]:
    """Each `credentials_base64=` parameter (JDBC and Spark BigQuery connectors)."""
    from urllib.parse import unquote_to_bytes

    out = []
    position = Positions(fragment.data)
    for m in _CREDENTIALS_B64.finditer(fragment.data):
        parameter = _b64decode(unquote_to_bytes(m.group("value")))
        if parameter is not None:
            out.append(_view(fragment, CREDENTIALS, position, m.span("value"), parameter))
    return out


KUBERNETES = "kubernetes-secret"
CREDENTIALS = "credentials-base64"
