"""Reports written to a device or a FIFO go into it; the file itself is never replaced.

Run as root, `hex-guard scan -o /dev/null` (what the benchmarks do) used to os.replace the
machine's null device with a regular file: every later write to /dev/null by another user failed.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

from hex_guard.output import write_reports


def test_report_into_a_fifo_keeps_the_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    write_reports([("report\n", str(fifo))])
    reader.join(10)
    assert received == [b"report\n"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]  # no temporary left beside it

