"""Keyword prefilter: one pass over the bytes that says which rules may match, and where.

Most files hold no secret, so this pass is most of a scan's cost. Each gated rule has one gate:
its literal keywords (any case), and optionally a tighter regex for Hyperscan, which matches
every gate at once with SIMD (GB/s). Without Hyperscan, a pure-Python search for the literals
gives a superset of the same hits, so the rules' own regexes find the same secrets, only slower.
A gate that widens its keywords (`Gate.widens`) runs as a regex on both backends.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hex_guard import prefilter_cache

# (gate index, offset just past the keyword)
Hits = list[tuple[int, int]]


@dataclass(frozen=True)
class Gate:
    keywords: tuple[str, ...]
    # A Hyperscan-syntax regex (matched case-insensitively) that every match of the rule
    # contains; it must imply one of `keywords`, so both backends see the same secrets.
    regex: str | None = None
    # One hit is enough: the rule runs over the whole fragment anyway.
    single: bool = False
    # `regex` matches text that holds none of `keywords` (Rule.gate_widens): the pure-Python
    # backend runs the regex too (Python's `re`, any case), not the keywords.
    widens: bool = False


class Prefilter:
    """Case-insensitive search for each gate's literal keywords."""

    backend = "python"

    def __init__(self, gates: Sequence[Gate]) -> None:
        self.gates = tuple(gates)
        self._literals = [
            (index, keyword.lower().encode())
            for index, gate in enumerate(self.gates)
            if not (gate.widens and gate.regex)
            for keyword in gate.keywords
        ]
        self._regexes = [
            (index, re.compile(gate.regex.encode(), re.IGNORECASE))
            for index, gate in enumerate(self.gates)
            if gate.widens and gate.regex
        ]

    def hits(self, data: bytes) -> Hits:
        lowered = data.lower()
        find = lowered.find
        out: Hits = []
        for index, keyword in self._literals:
            pos = find(keyword)
            while pos != -1:
                out.append((index, pos + len(keyword)))
                pos = find(keyword, pos + 1)
        for index, regex in self._regexes:
            out.extend((index, m.end()) for m in regex.finditer(data))
        return out


class HyperscanPrefilter(Prefilter):
    backend = "hyperscan"

    def __init__(self, gates: Sequence[Gate], hyperscan: Any) -> None:
        super().__init__(gates)
        expressions: list[bytes] = []
        ids: list[int] = []
        flags: list[int] = []
        for index, gate in enumerate(self.gates):
            flag = hyperscan.HS_FLAG_CASELESS
            if gate.single:
                flag |= hyperscan.HS_FLAG_SINGLEMATCH
            patterns = [gate.regex.encode()] if gate.regex else [_escape(k) for k in gate.keywords]
            for pattern in patterns:
                expressions.append(pattern)
                ids.append(index)
                flags.append(flag)
        self._db = prefilter_cache.compiled(hyperscan, (expressions, ids, flags))

    def hits(self, data: bytes) -> Hits:
        out: Hits = []
        append = out.append

        def on_match(index: int, start: int, end: int, flags: int, context: Any) -> None:
            append((index, end))

        self._db.scan(data, match_event_handler=on_match)
        return out


def _escape(keyword: str) -> bytes:
    return b"".join(b"\\x%02x" % c for c in keyword.lower().encode())


def build(gates: Sequence[Gate], *, allow_hyperscan: bool = True) -> Prefilter:
    if allow_hyperscan and gates:  # hyperscan refuses an empty database
        try:
            import hyperscan
        except ImportError:  # no wheel for this platform: same findings, pure Python
            pass
        else:
            return HyperscanPrefilter(gates, hyperscan)
    return Prefilter(gates)


# Below this many commits a pure-Python history scan still takes seconds, not minutes.
LARGE_HISTORY_COMMITS = 5000


def accelerator() -> str | None:
    """hyperscan's version when it can be imported (the fast prefilter), else None."""
    try:
        import hyperscan
    except ImportError:
        return None
    return str(getattr(hyperscan, "__version__", "installed"))


def describe() -> str:
    """For `--version` and `hex-guard config`: which prefilter runs, and why when it is slow."""
    version = accelerator()
    return f"hyperscan {version}" if version else "pure Python (hyperscan not installed)"
