"""Fixed-format credentials of the data stack: vendor tokens and credential structures.

Each rule's pattern and keywords come from one spec (`_token`), so they cannot drift: the
keywords are the token's literal prefixes, the pattern is those prefixes plus the documented
body. The format of every rule is cited from the vendor's own documentation next to it. These
rules are near zero false positives, so they carry `confidence: high`.
"""

from __future__ import annotations

import base64
import binascii
import re

from hex_guard.lazyre import lazy
from hex_guard.placeholder import is_placeholder
from hex_guard.rules import validators as v
from hex_guard.rules.fake import B62, B64, UPPER36, b64, fake, letters, pem, pw
from hex_guard.rules.model import Confidence, Rule, Severity, Validator
from hex_guard.rules.vocab import alternation, minimal_keywords

# A token ends where a token character cannot follow (a longer run is another string).
_TOKEN_CHAR = r"[A-Za-z0-9_\-]"
_AFTER = r"(?!" + _TOKEN_CHAR + ")"
_BEFORE = r"(?<!" + _TOKEN_CHAR + ")"


def _secret_group(prefixes: list[str], alternatives: list[str]) -> str:
    """`(?P<secret>...)` behind `_BEFORE`. When every prefix starts with one character, the
    pattern starts with it and checks `_BEFORE` just after (the same condition, one character
    later): `re` then finds candidates by a C-speed search for that character instead of trying
    the lookbehind at every byte (aws-access-key-id's `A` read 0.5 MB of base64 lines at
    ~11 ns a byte in the bench corpus)."""
    first = {p[:1] for p in prefixes}
    if len(first) == 1 and len(alternatives) == 1 and all(len(p) > 1 for p in prefixes):
        char = re.escape(first.pop())
        body = alternatives[0][len(alternation(prefixes)) :]
        rest = alternation(p[1:] for p in prefixes)
        return "(?P<secret>" + char + "(?<!" + _TOKEN_CHAR + char + ")" + rest + body + ")"
    return _BEFORE + "(?P<secret>" + "|".join(alternatives) + ")"


def _token(
    id: str,
    description: str,
    severity: Severity,
    bodies: tuple[tuple[tuple[str, ...], str], ...],
    *,
    hint: str,
    examples: tuple[str, ...],
    counter_examples: tuple[str, ...],
    priority: int = 90,
    validate: Validator | None = None,
    min_entropy: float = 3.0,
    gated: bool = False,
    severity_by_prefix: tuple[tuple[str, Severity], ...] = (),
) -> Rule:
    """A rule whose secret is one of `prefixes` followed by its documented `body` regex.

    `gated`: Hyperscan gates on the secret itself, not its prefixes alone (a prefix that base64
    and minified text hold by chance, with a short fixed body Hyperscan matches cheaply)."""
    alternatives = [alternation(prefixes) + body for prefixes, body in bodies]
    prefixes = [p for group, _ in bodies for p in group]
    return Rule(
        id=id,
        description=description,
        severity=severity,
        pattern=_secret_group(prefixes, alternatives) + _AFTER,
        keywords=minimal_keywords(prefixes),
        gate="|".join(alternatives) if gated else None,
        hint=hint,
        priority=priority,
        reveal_prefix=min(len(p) for p in prefixes),
        min_entropy=min_entropy,
        severity_by_prefix=severity_by_prefix,
        confidence=Confidence.HIGH,
        validate=validate or _body_is_random,
        examples=examples,
        counter_examples=counter_examples,
    )


def _body_is_random(data: bytes, m: re.Match[bytes]) -> bool:
    """`ghp_1234567890abcdef1234…`: a body counting up is a test vector, not a token."""
    body = m.group("secret")
    steps = [b - a for a, b in zip(body, body[1:])]
    return bool(steps) and sum(1 for s in steps if s == 1) / len(steps) < 0.5


def _has_digit(data: bytes, m: re.Match[bytes]) -> bool:
    return any(48 <= c <= 57 for c in m.group("secret")) and _body_is_random(data, m)


_AKIA = "AKIA" + fake("aws-id", 16, UPPER36)
_AWS_SECRET = fake("aws-secret", 40, B64)

# Key spellings of an AWS secret access key: pattern and keywords are both built from these.
_AWS_SECRET_KEYS = ("aws_secret_access_key", "secret_access_key", "aws_secret_key", "aws_secret")
_AWS_SECRET_KEY_RE = "(?:" + "|".join(k.replace("_", "[_.\\-]?") for k in _AWS_SECRET_KEYS) + ")"
_AWS_SECRET_KEYWORDS = minimal_keywords(
    form for k in _AWS_SECRET_KEYS for form in (k, k.replace("_", ""), k.replace("_", "-"))
)

_AZURE_DEV = lazy(rb"(?i)AccountName\s*=\s*devstoreaccount1\b|UseDevelopmentStorage")


def _azure_not_emulator(data: bytes, m: re.Match[bytes]) -> bool:
    """Azurite's account key is published in Microsoft's docs: it guards nothing."""
    return _AZURE_DEV.search(v.window(data, m, 512, 512)) is None


def _b64decode(text: bytes) -> bytes | None:
    try:
        return base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def _docker_auth_is_real(data: bytes, m: re.Match[bytes]) -> bool:
    """A registry `auth` is base64 of `user:password`; judge the password like any other."""
    decoded = _b64decode(m.group("secret"))
    if decoded is None or b":" not in decoded:
        return False
    user, _, password = decoded.decode("utf-8", "replace").partition(":")
    return bool(user) and not is_placeholder(password)


def _b64_pem_is_key(data: bytes, m: re.Match[bytes]) -> bool:
    decoded = _b64decode(m.group("secret"))
    return (
        decoded is not None and b"PRIVATE KEY-----" in decoded[:80] and v.pem_body_is_real(decoded)
    )


_AUTHORIZED_USER = lazy(rb"""\btype(?:\\?["'])?\s*:\s*(?:\\?["'])?authorized_user\b""")


def _authorized_user(data: bytes, m: re.Match[bytes]) -> bool:
    return v.fragment_contains(_AUTHORIZED_USER, data)


_SLACK_TEAM = lazy(rb"hooks\.slack\.com/\w+/T([A-Z0-9]+)/")


def _slack_url_is_real(data: bytes, m: re.Match[bytes]) -> bool:
    """`T0123456789` (Slack's documentation example) counts up and `T00000000` repeats: neither
    names a team."""
    team = _SLACK_TEAM.search(m.group("secret"))
    if team is None:
        return True
    ids = team.group(1).decode()
    return ids not in UPPER36 and len(set(ids)) > 1


def _der_key_is_whole(data: bytes, m: re.Match[bytes]) -> bool:
    """A DER SEQUENCE whose two-byte length covers exactly the decoded bytes: a whole key, not a
    prefix of some other base64 that happens to start alike."""
    der = _b64decode(m.group("secret"))
    return (
        der is not None
        and der[:2] == b"\x30\x82"
        and int.from_bytes(der[2:4], "big") + 4 == len(der)
    )


def _der(seed: str, head: bytes) -> str:
    """A fake DER private key: the real structure's first bytes, then random filler."""
    body = head + base64.b64decode(fake(seed, 360, B64))
    return base64.b64encode(b"\x30\x82" + len(body).to_bytes(2, "big") + body).decode()


# DER heads of private keys: PKCS#1 RSAPrivateKey (RFC 8017 A.1.2: version 0, then the
# modulus), PKCS#8 PrivateKeyInfo for RSA (RFC 5208 §5 / RFC 5958 §2: version 0, rsaEncryption
# 1.2.840.113549.1.1.1, then the OCTET STRING) and PKCS#8 EncryptedPrivateKeyInfo with PBES2
# (RFC 5208 §6, RFC 8018 A.4: 1.2.840.113549.1.5.13).
_PKCS1_HEAD = bytes.fromhex("020100028201010000")
_PKCS8_HEAD = bytes.fromhex("020100300d06092a864886f70d0101010500048204a6")
_PBES2_HEAD = bytes.fromhex("305706092a864886f70d01050d304a")


def _digits(seed: str, n: int) -> str:
    return fake(seed, n, "0123456789")


def _webhook(seed: str, team: int, bot: int) -> str:
    return (
        f"https://hooks.slack.com/services/T{fake(seed + 't', team, UPPER36)}/"
        f"B{fake(seed + 'b', bot, UPPER36)}/{fake(seed + 'k', 24)}"
    )


def _docker_config(user: str, password: str) -> str:
    return b64(f"{user}:{password}")


TOKEN_RULES: tuple[Rule, ...] = (
    # AWS IAM "Understanding unique ID prefixes": AKIA is an access key, ASIA a temporary (STS)
    # one, ABIA an STS service bearer token, ACCA a context-specific credential (the other
    # prefixes name users, roles and policies, not credentials); access key ids are 20 characters
    # (docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-prefixes,
    # STS GetAccessKeyInfo: "AKIAIOSFODNN7EXAMPLE").
    _token(
        "aws-access-key-id",
        "AWS access key id (AKIA long-term, ASIA temporary, ABIA bearer, ACCA context-specific)",
        Severity.HIGH,
        ((("AKIA", "ASIA", "ABIA", "ACCA"), "[A-Z0-9]{16}"),),
        hint="Deactivate the key in IAM (and rotate its secret); use a role or SSO instead.",
        # `akia` alone: 864 hits in the bench corpus, most in base64 lines (1.8 KB each on
        # average), 7 ms of the rule's regex; the whole id, matched without case: 93.
        gated=True,
        examples=(
            f"AWS_ACCESS_KEY_ID={_AKIA}",
            f'aws_access_key_id = "{_AKIA}"',
            f"CREDENTIALS = (AWS_KEY_ID = '{_AKIA}' AWS_SECRET_KEY = '...')",
            f"bearer_token = ABIA{fake('aws-abia', 16, UPPER36)}",
            f'{{"AccessKeyId": "ACCA{fake("aws-acca", 16, UPPER36)}"}}',
        ),
        counter_examples=(
            "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
            "AKIAXXXXXXXXXXXXXXXX",
            f"XAKIA{fake('inner', 16, UPPER36)}",
            "akia1234567890abcdef",
            # AWS's own docs: a role's unique id (AROA), not a credential.
            f"RoleId: AROA{fake('aws-aroa', 17, UPPER36)}",
        ),
    ),
    # AWS secret access keys are 40 characters of base64 (STS GetAccessKeyInfo:
    # "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"); Snowflake stages name it AWS_SECRET_KEY
    # (docs.snowflake.com/en/sql-reference/sql/create-stage: CREDENTIALS = ( AWS_KEY_ID = ...
    # AWS_SECRET_KEY = ... )).
    Rule(
        id="aws-secret-access-key",
        description="AWS secret access key",
        severity=Severity.CRITICAL,
        pattern=(
            r"(?i)(?<![A-Za-z0-9])(?P<key>" + _AWS_SECRET_KEY_RE + r")(?:\\?[\"'])?\]?[ \t]*"
            r"(?:=>|:=|=|:)[ \t]*(?:\\?[\"'])?(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"
        ),
        keywords=_AWS_SECRET_KEYWORDS,
        hint="Deactivate the access key in IAM now; use a role, SSO or a storage integration.",
        priority=92,
        min_entropy=3.5,
        confidence=Confidence.HIGH,
        examples=(
            f"aws_secret_access_key = {_AWS_SECRET}",
            f'AWS_SECRET_ACCESS_KEY="{_AWS_SECRET}"',
            f"CREDENTIALS = (AWS_KEY_ID = $KEY_ID AWS_SECRET_KEY = '{_AWS_SECRET}')",
            f'{{"secretAccessKey": "{_AWS_SECRET}"}}',
        ),
        counter_examples=(
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY}",
            "aws_secret_access_key = " + "x" * 40,
            "AWS_SECRET_KEY = '...'",
        ),
    ),
    # GitHub token formats: ghp_ (personal), gho_ (OAuth), ghu_ (user-to-server), ghs_
    # (server-to-server, Actions), ghr_ (refresh), charset [A-Za-z0-9_], up to 255 characters
    # (github.blog/changelog/
    # 2021-03-31-authentication-token-format-updates-are-generally-available);
    # fine-grained PATs are github_pat_ + 82 (docs.github.com "About authentication to GitHub").
    _token(
        "github-token",
        "GitHub token (personal, OAuth, app, Actions or fine-grained)",
        Severity.CRITICAL,
        (
            (("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), "[A-Za-z0-9]{36,251}"),
            (("github_pat_",), "[A-Za-z0-9_]{82,244}"),
        ),
        hint="Revoke it (Settings > Developer settings > tokens); in CI use GITHUB_TOKEN or an "
        "app installation token.",
        examples=(
            f"GITHUB_TOKEN=ghp_{fake('ghp', 36)}",
            f"git clone https://x-access-token:ghs_{fake('ghs', 36)}@github.com/acme/dw.git",
            f'token = "github_pat_{fake("pat1", 22)}_{fake("pat2", 59)}"',
        ),
        counter_examples=(
            # dbt-core's URL-sanitizer test (issue 9 triage): a body that counts up.
            "https://ghp_1234567890abcdef1234567890abcdef12345678@github.com/acme/x.git",
            "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "ghp_123",
            f"ghp_{'A' * 36}",
            "token: ${{ secrets.GITHUB_TOKEN }}",
        ),
    ),
    # GitLab's token prefixes (docs.gitlab.com/security/tokens/#token-prefixes): personal,
    # project, group and impersonation tokens glpat-, OAuth application secrets gloas-, deploy
    # tokens gldt-, runner authentication tokens glrt- (glrtr- when made with a registration
    # token), CI/CD job tokens glcbt-, trigger tokens glptt-, feed tokens glft-, incoming mail
    # tokens glimt-, agent tokens glagent-, workspace tokens glwt-, SCIM tokens glsoat-, feature
    # flag client tokens glffct-. Bodies: 20 or more URL-safe characters, GitLab's own detection
    # rules (gitlabhq gems/gitlab-secret_detection/lib/gitleaks.toml); a routable token ends in
    # `.` and a 9-character base-36 part. Three are fixed by their generators in GitLab's code:
    # glimt- 25 characters (SecureRandom.hex base-36), gloas- 64 (SecureRandom.hex(32)),
    # glagent- 50 or more (Devise.friendly_token(50)), as detect-secrets' GitLab plugin reads them.
    _token(
        "gitlab-token",
        "GitLab token (personal, project, group, deploy, runner, CI/CD job, trigger, OAuth "
        "application secret, SCIM, agent)",
        Severity.CRITICAL,
        (
            (
                (
                    "glpat-",
                    "gldt-",
                    "glrt-",
                    "glrtr-",
                    "glcbt-",
                    "glptt-",
                    "glft-",
                    "glwt-",
                    "glsoat-",
                    "glffct-",
                ),
                "[A-Za-z0-9_\\-]{20,300}(?:\\.[0-9a-z]{9})?",
            ),
            (("glimt-",), "[A-Za-z0-9_\\-]{25}"),
            (("gloas-",), "[A-Za-z0-9_\\-]{64}"),
            (("glagent-",), "[A-Za-z0-9_\\-]{50,1024}"),
        ),
        hint="Revoke it in GitLab (User settings > Access tokens, or the project's or group's "
        "token page); in CI use CI_JOB_TOKEN.",
        examples=(
            f"GITLAB_TOKEN=glpat-{fake('glpat', 20)}",
            f'  private_token: "glpat-{fake("glpat-r", 27)}'
            f'.01{fake("glpat-c", 7, UPPER36).lower()}"',
            f"git clone https://gitlab-ci-token:glcbt-{fake('glcbt', 26)}@gitlab.com/acme/dw.git",
            f"gitlab-runner register --token glrt-{fake('glrt', 20)}",
            f"deploy_token = 'gldt-{fake('gldt', 20)}'",
        ),
        counter_examples=(
            "GITLAB_TOKEN=glpat-xxxxxxxxxxxxxxxxxxxx",
            "GITLAB_TOKEN=glpat-12345678901234567890",
            "glpat-abc",
            "GITLAB_TOKEN=glpat-${GITLAB_TOKEN}",
            "token: glpat-<your-token-here>",
        ),
    ),
    # Stripe's secret and restricted keys: sk_live_/sk_test_ and rk_live_/rk_test_; pk_ keys are
    # publishable, made to ship in a page (docs.stripe.com/keys). Bodies: 10 to 128 alphanumerics,
    # the scheme Stripe's security team gave GitLab's secret detection
    # (gitlab.com/gitlab-org/gitlab/-/issues/458019). A test key moves no money: medium.
    _token(
        "stripe-secret-key",
        "Stripe secret or restricted API key (sk_live_, rk_live_; test-mode keys at medium)",
        Severity.CRITICAL,
        ((("sk_live_", "rk_live_", "sk_test_", "rk_test_"), "[A-Za-z0-9]{10,128}"),),
        hint="Roll the key in the Stripe Dashboard (Developers > API keys) and load it from a "
        "secret; give services a restricted key.",
        severity_by_prefix=(("sk_test_", Severity.MEDIUM), ("rk_test_", Severity.MEDIUM)),
        examples=(
            f"STRIPE_SECRET_KEY=sk_live_51{fake('stripe-l', 97)}",
            f'stripe.api_key = "rk_live_{fake("stripe-r", 32)}"',
            f"  stripe_key: sk_test_{fake('stripe-t', 24)}",
        ),
        counter_examples=(
            f"STRIPE_PUBLISHABLE_KEY=pk_live_{fake('stripe-p', 32)}",
            "STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
            "stripe.api_key = 'sk_test_...'",
            "STRIPE_SECRET_KEY=sk_live_${STRIPE_KEY}",
            "sk_live_1234567890abcdefghij",
        ),
    ),
    # Slack token types: xoxb- bot, xoxp- user, xapp- app-level, xoxe- configuration tokens
    # (api.slack.com/authentication/token-types).
    _token(
        "slack-token",
        "Slack bot, user, app-level or configuration token",
        Severity.HIGH,
        (
            (
                ("xoxb-", "xoxp-", "xoxa-", "xoxr-", "xapp-", "xoxe.xoxp-", "xoxe-"),
                "[A-Za-z0-9\\-]{20,250}",
            ),
        ),
        hint="Revoke it at api.slack.com/apps (OAuth & Permissions) and load it from a secret.",
        validate=_has_digit,
        examples=(
            f"SLACK_BOT_TOKEN=xoxb-{_digits('sb1', 12)}-{_digits('sb2', 13)}-{fake('sb3', 24)}",
            f'slack = WebClient(token="xoxp-{_digits("sp1", 11)}-{_digits("sp2", 12)}-'
            f'{fake("sp3", 32)}")',
            f"  app_token: xapp-1-{fake('sa1', 11, UPPER36)}-{_digits('sa2', 13)}-"
            f"{fake('sa3', 64)}",
        ),
        counter_examples=(
            "SLACK_BOT_TOKEN=xoxb-your-bot-token-here",
            "token = 'xoxb-xxxxxxxxxxxx-xxxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx'",
            "xoxb-123",
            "SLACK_TOKEN=xoxp-${SLACK_TOKEN}",
        ),
    ),
    # Incoming webhook URLs: https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXX…
    # (api.slack.com/messaging/webhooks); the B part may have 10 characters (detect-secrets#325).
    # Workflow Builder webhook triggers: https://hooks.slack.com/triggers/T0123456789/
    # 3141592653589/c6e6c0d868b3054ca0f4611a5dbadaf, a team id, a numeric trigger id and a hex
    # token (docs.slack.dev/tools/slack-github-action/sending-techniques/
    # sending-data-webhook-slack-workflow); whoever holds the URL can start the workflow.
    Rule(
        id="slack-webhook-url",
        description="Slack incoming webhook URL",
        severity=Severity.MEDIUM,
        pattern=(
            r"(?P<secret>https://hooks\.slack\.com/(?:services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/"
            r"[A-Za-z0-9]{24}|triggers/T[A-Z0-9]{8,12}/\d{6,20}/[0-9a-f]{24,40}))(?![A-Za-z0-9])"
        ),
        keywords=("hooks.slack.com/services/", "hooks.slack.com/triggers/"),
        hint="Regenerate the webhook in the Slack app's Incoming Webhooks page; keep the URL in "
        "a secret (anyone holding it can post to the channel).",
        priority=90,
        # "services/" and "triggers/" are both 9 characters: the fixed part of either URL.
        reveal_prefix=len("https://hooks.slack.com/services/"),
        min_entropy=3.0,
        validate=_slack_url_is_real,
        confidence=Confidence.HIGH,
        examples=(
            f"SLACK_WEBHOOK_URL={_webhook('w1', 8, 10)}",
            f'requests.post("{_webhook("w2", 10, 8)}", json=msg)',
            f"  slack_webhook: {_webhook('w3', 9, 9)}",
            f"SLACK_WORKFLOW_URL=https://hooks.slack.com/triggers/T{fake('w4', 10, UPPER36)}/"
            f"{_digits('w4d', 13)}/{fake('w4h', 31, '0123456789abcdef')}",
        ),
        counter_examples=(
            "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
            "https://hooks.slack.com/services/TXXXXXXXX/BXXXXXXXX/...",
            "SLACK_WEBHOOK_URL=https://hooks.slack.com/services/${SLACK_PATH}",
            # Slack's own documentation example of a webhook trigger URL.
            "https://hooks.slack.com/triggers/T0123456789/3141592653589/"
            "c6e6c0d868b3054ca0f4611a5dbadaf",
        ),
    ),
    # OpenAI keys start with sk- (platform.openai.com/docs/api-reference/authentication); user and
    # project keys carry the marker T3BlbkFJ ("OpenAI" in base64) between two random runs
    # (community.openai.com/t/what-are-the-valid-characters-for-the-apikey/288643).
    Rule(
        id="openai-api-key",
        description="OpenAI API key",
        severity=Severity.HIGH,
        pattern=(
            _BEFORE
            + r"(?P<secret>sk-[A-Za-z0-9_\-]{16,400}?T3BlbkFJ[A-Za-z0-9_\-]{16,400})"
            + _AFTER
        ),
        keywords=("t3blbkfj",),
        hint="Revoke it at platform.openai.com/api-keys and read OPENAI_API_KEY from a secret.",
        priority=90,
        reveal_prefix=3,
        min_entropy=3.5,
        confidence=Confidence.HIGH,
        examples=(
            f"OPENAI_API_KEY=sk-{fake('oa1', 20)}T3BlbkFJ{fake('oa2', 20)}",
            f'client = OpenAI(api_key="sk-proj-{fake("oa3", 74)}T3BlbkFJ{fake("oa4", 74)}")',
            f"openai.api_key = 'sk-svcacct-{fake('oa5', 60)}T3BlbkFJ{fake('oa6', 60)}'",
        ),
        counter_examples=(
            "OPENAI_API_KEY=sk-...",
            "OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxT3BlbkFJxxxxxxxxxxxxxxxxxxxx",
            "openai.api_key = os.environ['OPENAI_API_KEY']",
        ),
    ),
    # Anthropic API keys: sk-ant-<kind><2 digits>- then 95 characters of [A-Za-z0-9_-]. The rule
    # Anthropic provided to GitLab's secret detection (gitlab.com/gitlab-org/security-products/
    # analyzers/secrets MR 319) reads them as <86>-<8>; gitleaks' anthropic-api-key and
    # anthropic-admin-api-key rules as <93>AA. Both are 95 characters of that alphabet, so the
    # body here is that: a dash elsewhere, or other last letters, are still a key (gitleaks'
    # own test keys have them), and the fixed length with the boundary keeps it as strict.
    _token(
        "anthropic-api-key",
        "Anthropic API key",
        Severity.HIGH,
        ((("sk-ant-",), r"[a-z]{3,5}\d{2}-[A-Za-z0-9_\-]{95}"),),
        hint="Revoke it in the Anthropic Console (API keys) and read ANTHROPIC_API_KEY from a "
        "secret.",
        examples=(
            f"ANTHROPIC_API_KEY=sk-ant-api03-{fake('an1', 86)}-{fake('an2', 6)}AA",
            f'client = anthropic.Anthropic(api_key="sk-ant-api03-{fake("an3", 86)}-'
            f'{fake("an4", 6)}AA")',
            f"  anthropic_key: sk-ant-admin01-{fake('an5', 86)}-{fake('an6', 6)}AA",
            # gitleaks' shape: 93 characters, the dash anywhere, then AA.
            f"ANTHROPIC_API_KEY=sk-ant-api03-{fake('an7', 40)}-{fake('an8', 52)}AA",
        ),
        counter_examples=(
            "ANTHROPIC_API_KEY=sk-ant-...",
            "ANTHROPIC_API_KEY=sk-ant-api03-your-key-here",
            f"sk-ant-api03-{'x' * 86}-{'x' * 8}",
            # One character short and one too long: the length is fixed.
            f"ANTHROPIC_API_KEY=sk-ant-api03-{fake('an9', 86)}-{fake('ana', 7)}",
            f"ANTHROPIC_API_KEY=sk-ant-api03-{fake('anb', 86)}-{fake('anc', 9)}",
        ),
    ),
    # Hugging Face User Access Tokens start with hf_ (huggingface.co/docs/hub/security-tokens);
    # the body is 34 letters in the tokens the Hub issues (GitHub secret scanning partner
    # pattern `hf_user_access_token`).
    _token(
        "huggingface-token",
        "Hugging Face access token",
        Severity.HIGH,
        ((("hf_",), "[A-Za-z0-9]{34,40}"),),
        hint="Invalidate it at huggingface.co/settings/tokens and read HF_TOKEN from a secret.",
        examples=(
            f"HF_TOKEN=hf_{letters('hf1', 34)}",
            f'login(token="hf_{letters("hf2", 34)}")',
            f"model = AutoModel.from_pretrained('acme/private', token='hf_{letters('hf3', 34)}')",
        ),
        counter_examples=(
            "HF_TOKEN=hf_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
            "from huggingface_hub import hf_hub_download",
            "HF_TOKEN=hf_...",
            "hf_abcdefghijklmnopqrstuvwxyzabcdefgh",
        ),
    ),
    # Azure Storage connection strings: DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…;
    # EndpointSuffix=core.windows.net (learn.microsoft.com/azure/storage/common/
    # storage-configure-connection-string); an account key is 512 bits, 88 base64 characters.
    Rule(
        id="azure-storage-account-key",
        description="Azure Storage account key (connection string AccountKey=)",
        severity=Severity.CRITICAL,
        pattern=r"(?i)\bAccountKey\s*=\s*(?P<secret>[A-Za-z0-9+/]{86}==)",
        keywords=("accountkey",),
        hint="Rotate the storage account key (Access keys blade); use a managed identity or a "
        "user-delegation SAS.",
        priority=92,
        min_entropy=4.0,
        confidence=Confidence.HIGH,
        validate=_azure_not_emulator,
        examples=(
            "DefaultEndpointsProtocol=https;AccountName=acmedw;AccountKey="
            + fake("az1", 86, B64)
            + "==;EndpointSuffix=core.windows.net",
            f'AZURE_STORAGE_CONNECTION_STRING="AccountName=lake;AccountKey='
            f'{fake("az2", 86, B64)}=="',
            f"  account_key_string: AccountKey={fake('az3', 86, B64)}==;BlobEndpoint=https://x",
        ),
        counter_examples=(
            "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=<key>;EndpointSuffix=core.windows.net",
            "AccountName=devstoreaccount1;AccountKey=" + fake("azurite", 86, B64) + "==",
            "AccountKey=" + "A" * 86 + "==",
        ),
    ),
    # Docker registry auths: config.json `{"auths": {"<registry>": {"auth": "<base64 user:pass>"}}}`
    # (docs.docker.com/reference/cli/docker/login/), the legacy .dockercfg without the `auths`
    # level, and Kubernetes `.dockerconfigjson` Secrets (kubernetes.io/docs/concepts/configuration/
    # secret/#docker-config-secrets).
    Rule(
        id="docker-registry-auth",
        description="Docker registry credentials (config.json / .dockercfg `auth`)",
        severity=Severity.HIGH,
        pattern=(
            r"""\\?["']auth\\?["']\s*:\s*\\?["'](?P<secret>[A-Za-z0-9+/]{8,2048}={0,2})\\?["']"""
        ),
        keywords=('"auth"', "'auth'", 'auth\\"'),
        gate=r"""auth\\?["']\s*:\s*\\?["'][A-Za-z0-9+/]{8}""",
        hint="Revoke the registry password or token, log in again with a credential helper "
        "(credsStore), and keep config.json out of git.",
        priority=88,
        reveal_prefix=0,
        check_placeholder=False,  # judged on the decoded password
        confidence=Confidence.HIGH,
        validate=_docker_auth_is_real,
        examples=(
            '{"auths": {"registry.acme.io": {"auth": "' + _docker_config("ci", pw("dk1")) + '"}}}',
            '{"https://index.docker.io/v1/": {"auth": "'
            + _docker_config("acme", pw("dk2"))
            + '", "email": "ci@acme.io"}}',
            '  .dockerconfigjson: {"auths":{"ghcr.io":{"auth":"'
            + _docker_config("bot", fake("dk3", 40))
            + '"}}}',
        ),
        counter_examples=(
            '{"auths": {"registry.acme.io": {"auth": "' + b64("user:password") + '"}}}',
            '{"auths": {"ghcr.io": {"auth": "' + b64("ci:${REGISTRY_TOKEN}") + '"}}}',
            '{"auth": "bearer"}',
            '{"auths": {"ghcr.io": {"auth": ""}}}',
        ),
    ),
    # A PEM private key wrapped in base64: "-----BEGIN" always encodes to LS0tLS1CRUdJTi.
    Rule(
        id="private-key-base64",
        description="Base64-encoded PEM private key",
        severity=Severity.CRITICAL,
        pattern=r"(?<![A-Za-z0-9+/])(?P<secret>LS0tLS1CRUdJTi[A-Za-z0-9+/]{100,22000}={0,2})",
        keywords=("ls0tls1crudjti",),
        hint="Treat the key pair as compromised: register a new public key and remove this one.",
        priority=84,
        reveal_prefix=-1,
        check_placeholder=False,
        confidence=Confidence.HIGH,
        validate=_b64_pem_is_key,
        examples=(
            "PRIVATE_KEY_B64=" + b64(pem("RSA", "b64k1") + "\n"),
            '{"privateKey": "' + b64(pem("", "b64k2") + "\n") + '"}',
            "  snowflake_private_key: " + b64(pem("ENCRYPTED", "b64k3")),
        ),
        counter_examples=(
            "PUBLIC_KEY_B64="
            + b64("-----BEGIN PUBLIC KEY-----\n" + fake("pub", 200) + "\n-----END PUBLIC KEY-----"),
            "key: "
            + b64("-----BEGIN PRIVATE KEY-----\nMIIEv...\n-----END PRIVATE KEY-----\n" + "." * 60),
            "cert: "
            + b64(
                "-----BEGIN CERTIFICATE-----\n" + fake("cert", 200) + "\n-----END CERTIFICATE-----"
            ),
        ),
    ),
    # A private key as base64 DER with no PEM armour (RFC 7468 §2: PEM is that base64 between
    # the labels): what Snowflake's `private_key` settings and many env files hold. The DER
    # heads' base64 is fixed from the 6th character on; the validator checks the DER length.
    Rule(
        id="private-key-der-base64",
        description="Private key as one line of base64 DER (PKCS#1 or PKCS#8, also encrypted)",
        severity=Severity.CRITICAL,
        pattern=(
            r"(?<![A-Za-z0-9+/])(?P<secret>MII[A-Za-z0-9+/]{3}(?:IBAAKCA[A-Za-z0-9+/]EA|"
            r"[A-Za-z0-9+/]{2}(?:ADANBgkqhkiG9w0BAQEFAAS|BgkqhkiG9w0BBQ0w))"
            r"[A-Za-z0-9+/]{300,12000}={0,2})(?![A-Za-z0-9+/=])"
        ),
        keywords=("ibaakca", "adanbgkqhkig9w0baqefaas", "bgkqhkig9w0bbq0w"),
        gate=r"mii[a-z0-9+/]{3}(?:ibaakca|[a-z0-9+/]{2}(?:adanbgkqhkig9w0baqefaas|"
        r"bgkqhkig9w0bbq0w))",
        hint="Treat the key pair as compromised: register a new public key and remove this one.",
        priority=83,
        reveal_prefix=-1,
        check_placeholder=False,
        confidence=Confidence.HIGH,
        validate=_der_key_is_whole,
        examples=(
            "SNOWFLAKE_PRIVATE_KEY=" + _der("der1", _PKCS8_HEAD),
            '{"private_key": "' + _der("der2", _PKCS1_HEAD) + '"}',
            "  private_key: " + _der("der3", _PBES2_HEAD),
        ),
        counter_examples=(
            # A public key (SubjectPublicKeyInfo) has the same algorithm id, then a BIT STRING.
            "PUBLIC_KEY=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" + fake("spki", 100, B64),
            # A key cut short in the docs: its DER length promises more than is there.
            "private_key: " + _der("der-cut", _PKCS8_HEAD)[:340],
            # A certificate is a SEQUENCE too, but not a key's.
            "cert: MIIDdzCCAl+gAwIBAgIU" + fake("der-cert", 320, B64),
        ),
    ),
    # gcloud's application-default credentials for a user: {"type": "authorized_user",
    # "client_id", "client_secret", "refresh_token"} (google-auth: google.oauth2.credentials.
    # Credentials.from_authorized_user_info; cloud.google.com/docs/authentication/
    # application-default-credentials).
    Rule(
        id="gcp-authorized-user",
        description="Google Cloud user credentials (authorized_user refresh token)",
        severity=Severity.CRITICAL,
        pattern=(
            r"""\\?["']refresh_token\\?["']\s*:\s*\\?["'](?P<secret>[A-Za-z0-9_\-./]{20,512})\\?["']"""
        ),
        keywords=("refresh_token",),
        hint="Revoke it (gcloud auth application-default revoke, or myaccount.google.com "
        "permissions) and use workload identity or a service account without a key.",
        priority=96,
        min_entropy=3.5,
        confidence=Confidence.HIGH,
        validate=_authorized_user,
        examples=(
            '{"client_id": "764086051850-x.apps.googleusercontent.com", "refresh_token": "1//'
            + fake("gcr1", 100, B62 + "-_")
            + '", "type": "authorized_user"}',
            '{\n  "type": "authorized_user",\n  "refresh_token": "1//' + fake("gcr2", 100) + '"\n}',
            '{"type":"authorized_user","client_id":"x","refresh_token":"1//'
            + fake("gcr3", 90)
            + '"}',
        ),
        counter_examples=(
            '{"type": "authorized_user", "refresh_token": "<REFRESH_TOKEN>"}',
            '{"refresh_token": "1//' + fake("oauth-no-type", 90) + '"}',
            '{"type": "authorized_user", "refresh_token": ""}',
        ),
    ),
)
