"""Colour: the flag, NO_COLOR, FORCE_COLOR/CLICOLOR_FORCE, TERM=dumb, and stdout alike for -o -."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from hex_guard.color import use_color
from tests.conftest import write

TOKEN = "hxtw_" + "0123456789abcdef" * 6
ESC = "\x1b["


@pytest.mark.parametrize(
    ("mode", "tty", "env", "expected"),
    [
        ("auto", True, {}, True),
        ("auto", False, {}, False),
        ("auto", True, {"NO_COLOR": ""}, True),  # empty NO_COLOR is unset (no-color.org)
        ("auto", True, {"NO_COLOR": "0"}, False),  # any non-empty value, even 0
        ("auto", False, {"FORCE_COLOR": "1"}, True),
        ("auto", False, {"FORCE_COLOR": ""}, False),
        ("auto", False, {"CLICOLOR_FORCE": "1"}, True),
        ("auto", False, {"CLICOLOR_FORCE": "0"}, False),
        ("auto", True, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
        ("auto", True, {"TERM": "dumb"}, False),
        ("auto", False, {"TERM": "dumb", "FORCE_COLOR": "1"}, True),
        ("always", False, {"NO_COLOR": "1"}, True),
        ("never", True, {"FORCE_COLOR": "1"}, False),
    ],
)
def test_color_decision(mode: str, tty: bool, env: dict[str, str], expected: bool) -> None:
    assert use_color(mode, tty, env) is expected


def _run_on_pty(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """hex-guard with stdout on a real pseudo-terminal; returns what the terminal received."""
    leader, follower = pty.openpty()
    clean = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "hex_guard", *args],
        cwd=cwd,
        stdout=follower,
        stderr=subprocess.DEVNULL,
        env={**clean, "TERM": "xterm", **env},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait()
    os.close(leader)
    return b"".join(chunks).decode()


@pytest.mark.parametrize(
    ("args", "env", "coloured"),
    [
        (["scan", "app.py"], {}, True),
        (["scan", "app.py", "-o", "-"], {}, True),  # -o - is stdout, like text=-
        (["scan", "app.py", "--output-format", "text=-"], {}, True),
        (["scan", "app.py"], {"NO_COLOR": "1"}, False),
        (["scan", "app.py"], {"NO_COLOR": ""}, True),
        (["scan", "app.py"], {"TERM": "dumb"}, False),
        (["scan", "app.py", "--color", "never"], {}, False),
    ],
)
def test_terminal_output(
    tmp_path: Path, args: list[str], env: dict[str, str], coloured: bool
) -> None:
    write(tmp_path / "app.py", f"T = '{TOKEN}'\n")
    out = _run_on_pty(args, tmp_path, env)
    assert "app.py" in out and (ESC in out) is coloured


def test_colour_into_a_file_only_when_always(tmp_path: Path) -> None:
    write(tmp_path / "app.py", f"T = '{TOKEN}'\n")
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    for extra, coloured in (({}, False), ({"FORCE_COLOR": "1"}, True)):
        proc = subprocess.run(
            [sys.executable, "-m", "hex_guard", "scan", "app.py"],
            cwd=tmp_path, capture_output=True, text=True, env={**env, **extra},
        )
        assert (ESC in proc.stdout) is coloured  # a pipe is a stream: FORCE_COLOR applies
    proc = subprocess.run(
        [sys.executable, "-m", "hex_guard", "scan", "app.py", "-o", "r.txt"],
        cwd=tmp_path, capture_output=True, text=True, env={**env, "FORCE_COLOR": "1"},
    )
    assert ESC not in (tmp_path / "r.txt").read_text()  # a report file is not a terminal
    proc = subprocess.run(
        [sys.executable, "-m", "hex_guard", "scan", "app.py", "--color", "always", "-o", "r.txt"],
        cwd=tmp_path, capture_output=True, text=True, env=env,
    )
    assert ESC in (tmp_path / "r.txt").read_text()
