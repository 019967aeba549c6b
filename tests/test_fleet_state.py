"""The fleet's atomic writes under an interrupt that lands between the rename and the clean-up."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest

from hex_guard.fleet import state


def test_interrupt_after_the_rename_stays_an_interrupt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_replace = os.replace

    def replace_then_interrupt(src: str, dst: str) -> None:
        real_replace(src, dst)
        raise KeyboardInterrupt  # Ctrl-C right after the rename

    monkeypatch.setattr(state.os, "replace", replace_then_interrupt)
    target = tmp_path / "repo.json"
    with pytest.raises(KeyboardInterrupt):
        state.write_atomic(str(target), "{}")
    assert target.read_text() == "{}"
    assert [p.name for p in tmp_path.iterdir()] == ["repo.json"]


def test_interrupt_before_the_rename_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupt(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(state.os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        state.write_atomic(str(tmp_path / "repo.json"), "{}")
    assert list(tmp_path.iterdir()) == []


def test_a_real_ctrl_c_during_a_write_lands_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real SIGINT in the middle of the write: the new version is in place, no temporary is
    left, and the interrupt is raised once the write is done. A second thread is alive, as in a
    fleet run (a pool's management thread): the kernel may hand it the signal."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    real_fsync = os.fsync

    def fsync_under_ctrl_c(fd: int) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        real_fsync(fd)

    monkeypatch.setattr(state.os, "fsync", fsync_under_ctrl_c)
    target = tmp_path / "repo.json"
    target.write_text("old")
    try:
        with pytest.raises(KeyboardInterrupt):
            state.write_atomic(str(target), "new")
    finally:
        stop.set()
        other.join()
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["repo.json"]
