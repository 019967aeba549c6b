"""One-off history scans: every blob ever committed, each distinct blob scanned exactly once.

1. `git log --raw` (tree diffs, no content) lists the blobs each commit introduces, so one pass
   gives both the set of distinct blobs and, for each, the oldest commit and path that added it.
2. The distinct blobs are split into contiguous runs (log order keeps similar blobs together,
   which keeps git's delta cache warm) and scanned by a process per core, each with its own
   `git cat-file --batch`: git's inflation runs on both cores, overlapped with the prefilter.
3. Findings are grouped per secret: one finding, attributed to the oldest commit, with how many
   commits and paths carried it and whether HEAD still does (gitleaks#1054).

Re-reading `git log -p`, as gitleaks and trufflehog do, re-scans every patch of every commit.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from hex_guard import git
from hex_guard.config import Config, PathMatcher
from hex_guard.diffparse import BlobEntry, Commit, nul_tokens, raw_entries
from hex_guard.errors import GitError
from hex_guard.finding import fingerprint
from hex_guard.records import Finding, GitProvenance, Skip, SkipReason
from hex_guard.scan import Pipeline, ScanResult, Stats, scan_fragment, unused_entries
from hex_guard.sources import fragment_from_bytes

_FILE_MODES = ("100644", "100755")
_SHALLOW = (
    "the repository is a shallow clone, so its history is incomplete; "
    "run git fetch --unshallow (CI: fetch-depth: 0) first"
)


@dataclass
class BlobRecord:
    path: str
    commit: Commit
    rank: int  # position in log order of the oldest commit that added it (higher: older)
    commits: set[str] = field(default_factory=set)
    paths: set[str] = field(default_factory=set)


def _raw_entries(rev_args: Sequence[str], root: str) -> Iterator[BlobEntry]:
    with git.log_raw(rev_args, root) as stdout:
        yield from raw_entries(nul_tokens(iter(lambda: stdout.read(1 << 20), b"")))


def collect_blobs(
    entries: Iterable[BlobEntry], on_new: Callable[[str, str], None] | None = None
) -> dict[str, BlobRecord]:
    """Every file blob the commits introduce, keyed by id. `on_new(sha, path)` hears of each
    blob as soon as it first appears, so scanning can start while git is still walking."""
    blobs: dict[str, BlobRecord] = {}
    for rank, entry in enumerate(entries):
        if entry.mode not in _FILE_MODES:
            continue
        record = blobs.get(entry.sha)
        if record is None:
            record = blobs[entry.sha] = BlobRecord(entry.path, entry.commit, rank)
            if on_new is not None:
                on_new(entry.sha, entry.path)
        else:  # log runs newest first: a later entry is an older introduction
            record.path, record.commit, record.rank = entry.path, entry.commit, rank
        record.commits.add(entry.commit.sha)
        record.paths.add(entry.path)
    return blobs


# A process pool's workers get what they need once (fork inherits it; spawn unpickles it).
_worker: tuple[Pipeline, str] | None = None


def _init_worker(pipeline: Pipeline, root: str) -> None:
    global _worker
    _worker = (pipeline, root)


def _scan_blobs(chunk: list[tuple[str, str]]) -> tuple[list[tuple[str, Finding]], Stats]:
    assert _worker is not None
    pipeline, root = _worker
    return scan_blobs(chunk, pipeline, root)


def scan_blobs(
    chunk: Sequence[tuple[str, str]], pipeline: Pipeline, root: str
) -> tuple[list[tuple[str, Finding]], Stats]:
    """Scan (blob id, path) pairs through one `cat-file --batch`; findings keyed by blob id."""
    stats = Stats()
    found: list[tuple[str, Finding]] = []
    shas = [sha for sha, _ in chunk]
    with git.read_blobs(shas, root, pipeline.max_size) as blobs:
        for (sha, path), (_, _, data) in zip(chunk, blobs):
            label = f"{path}@{sha[:12]}"
            if data is None:
                stats.skipped.append(Skip(label, SkipReason.TOO_LARGE, pipeline.max_size))
                continue
            loaded = fragment_from_bytes(path, path, data, pipeline.max_size)
            if isinstance(loaded, Skip):
                stats.skipped.append(dataclasses.replace(loaded, display_path=label))
                continue
            for finding in scan_fragment(pipeline, loaded, os.path.join(root, path), stats):
                found.append((sha, finding))
    return found, stats


class _Dispatcher:
    """Feeds runs of newly seen blobs to the worker pool while `git log` is still running."""

    RUN = 1500

    def __init__(self, pool: Any, excluder: PathMatcher, root: str) -> None:
        self.pool, self.excluder, self.root = pool, excluder, root
        self.pending: list[tuple[str, str]] = []
        self.futures: list[Any] = []
        self.scanned: dict[str, str] = {}  # blob id -> the path it was scanned under
        self.excluded = 0

    def add(self, sha: str, path: str) -> None:
        if self.excluder.matches(os.path.join(self.root, path)):
            self.excluded += 1
            return
        self.scanned[sha] = path
        self.pending.append((sha, path))
        if len(self.pending) >= self.RUN:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.futures.append(self.pool.submit(_scan_blobs, self.pending))
            self.pending = []


def _scan_history(
    rev_args: Sequence[str],
    pipeline: Pipeline,
    excluder: PathMatcher,
    root: str,
    jobs: int,
    progress: bool,
) -> tuple[dict[str, BlobRecord], dict[str, str], list[tuple[str, Finding]], Stats]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import click

    method = "fork" if sys.platform.startswith("linux") else "spawn"
    found: list[tuple[str, Finding]] = []
    stats = Stats()
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context(method),
        initializer=_init_worker,
        initargs=(pipeline, root),
    ) as pool:
        dispatch = _Dispatcher(pool, excluder, root)
        blobs = collect_blobs(_raw_entries(rev_args, root), dispatch.add)
        dispatch.flush()
        with click.progressbar(
            dispatch.futures,
            label="hex-guard: scanning blobs",
            file=sys.stderr,
            hidden=not progress,
        ) as futures:
            for future in futures:
                chunk_found, chunk_stats = future.result()
                found.extend(chunk_found)
                stats.merge(chunk_stats)
    stats.excluded = dispatch.excluded
    return blobs, dispatch.scanned, found, stats


def _path_scoped_rescans(
    blobs: dict[str, BlobRecord], scanned: dict[str, str], pipeline: Pipeline
) -> list[tuple[str, str]]:
    """(blob, path) pairs to scan again: a blob seen under several paths was scanned under its
    newest one, and path-scoped rules (.env, profiles.yml) may apply to an older one."""
    scoped = [r for r in pipeline.engine.rules if r.paths]

    def signature(path: str) -> tuple[bool, ...]:
        return tuple(r.applies_to(path) for r in scoped)

    again = []
    for sha, path in scanned.items():
        record = blobs[sha]
        if len(record.paths) > 1:
            seen = {signature(path)}
            for other in sorted(record.paths):
                if signature(other) not in seen:
                    seen.add(signature(other))
                    again.append((sha, other))
    return again


def _one_per_secret(
    found: list[tuple[str, Finding]], blobs: dict[str, BlobRecord], head: set[str]
) -> list[Finding]:
    groups: dict[tuple[str, str], list[tuple[str, Finding]]] = {}
    for sha, finding in found:
        groups.setdefault((finding.rule_id, finding.secret), []).append((sha, finding))
    merged = []
    for members in groups.values():
        sha, primary = max(members, key=lambda m: (blobs[m[0]].rank, -m[1].line))
        records = [blobs[s] for s, _ in members]
        first = blobs[sha]
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


def run(
    rev_args: Sequence[str],
    config: Config,
    cwd: str,
    *,
    jobs: int | None = None,
    progress: bool = False,
) -> ScanResult:
    started = time.perf_counter()
    root = git.history_root(cwd)
    if git.is_shallow(root):
        raise GitError(_SHALLOW)
    excluder = config.excluder()
    pipeline = Pipeline.build(config)
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if jobs > 1:
        blobs, scanned, found, stats = _scan_history(
            rev_args, pipeline, excluder, root, jobs, progress
        )
    else:
        stats = Stats()
        blobs = collect_blobs(_raw_entries(rev_args, root))
        scanned = {}
        for sha, record in blobs.items():
            if excluder.matches(os.path.join(root, record.path)):
                stats.excluded += 1
            else:
                scanned[sha] = record.path
        found, stats_scan = scan_blobs(list(scanned.items()), pipeline, root)
        stats.merge(stats_scan)
    rescans = _path_scoped_rescans(blobs, scanned, pipeline)
    if rescans:
        more, _ = scan_blobs(rescans, pipeline, root)
        found.extend(more)
    findings = _one_per_secret(found, blobs, git.head_blobs(root))
    stats.duration_s = time.perf_counter() - started
    unused = unused_entries(pipeline, excluder, stats)
    return ScanResult(tuple(sorted(findings, key=lambda f: f.sort_key)), stats, tuple(unused))
