"""Validators: what a rule checks about a match that its regex cannot say.

Every validator is linear in the input: it reads a bounded window around its match, or a
per-fragment table built once (`_per_fragment`), never the whole line or file again per
candidate. A 1 MB line of keywords must not cost more than a small multiple of an ordinary
1 MB file (issue 10 item 11; tests/test_linearity.py).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable
from typing import TypeVar

from hex_guard.lazyre import lazy
from hex_guard.placeholder import is_placeholder, shannon_entropy

T = TypeVar("T")
ValidatorFn = Callable[[bytes, "re.Match[bytes]"], bool]

# How far a context check reads on each side of its match: far enough for the other pairs of
# one connection string or one call, bounded so that a candidate costs O(1).
WINDOW = 1024


def secret_of(m: re.Match[bytes]) -> str:
    return m.group("secret").decode("utf-8", "replace")


def window(data: bytes, m: re.Match[bytes], before: int = WINDOW, after: int = WINDOW) -> bytes:
    """The match's line, clipped to `before`/`after` bytes around the match."""
    lo = max(0, m.start() - before)
    start = data.rfind(b"\n", lo, m.start()) + 1 or lo
    start = max(start, lo)
    hi = min(len(data), m.end() + after)
    end = data.find(b"\n", m.end(), hi)
    return data[start : end if end != -1 else hi]


# One table per fragment and per kind, rebuilt only when the fragment changes: a fragment's
# candidates are validated one after another, so a single slot per kind suffices.
_FRAGMENT_CACHE: dict[str, tuple[bytes, object]] = {}


def _per_fragment(kind: str, data: bytes, build: Callable[[bytes], T]) -> T:
    cached = _FRAGMENT_CACHE.get(kind)
    if cached is not None and cached[0] is data:
        return cached[1]  # type: ignore[return-value]
    value = build(data)
    _FRAGMENT_CACHE[kind] = (data, value)
    return value


def fragment_contains(pattern: re.Pattern[bytes], data: bytes) -> bool:
    """Whether `pattern` occurs anywhere in the fragment, searched once per fragment."""
    return _per_fragment(
        "contains:" + str(pattern.pattern), data, lambda d: pattern.search(d) is not None
    )


# --- connection URIs --------------------------------------------------------------------------

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
# Fixed-prefix tokens that a URI may carry as its password (`databricks://token:dapi…@`): the
# token's own rule judges them, placeholders included, so the URI rule does not report them.
FIXED_TOKEN_PREFIXES = (
    "dapi",
    "hxtp_",
    "hxtw_",
    "hex_token_",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "xoxb-",
    "xoxp-",
    "xapp-",
    "sk-ant-",
    "hf_",
    "AKIA",
    "ASIA",
    "LS0tLS1CRUdJTi",
)


def counts_up(secret: str) -> bool:
    """`glpat-1234567890abcdef…`: half the steps or more go up by one, a test vector."""
    steps = [ord(b) - ord(a) for a, b in zip(secret, secret[1:])]
    return len(steps) >= 11 and sum(1 for s in steps if s == 1) / len(steps) >= 0.5


# Demo accounts whose passwords the vendors publish; a suffix only satisfies a complexity rule
# (`scott:tiger^5HHH`, the sqlalchemy MSSQL test DSN).
_DEMO_PASSWORDS = {"scott": "tiger"}
_USER_SPLIT = lazy(r"[^a-z0-9]+")
_LEET = str.maketrans("4310$5@7", "aeiossat")
_SUFFIX = lazy(r"[\d\W_]*$")


def derived_from_user(user: str, password: str) -> bool:
    """`feast:feast`, `C##LOADER:loader`, `dlt-loader:loader`, `dremio`/`dremio123`, `k3str4` for
    `kestra`: a password that is its user's name (or a part of it), give or take case, leetspeak
    and a digit/punctuation suffix."""
    password = password.lower()
    return _derived(_user_parts(user.lower()), password, _password_stems(password))


# A dense file names the same few users beside thousands of candidates, and a validator asks
# about one password once per user: each is split once (issue 10 item 11).
@functools.lru_cache(maxsize=4096)
def _user_parts(user: str) -> tuple[str, frozenset[str]]:
    """The user's published demo password (or ""), and the parts a password may be made of."""
    if not user:
        return "", frozenset()
    parts = {p for p in _USER_SPLIT.split(user) if len(p) > 1} | {_SUFFIX.sub("", user)}
    return _DEMO_PASSWORDS.get(user, ""), frozenset(parts)


@functools.lru_cache(maxsize=4096)
def _password_stems(password: str) -> frozenset[str]:
    # De-leet before stripping the suffix too: `k3str4`'s final `4` is an `a`, not a suffix.
    stems = {_SUFFIX.sub("", password), _SUFFIX.sub("", password.translate(_LEET))}
    stems |= {s.translate(_LEET) for s in stems}
    stems.discard("")
    return frozenset(stems)


def _derived(user: tuple[str, frozenset[str]], password: str, stems: frozenset[str]) -> bool:
    demo, parts = user
    if not parts or not password:
        return False
    if demo and password.startswith(demo):
        return True
    return not stems.isdisjoint(parts)


def uri_is_real(data: bytes, m: re.Match[bytes]) -> bool:
    """Drop templated URIs and demo defaults such as `postgres:postgres@postgres-db`."""
    from urllib.parse import unquote  # only for a match: a clean hook run never needs it

    user = unquote(m.group("user").decode("utf-8", "replace"))
    raw = secret_of(m)
    # `%^&*` is not percent-encoding: unquote leaves what it cannot decode.
    password = unquote(raw)
    if password.startswith(FIXED_TOKEN_PREFIXES) or is_placeholder(password) or counts_up(password):
        return False
    if user[:1] == "$" and password[:1] == "$":
        return False
    return not derived_from_user(user, password)


# A name given beside the secret (`user="loader"`, `"username": "x"`, `DB_USER=x`, and the
# database, host, service or account the secret opens: `POSTGRES_DB: kestra` beside
# `POSTGRES_PASSWORD: k3str4`, issue 9), within the window: the same object, call or section.
_SIBLING_USER = lazy(
    rb"""(?i)(?<![A-Za-z0-9])(?:[A-Za-z0-9]+[_.\-])?(?:user(?:name)?|uid|login|user[ _]id|"""
    rb"""access[_-]?key[_-]?id|db|db[_-]?name|database|host(?:name)?|server|service|account|"""
    rb"""project)(?:\\?["'])?\s*(?:=|:)\s*(?:\\?["'])?([^\s"'\\,;&)}]{1,128})"""
)


def user_beside(data: bytes, m: re.Match[bytes], secret: str) -> bool:
    """Whether a name given within a short window (a user, a database, a host, the secret's
    own key) is the source of the secret."""
    if "key" in m.re.groupindex and derived_from_user(
        m.group("key").decode("utf-8", "replace"), secret
    ):
        return True  # `MINIO_ROOT_PASSWORD=minio123`: the product the key names, plus digits
    lo, hi = max(0, m.start() - 2048), min(len(data), m.end() + 512)
    password = secret.lower()
    stems = _password_stems(password)
    users = _per_fragment("users", data, _SiblingUsers).between(lo, hi)
    if any(
        _derived(_user_parts(u.decode("utf-8", "replace").lower()), password, stems) for u in users
    ):
        return True
    group = "secret" if "secret" in m.re.groupindex else 0
    around = data[lo : m.start(group)] + b" " + data[m.end(group) : hi]
    return _word_of_context(around, secret)


_LETTERS = lazy(r"^[a-z]{3,32}$")


def _word_of_context(around: bytes, secret: str) -> bool:
    """`mage1337` beside `X-Something: 'mage=power'`, `k3str4` in the kestra service's section:
    a word written nearby, with a digit or leetspeak suffix, is that word. (A person's password
    made of a word no one wrote nearby, `River1234!`, is kept.)"""
    password = secret.lower()
    stems = {_SUFFIX.sub("", password), _SUFFIX.sub("", password.translate(_LEET))}
    stems = {s.translate(_LEET) for s in stems} | stems
    lowered = around.lower()
    itself = password.encode("utf-8", "replace")
    for stem in stems:
        if _LETTERS.match(stem) is None or stem == password:
            continue
        word = stem.encode()
        at = lowered.find(word)
        while at != -1:
            end = at + len(word)
            bounded = not lowered[at - 1 : at].isalpha() and not lowered[end : end + 1].isalpha()
            # The secret written again (a URI repeating it) is not a word of the context.
            if bounded and not lowered.startswith(itself, at):
                return True
            at = lowered.find(word, end)
    return False


class _SiblingUsers:
    """The users named in one fragment, found chunk by chunk as candidates ask for them: each
    byte is read once however many candidates share it (a scan of the window per candidate,
    and a check per user in it, cost 0.5 ms a candidate: 250x an ordinary file on a dense
    line; issue 10 item 11)."""

    CHUNK = 1024
    # A user assignment that starts in a chunk is read to its end if it is shorter than this.
    MARGIN = 512

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.chunks: dict[int, list[tuple[int, bytes]]] = {}

    def between(self, lo: int, hi: int) -> set[bytes]:
        """The distinct users whose assignment starts in [lo, hi)."""
        found: set[bytes] = set()
        for index in range(lo // self.CHUNK, (min(hi, len(self.data)) - 1) // self.CHUNK + 1):
            found.update(u for start, u in self._chunk(index) if lo <= start < hi)
        return found

    def _chunk(self, index: int) -> list[tuple[int, bytes]]:
        users = self.chunks.get(index)
        if users is None:
            start = index * self.CHUNK
            end = start + self.CHUNK
            users = []
            for u in _SIBLING_USER.finditer(self.data, start, end + self.MARGIN):
                if u.start() >= end:
                    break
                users.append((u.start(), u.group(1)))
            self.chunks[index] = users
        return users


# --- ODBC / libpq key=value strings -------------------------------------------------------------

_ODBC_CONTEXT = lazy(
    rb"(?i)\b(?:server|data source|address|addr|host|hostname|driver|dsn|database|initial catalog|"
    rb"uid|user id|dbq)\s*="
)
# Two `key=value` pairs joined by `;`: what makes a string ODBC-shaped, not a trailing `;`.
_ODBC_PAIRS = lazy(rb"=[^;\n]{0,512};[ \t]*[A-Za-z][\w ]{0,30}=")


# A file that holds the key, not key material (`"privateKey": "/path/key.p12"`, issue 9).
PATH_VALUE = lazy(
    r"(?i)^(?:[a-z]:)?[\\/]|^\.{1,2}[\\/]|^~[\\/]|^[\w.\-]+/[\w.\-/]+$"
    r"|\.(?:pem|p12|pfx|key|jks|keystore|json|txt|crt|cer|der|ppk|pub|enc|gpg|asc|ya?ml|cfg|ini"
    r"|env|toml|conf)$"
)


def not_user_beside(data: bytes, m: re.Match[bytes]) -> bool:
    return not user_beside(data, m, secret_of(m))


def field_value_is_secret(data: bytes, m: re.Match[bytes]) -> bool:
    secret = secret_of(m)
    return PATH_VALUE.search(secret) is None and not user_beside(data, m, secret)


def odbc_context(data: bytes, m: re.Match[bytes]) -> bool:
    line = window(data, m, 512, 512)
    if user_beside(data, m, secret_of(m)):
        return False
    return _ODBC_PAIRS.search(line) is not None and _ODBC_CONTEXT.search(line) is not None


_LIBPQ_CONTEXT = lazy(rb"(?i)(?:^|[\s'\"])(?:host|hostaddr)\s*=\s*\S")
_LIBPQ_USER = lazy(rb"(?i)(?:^|[\s'\"])(?:user|dbname)\s*=\s*\S")


def libpq_context(data: bytes, m: re.Match[bytes]) -> bool:
    line = window(data, m, 512, 512)
    if user_beside(data, m, secret_of(m).strip("'")):
        return False
    return _LIBPQ_CONTEXT.search(line) is not None and _LIBPQ_USER.search(line) is not None


# --- driver calls -------------------------------------------------------------------------------

_CALL_NAME = lazy(rb"([A-Za-z_][A-Za-z0-9_.]*)\s*$")
_DB_CALLS = lazy(
    rb"(?i)(?:^|\.)(?:connect|create_engine|create_async_engine|connection|client|engine|session|"
    rb"sql\.connect|dbapi|pool|database|conn)$"
)
# Calls that take a password but are not a driver: an ORM row, a form, a user model, a hasher
# (issue 9: `User(password=...)` was taken for a driver call).
_NOT_DRIVER_CALLS = lazy(
    rb"(?i)(?:^|\.)(?:[A-Z]\w*User|User|Users|Account|Member|Login\w*|\w*Form|\w*Serializer|"
    rb"\w*Schema|\w*Model|make_password|check_password|set_password|hash\w*|verify\w*|"
    rb"authenticate|login|signup|register|create_user|create_superuser|add_user|\w*Factory|"
    rb"fill|type|send_keys|assert\w*|mock\w*|patch)$"
)
_TOKEN_KEYS = frozenset({b"token", b"access_token", b"api_key", b"apikey"})
_PARENS = lazy(rb"[()]")
CALL_LOOKBACK = 2048


def _open_parens(data: bytes) -> tuple[list[int], list[int]]:
    """For each `(`/`)` in order: its offset, and the innermost `(` still open after it.

    One pass per fragment; a candidate then finds its enclosing call by bisection instead of
    walking back over the bytes before it.
    """
    offsets: list[int] = []
    innermost: list[int] = []
    stack: list[int] = []
    for p in _PARENS.finditer(data):
        pos = p.start()
        if data[pos] == 0x28:
            stack.append(pos)
        elif stack:
            stack.pop()
        offsets.append(pos)
        innermost.append(stack[-1] if stack else -1)
    return offsets, innermost


def enclosing_call(data: bytes, pos: int, limit: int = CALL_LOOKBACK) -> bytes | None:
    """Name of the call whose parentheses contain `pos`, opened at most `limit` bytes back."""
    offsets, innermost = _per_fragment("parens", data, _open_parens)
    i = bisect.bisect_left(offsets, pos) - 1
    if i < 0 or innermost[i] < 0 or pos - innermost[i] > limit:
        return None
    opening = innermost[i]
    name = _CALL_NAME.search(data, max(0, opening - 80), opening)
    return name.group(1) if name else None


def not_a_driver(call: bytes) -> bool:
    """An ORM row, a form, a user model or a hasher: a password there is not a connection's."""
    return _NOT_DRIVER_CALLS.search(call) is not None


def driver_call(data: bytes, m: re.Match[bytes]) -> bool:
    call = enclosing_call(data, m.start())
    if call is None or not_a_driver(call):
        return False
    if user_beside(data, m, secret_of(m)):
        return False
    if m.group("key").lower() in _TOKEN_KEYS:
        return _DB_CALLS.search(call) is not None
    return True


# --- keys ---------------------------------------------------------------------------------------

_SA_TYPE = lazy(rb"""\btype(?:\\?["'])?\s*:\s*(?:\\?["'])?service_account\b""")


def service_account(data: bytes, m: re.Match[bytes]) -> bool:
    return fragment_contains(_SA_TYPE, data)


_ELIDED = lazy(rb"\.\.\.|\xe2\x80\xa6")
_PEM_NOISE = lazy(rb"\\[nr]|\s|Proc-Type:[^\n\\]*|DEK-Info:[^\n\\]*|[\",]")


def pem_body_is_real(block: bytes) -> bool:
    """A stub (`MIIEv...`) or a run of one character is documentation, not a key."""
    raw = block[block.find(b"-----", 10) + 5 : block.rfind(b"-----END")]
    if _ELIDED.search(raw):  # `MIIEuwIBADAN...S`: a key shortened for the docs
        return False
    body = _PEM_NOISE.sub(b"", raw)
    return len(body) >= 64 and shannon_entropy(body.decode("ascii", "replace")) >= 4.5


def pem_has_body(data: bytes, m: re.Match[bytes]) -> bool:
    return pem_body_is_real(m.group("secret"))


def sample_jwt(value: str) -> bool:
    """An unsigned JWT (`alg: none`), jwt.io's sample, or a header without a real signature."""
    if not value.startswith("eyJ"):
        return False
    import base64
    import binascii

    segments = value.split(".")
    if len(segments) != 3 or len(segments[2]) < 16:
        return True
    try:
        head = base64.urlsafe_b64decode(segments[0] + "=" * (-len(segments[0]) % 4))
        body = base64.urlsafe_b64decode(segments[1] + "=" * (-len(segments[1]) % 4))
    except (binascii.Error, ValueError):
        return False
    return b'"none"' in head.replace(b" ", b"") or b"John Doe" in body


def service_account_key(data: bytes, m: re.Match[bytes]) -> bool:
    return service_account(data, m) and pem_has_body(data, m)
