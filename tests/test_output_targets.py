"""Report targets that are not regular files: a device must be written to, never replaced, and a
symlink's target is replaced rather than the link (the all-or-nothing rename is for files)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from hex_guard import output


@pytest.fixture
def dev_null_guard() -> object:
    # If the rename bug came back while running as root, /dev/null would turn into a regular
    # file and break every later subprocess on the machine: put the device back either way.
    yield None
    mode = os.lstat(os.devnull).st_mode
    if not stat.S_ISCHR(mode) and os.geteuid() == 0:
        os.unlink(os.devnull)
        os.mknod(os.devnull, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        pytest.fail("writing a report to /dev/null replaced the device node")


def test_report_to_dev_null_keeps_the_device(dev_null_guard: object) -> None:
    output.write_reports([("{}\n", os.devnull)])
    assert stat.S_ISCHR(os.lstat(os.devnull).st_mode)
    assert not [n for n in os.listdir("/dev") if n.startswith(".null.")]


def test_report_to_a_fifo_is_written_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        output.write_reports([("report\n", str(fifo))])
        assert os.read(reader, 100) == b"report\n"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_report_through_a_symlink_replaces_its_target_not_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    output.write_reports([("new", str(link))])
    assert link.is_symlink()
    assert real.read_text() == "new"
