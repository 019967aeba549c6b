"""Executors: how `scan.run` maps its batch function over a source's batches.

Two implementations, chosen once per run: `in_process` (one job, or a source too small to be
worth a fork) and `process_pool`. The pool hands each worker its function as a process argument
(inherited by fork, pickled by spawn), so no module-global worker state exists; results come
back in batch order whatever the number of workers, so a scan's answer cannot depend on -j.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

from hex_guard.errors import HexGuardError

B = TypeVar("B")
R = TypeVar("R")

# Seconds between checks that every worker is still alive while waiting for a result.
_POLL = 0.5


def in_process(work: Callable[[B], R], batches: Iterable[B]) -> Iterator[R]:
    """Each batch scanned here, in order, as the source produces it."""
    for batch in batches:
        yield work(batch)


class WorkerDied(HexGuardError):
    """A worker process ended without answering (killed, out of memory)."""

    exit_code = 3


# Exit code of a worker that could not start its result queue's feeder thread.
_NO_THREAD = 75
# The task the parent puts before forking, to start its own feeder thread; workers skip it.
_PROBE = (-1, None)


def _worker(work: Callable[[Any], Any], tasks: Any, results: Any, known: list[Any] | None) -> None:
    # Ctrl-C in a terminal signals the whole process group: only the parent handles it (and
    # terminates the workers), so no worker prints a traceback or dies mid-handover.
    import os
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        results.put(_PROBE)  # starts this worker's feeder thread before it takes any task
    except RuntimeError:  # "can't start new thread": a process limit reached
        os._exit(_NO_THREAD)
    for index, batch in iter(tasks.get, None):
        if index < 0:
            continue
        if known is not None:
            batch = known[index]
        try:
            results.put((index, True, work(batch)))
        except BaseException as exc:  # handed to the parent, which re-raises it
            results.put((index, False, _picklable(exc)))
            return


def _picklable(exc: BaseException) -> BaseException:
    import pickle

    try:
        pickle.dumps(exc)
    except Exception:
        return RuntimeError(f"{type(exc).__name__} in a worker process")
    return exc


_FORK = sys.platform.startswith("linux")


class _Pool(Generic[B, R]):
    def __init__(self, work: Callable[[B], R], jobs: int, known: list[B] | None = None) -> None:
        """`known`: every batch, when they are all known before the workers start and fork
        hands them to the workers; the tasks then carry only each batch's index."""
        import multiprocessing

        context: Any = multiprocessing.get_context("fork" if _FORK else "spawn")
        self.known = known
        # A Queue (not SimpleQueue): its feeder thread means putting a batch never blocks the
        # source, which may be parsing git's output meanwhile.
        self.tasks: Any = context.Queue()
        self.results: Any = context.Queue()
        self.workers: list[Any] = []
        self.done: dict[int, R] = {}
        # Why not every worker could start (EAGAIN from fork or "can't start new thread" under
        # `ulimit -u` or a container's pids limit, ENOMEM): the run goes on with the workers
        # that did, or in process, never exit 3. Parent and workers each need a feeder thread,
        # so each side starts its own before any task is sent, where a failure costs nothing.
        self.start_error: str | None = None
        try:
            self.tasks.put(_PROBE)
        except RuntimeError as exc:
            self.start_error = str(exc)
            self.tasks.cancel_join_thread()  # its thread never started: nothing to join
            return
        for _ in range(jobs):
            worker = context.Process(
                target=_worker, args=(work, self.tasks, self.results, known), daemon=True
            )
            try:
                worker.start()
            except OSError as exc:
                self.start_error = exc.strerror or type(exc).__name__
                break
            self.workers.append(worker)
        self._await_ready()

    def _await_ready(self) -> None:
        """Wait for each worker's probe; drop those that could not start their thread."""
        import queue

        ready = 0
        while ready < len(self.workers):
            try:
                self.results.get(True, _POLL)  # only probes can come before the first task
                ready += 1
            except queue.Empty:
                self._drop_threadless()

    def _drop_threadless(self) -> None:
        for worker in [w for w in self.workers if w.exitcode is not None]:
            if worker.exitcode != _NO_THREAD:
                raise WorkerDied(f"a worker process died (exit code {worker.exitcode})")
            worker.join()
            worker.close()
            self.workers.remove(worker)
            self.start_error = self.start_error or "cannot start a thread"

    def _take(self, block: bool) -> bool:
        """Receive one result; False when none came (non-blocking) in time."""
        import queue

        try:
            index, ok, value = self.results.get(block, _POLL if block else None)
        except queue.Empty:
            if block:
                self._check_alive()
            return False
        if not ok:
            raise value
        self.done[index] = value
        return True

    def _check_alive(self) -> None:
        for worker in self.workers:
            if worker.exitcode not in (None, 0):
                raise WorkerDied(f"a worker process died (exit code {worker.exitcode})")

    def map(self, batches: Iterable[B]) -> Iterator[R]:
        sent = 0
        emitted = 0
        for batch in batches:
            self.tasks.put((sent, None if self.known is not None else batch))
            sent += 1
            # Take what is ready while the source is still producing (history streams batches
            # while git log walks), so workers never block on a full result pipe.
            while self._take(block=False):
                pass
            while emitted in self.done:
                yield self.done.pop(emitted)
                emitted += 1
        for _ in self.workers:
            self.tasks.put(None)
        while emitted < sent:
            while emitted not in self.done:
                self._take(block=True)
            yield self.done.pop(emitted)
            emitted += 1

    def close(self, failed: bool) -> None:
        if failed:
            for worker in self.workers:
                worker.terminate()
            # Batches nobody will read must not keep the feeder thread (and us) waiting.
            self.tasks.cancel_join_thread()
        for worker in self.workers:
            worker.join()
            worker.close()
        for channel in (self.tasks, self.results):
            channel.close()
            channel.join_thread()


def process_pool(work: Callable[[B], R], batches: Iterable[B], jobs: int) -> Iterator[R]:
    """Each batch scanned by one of `jobs` worker processes; results in batch order."""
    # Batches listed before the pool starts are inherited through fork, not pickled through the
    # task queue and unpickled in a worker: for a tree scan, 14,000 targets (~35 ms of CPU).
    known = batches if _FORK and isinstance(batches, list) else None
    jobs = min(jobs, len(known)) if known else jobs
    pool: _Pool[B, R] = _Pool(work, jobs, known)
    if pool.start_error is not None:
        _note_fewer_workers(len(pool.workers), jobs, pool.start_error)
        if not pool.workers:
            pool.close(failed=False)
            yield from in_process(work, batches)
            return
    failed = True
    try:
        yield from pool.map(batches)
        failed = False
    finally:
        pool.close(failed)


def _note_fewer_workers(started: int, asked: int, reason: str) -> None:
    from hex_guard.output import say

    how = f"with {started} of {asked}" if started else f"in this process instead of {asked}"
    say(f"hex-guard: note: cannot start worker processes ({reason}); scanning {how} workers\n")
