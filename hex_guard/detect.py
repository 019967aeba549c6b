"""The detection engine: a fragment of bytes in, findings out.

It never knows where the bytes came from (a file, the index, a blob in history); sources hand it
a `Fragment`. Per fragment: keyword prefilter, then each gated rule's regex on the lines around its
keyword hits (whole fragment for multi-line rules), then the placeholder filter and the rule's own
validator on the captured secret, then overlap resolution in favour of the most specific rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from hex_guard import decoders, prefilter
from hex_guard.decoders.view import Positions as _Positions
from hex_guard.errors import RuleTimeoutError
from hex_guard.finding import fingerprint
from hex_guard.placeholder import is_placeholder, shannon_entropy
from hex_guard.records import Finding, Fragment, MatchContext
from hex_guard.rules import RULES, Confidence, Rule

__all__ = ["Engine", "Fragment"]


@dataclass(frozen=True)
class _Match:
    rule: Rule
    start: int
    end: int
    secret: str


class Engine:
    """Rules plus their prefilter, built once per process and reused for every fragment."""

    def __init__(
        self,
        rules: Sequence[Rule] = RULES,
        *,
        allow_hyperscan: bool = True,
        gates: bool = True,
        context: bool = False,
    ) -> None:
        """`gates=False` keeps to literal keywords: Hyperscan compiles them in ~2 ms instead of
        ~12 ms, which matters to a hook run over a few files and not to a large scan.
        `context=True` (`--verify`) keeps the lines around each match on its finding."""
        self.rules = tuple(rules)
        self.context = context
        # Scoped rules (.env, profiles.yml, decoded Kubernetes data) stay out of the prefilter:
        # their keywords (`pass`) are everywhere in code, and what they apply to is rare and small.
        self._gated = [i for i, r in enumerate(self.rules) if r.keywords and not r.scoped]
        self._scoped = [i for i, r in enumerate(self.rules) if r.scoped]
        self._ungated = [i for i, r in enumerate(self.rules) if not r.keywords and not r.scoped]
        # A file's own bytes only meet the path-scoped rules (decoded_by: decoded data only),
        # and nearly every path holds none of their literals: one substring test per fragment
        # rules them all out (the regex searches cost ~50 ms of a 14k-file tree scan).
        self._raw_scoped = [i for i in self._scoped if self.rules[i].decoded_by is None]
        raw_literals = [self.rules[i].path_literals for i in self._raw_scoped]
        self._raw_literals: tuple[str, ...] | None = (
            tuple(sorted({s for ls in raw_literals if ls for s in ls}))
            if all(ls is not None for ls in raw_literals)
            else None
        )
        # Inside binary content the scan keeps trusted rules' findings only. A rule it drops
        # whose priority is below every trusted rule's can neither be reported nor hide a
        # trusted finding (_most_specific keeps higher priorities first), so it need not run:
        # keyed rules on .NET assemblies' `PublicKeyToken=` cost ~20 ms of a corpus scan.
        floor = min((r.priority for r in self.rules if r.trusted_in_binary), default=None)
        self._binary_skip = frozenset(
            i
            for i, r in enumerate(self.rules)
            if not r.trusted_in_binary and (floor is None or r.priority < floor)
        )
        specs = [
            prefilter.Gate(
                self.rules[i].keywords,
                self.rules[i].gate if gates or self.rules[i].gate_widens else None,
                self.rules[i].multiline,
                self.rules[i].gate_widens,
            )
            for i in self._gated
        ]
        # Expanding decoders' gates ride the same pass (decoders.DECODERS).
        self._expanders = tuple(d for d in decoders.EXPANDERS if d.gate is not None)
        for decoder in self._expanders:
            gate = decoder.gate
            if gate is not None and not gates:
                # Keywords only, as for the rules: the decoder confirms with its own pattern,
                # and the one gate regex added ~25 ms to a hook run's Hyperscan compile.
                gate = prefilter.Gate(gate.keywords, None, gate.single)
            if gate is not None:
                specs.append(gate)
        self.prefilter = prefilter.build(specs, allow_hyperscan=allow_hyperscan)

    def compile_all(self) -> None:
        """Compile every rule's regex and every lazy pattern (validators, decoders) now. Before a
        pool forks: each worker compiled those it met again, ~8 ms of CPU apiece on a tree."""
        from hex_guard import lazyre

        for rule in self.rules:
            rule.regex  # noqa: B018 - a cached property: reading it compiles
        lazyre.compile_all()

    def scan(self, fragment: Fragment) -> list[Finding]:
        return self.scan_with_triggers(fragment)[0]

    def scan_with_triggers(
        self, fragment: Fragment
    ) -> tuple[list[Finding], tuple[decoders.Decoder, ...]]:
        """Findings, and which expanding decoders' gates fired (in registry order): the same
        single pass tells the decoders whether there is anything to decode, so no file is read
        twice."""
        data = fragment.data
        scoped = self._scoped_for(fragment)
        hits = self.prefilter.hits(data)
        if not hits and not scoped and not self._ungated:
            return [], ()  # most fragments: no keyword, and no rule that reads them whole
        hits_by_rule: dict[int, list[int]] = {i: [] for i in self._ungated}
        for i in scoped:
            hits_by_rule[i] = []
        gated = self._gated
        rule_gates = len(gated)
        fired: set[int] = set()
        for gate_index, offset in hits:
            if gate_index < rule_gates:
                hits_by_rule.setdefault(gated[gate_index], []).append(offset)
            else:
                fired.add(gate_index - rule_gates)
        if fragment.binary:
            for i in self._binary_skip:
                hits_by_rule.pop(i, None)
        matches: list[_Match] = []
        for rule_index in sorted(hits_by_rule):
            rule = self.rules[rule_index]
            offsets = hits_by_rule[rule_index]
            matches.extend(_run_rule(rule, data, offsets, fragment.display_path))
        triggered = tuple(self._expanders[i] for i in sorted(fired))
        if not matches:
            return [], triggered
        position = _Positions(fragment.data)
        findings = [
            _to_finding(m, fragment, position, self.context) for m in _most_specific(matches)
        ]
        return findings, triggered

    def _scoped_for(self, fragment: Fragment) -> list[int]:
        """The scoped rules that run on `fragment`."""
        path = fragment.repo_path
        if fragment.decoded is not None:
            return [i for i in self._scoped if self.rules[i].applies_to(path, fragment.decoded)]
        literals = self._raw_literals
        if literals is not None and path.isascii():
            lowered = path.lower()
            for literal in literals:  # a loop, not any(): a generator costs ~0.3 us a file
                if literal in lowered:
                    break
            else:
                return []
        return [i for i in self._raw_scoped if self.rules[i].applies_to(path)]


def _line_windows(
    data: bytes, offsets: Iterable[int], lines_after: int = 0
) -> Iterator[tuple[int, int]]:
    """Merged [start, end) spans of the lines that hold the given offsets, each with the
    `lines_after` lines below it. Each line is measured once, however many offsets it holds
    (a 1 MB line of keywords stays linear); an offset on a later line inside the current span
    still extends it by its own `lines_after` lines."""
    current: tuple[int, int] | None = None
    line_end = -1  # end of the line of the last offset measured
    for offset in sorted(offsets):
        if offset <= line_end:
            continue
        start = data.rfind(b"\n", 0, offset) + 1
        end = data.find(b"\n", offset)
        line_end = len(data) if end == -1 else end
        for _ in range(lines_after):
            if end == -1:
                break
            end = data.find(b"\n", end + 1)
        end = len(data) if end == -1 else end
        if current is not None and start <= current[1] + 1:
            current = (current[0], max(current[1], end))
            continue
        if current is not None:
            yield current
        current = (start, end)
    if current is not None:
        yield current


# Seconds one user-defined rule may spend on one window of one file before the scan fails.
USER_REGEX_TIMEOUT = 2.0


def _finditer(rule: Rule, data: bytes, start: int, end: int, path: str) -> list[re.Match[bytes]]:
    if not rule.user_defined:
        return list(rule.regex.finditer(data, start, end))
    try:
        finditer: Any = rule.regex.finditer
        return list(finditer(data, start, end, timeout=USER_REGEX_TIMEOUT))
    except TimeoutError as exc:
        # Fail closed: a catastrophic pattern must neither hang a commit nor pass it silently.
        raise RuleTimeoutError(
            f"rule {rule.id!r} took over {USER_REGEX_TIMEOUT:g}s on {path}; simplify its regex"
        ) from exc


def _run_rule(rule: Rule, data: bytes, offsets: list[int], path: str) -> Iterator[_Match]:
    # No offsets: an ungated or path-scoped rule, which reads the whole fragment.
    whole = rule.multiline or not offsets
    windows = [(0, len(data))] if whole else _line_windows(data, offsets, rule.lines_after)
    for start, end in windows:
        for m in _finditer(rule, data, start, end, path):
            found = _accept(rule, data, m)
            if found is not None:
                yield found


def _accept(rule: Rule, data: bytes, m: re.Match[bytes]) -> _Match | None:
    has_group = "secret" in rule.regex.groupindex
    start, end = m.span("secret") if has_group else m.span()
    secret = data[start:end].decode("utf-8", "surrogateescape")
    if rule.check_placeholder and is_placeholder(secret, shaped=rule.confidence is Confidence.HIGH):
        return None
    if (
        rule.min_entropy
        and shannon_entropy(secret[max(rule.reveal_prefix, 0) :]) < rule.min_entropy
    ):
        return None
    if rule.validate is not None and not rule.validate(data, m):
        return None
    return _Match(rule, start, end, secret)


def _most_specific(matches: list[_Match]) -> list[_Match]:
    """One finding per secret: where spans overlap, the higher-priority rule wins.

    The kept spans never overlap, so kept sorted by start, a candidate only needs checking
    against its two neighbours: O(n log n) in matches per file (it compared each candidate with
    every kept span, quadratic in a file with many findings; issue 10).
    """
    import bisect

    starts: list[int] = []
    kept: list[_Match] = []
    for m in sorted(matches, key=lambda m: (-m.rule.priority, m.start, -(m.end - m.start))):
        i = bisect.bisect_right(starts, m.start)
        if i and kept[i - 1].end > m.start:
            continue
        if i < len(kept) and kept[i].start < m.end:
            continue
        starts.insert(i, m.start)
        kept.insert(i, m)
    return kept


# Lines kept on each side of a match for `--verify`, and a byte bound on each side: enough for
# a dbt output block or a multi-line driver call, small enough to keep on every finding.
CONTEXT_LINES = 12
CONTEXT_BYTES = 2048


def _context(data: bytes, start: int, end: int) -> MatchContext:
    lo = start
    for _ in range(CONTEXT_LINES + 1):
        lo = data.rfind(b"\n", max(0, start - CONTEXT_BYTES), lo)
        if lo == -1:
            lo = max(0, start - CONTEXT_BYTES)
            break
    else:
        lo += 1
    hi = end
    for _ in range(CONTEXT_LINES + 1):
        hi = data.find(b"\n", hi + 1, end + CONTEXT_BYTES)
        if hi == -1:
            hi = min(len(data), end + CONTEXT_BYTES)
            break
    # Decoded as _accept decodes the secret, so text[start:end] is the finding's secret.
    before = data[lo:start].decode("utf-8", "surrogateescape")
    secret = data[start:end].decode("utf-8", "surrogateescape")
    after = data[end:hi].decode("utf-8", "surrogateescape")
    return MatchContext(before + secret + after, len(before), len(before) + len(secret))


def _to_finding(
    m: _Match, fragment: Fragment, position: _Positions, context: bool = False
) -> Finding:
    line, column = position(m.start)
    end_line, end_column = position(m.end)
    line += fragment.first_line - 1
    end_line += fragment.first_line - 1
    return Finding(
        rule_id=m.rule.id,
        severity=m.rule.severity_of(m.secret),
        confidence=m.rule.confidence,
        description=m.rule.description,
        hint=m.rule.hint,
        path=fragment.display_path,
        repo_path=fragment.repo_path,
        line=line,
        column=column,
        end_line=end_line,
        end_column=end_column,
        fingerprint=fingerprint(m.rule.id, fragment.repo_path, m.secret),
        reveal_prefix=m.rule.reveal_prefix,
        secret=m.secret,
        decoded=fragment.decoded is not None,
        context=_context(fragment.data, m.start, m.end) if context else None,
    )
