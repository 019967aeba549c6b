"""Databricks personal access tokens: one read-only call to the workspace found with the token.

Endpoint: SCIM Me, `GET https://<databricks-instance>/api/2.0/preview/scim/v2/Me` ("Retrieve the
same information about yourself"); every identity may call it ("Non-admin users and service
principals can invoke the Me Get endpoint"), so a refusal can only be about the token.
https://docs.databricks.com/dev-tools/api/latest/scim/scim-me.html and .../scim/index.html;
`Accept: application/scim+json` for reads, `Authorization: Bearer <token>` (same pages).
Workspace hosts: `*.cloud.databricks.com` (AWS, e.g. dbc-a1b2345c-d6e7.cloud.databricks.com),
`*.gcp.databricks.com`, `*.azuredatabricks.net` (the same three trufflehog's detector accepts).
"""

from __future__ import annotations

import re

from hex_guard.verify.context import Context, is_loopback, split_host_port
from hex_guard.verify.http import Unreachable, base_url, get_status
from hex_guard.verify.records import Status, Target, Verification, unverifiable

SERVICE = "databricks"
PATH = "/api/2.0/preview/scim/v2/Me"
WORKSPACE_DOMAINS = (".cloud.databricks.com", ".gcp.databricks.com", ".azuredatabricks.net")

_URL = re.compile(
    r"(?P<scheme>https?)://(?P<authority>[A-Za-z0-9.\-]+(?::\d{1,5})?|\[[0-9A-Fa-f:.]+\](?::\d{1,5})?)"
)
_HOST_KEY = re.compile(
    r"(?i)(?<![A-Za-z0-9])(?:databricks_host|databricks_server_hostname|server_hostname|host|"
    r"workspace_url|databricks_workspace_url)(?:\\?[\"'])?[ \t]*(?::=|=|:)[ \t]*(?:\\?[\"'])?"
    r"(?P<value>[^\s\"',;)}\\]+)"
)
_AUTHORITY_END = re.compile(r"[/?#\s\"'`<>]")


def is_workspace(host: str) -> bool:
    host = host.lower().rstrip(".")
    return host.endswith(WORKSPACE_DOMAINS) or is_loopback(host)


def target(secret: str, ctx: Context | None) -> Target | Verification:
    if ctx is None:
        return unverifiable("no workspace host next to the token", SERVICE)
    candidates = _candidates(ctx)
    if not candidates:
        return unverifiable("no workspace host next to the token", SERVICE)
    foreign = [v for _, v in candidates if not _workspace_url(v)]
    usable = sorted((d, v) for d, v in candidates if v not in foreign)
    if not usable:
        return unverifiable("the host next to the token is not a Databricks workspace", SERVICE)
    url = base_url(usable[0][1])
    assert url is not None
    return Target(SERVICE, "", 443, secret, base_url=url)


def _workspace_url(url: str) -> bool:
    base = base_url(url)
    if base is None:
        return False
    host, _ = split_host_port(base.split("://", 1)[1], 443)
    return is_workspace(host)


def _candidates(ctx: Context) -> list[tuple[int, str]]:
    """(distance from the token, URL) of every workspace host written with it."""
    text = ctx.text
    out: list[tuple[int, str]] = []
    if text[ctx.end : ctx.end + 1] == "@":  # databricks://token:<token>@<host>
        stop = _AUTHORITY_END.search(text, ctx.end + 1)
        out.append((0, "https://" + text[ctx.end + 1 : stop.start() if stop else len(text)]))
        return out
    lo, hi = ctx.line_span
    for m in _URL.finditer(text, lo, hi):
        out.append((abs(m.start() - ctx.start), m.group(0)))
    if out:
        return out
    for m in _HOST_KEY.finditer(text):
        value = m["value"]
        url = value if "://" in value else "https://" + value
        out.append((abs(m.start() - ctx.start), url))
    return out


def check(t: Target, timeout: float) -> Verification:
    endpoint = t.endpoint
    try:
        status = get_status(endpoint + PATH, t.secret, timeout, accept="application/scim+json")
    except Unreachable as exc:
        return Verification(Status.UNREACHABLE, str(exc), SERVICE, endpoint)
    return Verification(*_verdict(status), SERVICE, endpoint)


def _verdict(status: int) -> tuple[Status, str]:
    if status == 200:
        return Status.LIVE, "the workspace accepted the token (SCIM Me 200)"
    if status in (401, 403):
        return Status.INVALID, f"the workspace rejected the token ({status})"
    if status == 429:
        return Status.ERROR, "workspace rate limit reached (429); try again later"
    if 300 <= status < 400:
        return Status.ERROR, f"redirected ({status}); not followed"
    if status == 404:
        return Status.ERROR, "no SCIM Me endpoint at this host (404)"
    return Status.ERROR, f"unexpected HTTP {status}"
