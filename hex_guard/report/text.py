"""Human report: one block per finding, secret redacted, with what to do about it."""

from __future__ import annotations

from hex_guard import printable
from hex_guard.config import Config, config_file_hint
from hex_guard.records import Finding
from hex_guard.report import ReportOptions
from hex_guard.rules import Severity
from hex_guard.scan import ScanResult

_SEVERITY_COLOR = {
    Severity.CRITICAL: "\033[1;31m",
    Severity.HIGH: "\033[31m",
    Severity.MEDIUM: "\033[33m",
    Severity.LOW: "\033[36m",
}
_BOLD = "\033[1m"
_DIM = "\033[2m"
_RESET = "\033[0m"


def _paint(text: str, code: str, options: ReportOptions) -> str:
    return f"{code}{text}{_RESET}" if options.color else text


def _block(finding: Finding, options: ReportOptions) -> str:
    # Names from the scanned tree and its history: a newline or an ESC in one would forge a
    # report line or drive the terminal, so they are escaped as git escapes paths.
    shown = printable.path(finding.path)
    location = f"{shown}:{finding.line}:{finding.column}"
    severity = _paint(str(finding.severity), _SEVERITY_COLOR[finding.severity], options)
    provenance = ""
    git, cell = finding.git, finding.cell
    if git is not None:
        author = printable.line(git.author)
        provenance = f"  added in {git.commit[:12]} by {author} on {git.date}"
        if git.commits_count is not None:
            head = "still in HEAD" if git.present_at_head else "not in HEAD"
            provenance += f"; in {git.commits_count} commit(s), {git.paths_count} path(s), {head}"
        provenance += "\n"
    if cell is not None:
        part = "" if cell.part == "source" else f"{cell.part} "
        label = printable.line(cell.label)
        provenance += f"  {shown}: cell {cell.number} ({label}), {part}line {cell.line}\n"
    if finding.decoded:
        provenance += "  (decoded from a base64 value)\n"
    for name, value in finding.properties:
        provenance += f"  {name.replace('_', ' ')}: {printable.line(str(value))}\n"
    if finding.verification is not None:
        provenance += f"  verification: {finding.verification.note}\n"
    return (
        f"{_paint(location, _BOLD, options)} {finding.rule_id} {severity} "
        f"({finding.confidence} confidence)\n"
        f"  {finding.described(options.show_secrets)}\n"
        f"{provenance}"
        f"  fingerprint: {finding.fingerprint}\n"
        f"  {_paint('fix:', _DIM, options)} {finding.hint}\n"
    )


def render(result: ScanResult, options: ReportOptions) -> str:
    return "\n".join(_block(f, options) for f in result.findings)


def _next_steps(config: Config | None) -> list[str]:
    # Every way out, with the file to edit: the old message named only `exclude` (issue 12).
    where = config_file_hint(config) if config is not None else "the [tool.hex-guard] config"
    where = printable.line(where)
    return [
        "hex-guard: remove each secret and rotate it (it may already be copied).",
        "hex-guard: a fake value: end its line with a `hex-guard: allow` comment, add its "
        f"fingerprint to `ignore` (or a path glob to `exclude`) in {where}, or record today's "
        "findings with `hex-guard baseline create`.",
    ]


def summary(result: ScanResult, config: Config | None = None) -> str:
    """The one-paragraph outcome for stderr: counts, skips (never silent), and the next step."""
    stats = result.stats
    lines = []
    if result.findings:
        by_severity: dict[str, int] = {}
        for f in sorted(result.findings, key=lambda f: -f.severity):
            by_severity[str(f.severity)] = by_severity.get(str(f.severity), 0) + 1
        detail = ", ".join(f"{n} {s}" for s, n in by_severity.items())
        files = len({f.path for f in result.findings})
        lines.append(
            f"hex-guard: {len(result.findings)} secret(s) found ({detail}) in {files} file(s); "
            f"{stats.files_scanned} file(s) scanned."
        )
        lines += _next_steps(config)
    else:
        lines.append(f"hex-guard: no secrets found in {stats.files_scanned} file(s).")
    if stats.binary:
        # Scanned, not skipped: said so because a binary's line numbers count its newline bytes.
        lines.append(f"hex-guard: {stats.binary} of them scanned as binary (a NUL byte).")
    skips = stats.skip_summary()
    if skips:
        parts = ", ".join(f"{n} {reason}" for reason, n in sorted(skips.items()))
        lines.append(f"hex-guard: not scanned: {parts}.")
        # Every file not scanned is named, each once: a skip the user cannot see is a hole.
        named = sorted({(skip.display_path, skip.text) for skip in stats.skipped})
        lines.extend(f"hex-guard:   {printable.path(path)}: {text}" for path, text in named)
    if stats.excluded:
        lines.append(f"hex-guard: {stats.excluded} file(s) excluded by configuration.")
    for (source, rules), files in sorted(stats.disabled.items()):
        lines.append(
            f"hex-guard: {printable.path(source)} disables {', '.join(rules)} for {files} "
            "scanned file(s)."
        )
    if stats.suppressed:
        lines.append(f"hex-guard: {stats.suppressed} finding(s) suppressed by the allowlist.")
    if stats.baselined:
        lines.append(f"hex-guard: {stats.baselined} known finding(s) in the baseline not reported.")
    if stats.below_confidence:
        lines.append(
            f"hex-guard: {stats.below_confidence} finding(s) below the minimum confidence not "
            "reported (--min-confidence, config min-confidence)."
        )
    return "\n".join(lines) + "\n"


def _describe(config: Config, key: str) -> str:
    name, _, index = key.partition("[")
    i = int(index.rstrip("]"))
    if name == "allowlist":
        entry = config.allowlists[i]
        return f"[[tool.hex-guard.allowlist]] #{i + 1}" + (
            f" ({entry.description})" if entry.description else ""
        )
    value = getattr(config, name)[i]
    return f"{name} entry {value!r}"


def unused(result: ScanResult, config: Config) -> str:
    """Allowlist and exclude entries that matched nothing in this scan: stale ones hide leaks."""
    where = printable.path(config.source) if config.source else "configuration"
    if not result.unused:
        return "hex-guard: every allowlist entry matched something.\n"
    return "".join(
        f"hex-guard: unused in {where}: {_describe(config, key)}\n" for key in result.unused
    )
