"""Word lists that more than one rule family builds from: each is defined here once.

A rule's pattern, its prefilter keywords and its Hyperscan gate are all derived from the same
list (see `alternation`), so adding a scheme or a key word cannot update one and miss another.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Database URI schemes, as the SQLAlchemy dialects and the drivers' docs spell them.
DB_SCHEMES = (
    "postgres",
    "postgresql",
    "pgsql",
    "psql",
    "mysql",
    "mariadb",
    "mssql",
    "sqlserver",
    "redshift",
    "snowflake",
    "clickhouse",
    "clickhousedb",
    "trino",
    "presto",
    "databricks",
    "awsathena",
    "athena",
    "dremio",
    "db2",
    "ibm_db_sa",
    "oracle",
    "cockroachdb",
    "mongodb",
    "mongodb+srv",
    "redis",
    "rediss",
    "amqp",
    "amqps",
    "duckdb",
    "vertica",
    "teradata",
    "teradatasql",
    "hive",
    "impala",
    "singlestoredb",
    "sybase",
    "firebird",
    "neo4j",
    "neo4j+s",
    "couchbase",
    "cassandra",
    "exasol",
    "hana",
    "starrocks",
    "doris",
    "motherduck",
)

# Parts of a variable name that say it holds a secret (split on `_`, `.`, `-`).
SECRET_KEY_PARTS = frozenset(
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
# A name ending in one of these holds something about a secret, not the secret itself.
NON_SECRET_KEY_PARTS = frozenset(
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
        "FIELD",
        "COLUMN",
        "PARAM",
        "PROMPT",
        "POLICY",
        "RESET",
        "HASH",
        "HASHED",
        "DIGEST",
        "REQUIRED",
        "MIN",
        "MAX",
        "COUNT",
        "ATTEMPTS",
        "LABEL",
        "ENV",
        "VAR",
        "CMD",
        "COMMAND",
        "PROVIDER",
        "MANAGER",
        "STORE",
        "BACKEND",
        "CLASS",
        "REF",
        "ARN",
    ]
)


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first so that a longer word wins."""
    return (
        "(?:" + "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w))) + ")"
    )


def minimal_keywords(words: Iterable[str]) -> tuple[str, ...]:
    """The words none of which contains another: a prefilter hit on the shorter one suffices."""
    ordered = sorted({w.lower() for w in words}, key=lambda w: (len(w), w))
    kept: list[str] = []
    for word in ordered:
        if not any(k in word for k in kept):
            kept.append(word)
    return tuple(kept)


# A part ending in one of these is a secret's name even run together (`PGPASSWORD`, `MYSQL_PWD`).
_SECRET_SUFFIXES = ("PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "APIKEY")


def key_is_secret(key: str) -> bool:
    """`DB_PASSWORD`, `stripe.secretKey`, `PGPASSWORD`: a name whose parts say it holds a secret."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", key)
    parts = [p for p in re.split(r"[_.\-\s\[\]'\"]+", spaced.upper()) if p]
    if not parts or parts[-1] in NON_SECRET_KEY_PARTS:
        return False
    return any(p in SECRET_KEY_PARTS or p.endswith(_SECRET_SUFFIXES) for p in parts)
