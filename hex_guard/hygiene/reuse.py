"""`secret-reused-across-environments`: one secret value under two or more environments.

A leak of the dev copy is then a leak of production (Hex's checklist: "separate tokens per
environment"). The individual findings stay; this adds one finding per reused value that names
every environment and location. Values are grouped by a keyed hash (HMAC-SHA256 under a key
drawn fresh for each run and never stored), so the grouping table holds no secret in clear and
its keys are useless outside the run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from hex_guard.finding import Finding, fingerprint
from hex_guard.hygiene.environments import RANK, Environment
from hex_guard.rules import Severity

RULE_ID = "secret-reused-across-environments"
DESCRIPTION = "One secret is used in several environments"
HINT = (
    "Issue a separate credential per environment: rotate this one, create one for each "
    "environment named here, and keep each in that environment's secret store; a leak of one "
    "copy must not open the others."
)
# Findings that are not secret values: the data-hygiene rules report counts, not values.
NOT_SECRETS = frozenset({RULE_ID, "notebook-query-output", "personal-data"})


@dataclass(frozen=True)
class Sighting:
    """A finding and the environment inferred for it (None: unknown)."""

    finding: Finding
    environment: Environment | None


@dataclass(frozen=True)
class Location:
    environment: str
    path: str
    line: int
    commit: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}"
        return f"{where}@{self.commit[:12]}" if self.commit else where


def keyed_hasher(key: bytes | None = None) -> Callable[[str], bytes]:
    """HMAC-SHA256 of a value under `key` (fresh random bytes unless given, for tests)."""
    secret_key = key if key is not None else os.urandom(32)

    def digest(value: str) -> bytes:
        return hmac.new(secret_key, value.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()

    return digest


def group(
    sightings: Iterable[Sighting], hasher: Callable[[str], bytes] | None = None
) -> list[list[Sighting]]:
    """Sightings of one value under two or more distinct known environments, per value."""
    digest = hasher or keyed_hasher()
    groups: dict[bytes, list[Sighting]] = {}
    for s in sightings:
        if s.environment is None or s.finding.rule_id in NOT_SECRETS or not s.finding.secret:
            continue
        groups.setdefault(digest(s.finding.secret), []).append(s)
    return [g for g in groups.values() if len({s.environment.name for s in g if s.environment}) > 1]


def locations(members: Sequence[Sighting]) -> list[Location]:
    seen = {
        Location(s.environment.name, s.finding.path, s.finding.line, s.finding.commit)
        for s in members
        if s.environment is not None
    }
    return sorted(seen, key=lambda loc: (RANK[loc.environment], loc.path, loc.line))


def describe(places: Sequence[Location]) -> str:
    envs: dict[str, list[str]] = {}
    for place in places:
        envs.setdefault(place.environment, []).append(str(place))
    named = "; ".join(f"{env}: {', '.join(where)}" for env, where in envs.items())
    return f"{DESCRIPTION} ({', '.join(envs)}): {named}"


def reuse_finding(members: Sequence[Sighting]) -> Finding:
    """The added finding, placed at the copy in the environment closest to production."""
    places = locations(members)
    primary = min(
        members,
        key=lambda s: (
            RANK[s.environment.name] if s.environment else 99,
            s.finding.path,
            s.finding.line,
        ),
    ).finding
    paths = sorted({s.finding.repo_path for s in members})
    return dataclasses.replace(
        primary,
        rule_id=RULE_ID,
        severity=Severity.HIGH,
        description=describe(places),
        hint=HINT,
        # Keyed on the set of paths, not lines: an edit elsewhere in a file keeps it, a new
        # environment joining the group is a new situation and reports again.
        fingerprint=fingerprint(RULE_ID, "\n".join(paths), primary.secret),
        properties=(
            ("environments", ", ".join(dict.fromkeys(p.environment for p in places))),
            ("locations", "; ".join(f"{p.environment}: {p}" for p in places)),
        ),
    )


def reused(
    sightings: Iterable[Sighting],
    *,
    involving: Callable[[Finding], bool] | None = None,
    hasher: Callable[[str], bytes] | None = None,
) -> list[Finding]:
    """One reuse finding per value seen under two or more environments.

    `involving` keeps only groups with at least one member it accepts: a staged scan reports a
    reuse its commit creates, not one the tree already had.
    """
    out = []
    for members in group(sightings, hasher):
        if involving is None or any(involving(s.finding) for s in members):
            out.append(reuse_finding(members))
    return out
