"""Literals a regex cannot match without: a substring test that rules a text out before a search.

A path-scoped rule's regex (`(?:^|/)profiles\\.ya?ml$`) is searched at every position of every
path of a scan (0.7-1.2 us a path, ~50 ms of a 14k-file tree scan for four rules), and nearly
every path holds none of its literals (`profiles.y`, `.env`). The literals are read from the
regex's own parse, so they cannot drift from it; whatever the walk does not understand requires
nothing, and a pattern it cannot read at all gets no literals (the search always runs).
"""

from __future__ import annotations

import importlib
from typing import Any

# What one node of the parse requires: any one of these strings, or None (nothing known).
Required = frozenset[str] | None


def required_literals(pattern: str) -> tuple[str, ...] | None:
    """Lower-case ASCII strings one of which is in every text that `pattern` matches (compared
    with the text lower-cased, so case flags need no care); None when none is known."""
    try:
        # The parser behind `re.compile`: private, so any surprise means no literals.
        parser: Any = _parser()
        required = _sequence(parser.parse(pattern).data)
    except Exception:  # a missing or changed parser costs speed, never a finding
        return None
    if not required:
        return None
    # `.env` suffices where `.envrc` is also required: a text holding the longer holds both.
    ordered = sorted(required, key=lambda s: (len(s), s))
    return tuple(s for i, s in enumerate(ordered) if not any(k in s for k in ordered[:i]))


def _parser() -> Any:
    try:
        return importlib.import_module("re._parser")
    except ImportError:  # Python 3.10: the same parser under its old name (CI's 3.10 run)
        return importlib.import_module("sre_parse")


def _sequence(items: Any) -> Required:
    """The most selective requirement among a sequence's runs of literals and its items'."""
    options: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in items:
        if op.name == "LITERAL" and chr(av).isascii():
            run.append(chr(av).lower())
            continue
        if run:
            options.append(frozenset(["".join(run)]))
            run = []
        required = _item(op.name, av)
        if required:
            options.append(required)
    if run:
        options.append(frozenset(["".join(run)]))
    # Longest shortest string first, then fewest strings: the cheapest test that rules out most.
    return max(options, key=lambda o: (min(map(len, o)), -len(o)), default=None)


def _item(name: str, av: Any) -> Required:
    """What one node requires: a group's or a repeat's body (one pass at least), every
    alternative of a branch; nothing for classes, assertions, anchors and the rest."""
    if name == "SUBPATTERN":  # (group, add_flags, del_flags, items)
        return _sequence(av[-1])
    if name == "ATOMIC_GROUP":
        return _sequence(av)
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and av[0] >= 1:
        return _sequence(av[2])
    if name == "BRANCH":  # (None, [items, ...])
        union: set[str] = set()
        for alternative in av[1]:
            required = _sequence(alternative)
            if not required:
                return None
            union |= required
        return frozenset(union)
    return None
