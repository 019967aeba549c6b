"""The shared placeholder filter: values that look like a slot for a secret, not a secret.

Every rule runs it on its captured secret (domain notes). A stock word is judged as a whole value,
or as a whole value modulo the usual alterations (`password1`, `p@ssw0rd!`, `pa$$word`,
`pass+word`, `%2B`-encoded), never as a substring of a random one: secretlint PR #1118 is the
false negative that substring matching on short words (`pass` in `secur3Pass`) caused, and
issue 9's fuzzing found the same for `fake`/`dummy` inside random tokens. A value with no digit
is not a placeholder for that reason alone: letters-only random strings and `word-word-word`
passphrases are secrets.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter

from hex_guard.lazyre import lazy

_INTERPOLATION = lazy(
    r"""
      \$\{ | \$\( | \{\{ | \}\} | \#\{ | <% | %>  # ${X} $(cmd) {{ x }} #{ruby} <%= erb %>
    | \$[A-Z_][A-Z0-9_]{2,}(?![A-Za-z0-9])      # a $UPPER_VAR fragment anywhere in the value
    | ^\$(?:[a-z_][a-z0-9_]*|[A-Z_][A-Z0-9_]*)$ # $var, $VAR (not `$ecretP4ss`: mixed case)
    | %\([A-Za-z_][A-Za-z0-9_]*\)[sdr]          # %(password)s
    | ^%[A-Za-z_][A-Za-z0-9_]*%$                # %VAR%
    | ^<[^<>]*>$ | ^\[[^\[\]]*\]$              # <x>  [x]
    | ^\{[\w.\-\[\]'"]*(?:\}$|\(|$)             # {x}, {2}, {db-pw.value}, {call( (templates)
    | ^\$(?:1|2[abxy]?|5|6|y|gy|7|argon2(?:id|i|d)?|pbkdf2[\w\-]*|scrypt)\$  # a password hash
    # MySQL's native password hash, `*` and 40 upper-case hex digits (dev.mysql.com/doc/refman/
    # 8.0/en/password-hashing.html); PostgreSQL's `md5` and 32 hex digits, stored as given by
    # CREATE/ALTER ROLE ... PASSWORD (postgresql.org/docs/current/sql-createrole.html).
    | ^\*[0-9A-F]{40}$ | ^md5[0-9a-f]{32}$
    | ^(?:env|secret|vault|op|ssm|arn):         # env:VAR, secret references
    | ^(?:os\.environ|os\.getenv|process\.env|settings\.|config\.)
    """,
    re.VERBOSE,
)

# References a quoted value can still hold: an environment variable's name, an attribute path,
# a call (`getpass()`).
# An attribute's name is letters with at most a few digits at its end (`settings.db_password2`);
# `joheeo7.O6BRi2` is a password with a dot in it. A call closes its parenthesis
# (`Tr0ub4dor(3xQ9` is a password with one in it). (issue 9, red-team pass.)
_REFERENCE = lazy(
    r"^(?:[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[a-z_][a-z0-9_]{0,40}(?:\.[A-Za-z_][A-Za-z_]{0,40}\d{0,3})+"
    r"|[A-Za-z_][\w.]{0,80}\(.*\))$"
)

_MASK = lazy(r"^[*xX.#•_\- ]{3,}$|\.\.\.$|…$|\*{3,}|[xX]{4,}")

# Compared against the whole value, lower-cased, de-leeted, with separators removed.
_WORDS = frozenset(
    [
        "password",
        "passwd",
        "pass",
        "pwd",
        "passphrase",
        "secret",
        "secrets",
        "changeme",
        "changeit",
        "example",
        "sample",
        "placeholder",
        "replaceme",
        "redacted",
        "dummy",
        "test",
        "testing",
        "todo",
        "tbd",
        "none",
        "null",
        "nil",
        "undefined",
        "fake",
        "foo",
        "bar",
        "baz",
        "foobar",
        "token",
        "apikey",
        "apitoken",
        "accesstoken",
        "authtoken",
        "default",
        "admin",
        "root",
        "user",
        "username",
        "login",
        "letmein",
        "qwerty",
        "value",
        "string",
        "mysecret",
        "mypassword",
        "mytoken",
        "yourtoken",
        "yourpassword",
        "yoursecret",
        "yourapikey",
        "secretkey",
        "privatekey",
        "hidden",
        "masked",
        "removed",
        "omitted",
        "notset",
        "unset",
        "empty",
        "blank",
        "tiger",
        "scott",
        "hunter",
        "guest",
        "demo",
        "welcome",
        "abc",
        "abcd",
        "abcdef",
        "key",
        "mock",
        "stub",
        "xxx",
        "pw",
        "passw",
    ]
)
# Vendor defaults and filler words: placeholders as a whole value (`postgres`, `Magic1`), but
# ordinary words inside a longer one (`Or4cl3Pw77` is a password).
_DEFAULTS = frozenset(
    [
        "postgres",
        "postgresql",
        "mysql",
        "mariadb",
        "airflow",
        "superset",
        "redash",
        "sa",
        "oracle",
        "system",
        "manager",
        "master",
        "loader",
        "safe",
        "supersafe",
        "magic",
        "something",
        "anything",
        "whatever",
        "mysecretpassword",
        "changethis",
    ]
)
# Words that name a slot (`your_db_password_here`): a value made only of these and at least one
# stock word is a placeholder; one real word among them (a passphrase) makes it a secret.
_SLOT_WORDS = _WORDS | frozenset(
    [
        "my",
        "your",
        "the",
        "a",
        "new",
        "old",
        "real",
        "here",
        "goes",
        "put",
        "insert",
        "enter",
        "replace",
        "with",
        "change",
        "me",
        "db",
        "database",
        "api",
        "access",
        "auth",
        "app",
        "client",
        "service",
        "account",
        "private",
        "public",
        "field",
        "prod",
        "production",
        "dev",
        "local",
        "staging",
        "super",
        "some",
        "random",
        "long",
        "strong",
        "secure",
        "s3cr3t",
        "of",
        "for",
        "to",
        "and",
        "is",
        "it",
        "this",
        "that",
        "name",
        "id",
        "x",
        "really",
        "very",
        "strong",
        "stronger",
        "weak",
        "bad",
        "good",
        "other",
        "another",
        "diff",
        "fallback",
        "sensitive",
        "custom",
        "sample",
        "fake",
        "mock",
        "dummy",
        "test",
        "tests",
        "testing",
        "from",
        "yml",
        "yaml",
        "env",
        "pat",
        "oauth",
        "bearer",
        "jwt",
        "session",
        "cookie",
        "signing",
        "phrase",
        "word",
        "code",
        "pin",
        "special",
        "chars",
        "characters",
        "symbols",
        "encoded",
        "escaped",
        "unicode",
        # What a test value says it holds (`token/with/slashes`, `pass with spaces`).
        "slash",
        "slashes",
        "dash",
        "dashes",
        "dot",
        "dots",
        "space",
        "spaces",
        "colon",
        "colons",
        "quote",
        "quotes",
        "percent",
        "plus",
        "hyphen",
        "hyphens",
        "underscore",
        "underscores",
        "punctuation",
    ]
)
# Words that say a value names a role, when the value is a snake/kebab identifier
# (`prefect_password`, `test_pat_token`, `sensitive-secret`).
_ROLE_WORDS = frozenset(
    [
        "password",
        "passwd",
        "pass",
        "pwd",
        "pw",
        "secret",
        "token",
        "passphrase",
        "key",
        "apikey",
        "test",
        "mock",
        "fake",
        "sample",
        "dummy",
        "from",
        "example",
        "demo",
        "my",
        "your",
        "set",
        "me",
        "up",
        "fill",
        "change",
        "replace",
        "later",
        "here",
    ]
)
# Stock substrings of a one-word, lower-case, letters-only value (`testpassword`,
# `badbadpassword`): only there, where a random value with digits or mixed case cannot be.
_STOCK_INFIXES = ("password", "passwd", "secret", "token", "test", "pass")

# Markers long enough that a random token never holds one by chance: matched as substrings.
_LONG_MARKERS = (
    "example",
    "placeholder",
    "redacted",
    "changeme",
    "change_me",
    "yourpass",
    "notreal",
    "not_a_real",
    "not-a-real",
    "replace_me",
    "replace-me",
    "insert_",
    "your_",
    "your-",
)
_SEPARATORS = lazy(r"[\s_\-.+\\$()\[\]{}%^&*#~,;:/=?'\"]")
_WORD_SPLIT = lazy(r"[A-Z]?[a-z0-9@!|]+|[A-Z0-9@!|]+(?![a-z])")
_IDENTIFIER_WORDS = lazy(r"^[a-z]+(?:[_\-][a-z]+)+(?:[_\-]?\d{1,6})?$")
# snake/kebab words some of which carry digits (`ci_api_key_9x3ehash`, `123abc_my_api_key`).
_ALNUM_IDENTIFIER = lazy(r"^[a-z0-9]+(?:[_\-][a-z0-9]+){2,}$")
_LOWER_WORD = lazy(r"^(?:[A-Z]?[a-z]+|[A-Z]+)$")
_CODE_FRAGMENT = lazy(r"^[,()+]|[,(+]$")
_TRAILING = lazy(r"[\d!?.*#@$%^&_+\-~]+$")
_LEET_I = str.maketrans("@4310$5!7|", "aaeiossitl")
_LEET_L = str.maketrans("@4310$5!7|", "aaeloss1tl")
_NON_ALNUM = lazy(r"[^a-z0-9]+")


def shannon_entropy(value: str) -> float:
    """Bits per character of the value's own character distribution."""
    if not value:
        return 0.0
    counts = Counter(value)
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def _is_sequential(value: str) -> bool:
    """`abcdef…`, `12345`, `zyxw`: a whole value, or a run of 13, that counts up or down; or
    one whose letters and digits alone do, whatever their case (`aBc+DeF/gHi=`)."""
    if len(value) < 5:
        return False
    alnum = _NON_ALNUM.sub("", value.lower())
    if len(alnum) >= 6 and all(ord(b) - ord(a) == 1 for a, b in zip(alnum, alnum[1:])):
        return True
    steps = [ord(b) - ord(a) for a, b in zip(value, value[1:])]
    if all(s == 1 for s in steps) or all(s == -1 for s in steps):
        return True
    if len(steps) < 12:
        return False  # a run of 11 equal pairs of steps needs 12 steps
    run = longest = 0
    for a, b in zip(steps, steps[1:]):
        run = run + 1 if a == b and a in (1, -1) else 0
        longest = max(longest, run)
    return longest >= 11


def _is_low_entropy(value: str) -> bool:
    """`xxxx`, `abab`, and below eight characters three letters repeated (`aa?bb`, a DSN
    parser's test vector in dbt-duckdb): a pattern, not a password."""
    distinct = len(set(value))
    return (
        distinct <= 2
        or (len(value) < 8 and distinct <= 3)
        or (len(value) >= 8 and shannon_entropy(value) < 1.5)
    )


# A value's words recur across values (`password`, `token`, `key`): 758 distinct words of 1,981
# asked about over the bench corpus.
@functools.lru_cache(maxsize=4096)
def _forms(word: str) -> frozenset[str]:
    """A word lower-cased, without a trailing run of digits/punctuation, de-leeted, and with its
    remaining punctuation dropped (`p@ss!word/123` is `password`)."""
    lowered = word.lower()
    stems = {lowered, _TRAILING.sub("", lowered)}
    out = set()
    for stem in stems:
        for form in (stem, stem.translate(_LEET_I), stem.translate(_LEET_L)):
            out.add(form)
            out.add(_NON_ALNUM.sub("", form))
        out.add(_NON_ALNUM.sub("", stem.replace("@", "a").replace("$", "s")))
    out.discard("")
    return frozenset(out)


_EDIT_WORDS = frozenset(w for w in _WORDS if len(w) >= 4)
# One edit from a stock word, as set lookups: a substitution at i leaves the same string once
# position i is deleted from both; an insertion or a deletion leaves the other word.
_SUBSTITUTED = frozenset((i, w[:i] + w[i + 1 :]) for w in _EDIT_WORDS for i in range(len(w)))
_DELETED = frozenset(w[:i] + w[i + 1 :] for w in _EDIT_WORDS for i in range(len(w)))


def _near_stock_word(value: str) -> bool:
    """`p/ss`, `passwrd`, `passw*rd`: a stock word with one character swapped, added or lost."""
    if not 4 <= len(value) <= 16:
        return False
    v = _TRAILING.sub("", value.lower()) or value.lower()
    if v in _DELETED:
        return True
    for i in range(len(v)):
        rest = v[:i] + v[i + 1 :]
        if (i, rest) in _SUBSTITUTED or rest in _EDIT_WORDS:
            return True
    return False


def _is_stock_word(value: str) -> bool:
    """`password`, `Password1`, `p@ssw0rd!`, `pa$$word`, `pass+word`, `s3cr3t`."""
    joined = _SEPARATORS.sub("", value.replace("$", "s"))
    bare = _SEPARATORS.sub("", value)
    # A form of a word without separators has none either (lower-casing and de-leeting add
    # none: tests/test_placeholder_forms.py), so the forms need no second pass.
    forms = _forms(joined) | _forms(bare)
    return bool(forms & _WORDS or forms & _DEFAULTS) or any(
        _METASYNTACTIC.match(f) is not None for f in forms
    )


# Programmers' metasyntactic names run together (`foobarbaz`, `spameggs`), as a whole value.
_METASYNTACTIC = lazy(
    r"^(?:foo|bar|baz|qux|quux|corge|grault|garply|waldo|fred|plugh|xyzzy|thud"
    r"|spam|eggs|ham)+$"
)


def _words(value: str) -> list[str]:
    """The value's words: split on separators and camelCase humps."""
    return [w for part in _SEPARATORS.split(value) for w in _WORD_SPLIT.findall(part)]


def _is_slot_phrase(value: str) -> bool:
    """`your_db_password_here`, `Strong!Passw0rd`, `ReallyStrongPwd1234%^&*`: slot words only.
    `$` is read both as a separator (`foo$r$6$bar`) and as an `s` (`MySekretPa$$word`)."""
    return _slot_words_only(value) or ("$" in value and _slot_words_only(value.replace("$", "s")))


def _slot_words_only(value: str) -> bool:
    words = [w for w in _words(value) if len(_TRAILING.sub("", w)) > 1]
    if len(words) < 2:
        return False
    # A stock word one letter off counts as one (`MySekretPa$$word`, ansible's expect docs).
    stock = [w for w in words if _forms(w) & _WORDS or _near_stock_word(w)]
    return bool(stock) and all(_forms(w) & _SLOT_WORDS or w in stock for w in words)


_COMPOUND_WORDS = frozenset(w for w in _SLOT_WORDS | _DEFAULTS if len(w) >= 2)
_STOCK = _WORDS | _DEFAULTS
_LOWER_STEM = lazy(r"^[a-z]{4,40}$")
_LOWER_RUNS = lazy(r"[a-z]+")


def _is_stock_compound(value: str) -> bool:
    """`rootpass123`, `adminpassword1`, `supersecret`, `test1@secret`: stock and slot words run
    together in lower case (one of them a stock word), give or take digits and punctuation. A
    word no list holds (`river`, a random run of letters) leaves a remainder, so the value is
    kept; so is a compound someone worked on, in leetspeak and mixed case (`Or4cl3Pw77`)."""
    if any(c.isupper() for c in value):
        return False
    runs = _LOWER_RUNS.findall(value)
    if len(runs) > 1:  # `test1@secret`: each run of letters a compound or a listed word
        return all(r in _COMPOUND_WORDS or _is_stock_compound(r) for r in runs) and any(
            r in _STOCK or _is_stock_compound(r) for r in runs
        )
    stem = _TRAILING.sub("", value)
    if _LOWER_STEM.match(stem) is None or stem in _COMPOUND_WORDS:
        return False
    # reach[i]: the stem's first i letters split into listed words; stock[i]: one is stock.
    reach = [True] + [False] * len(stem)
    stock = [False] * (len(stem) + 1)
    for i in range(len(stem)):
        if not reach[i]:
            continue
        for j in range(i + 2, min(len(stem), i + 16) + 1):
            piece = stem[i:j]
            if piece in _COMPOUND_WORDS:
                reach[j] = True
                stock[j] = stock[j] or stock[i] or piece in _STOCK
    return reach[-1] and stock[-1]


_SELF_NAMES = frozenset(["password", "passwd", "secret", "token"])
_LETTER_RUNS = lazy(r"[A-Za-z]+")
_HUMP = lazy(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+")


def _is_phrase_naming_itself(value: str) -> bool:
    """`the-password:has:funky!@stuff`: a phrase of plain words, one of them `password` (or
    `secret`, `token`), describes a test value; a passphrase does not call itself a password."""
    if any(c.isdigit() for c in value):
        return False
    words = [w.lower() for run in _LETTER_RUNS.findall(value) for w in _HUMP.findall(run)]
    return len(words) >= 3 and any(w in _SELF_NAMES for w in words)


def _is_named_value(value: str) -> bool:
    """An identifier that names the value's role, or a one-word dictionary-like value.

    `prefect_password`, `test_pat_token`, `ge_tutorials` (two words), `postgres`, `myhookid`. A
    passphrase has three or more words and no role word; a random value is longer than a word,
    or mixes case, or has digits.
    """
    if _IDENTIFIER_WORDS.match(value):
        words = [w for w in re.split(r"[_\-]", value.rstrip("0123456789_-")) if w]
        roles = {f for w in words for f in _forms(w)} & _ROLE_WORDS
        return bool(roles) or len(words) == 2
    if _ALNUM_IDENTIFIER.match(value):
        words = [w for w in re.split(r"[_\-]", value) if w.isalpha()]
        return len(words) >= 2 and bool({f for w in words for f in _forms(w)} & _ROLE_WORDS)
    if _LOWER_WORD.match(value):
        lowered = value.lower()
        if any(stock in lowered for stock in _STOCK_INFIXES):
            return True
        if lowered.startswith("my") and len(lowered) > 4:
            lowered = lowered[2:]  # `myhookid`, `mydatabase`: a name made up for an example
        return len(lowered) <= 12 and _spelled_like_a_word(lowered)
    return False


# The 250 most frequent letter pairs inside words of English prose (computed over the words of
# CPython's pydoc_data/topics.py, the language reference's text): 98.6% of the pairs in that
# text. A word is spelled almost entirely from them; random letters are not (a pair of random
# letters is among them 37% of the time).
_PAIRS = """
    ab ac ad ag ai ak al am an ap ar as at au av ax ay ba bc be bi bj bl bo br bs bu by ca cc
    ce ch ci ck cl co cr ct cu da dd de di dl do ds du ea eb ec ed ee ef eg ei el em en ep eq
    er es et ev ew ex ey fa fe ff fi fl fo fr ft fu ga ge gh gi gl gn gr gs gu ha he hi ho hr
    ht ia ib ic id ie if ig il im in io ip ir is it iv iz je ke la ld le lf li ll lo ls lt lu
    ly ma mb me mi mm mo mp ms mu na nc nd ne ng ni nl nm nn no ns nt nu nv ny oa ob oc od oe
    of og oi ok ol om on oo op or os ot ou ov ow pa pe pi pl po pp pr pt py qu ra rc rd re rg
    ri rm rn ro rp rr rs rt ru ry sa sc se sh si sl so sp ss st su sy ta tc te th ti tl to tr
    ts tt tu tw ty ua ub uc ud ue ug ui ul um un up ur us ut va ve vi wa we wh wi wo xa xc xe
    xi xp xt yi yn yp ys yt yw ze
"""
_COMMON_PAIRS = frozenset(_PAIRS.split())


def _spelled_like_a_word(lowered: str) -> bool:
    """`postgres`, `warehouse`, `airflow`: a name or a word, which a default or a placeholder
    is, not a random password. All but one pair in five of its letters must be common pairs:
    about 1.5% of random 8-12-letter strings pass, where every one of them once did (issue 9:
    letters-only passwords of 12 characters or fewer were dropped as words)."""
    pairs = len(lowered) - 1
    rare = sum(1 for i in range(pairs) if lowered[i : i + 2] not in _COMMON_PAIRS)
    return rare <= max(1, pairs // 5)


_BASE64 = lazy(r"^(?:[A-Za-z0-9+/]{4}){1,16}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$")
# A password's characters: no JSON, no markup (base64 of `{"alg":...}` is a JWT header).
_PRINTABLE = lazy(r"^[A-Za-z0-9 _.@!#$%^&*+=~\-]{3,64}$")


def _encodes_placeholder(value: str) -> bool:
    """`cG9zdGdyZXM=`: base64 of a placeholder (`postgres`), as a Secret's `data:` or a
    values file holds it. Random bytes decode to unprintable ones, so a random value is kept."""
    if _BASE64.match(value) is None:
        return False
    import base64
    import binascii

    try:
        text = base64.b64decode(value, validate=True).decode("ascii")
    except (binascii.Error, ValueError):
        return False
    return _PRINTABLE.match(text) is not None and is_placeholder(text)


def _has_marker(lowered: str) -> bool:
    return any(marker in lowered for marker in _LONG_MARKERS)


@functools.lru_cache(maxsize=4096)
def _random_looking(value: str) -> bool:
    """Long, mixed letters and digits, high entropy: never a code fragment, whatever character
    it starts or ends with (base64 keys start and end with `+`; Django's alphabet has `(`)."""
    return (
        len(value) >= 12
        and any(c.isdigit() for c in value)
        and any(c.isalpha() for c in value)
        and shannon_entropy(value) >= 3.3
    )


def _encodes_public_pem(value: str) -> bool:
    """`LS0tLS1CRUdJTiBQVUJMSUMgS0VZ…`: base64 of a public key or certificate, which is public."""
    return value.startswith(_PUBLIC_PEM_B64)


def _b64_prefix(text: bytes) -> str:
    import base64

    return base64.b64encode(text)[: len(text) // 3 * 4].decode()


_PUBLIC_PEM_B64 = tuple(
    _b64_prefix(b"-----BEGIN " + kind)
    for kind in (b"PUBLIC KEY", b"RSA PUBLIC KEY", b"CERTIFICATE", b"PGP PUBLIC KEY BLOCK")
)


def is_placeholder(value: str, *, shaped: bool = False) -> bool:
    """True when `value` is a template slot, a reference, a mask, a stock word (altered or not)
    or too regular to be a secret.

    `shaped`: the rule's own pattern fixed the value's format (a vendor token, an AWS secret),
    so the checks that read free text as code or names (a leading `+`, a call, an identifier,
    a phrase) do not apply: they dropped real keys that start or end with `+` (issue 9)."""
    return _judged(value, shaped)


# A verdict depends on the value alone, and a scan asks about the same few values again and
# again (`password`, `${DB_PASSWORD}`, one token under several keys): the bench corpus asks 1,827
# times about 632 values, and each judgement costs ~25 us.
@functools.lru_cache(maxsize=4096)
def _judged(value: str, shaped: bool) -> bool:
    value = value.strip().strip("\"'`")
    if not value:
        return True
    if "%" in value:
        from urllib.parse import unquote  # rare here; importing it costs a hook run ~4 ms

        decoded = unquote(value)
        if decoded != value and is_placeholder(decoded):
            return True
    lowered = value.lower()
    if (
        not any(c.isalnum() for c in value)
        or (value.isdigit() and len(value) < 6)
        or _INTERPOLATION.search(value) is not None
        or _MASK.search(value) is not None
        or _is_stock_word(value)
        or _near_stock_word(value)
        or lowered.startswith(("your", "my_", "my-"))
        or _has_marker(lowered)
        or _is_sequential(value)
        or _is_low_entropy(value)
        or _encodes_public_pem(value)
    ):
        return True
    if shaped:
        return False
    return (
        (_CODE_FRAGMENT.search(value) is not None and not _random_looking(value))
        or _REFERENCE.match(value) is not None
        or _is_slot_phrase(value)
        or _is_phrase_naming_itself(value)
        or _is_stock_compound(value)
        or _is_named_value(value)
        or _encodes_placeholder(value)
    )
