"""Orchestration: sources -> detect -> allowlist / baseline -> a result that owns the exit code."""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from hex_guard import sources, views
from hex_guard.allowlist import Allowlist
from hex_guard.config import Config, PathMatcher
from hex_guard.detect import Engine
from hex_guard.errors import EXIT_CLEAN, EXIT_FINDINGS
from hex_guard.records import Finding, Fragment, Skip, Target

# Below this many files a process pool costs more than it saves (a hook run stays serial).
PARALLEL_MIN_FILES = 400


@dataclass
class Stats:
    files_scanned: int = 0
    bytes_scanned: int = 0
    # Display paths of what was scanned, for reports with one entry per file (JUnit).
    scanned: list[str] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    excluded: int = 0
    suppressed: int = 0
    baselined: int = 0
    duration_s: float = 0.0
    # Allowlist entry key -> findings it suppressed (for --report-unused).
    used: Counter[str] = field(default_factory=Counter)

    def merge(self, other: Stats) -> None:
        self.files_scanned += other.files_scanned
        self.bytes_scanned += other.bytes_scanned
        self.scanned.extend(other.scanned)
        self.skipped.extend(other.skipped)
        self.excluded += other.excluded
        self.suppressed += other.suppressed
        self.used.update(other.used)

    def skip_summary(self) -> Counter[str]:
        return Counter(s.text for s in self.skipped)


@dataclass(frozen=True)
class ScanResult:
    findings: tuple[Finding, ...]
    stats: Stats
    unused: tuple[str, ...] = ()

    @property
    def exit_code(self) -> int:
        return EXIT_FINDINGS if self.findings else EXIT_CLEAN


@dataclass(frozen=True)
class Pipeline:
    """What every worker needs: the engine, the allowlist and the size limit."""

    engine: Engine
    allowlist: Allowlist
    max_size: int

    @classmethod
    def build(cls, config: Config, *, large: bool = True) -> Pipeline:
        """`large=False` for a few files (a hook run): the engine compiles faster, scans slower."""
        engine = Engine(config.rules(), gates=large)
        return cls(engine, Allowlist(config), config.max_file_size)


def scan_targets(targets: Sequence[Target], pipeline: Pipeline) -> tuple[list[Finding], Stats]:
    findings: list[Finding] = []
    stats = Stats()
    for target in targets:
        loaded = sources.load(target, pipeline.max_size)
        if loaded is None:
            continue
        if isinstance(loaded, Skip):
            stats.skipped.append(loaded)
            continue
        findings.extend(scan_fragment(pipeline, loaded, target.fs_path, stats))
    return findings, stats


def scan_fragment(
    pipeline: Pipeline, fragment: Fragment, fs_path: str, stats: Stats
) -> list[Finding]:
    """Detect, then allowlist, one fragment; `fs_path` is where allowlist paths look."""
    stats.files_scanned += 1
    stats.bytes_scanned += len(fragment.data)
    stats.scanned.append(fragment.display_path)
    engine = pipeline.engine
    cells = views.notebook_views(fragment) if views.is_notebook(fragment) else None
    if cells is not None:  # a notebook is read cell by cell, never as raw JSON
        parts = [(engine.scan(v.fragment), v) for v in cells]
    else:
        found, triggers = engine.scan_with_triggers(fragment)
        raw = views.View(fragment, views.remap_for(fragment))
        decoded = views.decoded_views(fragment, triggers) if triggers else []
        parts = [(found, raw), *((engine.scan(v.fragment), v) for v in decoded)]
    out: list[Finding] = []
    for found, view in parts:
        if found:
            # Allowlist first, in the view's own lines (inline markers), then map to the file.
            kept, suppressed = pipeline.allowlist.filter(found, fs_path, view.fragment, stats.used)
            stats.suppressed += suppressed
            out.extend(view.remap(f) for f in kept)
    return out


# A process pool's workers get the pipeline once (fork inherits it; spawn unpickles it).
_worker_pipeline: Pipeline | None = None


def _init_worker(pipeline: Pipeline) -> None:
    global _worker_pipeline
    _worker_pipeline = pipeline


def _scan_chunk(chunk: list[Target]) -> tuple[list[Finding], Stats]:
    assert _worker_pipeline is not None
    return scan_targets(chunk, _worker_pipeline)


def _chunks(targets: Sequence[Target], count: int) -> list[list[Target]]:
    """`count` interleaved chunks: neighbouring files (often alike in size) go to different
    workers, which balances the cores without a stat() per file in the parent."""
    return [list(targets[i::count]) for i in range(min(count, len(targets)))]


def _scan_parallel(
    targets: Sequence[Target], pipeline: Pipeline, jobs: int
) -> tuple[list[Finding], Stats]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if sys.platform.startswith("linux") else "spawn"
    findings: list[Finding] = []
    stats = Stats()
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context(method),
        initializer=_init_worker,
        initargs=(pipeline,),
    ) as pool:
        for chunk_findings, chunk_stats in pool.map(_scan_chunk, _chunks(targets, jobs * 8)):
            findings.extend(chunk_findings)
            stats.merge(chunk_stats)
    return findings, stats


def _apply_baseline(findings: list[Finding], known: Collection[str], stats: Stats) -> list[Finding]:
    kept = [f for f in findings if f.fingerprint not in known]
    stats.baselined = len(findings) - len(kept)
    return kept


def run(
    paths: Sequence[str],
    config: Config,
    *,
    jobs: int | None = None,
    baseline: Collection[str] = (),
) -> ScanResult:
    started = time.perf_counter()
    excluder = config.excluder()
    targets: list[Target] = []
    excluded = 0
    for target in sources.collect(paths, os.getcwd()):
        if excluder.matches(target.fs_path):
            excluded += 1
        else:
            targets.append(target)
    pipeline = Pipeline.build(config, large=len(targets) >= PARALLEL_MIN_FILES)
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if jobs > 1 and len(targets) >= PARALLEL_MIN_FILES:
        findings, stats = _scan_parallel(targets, pipeline, jobs)
    else:
        findings, stats = scan_targets(targets, pipeline)
    stats.excluded = excluded
    findings = _apply_baseline(findings, baseline, stats)
    stats.duration_s = time.perf_counter() - started
    unused = unused_entries(pipeline, excluder, stats)
    return ScanResult(tuple(sorted(findings, key=lambda f: f.sort_key)), stats, tuple(unused))


def unused_entries(pipeline: Pipeline, excluder: PathMatcher, stats: Stats) -> list[str]:
    """Allowlist and exclude entries that matched nothing in this scan."""
    unused = [k for k in pipeline.allowlist.entry_keys() if not stats.used[k]]
    return unused + [f"exclude[{i}]" for i, hits in enumerate(excluder.hits) if not hits]
