"""The shared placeholder filter: values that look like a slot for a secret, not a secret.

Every rule runs it on its captured secret (DOMAIN.md §5). Whole-value word matching, not substring
matching, except for a few markers no real secret contains: secretlint PR #1118 is the false
negative that substring matching on short words (`pass` in `secur3Pass`) caused.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from hex_guard.lazyre import lazy

_INTERPOLATION = lazy(
    r"""
      \$\{ | \$\( | \{\{ | \}\}                 # ${X}  $(cmd)  {{ x }}
    | ^\$[A-Za-z_]                              # $VAR
    | %\([A-Za-z_][A-Za-z0-9_]*\)[sdr]          # %(password)s
    | ^%[A-Za-z_][A-Za-z0-9_]*%$                # %VAR%
    | ^<[^<>]*>$ | ^\[[^\[\]]*\]$              # <x>  [x]
    | ^\{[\w.\-\[\]'"]*(?:\}$|\(|$)             # {x}, {2}, {db-pw.value}, {call( (templates)
    | ^\$(?:1|2[abxy]?|5|6|y|gy|7|argon2(?:id|i|d)?|pbkdf2[\w\-]*|scrypt)\$  # a password hash
    | ^(?:env|secret|vault|op|ssm|arn):         # env:VAR, secret references
    | ^(?:os\.environ|os\.getenv|process\.env|settings\.|config\.)
    """,
    re.VERBOSE,
)

_MASK = lazy(r"^[*xX.#•_\- ]{3,}$|\.\.\.$|…$|\*{3,}|[xX]{4,}")

# Compared against the whole value, lower-cased, with separators removed.
_WORDS = frozenset(
    [
        "password",
        "passwd",
        "pass",
        "pwd",
        "secret",
        "secrets",
        "changeme",
        "changeit",
        "example",
        "sample",
        "placeholder",
        "replaceme",
        "redacted",
        "dummy",
        "test",
        "testing",
        "todo",
        "tbd",
        "none",
        "null",
        "nil",
        "undefined",
        "fake",
        "foo",
        "bar",
        "baz",
        "foobar",
        "token",
        "apikey",
        "apitoken",
        "accesstoken",
        "authtoken",
        "default",
        "admin",
        "root",
        "user",
        "username",
        "login",
        "letmein",
        "qwerty",
        "value",
        "string",
        "mysecret",
        "mypassword",
        "mytoken",
        "yourtoken",
        "yourpassword",
        "yoursecret",
        "yourapikey",
        "secretkey",
        "privatekey",
        "hidden",
        "masked",
        "removed",
        "omitted",
        "notset",
        "unset",
        "empty",
        "blank",
        "tiger",
        "scott",
    ]
)

_MARKERS = (
    "example",
    "placeholder",
    "redacted",
    "changeme",
    "change_me",
    "your_",
    "your-",
    "yourpass",
    "dummy",
    "notreal",
    "not_a_real",
    "not-a-real",
    "replace_me",
    "replace-me",
    "insert_",
    "fake",
)

_IDENTIFIER = lazy(r"^[A-Za-z_.\-]+$")
_SEPARATORS = lazy(r"[\s_\-.]")


def shannon_entropy(value: str) -> float:
    """Bits per character of the value's own character distribution."""
    if not value:
        return 0.0
    counts = Counter(value)
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def _is_sequential(value: str) -> bool:
    if len(value) < 5:
        return False
    steps = [ord(b) - ord(a) for a, b in zip(value, value[1:])]
    return all(s == 1 for s in steps) or all(s == -1 for s in steps)


def _is_low_entropy(value: str) -> bool:
    return len(set(value)) <= 2 or (len(value) >= 8 and shannon_entropy(value) < 1.5)


def is_placeholder(value: str) -> bool:
    """True when `value` is a template slot, a mask, a stock word or too regular to be a secret."""
    value = value.strip().strip("\"'`")
    if not value:
        return True
    lowered = value.lower()
    return (
        _INTERPOLATION.search(value) is not None
        or _MASK.search(value) is not None
        or _SEPARATORS.sub("", lowered) in _WORDS
        or lowered.startswith(("your", "my_", "my-"))
        or any(marker in lowered for marker in _MARKERS)
        or _IDENTIFIER.match(value) is not None
        or _is_sequential(value)
        or _is_low_entropy(value)
    )
