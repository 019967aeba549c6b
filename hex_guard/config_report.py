"""`hex-guard config`: the effective configuration as TOML, each value with where it came from.

The output pastes back into pyproject.toml or .hex-guard.toml as it stands (issue 12: it once
printed `baseline = null`, which TOML has no word for), so an unset value is a comment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from enum import Enum
from typing import Any

from hex_guard.config import SECTION, TOP_KEYS, AllowEntry, Config


def toml_value(value: Any) -> str:
    """A TOML literal for the config's value types: str, bool, int, float, list, inline table,
    and the levels (severity, confidence) by their names."""
    if isinstance(value, Enum):  # before int: the levels are IntEnums
        return _toml_string(str(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def _toml_string(text: str) -> str:
    # TOML basic strings allow no control characters and no DEL; everything else is literal.
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _toml_key(key: str) -> str:
    bare = key.replace("-", "").replace("_", "").isalnum() and key.isascii()
    return key if bare else _toml_string(key)


def _allow_table(entry: AllowEntry) -> list[str]:
    lines = [f"[[{SECTION}.allowlist]]"]
    if entry.description:
        lines.append(f"description = {toml_value(entry.description)}")
    lines.append(f"rules = {toml_value(sorted(entry.rules) if entry.rules else ['*'])}")
    for key in ("paths", "values", "stopwords"):
        if getattr(entry, key):
            lines.append(f"{key} = {toml_value(list(getattr(entry, key)))}")
    return lines


def _scalar_lines(config: Config, source: str | None) -> list[str]:
    lines = []
    for key in TOP_KEYS:
        if key in ("allowlist", "rules"):
            continue
        origin = source if key in config.explicit else "default"
        value = getattr(config, key.replace("-", "_"))
        if value is None:
            lines.append(f"# {key} is not set  # {origin}")
            continue
        if key == "baseline" and config.source:
            value = os.path.relpath(value, config.base_dir).replace(os.sep, "/")
        lines.append(f"{key} = {toml_value(value)}  # {origin}")
    return lines


def render_config(config: Config) -> str:
    source = os.path.relpath(config.source) if config.source else None
    lines = [f"# config file: {source or 'none found (defaults)'}", f"[{SECTION}]"]
    lines += _scalar_lines(config, source)
    for entry in config.allowlists:
        lines += ["", *_allow_table(entry)]
    for table in config.rule_tables:
        lines += ["", f"[[{SECTION}.rules]]"]
        lines += [f"{_toml_key(k)} = {toml_value(v)}" for k, v in table.items()]
    from hex_guard import prefilter

    enabled = [r.id for r in config.rules()]
    lines += ["", f"# rules in effect ({len(enabled)}): {', '.join(enabled)}"]
    lines.append(f"# prefilter: {prefilter.describe()}")
    return "\n".join(lines) + "\n"
