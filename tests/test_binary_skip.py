"""On binary content the engine skips the rules whose findings the scan would drop there and
that cannot hide a kept finding: what the scan reports must not change."""

from __future__ import annotations

import dataclasses

import pytest

from hex_guard.detect import Engine
from hex_guard.records import Fragment
from hex_guard.rules import RULES, Confidence, Rule, Severity
from hex_guard.rules.fake import UPPER36, fake, pw
from hex_guard.scan import _binary_rules

_USER_RULES = (
    Rule("user-high", "u", Severity.HIGH, r"UH_[A-Z0-9]{12}", ("uh_",), confidence=Confidence.HIGH),
    # A user rule the scan drops in binaries, with a priority above every trusted rule's.
    Rule(
        "user-loud",
        "u",
        Severity.LOW,
        r"(?P<secret>UH_[A-Z0-9]{12})",
        ("uh_",),
        priority=99,
        check_placeholder=False,
    ),
    Rule("user-quiet", "u", Severity.LOW, r"token=(?P<secret>\w{8,})", ("token",), priority=1),
)


_TEXTS = [
    # .NET assemblies: `PublicKeyToken=` runs on into the next bytes.
    f"\0\0PublicKeyToken={fake('bin-pkt', 24)}\0 api_key = '{fake('bin-k', 32)}'\0",
    f"\0AWS_ACCESS_KEY_ID=AKIA{fake('bin-aws', 16, UPPER36)}\0password: {pw('bin-pw')}\0",
    f"\0token=UH_{fake('bin-uh', 12, UPPER36)}\0secret_token = '{fake('bin-t', 40)}'\n",
    f"\0hex_token = 'hxtp_{fake('bin-hx', 40)}'\0",
]


@pytest.mark.parametrize("rules", [RULES, RULES + _USER_RULES])
@pytest.mark.parametrize("text", _TEXTS)
def test_skipping_changes_no_kept_finding(rules: tuple[Rule, ...], text: str) -> None:
    trusted = _binary_rules(rules)
    engine = Engine(rules, allow_hyperscan=False)
    assert engine._binary_skip  # the keyed family at least
    every = Engine(rules, allow_hyperscan=False)
    every._binary_skip = frozenset()
    fragment = Fragment("lib/a.dll", "lib/a.dll", text.encode(), binary=True)
    kept = [f for f in engine.scan(fragment) if f.rule_id in trusted]
    assert kept == [f for f in every.scan(fragment) if f.rule_id in trusted]
    # Text is not binary: every rule runs.
    textual = dataclasses.replace(fragment, binary=False)
    assert engine.scan(textual) == every.scan(textual)
