"""Allowlists: what a team declared fake. Applied after detection, before the report.

Each entry that suppresses a finding is counted, so `--report-unused` can name the entries that
matched nothing (a stale entry is a hole waiting for a real secret). Value patterns are user
regexes and run with the `regex` module's timeout, like custom rules.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hex_guard.config import AllowEntry, Config
from hex_guard.errors import RuleTimeoutError
from hex_guard.globs import combined_regex
from hex_guard.lazyre import lazy
from hex_guard.records import Finding, Fragment

VALUE_TIMEOUT = 1.0

# Accepted so teams can migrate from gitleaks and detect-secrets without touching every line.
_SAME_LINE = lazy(rb"hex-guard:\s*allow(?!-next-line)|gitleaks:allow|pragma:\s*allowlist\s+secret")
_NEXT_LINE = lazy(rb"hex-guard:\s*allow-next-line|pragma:\s*allowlist\s+nextline\s+secret")


@dataclass(frozen=True)
class _Entry:
    key: str
    source: AllowEntry
    paths: re.Pattern[str] | None
    values: tuple[Any, ...]


def _compile_values(patterns: Sequence[str]) -> tuple[Any, ...]:
    if not patterns:
        return ()
    import regex

    return tuple(regex.compile(p) for p in patterns)


def _search(pattern: Any, text: str, key: str) -> bool:
    try:
        return pattern.search(text, timeout=VALUE_TIMEOUT) is not None
    except TimeoutError as exc:
        raise RuleTimeoutError(f"allowlist pattern {key} took over {VALUE_TIMEOUT:g}s") from exc


class InlineMarkers:
    """Which lines of a fragment an inline marker allows, each line searched once.

    Searched once per finding, one long line holding many findings cost findings x line
    length: 1 MiB of `jdbc:x://h;password=` on one line ran over two minutes (red team 10).
    """

    def __init__(self, fragment: Fragment) -> None:
        self._lines = fragment.data.split(b"\n")
        self._first = fragment.first_line
        self._same: dict[int, bool] = {}
        self._next: dict[int, bool] = {}

    def _has(self, cache: dict[int, bool], pattern: Any, line: int) -> bool:
        found = cache.get(line)
        if found is None:
            index = line - self._first
            found = 0 <= index < len(self._lines) and bool(pattern.search(self._lines[index]))
            cache[line] = found
        return found

    def allow(self, line: int) -> bool:
        """True when `line` (1-based, in the file) carries a same-line marker or the line
        above it an allow-next-line marker."""
        return self._has(self._same, _SAME_LINE, line) or self._has(
            self._next, _NEXT_LINE, line - 1
        )


class Allowlist:
    def __init__(self, config: Config) -> None:
        self.inline_markers = config.inline_markers
        self._allow = _compile_values(config.allow)
        self._stopwords = tuple(w.lower() for w in config.stopwords)
        self._entries = tuple(
            _Entry(
                key=f"allowlist[{e.index}]",
                source=e,
                paths=re.compile(combined_regex(e.paths)) if e.paths else None,
                values=_compile_values(e.values),
            )
            for e in config.allowlists
        )
        self._config = config

    def _entry_matches(self, entry: _Entry, finding: Finding, rel: str | None) -> bool:
        source = entry.source
        if source.rules is not None and finding.rule_id not in source.rules:
            return False
        if entry.paths is not None and (rel is None or not entry.paths.match(rel)):
            return False
        if entry.values and not any(_search(p, finding.secret, entry.key) for p in entry.values):
            return False
        lowered = finding.secret.lower()
        return not source.stopwords or any(w.lower() in lowered for w in source.stopwords)

    def reason(self, finding: Finding, fs_path: str, markers: InlineMarkers | None) -> str | None:
        """The key of the first entry that suppresses `finding`, or None to report it."""
        for i, pattern in enumerate(self._allow):
            if _search(pattern, finding.secret, f"allow[{i}]"):
                return f"allow[{i}]"
        lowered = finding.secret.lower()
        for i, word in enumerate(self._stopwords):
            if word in lowered:
                return f"stopwords[{i}]"
        rel = self._config.relative(fs_path)
        for entry in self._entries:
            if self._entry_matches(entry, finding, rel):
                return entry.key
        if self.inline_markers and markers is not None and markers.allow(finding.line):
            return "inline"
        return None

    def filter(
        self, findings: list[Finding], fs_path: str, fragment: Fragment, used: Counter[str]
    ) -> tuple[list[Finding], int]:
        """Findings left after the allowlist, and how many it suppressed (counted in `used`)."""
        if not findings:
            return findings, 0
        markers = InlineMarkers(fragment) if self.inline_markers else None
        kept = []
        for finding in findings:
            key = self.reason(finding, fs_path, markers)
            if key is None:
                kept.append(finding)
            else:
                used[key] += 1
        return kept, len(findings) - len(kept)

    def entry_keys(self) -> list[str]:
        """Every declared entry, for `--report-unused` (config `ignore` is applied, and
        counted, with the baseline in `scan.run`: it keys on the final fingerprint)."""
        keys = [f"allow[{i}]" for i in range(len(self._allow))]
        keys += [f"stopwords[{i}]" for i in range(len(self._stopwords))]
        keys += [e.key for e in self._entries]
        return keys
