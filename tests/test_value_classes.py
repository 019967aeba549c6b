"""Classes of real values the placeholder filter and the keyed family once dropped, and classes
of non-secrets they reported (issue 9, the red-team pass over every file format). Values are
random, drawn from a seeded generator, so each class is tested as a class, not as one string."""

from __future__ import annotations

import random
import string

import pytest

from hex_guard.detect import Engine
from hex_guard.placeholder import is_placeholder
from hex_guard.records import Finding, Fragment

ENGINE = Engine(allow_hyperscan=False)
B64 = string.ascii_letters + string.digits + "+/"


def scan(text: str, path: str) -> list[Finding]:
    return ENGINE.scan(Fragment(path, path, text.encode()))


def _letters(rng: random.Random, n: int, alphabet: str = string.ascii_lowercase) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


@pytest.mark.parametrize("length", [8, 10, 11, 12])
def test_random_letters_only_passwords_are_not_taken_for_words(length: int) -> None:
    """Every letters-only value of 12 characters or fewer was dropped as 'a word'; a word is
    now one spelled from common letter pairs, which random letters rarely are."""
    rng = random.Random(length)
    values = [_letters(rng, length) for _ in range(1000)]
    kept = sum(not is_placeholder(v) for v in values)
    assert kept >= 950, kept
    capitalised = [_letters(rng, 1).upper() + _letters(rng, length - 1) for _ in range(200)]
    assert sum(not is_placeholder(v) for v in capitalised) >= 190


@pytest.mark.parametrize(
    "word",
    [
        "postgres",
        "airflow",
        "warehouse",
        "analytics",
        "admin",
        "kestra",
        "dagster",
        "Welcome",
        "myhookid",
        "mydatabase",
        "foobarbaz",
        "spameggs",
    ],
)
def test_names_words_and_made_up_example_names_stay_placeholders(word: str) -> None:
    assert is_placeholder(word)


@pytest.mark.parametrize("edge", ["+{}", "{}+", "({}", "{},"])
def test_a_long_random_value_is_no_code_fragment_whatever_it_starts_or_ends_with(
    edge: str,
) -> None:
    rng = random.Random(edge)
    for _ in range(50):
        value = edge.format(_letters(rng, 19, string.ascii_letters + string.digits) + "7")
        assert not is_placeholder(value), value
    assert is_placeholder("foo(") and is_placeholder("+suffix") and is_placeholder("name,")


def test_fixed_format_keys_that_start_or_end_with_plus_are_found() -> None:
    """8 in 300 real AWS secrets start or end with `+`: the code-fragment check read them as
    string concatenation. Fixed-format rules skip the free-text checks."""
    rng = random.Random(3)
    for _ in range(20):
        body = _letters(rng, 39, B64)
        for secret in ("+" + body, body + "+"):
            for text, path in (
                (f"[default]\naws_secret_access_key = {secret}\n", ".aws/credentials"),
                (f"AWS_SECRET_ACCESS_KEY={secret}\n", ".env"),
            ):
                found = [f.secret for f in scan(text, path) if f.rule_id == "aws-secret-access-key"]
                assert found == [secret], text
        key = "+" + _letters(rng, 85, B64) + "=="
        conn = f"DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={key};"
        assert [f.secret for f in scan(conn, "settings.py")] == [key]


@pytest.mark.parametrize(
    "value",
    ["Tr0ub4dor(3xQ9", "joheeo7.O6BRi2", "VTtJla%28tJoIR", "k9Pz.Wq4mRt7"],
)
def test_a_password_holding_a_parenthesis_or_a_dot_is_no_call_or_attribute(value: str) -> None:
    assert not is_placeholder(value)
    findings = scan(f'DB_PASSWORD = "{value}"\n', "settings.py")
    assert [f.rule_id for f in findings] == ["keyed-password"]


@pytest.mark.parametrize(
    "reference",
    [
        "settings.db_password",
        "self.password2",
        "config.warehouse.password",
        "getpass()",
        'get_secret("warehouse")',
        "os.environ.get('PG')",
    ],
)
def test_attribute_paths_and_calls_stay_references(reference: str) -> None:
    assert is_placeholder(reference)


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("my.cnf", "[client]\nuser=etl\npassword={pw}\n"),
        ("application.properties", "spring.datasource.password={pw}\n"),
        (
            "docker-compose.yml",
            "services:\n  db:\n    environment:\n      MSSQL_SA_PASSWORD: {pw}\n",
        ),
        ("odbc.ini", "[dw]\nUID=etl\npassword = {pw}\n"),
    ],
)
def test_an_unquoted_password_may_hold_an_equals_sign(path: str, text: str) -> None:
    rng = random.Random(path)
    alnum = string.ascii_letters + string.digits
    secret = f"{_letters(rng, 6, alnum)}={_letters(rng, 7, alnum)}"
    found = [f.secret for f in scan(text.format(pw=secret), path)]
    assert found == [secret]


@pytest.mark.parametrize(
    "code",
    [
        "e.ScopedLineTokens=e.createScopedLineTokens=void 0;",
        "var token=a.length===1?C:null;",
        "token=1===p.length?i:null;",
    ],
)
def test_minified_assignments_and_comparisons_are_not_bare_literals(code: str) -> None:
    assert scan(code, "static/main.min.js") == []


def test_stored_password_hashes_are_not_passwords() -> None:
    """MySQL's native hash and PostgreSQL's md5 form are what a dump holds; they are stored as
    given, never sent as a password (the SCRAM form already was ignored)."""
    rng = random.Random(5)
    mysql = "*" + _letters(rng, 40, "0123456789ABCDEF")
    postgres = "md5" + _letters(rng, 32, "0123456789abcdef")
    text = (
        f"CREATE USER 'etl'@'%' IDENTIFIED BY PASSWORD '{mysql}';\n"
        f"GRANT USAGE ON *.* TO 'etl'@'%' IDENTIFIED BY PASSWORD '{mysql}';\n"
        f"ALTER ROLE etl WITH LOGIN PASSWORD '{postgres}';\n"
    )
    assert scan(text, "dump.sql") == []
    real = _letters(rng, 14, string.ascii_letters + string.digits)
    assert [f.secret for f in scan(f"ALTER ROLE etl PASSWORD '{real}';\n", "dump.sql")] == [real]


def test_a_base64_public_key_or_certificate_is_not_a_secret() -> None:
    import base64

    rng = random.Random(7)
    body = base64.b64encode(bytes(rng.randrange(256) for _ in range(270))).decode()
    public = base64.b64encode(
        f"-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n".encode()
    ).decode()
    assert scan(f"SNOWFLAKE_PUBLIC_KEY_B64={public}\n", ".env") == []
    private = base64.b64encode(
        f"-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n".encode()
    ).decode()
    assert scan(f"SNOWFLAKE_PRIVATE_KEY_B64={private}\n", ".env") != []
