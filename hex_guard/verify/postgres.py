"""PostgreSQL and wire-compatible servers (Redshift, CockroachDB): log in, then disconnect."""

from __future__ import annotations

import math
import os

from hex_guard.verify.records import Status, Target, Verification

SERVICE = "postgresql"

# Substrings of libpq's messages (the server's FATAL text or libpq's own), lower-cased.
_INVALID = ("password authentication failed", "authentication failed for user")
_LIVE = ("does not exist",)  # a database check runs only after authentication succeeded
_UNREACHABLE = (
    "connection refused",
    "timeout expired",
    "could not translate host name",
    "no route to host",
    "network is unreachable",
    "could not connect",
    "server closed the connection unexpectedly",
)


def check(t: Target, timeout: float) -> Verification:
    import psycopg

    endpoint = t.endpoint
    params: dict[str, str | int] = {
        "host": t.host,
        # Set, even empty, so PGHOSTADDR (or a PGSERVICE entry) in the environment cannot
        # send the password to another address than the credential's own host.
        "hostaddr": "",
        "port": t.port,
        "user": t.user or "",
        "password": t.secret,
        # libpq counts whole seconds and takes 2 as its minimum.
        "connect_timeout": max(2, math.ceil(timeout)),
        "sslmode": t.sslmode or "prefer",
        # Offer nothing but this password: no Kerberos ticket, no ~/.pgpass entry.
        "gssencmode": "disable",
        "passfile": os.devnull,
        "application_name": "hex-guard verify",
    }
    if t.database:
        params["dbname"] = t.database
    if psycopg.pq.version() >= 160000:
        params["require_auth"] = "password,md5,scram-sha-256"
    try:
        with psycopg.connect(psycopg.conninfo.make_conninfo("", **params), autocommit=True):
            pass
    except psycopg.OperationalError as exc:
        return _classify(str(exc), t.database, endpoint)
    return Verification(Status.LIVE, "logged in", SERVICE, endpoint)


def _classify(message: str, database: str | None, endpoint: str) -> Verification:
    text = message.lower()
    if any(s in text for s in _INVALID):
        return Verification(Status.INVALID, "the server rejected the password", SERVICE, endpoint)
    if "database" in text and any(s in text for s in _LIVE):
        reason = "logged in; the database does not exist"
        return Verification(Status.LIVE, reason, SERVICE, endpoint)
    if "pg_hba.conf" in text:
        reason = "the server refused this client before asking for a password (pg_hba.conf)"
        return Verification(Status.ERROR, reason, SERVICE, endpoint)
    if "authentication method requirement" in text:
        reason = "the server asked for a method other than a password; not answered"
        return Verification(Status.ERROR, reason, SERVICE, endpoint)
    if any(s in text for s in _UNREACHABLE):
        return Verification(Status.UNREACHABLE, _first_line(message), SERVICE, endpoint)
    return Verification(Status.ERROR, _first_line(message), SERVICE, endpoint)


def _first_line(message: str) -> str:
    line = message.strip().splitlines()[0] if message.strip() else "connection failed"
    return line[:160]
