"""What a fleet run keeps between runs, under OUTDIR/.hex-guard/: per repository the blobs
already scanned (so a nightly run scans only new ones), and a journal that lets an interrupted
run resume where it stopped.

Every file is written atomically (a temporary file in the same directory, then `os.replace`),
so a crash or Ctrl-C leaves the previous version or the new one, never half of either. Ctrl-C
is held back for the few milliseconds of a write, so it cannot strand the temporary file either. A
repository's report is written before its state: a crash between the two costs a rescan, never
a blob marked scanned whose findings were not recorded.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import tempfile
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from hex_guard import __version__
from hex_guard.config import Config

STATE_DIR = ".hex-guard"


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Ctrl-C that arrives meanwhile is recorded and raised when the block ends. An interrupt
    landing inside `mkstemp`, or between it and the clean-up below, left a `.tmp-*` file behind
    (seen in CI under coverage's tracer). A Python-level handler, not a signal mask: the kernel
    hands a process's signal to any thread not masking it (a pool's management thread), and
    Python then raises in the main thread all the same."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread can set handlers, and only it receives KeyboardInterrupt
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught and callable(previous):
            previous(signal.SIGINT, None)  # Python's default handler raises KeyboardInterrupt
        elif caught and previous == signal.SIG_DFL:
            raise KeyboardInterrupt


def write_atomic(path: str, text: str) -> None:
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    with _interrupts_held():
        _write_atomic(directory, path, text)


def _write_atomic(directory: str, path: str, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        # A Ctrl-C can land after the rename: then there is no temporary left to remove, and
        # a FileNotFoundError here would mask the interrupt as an internal error.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def read_json(path: str) -> Any | None:
    """The document at `path`, or None when it is missing or unreadable (then: rescan)."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def config_key(config: Config, show_secrets: bool) -> str:
    """Changes whenever what a scan finds could change: version, rules, allowlists, limits,
    redaction. Blobs scanned under another key are scanned again."""
    rules = [
        (
            r.id,
            r.pattern,
            r.keywords,
            r.paths,
            r.decoded_by,
            r.multiline,
            r.gate,
            r.gate_widens,
            r.min_entropy,
            r.check_placeholder,
            str(r.severity),
            str(r.confidence),
            bool(r.validate),
        )
        for r in config.rules()
    ]
    allowlists = [
        (
            e.description,
            sorted(e.rules) if e.rules is not None else None,
            e.paths,
            e.values,
            e.stopwords,
        )
        for e in config.allowlists
    ]
    material = [
        __version__,
        rules,
        allowlists,
        config.exclude,
        config.max_file_size,
        config.disable,
        config.allow,
        config.stopwords,
        config.ignore,
        config.inline_markers,
        # Findings below it are not kept: lowering it must rescan, not trust the old blobs.
        str(config.min_confidence),
        show_secrets,
    ]
    return hashlib.sha256(json.dumps(material).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class RepoState:
    config_key: str
    run_id: str
    blobs: frozenset[str]
    # Digest of every ref and HEAD after that run: unchanged, the history is the same.
    tips: str | None = None


class Store:
    """OUTDIR's reports and OUTDIR/.hex-guard's state files."""

    def __init__(self, out_dir: str) -> None:
        self.out_dir = os.path.abspath(out_dir)
        self.state_dir = os.path.join(self.out_dir, STATE_DIR)

    def report_path(self, repo_id: str) -> str:
        return os.path.join(self.out_dir, f"{repo_id}.json")

    def _state_path(self, repo_id: str) -> str:
        return os.path.join(self.state_dir, "repos", f"{repo_id}.json")

    def load_report(self, repo_id: str) -> dict[str, Any] | None:
        document = read_json(self.report_path(repo_id))
        return document if isinstance(document, dict) else None

    def write_report(self, repo_id: str, document: dict[str, Any]) -> None:
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        write_atomic(self.report_path(repo_id), text)

    def load_state(self, repo_id: str) -> RepoState | None:
        data: Any = read_json(self._state_path(repo_id))
        try:
            blobs = frozenset(data["blobs"])
            return RepoState(data["config_key"], data["run_id"], blobs, data.get("tips"))
        except (TypeError, KeyError):
            return None

    def write_state(self, repo_id: str, state: RepoState) -> None:
        data = {
            "config_key": state.config_key,
            "run_id": state.run_id,
            "blobs": sorted(state.blobs),
            "tips": state.tips,
        }
        write_atomic(self._state_path(repo_id), json.dumps(data) + "\n")

    # --- the run journal: {"run_id": ..., "finished": bool} ---

    def _journal_path(self) -> str:
        return os.path.join(self.state_dir, "run.json")

    def begin_run(self, resume: bool) -> tuple[str, bool]:
        """(run id, resuming): an unfinished previous run is resumed unless `resume` is False."""
        journal = read_json(self._journal_path())
        if isinstance(journal, dict) and resume and journal.get("finished") is False:
            return str(journal["run_id"]), True
        run_id = uuid.uuid4().hex
        write_atomic(self._journal_path(), json.dumps({"run_id": run_id, "finished": False}))
        return run_id, False

    def finish_run(self, run_id: str) -> None:
        write_atomic(self._journal_path(), json.dumps({"run_id": run_id, "finished": True}))

    def default_cache(self) -> str:
        return os.path.join(self.state_dir, "mirrors")
