"""The records that flow through the corridor: sources -> detect -> allowlist -> report.

They live here, apart from the engine, so a source, a view, the allowlist or a report writer can
name a type without importing the code that produces it. Every record is immutable; a secret
never reaches a repr, a log line or a traceback.

A frozen dataclass costs ~0.4 ms to create (its methods are generated and compiled at import)
and a hook run pays that for every record class on every commit; a NamedTuple costs ~0.05 ms.
So the records that `dataclasses.replace` never rebuilds are NamedTuples; Fragment, Skip and
Finding stay frozen dataclasses, each with a docstring (without one, dataclass builds it from
`inspect.signature`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    # Only a type here: at run time the rule table imports the decoders, which import records.
    from hex_guard.rules import Confidence, Severity
    from hex_guard.verify.records import Verification


class Target(NamedTuple):
    """One file on disk, with the two names the rest of the pipeline needs."""

    fs_path: str
    # Repo-relative POSIX path: rules, fingerprints, excludes.
    repo_path: str
    # Relative to the working directory: reports.
    display_path: str


@dataclass(frozen=True)
class Fragment:
    """Bytes to scan, and where they come from."""

    # Repo-relative POSIX path: what path-scoped rules and fingerprints see.
    repo_path: str
    # The path as reports show it (relative to the working directory).
    display_path: str
    data: bytes = field(repr=False)
    # Line number of the fragment's first line in its file (a diff hunk starts mid-file).
    first_line: int = 1
    # The decoder (hex_guard.decoders) that decoded `data` from an encoded value in the file;
    # None for the file's own bytes. Findings in decoded data are marked `decoded`.
    decoded: str | None = None
    # A large file is scanned in overlapping windows (sources.WINDOW): 0 for the whole file or
    # its first window, so statistics count the file once.
    window: int = 0
    # A NUL in the first bytes, not UTF-16/32 text: scanned all the same, counted apart.
    binary: bool = False


class SkipReason(Enum):
    """Why something was not scanned. The summary names every skip, so each reason has one
    human wording, given here and nowhere else."""

    SYMLINK = "symlink"
    SUBMODULE = "submodule"
    NOT_REGULAR = "not a regular file"
    TOO_LARGE = "larger than {limit} bytes"
    BINARY = "binary"
    MISSING = "missing from the work tree"
    # A directory a walk (or git) could not list: nothing below it was scanned.
    UNLISTED = "directory not read ({detail})"


@dataclass(frozen=True)
class Skip:
    """Something not scanned, and why."""

    display_path: str
    reason: SkipReason
    # The size limit a TOO_LARGE skip exceeded.
    limit: int | None = None
    # Why an UNLISTED directory could not be read, as the system or git said it.
    detail: str | None = None

    @property
    def text(self) -> str:
        """The reason as the summary prints it."""
        return self.reason.value.format(limit=self.limit, detail=self.detail)


class GitProvenance(NamedTuple):
    """Where in history a finding comes from: diff-range and history scans."""

    commit: str
    author: str
    date: str
    # History scans only: commits that added a blob holding this secret, paths it had, and
    # whether a blob holding it is still in HEAD.
    commits_count: int | None = None
    paths_count: int | None = None
    present_at_head: bool | None = None

    def fields(self) -> dict[str, Any]:
        """The set fields, in report order (the JSON and SARIF writers' one serializer)."""
        out: dict[str, Any] = {"commit": self.commit, "author": self.author, "date": self.date}
        for key in ("commits_count", "paths_count", "present_at_head"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


class CellProvenance(NamedTuple):
    """Notebooks and Hex exports: the 1-based cell, its kind or title, "source" or "output",
    and the line within it."""

    number: int
    label: str
    part: str
    line: int

    def fields(self) -> dict[str, Any]:
        return {
            "cell": self.number,
            "cell_label": self.label,
            "cell_part": self.part,
            "cell_line": self.line,
        }


class MatchContext(NamedTuple):
    """The lines around a match (`text[start:end]` is the secret), kept only for `--verify`:
    a password's host, port and user sit next to it in its own connection string."""

    text: str
    start: int
    end: int

    def __repr__(self) -> str:
        # The text holds the secret.
        return f"MatchContext(start={self.start!r}, end={self.end!r})"

    @property
    def line_span(self) -> tuple[int, int]:
        """[start, end) of the line(s) the secret is on."""
        lo = self.text.rfind("\n", 0, self.start) + 1
        hi = self.text.find("\n", self.end)
        return lo, len(self.text) if hi == -1 else hi


@dataclass(frozen=True)
class Finding:
    """One secret found: what, where, how sure, and how reports show it."""

    rule_id: str
    severity: Severity
    # How likely the match is a real credential (its rule's `confidence`): reports show it and
    # `--min-confidence` filters on it, apart from severity (what a real one would cost).
    confidence: Confidence
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
    git: GitProvenance | None = None
    cell: CellProvenance | None = None
    # Found inside a decoded (base64) value; the position is the encoded value's.
    decoded: bool = False
    # Facts a check adds for reports, as sorted (name, value) pairs: the environment a value
    # belongs to, a Hex token's kind and the API calls beside it (hygiene/steps.py).
    properties: tuple[tuple[str, str], ...] = ()
    # `--verify` only: the text around the match, and what checking the credential found.
    context: MatchContext | None = field(default=None, repr=False, compare=False)
    verification: Verification | None = None

    @property
    def commit(self) -> str | None:
        return self.git.commit if self.git is not None else None

    def provenance(self) -> dict[str, Any]:
        """Git, cell and decoding provenance as report fields (snake_case), unset ones left out."""
        out = self.git.fields() if self.git is not None else {}
        if self.cell is not None:
            out.update(self.cell.fields())
        if self.decoded:
            out["decoded"] = True
        if self.verification is not None:
            out.update(self.verification.fields())
        return out

    def properties_text(self) -> str:
        """The properties as one line for reports without a property bag ("" when none)."""
        return "; ".join(f"{name.replace('_', ' ')}: {value}" for name, value in self.properties)

    def described(self, show_secrets: bool) -> str:
        """`description: secret` as reports print it; the data checks carry no value at all."""
        if not self.secret:
            return self.description
        return f"{self.description}: {self.shown_secret(show_secrets)}"

    def shown_secret(self, show_secrets: bool) -> str:
        from hex_guard.finding import redact

        return self.secret if show_secrets else redact(self.secret, self.reveal_prefix)

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.rule_id)


# --- what a source hands the corridor (scan.run) ------------------------------------------------


class Unit(NamedTuple):
    """One fragment to scan, where allowlist paths look for it, and the source's own key for it
    (a commit, a blob id), handed back with each finding to `Source.finish`."""

    fragment: Fragment
    fs_path: str
    tag: Hashable = None


# A finding with the tag of the unit it came from.
Found = tuple[Hashable, Finding]


class Plan(NamedTuple):
    """What a source hands the corridor to scan."""

    # The work, in a stable order; may be a generator that streams while git runs.
    batches: Iterable[Any]
    # A large scan: the engine builds its regex gates and a process pool may be used.
    large: bool = True
    # Batches are worth sending to other processes (they are picklable and big enough).
    parallel: bool = False


class Outcome(NamedTuple):
    """What a source makes of the findings handed back to it."""

    findings: list[Finding]
    # History scans: blob ids scanned.
    blobs: frozenset[str] = frozenset()
