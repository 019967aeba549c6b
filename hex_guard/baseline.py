"""Baselines: the findings a legacy repository already had, as fingerprints only.

The file holds no secret and no line number, and its entries are sorted: it merges cleanly and
does not churn when code moves (detect-secrets baselines churn on every line shift,
IBM/mcp-context-forge#5758). hex-guard never rewrites it on its own; only `baseline create` and
`baseline prune` write it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from hex_guard import __version__
from hex_guard.errors import ConfigError, HexGuardError
from hex_guard.finding import Finding

# 2: salted, slow fingerprints (finding.fingerprint); 1 held plain SHA-256 ones.
FORMAT_VERSION = 2


@dataclass(frozen=True, order=True)
class Entry:
    path: str
    rule_id: str
    fingerprint: str


def entries_of(findings: Iterable[Finding]) -> list[Entry]:
    return sorted({Entry(f.repo_path, f.rule_id, f.fingerprint) for f in findings})


def render(entries: Iterable[Entry]) -> str:
    document = {
        "tool": "hex-guard",
        "format": FORMAT_VERSION,
        "generated_by": __version__,
        "findings": [
            {"fingerprint": e.fingerprint, "path": e.path, "rule_id": e.rule_id}
            for e in sorted(set(entries))
        ],
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _entry(path: str, index: int, raw: Any) -> Entry:
    if not isinstance(raw, dict) or not all(
        isinstance(raw.get(k), str) for k in ("fingerprint", "path", "rule_id")
    ):
        raise ConfigError(f"{path}: findings[{index}] needs string fingerprint, path and rule_id")
    return Entry(raw["path"], raw["rule_id"], raw["fingerprint"])


def load(path: str) -> list[Entry]:
    from hex_guard.userfiles import BASELINE_LIMIT, read_text

    text = read_text(path, BASELINE_LIMIT, "baseline file")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not a hex-guard baseline: {exc}") from exc
    except RecursionError as exc:
        raise ConfigError(f"{path}: not a hex-guard baseline: nested too deeply") from exc
    if not isinstance(document, dict) or document.get("tool") != "hex-guard":
        raise ConfigError(f'{path}: not a hex-guard baseline (no "tool": "hex-guard")')
    if document.get("format") == 1:
        raise ConfigError(
            f"{path}: baseline format 1 holds the old, unsalted fingerprints; recreate it with "
            "`hex-guard baseline create`"
        )
    if document.get("format") != FORMAT_VERSION:
        raise ConfigError(f"{path}: baseline format {document.get('format')!r} is not supported")
    findings = document.get("findings")
    if not isinstance(findings, list):
        raise ConfigError(f'{path}: "findings" must be a list')
    return [_entry(path, i, raw) for i, raw in enumerate(findings)]


def write(path: str, entries: Iterable[Entry]) -> None:
    try:
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(render(entries))
    except OSError as exc:
        raise HexGuardError(f"cannot write baseline {path}: {exc.strerror}") from exc
