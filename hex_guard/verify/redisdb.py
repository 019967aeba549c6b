"""Redis: AUTH, then PING, then disconnect (redis-py, no retries)."""

from __future__ import annotations

from hex_guard.verify.records import Status, Target, Verification

SERVICE = "redis"


def check(t: Target, timeout: float) -> Verification:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    endpoint = t.endpoint
    try:
        # A single-connection client connects (and sends AUTH) as it is built.
        client = redis.Redis(
            host=t.host,
            port=t.port,
            username=t.user,
            password=t.secret,
            db=int(t.database) if t.database and t.database.isdigit() else 0,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            ssl=t.tls,
            retry=Retry(NoBackoff(), 0),
            single_connection_client=True,
            # RESP2: a password alone goes as `AUTH <password>`, which a server with no password
            # refuses ("called without any password configured"). redis-py 8 defaults to RESP3,
            # whose `HELLO 3 AUTH default <password>` such a server accepts for any password, so
            # every password found for it was reported live.
            protocol=2,
        )
        try:
            client.ping()
        finally:
            client.close()
    except redis.exceptions.AuthenticationError as exc:
        return _auth_failure(str(exc), endpoint)
    except redis.exceptions.NoPermissionError:
        return Verification(Status.LIVE, "logged in (PING not permitted)", SERVICE, endpoint)
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
        return Verification(Status.UNREACHABLE, _short(str(exc)), SERVICE, endpoint)
    except redis.exceptions.RedisError as exc:
        return Verification(Status.ERROR, _short(str(exc)), SERVICE, endpoint)
    return Verification(Status.LIVE, "logged in", SERVICE, endpoint)


def _auth_failure(message: str, endpoint: str) -> Verification:
    if "without any password configured" in message:
        reason = "the server has no password set: it opens without one"
        return Verification(Status.UNVERIFIABLE, reason, SERVICE, endpoint)
    return Verification(Status.INVALID, "the server rejected the password", SERVICE, endpoint)


def _short(message: str) -> str:
    return (message.strip().splitlines() or ["connection failed"])[0][:160]
