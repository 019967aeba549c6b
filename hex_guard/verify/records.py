"""Records of verification: what is checked where, and what came back."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import Enum


class Status(str, Enum):
    LIVE = "live"
    INVALID = "invalid"
    UNREACHABLE = "unreachable"
    UNVERIFIABLE = "unverifiable"
    ERROR = "error"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Verification:
    status: Status
    # One short line a report can show: why, never the secret.
    reason: str
    # "postgresql", "mysql", "redis", "hex", "databricks", or None when nothing was contacted.
    service: str | None = None
    # Where the credential was sent ("host:port" or a base URL); None when it was not sent.
    endpoint: str | None = None

    def fields(self) -> dict[str, str]:
        """Report fields (snake_case; SARIF camel-cases them): status, reason, where it went."""
        out = {"verification": self.status.value, "verification_reason": self.reason}
        if self.endpoint is not None:
            out["verification_endpoint"] = self.endpoint
        return out

    @property
    def note(self) -> str:
        """One human line: `live: logged in (db.acme.io:5432)`."""
        where = f" ({self.endpoint})" if self.endpoint else ""
        return f"{self.status.value}: {self.reason}{where}"


def unverifiable(reason: str, service: str | None = None) -> Verification:
    return Verification(Status.UNVERIFIABLE, reason, service)


@dataclass(frozen=True)
class Target:
    """One credential and the one place it belongs to: the only place it may be sent."""

    service: str
    host: str
    port: int
    secret: str = field(repr=False)
    user: str | None = None
    database: str | None = None
    tls: bool = False
    # HTTP services: scheme://host[:port] of the API; the path is the verifier's.
    base_url: str | None = None
    # libpq sslmode when the connection string names one.
    sslmode: str | None = None

    @property
    def endpoint(self) -> str:
        if self.base_url is not None:
            return self.base_url
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def key(self) -> tuple[str, ...]:
        """Identity for de-duplication: the same credential for the same place is checked once."""
        digest = hashlib.sha256(self.secret.encode("utf-8", "surrogatepass")).hexdigest()
        return (
            self.service,
            self.endpoint.lower(),
            self.user or "",
            self.database or "",
            str(self.tls),
            self.sslmode or "",
            digest,
        )


@dataclass(frozen=True)
class VerifyOptions:
    # Seconds one check may take, connect and answer together.
    timeout: float = 5.0
    # Checks in flight at once, across every service.
    concurrency: int = 4
    # Checks started per second, across every service.
    rate: float = 10.0
    # Single-tenant and EU Hex workspaces have their own base URL
    # (learn.hex.tech/docs/api/api-overview).
    hex_base_url: str | None = None
    # Show a progress line (stderr is a terminal).
    progress: bool = False
