"""Built-in detection rules: data, their keyword gates, and their own example strings.

Patterns run on bytes (a file is never decoded unless it holds a finding) and are compiled lazily:
a hook run compiles only the rules whose keywords appear in the staged files. Every pattern is
bounded (no nested unbounded repetition), which is why built-in rules use the stdlib `re`.

Examples are assembled at import time from deterministic fake material, so this file holds no
secret-shaped literal and the repository passes its own scan.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cached_property
from typing import cast

from hex_guard.lazyre import lazy
from hex_guard.placeholder import is_placeholder, shannon_entropy


class Severity(IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    def __str__(self) -> str:
        return self.name.lower()


Validator = Callable[[bytes, "re.Match[bytes]"], bool]


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    severity: Severity
    pattern: str
    keywords: tuple[str, ...] = ()
    hint: str = "Rotate the credential, then load it from the environment or a secrets manager."
    # Only files whose repo-relative POSIX path matches run this rule (None: every file).
    paths: str | None = None
    # The rule may span lines, so it runs over the whole fragment instead of the keyword's line.
    multiline: bool = False
    # Optional Hyperscan regex, tighter than the keywords, that every match contains.
    gate: str | None = None
    # Higher wins when two findings cover the same secret (the more specific rule).
    priority: int = 50
    # Leading characters of the secret that are safe to show: a fixed prefix is not secret.
    reveal_prefix: int = 0
    min_entropy: float = 0.0
    # (secret prefix, severity) pairs that override `severity`, first match wins.
    severity_by_prefix: tuple[tuple[str, Severity], ...] = ()
    check_placeholder: bool = True
    # From [[tool.hex-guard.rules]]: compiled with `regex`, every match time-bounded.
    user_defined: bool = False
    validate: Validator | None = field(default=None, compare=False)
    examples: tuple[str, ...] = field(default=(), compare=False)
    counter_examples: tuple[str, ...] = field(default=(), compare=False)
    # Only the examples' matching needs a path, for path-scoped rules.
    example_path: str = "example.txt"

    @cached_property
    def regex(self) -> re.Pattern[bytes]:
        if self.user_defined:
            import regex  # only when a config defines rules: it costs every run ~5 ms to import

            return cast("re.Pattern[bytes]", regex.compile(self.pattern.encode()))
        return re.compile(self.pattern.encode())

    @cached_property
    def path_regex(self) -> re.Pattern[str] | None:
        return re.compile(self.paths) if self.paths else None

    def severity_of(self, secret: str) -> Severity:
        for prefix, severity in self.severity_by_prefix:
            if secret.startswith(prefix):
                return severity
        return self.severity

    def applies_to(self, path: str) -> bool:
        return self.path_regex is None or self.path_regex.search(path) is not None


# --- deterministic fake material for examples -------------------------------------------------

_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _fake(seed: str, n: int, alphabet: str = _B62) -> str:
    """Deterministic filler: FNV-1a of the seed drives a 64-bit LCG (no imports at start-up)."""
    state = 0xCBF29CE484222325
    for byte in seed.encode():
        state = ((state ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    out = []
    for _ in range(n):
        state = (state * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        out.append(alphabet[(state >> 33) % len(alphabet)])
    return "".join(out)


def _hex(seed: str, n: int) -> str:
    return _fake(seed, n, "0123456789abcdef")


def _pw(seed: str) -> str:
    """A password with the classes a real one has: upper, lower, digit, symbol."""
    return _fake(seed, 5) + "7#" + _fake(seed + "b", 4) + "q9"


def _pem(kind: str, seed: str, sep: str = "\n") -> str:
    body = sep.join(_fake(seed + str(i), 64, _B62 + "+/") for i in range(4))
    label = f"{kind} PRIVATE KEY" if kind else "PRIVATE KEY"
    return f"-----BEGIN {label}-----{sep}{body}{sep}-----END {label}-----"


def _jwt(seed: str) -> str:
    return (
        "eyJ" + _fake(seed, 33) + "." + "eyJ" + _fake(seed + "p", 40) + "." + _fake(seed + "s", 43)
    )


_HXTW = "hxtw_" + _hex("hxtw", 96)
_HXTP = "hxtp_" + _hex("hxtp", 96)
_DAPI = "dapi" + _hex("dapi", 32)

# --- shared pieces of patterns -----------------------------------------------------------------

# A quote, optionally JSON-escaped (the line may sit inside a JSON string, e.g. a notebook cell).
_Q = r"""(?:\\?["'])"""
# Where a bare value ends.
_END = r"""(?=$|[\s"'`,;)}\]#\\])"""

_LOOPBACK = lazy(r"^(?:localhost|127(?:\.\d{1,3}){3}|\[?::1\]?|0\.0\.0\.0|host\.docker\.internal)$")
_DEV_HOSTS = frozenset(
    {
        "db",
        "database",
        "postgres",
        "postgresql",
        "mysql",
        "mariadb",
        "redis",
        "mongo",
        "mongodb",
        "clickhouse",
        "trino",
        "presto",
        "rabbitmq",
        "airflow",
        "warehouse",
    }
)


def _secret(m: re.Match[bytes]) -> str:
    return m.group("secret").decode("utf-8", "replace")


def _uri_is_real(data: bytes, m: re.Match[bytes]) -> bool:
    """Drop templated URIs and local-dev defaults such as `postgres:postgres@localhost`."""
    from urllib.parse import unquote

    user = unquote(m.group("user").decode("utf-8", "replace"))
    password = unquote(_secret(m))
    host = (
        m.group("host").decode("utf-8", "replace").lower().split(":")[0] if m.group("host") else ""
    )
    if is_placeholder(password) or "{" in user or "$" in user[:1]:
        return False
    dev_host = bool(_LOOPBACK.match(host)) or host in _DEV_HOSTS or host == user.lower()
    return not (dev_host and user == password)


def _context_line(data: bytes, m: re.Match[bytes]) -> bytes:
    start = data.rfind(b"\n", 0, m.start()) + 1
    end = data.find(b"\n", m.end())
    return data[start : end if end != -1 else len(data)]


_ODBC_CONTEXT = lazy(
    rb"(?i)\b(?:server|data source|address|addr|host|hostname|driver|dsn|database|initial catalog|"
    rb"uid|user id|dbq)\s*="
)


# Two `key=value` pairs joined by `;`: what makes a string ODBC-shaped, not a trailing `;`.
_ODBC_PAIRS = lazy(rb"=[^;\n]*;[ \t]*[A-Za-z][\w ]{0,30}=")


def _odbc_context(data: bytes, m: re.Match[bytes]) -> bool:
    line = _context_line(data, m)
    return _ODBC_PAIRS.search(line) is not None and _ODBC_CONTEXT.search(line) is not None


_LIBPQ_CONTEXT = lazy(rb"(?i)(?:^|[\s'\"])(?:host|hostaddr)\s*=\s*\S")
_LIBPQ_USER = lazy(rb"(?i)(?:^|[\s'\"])(?:user|dbname)\s*=\s*\S")


def _libpq_context(data: bytes, m: re.Match[bytes]) -> bool:
    line = _context_line(data, m)
    return _LIBPQ_CONTEXT.search(line) is not None and _LIBPQ_USER.search(line) is not None


_CALL_NAME = lazy(rb"([A-Za-z_][A-Za-z0-9_.]*)\s*$")
_DB_CALLS = lazy(
    rb"(?i)(?:^|\.)(?:connect|create_engine|create_async_engine|connection|client|engine|session|"
    rb"sql\.connect|dbapi|pool|database|conn)$"
)
_TOKEN_KEYS = frozenset({b"token", b"access_token", b"api_key", b"apikey"})


def _enclosing_call(data: bytes, pos: int, limit: int = 2048) -> bytes | None:
    """Name of the call whose parentheses contain `pos`, looking back at most `limit` bytes."""
    depth = 0
    lo = max(0, pos - limit)
    for i in range(pos - 1, lo - 1, -1):
        c = data[i]
        if c == 0x29:  # )
            depth += 1
        elif c == 0x28:  # (
            if depth == 0:
                name = _CALL_NAME.search(data, max(0, i - 80), i)
                return name.group(1) if name else None
            depth -= 1
    return None


def _driver_call(data: bytes, m: re.Match[bytes]) -> bool:
    call = _enclosing_call(data, m.start())
    if call is None:
        return False
    if m.group("key").lower() in _TOKEN_KEYS:
        return _DB_CALLS.search(call) is not None
    return True


_SA_TYPE = lazy(rb"""\btype(?:\\?["'])?\s*:\s*(?:\\?["'])?service_account\b""")


def _service_account(data: bytes, m: re.Match[bytes]) -> bool:
    return _SA_TYPE.search(data) is not None


_PEM_NOISE = lazy(rb"\\[nr]|\s|Proc-Type:[^\n\\]*|DEK-Info:[^\n\\]*")


def _pem_has_body(data: bytes, m: re.Match[bytes]) -> bool:
    """A stub (`MIIEv...`) or a run of one character is documentation, not a key."""
    block = m.group("secret")
    body = _PEM_NOISE.sub(b"", block[block.find(b"-----", 10) + 5 : block.rfind(b"-----END")])
    return len(body) >= 64 and shannon_entropy(body.decode("ascii", "replace")) >= 4.5


# --- dotenv files ------------------------------------------------------------------------------

_SECRET_KEY_PARTS = frozenset(
    [
        "PASSWORD",
        "PASSWD",
        "PWD",
        "PASS",
        "PASSPHRASE",
        "SECRET",
        "SECRETS",
        "TOKEN",
        "TOKENS",
        "KEY",
        "APIKEY",
        "AUTH",
        "CREDENTIAL",
        "CREDENTIALS",
        "CREDS",
        "PRIVATE",
        "DSN",
        "SALT",
        "SIGNATURE",
        "COOKIE",
        "PAT",
    ]
)
_NON_SECRET_KEY_PARTS = frozenset(
    [
        "URL",
        "URI",
        "HOST",
        "HOSTNAME",
        "PORT",
        "USER",
        "USERNAME",
        "NAME",
        "ID",
        "FILE",
        "PATH",
        "DIR",
        "REGION",
        "ENDPOINT",
        "EXPIRY",
        "TTL",
        "TIMEOUT",
        "LENGTH",
        "ALGORITHM",
        "ALG",
        "TYPE",
        "VERSION",
        "ENABLED",
        "MODE",
        "FORMAT",
        "ISSUER",
        "AUDIENCE",
        "SCOPE",
        "HEADER",
        "LOCATION",
        "FINGERPRINT",
    ]
)
_NON_SECRET_VALUE = lazy(
    r"(?i)^(?:true|false|yes|no|on|off|\d+(?:\.\d+)*|[a-z]+://[^@\s]*|[./~][^\s]*|"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)


def _dotenv_key_is_secret(key: bytes) -> bool:
    parts = re.split(r"[_.\-]", key.decode("ascii", "replace").upper())
    return parts[-1] not in _NON_SECRET_KEY_PARTS and any(p in _SECRET_KEY_PARTS for p in parts)


_TOKEN_CHARS = lazy(r"^[A-Za-z0-9+/=_\-.~]{20,}$")


def _dotenv_value_is_random(value: str) -> bool:
    """A long token-shaped value is a secret whatever its variable is called."""
    return (
        _TOKEN_CHARS.match(value) is not None
        and shannon_entropy(value) >= 4.0
        and any(c.isdigit() for c in value)
        and any(c.isalpha() for c in value)
    )


def _dotenv_secret(data: bytes, m: re.Match[bytes]) -> bool:
    value = _secret(m)
    if _NON_SECRET_VALUE.match(value) or len(value) < 6:
        return False
    return _dotenv_key_is_secret(m.group("key")) or _dotenv_value_is_random(value)


# A `KEY=value` line of a dotenv file (or of decoded Kubernetes Secret data).
_KEY_VALUE_LINE = (
    r"(?m)^[ \t]*(?:export[ \t]+)?(?P<key>[A-Za-z_][A-Za-z0-9_.\-]{0,127})[ \t]*=[ \t]*"
    r"(?P<q>[\"']?)(?P<secret>[^\s\"'#][^\n\"']{0,2047}?)(?P=q)[ \t]*(?:[ \t]#[^\n]*)?\r?$"
)

# Decoded Kubernetes Secret data is scanned under this path suffix (see views.py).
K8S_DATA = "#kubernetes-secret-data"

# Template names are not flagged by name; their content is still scanned by every other rule.
_DOTENV_TEMPLATE = r"(?:example|sample|template|tmpl|tpl|dist|defaults?|schema|skel|stub)"
DOTENV_PATHS = (
    r"(?i)(?:^|/)(?:\.env(?:\.(?![^/]*\."
    + _DOTENV_TEMPLATE
    + r"$)(?!"
    + _DOTENV_TEMPLATE
    + r"$)[^/]+)?|\.envrc|(?!(?:example|sample|template)\.env$)[^/]+\.env)$"
)

_URI_KEYWORDS = (
    "postgres",
    "pgsql",
    "psql",
    "mysql",
    "mariadb",
    "mssql",
    "sqlserver",
    "redshift",
    "snowflake",
    "clickhouse",
    "trino",
    "presto",
    "databricks",
    "athena",
    "dremio",
    "db2",
    "ibm_db",
    "oracle",
    "cockroach",
    "mongodb",
    "redis",
    "amqp",
    "duckdb",
    "vertica",
    "teradata",
    "hive",
    "impala",
    "singlestore",
    "sybase",
    "firebird",
    "neo4j",
    "couchbase",
    "cassandra",
    "exasol",
    "hana",
    "starrocks",
    "doris",
    "motherduck",
)
# Every URI match has its scheme right before `://`.
# (Unbounded: a {0,40} bound here halves Hyperscan's throughput, for the same hits.)
_URI_GATE = "(?:" + "|".join(_URI_KEYWORDS) + r")[a-z0-9_+.\-]*://"

# dotenv files and decoded Kubernetes Secret data are judged alike, one KEY=value per line.
_KEY_VALUE_EXAMPLES = (
    f"DB_PASSWORD={_pw('env1')}",
    f"export STRIPE_SECRET_KEY='{_fake('env2', 32)}'",
    f'SESSION_SECRET="{_fake("env3", 40)}"',
    f"WEBHOOK={_fake('env4', 48)}",
)
_KEY_VALUE_COUNTER_EXAMPLES = (
    "PORT=8080",
    "DB_PASSWORD=",
    "DB_PASSWORD=changeme",
    "API_KEY=${API_KEY}",
    "DATABASE_HOST=db.internal",
    "TOKEN_URL=https://auth.acme.io/token",
    "# SECRET_KEY=commented-out",
)

# --- the rules ---------------------------------------------------------------------------------

_PWA = _pw("uri-a")
_PWB = _pw("uri-b")

RULES: tuple[Rule, ...] = (
    Rule(
        id="hex-api-token",
        description="Hex API token (hxtw_ workspace or hxtp_ personal access token)",
        severity=Severity.CRITICAL,
        pattern=r"(?<![A-Za-z0-9_])(?P<secret>hxt[pw]_[0-9a-f]{96})(?![A-Za-z0-9_])",
        keywords=("hxtp_", "hxtw_"),
        hint="Revoke it in Hex (Settings > API keys), then pass it as a Hex secret or the "
        "HEX_API_TOKEN environment variable.",
        priority=100,
        reveal_prefix=5,
        # A workspace token can be admin-scoped and may never expire (DOMAIN.md §1.3).
        severity_by_prefix=(("hxtp_", Severity.HIGH),),
        examples=(
            f"HEX_API_TOKEN={_HXTW}",
            f"Authorization: Bearer {_HXTP}",
            f'client = HexClient(token="{_HXTP}")',
            f"hex_token: '{_HXTW}'",
        ),
        counter_examples=(
            "TOKEN = 'hxtp_5bbf1c8b1989d6657d5c...'",
            "hxtp_crypto_sign_keypair(pk, sk);",
            f"HXTP_{_hex('upper', 96).upper()}",
            f"{_HXTW}0",
            "HEX_API_TOKEN=hxtw_...",
        ),
    ),
    Rule(
        id="hex-token",
        description="Hex token in the hex_token_ form",
        severity=Severity.HIGH,
        pattern=r"(?<![A-Za-z0-9_])(?P<secret>hex_token_[A-Za-z0-9_\-]{20,200})(?![A-Za-z0-9_\-])",
        keywords=("hex_token_",),
        hint="Revoke it in Hex, then load it from a Hex secret or an environment variable.",
        priority=90,
        reveal_prefix=10,
        min_entropy=3.0,
        examples=(
            f"HEX_API_TOKEN=hex_token_{_fake('hex_token', 28)}",
            f'token = "hex_token_{_fake("hex_token2", 32)}"',
            f"  api_token: hex_token_{_fake('hex_token3', 40)}",
        ),
        counter_examples=(
            "HEX_API_TOKEN=hex_token_abc123...",
            "_HEX_TOKEN_RE = re.compile(r'x')",
            "hex_token_balance_for_the_account",
            "hex_token_id = 12",
        ),
    ),
    Rule(
        id="hex-token-assignment",
        description="Value assigned to a Hex token variable (HEX_API_TOKEN, HEX_TOKEN, ...; "
        "HEX_API_KEY is also hex.pm's name)",
        severity=Severity.HIGH,
        pattern=(
            r"(?im)(?<![A-Za-z0-9])(?P<key>(?:[A-Za-z0-9]{1,32}_){0,3}HEX_(?:[A-Za-z0-9]{1,32}_){0,3}"
            r"(?:TOKEN|KEY|APIKEY|SECRET|PAT|PASSWORD))(?![A-Za-z0-9_])"
            r"""(?:\\?["'])?\]?[ \t]*(?::=|\?=|=>|=|:)[ \t]*(?:\\?["'])?"""
            r"(?P<secret>[A-Za-z0-9_\-.+/=]{16,256})" + _END
        ),
        keywords=("hex_",),
        hint="Revoke the token, then read it from the environment or a secrets manager; keep "
        "only the variable name in the repository.",
        priority=60,
        examples=(
            f"HEX_TOKEN={_fake('assign1', 32)}",
            f'export HEX_API_TOKEN="{_fake("assign2", 40)}"',
            f"  HEX_RUN_TOKEN: {_fake('assign3', 24)}",
            f'os.environ["HEX_API_KEY"] = "{_fake("assign4", 30)}"',
        ),
        counter_examples=(
            "HEX_API_TOKEN: ${{ secrets.HEX_API_TOKEN }}",
            "HEX_TOKEN=$HEX_TOKEN",
            'HEX_API_TOKEN = os.environ["HEX_API_TOKEN"]',
            "HEX_API_TOKEN={{ hex_token }}",
            "HEX_API_TOKEN=your_hex_api_token_here",
            "HEX_API_KEY=",
        ),
    ),
    Rule(
        id="db-uri-password",
        description="Database connection URI with an embedded password",
        severity=Severity.HIGH,
        pattern=(
            r"(?i)(?<![A-Za-z0-9+.\-])(?P<scheme>(?:postgres(?:ql)?|pgsql|psql|mysql|mariadb|mssql|"
            r"sqlserver|redshift|snowflake|clickhouse(?:db)?|trino|presto|databricks|awsathena|"
            r"athena|dremio|db2|ibm_db_sa|oracle|cockroachdb|mongodb(?:\+srv)?|rediss?|amqps?|duckdb|"
            r"vertica|teradata(?:sql)?|hive|impala|singlestoredb|sybase|firebird|neo4j(?:\+s)?|"
            r"couchbase|cassandra|exasol|hana|starrocks|doris|motherduck)(?:\+[a-z0-9_]+)?)://"
            r"(?P<user>[^\s:@/\"'`<>]{0,256}):(?P<secret>[^\s/?\"'`<>]{1,256})@"
            r"(?P<host>\[[0-9A-Fa-f:.]+\](?::\d+)?|[A-Za-z0-9.\-_%]+(?::\d+)?)"
        ),
        keywords=_URI_KEYWORDS,
        gate=_URI_GATE,
        hint="Rotate the database password, then build the URI from environment variables or "
        "a Hex data connection.",
        priority=70,
        check_placeholder=False,  # _uri_is_real runs it on the percent-decoded password
        validate=_uri_is_real,
        examples=(
            f"postgresql+psycopg2://analytics:{_PWA}@db.prod.acme.io:5432/warehouse",
            f"DATABASE_URL=mysql://etl:{_PWB}@10.0.3.7:3306/dw",
            f"mongodb+srv://app:{_pw('mongo')}@cluster0.ab1cd.mongodb.net/prod",
            f"snowflake://HEX_SVC:{_pw('sf')}@xy12345.us-east-1/ANALYTICS/PUBLIC?warehouse=WH",
            f"redis://:{_pw('redis')}@[2001:db8::7]:6379/0",
            f"trino://alice%40acme.com:{_pw('trino')}@acme.trino.galaxy.starburst.io:443/hive",
            f"postgres://svc:p@ss:{_pw('at')}@pg.internal.acme.io/db",
        ),
        counter_examples=(
            "postgresql://${DB_USER}:${DB_PASSWORD}@db:5432/app",
            "postgresql://user:password@localhost:5432/db",
            "mysql://root:changeme@127.0.0.1/app",
            "postgresql://%(user)s:%(password)s@%(host)s/db",
            "postgresql+psycopg2://airflow:airflow@postgres/airflow",
            "postgresql://user@localhost/db",
            'url = f"postgresql://{user}:{password}@{host}/db"',
            "mongodb://h1:27017,h2:27017/?replicaSet=rs0",
            "postgres://<user>:<password>@<host>:5432/<db>",
        ),
    ),
    Rule(
        id="jdbc-password",
        description="JDBC URL with a password parameter",
        severity=Severity.HIGH,
        pattern=(
            r"(?i)\bjdbc:[a-z0-9\-]{2,30}:[^\s\"'<>]{0,512}?[;?&:](?:password|pwd)\s*=\s*"
            r"(?P<secret>[^;&\s\"'<>]{1,256})"
        ),
        keywords=("jdbc:",),
        hint="Rotate the password and pass it through the driver's properties or the environment.",
        priority=75,
        examples=(
            f"jdbc:sqlserver://sql01.acme.local:1433;databaseName=dw;user=etl;password={_pw('j1')};encrypt=true",
            f"jdbc:snowflake://xy12345.snowflakecomputing.com/?user=u&password={_pw('j2')}",
            f"jdbc:mysql://db.acme.io:3306/dw?user=etl&password={_pw('j3')}&useSSL=true",
            f"jdbc:awsathena://AwsRegion=us-east-1;User=AKIA0;Password={_pw('j4')}",
        ),
        counter_examples=(
            "jdbc:postgresql://pg.acme.io:5432/dw?user=etl&ssl=true",
            "jdbc:sqlserver://h:1433;databaseName=dw;user=etl;password=${JDBC_PASSWORD}",
            "jdbc:mysql://h/db?user=u&password=<password>",
            "jdbc:mysql://h/db?user=u&password=",
        ),
    ),
    Rule(
        id="odbc-password",
        description="ODBC / ADO.NET connection string with a password",
        severity=Severity.HIGH,
        pattern=(
            r"(?im)(?:^|[;\s\"'{])(?:password|pwd)\s*=\s*"
            r"(?P<secret>\{[^}\n]{1,128}\}|[^;\"'\s\\][^;\"'\n\\]{0,127}?)(?=\s*(?:;|$|[\"'\\]))"
        ),
        keywords=("pwd", "password"),
        gate=r"(?:password|pwd)[ \t]*=",
        hint="Rotate the password; use integrated authentication or read it from the environment.",
        priority=72,
        validate=_odbc_context,
        examples=(
            "Driver={ODBC Driver 18 for SQL Server};Server=tcp:acme.database.windows.net,1433;"
            f"Database=dw;Uid=hex;Pwd={_pw('o1')};Encrypt=yes;",
            f"Server=sql.acme.io;Initial Catalog=dw;User ID=hex;Password={_pw('o2')};",
            f"DATABASE=BLUDB;HOSTNAME=db2.acme.io;PORT=50000;UID=u;PWD={_pw('o3')};",
        ),
        counter_examples=(
            "Server=localhost;Database=dw;Trusted_Connection=True;",
            "Server=sql.acme.io;Database=dw;User ID=hex;Password=<password>;",
            "Server={0};Database={1};User Id={2};Password={3};",
            "Server=sql.acme.io;Database=dw;User ID=hex;Password=;",
        ),
    ),
    Rule(
        id="libpq-dsn-password",
        description="libpq key=value DSN with a password",
        severity=Severity.HIGH,
        pattern=r"(?im)(?:^|[\s\"'])password\s*=\s*(?P<secret>'[^'\n]{1,128}'|[^\s'\";\\]{1,128})",
        keywords=("password",),
        gate=r"password[ \t]*=",
        hint="Rotate the password; use a .pgpass file outside the repository or PGPASSWORD.",
        priority=71,
        validate=_libpq_context,
        examples=(
            f"host=pg.acme.io port=5432 dbname=analytics user=hex password={_pw('l1')} sslmode=on",
            f'conn = psycopg2.connect("host=10.1.2.3 user=etl password={_pw("l2")}")',
            f"PG_DSN='host=pg dbname=dw user=app password={_pw('l3')}'",
        ),
        counter_examples=(
            "host=localhost dbname=analytics user=hex",
            "host=pg dbname=dw user=app password=%(pw)s",
            "host=pg dbname=dw user=app password=$PGPASSWORD",
            "password=hunter2",
        ),
    ),
    Rule(
        id="driver-call-password",
        description="Literal password or token passed to a database driver call",
        severity=Severity.MEDIUM,
        pattern=(
            r"(?i)(?<![A-Za-z0-9_])(?P<key>password|passwd|pwd|passphrase|private_key_passphrase|"
            r"access_token|token|api_key|apikey)\s*=(?!=)\s*(?P<q>\\?[\"'])"
            r"(?P<secret>[^\"'\s\\]{6,256})(?P=q)"
        ),
        keywords=("password", "passwd", "pwd", "passphrase", "token", "api_key", "apikey"),
        gate=r"(?:password|passwd|pwd|passphrase|token|api_key|apikey)[ \t]*=[ \t]*\\?[\"']",
        hint="Read the credential from the environment or a Hex secret instead of a literal.",
        priority=50,
        validate=_driver_call,
        examples=(
            f"snowflake.connector.connect(user='HEX_SVC', password='{_pw('k1')}', account='xy1')",
            f'db = pymysql.connect(host="db.acme.io", user="etl", passwd="{_pw("k2")}")',
            "conn = sql.connect(server_hostname=h, http_path=p, access_token='"
            + _fake("k3", 40)
            + "')",
            f"psycopg2.connect(\n    host='pg',\n    password='{_pw('k4')}',\n)",
        ),
        counter_examples=(
            'connect(password=os.environ["SF_PASSWORD"])',
            "connect(password='your_password')",
            "tokenizer.encode(text, token='EOS_TOKEN')",
            "check(password == 'Tr0ub4dor99')",
        ),
    ),
    Rule(
        id="databricks-token",
        description="Databricks personal access token",
        severity=Severity.CRITICAL,
        pattern=r"(?<![A-Za-z0-9])(?P<secret>dapi[0-9a-f]{32}(?:-\d)?)(?![A-Za-z0-9])",
        keywords=("dapi",),
        hint="Revoke it in Databricks (User Settings > Developer > Access tokens); use OAuth or a "
        "secret scope.",
        priority=95,
        reveal_prefix=4,
        min_entropy=3.0,
        examples=(
            f"token: {_DAPI}",
            f'DATABRICKS_TOKEN="{_DAPI}-2"',
            f"databricks://token:{_DAPI}@adb-1234567890123456.7.azuredatabricks.net?http_path=/sql",
        ),
        counter_examples=(
            'DATABRICKS_ACCESS_TOKEN="dapiXXXXXXXXXXXXXXXXXXXXXXXXXXXX"',
            "dapi123",
            f"dapi{'0' * 32}",
            f"mydapi{_hex('inner', 32)}",
        ),
    ),
    Rule(
        id="private-key",
        description="PEM private key (Snowflake key pair, service account, SSH)",
        severity=Severity.CRITICAL,
        pattern=(
            r"(?P<secret>-----BEGIN[ A-Z0-9_\-]{0,40}PRIVATE KEY(?: BLOCK)?-----"
            # Backslashes, `"` and `,` let a JSON-escaped key, or one split across notebook
            # source strings, still match.
            r"[A-Za-z0-9+/=\s:,\-\"\\]{64,16384}?"
            r"-----END[ A-Z0-9_\-]{0,40}PRIVATE KEY(?: BLOCK)?-----)"
        ),
        keywords=("private key-----", "private key block-----"),
        hint="Treat the key pair as compromised: register a new public key and remove this one.",
        priority=85,
        reveal_prefix=-1,
        multiline=True,
        check_placeholder=False,
        validate=_pem_has_body,
        examples=(
            _pem("ENCRYPTED", "pem1"),
            _pem("RSA", "pem2"),
            '"private_key": "' + _pem("", "pem3", "\\n") + '\\n"',
        ),
        counter_examples=(
            "-----BEGIN PRIVATE KEY----- MIIEv... -----END PRIVATE KEY-----",
            "-----BEGIN PUBLIC KEY-----\n" + _fake("pub", 64) + "\n-----END PUBLIC KEY-----",
            "-----BEGIN RSA PRIVATE KEY-----\n" + "A" * 64 + "\n-----END RSA PRIVATE KEY-----",
        ),
    ),
    Rule(
        id="gcp-service-account",
        description="Google Cloud service-account key (BigQuery) with its private key",
        severity=Severity.CRITICAL,
        pattern=(
            r"""\\?["']private_key\\?["']\s*:\s*\\?["'](?P<secret>-----BEGIN[ A-Z]{0,20}PRIVATE """
            r"""KEY-----[^"']{64,16384}?-----END[ A-Z]{0,20}PRIVATE KEY-----)"""
        ),
        keywords=("service_account",),
        hint="Delete the key in Google Cloud IAM and use workload identity or a secret manager.",
        priority=97,
        reveal_prefix=-1,
        multiline=True,
        check_placeholder=False,
        validate=lambda data, m: _service_account(data, m) and _pem_has_body(data, m),
        examples=(
            '{"type": "service_account", "project_id": "acme-analytics", "private_key_id": "'
            + _hex("kid", 40)
            + '", "private_key": "'
            + _pem("", "sa1", "\\n")
            + '\\n", '
            '"client_email": "hex@acme-analytics.iam.gserviceaccount.com"}',
            '{\n  "type": "service_account",\n  "private_key": "' + _pem("", "sa2", "\\n") + '"\n}',
            'keyfile_json:\n  type: service_account\n  "private_key": "'
            + _pem("", "sa3", "\\n")
            + '"',
        ),
        counter_examples=(
            '{"type": "service_account", "private_key": "<PRIVATE_KEY>"}',
            '{"type": "service_account", "private_key": ""}',
            '{"type": "authorized_user", "client_id": "x"}',
        ),
    ),
    Rule(
        id="motherduck-token",
        description="MotherDuck access token",
        severity=Severity.HIGH,
        pattern=(
            r"""(?i)\bmotherduck_token(?:\\?["'])?\s*(?:=|:|,)\s*(?:\\?["'])?"""
            r"(?P<secret>eyJ[A-Za-z0-9_\-]{10,2048}\.[A-Za-z0-9_\-]{10,4096}\.[A-Za-z0-9_\-]{10,2048})"
        ),
        keywords=("motherduck_token",),
        hint="Revoke it in MotherDuck settings and read it from the motherduck_token env var.",
        priority=90,
        reveal_prefix=3,
        examples=(
            f"duckdb.connect('md:prod?motherduck_token={_jwt('md1')}')",
            f"export motherduck_token={_jwt('md2')}",
            f'MOTHERDUCK_TOKEN: "{_jwt("md3")}"',
        ),
        counter_examples=(
            "export motherduck_token='xxxx'",
            "motherduck_token=$MD_TOKEN",
            "duckdb.connect(f'md:?motherduck_token={token}')",
        ),
    ),
    Rule(
        id="dbt-profile-secret",
        description="Literal secret in a dbt profiles.yml",
        severity=Severity.HIGH,
        pattern=(
            r"(?im)^[ \t]*(?:password|pass|token|private_key_passphrase|client_secret|"
            r"keyfile_json_private_key)[ \t]*:[ \t]*(?P<q>[\"']?)"
            r"(?P<secret>[^\s\"'#{}\[\]<>$](?:[^\s\"']|[ \t]+(?=[^\s#])){3,255}?)(?P=q)"
            r"[ \t]*(?:#[^\n]*)?$"
        ),
        keywords=("pass", "token", "secret"),
        hint="Use {{ env_var('DBT_PASSWORD') }} in profiles.yml and keep the value out of git.",
        paths=r"(?:^|/)profiles\.ya?ml$",
        example_path="profiles.yml",
        priority=45,
        examples=(
            f"      password: {_pw('dbt1')}",
            f'      pass: "{_pw("dbt2")}"',
            f"      token: {_fake('dbt3', 36)}",
        ),
        counter_examples=(
            "      password: \"{{ env_var('DBT_PASSWORD') }}\"",
            "      pass: [dev_password]",
            "      password: <password>",
            "      token: {{ env_var('DATABRICKS_TOKEN') }}",
        ),
    ),
    Rule(
        id="connection-secret-field",
        description="Secret field of a data-connection payload (Hex connectionDetails, JSON/YAML)",
        severity=Severity.HIGH,
        pattern=(
            r"(?i)\\?[\"'](?:password|db_password|privateKey|private_key_passphrase|"
            r"privateKeyPassphrase|passphrase|accessToken|secretAccessKey|secret_access_key|"
            r"clientSecret|client_secret)\\?[\"']\s*:\s*\\?[\"']"
            r"(?P<secret>[^\"'\s\\]{8,512})\\?[\"']"
        ),
        keywords=(
            "password",
            "privatekey",
            "passphrase",
            "accesstoken",
            "secretaccesskey",
            "secret_access_key",
            "clientsecret",
            "client_secret",
        ),
        hint="Rotate the credential; create the connection in Hex's UI or read it from a secret.",
        priority=40,
        examples=(
            f'{{"connectionDetails": {{"redshift": {{"user": "u", "password": "{_pw("f1")}"}}}}}}',
            f'"secretAccessKey": "{_fake("f2", 40)}"',
            f"{{'clientSecret': '{_fake('f3', 32)}'}}",
        ),
        counter_examples=(
            '"password": "NEW_SECURE_PASSWORD"',
            '"password": "${DB_PASSWORD}"',
            '"password": "********"',
            '"password": "{{ secret(\'pw\') }}"',
        ),
    ),
    Rule(
        id="dotenv-secret",
        description="Committed dotenv file holding a real secret value",
        severity=Severity.HIGH,
        pattern=_KEY_VALUE_LINE,
        hint="Remove the file from git (git rm --cached), add it to .gitignore, rotate the "
        "values, and commit a .env.example with placeholders instead.",
        paths=DOTENV_PATHS,
        example_path=".env",
        multiline=True,
        priority=30,
        validate=_dotenv_secret,
        examples=_KEY_VALUE_EXAMPLES,
        counter_examples=_KEY_VALUE_COUNTER_EXAMPLES,
    ),
    Rule(
        id="kubernetes-secret",
        description="Kubernetes Secret data value (base64-decoded) holding a real secret",
        severity=Severity.HIGH,
        pattern=_KEY_VALUE_LINE,
        hint="Base64 is not encryption: rotate the value and keep Secrets out of git "
        "(sealed-secrets, external-secrets or SOPS).",
        paths=re.escape(K8S_DATA) + "$",
        example_path="deploy/secret.yaml" + K8S_DATA,
        multiline=True,
        priority=31,
        validate=_dotenv_secret,
        examples=_KEY_VALUE_EXAMPLES,
        counter_examples=_KEY_VALUE_COUNTER_EXAMPLES,
    ),
)

RULES_BY_ID = {rule.id: rule for rule in RULES}
