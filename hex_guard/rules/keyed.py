"""Keyed secrets: a literal value assigned to a secret-named key, judged by the value's syntax.

One small grammar covers the assignment forms of the languages a data team commits: YAML and
JSON (`key: value`), TOML, ini/odbc.ini and .properties (`key = value`, `key: value`), HCL
(`key = "value"`), shell and .env (`KEY=value`), Python and Java/JS (`key = "value"`,
`key="value"` as a keyword argument, `"key": "value"` in a dict). What the grammar decides is
whether the value is a *literal*: a quoted string, or a bare word in a config syntax; not a
reference (`os.environ[...]`, `var.x`, `${...}`, `settings.X`, a call), which ends at `(` or is an
identifier, nor a placeholder (placeholder.py). Peers' generic rules are regexes over any text
and are 20-40% false positives on their own test sets (issue 9); these judge the value instead.

Each family member's pattern, keywords and Hyperscan gate are built from one word list
(`_keyed`), so they cannot drift. Keyed findings carry `confidence: medium`.

The other rules here are fixed syntaxes that carry a password without a key: SQL DDL, command
lines, `DriverManager.getConnection`, `https://user:pass@host` URLs and Oracle connect strings.
"""

from __future__ import annotations

import re

from hex_guard.lazyre import lazy
from hex_guard.placeholder import shannon_entropy
from hex_guard.rules import validators as v
from hex_guard.rules.fake import B64, b64, fake, letters, pw
from hex_guard.rules.model import Confidence, Rule, Severity
from hex_guard.rules.vocab import key_is_secret, minimal_keywords

# A key: an identifier that holds one of the family's words (`DB_PASSWORD`, `spring.datasource.
# password`, `apiKey`). It starts where an identifier cannot continue, so each identifier is
# tried once.
_KEY_START = r"(?<![A-Za-z0-9_.\-])"
_KEY_TAIL = r"[A-Za-z0-9_]{0,32}(?![A-Za-z0-9_.\-])"
# After the key: its closing quote (`"password":`), a subscript's `]`, an optional type (Python's
# annotation `password: str = "..."`, Go's `var password string = "..."`), then the operator:
# `=`, `:`, `=>` (PHP, Ruby), `:=` (Go), `.=` (PHP), and make's `?=`, `::=`, `:::=`.
_AFTER_KEY = (
    r"(?:\\?[\"'])?\]?(?:[ \t]*:[ \t]*(?:str|SecretStr|Optional\[str\]|bytes)|[ \t]+string)?"
    r"[ \t]*(?P<op>:{1,3}=|[.?]=|=>|=(?!=)|:(?![:=]))[ \t]*(?:[rRbBuU](?=[\"']))?"
)
# What the Hyperscan gate requires after a key: a superset of `_AFTER_KEY`'s operators.
_GATE_AFTER_KEY = r"(?:\\?[\"'])?\]?[ \t]*(?:[ \t]string[ \t]*)?[.?]?[:=]"
# The value: a quoted literal (Go and JS raw strings in backticks too), or a bare word that ends
# where a config value ends. A bare word never holds `( ) [ ] { } < >`, so a call, a subscript
# or a template is not a literal.
_VALUE = (
    r"(?P<q>\\?[\"'`])?"
    r"(?P<secret>(?(q)[^\"'`\\\n]{1,256}|[^\s\"'`,;(){}\[\]<>&|\\]{1,256}))"
    r"(?(q)(?P=q)|(?=[\s,;)}\]&|\"'\\]|$))"
)
_BARE_NOT_LITERAL = lazy(
    r"(?i)^(?:true|false|yes|no|on|off|none|null|nil|undefined|\d+(?:\.\d+)*)$|^[$!&*%@~]"
    r"|^[a-z][a-z0-9+.\-]*://[^@]*$"
)
# Keys whose `token` is a vocabulary or paging token, not a credential (`eos_token`, `page_token`).
_NOT_CREDENTIAL_KEY = lazy(
    r"(?i)^(?:(?:pad|bos|eos|unk|mask|sep|cls|start|end|stop|special|next|prev|previous|page|"
    r"continuation|cursor|csrf|xsrf|sync|resume|last|first|id|num|max|min)[_\-.]?)+(?:token|key)s?$"
    r"|(?:token|key|secret)_?(?:type|count|name|id|len|length|limit|field|prefix|kind|usage)$"
    r"|(?:hashed|hash|digest|encrypted|masked|sha\d*|md5)[_\-.]?(?:secret|token|password|key)"
)
_SPACE = lazy(r"\s")
# `e.ScopedLineTokens`, `c.token+u.length`, `string.$S2`: code, when a bare value is names joined
# by `.` and operators (a JWT's segments are longer than a name).
_EXPRESSION = lazy(
    r"^[A-Za-z_$][\w$]{0,30}(?:[.+\-*/](?:[A-Za-z_$][\w$]{0,30}|\d{1,4}))*\.[A-Za-z_$][\w$]{0,30}$"
)
_WORDS_OF_KEY = lazy(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
# The key's last word (or last two) must name the secret: `DB_PASSWORD`, `apiKey`, `X-API-KEY`;
# `CancellationTokenSource` and `ignoreBracketsInToken` are not credentials.
_LAST_WORDS = frozenset(
    [
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "pass",
        "secret",
        "token",
        "key",
        "apikey",
        "secretkey",
        "accesskey",
        "authkey",
        "privatekey",
        "pat",
    ]
)
_HEX = "0123456789abcdef"
# Search-only keys published in every page's HTML (Algolia DocSearch), not credentials.
_PUBLIC_KEY_CONTEXT = lazy(rb"(?i)algolia|docsearch|indexName|search[_-]?only")
# ...unless the key's own name says it is no search key: Algolia's Admin API key "is your most
# sensitive key and should remain confidential"; only the search-only key "is safe to use in
# your production frontend code" (algolia.com/doc/guides/security/api-keys).
_PRIVILEGED_KEY = lazy(r"(?i)admin|write|master|secret|private")
# Ingestion keys that the vendor documents as public (shipped in every browser and app), keyed
# by vendor: the key's name holds the vendor and ends in the public key's name. Amplitude's
# "Project API Key" is public, its Secret Key is not (amplitude.com/docs/apis/keys-and-tokens);
# Mixpanel's project token "is not a secret value", its API secret is
# (docs.mixpanel.com/reference/project-token).
_PUBLIC_INGESTION_KEYS = (("amplitude", "apikey"), ("mixpanel", "token"))
# A request that carries the user's own token or session (an `Authorization: Bearer` header, a
# hyphenated `*-Token` header, a session cookie) beside an API key: the key there names the
# calling application, like an OAuth client id (RFC 6749 §2.2: a client identifier is not a
# secret); the credential is the token, which its own rule judges. (issue 9: mage-ai's API docs
# send its frontend's public client id as `api_key` in every example request.)
_USER_TOKEN = lazy(
    rb"(?i)(?:\bauthorization[\"']?[ \t]*[:=][ \t]*[\"']?(?:bearer|token)[ \t]+|"
    rb"\b(?:[a-z]{1,16}-){0,3}(?:oauth|session|auth|access)-token[\"']?[ \t]*[:=][ \t]*[\"']?|"
    rb"\bcookie[\"']?[ \t]*[:=][ \t]*[\"']?[^\n]{0,200}?token=)(?P<token>[^\s\"'\\,;]{1,512})"
)
_BLANK_LINE = lazy(rb"\n[ \t]*\r?\n")
# How far one request (a curl command and its body, a headers object) reaches around the key.
_REQUEST_BEFORE = 2048
_REQUEST_AFTER = 1024


def _judge(data: bytes, m: re.Match[bytes], min_len: int, random_only: bool) -> bool:
    key = m.group("key").decode("ascii", "replace")
    value = v.secret_of(m)
    if not key_is_secret(key) or _NOT_CREDENTIAL_KEY.search(key) is not None:
        return False
    if len(value) < min_len or _SPACE.search(value) or v.PATH_VALUE.search(value):
        return False
    if value.startswith(v.FIXED_TOKEN_PREFIXES):
        return False  # a vendor token's own rule judges it
    if _code_like(value) if random_only else _names_code(value):
        return False  # a name made of words is code
    if (
        _PUBLIC_KEY_CONTEXT.search(data, max(0, m.start() - 1024), m.end() + 256) is not None
        and _PRIVILEGED_KEY.search(key) is None
    ):
        return False
    if m.group("q") is None and _bare_code(value):
        return False
    if m.group("q") == b"`" and (m.group("op") == b":" or "${" in value):
        # Backticks quote a Go or JS literal after `=`/`:=`; after `:` they are Markdown's
        # inline code (`password: `...``, a document's example), and `${...}` is a JS template.
        return False
    if (
        m.group("q") is None
        and m.group("op") == b":"
        and m.start("secret") == m.end("op")
        and not _begins_line(data, m.start("key"))
    ):
        # `key:value` with no space inside a line is no YAML mapping: a string's text
        # (`"the-password:has:funky!@stuff"`, issue 9, prefect's tests), a JS object's
        # reference, a URL. At the start of a line it is a Java properties or ini entry (both
        # formats take `:` as the separator, with or without spaces).
        return False
    if not _names_the_secret(key) or _public_by_vendor(key):
        return False
    if random_only and not _looks_random(value):
        return False
    if _names_an_api_key(key) and _beside_user_token(data, m, value):
        return False
    call = v.enclosing_call(data, m.start())
    if call is not None and v.not_a_driver(call):
        return False
    return not v.user_beside(data, m, value)


def _bare_code(value: str) -> bool:
    """An unquoted value that is not a literal: a boolean, a number, a variable, a URL without
    credentials, a name path. A bare password may hold `=` (`Ab3dE9=kLm2Qx` in my.cnf, a
    properties file or a compose file), so each `=`-joined part is judged, and `==` is code
    (minified JS: `a.length===1?C:null`, `e.ScopedLineTokens=e.createScopedLineTokens=void`)."""
    body = value.rstrip("=")  # base64 padding
    if "==" in body:
        return True
    return any(
        _BARE_NOT_LITERAL.search(part) or _EXPRESSION.match(part)
        for part in (body.split("=") if "=" in body else [value])
    )


def _begins_line(data: bytes, pos: int) -> bool:
    """Only indentation stands before `pos` on its line (looked at up to 64 bytes back)."""
    lo = max(0, pos - 64)
    newline = data.rfind(b"\n", lo, pos)
    if newline == -1 and lo > 0:
        return False
    return not data[newline + 1 : pos].strip()


def _public_by_vendor(key: str) -> bool:
    """`AMPLITUDE_API_KEY`, `mixpanelToken`: an ingestion key its vendor publishes."""
    joined = "".join(w.lower() for w in _WORDS_OF_KEY.findall(key))
    return any(
        vendor in joined and joined.endswith(name) for vendor, name in _PUBLIC_INGESTION_KEYS
    )


def _names_an_api_key(key: str) -> bool:
    words = [w.lower() for w in _WORDS_OF_KEY.findall(key)]
    return words[-1:] == ["apikey"] or words[-2:] == ["api", "key"]


def _request_around(data: bytes, m: re.Match[bytes]) -> bytes:
    """The request holding the match: its paragraph (no blank line inside), bounded on both
    sides, and within it the `curl` command the match belongs to (gitleaks' curl rule cases
    sit one after another, each its own request)."""
    lo = max(0, m.start() - _REQUEST_BEFORE)
    hi = min(len(data), m.end() + _REQUEST_AFTER)
    start = lo
    for blank in _BLANK_LINE.finditer(data, lo, m.start()):
        start = blank.end()
    after = _BLANK_LINE.search(data, m.end(), hi)
    end = after.start() if after else hi
    command = data.rfind(b"curl", start, m.start())
    start = command if command != -1 else start
    following = data.find(b"curl", m.end(), end)
    return data[start : following if following != -1 else end]


def _beside_user_token(data: bytes, m: re.Match[bytes], value: str) -> bool:
    """Whether the key's request also carries a user token (a different value)."""
    raw = value.encode("utf-8", "surrogateescape")
    return any(t.group("token") != raw for t in _USER_TOKEN.finditer(_request_around(data, m)))


_HUMPS = lazy(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_ALNUM_RUNS = lazy(r"[A-Za-z0-9]+")
# Words joined by dashes or spaces are a passphrase; code joins them by case, `_`, `.` or `::`.
_PASSPHRASE = lazy(r"^[A-Za-z]+(?:[- ][A-Za-z]+){2,}[-\d]*$")
_VOWEL = lazy(r"[AEIOUYaeiouy]")


def _code_like(value: str) -> bool:
    """`CancellationToken`, `PasswordMasker.MASKED_PASSWORD`, `meltano.core.s3:AWS_SECRET`: a
    name made of words, each of three letters or more (a random token's humps are short and mix
    letters with digits)."""
    if _PASSPHRASE.match(value):
        return False
    humps = [h for run in _ALNUM_RUNS.findall(value) for h in _HUMPS.findall(run)]
    words = [h for h in humps if h.isalpha()]
    if len(humps) < 2 or not words:
        return False
    singles = sum(1 for w in words if len(w) == 1)
    runs = _ALNUM_RUNS.findall(value)
    if (len(humps) > 6 and len(runs) == 1) or any(
        len(w) > 5 and _VOWEL.search(w) is None for w in words
    ):
        # A random token: many humps with no separator between them (a name of that many
        # words is joined by `_` or `.`), or a run like `RKNFPWBWJFVP` that no word has.
        return False
    return singles <= 1 and sum(map(len, words)) / len(words) >= 3.5


_IDENTIFIER = lazy(r"^[A-Za-z_][A-Za-z0-9_.:\-]*$")


def _names_code(value: str) -> bool:
    """A password that is code: an identifier of two words or more (`CancellationToken`,
    `PasswordMasker.MASKED_PASSWORD`, PowerShell's `ConvertTo-SecureString`). `River1234!` and
    `Candle77` are a person's passwords: one word and digits, or a symbol no identifier holds
    (issue 9's recall probe: a compose file's `POSTGRES_PASSWORD: River1234!` went unreported)."""
    if _IDENTIFIER.match(value) is None or not _code_like(value):
        return False
    humps = [h for run in _ALNUM_RUNS.findall(value) for h in _HUMPS.findall(run)]
    return sum(1 for h in humps if h.isalpha()) >= 2


def _names_the_secret(key: str) -> bool:
    words = [w.lower() for w in _WORDS_OF_KEY.findall(key)]
    if not words:
        return False
    last = words[-1]
    if last in _LAST_WORDS or last.endswith(("password", "passwd", "secret", "token")):
        return last not in ("in", "of")
    return False


# 16 characters with the padding (`aGVsbG8gd29ybGQ=` is 15 before it).
_B64_TEXT = lazy(r"^[A-Za-z0-9+/]{14,}={0,2}$")


def _decodes_to_text(value: str) -> bool:
    """`aGVsbG8gd29ybGQ=`: base64 of readable text (a banner, a sentence) is test data."""
    if not _B64_TEXT.match(value):
        return False
    import base64
    import binascii

    try:
        decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False
    # Count bytes, not decoded characters: U+FFFD, what a non-ASCII byte decodes to, is
    # printable, so a random token with one 0x20 byte among its bytes passed for text.
    printable = sum(1 for byte in decoded if 0x20 <= byte < 0x7F or byte in b"\n\t")
    return b" " in decoded and printable >= 0.95 * len(decoded)


_sample_jwt = v.sample_jwt  # shared with the Authorization header rules (headers.py)


# Keys published by design (RFC 6749 §2.2 public clients; analytics and publishable keys).
_PUBLIC_PREFIXES = ("phc_", "pk_live_", "pk_test_")


def _looks_random(value: str) -> bool:
    """A token, an API key or a signing secret is a long random string: mixed classes, high
    entropy, not a name made of words. (A password may be a word or a passphrase; a key named
    `token` may not.)"""
    if _code_like(value) or v.counts_up(value) or value.startswith(_PUBLIC_PREFIXES):
        return False
    if _decodes_to_text(value) or _sample_jwt(value):
        return False
    classes = sum(
        (
            any(c.islower() for c in value),
            any(c.isupper() for c in value),
            any(c.isdigit() for c in value),
        )
    )
    return len(value) >= 16 and classes >= 2 and shannon_entropy(value) >= 3.2


def _password(data: bytes, m: re.Match[bytes]) -> bool:
    return _judge(data, m, 6, random_only=False)


def _token(data: bytes, m: re.Match[bytes]) -> bool:
    return _judge(data, m, 16, random_only=True)


# Whose SECRET_KEY a signing-secret is: a framework's, or the app's own (`SECRET_KEY`,
# `app.secret_key`, `AIRFLOW__WEBSERVER__SECRET_KEY`); `STRIPE_SECRET_KEY` is an API key.
_SIGNING_OWNERS = frozenset(
    [
        "airflow",
        "core",
        "webserver",
        "api",
        "superset",
        "django",
        "flask",
        "app",
        "config",
        "settings",
        "redash",
        "nextauth",
        "session",
        "cookie",
        "jwt",
        "auth",
        "web",
        "server",
        "site",
        "rails",
        "dagster",
        "prefect",
        "metabase",
        "jupyterhub",
        "hex",
    ]
)
_KEY_PARTS = lazy(r"[_.\-\[\]'\"]+")
_SIGNING_WORDS = (
    "secretkey",
    "fernetkey",
    "cookiesecret",
    "sessionsecret",
    "jwtsecret",
    "signingkey",
)


def _signing(data: bytes, m: re.Match[bytes]) -> bool:
    key = m.group("key").decode("ascii", "replace").lower()
    parts = [p for p in _KEY_PARTS.split(key) if p]
    for n in (1, 2):
        if "".join(parts[-n:]) in _SIGNING_WORDS:
            owners = parts[:-n]
            break
    else:
        return False
    return all(p in _SIGNING_OWNERS for p in owners) and _token(data, m)


def _family(words: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """A family's key-word regex (`api_key` also as `apiKey`, `api-key`, `api.key`) and the
    prefilter keywords that every spelling holds."""
    word_re = "(?:" + "|".join(w.replace("_", "[_.\\-]?") for w in words) + ")"
    spellings = {form for w in words for form in (w, w.replace("_", ""), w.replace("_", "-"))}
    return word_re, minimal_keywords(spellings)


def _keyed(
    id: str,
    description: str,
    severity: Severity,
    words: tuple[str, ...],
    *,
    hint: str,
    priority: int,
    validate: v.ValidatorFn,
    examples: tuple[str, ...],
    counter_examples: tuple[str, ...],
) -> Rule:
    """A keyed rule whose key regex, prefilter keywords and gate all come from `words`."""
    word_re, keywords = _family(words)
    key = _KEY_START + r"(?P<key>[A-Za-z0-9_.\-]{0,64}?" + word_re + _KEY_TAIL + ")"
    return Rule(
        id=id,
        description=description,
        severity=severity,
        pattern="(?im)" + key + _AFTER_KEY + _VALUE,
        keywords=keywords,
        gate="(?:" + "|".join(w.replace("_", "[_.\\-]?") for w in words) + r")[A-Za-z0-9_]{0,32}"
        + _GATE_AFTER_KEY,
        hint=hint,
        priority=priority,
        confidence=Confidence.MEDIUM,
        check_placeholder=True,
        validate=validate,
        examples=examples,
        counter_examples=counter_examples,
    )


# XML holds a key's value as an element's text (`<password>...</password>`: Maven's settings.xml
# servers, maven.apache.org/settings.html#servers), as a property's name and value
# (`<name>...</name><value>...</value>`: Hadoop's core-site.xml, hadoop.apache.org/docs/stable/
# hadoop-aws/tools/hadoop-aws/index.html, and Hive's hive-site.xml), as attributes (Spring's
# `<property name="..." value="..."/>`, .NET's appSettings `<add key="..." value="..."/>`), or as
# the text of an element an attribute names (`<property name="...password">...</property>`,
# `<entry key="...">`). One pattern reads all four: what comes before the key, the key, what
# comes after it, and the value, which `_judge` weighs as it weighs any keyed value.
# Between tags: white space, its JSON escapes, and `"` and `,`, so XML in a JSON string or split
# across a notebook's source strings still matches (as private-key's body does).
_XML_SPACE = r"(?:[\s\",]|\\[nrt]){0,64}"
# Attributes after the key: each starts ` name=`, which the gate can ask for.
_XML_ATTRIBUTE = r"[ \t]+[A-Za-z_:][A-Za-z0-9_:.\-]{0,32}[ \t]*="
_XML_ATTRIBUTES = _XML_ATTRIBUTE + r"[^<>\n]{0,200}?"
_XML_BEFORE_KEY = r"(?:<|<name>[ \t]*|\b(?:name|key)[ \t]*=[ \t]*\\?[\"'])"
_XML_AFTER_KEY = (
    r"(?:\\?[\"'][ \t]+value[ \t]*=[ \t]*(?P<q>\\?[\"'])"  # name="key" value="..."
    r"|\\?[\"'](?:" + _XML_ATTRIBUTES + ")?>"  # name="key" ...>text<
    r"|[ \t]*</name>" + _XML_SPACE + r"<value>"  # <name>key</name> <value>text</value>
    r"|(?:" + _XML_ATTRIBUTES + ")?>)"  # <key ...>text</key>
)
# An element's text may sit on its own line; `{...}` is Maven's encrypted form
# (maven.apache.org/guides/mini/guide-encryption.html) or a template, never a literal.
_XML_VALUE = (
    r"(?P<op>)(?(q)|" + _XML_SPACE + ")"
    r"(?P<secret>(?(q)[^\"'<>\n\\]{1,256}|[^\s\"'<>{}\\]{1,256}))"
    r"(?(q)(?P=q)|" + _XML_SPACE + "</)"
)


def _keyed_xml(
    id: str,
    description: str,
    words: tuple[str, ...],
    *,
    priority: int,
    validate: v.ValidatorFn,
    examples: tuple[str, ...],
    counter_examples: tuple[str, ...],
) -> Rule:
    """The XML forms of a keyed family: the same words, keywords and judgement as `_keyed`."""
    word_re, keywords = _family(words)
    key = r"(?P<key>[A-Za-z0-9_.\-:]{0,64}?" + word_re + r"[A-Za-z0-9_.\-]{0,32})"
    tail = r"[A-Za-z0-9_.\-]{0,32}"
    return Rule(
        id=id,
        description=description,
        severity=Severity.MEDIUM,
        pattern="(?i)" + _XML_BEFORE_KEY + key + _XML_AFTER_KEY + _XML_VALUE,
        keywords=keywords,
        # From the key's word on, so Hyperscan starts at a literal (a gate that starts at `<`
        # wakes on every tag and cost ~60 ms of a 139 MB tree scan).
        gate=word_re + tail + r"(?:\\?[\"'])?(?:>|[ \t]*</name>|" + _XML_ATTRIBUTE + ")",
        hint="Move the value to the environment or a secrets manager and reference it "
        "(${env.DB_PASSWORD} in Maven, a credential provider in Hadoop).",
        priority=priority,
        confidence=Confidence.MEDIUM,
        lines_after=2,  # `<key>`, its text and `</key>` on three lines; `<name>` then `<value>`
        check_placeholder=True,
        validate=validate,
        examples=examples,
        counter_examples=counter_examples,
    )


# --- SQL DDL ------------------------------------------------------------------------------------

_DDL_CONTEXT = lazy(
    rb"(?i)\b(?:create|alter)\s+(?:user|role|login|group)\b|\bcreate\s+user\s+mapping\b|"
    rb"\bcreate\s+(?:or\s+replace\s+)?(?:server|secret)\b|sp_addlinkedsrvlogin|\bgrant\b|"
    rb"\bcreate\s+(?:database\s+)?link\b"
)
_DDL_USER = lazy(rb"(?i)\b(?:user|role|login)\s+(?:if\s+not\s+exists\s+)?[`'\"]?([\w$#]+)")


def _sql_password(data: bytes, m: re.Match[bytes]) -> bool:
    if m.group("q") is None and b"identified" not in m.group(0).lower():
        return False
    context = data[max(0, m.start() - 512) : m.end()]
    if _DDL_CONTEXT.search(context) is None or v.user_beside(data, m, v.secret_of(m)):
        return False
    users = [u.group(1).decode("utf-8", "replace") for u in _DDL_USER.finditer(context)]
    return not any(v.derived_from_user(u, v.secret_of(m)) for u in users)


# --- URLs and connect strings with credentials --------------------------------------------


def _url_credentials(data: bytes, m: re.Match[bytes]) -> bool:
    host = m.group("host").decode("utf-8", "replace").lower()
    if host.endswith(("example.com", "example.org", "example.net")) or host in ("host", "hostname"):
        return False
    return v.uri_is_real(data, m)


def _getconnection(data: bytes, m: re.Match[bytes]) -> bool:
    user = m.group("user").decode("utf-8", "replace")
    return not v.derived_from_user(user, v.secret_of(m))


_PWK = pw("keyed-k")
_TOKK = fake("keyed-t", 40)

KEYED_RULES: tuple[Rule, ...] = (
    _keyed(
        "keyed-password",
        "Literal password assigned to a password-named key (YAML, JSON, TOML, ini, properties, "
        "HCL, shell, Python, Java/JS, Go, PHP, make)",
        Severity.MEDIUM,
        ("password", "passwd", "pwd", "passphrase"),
        hint="Move the password to the environment or a secrets manager and reference it "
        "(${DB_PASSWORD}, os.environ, var.db_password).",
        priority=26,
        validate=_password,
        examples=(
            f"  MSSQL_SA_PASSWORD: {_PWK}",
            f'spring.datasource.password = "{pw("keyed-props")}"',
            f'  password: "{pw("keyed-airflow")}"  # airflow connection',
            f'variable "db" {{ default = {{ password = "{pw("keyed-hcl")}" }} }}',
            f"PGPASSWORD={pw('keyed-pg')} psql -h pg.acme.io -U etl dw",
            f"export MYSQL_PWD='{pw('keyed-my')}'; mysql -h db.acme.io",
            f'settings = {{"warehouse_password": "{letters("keyed-letters", 16)}"}}',
            f"  db_passphrase: correct-{letters('pp1', 6).lower()}-battery-"
            f"{letters('pp2', 5).lower()}",
            # Random lower-case letters are no name, however short (issue 9's recall probe).
            f"  password: {fake('keyed-low', 12, 'abcdefghijklmnopqrstuvwxyz')}",
            # A person's password: one word, digits and a symbol (assembled: the repo scans itself).
            f"  POSTGRES_PASSWORD: {'Granite'}{4821}!",
            # Go (`:=`, a raw string, a typed var), PHP (`.=`), make (`::=`).
            f"dbPassword := `{pw('keyed-go')}`",
            f'var warehousePassword string = "{pw("keyed-gov")}"',
            f'$dbPassword .= "{pw("keyed-php")}";',
            f"DB_PASSWORD ::= {pw('keyed-make')}",
        ),
        counter_examples=(
            'password = os.environ["DB_PASSWORD"]',
            "  password: ${DB_PASSWORD}",
            "password = var.db_password",
            'password = "{{ var.value.pg_password }}"',
            'password: "<%= ENV["PG_PASSWORD"] %>"',
            "  password: '#{db_password}'",
            'password = get_password("warehouse")',
            "password_file: /run/secrets/pg_password",
            '"privateKeyPassphrase": "/path/key.p12"',
            'user = User(username="ann", password="Zq8rLm2Tx9")',
            'if password == "Zq8rLm2Tx9":',
            "DB_PASSWORD_ENV_VAR = 'DB_PASSWORD'",
            "password: prefect_password",
            # issue 9, data-engineering-zoomcamp's Kestra compose: the service's name in leetspeak.
            "POSTGRES_DB: kestra\nPOSTGRES_USER: kestra\nPOSTGRES_PASSWORD: k3str4",
            "  host: analytics-db\n  password: 4n4lyt1cs!",
            # issue 9, feast's MinIO demo Secret: the product the key names, plus digits.
            "MINIO_ROOT_PASSWORD: minio123",
            # issue 9, astronomer-cosmos: base64 of a stock default (`postgres`).
            f"  password: {b64('postgres')}",
            # Over-fitting check on ansible (not tuned on): stock words misspelled, joined by a
            # digit and a symbol, or behind slot words.
            '(?i)password: "MySekretPa$$word"',
            "  data2_password: test1@secret",
            "  password: AnotherStrongPass!",
            # issue 9 (held-out metaflow's MinIO dev stack): stock words run together.
            "  -e MINIO_ROOT_USER=rootuser -e MINIO_ROOT_PASSWORD=rootpass123",
            # issue 9, prefect's settings tests: a key and a colon inside a string's text.
            'assert url.password == "the-password:has:funky!@stuff"',
            # Markdown's inline code after a colon; a JS template literal.
            f"- password: `{pw('keyed-md')}`",
            "const password = `${process.env.PG_PASSWORD}`",
        ),
    ),
    _keyed(
        "keyed-token",
        "Literal API key, token or secret assigned to a key of that name",
        Severity.MEDIUM,
        ("token", "secret", "api_key", "access_key", "auth_key", "private_key"),
        hint="Revoke the key, then read it from the environment or a secrets manager.",
        priority=25,
        validate=_token,
        examples=(
            f'api_key = "{_TOKK}"',
            f"  GX_CLOUD_ACCESS_TOKEN: {fake('keyed-gx', 32)}",
            f'{{"access_token": "{fake("keyed-at", 64, "0123456789abcdef")}"}}',
            f'[connections.prod]\nauthenticator = "PROGRAMMATIC_ACCESS_TOKEN"\n'
            f'token = "{fake("keyed-pat", 60)}"',
            f"http://localhost:8000/api?access_token={fake('keyed-qs', 22)}&limit=5",
            # The key alone in a request, and a vendor's secret (not its public) key.
            f"curl -H 'X-API-KEY: {fake('keyed-xak', 40)}' https://api.acme.io/v1/runs",
            f"AMPLITUDE_SECRET_KEY = '{fake('keyed-amps', 32)}'",
            # Another request's token is no companion (gitleaks' curl cases, one per command).
            f"curl -H 'apikey: {fake('keyed-xak2', 36)}' https://api.acme.io/v1/a\n"
            "curl -H 'Authorization: Bearer <token>' https://api.acme.io/v1/b",
            # Algolia's admin key is secret, whatever its search key beside it (a public one).
            f"ALGOLIA_APP_ID=K7QX2M9RTE\nALGOLIA_ADMIN_API_KEY={fake('keyed-alg', 32, _HEX)}",
            f'algolia = {{"write_api_key": "{fake("keyed-alg2", 32, _HEX)}"}}',
        ),
        counter_examples=(
            'tokenizer = AutoTokenizer.from_pretrained("gpt2", pad_token="<pad>")',
            'api_key = os.getenv("OPENAI_API_KEY")',
            "  secretName: warehouse-credentials",
            'next_page_token = "CAEQAhoGCgQIARAB"',
            "token: ${{ secrets.GITHUB_TOKEN }}",
            'api_key = "your-api-key"',
            "secret_key_ref: {name: pg, key: password}",
            # issue 9, prefect's CLI tests: base64 of readable text.
            f'assert captured_inputs == {{"api_key": "{b64("hello world")}"}}',
            # issue 9, mage-ai's usage logger: Amplitude's project API key is public by design.
            f"AMPLITUDE_API_KEY = '{fake('keyed-amp', 40)}'",
            f'mixpanel_token = "{fake("keyed-mp", 32, "0123456789abcdef")}"',
            # issue 9, mage-ai's API docs: the app's key sent beside the user's token.
            f"curl -H 'Authorization: Bearer $TOKEN' "
            f"'http://localhost:6789/api/pipelines?api_key={fake('keyed-cid', 40)}'",
            f"  --header 'OAUTH-TOKEN: <token>' \\\n"
            f"  --header 'X-API-KEY: {fake('keyed-cid2', 40)}'",
            # Algolia's search-only key ships in every page (DocSearch config).
            f"ALGOLIA_APP_ID=K7QX2M9RTE\nALGOLIA_SEARCH_API_KEY={fake('keyed-alg3', 32, _HEX)}",
            f'docsearch({{ appId: "K7QX2M9RTE", apiKey: "{fake("keyed-alg4", 32, _HEX)}", '
            'indexName: "docs" })',
        ),
    ),
    _keyed_xml(
        "xml-password",
        "Literal password in XML: an element's text, a property's name and value (Maven "
        "settings.xml, Hadoop/Hive *-site.xml, Spring, .NET appSettings)",
        ("password", "passwd", "pwd", "passphrase"),
        priority=26,
        validate=_password,
        examples=(
            f"    <password>{pw('xml-mvn1')}</password>",
            f"<server>\n  <id>nexus</id>\n  <username>deploy</username>\n"
            f"  <password>{pw('xml-mvn')}</password>\n</server>",
            f"<property>\n  <name>javax.jdo.option.ConnectionPassword</name>\n"
            f"  <value>{pw('xml-hive')}</value>\n</property>",
            f'<bean id="ds">\n  <property name="password" value="{pw("xml-spring")}"/>\n</bean>',
            f'<appSettings>\n  <add key="WarehousePassword" value="{pw("xml-net")}" />',
            f'<property name="hibernate.connection.password">{pw("xml-hib")}</property>',
            f"<dbPassword>\n    {pw('xml-ml')}\n</dbPassword>",
            # A keyword on the line before: its three lines must not end the span early.
            f"# password\n<property>\n  <name>javax.jdo.option.ConnectionPassword</name>\n"
            f"  <value>{pw('xml-hive2')}</value>\n</property>",
        ),
        counter_examples=(
            "<password>${env.NEXUS_PASSWORD}</password>",
            "<password>{COQLCE6DU6GtcS5P=}</password>",
            '<property name="password" value="${db.password}"/>',
            '<xs:element name="password" type="xs:string"/>',
            '<input type="password" name="password" value="">',
            '<string name="prompt_password">Password</string>',
            "<passwordPolicy>strict</passwordPolicy>",
            "<password>changeme</password>",
            "<username>etl</username>\n<password>etl123</password>",
        ),
    ),
    _keyed_xml(
        "xml-token",
        "Literal API key, token or secret in XML: an element's text, a property's name and "
        "value (Hadoop fs.s3a.secret.key, Spring, .NET appSettings)",
        ("token", "secret", "api_key", "access_key", "auth_key", "private_key"),
        priority=25,
        validate=_token,
        examples=(
            f"<apiToken>{fake('xml-tok', 32)}</apiToken>",
            f"<property>\n  <name>fs.s3a.secret.key</name>\n"
            f"  <value>{fake('xml-s3a', 40, B64)}</value>\n</property>",
            f"<stripeToken>\n    {fake('xml-ml-t', 40)}\n</stripeToken>",
            f'<add key="ServiceApiKey" value="{fake("xml-net-t", 32)}" />',
        ),
        counter_examples=(
            "<property>\n  <name>fs.s3a.secret.key</name>\n  <value>${S3_SECRET}</value>",
            "<tokenType>Bearer</tokenType>",
            "<secretName>warehouse-credentials</secretName>",
            '<add key="ApiKeyHeader" value="X-Api-Key" />',
            f"<nextPageToken>{fake('xml-page', 24)}</nextPageToken>",
        ),
    ),
    # Flask, Superset and Django sign sessions with SECRET_KEY (flask.palletsprojects.com/en/stable/
    # config/#SECRET_KEY, superset.apache.org/docs/configuration/configuring-superset,
    # docs.djangoproject.com/en/stable/ref/settings/#secret-key); Airflow encrypts connections
    # with a Fernet key, 32 url-safe base64-encoded bytes (cryptography.io/en/latest/fernet/;
    # airflow.apache.org/docs/apache-airflow/stable/security/secrets/fernet.html).
    _keyed(
        "signing-secret",
        "Framework signing or encryption secret (Flask/Superset/Django SECRET_KEY, Airflow "
        "fernet_key, cookie/session/JWT secrets)",
        Severity.HIGH,
        (
            "secret_key",
            "fernet_key",
            "cookie_secret",
            "session_secret",
            "jwt_secret",
            "signing_key",
        ),
        hint="Generate a new key, keep it out of git (environment or secrets backend); with a "
        "Fernet key, re-encrypt stored connections (airflow rotate-fernet-key).",
        priority=46,
        validate=_signing,
        examples=(
            f"SECRET_KEY = '{fake('flask', 48)}'",
            f"fernet_key = {fake('fernet', 43, B64.replace('+', '-').replace('/', '_'))}=",
            f"  - AIRFLOW__CORE__FERNET_KEY={fake('fernet2', 43)}=",
            f'app.config["SECRET_KEY"] = "{fake("flask2", 32)}"',
            f'  REDASH_COOKIE_SECRET: "{fake("redash", 32)}"',
        ),
        counter_examples=(
            "SECRET_KEY = os.environ['SUPERSET_SECRET_KEY']",
            "fernet_key = {{ var.fernet }}",
            "SECRET_KEY = 'YOUR_OWN_RANDOM_GENERATED_SECRET_KEY'",
            "fernet_key =",
            "SECRET_KEY = get_random_secret_key()",
            "SECRET_KEY = 'changeme-in-production'",
        ),
    ),
    # CREATE/ALTER USER|ROLE ... [ENCRYPTED] PASSWORD 'x' (postgresql.org/docs/current/
    # sql-createrole.html; Snowflake CREATE USER ... PASSWORD = '<string>'), IDENTIFIED BY
    # (dev.mysql.com/doc/refman/8.0/en/create-user.html; Oracle CREATE USER), CREATE USER MAPPING
    # ... OPTIONS (user 'x', password 'y') (postgresql.org/docs/current/sql-createusermapping.html),
    # sp_addlinkedsrvlogin @rmtpassword = N'x' (learn.microsoft.com/sql/relational-databases/
    # system-stored-procedures/sp-addlinkedsrvlogin-transact-sql).
    Rule(
        id="sql-password",
        description="Password in SQL DDL (CREATE/ALTER USER or ROLE, IDENTIFIED BY, user mapping, "
        "linked server login)",
        severity=Severity.HIGH,
        pattern=(
            r"(?i)(?:\b(?:encrypted\s+)?password\s*(?:=\s*)?|\bidentified\s+(?:with\s+\w+\s+)?by\s+"
            r"(?:password\s+)?|@rmtpassword\s*=\s*)"
            r"(?P<q>N?')?(?P<secret>(?(q)[^'\n]{1,128}|[A-Za-z][\w#$]{0,127}))(?(q)')"
        ),
        keywords=("password", "identified"),
        gate=r"(?:password\s*=?\s*N?'|identified\s+(?:with\s+\w+\s+)?by\s)",
        hint="Rotate the password; create users from a migration that reads it from a secret, "
        "or use key-pair / IAM authentication.",
        priority=55,
        confidence=Confidence.MEDIUM,
        validate=_sql_password,
        examples=(
            f"CREATE USER hex_svc PASSWORD = '{pw('sql1')}' DEFAULT_ROLE = ANALYST;",
            f"ALTER ROLE etl WITH LOGIN ENCRYPTED PASSWORD '{pw('sql2')}';",
            f"CREATE USER 'etl'@'%' IDENTIFIED BY '{pw('sql3')}';",
            f"CREATE USER loader IDENTIFIED BY {letters('sql4', 6)}9x;",
            f"CREATE USER MAPPING FOR etl SERVER dw OPTIONS (user 'etl', password '{pw('sql5')}');",
            f"EXEC sp_addlinkedsrvlogin @rmtsrvname = N'DW', @rmtuser = N'etl', "
            f"@rmtpassword = N'{pw('sql6')}';",
        ),
        counter_examples=(
            "CREATE USER etl PASSWORD 'changeme';",
            "ALTER USER etl WITH PASSWORD NULL;",
            "CREATE USER etl IDENTIFIED BY :password;",
            "SELECT password FROM users WHERE id = 1;",
            "CREATE USER x IDENTIFIED BY '${PASSWORD}';",
        ),
    ),
    # mysql -p<password> / --password=<password> (dev.mysql.com/doc/refman/8.0/en/
    # connection-options.html#option_general_password), sshpass -p <password> (sshpass(1)).
    Rule(
        id="cli-password",
        description="Password on a command line (mysql -p..., --password=..., sshpass -p ...)",
        severity=Severity.HIGH,
        pattern=(
            r"(?:\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlsh|mariadb|mariadb-dump)\b"
            r"[^\n|;&]{0,256}?[ \t](?:-p(?=[^\s-])|--password=)|\bsshpass[ \t]+-p[ \t]*)"
            r"(?P<q>[\"'])?(?P<secret>(?(q)[^\"'\n]{1,128}|[^\s\"';&|]{1,128}))(?(q)(?P=q))"
        ),
        keywords=("mysql", "mariadb", "sshpass"),
        gate=r"(?:mysql|mariadb)[^\n]{0,256}[ \t](?:-p[^\s-]|--password=)|sshpass[ \t]+-p",
        hint="Rotate the password; use an option file (~/.my.cnf, mode 600), MYSQL_PWD from a "
        "secret, or sshpass -e with SSHPASS.",
        priority=56,
        confidence=Confidence.MEDIUM,
        validate=lambda data, m: not v.user_beside(data, m, v.secret_of(m)),
        examples=(
            f"mysql -h db.acme.io -u etl -p'{pw('cli1')}' dw < load.sql",
            f"mysqldump --user=etl --password={pw('cli2')} dw > dw.sql",
            f"sshpass -p {pw('cli3')} scp dump.sql etl@bastion.acme.io:/tmp/",
        ),
        counter_examples=(
            "mysql -u root -p dw",
            'mysql -h db -u etl -p"$MYSQL_PASSWORD" dw',
            "mysql -u etl --password=${DB_PASS} dw",
            "sshpass -e scp dump.sql etl@bastion:/tmp/",
            "mysql -P 3306 -h db dw",
        ),
    ),
    # java.sql.DriverManager.getConnection(String url, String user, String password)
    # (docs.oracle.com/en/java/javase/21/docs/api/java.sql/java/sql/DriverManager.html).
    Rule(
        id="jdbc-getconnection-password",
        description="Literal password passed to DriverManager.getConnection(url, user, password)",
        severity=Severity.HIGH,
        pattern=(
            r"\bgetConnection\(\s*[^,()\n]{1,256},\s*\\?\"(?P<user>[^\"\\\n]{0,128})\\?\"\s*,\s*"
            r"\\?\"(?P<secret>[^\"\\\n]{1,128})\\?\"\s*\)"
        ),
        keywords=("getconnection",),
        hint="Rotate the password; read it from the environment or a secrets manager, or pass "
        "Properties built from one.",
        priority=60,
        confidence=Confidence.MEDIUM,
        validate=_getconnection,
        examples=(
            f'Connection c = DriverManager.getConnection(url, "etl", "{pw("gc1")}");',
            f'conn = DriverManager.getConnection("jdbc:postgresql://pg/dw", "hex", "{pw("gc2")}")',
            f'DriverManager.getConnection(JDBC_URL, "svc_loader", "{letters("gc3", 14)}");',
        ),
        counter_examples=(
            "DriverManager.getConnection(url, user, password);",
            'DriverManager.getConnection(url, "etl", System.getenv("PG_PASSWORD"));',
            'DriverManager.getConnection(url, "etl", "changeme");',
            'DriverManager.getConnection(url, "etl", "etl");',
        ),
    ),
    # userinfo in http(s) URLs (RFC 3986 §3.2.1), which pip accepts for private indexes
    # (pip.pypa.io/en/stable/topics/authentication/#basic-http-authentication).
    Rule(
        id="url-credentials",
        description="Credentials in an http(s)/ftp URL (https://user:password@host)",
        severity=Severity.HIGH,
        pattern=(
            r"(?i)(?<![A-Za-z0-9+.\-])(?P<scheme>https?|git\+https?|ftps?|sftp)://"
            r"(?P<user>[^\s:@/\"'`<>]{1,256}):(?P<secret>[^\s/?#\"'`<>]{1,256})@"
            r"(?P<host>[A-Za-z0-9][A-Za-z0-9.\-_]{0,253}(?::\d{1,5})?)"
        ),
        keywords=("http://", "https://", "ftp://", "ftps://", "sftp://"),
        gate=r"(?:https?|ftps?|sftp)://[^\s/@:\"'<>]{1,256}:[^\s/@\"'<>]{1,256}@",
        hint="Rotate the password or token; configure the index or remote with a credential "
        "helper or keyring (pip: keyring or netrc) instead of the URL.",
        priority=65,
        check_placeholder=False,  # v.uri_is_real runs it on the percent-decoded password
        confidence=Confidence.MEDIUM,
        validate=_url_credentials,
        examples=(
            f"--extra-index-url https://ci:{fake('url1', 24)}@pypi.acme.io/simple",
            f'index-url = "https://deploy:{fake("url2", 32)}@nexus.acme.io/repository/pypi/simple"',
            f"git+https://bot:{fake('url3', 20)}@git.acme.io/data/dbt-utils.git@v1.2#egg=dbt-utils",
        ),
        counter_examples=(
            "https://user:password@pypi.acme.io/simple",
            "https://${PYPI_USER}:${PYPI_TOKEN}@pypi.acme.io/simple",
            "https://__token__:<token>@upload.pypi.org/legacy/",
            "https://me:Zq8rLm2Tx9@example.com/",
            "https://github.com/acme/dw@main",
            # issue 9, prefect-bitbucket's tests: an alphabet run and a value naming its content.
            "https://x-token-auth:aBc%2BDeF%2FgHi%3D@bitbucket.org/org/repo.git",
            "https://user%40domain.com:token%2Fwith%2Fslashes@bitbucketserver.com/scm/p/repo.git",
        ),
    ),
    # user/password@[//]host[:port][/service] (Oracle Easy Connect, docs.oracle.com/en/database/
    # oracle/oracle-database/19/netag/configuring-naming-methods.html; SQL*Plus CONNECT
    # username/password@connect_identifier).
    Rule(
        id="oracle-connect-password",
        description="Oracle connect string with a password (user/password@host:port/service)",
        severity=Severity.HIGH,
        pattern=(
            r"(?<![\w/.:@\-])(?P<user>[A-Za-z][\w$#]{0,29})/(?P<secret>[^\s/@\"'`<>]{1,64})@"
            r"(?://)?(?P<host>[A-Za-z0-9][A-Za-z0-9.\-]{0,253}:\d{2,5})/[\w.$\-]{1,64}"
        ),
        keywords=("sqlplus", "1521", "oracle", "tns", "rman", "impdp", "expdp", "sqlldr"),
        # The port and the slash after it, which every match holds on its one line: a gate that
        # starts at a class instead of a literal makes Hyperscan run an automaton over every
        # byte (it was 90% of a tree scan's prefilter time), and one that starts at `@` and
        # spans the host ({0,253}) cost 11 ms of a 14k-file tree scan's 77 ms prefilter pass.
        gate=r":\d{2,5}/",
        gate_widens=True,
        hint="Rotate the password; use an Oracle wallet or external authentication (/@alias).",
        priority=66,
        check_placeholder=False,
        confidence=Confidence.MEDIUM,
        validate=v.uri_is_real,
        examples=(
            f"sqlplus etl/{pw('ora1')}@ora.acme.io:1521/DWPDB",
            f'oracledb.connect("hex/{pw("ora2")}@10.0.4.2:1521/ORCLPDB1")',
            f"ORACLE_DSN=loader/{letters('ora3', 12)}@//dw-ora.acme.io:1522/DW.acme.io",
            # No keyword on the line: the gate finds it, on every backend and scan size.
            f'DSN = "loader/{pw("ora4")}@dw-db.acme.io:1522/DWPDB"',
        ),
        counter_examples=(
            "sqlplus scott/tiger@localhost:1521/XEPDB1",
            "sqlplus system/oracle@db:1521/XE",
            "sqlplus ${ORA_USER}/${ORA_PASSWORD}@db:1521/XE",
            "sqlplus / as sysdba",
        ),
    ),
)
