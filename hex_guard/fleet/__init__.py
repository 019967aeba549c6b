"""`hex-guard fleet`: the history scan of many repositories, on a local process pool or a Dask
cluster, with a report per repository, a merged report, and incremental, resumable runs.

The parent owns OUTDIR (reports, state, journal); workers own only their mirror cache and send
back redacted findings. Each repository is one task; a failing one is recorded and the rest go
on. Exit code: 2 if any repository failed, else 1 if any has findings, else 0; 130 when
interrupted (the next run resumes).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from hex_guard.config import Config
from hex_guard.errors import EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE
from hex_guard.fleet import report
from hex_guard.fleet.repos import Repo
from hex_guard.fleet.state import RepoState, Store, config_key
from hex_guard.fleet.task import RepoOutcome, RepoTask

FORMATS = report.FORMATS
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class FleetOptions:
    repos_file: str
    out_dir: str
    config_path: str | None = None
    fmt: str = "text"
    report_path: str | None = None
    scheduler: str | None = None
    workers: int | None = None
    cache_dir: str | None = None
    full: bool = False
    show_secrets: bool = False
    quiet: bool = False


@dataclass(frozen=True)
class _Planned:
    task: RepoTask
    previous: dict[str, Any] | None
    incremental: bool


def load_config(path: str | None) -> Config:
    """--config FILE for every repository, else the built-in defaults. A repository's own
    [tool.hex-guard] is not read: an organisation-wide audit must not let a repository
    exclude itself."""
    from hex_guard import config as config_module

    return config_module.load(path, os.getcwd()) if path else Config()


def run_fleet(options: FleetOptions) -> int:
    from hex_guard.fleet import repos as repos_module

    repos = repos_module.load(options.repos_file)
    config = load_config(options.config_path)
    store = Store(options.out_dir)
    run_id, resuming = store.begin_run(resume=not options.full)
    key = config_key(config, options.show_secrets)
    cache = options.cache_dir or store.default_cache()
    documents: dict[str, dict[str, Any]] = {}
    statuses: dict[str, str] = {}
    plans: list[_Planned] = []
    for repo in repos:
        state, previous = store.load_state(repo.id), store.load_report(repo.id)
        valid = state is not None and state.config_key == key and previous is not None
        if resuming and valid and state is not None and state.run_id == run_id:
            assert previous is not None
            documents[repo.id], statuses[repo.id] = previous, "resumed"
            continue
        incremental = valid and not options.full
        skip = state.blobs if incremental and state is not None else frozenset()
        tips = state.tips if incremental and state is not None else None
        task = RepoTask(repo, cache, config, options.show_secrets, skip, tips)
        plans.append(_Planned(task, previous, incremental))
    progress = _Progress(len(repos), documents.values(), not options.quiet and sys.stderr.isatty())
    try:
        _execute(plans, options, store, key, run_id, documents, statuses, progress)
    except KeyboardInterrupt:
        progress.clear()
        sys.stderr.write(
            f"hex-guard fleet: interrupted; {len(documents)} of {len(repos)} repositories done. "
            "Run the same command again to resume.\n"
        )
        return EXIT_INTERRUPTED
    progress.clear()
    store.finish_run(run_id)
    ordered = [documents[r.id] for r in repos]
    _write_report(report.render(options.fmt, ordered, config.rules()), options.report_path)
    if not options.quiet:
        rows = [(r, statuses[r.id], documents[r.id]) for r in repos]
        sys.stderr.write(report.summary(rows))
    return _exit_code(ordered)


def _execute(
    plans: Sequence[_Planned],
    options: FleetOptions,
    store: Store,
    key: str,
    run_id: str,
    documents: dict[str, dict[str, Any]],
    statuses: dict[str, str],
    progress: _Progress,
) -> None:
    if not plans:
        return
    from hex_guard.fleet.executor import open_executor

    workers = options.workers or os.cpu_count() or 1
    executor = open_executor(options.scheduler, min(workers, len(plans)))
    futures = {executor.submit(p.task): p for p in plans}
    try:
        for future in executor.as_completed(futures):
            plan = futures.pop(future)
            outcome = _outcome_of(future, plan.task.repo)
            document = report.repo_document(outcome, plan.previous, plan.incremental)
            store.write_report(outcome.repo.id, document)
            if outcome.error is None:
                blobs = plan.task.skip_blobs | outcome.scanned_blobs
                state = RepoState(key, run_id, blobs, outcome.tips)
                store.write_state(outcome.repo.id, state)
            documents[outcome.repo.id] = document
            statuses[outcome.repo.id] = document["status"]
            progress.update(document)
    except BaseException:
        executor.abort(futures)
        raise
    executor.close()


def _outcome_of(future: Any, repo: Repo) -> RepoOutcome:
    try:
        outcome: RepoOutcome = future.result()
    except Exception as exc:  # the worker itself died (killed, out of memory)
        return RepoOutcome(repo, error=f"worker failed: {type(exc).__name__}")
    return outcome


def _write_report(text: str, path: str | None) -> None:
    from hex_guard.errors import HexGuardError

    if path is None or path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        with open(path, "w", encoding="utf-8", errors="backslashreplace") as handle:
            handle.write(text)
    except OSError as exc:
        raise HexGuardError(f"cannot write report to {path}: {exc.strerror}") from exc


def _exit_code(documents: Sequence[dict[str, Any]]) -> int:
    if any(d["status"] == "failed" for d in documents):
        return EXIT_USAGE
    return EXIT_FINDINGS if any(d["findings"] for d in documents) else EXIT_CLEAN


class _Progress:
    """`12/100 repositories, 1 failed, 7 finding(s)` on one rewritten line, on a TTY only."""

    def __init__(self, total: int, resumed: Iterable[dict[str, Any]], enabled: bool) -> None:
        self.total, self.enabled = total, enabled
        self.done = self.failed = self.findings = 0
        for document in resumed:
            self.done += 1
            self.findings += len(document["findings"])
        self._show()

    def update(self, document: dict[str, Any]) -> None:
        self.done += 1
        self.failed += document["status"] == "failed"
        self.findings += len(document["findings"])
        self._show()

    def _show(self) -> None:
        if self.enabled:
            sys.stderr.write(
                f"\r\033[Khex-guard fleet: {self.done}/{self.total} repositories, "
                f"{self.failed} failed, {self.findings} finding(s)"
            )
            sys.stderr.flush()

    def clear(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
