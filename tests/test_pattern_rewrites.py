"""Patterns spelled for `re`'s fast start (a literal first character) match exactly what their
plain spelling matches: same spans, same groups, on any text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hex_guard.rules import RULES_BY_ID
from hex_guard.rules.tokens import _AFTER, _BEFORE, _secret_group
from hex_guard.rules.vocab import alternation


def _found(
    pattern: re.Pattern[bytes], data: bytes
) -> list[tuple[tuple[int, int], dict[str, bytes | None]]]:
    return [(m.span(), m.groupdict()) for m in pattern.finditer(data)]


_SPECS = [
    (["AKIA", "ASIA", "ABIA", "ACCA"], "[A-Z0-9]{4}"),
    (["xoxb-", "xoxp-", "xapp-"], "[A-Za-z0-9\\-]{3,6}"),
    (["hf_"], "[A-Za-z0-9]{3,5}"),
    (["sk-ant-"], "[a-z]{2}\\d"),
    ([".x", ".yz"], "[a-z]{2}"),  # a first character that needs escaping
]
_PREFIX_PIECES = ["AKIA", "ASIA", "ABIA", "ACC", "A", "xoxb-", "xapp-", "xo", "hf_", "sk-ant-ab"]
_PIECES = st.sampled_from(
    [*_PREFIX_PIECES, ".x", ".yz", "Q", "Z9", "ab", "7", "-", "_", "/", " ", "\n", '"', "=", "é"]
)
_TEXTS = st.lists(_PIECES, max_size=24).map(lambda parts: "".join(parts).encode())


@pytest.mark.parametrize(("prefixes", "body"), _SPECS)
@given(data=_TEXTS)
def test_the_secret_group_starts_at_its_literal_and_means_the_same(
    prefixes: list[str], body: str, data: bytes
) -> None:
    alternatives = [alternation(prefixes) + body]
    plain = re.compile((_BEFORE + "(?P<secret>" + alternatives[0] + ")" + _AFTER).encode())
    fast = re.compile((_secret_group(prefixes, alternatives) + _AFTER).encode())
    assert not fast.pattern.startswith(b"(?<!")
    assert _found(fast, data) == _found(plain, data)
    # A window that starts mid-line (finditer's pos) sees the same text before it.
    for pos in range(0, len(data), 3):
        assert [m.span() for m in fast.finditer(data, pos)] == [
            m.span() for m in plain.finditer(data, pos)
        ]


def test_several_first_characters_keep_the_plain_spelling() -> None:
    alternatives = [alternation(["gho_", "xoxb-"]) + "[a-z]{3}"]
    assert _secret_group(["gho_", "xoxb-"], alternatives).startswith(_BEFORE)


# connection-secret-field as it was spelled before its opening quote became four literals.
_FIELD_PLAIN = re.compile(
    rb"(?i)\\?[\"'](?:password|db_password|privateKey|private_key_passphrase|"
    rb"privateKeyPassphrase|passphrase|accessToken|secretAccessKey|secret_access_key|"
    rb"clientSecret|client_secret)\\?[\"']\s*:\s*\\?[\"']"
    rb"(?P<secret>[^\"'\s\\]{8,512})\\?[\"']"
)
_KEYS = ['"password"', '\\"password\\"', "'clientSecret'", '"PASSWORD\\"', "password"]
_VALUES = ['"Zq8rLm2Tx9"', '\\"Zq8rLm2Tx9\\"', "'Zq8rLm2Tx9'", "Zq8rLm2Tx9"]
_FIELD_PIECES = st.sampled_from([*_KEYS, *_VALUES, ": ", ":\n", "\\", '"', "'", " "])


@given(st.lists(_FIELD_PIECES, max_size=30).map(lambda parts: "".join(parts).encode()))
def test_connection_secret_field_means_the_same(data: bytes) -> None:
    rule = RULES_BY_ID["connection-secret-field"]
    assert _found(rule.regex, data) == _found(_FIELD_PLAIN, data)
