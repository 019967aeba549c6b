"""--help with examples and exit codes, option help, --version, completion, the history warning."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from hex_guard import prefilter
from hex_guard.main import cli, main
from tests.conftest import git, write

COMMANDS = [
    ["scan"],
    ["history"],
    ["rules"],
    ["config"],
    ["install-hook"],
    ["uninstall-hook"],
    ["baseline", "create"],
    ["baseline", "prune"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_documents_its_exit_codes(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*command, "--help"]) == 0
    out = capsys.readouterr().out
    assert "Exit codes:" in out and "  0  " in out and "  2  " in out
    if command[0] not in ("install-hook", "uninstall-hook"):
        assert out.count("hex-guard ") >= 3  # at least two examples besides the usage line


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, click.Command]]:
    out = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            out += _commands(command, (*prefix, name))
        else:
            out.append((" ".join((*prefix, name)), command))
    return out


@pytest.mark.parametrize(("name", "command"), _commands(cli), ids=lambda x: str(x))
def test_every_option_has_help(name: str, command: click.Command) -> None:
    missing = [
        p.name for p in command.params if isinstance(p, click.Option) and not p.help
    ]
    assert not missing, f"{name}: {missing}"


def test_version_names_the_prefilter(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["--version"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("hex-guard ") and "prefilter: " in out
    monkeypatch.setitem(sys.modules, "hyperscan", None)  # what an install without it sees
    assert main(["--version"]) == 0
    assert "pure Python (hyperscan not installed)" in capsys.readouterr().out
    assert main(["config"]) == 0
    assert "# prefilter: pure Python" in capsys.readouterr().out


def test_bash_completion_script() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "from hex_guard.main import main; main()"],
        capture_output=True,
        text=True,
        env={**os.environ, "_HEX_GUARD_COMPLETE": "bash_source"},
    )
    assert proc.returncode == 0
    assert "complete -o nosort -F" in proc.stdout and "_HEX_GUARD_COMPLETE" in proc.stdout


def test_large_history_without_hyperscan_warns_once(
    repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for i in range(3):
        write(repo / f"f{i}.txt", f"{i}\n")
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", f"c{i}")
    monkeypatch.chdir(repo)
    monkeypatch.setattr(prefilter, "LARGE_HISTORY_COMMITS", 3)
    assert main(["history", "-j", "1"]) == 0
    assert "hyperscan" not in capsys.readouterr().err or prefilter.accelerator() is None
    monkeypatch.setitem(sys.modules, "hyperscan", None)
    assert main(["history", "-j", "1"]) == 0
    assert capsys.readouterr().err.count("hyperscan is not installed") == 1
    monkeypatch.setattr(prefilter, "LARGE_HISTORY_COMMITS", 4)
    assert main(["history", "-j", "1"]) == 0
    assert "hyperscan" not in capsys.readouterr().err
