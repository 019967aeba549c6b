"""Deterministic fake material for the rules' own examples.

Examples are assembled at import time, so no rule module holds a secret-shaped literal and the
repository passes its own scan. Nothing here is random: the same seed gives the same string on
every machine, so a failing example can be reproduced.
"""

from __future__ import annotations

B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
B64 = B62 + "+/"
UPPER36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def fake(seed: str, n: int, alphabet: str = B62) -> str:
    """Deterministic filler: FNV-1a of the seed drives a 64-bit LCG (no imports at start-up)."""
    state = 0xCBF29CE484222325
    for byte in seed.encode():
        state = ((state ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    out = []
    for _ in range(n):
        state = (state * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        out.append(alphabet[(state >> 33) % len(alphabet)])
    return "".join(out)


def hexs(seed: str, n: int) -> str:
    return fake(seed, n, "0123456789abcdef")


def letters(seed: str, n: int) -> str:
    return fake(seed, n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def pw(seed: str) -> str:
    """A password with the classes a real one has: upper, lower, digit, symbol."""
    return fake(seed, 5) + "7#" + fake(seed + "b", 4) + "q9"


def pem(kind: str, seed: str, sep: str = "\n") -> str:
    body = sep.join(fake(seed + str(i), 64, B64) for i in range(4))
    label = f"{kind} PRIVATE KEY" if kind else "PRIVATE KEY"
    return f"-----BEGIN {label}-----{sep}{body}{sep}-----END {label}-----"


def jwt(seed: str) -> str:
    return "eyJ" + fake(seed, 33) + "." + "eyJ" + fake(seed + "p", 40) + "." + fake(seed + "s", 43)


def b64(text: str) -> str:
    import base64

    return base64.b64encode(text.encode()).decode()
