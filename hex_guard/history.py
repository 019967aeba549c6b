"""One-off history scans: every blob ever committed, each distinct blob scanned exactly once.

1. `git log --raw` (tree diffs, no content) lists every (blob, path, commit) occurrence in one
   pass. A blob is scanned if any of its paths is not excluded; it is attributed to its oldest
   non-excluded occurrence.
2. Distinct blobs are sent for scanning in contiguous runs while git is still walking (log order
   keeps similar blobs together, which keeps git's delta cache warm); each run is read through
   its own `git cat-file --batch`, so inflation and matching overlap on every core.
3. Findings are grouped per secret: one finding, attributed to the oldest commit, with how many
   commits and paths carried it and whether HEAD still does (gitleaks#1054).

The same batches are built whatever `-j` is, and results come back in batch order, so the
answer cannot depend on the number of workers.
Re-reading `git log -p`, as gitleaks and trufflehog do, re-scans every patch of every commit.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field

from hex_guard import git
from hex_guard.diffparse import BlobEntry, Commit, nul_tokens, raw_entries
from hex_guard.errors import GitError
from hex_guard.finding import fingerprint
from hex_guard.hygiene import steps as hygiene
from hex_guard.hygiene.steps import ReuseView
from hex_guard.records import Finding, Found, GitProvenance, Outcome, Plan, Skip, SkipReason, Unit
from hex_guard.rules import Rule
from hex_guard.scan import Pipeline, Scope
from hex_guard.sources import blob_parts

_FILE_MODES = ("100644", "100755")
_SHALLOW = (
    "the repository is a shallow clone, so its history is incomplete; "
    "run git fetch --unshallow (CI: fetch-depth: 0) first"
)


@dataclass
class BlobRecord:
    """Every occurrence of one blob. `path`, `commit` and `rank` are its oldest non-excluded
    occurrence (None while every path seen is excluded)."""

    path: str | None = None
    commit: Commit | None = None
    rank: int = -1  # position in log order (higher: older)
    commits: set[str] = field(default_factory=set)
    paths: set[str] = field(default_factory=set)
    kept_paths: set[str] = field(default_factory=set)


class History:
    """Source: every blob the commits selected by `rev_args` introduce (`hex-guard history`).

    `skip_blobs` are blob ids already scanned elsewhere (an incremental scan of a fleet): they
    are not read again. The result's `blobs` holds the ids this scan read.
    """

    # Blobs per batch. Each batch is read through its own `git cat-file --batch`, whose delta
    # base cache starts cold: at 1,500 a pytest history (41,641 blobs) spent ~0.6 s more CPU
    # in git than at 8,000, and -j1 paid 1.24x 3ed3639's CPU (which read through one process).
    # Larger batches balance two or more workers less finely; 8,000 still gave the lower wall
    # time at -j2 on that history.
    RUN = 8000

    def __init__(
        self, rev_args: Sequence[str], cwd: str, *, skip_blobs: Collection[str] = ()
    ) -> None:
        self.rev_args = tuple(rev_args)
        self.cwd = cwd
        self.root = git.history_root(cwd)
        if git.is_shallow(self.root):
            raise GitError(_SHALLOW)
        self.skip_blobs = frozenset(skip_blobs)
        # Filled in this process while the plan streams; workers only read batches.
        self.blobs: dict[str, BlobRecord] = {}
        self.scanned: dict[str, str] = {}  # blob id -> the path it was first scanned under

    def plan(self, scope: Scope) -> Plan:
        return Plan(self._runs(scope), large=True, parallel=True)

    def _entries(self) -> Iterator[BlobEntry]:
        with git.log_raw(self.rev_args, self.root) as stdout:
            yield from raw_entries(nul_tokens(iter(lambda: stdout.read(1 << 20), b"")))

    def _runs(self, scope: Scope) -> Iterator[list[tuple[str, str]]]:
        excluded: dict[str, bool] = {}
        pending: list[tuple[str, str]] = []
        below = os.path.join(self.root, "")  # + path: os.path.join(root, path), per path
        # Locals, not attributes: this loop runs once per (blob, commit) pair, ~78,000 on pytest.
        blobs, scanned, skip_blobs = self.blobs, self.scanned, self.skip_blobs
        for rank, entry in enumerate(self._entries()):
            if entry.mode not in _FILE_MODES:
                continue
            sha, path = entry.sha, entry.path
            record = blobs.get(sha)
            if record is None:  # not setdefault, which built a record per entry
                record = blobs[sha] = BlobRecord()
            record.commits.add(entry.commit.sha)
            record.paths.add(path)
            skip = excluded.get(path)
            if skip is None:
                skip = excluded[path] = scope.matches(below + path)
            if skip:
                continue
            # Log runs newest first: a later entry is an older introduction.
            record.path, record.commit, record.rank = path, entry.commit, rank
            record.kept_paths.add(path)
            if sha not in scanned and sha not in skip_blobs:
                scanned[sha] = path
                pending.append((sha, path))
                if len(pending) >= self.RUN:
                    yield pending
                    pending = []
        if pending:
            yield pending
        scope.stats.excluded += sum(1 for r in self.blobs.values() if r.path is None)
        rescans = self._path_scoped_rescans(scope.config.rules())
        for start in range(0, len(rescans), self.RUN):
            yield rescans[start : start + self.RUN]

    def _path_scoped_rescans(self, rules: Sequence[Rule]) -> list[tuple[str, str]]:
        """(blob, path) pairs to scan again: a blob seen under several paths was scanned under
        its newest one, and path-scoped rules (.env, profiles.yml) may apply to an older one."""
        scoped = [r for r in rules if r.paths]

        def signature(path: str) -> tuple[bool, ...]:
            return tuple(r.applies_to(path) for r in scoped)

        def others(sha: str, seen: set[tuple[bool, ...]]) -> Iterator[tuple[str, str]]:
            for other in sorted(self.blobs[sha].kept_paths):
                if signature(other) not in seen:
                    seen.add(signature(other))
                    yield sha, other

        again: list[tuple[str, str]] = []
        for sha, path in self.scanned.items():
            if len(self.blobs[sha].kept_paths) > 1:
                again.extend(others(sha, {signature(path)}))
        # Blobs an earlier run scanned (incremental fleet scans), under paths not known here:
        # each path a path-scoped rule applies to is scanned again (a file renamed to `.env`).
        plain = tuple(False for _ in scoped)
        for sha in sorted(self.skip_blobs & self.blobs.keys()):
            again.extend(others(sha, {plain}))
        return again

    def read(self, batch: list[tuple[str, str]], max_size: int) -> Iterator[Unit | Skip]:
        below = os.path.join(self.root, "")  # + path: os.path.join(root, path), per blob
        with git.stream_blobs([sha for sha, _ in batch], self.root, max_size) as blobs:
            for (sha, path), (_, _, content) in zip(batch, blobs):
                if content is None:
                    yield Skip(f"{path}@{sha[:12]}", SkipReason.TOO_LARGE, max_size)
                    continue
                for loaded in blob_parts(content.read, content.size, path, path, max_size):
                    if isinstance(loaded, Skip):
                        yield dataclasses.replace(loaded, display_path=f"{path}@{sha[:12]}")
                    else:
                        yield Unit(loaded, below + path, sha)

    def finish(self, found: list[Found], scope: Scope) -> Outcome:
        findings = _one_per_secret(found, self.blobs, git.head_blobs(self.root))
        return Outcome(findings, frozenset(self.scanned))

    def reuse_view(
        self, found: list[Found], outcome: Outcome, scope: Scope, pipeline: Pipeline
    ) -> ReuseView:
        """Every finding under every (not excluded) path its blob had, before the merge into
        one finding per secret: a .env.dev copied to .env.prod is one blob in two places."""

        def paths_of(sha: str) -> list[tuple[str, GitProvenance]]:
            record = self.blobs[sha]
            commit = record.commit
            assert commit is not None
            provenance = GitProvenance(commit.sha, commit.author, commit.date)
            return [(path, provenance) for path in sorted(record.kept_paths)]

        pairs = [(str(tag), finding) for tag, finding in found]
        everywhere = hygiene.at_paths(pairs, paths_of)
        return ReuseView(everywhere, lambda f: os.path.join(self.root, f.repo_path))


def _one_per_secret(
    found: list[Found], blobs: dict[str, BlobRecord], head: set[str]
) -> list[Finding]:
    groups: dict[tuple[str, str], list[tuple[str, Finding]]] = {}
    for sha, finding in found:
        assert isinstance(sha, str)
        groups.setdefault((finding.rule_id, finding.secret), []).append((sha, finding))
    merged = []
    for members in groups.values():
        sha, primary = max(members, key=lambda m: (blobs[m[0]].rank, -m[1].line))
        records = [blobs[s] for s, _ in members]
        first = blobs[sha]
        assert first.path is not None and first.commit is not None
        merged.append(
            dataclasses.replace(
                primary,
                # Report, and fingerprint, the path the secret was first committed under.
                path=first.path,
                repo_path=first.path,
                fingerprint=fingerprint(primary.rule_id, first.path, primary.secret),
                git=GitProvenance(
                    commit=first.commit.sha,
                    author=first.commit.author,
                    date=first.commit.date,
                    commits_count=len(set().union(*(r.commits for r in records))),
                    paths_count=len(set().union(*(r.paths for r in records))),
                    present_at_head=any(s in head for s, _ in members),
                ),
            )
        )
    return merged
