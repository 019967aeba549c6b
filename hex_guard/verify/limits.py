"""Bounds on verification: checks in flight, checks started per second, time per check.

Workers are daemon threads so that Ctrl-C ends the process at once: a check blocked in a
driver's connect is abandoned, not waited for.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# A check that overruns its own timeout by this much is given up on by the dispatcher.
GRACE_S = 2.0


class RateLimiter:
    """At most `rate` starts per second, spaced evenly, shared by every worker."""

    def __init__(self, rate: float) -> None:
        self._interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def acquire(self) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self._interval
        if start > now:
            time.sleep(start - now)


def run_bounded(
    items: Sequence[T],
    work: Callable[[T], R],
    *,
    concurrency: int,
    rate: float,
    timeout: float,
    on_overrun: Callable[[T], R],
    on_done: Callable[[int, int], None] | None = None,
) -> list[R]:
    """`work(item)` for every item, in at most `concurrency` threads; results in input order.

    An item whose work runs past `timeout + GRACE_S` gets `on_overrun(item)` instead.
    """
    results: dict[int, R] = {}
    started: dict[int, float] = {}
    todo: queue.Queue[int] = queue.Queue()
    for i in range(len(items)):
        todo.put(i)
    lock = threading.Lock()
    done = threading.Event()
    limiter = RateLimiter(rate)

    def worker() -> None:
        while True:
            try:
                i = todo.get_nowait()
            except queue.Empty:
                return
            limiter.acquire()
            with lock:
                started[i] = time.monotonic()
            result = work(items[i])
            with lock:
                results.setdefault(i, result)
                if len(results) == len(items):
                    done.set()

    if not items:
        return []
    for _ in range(max(1, min(concurrency, len(items)))):
        threading.Thread(target=worker, daemon=True, name="hex-guard-verify").start()
    reported = -1
    while not done.wait(0.05):
        with lock:
            now = time.monotonic()
            for i, t0 in started.items():
                if i not in results and now - t0 > timeout + GRACE_S:
                    results[i] = on_overrun(items[i])
            count = len(results)
            if count == len(items):
                break
        if on_done is not None and count != reported:
            on_done(count, len(items))
            reported = count
    if on_done is not None:
        on_done(len(items), len(items))
    return [results[i] for i in range(len(items))]
