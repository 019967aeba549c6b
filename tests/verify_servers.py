"""Real servers for the verification tests: PostgreSQL, MariaDB and Redis from Debian's packages,
each started on a free loopback port in a temporary directory and torn down after the session,
plus a loopback HTTP server that answers like Hex's and Databricks's documented endpoints.

Where a server binary is missing the tests that need it skip, except under CI (`CI` set), where
.ci/run installs them and a missing server is a failure, not a silent pass.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from hex_guard.records import Finding

# Test-only credentials, assembled here so nothing secret-shaped sits in one literal.
PG_USER = "hexguard"
PG_PASSWORD = "pg-" + "Tr0ub4dor" + "-x9"
MY_USER = "hexguard"
MY_PASSWORD = "Mq-" + "Gl4cier" + "-m0ss"
REDIS_PASSWORD = "rd-" + "B4ttery" + "-st4ple"
WRONG = "wr0ng-" + "passw0rd"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def closed_port() -> int:
    """A loopback port nothing listens on (bound and released just now)."""
    return free_port()


def _need(binary: str | None, what: str) -> str:
    if binary:
        return binary
    if os.environ.get("CI"):
        pytest.fail(f"{what} is not installed; .ci/run must install it")
    pytest.skip(f"{what} is not installed")


def _wait_port(port: int, proc: subprocess.Popen[bytes], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on {port} within {timeout:g} s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    user: str
    password: str = field(repr=False)
    version: str


# --- PostgreSQL --------------------------------------------------------------------------------


def _pg_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _as_postgres(argv: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: drop to the package's `postgres` user when root."""
    if os.geteuid() != 0:
        return argv
    return ["runuser", "-u", "postgres", "--", *argv]


@contextlib.contextmanager
def postgres_server() -> Iterator[Server]:
    initdb = _need(_pg_bin("initdb"), "PostgreSQL (initdb)")
    postgres = _need(_pg_bin("postgres"), "PostgreSQL (postgres)")
    root = tempfile.mkdtemp(prefix="hexguard-pg-")
    data = os.path.join(root, "data")
    pwfile = os.path.join(root, "pw")
    with open(pwfile, "w") as fh:
        fh.write(PG_PASSWORD + "\n")
    if os.geteuid() == 0:
        ids = pwd.getpwnam("postgres")
        os.chown(root, ids.pw_uid, ids.pw_gid)
        os.chown(pwfile, ids.pw_uid, ids.pw_gid)
    port = free_port()
    proc = None
    try:
        subprocess.run(
            _as_postgres(
                [
                    initdb,
                    "-D",
                    data,
                    "-U",
                    PG_USER,
                    f"--pwfile={pwfile}",
                    "--auth-host=scram-sha-256",
                    "--auth-local=trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
        )
        proc = subprocess.Popen(
            _as_postgres(
                [
                    postgres,
                    "-D",
                    data,
                    "-p",
                    str(port),
                    "-k",
                    root,
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    "fsync=off",
                ]
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_port(port, proc, "postgres")
        version = subprocess.run([postgres, "--version"], capture_output=True, text=True).stdout
        yield Server("127.0.0.1", port, PG_USER, PG_PASSWORD, version.strip())
    finally:
        if proc is not None:
            _stop(proc)
        shutil.rmtree(root, ignore_errors=True)


# --- MariaDB -----------------------------------------------------------------------------------


@contextlib.contextmanager
def mariadb_server() -> Iterator[Server]:
    install = _need(
        shutil.which("mariadb-install-db") or shutil.which("mysql_install_db"), "MariaDB"
    )
    mariadbd = _need(
        shutil.which("mariadbd") or shutil.which("mariadbd", path="/usr/sbin"), "MariaDB (mariadbd)"
    )
    client = _need(shutil.which("mariadb") or shutil.which("mysql"), "MariaDB client")
    root = tempfile.mkdtemp(prefix="hexguard-my-")
    data = os.path.join(root, "data")
    sock = os.path.join(root, "sock")
    port = free_port()
    user = ["--user=root"] if os.geteuid() == 0 else []
    proc = None
    try:
        subprocess.run(
            [
                install,
                "--no-defaults",
                f"--datadir={data}",
                *user,
                "--skip-test-db",
                "--auth-root-authentication-method=socket",
            ],
            check=True,
            capture_output=True,
        )
        proc = subprocess.Popen(
            [
                mariadbd,
                "--no-defaults",
                f"--datadir={data}",
                f"--port={port}",
                "--bind-address=127.0.0.1",
                f"--socket={sock}",
                f"--pid-file={root}/pid",
                "--skip-log-bin",
                "--innodb-buffer-pool-size=16M",
                *user,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_port(port, proc, "mariadbd")
        sql = (
            f"CREATE USER '{MY_USER}'@'127.0.0.1' IDENTIFIED BY '{MY_PASSWORD}';"
            f"CREATE USER '{MY_USER}'@'localhost' IDENTIFIED BY '{MY_PASSWORD}';"
            "CREATE DATABASE analytics;"
            f"GRANT SELECT ON analytics.* TO '{MY_USER}'@'127.0.0.1';"
        )
        subprocess.run(
            [client, "--no-defaults", "-S", sock, "-u", "root", "-e", sql],
            check=True,
            capture_output=True,
        )
        version = subprocess.run([mariadbd, "--version"], capture_output=True, text=True).stdout
        yield Server("127.0.0.1", port, MY_USER, MY_PASSWORD, version.strip())
    finally:
        if proc is not None:
            _stop(proc)
        shutil.rmtree(root, ignore_errors=True)


# --- Redis -------------------------------------------------------------------------------------


@contextlib.contextmanager
def redis_server() -> Iterator[Server]:
    binary = _need(shutil.which("redis-server"), "Redis (redis-server)")
    root = tempfile.mkdtemp(prefix="hexguard-redis-")
    port = free_port()
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--requirepass",
            REDIS_PASSWORD,
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            root,
            "--daemonize",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_port(port, proc, "redis-server")
        version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout
        yield Server("127.0.0.1", port, "", REDIS_PASSWORD, version.strip())
    finally:
        _stop(proc)
        shutil.rmtree(root, ignore_errors=True)


# --- Hex / Databricks --------------------------------------------------------------------------

HEX_PATH = "/api/v1/projects?limit=1"
DATABRICKS_PATH = "/api/2.0/preview/scim/v2/Me"


@dataclass
class ApiServer:
    """Answers by bearer token: an int is the status to send, "slow" sleeps past any timeout,
    "redirect" sends a 302 to `redirect_to`."""

    base_url: str
    behaviour: dict[str, object]
    requests: list[tuple[str, str]]
    redirect_to: str = ""


@contextlib.contextmanager
def api_server(path: str) -> Iterator[ApiServer]:
    state = ApiServer("", {}, [])
    release = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            auth = self.headers.get("Authorization", "")
            token = auth[7:] if auth.startswith("Bearer ") else ""
            state.requests.append((self.path, token))
            if self.path != path:
                self._send(404)
                return
            action = state.behaviour.get(token, 401)
            if action == "slow":
                release.wait(30)
                self._send(200)
            elif action == "redirect":
                self.send_response(302)
                self.send_header("Location", state.redirect_to + self.path)
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                assert isinstance(action, int)
                self._send(action)

        def _send(self, status: int) -> None:
            body = b'{"values": [], "pagination": {}}' if status == 200 else b"{}"
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        release.set()
        server.shutdown()
        server.server_close()


# --- findings with the text around them --------------------------------------------------------


def found(text: str, path: str = "settings.py") -> list[Finding]:
    """The real engine's findings in `text`, each with the lines around it (as `--verify` has)."""
    from hex_guard.detect import Engine, Fragment

    findings = Engine(context=True).scan(Fragment(path, path, text.encode()))
    for f in findings:
        assert f.context is not None
        assert f.context.text[f.context.start : f.context.end] == f.secret
    return findings


class Listener:
    """A loopback port that accepts and records every connection, then hangs up."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.accepted = 0
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind((host, 0))
        self._sock.listen(16)
        self.host, self.port = host, int(self._sock.getsockname()[1])
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self.accepted += 1
            conn.close()

    def close(self) -> None:
        self._sock.close()
