"""Where repository tasks run: a local process pool, or an existing Dask distributed cluster.

Both hand back futures as they finish, so results stream into the reports while the rest run.
Dask is the engine for more than one machine because hex-guard is Python: its workers import
the same package, pickle the same task records and need no service of ours (no queue, no RPC).
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from typing import Any, Protocol

from hex_guard.errors import HexGuardError
from hex_guard.fleet.task import RepoOutcome, RepoTask, run_repository


class Executor(Protocol):
    def submit(self, task: RepoTask) -> Any: ...

    def as_completed(self, futures: Iterable[Any]) -> Iterator[Any]: ...

    def close(self) -> None: ...

    def abort(self, futures: Iterable[Any]) -> None: ...


def _ignore_interrupt() -> None:
    # Ctrl-C reaches every process in the terminal's group. The parent decides what stops; the
    # workers' git children still die of it (a Python handler does not survive exec).
    signal.signal(signal.SIGINT, lambda _signum, _frame: None)


class LocalPool:
    def __init__(self, workers: int) -> None:
        method = "fork" if sys.platform.startswith("linux") else "spawn"
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context(method),
            initializer=_ignore_interrupt,
        )

    def submit(self, task: RepoTask) -> Future[RepoOutcome]:
        return self._pool.submit(run_repository, task)

    def as_completed(self, futures: Iterable[Any]) -> Iterator[Any]:
        return as_completed(list(futures))

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    def abort(self, futures: Iterable[Any]) -> None:
        """Cancel what has not started and stop what has: an interrupted repository leaves no
        report and no state, so the next run does it again."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        children = multiprocessing.active_children()
        for child in children:
            child.terminate()
        for child in children:
            child.join(5)
            if child.is_alive():
                child.kill()


class DaskCluster:
    """Tasks on an existing cluster; the workers need hex-guard installed, the client (this
    process) keeps OUTDIR, so reports and state never depend on a shared file system."""

    def __init__(self, address: str) -> None:
        import importlib

        try:
            # Typed as Any: distributed ships no type information for its client API.
            self._dask: Any = importlib.import_module("distributed")
        except ImportError as exc:
            raise HexGuardError("--scheduler needs Dask: pip install 'hex-guard[fleet]'") from exc
        try:
            self._client: Any = self._dask.Client(address, set_as_default=False, timeout=30)
        except OSError as exc:
            raise HexGuardError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc

    def submit(self, task: RepoTask) -> Any:
        import uuid

        # Unique per run: two fleet runs sharing a scheduler must not share results.
        key = f"hex-guard-fleet-{task.repo.id}-{uuid.uuid4().hex[:8]}"
        return self._client.submit(run_repository, task, key=key, pure=False)

    def as_completed(self, futures: Iterable[Any]) -> Iterator[Any]:
        return iter(self._dask.as_completed(list(futures), loop=self._client.loop))

    def close(self) -> None:
        self._client.close()

    def abort(self, futures: Iterable[Any]) -> None:
        self._client.cancel(list(futures))
        self._client.close()


def open_executor(scheduler: str | None, workers: int) -> Executor:
    return DaskCluster(scheduler) if scheduler else LocalPool(workers)
