"""Hex API tokens: one read-only call to the workspace the token belongs to.

Endpoint: ListProjects, `GET /api/v1/projects` ("List all viewable projects"; `limit` 1..100),
Hex API reference https://learn.hex.tech/docs/api/api-reference. Auth is `Authorization: Bearer`
(https://learn.hex.tech/docs/api/api-overview). The base URL is `https://app.hex.tech`; EU and
single-tenant workspaces use their own `https://<name>.hex.tech` (the same overview page).
"""

from __future__ import annotations

import re

from hex_guard.verify.context import Context
from hex_guard.verify.http import Unreachable, base_url, get_status
from hex_guard.verify.records import Status, Target, Verification, unverifiable

SERVICE = "hex"
DEFAULT_BASE = "https://app.hex.tech"
PATH = "/api/v1/projects?limit=1"

_HEX_URL = re.compile(r"https://(?:[a-z0-9\-]+\.)?hex\.tech(?![A-Za-z0-9.\-])")
# hex.pm (Elixir's package manager) also reads HEX_API_KEY: such a value may not be Hex's.
_AMBIGUOUS_KEYS = re.compile(r"(?:^|_)HEX_(?:API_)?KEY$")
_KEY_BEFORE = re.compile(
    r"([A-Za-z_][A-Za-z0-9_]*)(?:\\?[\"'])?\]?[ \t]*(?::=|=>|=|:)[ \t]*\\?[\"']?$"
)


def target(
    rule_id: str, secret: str, ctx: Context | None, configured: str | None
) -> Target | Verification:
    if rule_id == "hex-token-assignment" and ctx is not None:
        lo, _ = ctx.line_span
        key = _KEY_BEFORE.search(ctx.text[lo : ctx.start])
        if key is not None and _AMBIGUOUS_KEYS.search(key.group(1).upper()):
            return unverifiable(f"{key.group(1)} is also hex.pm's name; not sent to Hex", SERVICE)
    base = _base(ctx, configured)
    if base is None:
        return unverifiable("the configured Hex base URL is not https", SERVICE)
    return Target(SERVICE, "", 443, secret, base_url=base)


def _base(ctx: Context | None, configured: str | None) -> str | None:
    if configured:
        return base_url(configured)
    if ctx is not None:
        # A workspace URL written next to the token names its region or single-tenant host;
        # every *.hex.tech host is Hex's own.
        urls = [(abs(m.start() - ctx.start), m.group(0)) for m in _HEX_URL.finditer(ctx.text)]
        if urls:
            return min(urls)[1]
    return DEFAULT_BASE


def check(t: Target, timeout: float) -> Verification:
    endpoint = t.endpoint
    try:
        status = get_status(endpoint + PATH, t.secret, timeout)
    except Unreachable as exc:
        return Verification(Status.UNREACHABLE, str(exc), SERVICE, endpoint)
    return Verification(*_verdict(status), SERVICE, endpoint)


def _verdict(status: int) -> tuple[Status, str]:
    if status == 200:
        return Status.LIVE, "Hex accepted the token (ListProjects 200)"
    if status == 401:
        return Status.INVALID, "Hex rejected the token (401)"
    if status == 403:
        # The token authenticated but may not list projects (scope, role or API turned off):
        # still a working credential, and calling it invalid would hide a live one.
        return Status.LIVE, "Hex knows the token but refused ListProjects (403)"
    if status == 429:
        return Status.ERROR, "Hex rate limit reached (429); try again later"
    if 300 <= status < 400:
        return Status.ERROR, f"redirected ({status}); not followed"
    return Status.ERROR, f"unexpected HTTP {status}"
