"""Issue 9's precision fixes must not cost recall: random keys and people's passwords in keyed
places are still reported (the false-alarm classes themselves are the rules' counter-examples)."""

from __future__ import annotations

import random
import string

import pytest

from hex_guard.detect import Engine, Fragment

ENGINE = Engine(allow_hyperscan=False)
B62 = string.ascii_letters + string.digits


def _rules(text: str, path: str) -> list[str]:
    return [f.rule_id for f in ENGINE.scan(Fragment(path, path, text.encode()))]


def _tokens(n: int) -> list[str]:
    rng = random.Random(9)
    return ["".join(rng.choice(B62) for _ in range(rng.randint(20, 48))) for _ in range(n)]


@pytest.mark.slow
@pytest.mark.parametrize(
    "template",
    [
        'client = Client(api_key="{v}")\n',
        "curl https://api.acme.io/v1/runs \\\n  -H 'X-API-KEY: {v}'\n",
        "warehouse:\n  host: dw.acme.io\n  access_token: {v}\n",
    ],
)
def test_random_keys_in_keyed_places_are_reported(template: str) -> None:
    # Base62 keys are valid base64: one whose bytes held a space passed for "base64 of text"
    # (a decoded U+FFFD counted as printable), a few in a hundred; and one with a long run of
    # letters (`...RKNFPWBWJFVP...`) passed for a name made of words.
    missed = [v for v in _tokens(400) if not _rules(template.format(v=v), "a")]
    assert missed == []


@pytest.mark.parametrize("word", ["River", "Candle", "Orbit", "Falcon", "Granite"])
def test_a_persons_password_in_a_compose_file_is_reported(word: str) -> None:
    # `_code_like` took a word and digits for an identifier: 0 of 100 in the recall probe.
    compose = (
        "services:\n  pg:\n    environment:\n      POSTGRES_DB: orders\n"
        f"      POSTGRES_USER: orders_app\n      POSTGRES_PASSWORD: {word}4821!\n"
    )
    assert _rules(compose, "compose.yml") == ["keyed-password"]


def test_a_password_made_of_a_word_written_nearby_is_not() -> None:
    # mage-ai's io_config template: `mage1337` beside `X-Something: 'mage=power'`.
    config = "trino:\n  http_headers:\n    X-Something: 'mage=power'\n  password: mage1337\n"
    assert _rules(config, "io_config.yaml") == []


def test_the_same_password_repeated_nearby_is_still_a_password() -> None:
    compose = (
        "  POSTGRES_PASSWORD: Falcon4821\n"
        "  DATABASE_URL: postgresql://app:Falcon4821@db.acme.io/app\n"
    )
    assert "keyed-password" in _rules(compose, "compose.yml")
