"""The rule record: a pattern, its keyword gate, its own examples, and how sure a match is."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cached_property
from typing import cast

from hex_guard.rules.literals import required_literals


class Severity(IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    def __str__(self) -> str:
        return self.name.lower()


class Confidence(IntEnum):
    """How likely a match is a real credential, whatever its severity.

    `high`: a vendor's fixed token format (prefix, length, charset) or a structure that only a
    credential has; `medium`: a value judged by the key it is assigned to and its own syntax.
    """

    LOW = 1
    MEDIUM = 2
    HIGH = 3

    def __str__(self) -> str:
        return self.name.lower()


Validator = Callable[[bytes, "re.Match[bytes]"], bool]

# PEM private keys: a key file stored in an archive or a keystore is still the key.
_KEY_RULES = frozenset({"private-key", "private-key-base64"})


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    severity: Severity
    pattern: str
    keywords: tuple[str, ...] = ()
    hint: str = "Rotate the credential, then load it from the environment or a secrets manager."
    # Only files whose repo-relative POSIX path matches run this rule (None: every file).
    paths: str | None = None
    # Only data this decoder (a name in hex_guard.decoders) decoded from a file runs this rule
    # (None: raw and decoded data alike): a rule that judges a decoded value by its key means
    # nothing on a file's raw text.
    decoded_by: str | None = None
    # The rule may span lines, so it runs over the whole fragment instead of the keyword's line.
    multiline: bool = False
    # A match starts on its keyword's line and may end this many lines below it (an XML
    # element's text on lines of its own): the rule reads those lines too, not the whole
    # fragment, which costs a regex pass over every byte of a file that holds the keyword once.
    lines_after: int = 0
    # Optional Hyperscan regex, tighter than the keywords, that every match contains.
    gate: str | None = None
    # The gate also finds matches that hold none of the keywords (oracle-connect-password's
    # `:port/`): then every backend and every scan size runs the gate's regex, or a hook run
    # (keywords only) and the pure-Python prefilter would miss what a tree scan with Hyperscan
    # finds. tests/test_rules.py runs every example through all three.
    gate_widens: bool = False
    # Higher wins when two findings cover the same secret (the more specific rule).
    priority: int = 50
    # Leading characters of the secret that are safe to show: a fixed prefix is not secret.
    reveal_prefix: int = 0
    min_entropy: float = 0.0
    # (secret prefix, severity) pairs that override `severity`, first match wins.
    severity_by_prefix: tuple[tuple[str, Severity], ...] = ()
    check_placeholder: bool = True
    confidence: Confidence = Confidence.MEDIUM
    # From [[tool.hex-guard.rules]]: compiled with `regex`, every match time-bounded.
    user_defined: bool = False
    validate: Validator | None = field(default=None, compare=False)
    examples: tuple[str, ...] = field(default=(), compare=False)
    counter_examples: tuple[str, ...] = field(default=(), compare=False)
    # Only the examples' matching needs a path, for path-scoped rules.
    example_path: str = "example.txt"

    @cached_property
    def regex(self) -> re.Pattern[bytes]:
        if self.user_defined:
            import regex  # only when a config defines rules: it costs every run ~5 ms to import

            return cast("re.Pattern[bytes]", regex.compile(self.pattern.encode()))
        return re.compile(self.pattern.encode())

    @cached_property
    def path_regex(self) -> re.Pattern[str] | None:
        return re.compile(self.paths) if self.paths else None

    def severity_of(self, secret: str) -> Severity:
        for prefix, severity in self.severity_by_prefix:
            if secret.startswith(prefix):
                return severity
        return self.severity

    @property
    def trusted_in_binary(self) -> bool:
        """Whether a finding counts inside binary content (`Fragment.binary`): a fixed format
        (high confidence) or a private key (a key file stored in an archive or a keystore is still
        the key). The scan keeps no other rule's findings there, and the engine need not run
        the others below every trusted rule's priority."""
        return self.confidence is Confidence.HIGH or self.id in _KEY_RULES

    @property
    def scoped(self) -> bool:
        """Runs on some fragments only (by path or by decoder), chosen before any prefilter."""
        return self.paths is not None or self.decoded_by is not None

    @cached_property
    def path_literals(self) -> tuple[str, ...] | None:
        """Lower-case strings one of which every ASCII path the rule applies to holds (None:
        unknown, or no `paths`): most paths hold none, and a substring test is ~10x cheaper
        than the regex's search."""
        return required_literals(self.paths) if self.paths else None

    def applies_to(self, path: str, decoded: str | None = None) -> bool:
        """Whether the rule runs on a fragment at `path` decoded by `decoded` (None: raw)."""
        if self.decoded_by is not None and self.decoded_by != decoded:
            return False
        if self.path_regex is None:
            return True
        literals = self.path_literals
        if literals is not None and path.isascii():
            lowered = path.lower()
            if not any(literal in lowered for literal in literals):
                return False
        return self.path_regex.search(path) is not None
