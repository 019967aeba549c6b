"""The built-in rule table: connection strings, keys, Hex and Databricks tokens, .env files.

Patterns run on bytes (a file is never decoded unless it holds a finding) and are compiled lazily:
a hook run compiles only the rules whose keywords appear in the staged files. Every pattern is
bounded (no nested unbounded repetition), which is why built-in rules use the stdlib `re`.
"""

from __future__ import annotations

import re

from hex_guard.decoders.encoded import KUBERNETES
from hex_guard.lazyre import lazy
from hex_guard.placeholder import shannon_entropy
from hex_guard.rules import validators as v
from hex_guard.rules.fake import fake as _fake
from hex_guard.rules.fake import hexs as _hex
from hex_guard.rules.fake import jwt as _jwt
from hex_guard.rules.fake import pem as _pem
from hex_guard.rules.fake import pw as _pw
from hex_guard.rules.model import Confidence, Rule, Severity
from hex_guard.rules.vocab import DB_SCHEMES, alternation, key_is_secret, minimal_keywords

_HXTW = "hxtw_" + _hex("hxtw", 96)
_HXTP = "hxtp_" + _hex("hxtp", 96)
_DAPI = "dapi" + _hex("dapi", 32)

# --- shared pieces of patterns -----------------------------------------------------------------

# A quote, optionally JSON-escaped (the line may sit inside a JSON string, e.g. a notebook cell).
_Q = r"""(?:\\?["'])"""
# Where a bare value ends.
_END = r"""(?=$|[\s"'`,;)}\]#\\])"""

_SNAKE_NAME = lazy(rb"^[a-z]+(?:_[a-z]+)+$")
_NON_SECRET_VALUE = lazy(
    r"(?i)^(?:true|false|yes|no|on|off|\d+(?:\.\d+)*|[a-z]+://[^@\s]*|[./~][^\s]*|"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)

_TOKEN_CHARS = lazy(r"^[A-Za-z0-9+/=_\-.~]{20,}$")
# Lower-case words joined by `_ . -` are a name, an account or a host, not a token
# (`snowflake_deployment.us-east-1` under a Secret's `account:`, issue 9).
_NAME_OF_WORDS = lazy(r"^[a-z]+(?:[_.\-](?:[a-z]+\d*|\d{1,4}))+$")


def _dotenv_value_is_random(value: str) -> bool:
    """A long token-shaped value is a secret whatever its variable is called."""
    return (
        _TOKEN_CHARS.match(value) is not None
        and _NAME_OF_WORDS.match(value) is None
        and shannon_entropy(value) >= 4.0
        and any(c.isdigit() for c in value)
        and any(c.isalpha() for c in value)
    )


def _dotenv_secret(data: bytes, m: re.Match[bytes]) -> bool:
    value = v.secret_of(m)
    if _NON_SECRET_VALUE.match(value) or len(value) < 6 or v.user_beside(data, m, value):
        return False
    return key_is_secret(m.group("key").decode("ascii", "replace")) or _dotenv_value_is_random(
        value
    )


# A `KEY=value` line of a dotenv file (or of decoded Kubernetes Secret data).
# A `KEY=value` line of a dotenv file (or of decoded Kubernetes Secret data). A quoted value is
# one greedy run up to its closing quote; a bare value is whitespace-separated words, a word that
# starts with `#` after a space beginning the comment. No part can match the same bytes two ways,
# so a failed line costs one pass (the lazy `{0,2047}?` form re-read the rest of the line for
# every character it grew: quadratic on lines near the cap, issue 10 item 11).
_KEY_VALUE_LINE = (
    r"(?m)^[ \t]*(?:export[ \t]+)?(?P<key>[A-Za-z_][A-Za-z0-9_.\-]{0,127})[ \t]*=[ \t]*"
    r"(?P<q>[\"'])?"
    r"(?P<secret>(?(q)[^\s\"'#][^\n\"']{0,2047}|[^\s\"'#][^\s\"']{0,2047}"
    r"(?:[ \t]+[^\s\"'#][^\s\"']{0,2047}){0,64}))"
    r"(?(q)(?P=q))[ \t]*(?:#[^\n]*)?\r?$"
)

# Template names are not flagged by name; their content is still scanned by every other rule.
_DOTENV_TEMPLATE = r"(?:example|sample|template|tmpl|tpl|dist|defaults?|schema|skel|stub)"
DOTENV_PATHS = (
    r"(?i)(?:^|/)(?:\.env(?:\.(?![^/]*\."
    + _DOTENV_TEMPLATE
    + r"$)(?!"
    + _DOTENV_TEMPLATE
    + r"$)[^/]+)?|\.envrc|(?!(?:example|sample|template)\.env$)[^/]+\.env)$"
)

# Pattern, keywords and gate of the URI rule all come from DB_SCHEMES.
_URI_KEYWORDS = minimal_keywords(s.split("+")[0] for s in DB_SCHEMES)
# Every URI match has its scheme right before `://`.
# (Unbounded: a {0,40} bound here halves Hyperscan's throughput, for the same hits.)
_URI_GATE = "(?:" + "|".join(_URI_KEYWORDS) + r")[a-z0-9_+.\-]*://"
_URI_SCHEME = alternation(DB_SCHEMES)

# dotenv files and decoded Kubernetes Secret data are judged alike, one KEY=value per line.
_KEY_VALUE_EXAMPLES = (
    f"DB_PASSWORD={_pw('env1')}",
    f"export STRIPE_SECRET_KEY='{_fake('env2', 32)}'",
    f'PARTNER_API_SECRET="{_fake("env3", 40)}"',
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
    # issue 9, feast's operator docs: a Snowflake account name under a Secret's stringData.
    "SNOWFLAKE_ACCOUNT=snowflake_deployment.us-east-1",
    # issue 9, feast's MinIO demo Secret: the product the key names, plus digits.
    "MINIO_ROOT_PASSWORD=minio123",
)

# --- the rules ---------------------------------------------------------------------------------

_PWA = _pw("uri-a")
_PWB = _pw("uri-b")

TABLE: tuple[Rule, ...] = (
    Rule(
        id="hex-api-token",
        description="Hex API token (hxtw_ workspace or hxtp_ personal access token)",
        severity=Severity.CRITICAL,
        pattern=r"(?<![A-Za-z0-9_])(?P<secret>hxt[pw]_[0-9a-f]{96})(?![A-Za-z0-9_])",
        keywords=("hxtp_", "hxtw_"),
        hint="Revoke it in Hex (Settings > API keys), then pass it as a Hex secret or the "
        "HEX_API_TOKEN environment variable.",
        priority=100,
        confidence=Confidence.HIGH,
        reveal_prefix=5,
        # A workspace token can be admin-scoped and may never expire
        # (learn.hex.tech/docs/api/api-overview).
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
        # A snake_case identifier after the prefix is a variable name, not a token body.
        validate=lambda data, m: _SNAKE_NAME.match(m.group("secret")[10:]) is None,
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
            r"(?i)(?<![A-Za-z0-9+.\-])(?P<scheme>" + _URI_SCHEME + r"(?:\+[a-z0-9_]+)?)://"
            r"(?P<user>[^\s:@/\"'`<>]{0,256}):(?P<secret>[^\s/?\"'`<>]{1,256})@"
            # A host, or an f-string/format slot standing for one: the password may still be a
            # literal (`f"postgresql://{user}:Pw@{host}/db"`).
            r"(?P<host>\[[0-9A-Fa-f:.]+\](?::\d+)?|(?:[A-Za-z0-9.\-_%]|\{[A-Za-z_][\w.]{0,64}\}){1,256}"
            r"(?::(?:\d+|\{[A-Za-z_][\w.]{0,64}\}))?)"
        ),
        keywords=_URI_KEYWORDS,
        gate=_URI_GATE,
        hint="Rotate the database password, then build the URI from environment variables or "
        "a Hex data connection.",
        priority=70,
        check_placeholder=False,  # v.uri_is_real runs it on the percent-decoded password
        validate=v.uri_is_real,
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
            r"(?i)\bjdbc:[a-z0-9\-]{2,30}:[^\s\"'<>]{0,512}?[;?&:](?:password|pwd)[ \t]*=[ \t]*"
            r"(?P<secret>[^;&\s\"'<>]{1,256})"
        ),
        keywords=("jdbc:",),
        hint="Rotate the password and pass it through the driver's properties or the environment.",
        priority=75,
        validate=v.not_user_beside,
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
            # `[ \t]*`, and no `key=` as the value: an empty `Password=` must not swallow the
            # next pair (`Password=;Server=x`, or `Server=x` on the next line).
            r"(?im)(?:^|[;\s\"'{])(?:password|pwd)[ \t]*=[ \t]*(?![A-Za-z][\w ]{0,30}=)"
            r"(?P<secret>\{[^}\n]{1,128}\}|[^;\"'\s\\][^;\"'\n\\]{0,127}?)"
            r"(?=[ \t]*(?:;|$|[\"'\\]|&(?:amp|quot|apos);))"
        ),
        keywords=("pwd", "password"),
        gate=r"(?:password|pwd)[ \t]*=",
        hint="Rotate the password; use integrated authentication or read it from the environment.",
        priority=72,
        validate=v.odbc_context,
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
        # A libpq DSN has no commas or parentheses: `password=password,` is a Python call.
        pattern=(
            r"(?im)(?:^|[\s\"'])password[ \t]*=[ \t]*(?![A-Za-z]\w{0,30}=)"
            r"(?P<secret>'[^'\n]{1,128}'|[^\s'\";\\,()]{1,128})(?=$|[\s'\"\\])"
        ),
        keywords=("password",),
        gate=r"password[ \t]*=",
        hint="Rotate the password; use a .pgpass file outside the repository or PGPASSWORD.",
        priority=71,
        validate=v.libpq_context,
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
            # issue 9 (held-out dbt-duckdb's DSN parser tests): three characters repeated.
            "dbname=db host=h user=u password=aa?bb sslmode=require",
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
        validate=v.driver_call,
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
        confidence=Confidence.HIGH,
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
            # source strings, still match. No run of five dashes: the body ends at the next
            # armour line, so a header without its END costs the bytes up to the next one, not
            # 16 KB of retries each (repeated headers were 250x an ordinary file; issue 10).
            r"(?:[A-Za-z0-9+/=\s:,\"\\]|-(?!----)){64,16384}?"
            r"-----END[ A-Z0-9_\-]{0,40}PRIVATE KEY(?: BLOCK)?-----)"
        ),
        keywords=("private key-----", "private key block-----"),
        hint="Treat the key pair as compromised: register a new public key and remove this one.",
        priority=85,
        confidence=Confidence.HIGH,
        reveal_prefix=-1,
        multiline=True,
        check_placeholder=False,
        validate=v.pem_has_body,
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
            r"""KEY-----(?:[^"'\-]|-(?!----)){64,16384}?-----END[ A-Z]{0,20}PRIVATE KEY-----)"""
        ),
        # Gated on the key itself, not on `service_account` (the validator requires that type):
        # JSON schemas name service accounts everywhere, and each hit ran this whole-file
        # regex, ~0.1 s of a 139 MB tree scan on 14 files that hold no key.
        keywords=("private_key",),
        gate=r"""private_key\\?["']\s*:\s*\\?["']-----BEGIN""",
        hint="Delete the key in Google Cloud IAM and use workload identity or a secret manager.",
        priority=97,
        confidence=Confidence.HIGH,
        reveal_prefix=-1,
        multiline=True,
        check_placeholder=False,
        validate=v.service_account_key,
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
        confidence=Confidence.HIGH,
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
            # The opening quote spelled as four literals (`\\?["']` means the same): `re` then
            # finds candidates by a C-speed search for them instead of trying the optional
            # backslash at every byte (the rule reads 0.5 MB of lines in the bench corpus).
            r"(?i)(?:\\\"|\\'|\"|')(?:password|db_password|privateKey|private_key_passphrase|"
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
        validate=v.field_value_is_secret,
        examples=(
            f'{{"connectionDetails": {{"redshift": {{"user": "u", "password": "{_pw("f1")}"}}}}}}',
            f'"secretAccessKey": "{_fake("f2", 36)}"',
            f"{{'clientSecret': '{_fake('f3', 32)}'}}",
        ),
        counter_examples=(
            '"password": "NEW_SECURE_PASSWORD"',
            '"password": "${DB_PASSWORD}"',
            '"password": "********"',
            '"password": "{{ secret(\'pw\') }}"',
            '"privateKey": "/run/secrets/snowflake_key.p8"',
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
        decoded_by=KUBERNETES,
        example_path="deploy/secret.yaml",
        multiline=True,
        priority=31,
        validate=_dotenv_secret,
        examples=_KEY_VALUE_EXAMPLES,
        counter_examples=_KEY_VALUE_COUNTER_EXAMPLES,
    ),
)
