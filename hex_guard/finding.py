"""A finding's fingerprint and its redaction (the record itself lives in records.py)."""

from __future__ import annotations

from functools import lru_cache

from hex_guard.records import Finding

__all__ = ["Finding", "fingerprint", "redact", "revealable"]

ELLIPSIS = "…"


# PBKDF2 rounds per fingerprint. A report or a committed baseline publishes fingerprints, and a
# plain SHA-256 of a short password is reversed offline in seconds (4 characters in ~6 s): each
# guess now costs FINGERPRINT_ROUNDS HMAC-SHA-256 rounds, ~4,000x a bare hash (hours for 4
# characters, months for 6), while hex-guard pays ~1 ms once per distinct finding. The salt
# holds the rule and the repo-relative path, so no table precomputed for one repository or
# rule applies to another, and the fingerprint stays the same on every run and machine.
FINGERPRINT_ROUNDS = 2000
FINGERPRINT_SALT = b"hex-guard fingerprint v2\0"


# One secret is reported again and again in a history scan (each commit and path that holds
# it), and each fingerprint costs ~0.5 ms. Bounded: a large history may hold many distinct
# secrets, and each entry keeps one in memory (a PEM key is kilobytes).
@lru_cache(maxsize=8192)
def fingerprint(rule_id: str, repo_path: str, secret: str) -> str:
    """Identity of a finding that survives line shifts, checkouts and OS path separators.

    Line numbers and commits stay out on purpose: gitleaks#979 and detect-secrets' churning
    baselines are what including them costs users.
    """
    import hashlib  # only once there is a finding: it costs a clean hook run ~2 ms

    salt = "\0".join((rule_id, repo_path.replace("\\", "/"))).encode("utf-8", "surrogatepass")
    key = secret.encode("utf-8", "surrogatepass")
    digest = hashlib.pbkdf2_hmac("sha256", key, FINGERPRINT_SALT + salt, FINGERPRINT_ROUNDS)
    return digest[:16].hex()


def revealable(secret: str, fixed_prefix: int) -> int:
    """How many leading characters of `secret` a report may show.

    A rule's fixed prefix (`hxtw_`, `dapi`) is not secret; of the random part we show at most two
    characters and never more than an eighth of it, so a short password shows nothing.
    """
    if fixed_prefix < 0:  # PEM: the whole `-----BEGIN ... KEY-----` header line
        end = secret.find("-----", 10)
        shown = end + 5 if end != -1 else 0
    else:
        shown = fixed_prefix + max(0, min(2, (len(secret) - fixed_prefix) // 8))
    # Whatever the rule says, never more than half of the value.
    return min(shown, len(secret) // 2)


def redact(secret: str, fixed_prefix: int) -> str:
    return secret[: revealable(secret, fixed_prefix)] + ELLIPSIS
