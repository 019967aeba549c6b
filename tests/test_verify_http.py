"""Hex and Databricks verification against a loopback server that answers like their APIs."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from hex_guard.verify import Status, Verification, VerifyOptions
from hex_guard.verify.dispatch import verify_findings
from tests.verify_servers import DATABRICKS_PATH, HEX_PATH, ApiServer, api_server, found


def _hex_token(seed: str) -> str:
    import hashlib

    return "hxtp_" + (hashlib.sha256(seed.encode()).hexdigest() * 2)[:96]


def _dapi(seed: str) -> str:
    import hashlib

    return "dapi" + hashlib.sha256(seed.encode()).hexdigest()[:32]


@pytest.fixture
def hex_api() -> Iterator[ApiServer]:
    with api_server(HEX_PATH) as server:
        yield server


@pytest.fixture
def databricks_api() -> Iterator[ApiServer]:
    with api_server(DATABRICKS_PATH) as server:
        yield server


def verify_hex(server: ApiServer, token: str, timeout: float = 5.0) -> Verification:
    options = VerifyOptions(timeout=timeout, hex_base_url=server.base_url)
    [verdict] = verify_findings(found(f"HEX_API_TOKEN={token}\n", ".env"), options)
    return verdict


def verify_databricks(server: ApiServer, token: str, timeout: float = 5.0) -> Verification:
    text = f"DATABRICKS_HOST={server.base_url}\nDATABRICKS_TOKEN={token}\n"
    [verdict] = verify_findings(found(text, ".env"), VerifyOptions(timeout=timeout))
    return verdict


HEX_STATUSES = [(200, Status.LIVE), (401, Status.INVALID), (403, Status.LIVE), (429, Status.ERROR)]


@pytest.mark.parametrize(("http_status", "expected"), HEX_STATUSES)
def test_hex_status_behaviour(hex_api: ApiServer, http_status: int, expected: Status) -> None:
    token = _hex_token(str(http_status))
    hex_api.behaviour[token] = http_status
    verdict = verify_hex(hex_api, token)
    assert verdict.status is expected, verdict
    assert verdict.endpoint == hex_api.base_url
    assert hex_api.requests == [(HEX_PATH, token)]


DATABRICKS_STATUSES = [
    (200, Status.LIVE),
    (401, Status.INVALID),
    (403, Status.INVALID),
    (429, Status.ERROR),
]


@pytest.mark.parametrize(("http_status", "expected"), DATABRICKS_STATUSES)
def test_databricks_status_behaviour(
    databricks_api: ApiServer, http_status: int, expected: Status
) -> None:
    token = _dapi(str(http_status))
    databricks_api.behaviour[token] = http_status
    verdict = verify_databricks(databricks_api, token)
    assert verdict.status is expected, verdict
    assert databricks_api.requests == [(DATABRICKS_PATH, token)]


def test_slow_api_is_unreachable_within_the_timeout(hex_api: ApiServer) -> None:
    token = _hex_token("slow")
    hex_api.behaviour[token] = "slow"
    started = time.monotonic()
    verdict = verify_hex(hex_api, token, timeout=1.0)
    assert verdict.status is Status.UNREACHABLE
    assert time.monotonic() - started < 1.0 + 2.5


def test_redirect_is_not_followed(hex_api: ApiServer, databricks_api: ApiServer) -> None:
    # The first server redirects to the second: the token must never reach the second.
    token = _hex_token("redirect")
    hex_api.behaviour[token] = "redirect"
    hex_api.redirect_to = databricks_api.base_url
    verdict = verify_hex(hex_api, token)
    assert verdict.status is Status.ERROR and "redirect" in verdict.reason
    assert databricks_api.requests == []


def test_same_token_is_checked_once(hex_api: ApiServer) -> None:
    token = _hex_token("once")
    hex_api.behaviour[token] = 200
    text = f"HEX_API_TOKEN={token}\n" * 3
    options = VerifyOptions(hex_base_url=hex_api.base_url)
    verdicts = verify_findings(found(text, ".env"), options)
    assert [v.status for v in verdicts] == [Status.LIVE] * 3
    assert len(hex_api.requests) == 1


def test_concurrency_and_rate_are_bounded(hex_api: ApiServer) -> None:
    tokens = [_hex_token(f"rate{i}") for i in range(6)]
    for t in tokens:
        hex_api.behaviour[t] = 200
    text = "".join(f"HEX_API_TOKEN_{i}={t}\n" for i, t in enumerate(tokens))
    options = VerifyOptions(hex_base_url=hex_api.base_url, rate=10.0, concurrency=2)
    started = time.monotonic()
    verdicts = verify_findings(found(text, ".env"), options)
    # Six starts at ten per second cannot all happen in less than half a second.
    assert time.monotonic() - started >= 0.45
    assert [v.status for v in verdicts] == [Status.LIVE] * 6
