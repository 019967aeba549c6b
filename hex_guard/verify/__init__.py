"""Opt-in verification of found credentials (`--verify`): does this one still open something?

Nothing here runs unless the user asks: scanning never imports this package. Each credential is
sent only to the service it belongs to (see dispatch.plan), with the least-privilege action that
proves it works, and every check is bounded in time, concurrency and rate.
"""

from __future__ import annotations

import importlib.util

from hex_guard.verify.context import Context
from hex_guard.verify.records import Status, Target, Verification, VerifyOptions

_DRIVERS = ("psycopg", "pymysql", "redis")

__all__ = [
    "Context",
    "Status",
    "Target",
    "Verification",
    "VerifyOptions",
    "missing_drivers",
]


def missing_drivers() -> list[str]:
    """Driver packages of the `verify` extra that cannot be imported here."""
    return [name for name in _DRIVERS if not _importable(name)]


def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # ValueError: a module blocked with sys.modules[name] = None
        return False
