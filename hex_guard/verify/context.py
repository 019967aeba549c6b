"""The text around a finding, and the small lexical helpers every parser of it shares."""

from __future__ import annotations

import ipaddress
import re

from hex_guard.records import MatchContext

# The record lives with the others (the engine fills it); verification reads it.
Context = MatchContext


def quoted_segment(ctx: Context) -> tuple[int, int]:
    """The span of the string literal holding the secret on its line, else the whole line.

    Connection strings sit inside a literal in code (`connect("host=... password=...")`); what
    is outside it belongs to other code and must not lend its host to this credential.
    """
    lo, hi = ctx.line_span
    best: tuple[int, int] | None = None
    for q in ('"', "'", "`"):
        a = ctx.text.rfind(q, lo, ctx.start)
        b = ctx.text.find(q, ctx.end, hi)
        if a != -1 and b != -1 and (best is None or a > best[0]):
            best = (a + 1, b)
    return best if best is not None else (lo, hi)


_HOSTNAME = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_\-]{0,62})(?:\.[A-Za-z0-9_\-]{1,63})*\.?$")


def valid_host(host: str) -> bool:
    """A DNS name or an IP literal: never a socket path, a template or a list of hosts."""
    if not host or len(host) > 253:
        return False
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return _HOSTNAME.match(host) is not None and not host.replace(".", "").isdigit()


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_port(value: str | None, default: int) -> int | None:
    if value is None or value == "":
        return default
    if not value.isdigit():
        return None
    port = int(value)
    return port if 0 < port < 65536 else None


def split_host_port(authority: str, default: int) -> tuple[str, int | None]:
    """`host`, `host:port`, `[v6]:port` -> (host, port or None when the port is malformed)."""
    if authority.startswith("["):
        close = authority.find("]")
        if close == -1:
            return "", None
        host, rest = authority[1:close], authority[close + 1 :]
    else:
        host, sep, port = authority.partition(":")
        rest = sep + port
    if not rest:
        return host, default
    if not rest.startswith(":"):
        return host, None
    return host, parse_port(rest[1:], default)


_TEMPLATE = re.compile(r"\{\{|\$\{|\$[A-Za-z_]|%\(|<[A-Za-z_]|\{[A-Za-z_0-9]*\}")


def templated(value: str) -> bool:
    """`${HOST}`, `{{ env_var(...) }}`, `%(host)s`, `<host>`, `{0}`: a value filled in later."""
    return _TEMPLATE.search(value) is not None


def unquote_value(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value
