"""A finding's fingerprint and its redaction (the record itself lives in records.py)."""

from __future__ import annotations

from hex_guard.records import Finding

__all__ = ["Finding", "fingerprint", "redact", "revealable"]

ELLIPSIS = "…"


def fingerprint(rule_id: str, repo_path: str, secret: str) -> str:
    """Identity of a finding that survives line shifts, checkouts and OS path separators.

    Line numbers and commits stay out on purpose: gitleaks#979 and detect-secrets' churning
    baselines are what including them costs users.
    """
    import hashlib  # only once there is a finding: it costs a clean hook run ~2 ms

    material = "\0".join((rule_id, repo_path.replace("\\", "/"), secret))
    return hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()[:32]


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
