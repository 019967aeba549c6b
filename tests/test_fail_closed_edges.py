"""Fail closed where the earlier fail-closed tests did not reach: an error raised inside a pool
worker, and a report written in place onto a device that is full."""

from __future__ import annotations

from pathlib import Path

import pytest

from hex_guard.main import main
from tests.gitrepo import TOKEN, write

REDOS_RULE = (
    "[[tool.hex-guard.rules]]\nid = 'redos'\nregex = '(?P<secret>(a|aa)+c)'\nkeywords = ['aaaa']\n"
)


@pytest.mark.slow
def test_an_error_in_a_pool_worker_fails_the_scan_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from hex_guard import detect, sources

    # Forked workers inherit both: a pool for a few files, and a short regex time bound.
    monkeypatch.setattr(sources, "PARALLEL_MIN_FILES", 4)
    monkeypatch.setattr(detect, "USER_REGEX_TIMEOUT", 0.2)
    write(tmp_path / "pyproject.toml", REDOS_RULE)
    for i in range(8):
        write(tmp_path / f"data{i}.txt", "a" * 60 + "\n")
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "-j", "2", "."]) == 2
    err = capsys.readouterr().err
    assert "rule 'redos'" in err and "simplify its regex" in err
    assert "Traceback" not in err and "internal error" not in err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
def test_a_report_onto_a_full_device_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A device is written in place (never replaced): its write error must still fail the run.
    write(tmp_path / "app.py", f"T = '{TOKEN}'\n")
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "app.py", "--format", "json", "-o", "/dev/full"]) == 2
    err = capsys.readouterr().err
    assert (
        err.strip() == "hex-guard: error: cannot write report to /dev/full: No space left on device"
    )


def _pool_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: int = 8) -> None:
    from hex_guard import sources

    monkeypatch.setattr(sources, "PARALLEL_MIN_FILES", 4)
    for i in range(files):
        write(tmp_path / f"f{i}.txt", f"T = '{TOKEN}'\n" if i == 5 else "x\n")
    monkeypatch.chdir(tmp_path)


def _limit_starts(monkeypatch: pytest.MonkeyPatch, allowed: int) -> list[int]:
    """Process.start fails as fork does under `ulimit -u` once `allowed` workers run."""
    import multiprocessing.process

    real = multiprocessing.process.BaseProcess.start
    started = [0]

    def start(self: multiprocessing.process.BaseProcess) -> None:
        if started[0] >= allowed:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        started[0] += 1
        real(self)

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", start)
    return started


@pytest.mark.parametrize(
    ("allowed", "note"),
    [(0, "in this process"), (1, "with 1 of 4 workers"), (3, "with 3 of 4 workers")],
)
def test_workers_that_cannot_start_fall_back_never_exit_3(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    allowed: int,
    note: str,
) -> None:
    # Red team repro 15: `scan -j 100` under `ulimit -u 40` ended "internal error:
    # BlockingIOError at popen_fork.py:66" (exit 3).
    _pool_tree(tmp_path, monkeypatch)
    _limit_starts(monkeypatch, allowed)
    assert main(["scan", "-j", "4", "."]) == 1
    out, err = capsys.readouterr()
    assert "internal error" not in err and "Traceback" not in err
    assert "note: cannot start worker processes (Resource temporarily unavailable)" in err
    assert note in err and "f5.txt" in out


@pytest.mark.parametrize("parent_threads", [0, 1])
def test_feeder_threads_that_cannot_start_fall_back_never_exit_3(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    parent_threads: int,
) -> None:
    # Under a process limit every worker forked but a queue's feeder thread (a task too) did
    # not start: "internal error: RuntimeError at threading.py" (exit 3). Forked workers
    # inherit the patch, so with parent_threads=1 only the workers' threads fail.
    import threading

    real = threading.Thread.start
    started = [0]

    def start(self: threading.Thread) -> None:
        if started[0] >= parent_threads:
            raise RuntimeError("can't start new thread")
        started[0] += 1
        real(self)

    _pool_tree(tmp_path, monkeypatch)
    monkeypatch.setattr(threading.Thread, "start", start)
    assert main(["scan", "-j", "2", "."]) == 1
    out, err = capsys.readouterr()
    assert "internal error" not in err and "Traceback" not in err
    assert "note: cannot start worker processes" in err and "in this process" in err
    assert "f5.txt" in out


def test_jobs_are_clamped_to_the_cpus_and_the_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    _pool_tree(tmp_path, monkeypatch, files=6)
    started = _limit_starts(monkeypatch, 10_000)
    assert main(["scan", "-q", "-j", "1000", "."]) == 1
    assert 2 <= started[0] <= min(6, 4 * (os.cpu_count() or 1))
