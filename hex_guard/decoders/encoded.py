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

# A Secret somewhere in the file: `kind: Secret` in YAML, `"kind": "Secret"` in JSON. Which
# mapping it is and where its values are is the kubernetes module's job.
_K8S_SECRET = lazy(rb"(?i)kind[\"']?[ \t]*:[ \t]*[\"']?secret")
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


def _kubernetes_values(data: bytes) -> Iterator[tuple[int, int, bytes, bytes]]:
    """(start, end, key, value) for each base64 value under a Secret's `data:` (decoded) and
    each value under `stringData:` (as written)."""
    from hex_guard.decoders.kubernetes import values

    for start, end, key, value, plain in values(data):
        decoded = value if plain else _b64decode(value)
        if decoded is not None:
            yield start, end, key, decoded


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
