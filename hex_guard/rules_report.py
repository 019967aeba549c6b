"""`hex-guard rules`: the rule catalogue, with each rule's first example redacted."""

from __future__ import annotations

import json

from hex_guard.detect import Engine, Fragment
from hex_guard.rules import RULES, Rule


def _example(rule: Rule, engine: Engine) -> str:
    """The rule's first example with its secret redacted, exactly as a report would show it."""
    text = rule.examples[0] if rule.examples else ""
    for finding in engine.scan(Fragment(rule.example_path, rule.example_path, text.encode())):
        text = text.replace(finding.secret, finding.shown_secret(False))
    return text.splitlines()[0] if text else ""


def render_rules(fmt: str) -> str:
    engine = Engine(RULES)
    rows = [
        {
            "id": rule.id,
            "severity": str(rule.severity),
            "description": rule.description,
            "paths": rule.paths,
            "example": _example(rule, engine),
        }
        for rule in RULES
    ]
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    out = []
    for row in rows:
        out.append(
            f"{row['id']} [{row['severity']}]\n  {row['description']}\n  e.g. {row['example']}\n"
        )
    return "\n".join(out)
