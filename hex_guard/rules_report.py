"""`hex-guard rules`: the rule catalogue, and `--check` of every rule's own examples."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence

from hex_guard.detect import Engine, Fragment
from hex_guard.rules import Rule


def _fragment(rule: Rule, text: str) -> Fragment:
    """`text` as the rule meets it: at its example path, decoded by its decoder if it has one."""
    path = rule.example_path
    return Fragment(path, path, text.encode(), decoded=rule.decoded_by)


def _findings(engine: Engine, rule: Rule, text: str) -> list[str]:
    return [f.rule_id for f in engine.scan(_fragment(rule, text))]


def _example(rule: Rule, engine: Engine) -> str:
    """The rule's first example with its secret redacted, exactly as a report would show it."""
    text = rule.examples[0] if rule.examples else ""
    for finding in engine.scan(_fragment(rule, text)):
        text = text.replace(finding.secret, finding.shown_secret(False))
    return text.splitlines()[0] if text else ""


def check_rules(rules: Sequence[Rule]) -> list[str]:
    """One message per example the rule misses and per counter-example it reports."""
    failures = []
    for rule in rules:
        if not rule.applies_to(rule.example_path, rule.decoded_by):
            # A custom rule's path globs name no example file: check the regex logic alone.
            rule = dataclasses.replace(rule, paths=None)
        engine = Engine((rule,))
        for i, text in enumerate(rule.examples):
            if rule.id not in _findings(engine, rule, text):
                failures.append(f"rule {rule.id}: examples[{i}] is not detected")
        for i, text in enumerate(rule.counter_examples):
            if rule.id in _findings(engine, rule, text):
                failures.append(f"rule {rule.id}: counter_examples[{i}] is reported")
    return failures


def _severity_text(rule: Rule) -> str:
    """The severity, and the prefixes that change it (`hxtp_` tokens are high, not critical)."""
    overrides = "".join(f"; `{p}`: {s}" for p, s in rule.severity_by_prefix)
    return f"{rule.severity}{overrides}"


def markdown_table(rules: Sequence[Rule]) -> str:
    """The README's rule table ("What hex-guard detects"); tests/test_readme.py keeps the two
    equal, so the README cannot drift from the rules that run."""
    lines = ["| id | finds | severity | confidence |", "|---|---|---|---|"]
    for rule in rules:
        finds = rule.description.replace("|", "\\|")
        lines.append(f"| `{rule.id}` | {finds} | {_severity_text(rule)} | {rule.confidence} |")
    return "\n".join(lines) + "\n"


def render_rules(rules: Sequence[Rule], fmt: str) -> str:
    if fmt == "markdown":
        return markdown_table(rules)
    engine = Engine(rules)
    rows = [
        {
            "id": rule.id,
            "severity": str(rule.severity),
            "confidence": str(rule.confidence),
            "description": rule.description,
            "paths": rule.paths,
            "decoded_by": rule.decoded_by,
            "custom": rule.user_defined,
            "example": _example(rule, engine),
        }
        for rule in rules
    ]
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    out = []
    for row in rows:
        origin = " (config)" if row["custom"] else ""
        out.append(
            f"{row['id']} [{row['severity']}, {row['confidence']} confidence]{origin}\n"
            f"  {row['description']}\n"
            f"  e.g. {row['example']}\n"
        )
    return "\n".join(out)
