"""Symmetric key material written as a literal: a Snowflake stage master key, an AES or Fernet key
passed to a cipher, an `encryption_key` in a config.

The class is narrow on purpose, so it can be precise: the value must be exactly an AES key's size
(16, 24 or 32 bytes: FIPS 197 §1, AES-128/192/256) written in base64 (24, 32 or 44 characters;
standard or url-safe, as Fernet keys are: cryptography.io/en/latest/fernet/) or hex (32, 48 or
64 digits), decode to bytes that are not text, and be either assigned to a key named for key
material (`master_key`, `encryption_key`, `aes_key`, ...) or passed straight to a cipher
constructor. A value of any other length, a reference, or text that happens to be 16 bytes is
not reported. Keyed findings: `confidence: medium`.
"""

from __future__ import annotations

import base64
import binascii
import re

from hex_guard.placeholder import shannon_entropy
from hex_guard.rules import validators as v
from hex_guard.rules.fake import B64, fake, hexs
from hex_guard.rules.model import Confidence, Rule, Severity
from hex_guard.rules.vocab import minimal_keywords

# Names of key material (not of keys in the dictionary sense: `primary_key`, `cache_key`).
_KEY_WORDS = (
    "master",
    "encryption",
    "aes",
    "cipher",
    "crypto",
    "symmetric",
    "wrapping",
    "fernet",
    "dek",
    "kek",
)
# Cipher constructors that take the key as their first argument (pyca/cryptography's
# Fernet, AESGCM, AESCCM, ChaCha20Poly1305 and algorithms.AES; PyCryptodome's AES.new).
_CALLS = ("Fernet", "AESGCM", "AESCCM", "ChaCha20Poly1305", "algorithms.AES", "AES.new")
# One decoding wrapper around the literal: `Fernet(base64.b64decode("..."))` is rare, but
# `AESGCM(bytes.fromhex("..."))` is how tests write fixed keys.
_WRAPPER = (
    r"(?:(?:base64\.(?:urlsafe_)?b64decode|bytes\.fromhex|binascii\.unhexlify|unhexlify)\(\s*)?"
)

_KEY = (
    r"(?<![A-Za-z0-9_])(?P<key>[A-Za-z0-9_.\-]{0,40}?(?:"
    + "|".join(_KEY_WORDS)
    + r")[_\-]?key)(?![A-Za-z0-9_])(?:\\?[\"'])?\]?[ \t]*(?:=>|:=|=|:)[ \t]*"
)
_CALL = r"(?<![A-Za-z0-9_.])(?:" + "|".join(re.escape(c) for c in _CALLS) + r")\(\s*" + _WRAPPER
# Base64 of 16, 24 or 32 bytes, or their hex; one alternation, each length fixed.
_VALUE = (
    r"(?P<secret>[A-Za-z0-9+/_\-]{22}==|[A-Za-z0-9+/_\-]{43}=|[A-Za-z0-9+/_\-]{32}(?![0-9a-fA-F])"
    r"|[0-9a-fA-F]{64}|[0-9a-fA-F]{48}|[0-9a-fA-F]{32})"
)
_PATTERN = r"(?i)(?:" + _KEY + r"|" + _CALL + r")[bB]?(?P<q>\\?[\"'])" + _VALUE + r"(?P=q)"
_HEX = re.compile(r"^[0-9a-fA-F]+$")


def _key_bytes(value: str) -> bytes | None:
    if _HEX.match(value) and len(value) in (32, 48, 64):
        return bytes.fromhex(value)
    altchars = b"-_" if "-" in value or "_" in value else None
    try:
        raw = base64.b64decode(value.encode() + b"=" * (-len(value) % 4), altchars, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) in (16, 24, 32) else None


def _is_key_material(data: bytes, m: re.Match[bytes]) -> bool:
    value = v.secret_of(m)
    raw = _key_bytes(value)
    if raw is None or v.counts_up(value) or shannon_entropy(value) < 3.0:
        return False
    printable = sum(1 for b in raw if 32 <= b < 127)
    return printable < 0.9 * len(raw)  # `sixteen byte key` in base64 is a test string


_KEYWORDS = minimal_keywords(
    [w + sep + "key" for w in _KEY_WORDS for sep in ("", "_", "-")]
    + [c.lower() + "(" for c in _CALLS]
)

KEY_MATERIAL_RULES: tuple[Rule, ...] = (
    Rule(
        id="symmetric-key-literal",
        description="Symmetric key material (AES or Fernet key, stage master key) as a literal",
        severity=Severity.HIGH,
        pattern=_PATTERN,
        keywords=_KEYWORDS,
        hint="Generate a new key and re-encrypt what the old one protected; load keys from a KMS "
        "or a secrets manager, never from source.",
        priority=40,
        confidence=Confidence.MEDIUM,
        validate=_is_key_material,
        examples=(
            f'query_stage_master_key="{fake("km1", 22, B64)}==",',
            f"ENCRYPTION_KEY = '{hexs('km2', 64)}'",
            f'cipher = AESGCM(bytes.fromhex("{hexs("km3", 32)}"))',
            f"f = Fernet(b'{fake('km4', 43, B64.replace('+', '-').replace('/', '_'))}=')",
            f'  "aesKey": "{fake("km5", 32, B64)}"',
        ),
        counter_examples=(
            # Configs and tests that read the key (snowflake-connector-python's own code).
            'master_key = os.environ["SNOWFLAKE_MASTER_KEY"]',
            "  encryption_key: ${ENCRYPTION_KEY}",
            # A zeroed or counting key in a unit test of the cipher plumbing.
            'aes_key = "AAAAAAAAAAAAAAAAAAAAAA=="',
            "master_key = '000102030405060708090a0b0c0d0e0f'",
            # Readable text of a key's length: base64 of "sixteen byte key".
            'encryption_key = "c2l4dGVlbiBieXRlIGtleQ=="',
            # Not key material: a dictionary key, a KMS key *id* (AWS docs' example id).
            'primary_key = "' + fake("km-pk", 22, B64) + '=="',
            'kms_key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"',
        ),
    ),
)
