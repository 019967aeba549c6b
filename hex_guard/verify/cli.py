"""The command line's side of `--verify`: options in, a result with verifications out."""

from __future__ import annotations

import dataclasses
import sys
from typing import TYPE_CHECKING, Any

from hex_guard.errors import HexGuardError
from hex_guard.verify.records import Status, VerifyOptions

if TYPE_CHECKING:
    from hex_guard.scan import ScanResult

EXTRA_HINT = "pip install 'hex-guard[verify]'"


def options_from(flags: dict[str, Any], *, hook: bool, quiet: bool) -> VerifyOptions | None:
    """VerifyOptions when `--verify` was given, None otherwise; usage errors raise.

    Only the explicit flag turns verification on: no config key, environment variable or other
    flag implies it, so a hook (`--staged`, `--pre-push`, pre-commit) never waits on the network
    unless its own arguments say `--verify`.
    """
    if not flags.get("verify"):
        if flags.get("only_live"):
            raise HexGuardError("--only-live needs --verify")
        return None
    from hex_guard.verify import missing_drivers

    missing = missing_drivers()
    if missing:
        raise HexGuardError(
            f"--verify needs the verification drivers ({', '.join(missing)} missing): {EXTRA_HINT}"
        )
    if hook and not quiet:
        sys.stderr.write("hex-guard: --verify in a hook: this run waits on the network\n")
    return VerifyOptions(
        timeout=flags["verify_timeout"],
        concurrency=flags["verify_concurrency"],
        rate=flags["verify_rate"],
        hex_base_url=flags["hex_base_url"],
        progress=not quiet and sys.stderr.isatty(),
    )


def verified(
    result: ScanResult, options: VerifyOptions, *, only_live: bool, quiet: bool
) -> ScanResult:
    """`result` with each finding's verification set (and its context dropped)."""
    from hex_guard.verify.dispatch import summary, timed

    verdicts, seconds = timed(result.findings, options)
    findings = tuple(
        dataclasses.replace(f, verification=v, context=None)
        for f, v in zip(result.findings, verdicts)
    )
    if not quiet:
        sys.stderr.write(summary(verdicts, seconds) + "\n")
    if only_live:
        findings = tuple(
            f for f in findings if f.verification and f.verification.status is Status.LIVE
        )
    return dataclasses.replace(result, findings=findings)
