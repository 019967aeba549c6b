"""One repository's work, run inside a worker (a local process or a Dask worker): bring the
mirror up to date (or read a local repository in place), scan its history, and send back
findings already rendered for the report.

Findings leave the worker redacted unless --show-secrets was given: a Dask result crosses the
network, and a full secret must not travel where the user did not ask it to.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from hex_guard import git
from hex_guard.config import Config
from hex_guard.errors import HexGuardError
from hex_guard.fleet.repos import Repo
from hex_guard.report import ReportOptions
from hex_guard.scan import ScanResult


@dataclass(frozen=True)
class RepoTask:
    repo: Repo
    cache_dir: str
    config: Config
    show_secrets: bool = False
    # Blob ids scanned by an earlier completed run: scanned again only with --full.
    skip_blobs: frozenset[str] = field(default=frozenset(), repr=False)
    # The refs' digest after that run (incremental runs only): unchanged, nothing is new.
    known_tips: str | None = None


@dataclass(frozen=True)
class RepoOutcome:
    repo: Repo
    error: str | None = None
    findings: tuple[dict[str, Any], ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()
    # Every blob this run scanned (with the skipped ones: what the next run may skip).
    scanned_blobs: frozenset[str] = field(default=frozenset(), repr=False)
    blobs_scanned: int = 0
    bytes_scanned: int = 0
    fetch_s: float = 0.0
    scan_s: float = 0.0
    tips: str | None = None


def run_repository(task: RepoTask) -> RepoOutcome:
    """Never raises for a repository's own trouble: a clone that fails, a shallow history or a
    missing object is this repository's error, and the fleet goes on."""
    started = time.perf_counter()
    try:
        root = _prepare(task)
        tips = hashlib.sha256(git.ref_tips(root)).hexdigest()
        fetched = time.perf_counter()
        if tips == task.known_tips:  # no ref moved since the last run: not even a log walk
            return RepoOutcome(task.repo, fetch_s=fetched - started, tips=tips)
        config = dataclasses.replace(task.config, base_dir=root)
        result, scanned = scan_repository(root, config, task.skip_blobs)
    except HexGuardError as exc:
        return RepoOutcome(task.repo, error=_scrub(str(exc), task.repo))
    except OSError as exc:
        return RepoOutcome(task.repo, error=_scrub(f"{exc.strerror}: {exc.filename}", task.repo))
    except Exception as exc:  # a bug must not sink the fleet; its message may quote content
        return RepoOutcome(task.repo, error=f"internal error: {type(exc).__name__}")
    outcome = _outcome(task, result, scanned, fetched - started, time.perf_counter() - fetched)
    return dataclasses.replace(outcome, tips=tips)


def scan_repository(
    root: str, config: Config, skip_blobs: frozenset[str]
) -> tuple[ScanResult, frozenset[str]]:
    """The history scan of every ref, and the blob ids it scanned. The one place the fleet
    meets the history source."""
    from hex_guard import history, scan

    source = history.History(["--all"], root, skip_blobs=skip_blobs)
    result = scan.run(source, config, 1)
    return result, result.blobs


def _outcome(
    task: RepoTask, result: ScanResult, scanned: frozenset[str], fetch_s: float, scan_s: float
) -> RepoOutcome:
    from hex_guard.report.json import finding_dict

    options = ReportOptions(show_secrets=task.show_secrets)
    findings = tuple(
        {**finding_dict(f, options), "repository": task.repo.id} for f in result.findings
    )
    stats = result.stats
    return RepoOutcome(
        task.repo,
        findings=findings,
        skipped=tuple((s.display_path, s.text) for s in stats.skipped),
        scanned_blobs=scanned,
        blobs_scanned=stats.files_scanned,
        bytes_scanned=stats.bytes_scanned,
        fetch_s=fetch_s,
        scan_s=scan_s,
    )


def _prepare(task: RepoTask) -> str:
    """The directory history is read from: the mirror, fetched or cloned, or the local path."""
    repo = task.repo
    if not repo.is_url:
        return _local_root(repo.location)
    mirror = os.path.join(os.path.abspath(task.cache_dir), f"{repo.id}.git")
    if os.path.isdir(mirror):
        git.fetch_mirror(mirror)
        return mirror
    os.makedirs(task.cache_dir, exist_ok=True)
    # Cloned aside and renamed into place: an interrupted clone never passes for a mirror.
    partial = f"{mirror}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    git.clone_mirror(repo.location, partial)
    os.replace(partial, mirror)
    return mirror


def _local_root(path: str) -> str:
    if not os.path.isdir(path):
        raise HexGuardError(f"{path}: no such directory")
    root = git.history_root(path)
    if os.path.realpath(root) != os.path.realpath(path):
        # git looks upwards: a plain directory inside some repository is not that repository.
        raise HexGuardError(f"{path} is not a repository's top level (git found {root})")
    return root


def _scrub(message: str, repo: Repo) -> str:
    """A clone URL may embed a token, and git may echo the URL in its error."""
    if repo.is_url:
        message = message.replace(repo.location, repo.source)
        password = urlsplit(repo.location).password if "://" in repo.location else None
        if password:
            message = message.replace(password, "***")
    return message
