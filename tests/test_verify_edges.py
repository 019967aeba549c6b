"""`--verify` off the happy path: what is refused before anything is contacted, how each kind of
failure to reach a service is named, and what a service's odd answers mean.

Real loopback servers throughout (tests/verify_servers.py; a raw socket where a server must
misbehave); no driver is mocked.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hex_guard.records import MatchContext
from hex_guard.verify import Status, Target, Verification, VerifyOptions, context, dispatch, parse
from hex_guard.verify.dispatch import plan, verify_findings
from hex_guard.verify.http import base_url
from hex_guard.verify.limits import GRACE_S, run_bounded
from tests.verify_servers import (
    DATABRICKS_PATH,
    HEX_PATH,
    ApiServer,
    Server,
    api_server,
    closed_port,
    found,
)

PW = "Qx7" + "vP2mLz9k"
DAPI = "dapi" + "5f1c0e9a7b3d4c2e8f6a0b1c2d3e4f5a"
HXTW = "hxtw_" + "9c3e1a7f5b2d8e4c6a0f1b3d5e7a9c2e" * 3


def refused(text: str, path: str) -> str:
    [finding] = found(text, path)
    result = plan(finding, VerifyOptions())
    assert not isinstance(result, Target), result
    assert result.status is Status.UNVERIFIABLE and result.endpoint is None
    return result.reason


def planned(text: str, path: str) -> Target:
    [finding] = found(text, path)
    result = plan(finding, VerifyOptions())
    assert isinstance(result, Target), result
    return result


# --- refused before anything is contacted ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "path", "reason"),
    [
        # The host, port or user is not a literal: it is filled in elsewhere, never guessed.
        (f"postgresql://etl:{PW}@pg-{{env}}.acme.io:5432/dw", "a.txt", "not a literal host"),
        (
            f"conn = psycopg2.connect(host='$HOST', user='u', password='{PW}')",
            "a.py",
            "not a literal",
        ),
        (f"postgresql://etl:{PW}@999.12.7.1:5432/dw", "a.txt", "not a literal host"),
        (f"postgresql://etl:{PW}@pg.acme.io:99999/dw", "a.txt", "port is not a number"),
        (f"postgresql://{{{{user}}}}:{PW}@pg.acme.io/dw", "a.txt", "user is templated"),
        # Schemes with no verifier, and Databricks URIs (verified through their token).
        (f"databricks://admin:{PW}@adb-1.2.azuredatabricks.net/default", "a.txt", "token"),
        # JDBC forms.
        (f"jdbc:postgresql://h1.acme.io,h2.acme.io/dw?user=u&password={PW}", "A.java", "several"),
        (f"jdbc:sqlserver://sql.acme.io;user=u;password={PW}", "A.java", "jdbc:sqlserver"),
        (f"jdbc:postgresql:dw?user=u&password={PW}", "A.java", "names no host"),
        # ODBC forms: a DSN keeps its host in the machine's ODBC configuration.
        (f'cs = "DSN=warehouse;Uid=u;Pwd={PW};"', "a.py", "dsn"),
        (f'cs = "Server=h.acme.io;Database=dw;Uid=u;Pwd={PW};"', "a.py", "no postgresql or"),
        # libpq DSNs.
        (f"service=dw host=h.acme.io user=u password={PW}", "a.py", "pg_service.conf"),
        (f"host=h1.acme.io,h2.acme.io user=u password={PW}", "a.txt", "several hosts"),
        # dbt profiles.
        (
            f"hex:\n  outputs:\n    dev:\n      type: databricks\n      host: x\n      token: {PW}\n",
            "profiles.yml",
            "through their token",
        ),
        (f"hex:\n  outputs:\n    dev:\n      password: {PW}\n", "profiles.yml", "no dbt type"),
    ],
)
def test_what_cannot_be_pinned_to_one_host_is_refused(text: str, path: str, reason: str) -> None:
    assert reason.lower() in refused(text, path).lower()


def test_an_unknown_sslmode_is_dropped_and_a_known_one_kept() -> None:
    # An unknown mode would make libpq fail before it sends anything; a known one is honoured.
    assert planned(f"postgresql://etl:{PW}@pg.acme.io/dw?sslmode=bogus", "a.txt").sslmode is None
    kept = planned(f"postgresql://etl:{PW}@pg.acme.io/dw?sslmode=verify-full", "a.txt")
    assert kept.sslmode == "verify-full"


def _ctx(text: str, secret: str) -> MatchContext:
    start = text.index(secret)
    return MatchContext(text, start, start + len(secret))


@pytest.mark.parametrize("password", ["${DB_PASSWORD}", "{{ env_var('PW') }}", "%(pw)s"])
def test_a_templated_password_is_never_sent(password: str) -> None:
    # The engine drops such values before verification; the parsers refuse them on their own.
    text = f"postgresql://etl:{password}@pg.acme.io/dw"
    result = parse.from_uri(_ctx(text, password))
    assert isinstance(result, Verification) and "templated" in result.reason


def test_no_text_around_the_finding_is_unverifiable() -> None:
    [finding] = found(f"postgresql://etl:{PW}@pg.acme.io/dw", "a.txt")
    blind = type(finding)(**{**finding.__dict__, "context": None})
    result = plan(blind, VerifyOptions())
    assert isinstance(result, Verification) and "not available" in result.reason
    [token] = found(f"DATABRICKS_HOST=https://dbc-1.cloud.databricks.com\nT={DAPI}\n", ".env")
    result = plan(type(token)(**{**token.__dict__, "context": None}), VerifyOptions())
    assert isinstance(result, Verification) and result.status is Status.UNVERIFIABLE


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://acme.hex.tech/api/v1/", "https://acme.hex.tech"),
        ("https://[::1]:8443/x", "https://[::1]:8443"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://acme.hex.tech", None),  # clear text off this machine
        ("https://user:pw@acme.hex.tech", None),  # credentials of its own in the URL
        ("https://acme.hex.tech:99999", None),
        ("https://", None),
        ("ftp://acme.hex.tech", None),
    ],
)
def test_base_url_is_https_or_loopback_http_only(value: str, expected: str | None) -> None:
    assert base_url(value) == expected


@pytest.mark.parametrize(
    ("host", "valid"),
    [
        ("pg.acme.io", True),
        ("10.0.0.7", True),
        ("::1", True),
        ("", False),
        ("a" * 254, False),
        ("/var/run/postgresql", False),
        ("1.2.3", False),
        ("${HOST}", False),
    ],
)
def test_valid_host(host: str, valid: bool) -> None:
    assert context.valid_host(host) is valid


@pytest.mark.parametrize(
    ("authority", "expected"),
    [
        ("h.acme.io", ("h.acme.io", 5432)),
        ("h.acme.io:6543", ("h.acme.io", 6543)),
        ("[::1]:6543", ("::1", 6543)),
        ("[::1", ("", None)),
        ("[::1]x", ("::1", None)),
        ("h.acme.io:0", ("h.acme.io", None)),
        ("h.acme.io:port", ("h.acme.io", None)),
        ("h.acme.io:", ("h.acme.io", 5432)),
    ],
)
def test_split_host_port(authority: str, expected: tuple[str, int | None]) -> None:
    assert context.split_host_port(authority, 5432) == expected


def test_loopback_and_unquoting() -> None:
    assert context.is_loopback("LOCALHOST") and context.is_loopback("::1")
    assert not context.is_loopback("pg.acme.io") and not context.is_loopback("10.0.0.1")
    assert context.unquote_value(" 'a b' ") == "a b"
    assert context.unquote_value('"x') == '"x' and context.unquote_value("'") == "'"


# --- how a failure to reach a service is named ---------------------------------------------------


@pytest.fixture
def hex_api() -> Iterator[ApiServer]:
    with api_server(HEX_PATH) as server:
        yield server


@pytest.fixture
def databricks_api() -> Iterator[ApiServer]:
    with api_server(DATABRICKS_PATH) as server:
        yield server


def verify_hex(base: str, timeout: float = 5.0) -> Verification:
    options = VerifyOptions(timeout=timeout, hex_base_url=base)
    [verdict] = verify_findings(found(f"HEX_API_TOKEN={HXTW}\n", ".env"), options)
    return verdict


def test_a_closed_port_is_connection_refused() -> None:
    verdict = verify_hex(f"http://127.0.0.1:{closed_port()}")
    assert (verdict.status, verdict.reason) == (Status.UNREACHABLE, "connection refused")
    text = f"DATABRICKS_HOST=http://127.0.0.1:{closed_port()}\nDATABRICKS_TOKEN={DAPI}\n"
    [verdict] = verify_findings(found(text, ".env"), VerifyOptions(timeout=5.0))
    assert (verdict.status, verdict.reason) == (Status.UNREACHABLE, "connection refused")


def test_https_to_a_plain_http_server_is_a_failed_tls_handshake(hex_api: ApiServer) -> None:
    verdict = verify_hex(hex_api.base_url.replace("http://", "https://"))
    assert (verdict.status, verdict.reason) == (Status.UNREACHABLE, "TLS handshake failed")
    assert hex_api.requests == []  # the token never left in clear text


def test_an_unresolvable_host_is_named() -> None:
    started = time.monotonic()
    verdict = verify_hex("https://hex-guard-test.invalid", timeout=3.0)
    assert verdict.status is Status.UNREACHABLE
    assert verdict.reason in ("host name does not resolve", "no answer in time")
    assert time.monotonic() - started < 3.0 + 3.0


@pytest.mark.parametrize(
    ("http_status", "reason"), [(500, "unexpected HTTP 500"), (302, "redirected (302)")]
)
def test_hex_odd_answers_are_errors(hex_api: ApiServer, http_status: int, reason: str) -> None:
    hex_api.behaviour[HXTW] = http_status
    verdict = verify_hex(hex_api.base_url)
    assert verdict.status is Status.ERROR and verdict.reason.startswith(reason), verdict


@pytest.mark.parametrize(
    ("http_status", "reason"),
    [(404, "no SCIM Me endpoint"), (307, "redirected (307)"), (502, "unexpected HTTP 502")],
)
def test_databricks_odd_answers_are_errors(
    databricks_api: ApiServer, http_status: int, reason: str
) -> None:
    databricks_api.behaviour[DAPI] = http_status
    text = f"DATABRICKS_HOST={databricks_api.base_url}\nDATABRICKS_TOKEN={DAPI}\n"
    [verdict] = verify_findings(found(text, ".env"), VerifyOptions(timeout=5.0))
    assert verdict.status is Status.ERROR and verdict.reason.startswith(reason), verdict


def test_a_databricks_host_in_clear_text_off_this_machine_is_refused() -> None:
    text = f"DATABRICKS_HOST=http://adb-1.2.azuredatabricks.net\nDATABRICKS_TOKEN={DAPI}\n"
    assert "not a Databricks workspace" in refused(text, ".env")


# --- drivers against servers that misbehave -----------------------------------------------------


class Babbler:
    """A loopback TCP server that answers every connection with the same bytes, then waits for
    the client to hang up: a port where something other than the expected database listens."""

    def __init__(self, greeting: bytes) -> None:
        self.greeting = greeting
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(8)
        self.port = int(self._sock.getsockname()[1])
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    conn.sendall(self.greeting)
                    while conn.recv(4096):
                        pass
                except OSError:
                    pass

    def close(self) -> None:
        self._sock.close()


@pytest.fixture
def babbler() -> Iterator[Babbler]:
    # An HTTP status line: what a web server on the database's port would say first.
    server = Babbler(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    yield server
    server.close()


def _one(template: str, port: int) -> Verification:
    [verdict] = verify_findings(
        found(template.format(pw=PW, port=port), ".env"), VerifyOptions(timeout=3.0)
    )
    assert verdict.endpoint == f"127.0.0.1:{port}"
    assert PW not in verdict.reason
    return verdict


def test_postgres_driver_against_a_web_server_is_an_error(babbler: Babbler) -> None:
    pytest.importorskip("psycopg")
    verdict = _one("DATABASE_URL=postgresql://etl:{pw}@127.0.0.1:{port}/dw\n", babbler.port)
    assert verdict.status in (Status.ERROR, Status.UNREACHABLE), verdict
    assert verdict.status is not Status.LIVE and verdict.reason


def test_mysql_driver_against_a_web_server_is_an_error(babbler: Babbler) -> None:
    pytest.importorskip("pymysql")
    verdict = _one("DATABASE_URL=mysql://etl:{pw}@127.0.0.1:{port}/dw\n", babbler.port)
    assert verdict.status in (Status.ERROR, Status.UNREACHABLE), verdict


def test_redis_driver_against_a_web_server_is_an_error(babbler: Babbler) -> None:
    pytest.importorskip("redis")
    verdict = _one("REDIS_URL=redis://:{pw}@127.0.0.1:{port}/0\n", babbler.port)
    assert verdict.status is Status.ERROR, verdict


# --- dispatch ------------------------------------------------------------------------------------


def test_a_driver_surprise_is_an_error_that_never_carries_the_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def surprised(target: Target, timeout: float) -> Verification:
        raise RuntimeError(f"driver bug while sending\n{target.secret}  to {target.host}")

    monkeypatch.setitem(dispatch.CHECKS, "postgresql", surprised)
    [verdict] = verify_findings(
        found(f"postgresql://etl:{PW}@pg.acme.io/dw", "a.txt"), VerifyOptions()
    )
    assert verdict.status is Status.ERROR
    assert PW not in verdict.reason
    assert verdict.reason == "RuntimeError: driver bug while sending … to pg.acme.io"


def test_progress_is_shown_on_request(
    hex_api: ApiServer, capsys: pytest.CaptureFixture[str]
) -> None:
    hex_api.behaviour[HXTW] = 200
    options = VerifyOptions(hex_base_url=hex_api.base_url, progress=True)
    text = f"HEX_API_TOKEN={HXTW}\nDB=postgresql://etl:{PW}@pg-{{env}}.acme.io/dw\n"
    verdicts = verify_findings(found(text, ".env"), options)
    assert [v.status for v in verdicts] == [Status.LIVE, Status.UNVERIFIABLE]
    assert capsys.readouterr().err.endswith("\rhex-guard: verifying 1/1\n")


def test_run_bounded_with_nothing_to_do() -> None:
    assert run_bounded([], str, concurrency=4, rate=0, timeout=1, on_overrun=str) == []


@pytest.mark.slow
def test_a_check_that_overruns_is_given_up_on() -> None:
    release = threading.Event()
    seen: list[tuple[int, int]] = []

    def work(item: str) -> str:
        if item == "stuck":
            release.wait(30)
        return "done " + item

    started = time.monotonic()
    try:
        out = run_bounded(
            ["stuck", "quick"],
            work,
            concurrency=2,
            rate=0,
            timeout=0.2,
            on_overrun=lambda item: "gave up on " + item,
            on_done=lambda done, total: seen.append((done, total)),
        )
    finally:
        release.set()
    assert out == ["gave up on stuck", "done quick"]
    assert 0.2 + GRACE_S <= time.monotonic() - started < 0.2 + GRACE_S + 3
    assert seen[-1] == (2, 2) and (1, 2) in seen


# --- real servers' less common answers -----------------------------------------------------------


@pytest.fixture(scope="module")
def maria() -> Iterator[Server]:
    pytest.importorskip("pymysql")
    from tests.verify_servers import mariadb_server

    with mariadb_server() as server:
        yield server


@pytest.mark.slow
@pytest.mark.parametrize("database", ["no_such_db", "mysql"])
def test_mysql_password_proven_though_the_database_is_missing_or_not_granted(
    maria: Server, database: str
) -> None:
    text = (
        f"DATABASE_URL=mysql://{maria.user}:{maria.password}@{maria.host}:{maria.port}/{database}\n"
    )
    [verdict] = verify_findings(found(text, ".env"), VerifyOptions(timeout=5.0))
    assert verdict.status is Status.LIVE and "database" in verdict.reason, verdict


@pytest.mark.parametrize(
    ("code", "status", "reason"),
    [
        (1130, Status.ERROR, "does not accept connections from this machine"),
        (2013, Status.UNREACHABLE, "MySQL error 2013"),
        (1064, Status.ERROR, "MySQL error 1064"),
        ("not a number", Status.ERROR, "MySQL error 0"),
    ],
)
def test_mysql_error_numbers(code: object, status: Status, reason: str) -> None:
    from hex_guard.verify import mysql

    verdict = mysql._classify((code, "message"), "h:3306")
    assert verdict.status is status and reason in verdict.reason


@pytest.fixture
def open_redis() -> Iterator[Server]:
    """A Redis of its own: the test changes its users and its password."""
    pytest.importorskip("redis")
    from tests.verify_servers import redis_server

    with redis_server() as server:
        yield server


@pytest.mark.slow
def test_redis_without_a_password_and_a_user_without_ping(open_redis: Server) -> None:
    import redis

    admin = redis.Redis(host=open_redis.host, port=open_redis.port, password=open_redis.password)
    admin.execute_command("ACL", "SETUSER", "etl", "on", f">{PW}", "+@all", "-ping")
    admin.close()
    url = f"REDIS_URL=redis://etl:{PW}@{open_redis.host}:{open_redis.port}/0\n"
    [verdict] = verify_findings(found(url, ".env"), VerifyOptions(timeout=5.0))
    assert (verdict.status, verdict.reason) == (Status.LIVE, "logged in (PING not permitted)")

    admin = redis.Redis(host=open_redis.host, port=open_redis.port, password=open_redis.password)
    admin.execute_command("CONFIG", "SET", "requirepass", "")
    admin.close()
    url = f"REDIS_URL=redis://:{PW}@{open_redis.host}:{open_redis.port}/0\n"
    [verdict] = verify_findings(found(url, ".env"), VerifyOptions(timeout=5.0))
    assert verdict.status is Status.UNVERIFIABLE and "no password set" in verdict.reason


# --- where each connection-string form sends the password ----------------------------------------

# (text, path, (service, host, port, user, database, tls, sslmode))
MORE_TARGETS = [
    (
        f'cs = "Driver={{PostgreSQL Unicode}};Server= h.acme.io:6543;Uid=u;Pwd={PW};trailing"',
        "a.py",
        ("postgresql", "h.acme.io", 6543, "u", None, False, None),
    ),
    (
        f'cs = "ConnectionString=Server=h.acme.io;Port=5432;Uid=u;Pwd={PW};"',
        "a.py",
        ("postgresql", "h.acme.io", 5432, "u", None, False, None),
    ),
    (
        f'cs = "Host=h.acme.io;Username=u;Password={PW};"',  # Npgsql's key names
        "a.py",
        ("postgresql", "h.acme.io", 5432, "u", None, False, None),
    ),
    (
        f"c = pymysql.connect(host='h.acme.io', user='u', password='{PW}', db='x')",
        "a.py",
        ("mysql", "h.acme.io", 3306, "u", "x", False, None),
    ),
    (
        f"r = redis.Redis(host='r.acme.io', port=6380, password='{PW}', ssl=True, db=2)",
        "a.py",
        ("redis", "r.acme.io", 6380, None, "2", True, None),
    ),
    (
        'hex:\n  outputs:\n    dev:\n      type: postgres\n      host: "h.acme.io"\n'
        f"      user: 'u'\n      password: {PW}  # comment\n      port: 5433\n",
        "profiles.yml",
        ("postgresql", "h.acme.io", 5433, "u", None, False, None),
    ),
    (
        f'{{"engine": "mysql", "host": "h.acme.io", "port": 3307, "username": "u", "password": "{PW}"}}',
        "c.json",
        ("mysql", "h.acme.io", 3307, "u", None, False, None),
    ),
    (
        f'{{"redis": {{"host": "r.acme.io", "password": "{PW}"}}}}',
        "c.json",
        ("redis", "r.acme.io", 6379, None, None, False, None),
    ),
    (
        f"PGHOST=h.acme.io\nPGPORT=6543\nPGUSER=u\nPGPASSWORD={PW}\nPGSSLMODE=require\n",
        ".env",
        ("postgresql", "h.acme.io", 6543, "u", None, False, "require"),
    ),
    (
        f"dsn = \"host=h.acme.io port=6543 user=u password='{PW}' dbname=dw\"",
        "a.py",
        ("postgresql", "h.acme.io", 6543, "u", "dw", False, None),
    ),
    (
        f"jdbc:mysql://u@h.acme.io:3307/dw?password={PW}&useSSL=true",
        "a.properties",
        ("mysql", "h.acme.io", 3307, "u", "dw", True, None),
    ),
    (
        f"jdbc:redshift://r.acme.io/dev;UID=u;PWD={PW}",
        "a.properties",
        ("postgresql", "r.acme.io", 5439, "u", "dev", False, None),
    ),
    (
        f"redis://:{PW}@r.acme.io:6380/3",
        "a.txt",
        ("redis", "r.acme.io", 6380, None, "3", False, None),
    ),
    (
        f"rediss://default:{PW}@r.acme.io/0",
        "a.txt",
        ("redis", "r.acme.io", 6379, "default", "0", True, None),
    ),
    (
        f"mysql://u:{PW}@h.acme.io/dw?ssl-mode=REQUIRED",
        "a.txt",
        ("mysql", "h.acme.io", 3306, "u", "dw", True, None),
    ),
]


@pytest.mark.parametrize(("text", "path", "expected"), MORE_TARGETS)
def test_each_form_sends_the_password_to_its_own_host(
    text: str, path: str, expected: tuple[object, ...]
) -> None:
    t = planned(text, path)
    assert (t.service, t.host, t.port, t.user, t.database, t.tls, t.sslmode) == expected
    assert t.secret == PW


@pytest.mark.parametrize(
    ("text", "path", "reason"),
    [
        (f"e = create_engine('mssql+pyodbc://u:{PW}@sql.acme.io/db')", "a.py", "mssql URIs"),
        (f"url = 'oracle://u:{PW}@ora.acme.io:1521/db'", "a.py", "oracle URIs"),
        (
            f'cs = "Driver={{Oracle in OraClient}};Server=h.acme.io;Uid=u;Pwd={PW};"',
            "a.py",
            "no verifier for Oracle in OraClient",
        ),
        (
            f"conn = cx_Oracle.connect(user='u', password='{PW}', dsn='o.acme.io')",
            "a.py",
            "cx_Oracle",
        ),
        (
            f"conn = psycopg2.connect(host='h.acme.io', user='u', password='{PW}', port=int(p))",
            "a.py",
            "not a literal",
        ),
        (
            f"hex:\n  outputs:\n    dev:\n      type: bigquery\n      password: {PW}\n",
            "profiles.yml",
            "dbt type 'bigquery'",
        ),
    ],
)
def test_forms_without_a_verifier_are_named(text: str, path: str, reason: str) -> None:
    assert reason in refused(text, path)


def test_verify_without_its_drivers_fails_closed_with_the_install_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib.util
    import sys

    from hex_guard.main import main

    if any(importlib.util.find_spec(d) is None for d in ("psycopg", "pymysql")):
        pytest.skip("the other verification drivers are not installed (no [verify] extra)")
    # An import blocked this way is what `python -c "import redis"` failing looks like to
    # find_spec (ValueError), the other way a driver can be missing.
    monkeypatch.setitem(sys.modules, "redis", None)
    (tmp_path / "a.env").write_text(f"REDIS_URL=redis://:{PW}@r.acme.io/0\n")
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "--verify", "a.env"]) == 2
    err = capsys.readouterr().err
    assert "--verify needs the verification drivers (redis missing)" in err
    assert "pip install 'hex-guard[verify]'" in err
