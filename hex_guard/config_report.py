"""`hex-guard config`: the effective configuration, each value with where it came from."""

from __future__ import annotations

import json
import os
from typing import Any

from hex_guard.config import TOP_KEYS, Config


def _value(config: Config, key: str) -> Any:
    attribute = key.replace("-", "_")
    if key == "allowlist":
        return [
            {
                "rules": sorted(e.rules) if e.rules is not None else ["*"],
                "paths": list(e.paths),
                "values": list(e.values),
                "stopwords": list(e.stopwords),
                "description": e.description,
            }
            for e in config.allowlists
        ]
    if key == "rules":
        return [r.id for r in config.custom_rules]
    value = getattr(config, attribute)
    return list(value) if isinstance(value, tuple) else value


def render_config(config: Config) -> str:
    source = os.path.relpath(config.source) if config.source else None
    lines = [f"# config file: {source or 'none found (defaults)'}"]
    for key in TOP_KEYS:
        origin = source if key in config.explicit else "default"
        lines.append(f"{key} = {json.dumps(_value(config, key))}  # {origin}")
    enabled = [r.id for r in config.rules()]
    lines.append(f"# rules in effect ({len(enabled)}): {', '.join(enabled)}")
    return "\n".join(lines) + "\n"
