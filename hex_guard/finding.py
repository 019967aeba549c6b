"""The finding record, its fingerprint and its redaction."""

from __future__ import annotations

from dataclasses import dataclass, field

from hex_guard.rules import Severity

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


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: Severity
    description: str
    hint: str
    path: str
    # Repo-relative POSIX path: what fingerprints, baselines and allowlists key on.
    repo_path: str
    line: int
    column: int
    end_line: int
    end_column: int
    fingerprint: str
    reveal_prefix: int
    secret: str = field(repr=False)
    # Git provenance: set by diff-range and history scans, None for files on disk.
    commit: str | None = None
    author: str | None = None
    date: str | None = None
    # History scans only: commits that added a blob holding this secret, paths it had, and
    # whether a blob holding it is still in HEAD.
    commits_count: int | None = None
    paths_count: int | None = None
    present_at_head: bool | None = None
    # Notebooks and Hex exports: the 1-based cell, its kind or title, "source" or "output",
    # and the line within it. `decoded`: found inside a base64 value.
    cell: int | None = None
    cell_label: str | None = None
    cell_part: str | None = None
    cell_line: int | None = None
    decoded: bool | None = None

    def shown_secret(self, show_secrets: bool) -> str:
        return self.secret if show_secrets else redact(self.secret, self.reveal_prefix)

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.rule_id)
