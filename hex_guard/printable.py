"""Text from outside (file names, author names, messages naming them) made safe for a terminal.

A committed file name can hold a newline or an ESC: printed raw, it forged report lines or
cleared the screen. A path is shown as git shows one (quote_c_style): unchanged when it is
safe, else in double quotes with C escapes. JSON and SARIF need none of this: their encoders
escape control characters.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, the bidirectional overrides and isolates ("Trojan Source"), and the
# lone surrogates that stand for a file name's undecodable bytes (surrogateescape).
_UNSAFE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_NAMED = {"\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, shown as the byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def path(text: str) -> str:
    """`text` unchanged when safe, else double-quoted with C escapes (git's rule)."""
    if _UNSAFE.search(text) is None:
        return text
    body = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{_UNSAFE.sub(_escape, body)}"'


def line(text: str) -> str:
    """One line of human text with every unsafe character escaped (no quotes added)."""
    return _UNSAFE.sub(_escape, text)
