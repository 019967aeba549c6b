"""Credentials in HTTP `Authorization` headers: `curl -H 'Authorization: Bearer …'` in docs and
scripts, `.http` request files, `headers = {"Authorization": "Bearer …"}` in Python, JS and
notebooks, and the same header with Basic credentials.

The header's syntax fixes what a credential is, whatever service it is for: the Bearer scheme's
token is a b64token (RFC 6750 §2.1: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" )
*"="`), the Basic scheme's is base64 of `user-id ":" password` (RFC 7617 §2). So the value is
judged by its own syntax: a reference (`$TOKEN`, `{{token}}`, `f"Bearer {token}"`, `"Bearer " +
token`) has characters a token cannot hold and never matches; a slot (`<token>`, `YOUR_TOKEN`,
`...`) is a placeholder. A vendor token inside the header is reported by the vendor's own rule,
which has the higher priority. These are keyed findings (`confidence: medium`): the header names
the value a credential, nothing in the value proves it.
"""

from __future__ import annotations

import base64
import binascii
import re

from hex_guard.placeholder import is_placeholder
from hex_guard.rules import validators as v
from hex_guard.rules.fake import b64, fake, jwt, pw
from hex_guard.rules.model import Confidence, Rule, Severity

# `Authorization: `, `"Authorization": "`, `headers["Authorization"] = "`, `("Authorization", "`,
# `Authorization=` (a header given as a parameter): the header name, its closing quote or
# subscript, the separator, the value's opening quote. It may follow a JSON-escaped line break.
_HEADER = (
    r"(?i)(?:(?<![A-Za-z0-9_\-])|(?<=\\[nrt]))(?:proxy-)?authorization"
    r"(?:\\?[\"'])?\]?[ \t]*(?:[:=,]|=>)[ \t]*(?:\\?[\"'])?[ \t]*"
)
_HEADER_GATE = r"authorization(?:\\?[\"'])?\]?[ \t]*(?:[:=,]|=>)[ \t]*(?:\\?[\"'])?[ \t]*"
# RFC 6750 §2.1 b64token; Django REST framework and GitHub also take the `Token` scheme.
_B64TOKEN = r"[A-Za-z0-9\-._~+/]{16,4096}=*(?![A-Za-z0-9\-._~+/=])"
_ELIDED = re.compile(r"\.\.|[xX*]{6}")


def _bearer_is_real(data: bytes, m: re.Match[bytes]) -> bool:
    token = v.secret_of(m)
    if _ELIDED.search(token) or v.counts_up(token) or v.sample_jwt(token):
        return False
    classes = sum(
        (
            any(c.islower() for c in token),
            any(c.isupper() for c in token),
            any(c.isdigit() for c in token),
        )
    )
    return classes >= 2


# RFC 7617 §2: a user-id holds no colon or control character; one with quotes or braces is the
# head of a JSON document (a JWT pasted after `Basic`), not a user.
_USER_ID = re.compile(r"^[^\x00-\x1f\x7f\"'{}\[\]<>]{0,128}$")
# The standards' own examples, copied into every tutorial: RFC 7617 §2 and RFC 2617 §2.
_PUBLISHED = frozenset({"Aladdin:open sesame"})


def _basic_is_real(data: bytes, m: re.Match[bytes]) -> bool:
    """Basic credentials are base64 of `user:password`; judge the password like any other."""
    text = m.group("secret")
    try:
        decoded = base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False
    user, colon, password = decoded.decode("utf-8", "replace").partition(":")
    text = user + colon + password
    if not colon or len(password) < 4 or "\ufffd" in text or text in _PUBLISHED:
        return False
    if not _USER_ID.match(user) or not password.isprintable():
        return False
    return not is_placeholder(password) and not v.derived_from_user(user, password)


# How far back the `curl` of a `-u` may be: a command over a few continued lines.
_CURL_LOOKBACK = 2048
# `curl` as a word: at the start, or after a character that cannot be part of a name.
_CURL = re.compile(rb"(?:^|[^\w\-])curl(?![\w\-])")
# Line breaks: real ones and JSON-escaped ones (a notebook cell or a JSON string holding a
# script). A line goes on when it ends with `\`; between a notebook cell's source lines there is
# only JSON glue (`",` and indentation).
_BREAK = re.compile(rb"\n|\\n")
_CONTINUED = re.compile(rb"\\[ \t\r]*$|^[\s\",]*$")


def _in_curl_command(data: bytes, start: int) -> bool:
    """Whether the option at `start` belongs to a curl command: `curl` before it, on its line
    or on lines that each end with a continuation."""
    window = data[max(0, start - _CURL_LOOKBACK) : start]
    end = len(window)
    while True:
        at = window.rfind(b"curl", 0, end)
        if at == -1:
            return False
        if _CURL.match(window, max(0, at - 1)):
            break
        end = at
    lines = _BREAK.split(window[at + 4 :])
    return all(_CONTINUED.search(line) for line in lines[:-1])


def _curl_user_is_real(data: bytes, m: re.Match[bytes]) -> bool:
    if not _in_curl_command(data, m.start()):
        return False
    user = m.group("user").decode("utf-8", "replace")
    password = v.secret_of(m)
    if len(password) < 4 or user.startswith(("$", "%")) or "{" in user:
        return False
    return not v.derived_from_user(user, password)


_BEARER = fake("bearer1", 43, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_")

HEADER_RULES: tuple[Rule, ...] = (
    # RFC 6750 §2.1 (the Authorization request header field, Bearer scheme).
    Rule(
        id="authorization-bearer",
        description="Bearer or token credential in an HTTP Authorization header (curl -H, "
        "request headers, .http files)",
        severity=Severity.MEDIUM,
        pattern=_HEADER + r"(?:bearer|(?:api-)?token)[ \t]+(?P<secret>" + _B64TOKEN + ")",
        keywords=("authorization",),
        gate=_HEADER_GATE + r"(?:bearer|(?:api-)?token)[ \t]+[a-z0-9\-._~+/]{16}",
        hint="Revoke the token with the service that issued it; in docs use a placeholder "
        "(`Bearer $TOKEN`), in code read it from the environment or a secrets manager.",
        priority=30,
        min_entropy=3.0,
        confidence=Confidence.MEDIUM,
        validate=_bearer_is_real,
        examples=(
            f'headers = {{"Authorization": "Bearer {fake("bearer2", 40)}", "Accept": "x"}}',
            f"GET /api/v1/runs HTTP/1.1\nAuthorization: Bearer {jwt('bearer3')}",
            f'req.headers["Authorization"] = "Token {fake("bearer4", 40, "0123456789abcdef")}"',
            f"  --header 'authorization: Bearer {fake('bearer5', 32)}' \\",
            f"curl -X GET 'http://localhost:6789/api/pipelines' \\\n"
            f"  -H 'Authorization: Bearer {_BEARER}'",
        ),
        counter_examples=(
            # mage-ai docs and every API reference: a slot for the reader's token.
            "curl -H 'Authorization: Bearer <token>' https://api.acme.io/v1/runs",
            'curl -H "Authorization: Bearer $TOKEN" https://api.acme.io/v1/runs',
            "  -H 'Authorization: Bearer YOUR_ACCESS_TOKEN' \\",
            'headers = {"Authorization": "Bearer {{token}}"}',
            'headers = {"Authorization": f"Bearer {api_token}"}',
            'headers = {"Authorization": "Bearer " + token}',
            # Docs that shorten a real-looking JWT.
            "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...",
            # jwt.io's sample token (John Doe), pasted into tutorials.
            "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3"
            "ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf"
            "36POk6yJV_adQssw5c",
            # A stock value in a test.
            "Authorization: Bearer your_token_here",
            "Authorization: Bearer xxxxxxxxxxxxxxxxxxxxxxxx",
        ),
    ),
    # curl -u/--user <user:password> (curl.se/docs/manpage.html#-u); the command may continue
    # over `\`-ended lines before the option.
    Rule(
        id="curl-user-password",
        description="User and password on a curl command line (-u / --user user:password)",
        severity=Severity.HIGH,
        # Anchored at the option, so every match costs a bounded read; whether it belongs to a
        # curl command is a bounded look-back (the validator), not a regex that spans lines.
        pattern=(
            r"(?<![\w\-])(?:-u|--user)(?:=|[ \t]{1,5})(?P<q>(?:\\?[\"'])?)"
            r"(?P<user>[^\s\"':\\]{0,128}):(?P<q2>(?:\\?[\"'])?)(?P<secret>[^\s\"'\\]{1,256})(?P=q2)(?P=q)(?=[\s;|&)\\\"',]|$)"
        ),
        # Gated on the option, not on `curl`: a match never spans lines (the validator looks
        # back for the curl command over continuation lines), so the regex runs on the lines
        # holding `-u user:...` alone. Read whole, every file that mentions curl cost seconds
        # in a history scan (3.8 s of CPU in pytest's, on its 1.3 MB plugin list's versions).
        keywords=("-u",),
        gate=r"(?:-u|--user)(?:=|[ \t]{1,5})[^\s:]{0,130}:",
        hint="Change the password (or revoke the API key); pass credentials from the environment "
        '(`-u "$USER:$PASSWORD"`) or a .netrc file (`--netrc`).',
        priority=57,
        confidence=Confidence.MEDIUM,
        validate=_curl_user_is_real,
        examples=(
            f"curl -s -u etl:{pw('curl1')} https://airflow.acme.io/api/v1/dags",
            f'curl -X POST --user "svc-dbt:{pw("curl2")}" https://dw.acme.io/api/jobs',
            f"curl -k -X GET https://es.acme.io:9200/_cat \\\n  -u 'elastic:{pw('curl3')}'",
            f"curl --user=api:{fake('curl4', 32)} https://api.acme.io/v3/messages",
        ),
        counter_examples=(
            # gitleaks' curl-auth-user false positives: variables, slots, stock values.
            'curl -sL --user "$GITHUB_USERNAME:$GITHUB_PASSWORD" "$GITHUB_URL"',
            "curl -u <user:password> https://test.com/endpoint",
            "curl --user neo4j:[PASSWORD] http://localhost:7474/db/data/",
            'curl -u "${{ env.ELK_ID }}:${{ env.ELK_PASS }}" https://elk',
            "curl http://127.0.0.1:5000/file --user user:pass --digest",
            # Airflow's REST API docs: the default admin:admin of a local deployment.
            'curl -X GET --user "admin:admin" "http://localhost:8080/api/v1/dags"',
            # No password at all (curl prompts for it).
            'curl -u "myusername" http://localhost:15130/api/check_user/',
            # Another command's -u (git push -u, docker run -u) after a curl line that ended.
            f"curl -s https://acme.io/install.sh\ndocker run -u etl:{pw('curl5')} acme/etl",
        ),
    ),
    # RFC 7617 §2 (the Basic scheme: base64 of user-id ":" password).
    Rule(
        id="authorization-basic",
        description="Basic credentials (user and password) in an HTTP Authorization header",
        severity=Severity.HIGH,
        pattern=_HEADER + r"basic[ \t]+(?P<secret>[A-Za-z0-9+/]{8,1024}={0,2})(?![A-Za-z0-9+/=])",
        keywords=("authorization",),
        gate=_HEADER_GATE + r"basic[ \t]+[a-z0-9+/]{8}",
        hint="Change the password (or revoke the API key) it encodes; send credentials from the "
        'environment (`curl -u "$USER:$PASSWORD"`).',
        priority=31,
        check_placeholder=False,  # judged on the decoded password
        confidence=Confidence.MEDIUM,
        validate=_basic_is_real,
        examples=(
            f"curl -H 'Authorization: Basic {b64('etl:' + pw('basic1'))}' https://dw.acme.io/api",
            f'headers = {{"Authorization": "Basic {b64("api:" + fake("basic2", 32))}"}}',
            f"Authorization: Basic {b64('svc-airflow:' + pw('basic3'))}",
        ),
        counter_examples=(
            # RFC 7617's own example (Aladdin:open sesame) is in every tutorial.
            "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
            # A stock password.
            "Authorization: Basic " + b64("admin:password"),
            # A reference inside the encoded text (a template that was encoded by hand).
            "Authorization: Basic " + b64("user:${PASSWORD}"),
            # The value is a variable, not a literal.
            'headers = {"Authorization": "Basic " + encoded}',
            # No password at all.
            "Authorization: Basic " + b64("browser:"),
            # gitleaks' curl-auth-header false positives: a JWT sent with the wrong scheme.
            "Authorization: Basic " + jwt("basic-jwt"),
        ),
    ),
)
