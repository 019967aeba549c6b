"""The one corridor: a source -> detect -> allowlist -> fingerprint filters -> a sorted result.

Every scan, whatever it reads (files, the staged index, a commit range, history), runs through
`run(source, config, jobs)`. A source only says what there is to read and, at the end, how its
findings are attributed; `run` owns the clock, excludes, statistics, the executor (chosen once),
the allowlist, `ignore` and the baseline (applied here and nowhere else), unused-entry reporting
and the order of the result. A new source is one class implementing `Source`.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from hex_guard import decoders, pool
from hex_guard.allowlist import Allowlist
from hex_guard.config import Config, PathMatcher, Resolver
from hex_guard.detect import Engine
from hex_guard.errors import EXIT_CLEAN, EXIT_FINDINGS
from hex_guard.hygiene import steps as hygiene
from hex_guard.hygiene.steps import DataCheck
from hex_guard.records import Finding, Found, Fragment, Outcome, Plan, Skip, Unit
from hex_guard.rules import Confidence, Rule

# An engine's identity: gates on or off, context kept or not, and the very rule objects it runs
# (built-in rules are shared objects, so two configs with the same `disable` and no custom rules
# share an engine).
RulesKey = tuple[bool, bool, tuple[int, ...]]


def _rules_key(large: bool, context: bool, rules: Iterable[Rule]) -> RulesKey:
    return (large, context, tuple(id(r) for r in rules))


# A nested config file and the rules it disables beyond the run's config.
DisabledKey = tuple[str, tuple[str, ...]]


@dataclass
class Stats:
    files_scanned: int = 0
    bytes_scanned: int = 0
    # Display paths of what was scanned, for reports with one entry per file (JUnit).
    scanned: list[str] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    # Of files_scanned, those scanned as binary (a NUL byte, not UTF-16/32 text).
    binary: int = 0
    excluded: int = 0
    suppressed: int = 0
    baselined: int = 0
    # Findings less sure than the run's minimum confidence (--min-confidence), not reported.
    below_confidence: int = 0
    duration_s: float = 0.0
    # Allowlist entry key -> findings it suppressed (for --report-unused).
    used: Counter[str] = field(default_factory=Counter)
    # (nested config file, the rules it disables beyond the run's config) -> files it governed:
    # a commit can carry a config that turns off the rule its secret would meet, so the summary
    # names every such config (red team, issue 10).
    disabled: Counter[DisabledKey] = field(default_factory=Counter)

    def merge(self, other: Stats) -> None:
        self.files_scanned += other.files_scanned
        self.bytes_scanned += other.bytes_scanned
        self.binary += other.binary
        self.scanned.extend(other.scanned)
        self.skipped.extend(other.skipped)
        self.excluded += other.excluded
        self.suppressed += other.suppressed
        self.used.update(other.used)
        self.disabled.update(other.disabled)

    def skip_summary(self) -> Counter[str]:
        return Counter(s.text for s in self.skipped)


@dataclass(frozen=True)
class ScanResult:
    findings: tuple[Finding, ...]
    stats: Stats
    # Allowlist, ignore and exclude entries that matched nothing (for --report-unused).
    unused: tuple[str, ...] = ()
    # History scans: the ids of every blob scanned (the input of an incremental rescan).
    blobs: frozenset[str] = frozenset()
    # The rules the scan ran (its primary config's: disabled ones left out, custom ones in);
    # empty when not recorded (a merged report), and reports fall back to the built-in set.
    rules: tuple[Rule, ...] = ()

    @property
    def exit_code(self) -> int:
        return EXIT_FINDINGS if self.findings else EXIT_CLEAN


@dataclass(frozen=True)
class Pipeline:
    """What every worker needs: the engine, the allowlist and the size limit."""

    engine: Engine
    allowlist: Allowlist
    max_size: int
    data: DataCheck = field(default_factory=DataCheck)
    # Rules whose findings count inside binary content (Fragment.binary).
    binary_rules: frozenset[str] = frozenset()

    @classmethod
    def build(
        cls, config: Config, *, large: bool = True, engines: dict[RulesKey, Engine] | None = None
    ) -> Pipeline:
        """`large=False` for a few files (a hook run): the engine compiles faster, scans slower.

        `engines` shares one compiled engine among configs that run the same rules: compiling
        costs ~0.1 s per process, and a tree outside the run's directory (or a nested config
        that only excludes paths) otherwise pays it again in every worker."""
        rules = config.rules()
        key = _rules_key(large, config.keep_context, rules)
        engine = engines.get(key) if engines is not None else None
        if engine is None:
            engine = Engine(rules, gates=large, context=config.keep_context)
            if engines is not None:
                engines[key] = engine
        data = DataCheck(config.data_outputs, config.row_threshold)
        return cls(engine, Allowlist(config), config.max_file_size, data, _binary_rules(rules))


def _binary_rules(rules: Iterable[Rule]) -> frozenset[str]:
    """The rules trusted inside binary content (`Rule.trusted_in_binary`: fixed formats and
    private keys). A keyed rule reads a key name and a value from bytes that are not text: in
    .NET assemblies `PublicKeyToken=` runs on into the next bytes and passes for a token (9
    false alarms in schemastore's DLLs, measured when binaries began to be scanned)."""
    return frozenset(r.id for r in rules if r.trusted_in_binary)


def scan_fragment(
    pipeline: Pipeline, fragment: Fragment, fs_path: str, stats: Stats
) -> list[Finding]:
    """Detect, then allowlist, one fragment; `fs_path` is where allowlist paths look."""
    if fragment.window == 0:
        stats.files_scanned += 1
        stats.binary += fragment.binary
        stats.scanned.append(fragment.display_path)
    stats.bytes_scanned += len(fragment.data)
    out: list[Finding] = []
    for found, view in decoders.read(pipeline.engine, fragment):
        if fragment.binary:
            found = [f for f in found if f.rule_id in pipeline.binary_rules]
        if found:
            # Allowlist first, in the view's own lines (inline markers), then map to the file.
            kept, suppressed = pipeline.allowlist.filter(found, fs_path, view.fragment, stats.used)
            kept = hygiene.annotate(view.fragment, kept)
            stats.suppressed += suppressed
            out.extend(view.remap(f) for f in kept)
    if len(out) > 1:
        out = _one_per_place(out)
    # The data check is opt-in: most runs skip it without a call per file.
    check = pipeline.data.enabled and not fragment.binary
    data = hygiene.data_findings(fragment, pipeline.data) if check else None
    if data:
        kept, suppressed = pipeline.allowlist.filter(data, fs_path, fragment, stats.used)
        stats.suppressed += suppressed
        out.extend(kept)
    return out


def _one_per_place(findings: list[Finding]) -> list[Finding]:
    """One finding per place in the file. Two views of one file can each judge the same
    value (a Kubernetes Secret's base64 `DB_PASSWORD:` is a keyed literal in the raw text and
    a decoded secret in the data view): keep the most severe, the first of equals."""
    best: dict[tuple[int, int], int] = {}
    for index, finding in enumerate(findings):
        place = (finding.line, finding.column)
        held = best.get(place)
        if held is None or finding.severity > findings[held].severity:
            best[place] = index
    if len(best) == len(findings):
        return findings
    keep = set(best.values())
    return [f for i, f in enumerate(findings) if i in keep]


# --- the Source protocol --------------------------------------------------------------------------


@dataclass
class Scope:
    """What a source may use while planning: the config of the run's directory, the excludes
    (each file's own, counted), the job count, and the run's statistics (for skips found while
    listing)."""

    config: Config
    configs: Resolver
    jobs: int
    stats: Stats

    @property
    def excluder(self) -> PathMatcher:
        return self.configs.excluder(self.config)

    def matches(self, fs_path: str) -> bool:
        """Whether the file's config, or one above it, excludes `fs_path` (not counted)."""
        return self.configs.excluded(fs_path)

    def excluded(self, fs_path: str) -> bool:
        """True, and counted, when the file's config, or one above it, excludes `fs_path`."""
        if self.configs.excluded(fs_path):
            self.stats.excluded += 1
            return True
        return False


class Source(Protocol):
    """Something to scan. Implement these three methods and pass it to `run`.

    - `plan(scope)` runs in this process: list what there is to read, drop what
      `scope.excluded()` says, record skips found while listing in `scope.stats.skipped`, and
      return the batches.
    - `read(batch, max_size)` runs where the batch is scanned (a worker process when the plan
      is parallel, so it must use only the batch and the source's own fields): yield a `Unit`
      per fragment and a `Skip` per thing not scanned.
    - `finish(found, scope)` runs in this process after every batch: turn (tag, finding) pairs,
      in batch order, into the findings to report (attribution, one finding per secret).
    """

    def plan(self, scope: Scope) -> Plan: ...

    def read(self, batch: Any, max_size: int) -> Iterator[Unit | Skip]: ...

    def finish(self, found: list[Found], scope: Scope) -> Outcome: ...


@dataclass
class _Scanner:
    """The batch function every executor maps: read, then detect and allowlist each fragment
    under the config that governs its file."""

    source: Source
    pipeline: Pipeline
    configs: Resolver
    large: bool
    # Pipelines of nested configs, built on first use (in the worker that meets one).
    # Each with the (config file, rules) it disables beyond the primary's, for Stats.disabled.
    others: dict[int, tuple[Pipeline, DisabledKey | None]] = field(default_factory=dict)
    # Their engines, by rule set: the primary's is reused by every config with the same rules.
    engines: dict[RulesKey, Engine] = field(default_factory=dict)

    def __post_init__(self) -> None:
        engine = self.pipeline.engine
        self.engines.setdefault(_rules_key(self.large, engine.context, engine.rules), engine)

    def pipeline_for(self, fs_path: str, stats: Stats) -> Pipeline:
        config = self.configs.for_file(fs_path)
        if config is self.configs.primary:
            return self.pipeline
        known = self.others.get(id(config))
        if known is None:
            built = Pipeline.build(config, large=self.large, engines=self.engines)
            known = self.others[id(config)] = (built, self._disabled(config))
        if known[1] is not None:
            stats.disabled[known[1]] += 1
        return known[0]

    def _disabled(self, config: Config) -> DisabledKey | None:
        rules = tuple(sorted(set(config.disable) - set(self.configs.primary.disable)))
        if not rules:
            return None
        return (os.path.relpath(config.source) if config.source else "configuration", rules)

    def __call__(self, batch: Any) -> tuple[list[Found], Stats]:
        stats = Stats()
        found: list[Found] = []
        held: list[Found] = []  # the last fragment's findings, until we know it was the last
        for item in self.source.read(batch, self.pipeline.max_size):
            if isinstance(item, Skip):
                stats.skipped.append(item)
                continue
            pipeline = self.pipeline_for(item.fs_path, stats)
            findings = scan_fragment(pipeline, item.fragment, item.fs_path, stats)
            if item.fragment.window:
                held = _outside(held, findings)
            found.extend(held)
            held = [(item.tag, finding) for finding in findings] if findings else []
        found.extend(held)
        return found, stats


def _outside(held: list[Found], later: list[Finding]) -> list[Found]:
    """The previous window's findings that the next window of the same file does not find
    again. What sits in the overlap is found twice; a match cut short by the window's end is
    found whole in the next one, at the same start."""
    starts = {(f.line, f.column, f.rule_id) for f in later}
    return [pair for pair in held if (pair[1].line, pair[1].column, pair[1].rule_id) not in starts]


def _results(
    scanner: _Scanner, plan: Plan, jobs: int, progress: bool
) -> Iterator[tuple[list[Found], Stats]]:
    if plan.parallel and jobs > 1:
        scanner.pipeline.engine.compile_all()  # once here, not once per worker
        results = pool.process_pool(scanner, plan.batches, jobs)
    else:
        results = pool.in_process(scanner, plan.batches)
    if not progress:
        return results
    return _with_progress(results)


def _with_progress(results: Iterator[Any]) -> Iterator[Any]:
    import sys

    import click

    with click.progressbar(
        results, label="hex-guard: scanning", file=sys.stderr, length=None
    ) as bar:
        yield from bar


def _known(
    findings: Iterable[Finding], configs: Resolver, baseline: Collection[str], stats: Stats
) -> list[Finding]:
    """The one fingerprint filter: config `ignore` (counted as suppressed, like any allowlist
    entry) and the baseline (counted as baselined). A fingerprint names its path, so the
    ignore lists of every config in the run are one set."""
    ignore: dict[str, int] = {}
    for config in configs.seen():
        for i, fp in enumerate(config.ignore):
            ignore.setdefault(fp, i)
    kept = []
    for finding in findings:
        index = ignore.get(finding.fingerprint)
        if index is not None:
            stats.suppressed += 1
            stats.used[f"ignore[{index}]"] += 1
        elif finding.fingerprint in baseline:
            stats.baselined += 1
        else:
            kept.append(finding)
    return kept


def _confident(findings: list[Finding], floor: Confidence, stats: Stats) -> list[Finding]:
    """The findings at least as sure as `floor`; the rest are counted, like suppressed ones,
    and leave the exit code with the report: asking for high-only means blocking on those."""
    kept = [f for f in findings if f.confidence >= floor]
    stats.below_confidence += len(findings) - len(kept)
    return kept


MAX_JOBS_PER_CPU = 4


def run(
    source: Source,
    config: Config | Resolver,
    jobs: int | None = None,
    *,
    baseline: Collection[str] = (),
    progress: bool = False,
    min_confidence: Confidence | None = None,
) -> ScanResult:
    """Scan `source` under `config` with up to `jobs` processes (default: one per CPU).

    `config` is one Config for every file, or a Resolver: each file under its nearest config.

    `baseline` holds fingerprints already known (reported as baselined, not as findings);
    `progress` draws a progress bar on stderr. `min_confidence` (default: the primary config's
    `min-confidence`) drops less sure findings after the baseline, counting them. The result's
    findings are sorted by path, line, column and rule, and do not depend on `jobs`.
    """
    started = time.perf_counter()
    cpus = os.cpu_count() or 1
    # More workers than this only add forks and memory (`-j 100` on 2 cores): the scan is CPU bound.
    jobs = min(jobs, cpus * MAX_JOBS_PER_CPU) if jobs is not None else cpus
    configs = config if isinstance(config, Resolver) else Resolver.fixed(config)
    config = configs.primary
    scope = Scope(config, configs, jobs, Stats())
    plan = source.plan(scope)
    pipeline = Pipeline.build(config, large=plan.large)
    scanner = _Scanner(source, pipeline, configs, plan.large)
    found: list[Found] = []
    for batch_found, batch_stats in _results(scanner, plan, jobs, progress):
        found.extend(batch_found)
        scope.stats.merge(batch_stats)
    outcome = source.finish(found, scope)
    stats = scope.stats
    reused = _reused(source, found, outcome, scope, pipeline)
    findings = _known([*outcome.findings, *reused], configs, baseline, stats)
    floor = config.min_confidence if min_confidence is None else min_confidence
    findings = _confident(findings, floor, stats)
    stats.duration_s = time.perf_counter() - started
    unused = unused_entries(pipeline, scope.excluder, stats, len(config.ignore))
    ordered = tuple(sorted(findings, key=lambda f: f.sort_key))
    return ScanResult(ordered, stats, tuple(unused), outcome.blobs, pipeline.engine.rules)


def _reused(
    source: Source, found: list[Found], outcome: Outcome, scope: Scope, pipeline: Pipeline
) -> list[Finding]:
    """`secret-reused-across-environments` over the run, through the allowlist and, like every
    finding, then `ignore` and the baseline (issue 13)."""
    if isinstance(source, hygiene.ReuseContext):
        view = source.reuse_view(found, outcome, scope, pipeline)
    else:
        view = hygiene.default_view(outcome)
    kept, suppressed = hygiene.reuse_step(
        view.findings,
        scope.config.disable,
        pipeline.allowlist.reason,
        view.fs_path_of,
        scope.stats.used,
        view.involving,
    )
    scope.stats.suppressed += suppressed
    return kept


def unused_entries(
    pipeline: Pipeline, excluder: PathMatcher, stats: Stats, ignores: int
) -> list[str]:
    """Ignore, allowlist and exclude entries that matched nothing in this scan."""
    keys = [f"ignore[{i}]" for i in range(ignores)] + pipeline.allowlist.entry_keys()
    unused = [k for k in keys if not stats.used[k]]
    return unused + [f"exclude[{i}]" for i, hits in enumerate(excluder.hits) if not hits]
