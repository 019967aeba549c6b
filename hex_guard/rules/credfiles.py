"""Passwords in the credential files client tools read (`.pgpass`, `.netrc`), and passwords
handed to a string-keyed setter (Spark's `.option("password", ...)`, Java's
`props.setProperty("password", ...)`), where no `key = value` syntax surrounds them.

Each file format is the tool's own: PostgreSQL's password file is one
`hostname:port:database:username:password` entry a line, `:` and `\\` escaped with a backslash,
`#` starting a comment (postgresql.org/docs/current/libpq-pgpass.html); a netrc file is
whitespace-separated tokens, `password string` among them (GNU inetutils' ftp manual, "The .netrc
file"; curl reads the same format: everything.curl.dev/usingcurl/netrc). Keyed findings:
`confidence: medium`.
"""

from __future__ import annotations

import re

from hex_guard.rules import validators as v
from hex_guard.rules.fake import pw
from hex_guard.rules.model import Confidence, Rule, Severity

_HINT = (
    "Remove the file from the repository (add it to .gitignore), rotate the password, and keep "
    "the file in the home directory with mode 0600."
)
# One field of a .pgpass entry: any character but `:`, or an escaped one.
_PGPASS_FIELD = r"(?:[^:\\\n]|\\.)*"

# The setters whose first argument names the option and second sets it.
_SETTERS = ("option", "setProperty", "put", "set", "config", "setdefault", "conf")
# The option's last word(s) must name the secret: `password`, `sfPassword`, `fs.s3a.secret.key`
# (not `fs.s3a.access.key`, an id).
_SECRET_LAST = re.compile(
    r"(?i)(?:password|passwd|pwd|passphrase|secret|token|api[_\-.]?key|secret[_\-.]key)$"
)


def _setter_key_names_a_secret(data: bytes, m: re.Match[bytes]) -> bool:
    key = m.group("key").decode("ascii", "replace")
    value = v.secret_of(m)
    if _SECRET_LAST.search(key) is None or len(value) < 6 or v.PATH_VALUE.search(value):
        return False
    return not v.user_beside(data, m, value)


CREDENTIAL_FILE_RULES: tuple[Rule, ...] = (
    Rule(
        id="pgpass-password",
        description="Password in a PostgreSQL password file (.pgpass, pgpass.conf)",
        severity=Severity.HIGH,
        pattern=(
            r"(?m)^(?!#)(?:" + _PGPASS_FIELD + r":){4}(?P<secret>(?:[^\\\n\r]|\\.){1,256})\r?$"
        ),
        paths=r"(?:^|/)(?:\.pgpass|pgpass\.conf)$",
        hint=_HINT,
        priority=60,
        confidence=Confidence.MEDIUM,
        example_path=".pgpass",
        examples=(
            f"pg.acme.io:5432:analytics:etl:{pw('pgpass-1')}",
            f"# warehouse\n*:*:*:loader:{pw('pgpass-2')}",
            f"db.acme.io:5432:dw:svc_hex:{pw('pgpass-3')}\n",
        ),
        counter_examples=(
            "# hostname:port:database:username:password",
            "pg.acme.io:5432:analytics:etl:changeme",
            "pg.acme.io:5432:analytics:etl:${PGPASSWORD}",
        ),
    ),
    Rule(
        id="netrc-password",
        description="Password in a netrc file (.netrc, _netrc)",
        severity=Severity.HIGH,
        pattern=r"(?<![^\s])password[ \t\r\n]+(?P<secret>[^\s]{1,256})",
        paths=r"(?:^|/)[._]netrc$",
        hint=_HINT,
        priority=60,
        confidence=Confidence.MEDIUM,
        example_path=".netrc",
        examples=(
            f"machine pypi.acme.io login deploy password {pw('netrc-1')}",
            f"machine api.acme.io\n  login etl\n  password {pw('netrc-2')}\n",
            f"default login anonymous password {pw('netrc-3')}",
        ),
        counter_examples=(
            "machine pypi.acme.io login deploy password <password>",
            "machine pypi.acme.io login deploy password $NETRC_PASSWORD",
            "machine example.com login user password password",
        ),
    ),
    Rule(
        id="setter-password",
        description="Literal password passed to a string-keyed setter (Spark .option, "
        "Properties.setProperty, a map's put)",
        severity=Severity.MEDIUM,
        pattern=(
            r"\.(?:" + "|".join(_SETTERS) + r")\(\s*(?P<kq>\\?[\"'])(?P<key>[A-Za-z0-9_.\-]{1,80})"
            r"(?P=kq)\s*,\s*(?P<q>\\?[\"'])(?P<secret>[^\"'\\\n]{1,256})(?P=q)"
        ),
        keywords=tuple(f".{s}(" for s in _SETTERS),
        hint="Read the password from a secret scope or the environment "
        '(dbutils.secrets.get, System.getenv("DB_PASSWORD")).',
        priority=27,
        confidence=Confidence.MEDIUM,
        validate=_setter_key_names_a_secret,
        examples=(
            f'df = spark.read.format("jdbc").option("user", "etl").option("password", '
            f'"{pw("setter-1")}").load()',
            f'props.setProperty("password", "{pw("setter-2")}");',
            f'sc._jsc.hadoopConfiguration().set("fs.s3a.secret.key", "{pw("setter-3")}x9Lw2")',
            f'options.put("sfPassword", "{pw("setter-4")}");',
        ),
        counter_examples=(
            '.option("password", dbutils.secrets.get("scope", "pg"))',
            '.option("password", "<password>")',
            'props.setProperty("user", "etl_loader_2")',
            'conf.set("fs.s3a.access.key", "AKIA_PLACEHOLDER_ID")',
            '.option("password", "${DB_PASSWORD}")',
        ),
    ),
)
