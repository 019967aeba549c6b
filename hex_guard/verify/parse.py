"""Connection parameters next to a database password, for every form hex-guard finds it in.

Each parser reads only the connection string (or call, or profile block) that holds the
secret: a host written elsewhere in the file belongs to other code, and a credential is only
ever sent to its own host. Anything not literally there (a templated host, no user, several
hosts) makes the credential `unverifiable` rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qsl, unquote

from hex_guard.verify.context import (
    Context,
    parse_port,
    quoted_segment,
    split_host_port,
    templated,
    unquote_value,
    valid_host,
)
from hex_guard.verify.records import Target, Verification, unverifiable

# Wire-compatible families and their default ports.
POSTGRES = "postgresql"
MYSQL = "mysql"
REDIS = "redis"
DATABRICKS = "databricks"

_PG_SCHEMES = {
    "postgres": 5432,
    "postgresql": 5432,
    "pgsql": 5432,
    "psql": 5432,
    # Redshift and CockroachDB speak the PostgreSQL protocol on their own default ports.
    "redshift": 5439,
    "cockroachdb": 26257,
    "cockroach": 26257,
}
_MYSQL_SCHEMES = {"mysql": 3306, "mariadb": 3306, "mysqlx": 3306}
_REDIS_SCHEMES = {"redis": False, "rediss": True}
_SSLMODES = {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}


def _db_target(
    family: str,
    host: str,
    port: int | None,
    password: str,
    user: str | None,
    database: str | None,
    *,
    tls: bool = False,
    sslmode: str | None = None,
) -> Target | Verification:
    """The checks every form shares before anything may be contacted."""
    if not host:
        return unverifiable("no host next to the password", family)
    if templated(host) or not valid_host(host):
        return unverifiable("the host is not a literal host name", family)
    if port is None:
        return unverifiable("the port is not a number", family)
    if not password or templated(password):
        return unverifiable("the password is templated", family)
    if family != REDIS and not user:
        return unverifiable("no user next to the password", family)
    if user is not None and templated(user):
        return unverifiable("the user is templated", family)
    if sslmode is not None and sslmode not in _SSLMODES:
        sslmode = None
    return Target(family, host, port, password, user or None, database or None, tls, None, sslmode)


# --- URIs --------------------------------------------------------------------------------------

_SCHEME_CHARS = re.compile(r"[A-Za-z0-9+.\-]+$")
_AUTHORITY_END = re.compile(r"[/?#\s\"'`<>]")
_PATH_END = re.compile(r"[?#\s\"'`<>]")
_QUERY_END = re.compile(r"[#\s\"'`<>]")


def _scheme_family(scheme: str) -> tuple[str, str] | None:
    base = scheme.lower().split("+", 1)[0]
    for family, table in ((POSTGRES, _PG_SCHEMES), (MYSQL, _MYSQL_SCHEMES)):
        if base in table:
            return family, base
    if base in _REDIS_SCHEMES:
        return REDIS, base
    if base == DATABRICKS:
        return DATABRICKS, base
    return None


def from_uri(ctx: Context) -> Target | Verification:
    """`scheme[+driver]://user:password@host[:port][/db][?query]`, the secret being the password."""
    text, start, end = ctx.text, ctx.start, ctx.end
    line_lo, line_hi = ctx.line_span
    sep = text.rfind("://", line_lo, start)
    if sep == -1 or text[start - 1 : start] != ":" or text[end : end + 1] != "@":
        return unverifiable("the password is not in a URI's user-info")
    scheme_match = _SCHEME_CHARS.search(text, line_lo, sep)
    scheme = scheme_match.group(0) if scheme_match else ""
    if scheme.lower().startswith("jdbc:"):
        scheme = scheme[5:]
    family = _scheme_family(scheme)
    if family is None:
        return unverifiable(f"no verifier for {scheme.split('+')[0].lower() or 'this'} URIs yet")
    user = unquote(text[sep + 3 : start - 1])
    stop = _AUTHORITY_END.search(text, end + 1, line_hi)
    auth_end = stop.start() if stop else line_hi
    authority = text[end + 1 : auth_end]
    path, query = "", ""
    if text[auth_end : auth_end + 1] == "/":
        m = _PATH_END.search(text, auth_end, line_hi)
        path_end = m.start() if m else line_hi
        path = text[auth_end + 1 : path_end]
        auth_end = path_end
    if text[auth_end : auth_end + 1] == "?":
        m = _QUERY_END.search(text, auth_end, line_hi)
        query = text[auth_end + 1 : m.start() if m else line_hi]
    password = unquote(text[start:end])
    return _uri_target(family, authority, user, password, unquote(path.split("/")[0]), query)


def _uri_target(
    family: tuple[str, str], authority: str, user: str, password: str, path: str, query: str
) -> Target | Verification:
    kind, base = family
    if "," in authority:
        return unverifiable("several hosts in one URI", kind)
    params = {k.lower(): v for k, v in parse_qsl(query, keep_blank_values=True)}
    if "host" in params or "hostaddr" in params:
        return unverifiable("the host is given in the query string", kind)
    if kind == DATABRICKS:
        return unverifiable("Databricks URIs are verified through their token", kind)
    host, port = (
        split_host_port(unquote(authority), _default_port(kind, base)) if authority else ("", None)
    )
    if kind == REDIS:
        db = path if path.isdigit() else None
        return _db_target(REDIS, host, port, password, user or None, db, tls=_REDIS_SCHEMES[base])
    tls = kind == MYSQL and _mysql_tls(params)
    return _db_target(
        kind, host, port, password, user, path, tls=tls, sslmode=params.get("sslmode")
    )


def _default_port(kind: str, base: str) -> int:
    if kind == POSTGRES:
        return _PG_SCHEMES[base]
    if kind == MYSQL:
        return _MYSQL_SCHEMES[base]
    return 6379


def _mysql_tls(params: dict[str, str]) -> bool:
    mode = (params.get("ssl-mode") or params.get("sslmode") or "").upper()
    flag = (params.get("ssl") or params.get("usessl") or "").lower()
    return mode in {"REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY"} or flag in {"true", "1", "required"}


# --- JDBC --------------------------------------------------------------------------------------

_JDBC_FAMILIES = {"postgresql": POSTGRES, "pgsql": POSTGRES, "redshift": POSTGRES}
_JDBC_FAMILIES.update({"mysql": MYSQL, "mariadb": MYSQL})
_JDBC_PORTS = {"postgresql": 5432, "pgsql": 5432, "redshift": 5439, "mysql": 3306, "mariadb": 3306}
_JDBC_END = re.compile(r"[\s\"'<>`]")


def from_jdbc(ctx: Context) -> Target | Verification:
    """`jdbc:<sub>://host[:port]/db?user=..&password=..` (or `;key=value` parameters)."""
    text = ctx.text
    lo, hi = ctx.line_span
    j = text.lower().rfind("jdbc:", lo, ctx.start)
    if j == -1:
        return unverifiable("no JDBC URL around the password")
    m = _JDBC_END.search(text, ctx.end, hi)
    url = text[j : m.start() if m else hi]
    sub, _, rest = url[5:].partition(":")
    family = _JDBC_FAMILIES.get(sub.lower())
    if family is None:
        return unverifiable(f"no verifier for jdbc:{sub.lower()} yet")
    if not rest.startswith("//"):
        return unverifiable("the JDBC URL names no host", family)
    return _jdbc_target(family, _JDBC_PORTS[sub.lower()], rest[2:])


_JDBC_SPLIT = re.compile(r"[/?;]")


def _jdbc_target(family: str, default_port: int, rest: str) -> Target | Verification:
    m = _JDBC_SPLIT.search(rest)
    authority = rest[: m.start()] if m else rest
    tail = rest[m.start() :] if m else ""
    user_info, _, authority = authority.rpartition("@")
    database = ""
    if tail.startswith("/"):
        end = _JDBC_SPLIT.search(tail, 1)
        database = tail[1 : end.start() if end else len(tail)]
        tail = tail[end.start() :] if end else ""
    params: dict[str, str] = {}
    for piece in re.split(r"[?&;]", tail):
        key, eq, value = piece.partition("=")
        if eq:
            params[key.strip().lower()] = unquote(value)
    if "," in authority:
        return unverifiable("several hosts in one JDBC URL", family)
    user = (
        params.get("user")
        or params.get("username")
        or params.get("uid")
        or unquote(user_info.partition(":")[0])
    )
    password = params.get("password") or params.get("pwd") or ""
    host, port = split_host_port(authority, default_port)
    tls = family == MYSQL and _mysql_tls(params)
    return _db_target(
        family,
        host,
        port,
        password,
        user,
        unquote(database),
        tls=tls,
        sslmode=params.get("sslmode"),
    )


# --- ODBC / ADO.NET ----------------------------------------------------------------------------

_ODBC_HOST = {"server", "host", "hostname", "address", "addr", "data source", "network address"}
_ODBC_PORT = {"port"}
_ODBC_DB = {"database", "dbname", "initial catalog"}
_ODBC_USER = {"uid", "user", "user id", "userid", "username", "user name"}
_ODBC_PASSWORD = {"pwd", "password"}
_ODBC_KEYS = _ODBC_HOST | _ODBC_PORT | _ODBC_DB | _ODBC_USER | _ODBC_PASSWORD
_ODBC_KEYS |= {"driver", "sslmode", "ssl mode", "dsn"}


def _odbc_pairs(segment: str) -> dict[str, str]:
    """`k=v;k={v;with;semicolons};` -> lower-case keys; `}}` inside braces is one `}`."""
    pairs: dict[str, str] = {}
    i, n = 0, len(segment)
    while i < n:
        eq = segment.find("=", i)
        if eq == -1:
            break
        key = segment[i:eq].strip().lower()
        j = eq + 1
        while j < n and segment[j] in " \t":
            j += 1
        if j < n and segment[j] == "{":
            value, j = _braced(segment, j)
            semi = segment.find(";", j)
            i = n if semi == -1 else semi + 1
        else:
            semi = segment.find(";", j)
            value = segment[j : n if semi == -1 else semi].strip()
            i = n if semi == -1 else semi + 1
        if key not in _ODBC_KEYS and "=" in value:  # `ConnectionString=Server=...`
            inner = value.partition("=")
            key, value = inner[0].strip().lower(), inner[2].strip()
        pairs.setdefault(key, value)
    return pairs


def _braced(segment: str, start: int) -> tuple[str, int]:
    out: list[str] = []
    i = start + 1
    while i < len(segment):
        c = segment[i]
        if c == "}":
            if segment[i + 1 : i + 2] == "}":
                out.append("}")
                i += 2
                continue
            return "".join(out), i + 1
        out.append(c)
        i += 1
    return "".join(out), i


def _first(pairs: dict[str, str], keys: set[str]) -> str | None:
    for key, value in pairs.items():
        if key in keys:
            return value
    return None


def _odbc_family(pairs: dict[str, str], port: str | None) -> str | None:
    driver = (pairs.get("driver") or "").lower()
    if "postgres" in driver or "psqlodbc" in driver or "redshift" in driver:
        return POSTGRES
    if "mysql" in driver or "mariadb" in driver:
        return MYSQL
    if driver:
        return None
    # Npgsql names its keys Host and Username; SQL Server has neither.
    if "host" in pairs and ("username" in pairs or "user name" in pairs):
        return POSTGRES
    return {"5432": POSTGRES, "5439": POSTGRES, "26257": POSTGRES, "3306": MYSQL}.get(port or "")


def from_odbc(ctx: Context) -> Target | Verification:
    lo, hi = quoted_segment(ctx)
    pairs = _odbc_pairs(ctx.text[lo:hi])
    if "dsn" in pairs and _first(pairs, _ODBC_HOST) is None:
        return unverifiable("a DSN name: the host is in the local ODBC configuration")
    server = _first(pairs, _ODBC_HOST) or ""
    port = _first(pairs, _ODBC_PORT)
    if server.lower().startswith("tcp:"):
        server = server[4:]
    if "," in server:  # SQL Server's `host,port`
        server, _, port = server.partition(",")
    elif port is None and server.count(":") == 1:
        server, _, port = server.partition(":")
    family = _odbc_family(pairs, port)
    if family is None:
        driver = pairs.get("driver")
        if driver:
            return unverifiable(f"no verifier for {driver} yet")
        return unverifiable("the connection string names no PostgreSQL or MySQL driver")
    default = 5439 if "redshift" in (pairs.get("driver") or "").lower() else 5432
    return _db_target(
        family,
        server.strip(),
        parse_port(port.strip() if port else None, default if family == POSTGRES else 3306),
        _first(pairs, _ODBC_PASSWORD) or "",
        _first(pairs, _ODBC_USER),
        _first(pairs, _ODBC_DB),
        sslmode=pairs.get("sslmode") or pairs.get("ssl mode"),
    )


# --- libpq key=value DSNs ----------------------------------------------------------------------

_LIBPQ_PAIR = re.compile(r"(?P<key>[A-Za-z_]+)\s*=\s*(?P<value>'(?:[^'\\]|\\.)*'|[^\s'\"]+)")


def _libpq_value(raw: str) -> str:
    if raw.startswith("'") and raw.endswith("'") and len(raw) >= 2:
        return re.sub(r"\\(.)", r"\1", raw[1:-1])
    return raw


def from_libpq(ctx: Context) -> Target | Verification:
    """`host=... port=... dbname=... user=... password=...`: only the run of pairs holding the
    password, so `host=` of another string on the line is not borrowed."""
    lo, hi = quoted_segment(ctx)
    runs: list[list[re.Match[str]]] = []
    last_end = -1
    for m in _LIBPQ_PAIR.finditer(ctx.text, lo, hi):
        if runs and ctx.text[last_end : m.start()].strip() == "":
            runs[-1].append(m)
        else:
            runs.append([m])
        last_end = m.end()
    for run in runs:
        if any(m.start("value") <= ctx.start < m.end("value") for m in run):
            return _libpq_target({m["key"].lower(): _libpq_value(m["value"]) for m in run})
    return unverifiable("the password is not in a key=value DSN", POSTGRES)


def _libpq_target(pairs: dict[str, str]) -> Target | Verification:
    if "service" in pairs:
        return unverifiable("a service name: the host is in pg_service.conf", POSTGRES)
    host = pairs.get("hostaddr") or pairs.get("host") or ""
    if "," in host:
        return unverifiable("several hosts in one DSN", POSTGRES)
    return _db_target(
        POSTGRES,
        host,
        parse_port(pairs.get("port"), 5432),
        pairs.get("password", ""),
        pairs.get("user"),
        pairs.get("dbname"),
        sslmode=pairs.get("sslmode"),
    )


# --- PG* environment variables (libpq's documented names) --------------------------------------

_ENV_LINE = re.compile(r"(?m)^[ \t]*(?:export[ \t]+)?(?P<key>PG[A-Z]+)[ \t]*=[ \t]*(?P<value>\S*)")


def from_pg_env(ctx: Context) -> Target | Verification:
    """A dotenv or Kubernetes `PGPASSWORD` beside `PGHOST`/`PGUSER`/... in the same file."""
    lo, _ = ctx.line_span
    key = re.search(r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*[\"']?$", ctx.text[lo : ctx.start])
    if key is None or key.group(1) != "PGPASSWORD":
        return unverifiable("no service is named next to this value")
    env = {m["key"]: unquote_value(m["value"]) for m in _ENV_LINE.finditer(ctx.text)}
    return _db_target(
        POSTGRES,
        env.get("PGHOSTADDR") or env.get("PGHOST", ""),
        parse_port(env.get("PGPORT"), 5432),
        ctx.text[ctx.start : ctx.end],
        env.get("PGUSER"),
        env.get("PGDATABASE"),
        sslmode=env.get("PGSSLMODE"),
    )


# --- dbt profiles ------------------------------------------------------------------------------

_YAML_PAIR = re.compile(r"^(?P<indent>[ \t]*)(?P<key>[A-Za-z_][\w\-]*)[ \t]*:[ \t]*(?P<value>.*)$")
_DBT_TYPES = {"postgres": (POSTGRES, 5432), "redshift": (POSTGRES, 5439)}
_DBT_TYPES.update({"mysql": (MYSQL, 3306), "mariadb": (MYSQL, 3306)})


def profile_block(ctx: Context) -> dict[str, str]:
    """The keys beside the secret's key in its YAML mapping (same indentation, no dedent)."""
    lines = ctx.text.split("\n")
    row = ctx.text.count("\n", 0, ctx.start)
    own = _YAML_PAIR.match(lines[row])
    if own is None:
        return {}
    indent = len(own["indent"])
    block: dict[str, str] = {}
    for step in (-1, 1):
        i = row
        while 0 <= i < len(lines):
            line = lines[i]
            i += step
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            width = len(line) - len(line.lstrip())
            if width < indent:
                break
            m = _YAML_PAIR.match(line)
            if width == indent and m is not None:
                block.setdefault(m["key"].lower(), _yaml_scalar(m["value"]))
    return block


def _yaml_scalar(raw: str) -> str:
    value = raw.strip()
    if value[:1] in "\"'":
        close = value.find(value[0], 1)
        return value[1:close] if close != -1 else value[1:]
    return re.sub(r"[ \t]+#.*$", "", value).strip()


def from_dbt_profile(ctx: Context) -> Target | Verification:
    block = profile_block(ctx)
    kind = block.get("type", "").lower()
    if kind == DATABRICKS:
        return unverifiable("Databricks profiles are verified through their token")
    if kind not in _DBT_TYPES:
        return unverifiable(f"no verifier for dbt type {kind!r} yet" if kind else "no dbt type")
    family, default_port = _DBT_TYPES[kind]
    if block.get("method", "database").lower() != "database":
        return unverifiable("the profile authenticates with IAM, not this password", family)
    database = block.get("dbname") or block.get("database")
    if family == MYSQL:
        database = block.get("schema") or database
    return _db_target(
        family,
        block.get("host", ""),
        parse_port(block.get("port"), default_port),
        ctx.text[ctx.start : ctx.end],
        block.get("user") or block.get("username"),
        database,
        sslmode=block.get("sslmode"),
    )


# --- driver calls ------------------------------------------------------------------------------

_CALL_FAMILIES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"(?:^|\.)(?:psycopg2?|pg8000(?:\.native)?|asyncpg|aiopg|redshift_connector|"
            r"psycopg\.(?:Async)?Connection)\.(?:connect|create_pool|Connection)$"
        ),
        POSTGRES,
    ),
    (
        re.compile(
            r"(?:^|\.)(?:pymysql|MySQLdb|mysql\.connector|mariadb|aiomysql|asyncmy)"
            r"\.(?:connect|Connect|Connection|connections\.Connection)$"
        ),
        MYSQL,
    ),
    (re.compile(r"(?:^|\.)(?:redis(?:\.asyncio)?\.)?(?:Strict)?Redis$"), REDIS),
)
_KWARG = re.compile(
    r"(?<![\w.])(?P<key>[A-Za-z_]\w*)\s*=(?!=)\s*(?:"
    r"(?P<q>[\"'])(?P<str>(?:\\.|(?!(?P=q)).){0,512})(?P=q)|(?P<num>\d+)(?![\w.])|"
    r"(?P<other>[^,)\s][^,)]*))"
)
_CALL_NAME = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)\s*$")


def enclosing_call(ctx: Context, limit: int = 2048) -> tuple[str, str] | None:
    """(call name, argument text) of the call whose parentheses hold the secret."""
    text = ctx.text
    depth = 0
    open_at = -1
    for i in range(ctx.start - 1, max(-1, ctx.start - limit - 1), -1):
        if text[i] == ")":
            depth += 1
        elif text[i] == "(":
            if depth == 0:
                open_at = i
                break
            depth -= 1
    if open_at == -1:
        return None
    depth = 0
    for k in range(ctx.end, min(len(text), ctx.end + limit)):
        if text[k] == "(":
            depth += 1
        elif text[k] == ")":
            if depth == 0:
                name = _CALL_NAME.search(text, max(0, open_at - 80), open_at)
                return (name.group(1) if name else "", text[open_at + 1 : k])
            depth -= 1
    return None


def call_kwargs(args: str) -> dict[str, str | None]:
    """Literal keyword arguments; a non-literal one (a variable, a call) maps to None."""
    out: dict[str, str | None] = {}
    for m in _KWARG.finditer(args):
        value = m["str"] if m["q"] else m["num"]
        if value is None and m["other"] is not None:
            other = m["other"].strip()
            value = other if other in {"True", "False"} else None
        out.setdefault(m["key"].lower(), value)
    return out


def call_family(name: str) -> str | None:
    for pattern, family in _CALL_FAMILIES:
        if pattern.search(name):
            return family
    return None


def from_driver_call(ctx: Context) -> Target | Verification:
    call = enclosing_call(ctx)
    if call is None:
        return unverifiable("no driver call around the password")
    name, args = call
    family = call_family(name)
    if family is None:
        return unverifiable(f"no verifier for {name or 'this'}() yet")
    kw = call_kwargs(args)
    host = kw.get("host") or kw.get("hostname") or kw.get("server") or ""
    if any(k in kw and kw[k] is None for k in ("host", "hostname", "server", "port", "user")):
        return unverifiable("a connection parameter is not a literal", family)
    password = ctx.text[ctx.start : ctx.end]
    user = kw.get("user") or kw.get("username")
    port = parse_port(kw.get("port"), {POSTGRES: 5432, MYSQL: 3306, REDIS: 6379}[family])
    if family == REDIS:
        db = kw.get("db")
        tls = kw.get("ssl") == "True"
        return _db_target(REDIS, host, port, password, user, db, tls=tls)
    database = kw.get("dbname") or kw.get("database") or kw.get("db")
    return _db_target(family, host, port, password, user, database, sslmode=kw.get("sslmode"))


# --- JSON / YAML-flow connection payloads ------------------------------------------------------

_JSON_PAIR = re.compile(
    r"""\\?["'](?P<key>[A-Za-z_][\w\-]*)\\?["']\s*:\s*(?:\\?["'](?P<str>[^"'\\]*)\\?["']|(?P<num>\d+))"""
)
_JSON_FAMILIES = (
    ("redshift", POSTGRES, 5439),
    ("cockroach", POSTGRES, 26257),
    ("postgres", POSTGRES, 5432),
    ("mysql", MYSQL, 3306),
    ("mariadb", MYSQL, 3306),
    ("redis", REDIS, 6379),
)


def _enclosing_object(ctx: Context) -> tuple[int, int] | None:
    """[start, end) of the innermost `{...}` around the secret (strings hold no braces here)."""
    text, depth = ctx.text, 0
    open_at = -1
    for i in range(ctx.start - 1, -1, -1):
        if text[i] == "}":
            depth += 1
        elif text[i] == "{":
            if depth == 0:
                open_at = i
                break
            depth -= 1
    if open_at == -1:
        return None
    depth = 0
    for k in range(ctx.end, len(text)):
        if text[k] == "{":
            depth += 1
        elif text[k] == "}":
            if depth == 0:
                return open_at, k + 1
            depth -= 1
    return None


def _json_family(fields: dict[str, str], label: str) -> tuple[str, int] | None:
    named = " ".join(
        fields.get(k, "") for k in ("type", "engine", "dialect", "driver", "kind", "scheme")
    ).lower()
    for word, family, port in _JSON_FAMILIES:
        if word in named or word in label.lower():
            return family, port
    return None


def from_json_fields(ctx: Context) -> Target | Verification:
    """`{"host": ..., "port": ..., "user": ..., "password": ...}` with a type naming the
    engine, or under a key naming it (Hex `connectionDetails: {"postgres": {...}}`)."""
    span = _enclosing_object(ctx)
    if span is None:
        return unverifiable("the password is not in a JSON object")
    lo, hi = span
    fields: dict[str, str] = {}
    for m in _JSON_PAIR.finditer(ctx.text, lo, hi):
        if ctx.text.rfind("{", lo + 1, m.start()) > ctx.text.rfind("}", lo, m.start()):
            continue  # a nested object's field
        fields.setdefault(m["key"].lower(), m["str"] if m["str"] is not None else m["num"])
    label = re.search(r"[\"']?([A-Za-z_][\w\-]*)[\"']?\s*:\s*$", ctx.text[max(0, lo - 80) : lo])
    family = _json_family(fields, label.group(1) if label else "")
    if family is None:
        return unverifiable("the object names no PostgreSQL, MySQL or Redis engine")
    kind, default_port = family
    host = fields.get("host") or fields.get("hostname") or fields.get("server") or ""
    user = fields.get("user") or fields.get("username")
    database = fields.get("database") or fields.get("dbname") or fields.get("db")
    return _db_target(
        kind,
        host,
        parse_port(fields.get("port"), default_port),
        ctx.text[ctx.start : ctx.end],
        user,
        database,
        sslmode=fields.get("sslmode"),
    )


PARSERS: dict[str, Callable[[Context], Target | Verification]] = {
    "db-uri-password": from_uri,
    "jdbc-password": from_jdbc,
    "odbc-password": from_odbc,
    "libpq-dsn-password": from_libpq,
    "driver-call-password": from_driver_call,
    "dbt-profile-secret": from_dbt_profile,
    "connection-secret-field": from_json_fields,
    "dotenv-secret": from_pg_env,
    "kubernetes-secret": from_pg_env,
}
