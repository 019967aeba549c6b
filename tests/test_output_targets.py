"""Report targets that are not regular files: a device must be written to, never replaced, and a
symlink's target is replaced rather than the link (the all-or-nothing rename is for files)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from hex_guard import output


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_report_to_a_device_keeps_the_device(tmp_path: Path) -> None:
    # A null device of our own: the bug this guards against (a rename over the target) turned
    # the machine's /dev/null into a regular file when run as root.
    node = tmp_path / "null"
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    output.write_reports([("{}\n", str(node))])
    assert stat.S_ISCHR(os.lstat(node).st_mode)
    assert os.listdir(tmp_path) == ["null"]


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
