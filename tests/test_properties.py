"""Properties of redaction and of the scanner, over generated input (derandomized in conftest)."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from hex_guard.detect import Engine, Fragment
from hex_guard.finding import redact, revealable
from hex_guard.rules import RULES

HYPERSCAN = Engine()
PYTHON = Engine(allow_hyperscan=False)
KEYWORDS = sorted({k for rule in RULES for k in rule.keywords})


@given(st.text(min_size=1, max_size=300), st.integers(min_value=-1, max_value=12))
def test_redaction_never_shows_the_whole_secret(secret: str, prefix: int) -> None:
    shown = redact(secret, prefix)
    assert shown.endswith("…")
    assert revealable(secret, prefix) <= len(secret) // 2
    if len(secret) > 1:
        assert shown[:-1] != secret


@given(
    st.text(alphabet=string.hexdigits.lower()[:16], min_size=96, max_size=96), st.integers(0, 12)
)
def test_token_redaction_keeps_prefix_and_at_most_two_random_chars(
    body: str, prefix_len: int
) -> None:
    secret = "hxtw_" + body
    assert redact(secret, 5) == secret[:7] + "…"


_TEXT = st.text(alphabet=string.ascii_letters + string.digits + " =:;,'\"#\t\n/.-_", max_size=400)


# A real token body; all-zero or two-symbol bodies are fakes the placeholder filter drops on purpose.
_BODY = st.binary(min_size=48, max_size=48).map(bytes.hex).filter(lambda b: len(set(b)) >= 8)


@given(_TEXT, _TEXT, _BODY, st.sampled_from("pw"))
def test_token_found_at_exact_position_in_any_text(
    before: str, after: str, body: str, kind: str
) -> None:
    token = f"hxt{kind}_{body}"
    text = f"{before} {token} {after}"
    findings = HYPERSCAN.scan(Fragment("x.txt", "x.txt", text.encode()))
    hits = [f for f in findings if f.secret == token]
    assert len(hits) == 1
    expected_line = text[: text.index(token)].count("\n") + 1
    line_start = text.rfind("\n", 0, text.index(token)) + 1
    assert (hits[0].line, hits[0].column) == (expected_line, text.index(token) - line_start + 1)
    assert hits[0].rule_id == "hex-api-token"


_SOUP = st.lists(
    st.one_of(
        st.sampled_from(KEYWORDS),
        st.sampled_from(
            ["=", ":", "@", "//", "'", '"', "\n", " ", "password=", "://u:", "Xq8rT2vX9mK4"]
        ),
        st.text(alphabet=string.printable, max_size=12),
    ),
    max_size=60,
).map("".join)


@given(_SOUP, st.sampled_from(["x.txt", ".env", "profiles.yml", "a.ipynb"]))
def test_hyperscan_and_python_prefilters_agree(text: str, path: str) -> None:
    data = text.encode()
    assert HYPERSCAN.scan(Fragment(path, path, data)) == PYTHON.scan(Fragment(path, path, data))


@given(st.binary(max_size=2000), st.sampled_from(["x.bin", ".env", "profiles.yml"]))
def test_scanner_accepts_arbitrary_bytes(data: bytes, path: str) -> None:
    for finding in HYPERSCAN.scan(Fragment(path, path, data)):
        assert finding.line >= 1 and finding.column >= 1
        assert (finding.end_line, finding.end_column) >= (finding.line, finding.column)
