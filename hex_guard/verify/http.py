"""One HTTPS GET with a bearer token: no redirects, no proxies, a hard timeout.

A redirect would send the credential's request on to a host the credential does not belong to
(urllib re-sends headers it was given), so a 3xx is an answer, never followed.
"""

from __future__ import annotations

import socket
import ssl
import urllib.error
import urllib.request
from email.message import Message
from typing import IO
from urllib.parse import urlsplit

from hex_guard import __version__
from hex_guard.verify.context import is_loopback


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        return None  # urllib then raises HTTPError with the 3xx status


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        # The credential goes to its own host directly, not through whatever proxy is set.
        urllib.request.ProxyHandler({}),
        _NoRedirect(),
        urllib.request.HTTPSHandler(context=ssl.create_default_context()),
    )


class Unreachable(Exception):
    """No HTTP answer: refused, unresolvable, TLS failure or no answer in time."""


def get_status(url: str, token: str, timeout: float, accept: str = "application/json") -> int:
    """The HTTP status of `GET url` with the token as a bearer credential."""
    request = urllib.request.Request(
        url,
        method="GET",
        headers={
            "Authorization": f"Bearer {token}",
            "Accept": accept,
            "User-Agent": f"hex-guard/{__version__} (credential verification)",
        },
    )
    try:
        with _opener().open(request, timeout=timeout) as response:
            response.read(4096)
            status: int = response.status
            return status
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code
    except (
        urllib.error.URLError,
        socket.timeout,
        TimeoutError,
        ConnectionError,
        ssl.SSLError,
    ) as exc:
        reason = getattr(exc, "reason", exc)
        raise Unreachable(_describe(reason)) from None


def _describe(reason: object) -> str:
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return "no answer in time"
    if isinstance(reason, socket.gaierror):
        return "host name does not resolve"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, ssl.SSLError):
        return "TLS handshake failed"
    return type(reason).__name__


def base_url(value: str) -> str | None:
    """`scheme://host[:port]` of an API base URL; None unless it is https, or http on loopback
    (a test server on this machine: nothing leaves it)."""
    parts = urlsplit(value.strip())
    host = parts.hostname or ""
    if parts.username is not None or parts.password is not None or not host:
        return None
    if parts.scheme == "https" or (parts.scheme == "http" and is_loopback(host)):
        netloc = f"[{host}]" if ":" in host else host
        try:
            port = parts.port
        except ValueError:
            return None
        return f"{parts.scheme}://{netloc}" + (f":{port}" if port else "")
    return None
