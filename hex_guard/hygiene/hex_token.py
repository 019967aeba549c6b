"""What a Hex API token can do, as far as the repository shows.

Kind comes from the prefix Hex documents: `hxtp_` personal access token, `hxtw_` workspace token
(learn.hex.tech/docs/api/api-overview, "Token creation"). Use comes from the Hex API calls in the
same file: a run-trigger call (RunProject) means the token can run a project's queries against
its data connections, production ones included, which is the checklist's top risk. What a
workspace token's scopes are, or what role a personal token's user has, lives in Hex and not in
git: the properties say so instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WORKSPACE = "workspace"
PERSONAL = "personal"
UNKNOWN = "unknown"


def token_kind(secret: str) -> str:
    if secret.startswith("hxtw_"):
        return WORKSPACE
    if secret.startswith("hxtp_"):
        return PERSONAL
    return UNKNOWN


@dataclass(frozen=True)
class Endpoint:
    operation: str  # the operationId in Hex's OpenAPI document
    pattern: re.Pattern[str]
    # None: any method; "post" / "get": the call must (or must not) name POST near the path.
    method: str | None = None


_ID = r"(?:\{[^}/]*\}|\$\{[^}/]*\}|[^/\s\"'`?#{}$]+)"
# Paths from Hex's OpenAPI document "Hex API 1.0.0" (servers: /api/v1; as vendored in
# PrefectHQ/prefect-hex prefect_hex/schemas/openapi.yaml: POST /project/{projectId}/run
# RunProject, GET|DELETE /project/{projectId}/run/{runId} GetRunStatus|CancelRun,
# GET /project/{projectId}/runs GetProjectRuns) and the current API reference
# (learn.hex.tech/docs/api/api-reference: GetProject /projects/{projectId}, ListProjects
# /projects, RunProject POST /projects/{projectId}/runs; users, groups, collections and data
# connections for workspace administration).
ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("RunProject", re.compile(rf"/project/{_ID}/run(?![/\w])")),
    Endpoint("RunProject", re.compile(rf"/projects/{_ID}/runs(?![/\w])"), method="post"),
    Endpoint("GetProjectRuns", re.compile(rf"/projects?/{_ID}/runs(?![/\w])"), method="get"),
    Endpoint("GetRunStatus/CancelRun", re.compile(rf"/projects?/{_ID}/runs?/{_ID}")),
    Endpoint("GetProject", re.compile(rf"/projects/{_ID}(?![/\w{{}}$])")),
    Endpoint("ListProjects", re.compile(r"/projects(?![/\w{$])")),
    Endpoint("users", re.compile(r"/users(?![\w-])")),
    Endpoint("groups", re.compile(r"/groups(?![\w-])")),
    Endpoint("collections", re.compile(r"/collections(?![\w-])")),
    Endpoint("data-connections", re.compile(r"/data-connections(?![\w-])")),
)
RUN_TRIGGER = "RunProject"
_POST = re.compile(r"\bpost\b", re.I)
# Only a file that talks to Hex's API can tell us anything: `/users` alone is any API.
_HEX_API = re.compile(r"hex\.tech|/api/v1\b|HEX_(?:API_)?(?:BASE_)?URL", re.I)


def _names_post(text: str, start: int, end: int) -> bool:
    """Whether the call around a path says POST: `requests.post(`, `method: "POST"`, `-X POST`."""
    line_start = text.rfind("\n", 0, max(0, start - 200)) + 1
    return _POST.search(text, line_start, min(len(text), end + 200)) is not None


def api_calls(text: str) -> list[str]:
    """Hex API operations the text calls, in the order of Hex's reference."""
    if not _HEX_API.search(text):
        return []
    found: list[str] = []
    for endpoint in ENDPOINTS:
        if endpoint.operation in found:
            continue
        for m in endpoint.pattern.finditer(text):
            post = _names_post(text, m.start(), m.end()) if endpoint.method else False
            if endpoint.method is None or (endpoint.method == "post") == post:
                found.append(endpoint.operation)
                break
    return found


def scope(kind: str, calls: list[str]) -> str:
    """A plain sentence on what the token can do, saying what the repository cannot show."""
    if kind == WORKSPACE:
        base = (
            "workspace token: created by an admin, may never expire; its scopes (read or run "
            "projects, users, groups, collections, data connections) are set in Hex and cannot "
            "be known from the repository"
        )
    elif kind == PERSONAL:
        base = (
            "personal access token: acts with every permission of the user who made it; that "
            "user's role and the token's expiry cannot be known from the repository"
        )
    else:
        base = "not a documented Hex token prefix: its kind and scope cannot be known"
    if RUN_TRIGGER in calls:
        base += (
            "; this file triggers project runs (RunProject), so the token can run the project's "
            "queries against its data connections, production ones included"
        )
    elif calls:
        base += f"; this file calls {', '.join(calls)}"
    else:
        base += "; no Hex API call in this file shows how it is used"
    return base


def properties(secret: str, text: str, calls: list[str] | None = None) -> dict[str, str]:
    """Report properties of a Hex token finding whose file text is `text` (`calls`: its
    `api_calls`, when already known)."""
    kind = token_kind(secret)
    calls = api_calls(text) if calls is None else calls
    return {
        "hex_token_kind": kind,
        "hex_api_calls": ", ".join(calls) if calls else "none found",
        "hex_token_scope": scope(kind, calls),
    }
