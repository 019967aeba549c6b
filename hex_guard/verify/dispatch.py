"""From findings to checks: which service, which target, each target checked once."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Sequence
from typing import Protocol

from hex_guard.verify import databricks, hexapi, mysql, postgres, redisdb
from hex_guard.verify.context import Context
from hex_guard.verify.limits import run_bounded
from hex_guard.verify.parse import DATABRICKS, MYSQL, PARSERS, POSTGRES, REDIS
from hex_guard.verify.records import Status, Target, Verification, VerifyOptions, unverifiable

HEX_RULES = frozenset({"hex-api-token", "hex-token", "hex-token-assignment"})

CHECKS: dict[str, Callable[[Target, float], Verification]] = {
    POSTGRES: postgres.check,
    MYSQL: mysql.check,
    REDIS: redisdb.check,
    hexapi.SERVICE: hexapi.check,
    DATABRICKS: databricks.check,
}


class Verifiable(Protocol):
    """What verification reads of a finding."""

    @property
    def rule_id(self) -> str: ...

    @property
    def secret(self) -> str: ...

    @property
    def context(self) -> Context | None: ...


def plan(finding: Verifiable, options: VerifyOptions) -> Target | Verification:
    """The one place this finding's credential may be sent, or why it is sent nowhere."""
    rule, ctx = finding.rule_id, finding.context
    if rule in HEX_RULES:
        return hexapi.target(rule, finding.secret, ctx, options.hex_base_url)
    if rule == "databricks-token":
        return databricks.target(finding.secret, ctx)
    parser = PARSERS.get(rule)
    if parser is None:
        return unverifiable(f"no verifier for {rule} yet")
    if ctx is None:
        return unverifiable("the text around the finding is not available")
    return parser(ctx)


def verify_findings(findings: Sequence[Verifiable], options: VerifyOptions) -> list[Verification]:
    """One verification per finding, in order; each distinct target is contacted once."""
    planned = [plan(f, options) for f in findings]
    unique: dict[tuple[str, ...], Target] = {}
    for p in planned:
        if isinstance(p, Target):
            unique.setdefault(p.key, p)
    targets = list(unique.values())
    progress = _progress_printer() if options.progress else None
    checked = run_bounded(
        targets,
        lambda t: _safe_check(t, options.timeout),
        concurrency=options.concurrency,
        rate=options.rate,
        timeout=options.timeout,
        on_overrun=lambda t: Verification(
            Status.UNREACHABLE, f"no answer within {options.timeout:g} s", t.service, t.endpoint
        ),
        on_done=progress,
    )
    by_key = {t.key: v for t, v in zip(targets, checked)}
    return [by_key[p.key] if isinstance(p, Target) else p for p in planned]


def _safe_check(t: Target, timeout: float) -> Verification:
    """A driver's surprise becomes an `error` whose reason never carries the secret."""
    try:
        verdict = CHECKS[t.service](t, timeout)
    except Exception as exc:
        verdict = Verification(Status.ERROR, f"{type(exc).__name__}: {exc}", t.service, t.endpoint)
    return _scrubbed(verdict, t.secret)


def _scrubbed(v: Verification, secret: str) -> Verification:
    reason = v.reason.replace(secret, "…") if secret else v.reason
    reason = re.sub(r"\s+", " ", reason).strip()[:200]
    if reason == v.reason:
        return v
    return Verification(v.status, reason, v.service, v.endpoint)


def _progress_printer() -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        end = "\n" if done == total else ""
        sys.stderr.write(f"\rhex-guard: verifying {done}/{total}{end}")
        sys.stderr.flush()

    return show


def summary(verifications: Sequence[Verification], seconds: float) -> str:
    """One stderr line: how many were checked, how long it took, and the counts by status."""
    counts = {s: 0 for s in Status}
    contacted = {v.endpoint for v in verifications if v.endpoint is not None}
    for v in verifications:
        counts[v.status] += 1
    parts = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    return (
        f"hex-guard: verified {len(verifications)} finding(s) against {len(contacted)} "
        f"endpoint(s) in {seconds:.1f} s" + (f": {parts}" if parts else "")
    )


def timed(
    findings: Sequence[Verifiable], options: VerifyOptions
) -> tuple[list[Verification], float]:
    started = time.perf_counter()
    out = verify_findings(findings, options)
    return out, time.perf_counter() - started
