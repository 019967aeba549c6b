"""Fuzzing the whole per-file corridor (read -> decoders -> rules -> allowlist -> remap).

Three properties, derandomized in CI (a few thousand inputs in all):
- raw bytes under every kind of path never raise;
- every rule's own true-positive example, embedded verbatim in arbitrary text, is found;
- a notebook holding a token anywhere (cells, metadata, attachments, unknown outputs), then
  byte-mutated away from the token, never raises and the token is still found (every byte of a
  notebook is scanned at least as raw text).

The long run (at least 100,000 inputs, result in bench/FUZZ.md):
    HEX_GUARD_FUZZ=long python -m pytest -q -p no:cacheprovider tests/test_fuzz.py
"""

from __future__ import annotations

import dataclasses
import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hex_guard.config import Config
from hex_guard.records import Finding, Fragment
from hex_guard.rules import RULES
from hex_guard.scan import Pipeline, Stats, scan_fragment
from hex_guard.sources import fragment_from_bytes

LONG = os.environ.get("HEX_GUARD_FUZZ") == "long"
# CI: ~3,000 inputs in all; long: 40,000 per property (120,000 in all).
EXAMPLES = 40_000 if LONG else 1_000
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=not LONG,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
PIPELINE = Pipeline.build(Config())
MAX_SIZE = 10 * 1024 * 1024
PATHS = ("a.py", "nb.ipynb", ".env", "k8s.yaml", "p.hex.yaml", "profiles.yml", "x.json", "y.txt")
TOKEN = "hxtw_" + "0123456789abcdef" * 6


def scan(data: bytes, path: str, decoded: str | None = None) -> list[Finding]:
    """`decoded`: scan `data` as that decoder's output (for a rule that reads only such data)."""
    loaded = fragment_from_bytes(path, path, data, MAX_SIZE)
    if not isinstance(loaded, Fragment):
        return []
    loaded = dataclasses.replace(loaded, decoded=decoded)
    return scan_fragment(PIPELINE, loaded, "/fuzz/" + path, Stats())


# Pieces that steer generated text into the rules' and decoders' interesting states.
NASTY = [
    "password=",
    "pwd=",
    "postgres://",
    "mysql://u:",
    "@",
    ":",
    ";",
    "'",
    '"',
    "\\",
    "\\u00",
    "{",
    "}",
    "[",
    "]",
    "\n",
    "\r\n",
    "\t",
    "=",
    "-----BEGIN RSA PRIVATE KEY-----",
    "-----END",
    "kind: Secret\n",
    "data:\n",
    "  key: ",
    "stringData:",
    "hxtw_",
    "hxtp_",
    "dapi",
    "connect(",
    "create_engine(",
    "HEX_API_TOKEN=",
    "credentials_base64=",
    "{{",
    "${",
    '"cells": [',
    '"source": ',
    '"outputs": [',
    "\x00",
    "\x01",
    "\ufeff",
    "é",
    "\U0001f600",
]
TEXT = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=12)), max_size=30).map("".join)


@FUZZ
@given(
    data=st.one_of(st.binary(max_size=3000), TEXT.map(lambda t: t.encode("utf-8", "replace"))),
    path=st.sampled_from(PATHS),
)
def test_arbitrary_input_never_raises(data: bytes, path: str) -> None:
    for finding in scan(data, path):
        assert finding.line >= 1 and finding.column >= 1


def _expected(rule_index: int, example: int) -> tuple[str, str, str]:
    rule = RULES[rule_index]
    text = rule.examples[example]
    found = scan(text.encode(), rule.example_path, rule.decoded_by)
    (finding,) = [f for f in found if f.rule_id == rule.id]
    return rule.example_path, text, finding.secret


EXAMPLES_ALL = [(r, e) for r, rule in enumerate(RULES) for e in range(len(rule.examples))]
# Text around an example: anything but an allowlist marker (which would rightly hide it) or a
# NUL byte (which makes the file binary: scanned by fixed-format rules and private keys only).
AROUND = TEXT.filter(lambda t: "allow" not in t and "pragma" not in t and "\x00" not in t)


@FUZZ
@given(case=st.sampled_from(EXAMPLES_ALL), before=AROUND, after=AROUND)
def test_every_embedded_example_is_found(case: tuple[int, int], before: str, after: str) -> None:
    path, text, secret = _expected(*case)
    data = f"{before}\n{text}\n{after}".encode("utf-8", "surrogatepass")
    found = scan(data, path, RULES[case[0]].decoded_by)
    assert any(secret in f.secret or f.secret in secret for f in found), (
        RULES[case[0]].id,
        [f.rule_id for f in found],
    )


def _notebook(where: int) -> dict[str, object]:
    token_line = f"HEX_API_TOKEN = '{TOKEN}'"
    cell: dict[str, object] = {
        "cell_type": "code",
        "metadata": {},
        "source": ["x = 1\n"],
        "outputs": [],
        "execution_count": 1,
    }
    document: dict[str, object] = {"cells": [cell], "metadata": {}, "nbformat": 4}
    if where == 0:
        cell["source"] = ["x = 1\n", token_line + "\n"]
    elif where == 1:
        cell["metadata"] = {"secret": token_line}
    elif where == 2:
        document["metadata"] = {"kernelspec": {"name": token_line}}
    elif where == 3:
        cell["attachments"] = {"a.txt": {"text/plain": token_line}}
    elif where == 4:
        cell["outputs"] = [
            {"output_type": "display_data", "data": {"application/x-custom": token_line}}
        ]
    elif where == 5:
        document["cells"] = []
        document["other"] = token_line
    return document


# No NUL bytes: a NUL in the first 8 KiB makes any file binary (judged by fixed-format rules
# only), which test_arbitrary_input_never_raises covers.
MUTATION = st.tuples(
    st.integers(0, 10_000),
    st.sampled_from(["insert", "delete", "replace"]),
    st.binary(min_size=1, max_size=3).filter(lambda b: b"\x00" not in b),
)


@FUZZ
@given(
    where=st.integers(0, 5),
    indent=st.sampled_from([None, 1]),
    mutations=st.lists(MUTATION, max_size=6),
)
def test_mutated_notebook_never_hides_a_token(
    where: int, indent: int | None, mutations: list[tuple[int, str, bytes]]
) -> None:
    data = bytearray(json.dumps(_notebook(where), indent=indent).encode())
    for position, kind, blob in mutations:
        start = data.index(TOKEN.encode()) - 8
        end = start + 8 + len(TOKEN) + 8
        at = position % (len(data) + 1)
        if start <= at <= end:  # never touch the token or the characters that delimit it
            continue
        if kind == "insert":
            data[at:at] = blob
        elif kind == "delete":
            del data[at : at + len(blob)]
        else:
            data[at : at + len(blob)] = blob
    found = scan(bytes(data), "nb.ipynb")
    assert any(f.secret == TOKEN for f in found), [f.rule_id for f in found]
