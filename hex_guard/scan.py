"""Orchestration: sources -> detect -> exclusions -> a ScanResult that owns the exit code."""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from hex_guard import sources
from hex_guard.config import Config
from hex_guard.detect import Engine
from hex_guard.errors import EXIT_CLEAN, EXIT_FINDINGS
from hex_guard.finding import Finding
from hex_guard.sources import Skip, Target

# Below this many files a process pool costs more than it saves (a hook run stays serial).
PARALLEL_MIN_FILES = 400


@dataclass
class Stats:
    files_scanned: int = 0
    bytes_scanned: int = 0
    skipped: list[Skip] = field(default_factory=list)
    excluded: int = 0
    duration_s: float = 0.0

    def merge(self, other: Stats) -> None:
        self.files_scanned += other.files_scanned
        self.bytes_scanned += other.bytes_scanned
        self.skipped.extend(other.skipped)
        self.excluded += other.excluded

    def skip_summary(self) -> Counter[str]:
        return Counter(s.reason for s in self.skipped)


@dataclass(frozen=True)
class ScanResult:
    findings: tuple[Finding, ...]
    stats: Stats

    @property
    def exit_code(self) -> int:
        return EXIT_FINDINGS if self.findings else EXIT_CLEAN


def scan_targets(
    targets: Iterable[Target], engine: Engine, max_size: int
) -> tuple[list[Finding], Stats]:
    findings: list[Finding] = []
    stats = Stats()
    for target in targets:
        loaded = sources.load(target, max_size)
        if loaded is None:
            continue
        if isinstance(loaded, Skip):
            stats.skipped.append(loaded)
            continue
        stats.files_scanned += 1
        stats.bytes_scanned += len(loaded.data)
        findings.extend(engine.scan(loaded))
    return findings, stats


# A process pool's workers build their engine once (fork inherits the parent's; spawn rebuilds).
_worker_engine: Engine | None = None


def _init_worker(engine: Engine | None) -> None:
    global _worker_engine
    _worker_engine = engine if engine is not None else Engine()


def _scan_chunk(chunk: list[Target], max_size: int) -> tuple[list[Finding], Stats]:
    assert _worker_engine is not None
    return scan_targets(chunk, _worker_engine, max_size)


def _chunks(targets: Sequence[Target], count: int) -> list[list[Target]]:
    """`count` interleaved chunks: neighbouring files (often alike in size) go to different
    workers, which balances the cores without a stat() per file in the parent."""
    return [list(targets[i::count]) for i in range(min(count, len(targets)))]


def _scan_parallel(
    targets: Sequence[Target], engine: Engine, max_size: int, jobs: int
) -> tuple[list[Finding], Stats]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    fork = sys.platform.startswith("linux")
    context = multiprocessing.get_context("fork" if fork else "spawn")
    findings: list[Finding] = []
    stats = Stats()
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_init_worker,
        initargs=(engine if fork else None,),
    ) as pool:
        futures = [pool.submit(_scan_chunk, c, max_size) for c in _chunks(targets, jobs * 8)]
        for future in futures:
            chunk_findings, chunk_stats = future.result()
            findings.extend(chunk_findings)
            stats.merge(chunk_stats)
    return findings, stats


def run(paths: Sequence[str], config: Config, *, jobs: int | None = None) -> ScanResult:
    started = time.perf_counter()
    cwd = os.getcwd()
    excluder = config.excluder()
    targets: list[Target] = []
    excluded = 0
    for target in sources.collect(paths, cwd):
        if excluder.matches(target.fs_path):
            excluded += 1
        else:
            targets.append(target)
    engine = Engine()
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if jobs > 1 and len(targets) >= PARALLEL_MIN_FILES:
        findings, stats = _scan_parallel(targets, engine, config.max_file_size, jobs)
    else:
        findings, stats = scan_targets(targets, engine, config.max_file_size)
    stats.excluded = excluded
    stats.duration_s = time.perf_counter() - started
    return ScanResult(tuple(sorted(findings, key=lambda f: f.sort_key)), stats)
