"""The prefilter's gates: shapes that keep Hyperscan's one pass at memory speed."""

from __future__ import annotations

from typing import Any

import pytest

from hex_guard.detect import Engine

try:  # Python 3.11 moved the parser and deprecated the old name
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse  # type: ignore[no-redef]

_GATES = [gate for gate in Engine().prefilter.gates if gate.regex]


def _starts_with_literal(items: Any) -> bool:
    if not len(items):
        return False
    op, arg = items[0]
    name = str(op)
    if name == "LITERAL":
        return True
    if name == "SUBPATTERN":
        return _starts_with_literal(arg[-1])
    if name == "BRANCH":
        return all(_starts_with_literal(branch) for branch in arg[1])
    return False


@pytest.mark.parametrize("gate", _GATES, ids=lambda g: g.regex[:40])
def test_every_gate_regex_starts_with_a_literal(gate: Any) -> None:
    # A gate that begins at a character class ([A-Za-z][\w$#]{0,29}/...@...) has no literal
    # for Hyperscan to start from, so an automaton runs over every byte: one such gate made the
    # whole prefilter 14x slower on ordinary source.
    assert _starts_with_literal(sre_parse.parse(gate.regex)), gate.regex
