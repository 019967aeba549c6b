"""The opt-in data check: query-result outputs in notebooks and personal data, over the
fixture set (tests/make_hygiene_fixtures.py renders it with pandas) and rule tables."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from hex_guard.hygiene import outputs, personal_data

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "hygiene"
EXPECTED: dict[str, dict[str, bool]] = json.loads((FIXTURES / "expected.json").read_text())


def _judge(name: str, threshold: int = 5) -> tuple[bool, bool]:
    raw = (FIXTURES / name).read_bytes()
    if name.endswith(".ipynb"):
        sites = outputs.notebook_tables(raw)
        assert sites is not None
        query = bool(outputs.query_outputs(sites, threshold))
        return query, any(personal_data.tally(s.table.text) for s in sites)
    text = outputs.data_file_text(name, raw) if outputs.is_data_file(name) else None
    return False, bool(text and personal_data.tally(text))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_set(name: str) -> None:
    query, pii = _judge(name)
    assert query == EXPECTED[name]["notebook-query-output"]
    assert pii == EXPECTED[name]["personal-data"]


def test_fixture_set_has_both_sides() -> None:
    values = [tuple(v.values()) for v in EXPECTED.values()]
    assert sum(any(v) for v in values) >= 10 and sum(not any(v) for v in values) >= 10


def test_row_threshold_is_a_strict_lower_bound() -> None:
    raw = (FIXTURES / "notebooks/orders_table_schema.ipynb").read_bytes()  # 8 rows
    sites = outputs.notebook_tables(raw)
    assert sites is not None
    assert outputs.query_outputs(sites, 7) and not outputs.query_outputs(sites, 8)


def test_truncated_frame_counts_its_real_rows() -> None:
    sites = outputs.notebook_tables((FIXTURES / "notebooks/events_truncated.ipynb").read_bytes())
    assert sites is not None and sites[0].table.rows == 1000


def test_output_location_points_into_the_notebook() -> None:
    raw = (FIXTURES / "notebooks/customers_html.ipynb").read_bytes()
    site = (outputs.notebook_tables(raw) or [])[0]
    assert site.cell == 1 and site.output == 1
    assert b'"output_type"' in raw.split(b"\n")[site.line - 1]


def test_not_a_notebook() -> None:
    assert outputs.notebook_tables(b"{not json") is None
    assert outputs.notebook_tables(b'{"a": 1}') is None


# --- personal data: rule tables ------------------------------------------------------------------


def _luhn(body: str) -> str:
    return next(body + d for d in "0123456789" if personal_data.luhn_valid(body + d))


def _random_card(seed: int) -> str:
    rng = random.Random(seed)
    while True:
        number = _luhn("4" + "".join(rng.choice("0123456789") for _ in range(14)))
        if not personal_data._synthetic_digits(number):
            return number


CARD = _random_card(1)
TRUE_POSITIVES = [
    ("email", "contact: maria.lopez@gmail.com"),
    ("email", "<td>j.okafor@northwind-traders.co.uk</td>"),
    ("phone", "(415) 867-5309"),
    ("phone", "call 212-736-0142 today"),
    ("phone", "+44 20 8374 2915"),
    ("card", CARD),
    ("card", " ".join(CARD[i : i + 4] for i in range(0, 16, 4))),
    ("ssn", "ssn 536-22-8190"),
    ("iban", "DE44500105175407324931"),
    ("iban", "DE44 5001 0517 5407 3249 31"),
]
FALSE_POSITIVES = [
    "user@example.com",  # RFC 2606
    "ops@acme.test",  # RFC 6761
    "logo@2x.png",  # a file name
    "git@github.com",  # a service address
    "12345@users.noreply.github.com",
    "(415) 555-0134",  # the 555 exchange is fiction's
    "800-555-1234",
    "1-800-273-8255",  # toll-free: a business
    "4242 4242 4242 4242",  # Stripe's documented test card
    "378282246310005",  # Stripe's Amex test card
    "4111111111111111",  # the sandbox classic
    "4000000000000002",  # Stripe decline test: a synthetic pattern
    CARD[:-1] + str((int(CARD[-1]) + 1) % 10),  # Luhn fails
    "1700000000000000001",  # a nanosecond timestamp: no network's IIN
    "078-05-1120",  # the SSA's advertising sample
    "123-45-6789",
    "666-12-3456",  # never assigned
    "901-23-4567",
    "2021-10-1234",  # not an SSN shape
    "GB29NWBK60161331926819",  # the IBAN registry's example
    "DE89 3704 0044 0532 0130 00",  # registry example, spaced
    "DE44500105175407324932",  # checksum fails
    "version 3.12.1, build 20240101",
]


@pytest.mark.parametrize(("kind", "text"), TRUE_POSITIVES)
def test_personal_data_true_positive(kind: str, text: str) -> None:
    found = personal_data.tally(text)
    assert found is not None and found.kinds() == {kind}


@pytest.mark.parametrize("text", FALSE_POSITIVES)
def test_personal_data_false_positive(text: str) -> None:
    assert personal_data.tally(text) is None


def test_tally_counts_distinct_values_and_first_location() -> None:
    text = "x\nbob.tanaka@fastmail.fm, ava.silva@proton.me, bob.tanaka@fastmail.fm (212) 736-0142"
    found = personal_data.tally(text)
    assert found is not None
    assert dict(found.counts) == {"email": 2, "phone": 1}
    assert found.first == text.index("bob")
    assert found.summary() == "2 e-mail addresses, 1 phone number"


def test_tally_never_holds_a_value() -> None:
    found = personal_data.tally("maria.lopez@gmail.com " + CARD)
    assert found is not None
    assert "maria" not in repr(found) and CARD not in repr(found)
    assert all("maria" not in repr(h) for h in personal_data.find("maria.lopez@gmail.com"))


def test_data_files_are_records_not_manifests() -> None:
    assert outputs.is_data_file("exports/users.csv") and outputs.is_data_file("a/b.jsonl")
    assert not outputs.is_data_file("web/package.json") and not outputs.is_data_file("a.py")
    assert outputs.data_file_text("x.json", b'{"owner": "a@b.co"}') is None
    assert outputs.data_file_text("x.json", b'{"rows": [{"a": 1}, {"a": 2}]}') is not None
    assert outputs.data_file_text("x.json", b"[{") is None
