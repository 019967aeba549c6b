"""MySQL and MariaDB: log in, then disconnect (PyMySQL, no option files, no LOCAL INFILE)."""

from __future__ import annotations

import ssl

from hex_guard.verify.records import Status, Target, Verification

SERVICE = "mysql"

# Server and client error numbers (MySQL reference, "Server Error Message Reference" and
# "Client Error Message Reference"; MariaDB shares them).
ER_DBACCESS_DENIED = 1044  # the password was accepted, the database is not allowed
ER_ACCESS_DENIED = 1045
ER_BAD_DB = 1049  # checked after authentication
ER_HOST_NOT_PRIVILEGED = 1130
CR_CONN_HOST_ERROR = 2003
CR_SERVER_LOST = 2013


def check(t: Target, timeout: float) -> Verification:
    import pymysql

    endpoint = t.endpoint
    try:
        conn = pymysql.connect(
            host=t.host,
            port=t.port,
            user=t.user or "",
            password=t.secret,
            database=t.database,
            connect_timeout=timeout,
            read_timeout=timeout,
            write_timeout=timeout,
            ssl=ssl.create_default_context() if t.tls else None,
            local_infile=False,
            read_default_file=None,
        )
    except pymysql.err.OperationalError as exc:
        return _classify(exc.args, endpoint)
    except pymysql.err.MySQLError as exc:
        return Verification(Status.ERROR, type(exc).__name__, SERVICE, endpoint)
    conn.close()
    return Verification(Status.LIVE, "logged in", SERVICE, endpoint)


def _classify(args: tuple[object, ...], endpoint: str) -> Verification:
    code = args[0] if args and isinstance(args[0], int) else 0
    if code == ER_ACCESS_DENIED:
        return Verification(Status.INVALID, "the server rejected the password", SERVICE, endpoint)
    if code in (ER_DBACCESS_DENIED, ER_BAD_DB):
        reason = "logged in; the database is missing or not granted"
        return Verification(Status.LIVE, reason, SERVICE, endpoint)
    if code == ER_HOST_NOT_PRIVILEGED:
        reason = "the server does not accept connections from this machine"
        return Verification(Status.ERROR, reason, SERVICE, endpoint)
    if code in (CR_CONN_HOST_ERROR, CR_SERVER_LOST):
        return Verification(
            Status.UNREACHABLE, f"cannot connect (MySQL error {code})", SERVICE, endpoint
        )
    return Verification(Status.ERROR, f"MySQL error {code}", SERVICE, endpoint)
