"""The literals read from a path regex rule paths out before its search: they must never rule
out a path the regex matches (a missed .env file), whatever the path."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hex_guard.detect import Engine
from hex_guard.records import Fragment
from hex_guard.rules import RULES, Rule, Severity
from hex_guard.rules.literals import required_literals

SCOPED = [r for r in RULES if r.paths]


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        ("abc", ("abc",)),
        (r"(?:^|/)profiles\.ya?ml$", ("profiles.y",)),
        ("(?i)a(?:bc)+d|xyz", ("bc", "xyz")),  # a repeat's body, each alternative's own
        ("(a|b*)c", ("c",)),  # an alternative that may be empty requires nothing
        ("x(?:ab|cd)?", ("x",)),  # nor does an optional group
        ("(?x) a b c ", ("abc",)),
        ("[a]bc", ("abc",)),
        ("ABC", ("abc",)),  # compared lower-cased, whatever the case flags
        (r"\.env(?:rc)?|[^/]+\.env", (".env",)),  # a string that holds another is redundant
        ("[ab]+", None),  # classes, anchors and lookarounds require nothing
        ("(?=abc)", None),
        ("^$", None),
        ("(", None),  # a pattern the parser refuses: the search always runs
        ("\u212a", None),  # non-ASCII (the Kelvin sign matches `k` ignoring case)
    ],
)
def test_required_literals(pattern: str, literals: tuple[str, ...] | None) -> None:
    assert required_literals(pattern) == literals


def test_every_built_in_path_rule_has_literals() -> None:
    """Otherwise the engine's one substring test falls back to every rule's search."""
    assert all(r.path_literals for r in SCOPED)
    assert Engine(allow_hyperscan=False)._raw_literals


_PIECES = st.sampled_from(
    [
        "/",
        ".",
        "-",
        "_",
        "env",
        ".env",
        "ENV",
        "rc",
        "example",
        "local",
        "profiles",
        ".yml",
        ".yaml",
        "pgpass",
        ".conf",
        "netrc",
        "a",
        "Ab9",
        "\u212a",
        "é",
    ]
)
_PATHS = st.lists(_PIECES, max_size=12).map("".join)


@given(_PATHS)
def test_applies_to_agrees_with_the_search(path: str) -> None:
    for rule in SCOPED:
        assert rule.applies_to(path) == (re.search(rule.paths or "", path) is not None), rule.id


@given(_PATHS, st.sampled_from([None, "kubernetes-secret", "credentials-base64"]))
def test_the_engine_runs_the_scoped_rules_that_apply(path: str, decoded: str | None) -> None:
    engine = _ENGINE
    expected = [
        i
        for i in engine._scoped
        if (engine.rules[i].decoded_by in (None, decoded))
        and (engine.rules[i].paths is None or re.search(engine.rules[i].paths or "", path))
    ]
    fragment = Fragment(path, path, b"", decoded=decoded)
    assert engine._scoped_for(fragment) == expected


def test_a_rule_without_literals_is_always_searched() -> None:
    """A user rule whose path regex has no literal: the engine's substring test steps aside."""
    rule = Rule("u", "u", Severity.LOW, "x", keywords=("x",), paths=r"[ab]+[cd]+$")
    engine = Engine([*RULES, rule], allow_hyperscan=False)
    assert engine._raw_literals is None
    index = engine.rules.index(rule)
    assert index in engine._scoped_for(Fragment("x/acd", "x/acd", b""))
    assert index not in engine._scoped_for(Fragment("x/x", "x/x", b""))


_ENGINE = Engine(allow_hyperscan=False)
