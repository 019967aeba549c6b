"""`--verify` on the command line: off unless asked, every report format, hooks, Ctrl-C."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hex_guard.errors import EXIT_INTERRUPTED
from hex_guard.main import main
from tests.conftest import REPO_ROOT, git, write
from tests.verify_servers import HEX_PATH, ApiServer, api_server

LIVE = "hxtw_" + "4d2a6f8e1c3b5a7d9e0f2c4b6a8d1e3f" * 3
DEAD = "hxtp_" + "8b1d3f5a7c9e2b4d6f8a0c2e4b6d8f1a" * 3


@pytest.fixture
def hex_api() -> Iterator[ApiServer]:
    with api_server(HEX_PATH) as server:
        server.behaviour.update({LIVE: 200, DEAD: 401})
        yield server


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    write(tmp_path / ".env", f"HEX_API_TOKEN={LIVE}\nHEX_READ_TOKEN={DEAD}\n")
    write(tmp_path / "deploy.sh", f"export HEX_TOKEN={LIVE}\n")
    return tmp_path


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


class NoNetwork:
    """Any socket created while active fails the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def refuse(*args: object, **kwargs: object) -> None:
            raise AssertionError(f"a socket was opened: {args!r}")

        class Refused(socket.socket):
            def __init__(self, *args: object, **kwargs: object) -> None:
                refuse(*args)

        monkeypatch.setattr(socket, "socket", Refused)
        monkeypatch.setattr(socket, "create_connection", refuse)
        monkeypatch.setattr(socket, "getaddrinfo", refuse)
        monkeypatch.setattr(socket, "socketpair", refuse)


def test_without_verify_no_socket_is_opened(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    repo: Path,
    tmp_path: Path,
) -> None:
    # Every fixture, every report format, and git scans too: nothing touches the network.
    # (A copy: in place, the repository's own config excludes fixtures/.)
    fixtures = str(tmp_path / "fixtures")
    shutil.copytree(REPO_ROOT / "fixtures", fixtures)
    write(repo / ".env", f"HEX_API_TOKEN={LIVE}\n")
    git(repo, "add", ".env")
    NoNetwork(monkeypatch)
    for fmt in ("text", "json", "sarif", "github", "junit"):
        code, out, _ = run(["scan", fixtures, "--format", fmt, "-j", "1"], capsys)
        assert code == 1 and "verification" not in out
    code, out, _ = run(["scan", fixtures, "--format", "json"], capsys)
    assert code == 1 and "verification" not in out
    monkeypatch.chdir(repo)
    monkeypatch.setenv("PRE_COMMIT", "1")  # pre-commit's own environment implies nothing
    code, out, _ = run(["scan", "--staged", "--format", "json"], capsys)
    assert code == 1 and "verification" not in out
    git(repo, "commit", "-qm", "x")
    code, out, _ = run(["history", "--format", "json"], capsys)
    assert code == 1 and "verification" not in out


def test_only_live_needs_verify(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["scan", str(tree), "--only-live"], capsys)
    assert code == 2 and "--only-live needs --verify" in err


def test_verify_without_the_extra_names_it(
    tree: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    code, out, err = run(["scan", str(tree), "--verify"], capsys)
    assert code == 2 and out == ""
    assert "pip install 'hex-guard[verify]'" in err and "psycopg" in err


drivers = pytest.mark.skipif(
    bool(__import__("hex_guard.verify", fromlist=["x"]).missing_drivers()),
    reason="the verify extra is not installed",
)


@drivers
def test_verify_in_every_report_format(
    tree: Path, hex_api: ApiServer, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["scan", str(tree), "--verify", "--hex-base-url", hex_api.base_url]
    code, out, err = run([*base, "--format", "json"], capsys)
    assert code == 1
    by_line = {(f["path"].rsplit("/", 1)[-1], f["line"]): f for f in json.loads(out)["findings"]}
    assert by_line[(".env", 1)]["verification"] == "live"
    assert by_line[(".env", 2)]["verification"] == "invalid"
    assert by_line[("deploy.sh", 1)]["verification"] == "live"
    assert by_line[(".env", 1)]["verification_endpoint"] == hex_api.base_url
    assert "verified 3 finding(s) against 1 endpoint(s)" in err
    # Two distinct tokens, one request each.
    assert sorted(t for _, t in hex_api.requests) == sorted([LIVE, DEAD])

    code, out, _ = run([*base, "--format", "sarif"], capsys)
    results = json.loads(out)["runs"][0]["results"]
    live = [r for r in results if r["properties"]["verification"] == "live"]
    dead = [r for r in results if r["properties"]["verification"] == "invalid"]
    assert len(live) == 2 and len(dead) == 1
    assert all(r["properties"]["security-severity"] == "10.0" for r in live)
    assert "security-severity" not in dead[0]["properties"]

    for fmt, marker in (("text", "verification: live"), ("github", "Verification: live")):
        code, out, _ = run([*base, "--format", fmt], capsys)
        assert marker in out and code == 1
    code, out, _ = run([*base, "--format", "junit"], capsys)
    assert "verification: invalid" in out
    # The secret never appears, verified or not.
    for fmt in ("text", "json", "sarif", "github", "junit"):
        _, out, err = run([*base, "--format", fmt], capsys)
        assert LIVE not in out + err and DEAD not in out + err


@drivers
def test_verified_sarif_is_valid(
    tree: Path, hex_api: ApiServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.test_reports import validate_sarif

    target = tmp_path / "verified.sarif"
    args = ["scan", str(tree), "--verify", "--hex-base-url", hex_api.base_url]
    code, _, _ = run([*args, "--output-format", f"sarif={target}"], capsys)
    assert code == 1
    assert validate_sarif(target) == []


@drivers
def test_only_live_filters_and_keeps_the_exit_code_meaning(
    tree: Path, hex_api: ApiServer, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["scan", str(tree), "--verify", "--only-live", "--hex-base-url", hex_api.base_url]
    code, out, _ = run([*base, "--format", "json"], capsys)
    assert code == 1
    assert {f["verification"] for f in json.loads(out)["findings"]} == {"live"}
    hex_api.behaviour[LIVE] = 401
    code, out, _ = run([*base, "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["findings"] == []


@drivers
def test_hook_mode_verifies_only_when_asked_there(
    repo: Path,
    hex_api: ApiServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(repo / ".env", f"HEX_API_TOKEN={LIVE}\n")
    git(repo, "add", ".env")
    monkeypatch.chdir(repo)
    code, out, _ = run(["scan", "--staged", "--format", "json"], capsys)
    assert code == 1 and "verification" not in out and hex_api.requests == []
    args = ["scan", "--staged", "--verify", "--hex-base-url", hex_api.base_url, "--format", "json"]
    code, out, err = run(args, capsys)
    assert json.loads(out)["findings"][0]["verification"] == "live"
    assert "waits on the network" in err


@drivers
def test_ctrl_c_stops_at_once(tmp_path: Path) -> None:
    write(tmp_path / ".env", f"HEX_API_TOKEN={LIVE}\n")
    with api_server(HEX_PATH) as server:
        server.behaviour[LIVE] = "slow"
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "hex_guard",
                "scan",
                str(tmp_path),
                "--verify",
                "--verify-timeout",
                "60",
                "--hex-base-url",
                server.base_url,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        )
        deadline = time.monotonic() + 30
        while not server.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.requests, "the check never started"
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
        assert time.monotonic() - sent < 3.0
    assert proc.returncode == EXIT_INTERRUPTED and b"interrupted" in err
