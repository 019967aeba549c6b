"""Keyword prefilter: one pass over the bytes that says which rule keywords occur, and where.

Most files hold no secret, so this pass is most of a scan's cost. Hyperscan matches every keyword
at once with SIMD (GB/s); without it, a pure-Python search gives the same hits, only slower.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# (keyword index, offset just past the keyword)
Hits = list[tuple[int, int]]


class Prefilter:
    """Case-insensitive search for a fixed set of ASCII keywords."""

    backend = "python"

    def __init__(self, keywords: Sequence[str]) -> None:
        self.keywords = tuple(k.lower() for k in keywords)
        self._encoded = tuple(k.encode() for k in self.keywords)

    def hits(self, data: bytes) -> Hits:
        lowered = data.lower()
        out: Hits = []
        for index, keyword in enumerate(self._encoded):
            find = lowered.find
            pos = find(keyword)
            while pos != -1:
                out.append((index, pos + len(keyword)))
                pos = find(keyword, pos + 1)
        return out


class HyperscanPrefilter(Prefilter):
    backend = "hyperscan"

    def __init__(self, keywords: Sequence[str], hyperscan: Any) -> None:
        super().__init__(keywords)
        self._db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        self._db.compile(
            expressions=[_escape(k) for k in self._encoded],
            ids=list(range(len(self._encoded))),
            elements=len(self._encoded),
            flags=hyperscan.HS_FLAG_CASELESS,
        )

    def hits(self, data: bytes) -> Hits:
        out: Hits = []
        append = out.append

        def on_match(index: int, start: int, end: int, flags: int, context: Any) -> None:
            append((index, end))

        self._db.scan(data, match_event_handler=on_match)
        return out


def _escape(keyword: bytes) -> bytes:
    return b"".join(b"\\x%02x" % c for c in keyword)


def build(keywords: Sequence[str], *, allow_hyperscan: bool = True) -> Prefilter:
    if allow_hyperscan and keywords:  # hyperscan refuses an empty database
        try:
            import hyperscan
        except ImportError:  # no wheel for this platform: same hits, pure Python
            pass
        else:
            return HyperscanPrefilter(keywords, hyperscan)
    return Prefilter(keywords)


__all__ = ["Hits", "Prefilter", "build"]
