"""Opt-in verification of found credentials (`--verify`): does this one still open something?

Nothing here runs unless the user asks: scanning never imports this package. Each credential is
sent only to the service it belongs to (see dispatch.plan), with the least-privilege action that
proves it works, and every check is bounded in time, concurrency and rate.
"""

from __future__ import annotations

import importlib.util

from hex_guard.verify.context import Context, around
from hex_guard.verify.records import Status, Target, Verification, VerifyOptions

EXTRA_HINT = "pip install 'hex-guard[verify]'"
_DRIVERS = ("psycopg", "pymysql", "redis")

__all__ = [
    "EXTRA_HINT",
    "Context",
    "Status",
    "Target",
    "Verification",
    "VerifyOptions",
    "around",
    "missing_drivers",
]


def missing_drivers() -> list[str]:
    """Driver packages of the `verify` extra that cannot be imported here."""
    return [name for name in _DRIVERS if importlib.util.find_spec(name) is None]
