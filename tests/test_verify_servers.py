"""`--verify` against real PostgreSQL, MariaDB and Redis servers on loopback ports."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from hex_guard.verify import Status, Target, Verification, VerifyOptions, dispatch
from hex_guard.verify.dispatch import verify_findings
from tests.verify_servers import (
    WRONG,
    Listener,
    Server,
    closed_port,
    found,
    mariadb_server,
    postgres_server,
    redis_server,
)

pytest.importorskip("psycopg")
pytest.importorskip("pymysql")
pytest.importorskip("redis")

pytestmark = pytest.mark.slow

OPTIONS = VerifyOptions(timeout=5.0)


@pytest.fixture(scope="session")
def pg() -> Iterator[Server]:
    with postgres_server() as server:
        yield server


@pytest.fixture(scope="session")
def maria() -> Iterator[Server]:
    with mariadb_server() as server:
        yield server


@pytest.fixture(scope="session")
def rds() -> Iterator[Server]:
    with redis_server() as server:
        yield server


def verdicts(text: str, path: str = "settings.py") -> list[tuple[str, Status]]:
    findings = found(text, path)
    assert findings, f"the engine found nothing in {text!r}"
    return [(f.rule_id, v.status) for f, v in zip(findings, verify_findings(findings, OPTIONS))]


def statuses(text: str, path: str = "settings.py") -> set[Status]:
    return {status for _, status in verdicts(text, path)}


# Every form hex-guard finds a PostgreSQL password in: (template, path).
PG_FORMS = [
    ("DATABASE_URL=postgresql://{user}:{pw}@{host}:{port}/postgres\n", ".env.production"),
    (
        'engine = create_engine("postgresql+psycopg2://{user}:{pw}@{host}:{port}/postgres")\n',
        "db.py",
    ),
    (
        'url = "jdbc:postgresql://{host}:{port}/postgres?user={user}&password={pw}&ssl=false"\n',
        "App.java",
    ),
    (
        'conn = psycopg2.connect("host={host} port={port} dbname=postgres user={user} password={pw}")\n',
        "etl.py",
    ),
    (
        "conn = psycopg2.connect(\n    host='{host}',\n    port={port},\n    user='{user}',\n    password='{pw}',\n)\n",
        "etl.py",
    ),
    (
        'cs = "Driver={{PostgreSQL Unicode}};Server={host};Port={port};Database=postgres;Uid={user};Pwd={pw};"\n',
        "odbc.py",
    ),
    (
        '{{"type": "postgres", "host": "{host}", "port": {port}, "user": "{user}", "password": "{pw}"}}\n',
        "conn.json",
    ),
    (
        "hex:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      host: {host}\n      port: {port}\n      user: {user}\n      password: {pw}\n      dbname: postgres\n      schema: public\n",
        "profiles.yml",
    ),
]


@pytest.mark.parametrize(("template", "path"), PG_FORMS)
def test_postgres_correct_password_is_live_wrong_is_invalid(
    pg: Server, template: str, path: str
) -> None:
    fill = {"user": pg.user, "host": pg.host, "port": pg.port}
    assert statuses(template.format(pw=pg.password, **fill), path) == {Status.LIVE}
    assert statuses(template.format(pw=WRONG + "Q7", **fill), path) == {Status.INVALID}


def test_postgres_missing_database_still_proves_the_password(pg: Server) -> None:
    text = f"DATABASE_URL=postgres://{pg.user}:{pg.password}@{pg.host}:{pg.port}/no_such_db\n"
    [(_, status)] = verdicts(text, ".env")
    assert status is Status.LIVE


MY_FORMS = [
    ("DATABASE_URL=mysql://{user}:{pw}@{host}:{port}/analytics\n", ".env.local"),
    ('e = create_engine("mariadb+pymysql://{user}:{pw}@{host}:{port}/analytics")\n', "db.py"),
    ('url = "jdbc:mariadb://{host}:{port}/analytics?user={user}&password={pw}"\n', "App.java"),
    (
        'db = pymysql.connect(host="{host}", port={port}, user="{user}", passwd="{pw}", database="analytics")\n',
        "load.py",
    ),
    (
        'cs = "Driver={{MariaDB ODBC 3.1 Driver}};Server={host};Port={port};Database=analytics;Uid={user};Pwd={pw};"\n',
        "odbc.py",
    ),
    (
        "hex:\n  outputs:\n    dev:\n      type: mysql\n      server: x\n      host: {host}\n      port: {port}\n      username: {user}\n      password: {pw}\n      schema: analytics\n",
        "profiles.yml",
    ),
]


@pytest.mark.parametrize(("template", "path"), MY_FORMS)
def test_mariadb_correct_password_is_live_wrong_is_invalid(
    maria: Server, template: str, path: str
) -> None:
    fill = {"user": maria.user, "host": maria.host, "port": maria.port}
    assert statuses(template.format(pw=maria.password, **fill), path) == {Status.LIVE}
    assert statuses(template.format(pw=WRONG + "Q7", **fill), path) == {Status.INVALID}


REDIS_FORMS = [
    ("REDIS_URL=redis://:{pw}@{host}:{port}/0\n", ".env"),
    ("REDIS_URL=redis://default:{pw}@{host}:{port}/0\n", ".env"),
    ('r = redis.Redis(host="{host}", port={port}, password="{pw}")\n', "cache.py"),
]


@pytest.mark.parametrize(("template", "path"), REDIS_FORMS)
def test_redis_correct_password_is_live_wrong_is_invalid(
    rds: Server, template: str, path: str
) -> None:
    fill = {"host": rds.host, "port": rds.port}
    assert statuses(template.format(pw=rds.password, **fill), path) == {Status.LIVE}
    assert statuses(template.format(pw=WRONG + "Q7", **fill), path) == {Status.INVALID}


@pytest.mark.parametrize(
    "template",
    [
        "DATABASE_URL=postgresql://hexguard:{pw}@127.0.0.1:{port}/postgres\n",
        "DATABASE_URL=mysql://hexguard:{pw}@127.0.0.1:{port}/analytics\n",
        "REDIS_URL=redis://:{pw}@127.0.0.1:{port}/0\n",
    ],
)
def test_closed_port_is_unreachable_within_the_timeout(template: str) -> None:
    text = template.format(pw=WRONG + "Z3", port=closed_port())
    findings = found(text, ".env")
    started = time.monotonic()
    [verdict] = verify_findings(findings, VerifyOptions(timeout=2.0))
    assert verdict.status is Status.UNREACHABLE, verdict
    assert time.monotonic() - started < 2.0 + 3.0


def test_only_the_credentials_own_host_is_contacted(pg: Server) -> None:
    # Other hosts sit right beside the credential, each a live listener: none may be contacted.
    decoys = [Listener("127.0.0.2"), Listener("127.0.0.3"), Listener("127.0.0.4")]
    a, b, c = decoys
    text = (
        f"REPLICA=postgresql://reader@{a.host}:{a.port}/postgres\n"
        f"PGHOST={b.host}\nPGPORT={b.port}\nhost={b.host} port={b.port}\n"
        f"PRIMARY=postgresql://{pg.user}:{pg.password}@{pg.host}:{pg.port}/postgres\n"
        f"# mirror: postgresql://{c.host}:{c.port}/ https://{c.host}:{c.port}/\n"
    )
    try:
        [verdict] = verify_findings(found(text, ".env"), OPTIONS)
    finally:
        for d in decoys:
            d.close()
    assert verdict.status is Status.LIVE
    assert verdict.endpoint == f"{pg.host}:{pg.port}"
    assert [d.accepted for d in decoys] == [0, 0, 0]


def test_libpq_environment_cannot_redirect_the_password(
    pg: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    decoy = Listener("127.0.0.5")
    monkeypatch.setenv("PGHOSTADDR", decoy.host)
    monkeypatch.setenv("PGPORT", str(decoy.port))
    text = f"DATABASE_URL=postgresql://{pg.user}:{pg.password}@{pg.host}:{pg.port}/postgres\n"
    try:
        [verdict] = verify_findings(found(text, ".env"), OPTIONS)
    finally:
        decoy.close()
    assert verdict.status is Status.LIVE and decoy.accepted == 0


def test_same_secret_is_verified_once(pg: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = dispatch.CHECKS["postgresql"]

    def counted(target: Target, timeout: float) -> Verification:
        calls.append(target.endpoint)
        return real(target, timeout)

    monkeypatch.setitem(dispatch.CHECKS, "postgresql", counted)
    line = f"postgresql://{pg.user}:{pg.password}@{pg.host}:{pg.port}/postgres"
    text = f"A={line}\nB={line}\nC={line}\n"
    result = verify_findings(found(text, ".env"), OPTIONS)
    assert [v.status for v in result] == [Status.LIVE] * 3
    assert calls == [f"{pg.host}:{pg.port}"]


def test_server_versions_are_recorded(pg: Server, maria: Server, rds: Server) -> None:
    # The closing note of issue 14 lists the versions CI used; -rA shows them in the log.
    print(pg.version, "|", maria.version, "|", rds.version)
    assert pg.version and maria.version and rds.version
