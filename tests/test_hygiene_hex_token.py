"""Hex token kind and the Hex API calls around it."""

from __future__ import annotations

import pytest

from hex_guard.hygiene import hex_token

BODY = "0" * 96  # only the prefix matters here


def test_kind_from_documented_prefix() -> None:
    assert hex_token.token_kind("hxtw_" + BODY) == "workspace"
    assert hex_token.token_kind("hxtp_" + BODY) == "personal"
    assert hex_token.token_kind("hex_token_abc") == "unknown"


CALLS = [
    ('requests.post(f"https://app.hex.tech/api/v1/project/{pid}/run", headers=h)', ["RunProject"]),
    ('fetch(`${BASE}/projects/${id}/runs`, {method: "POST"})  // BASE = hex.tech', ["RunProject"]),
    ("curl -X POST https://app.hex.tech/api/v1/projects/abc/runs", ["RunProject"]),
    ('requests.get("https://app.hex.tech/api/v1/projects/abc/runs")', ["GetProjectRuns"]),
    (
        'requests.get(f"https://app.hex.tech/api/v1/project/{p}/run/{r}")',
        ["GetRunStatus/CancelRun"],
    ),
    ('requests.get("https://app.hex.tech/api/v1/projects")', ["ListProjects"]),
    ('s.get(HEX_API_URL + "/data-connections")', ["data-connections"]),
    ('requests.post("https://api.other.io/v2/project/1/run")', []),  # not Hex's API
    ("print('hello')", []),
]


@pytest.mark.parametrize(("code", "expected"), CALLS)
def test_api_calls(code: str, expected: list[str]) -> None:
    assert hex_token.api_calls(code) == expected


def test_properties_say_plainly_what_cannot_be_known() -> None:
    props = hex_token.properties("hxtw_" + BODY, "HEX_TOKEN = '...'\n")
    assert props["hex_token_kind"] == "workspace"
    assert props["hex_api_calls"] == "none found"
    assert "cannot be known from the repository" in props["hex_token_scope"]
    runs = hex_token.properties(
        "hxtp_" + BODY, 'requests.post("https://app.hex.tech/api/v1/project/x/run")'
    )
    assert runs["hex_api_calls"] == "RunProject"
    assert "production" in runs["hex_token_scope"]
