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
