"""Where the hygiene checks meet the scan corridor.

- `annotate` runs on each view's findings before they are mapped back into the file: it adds
  what the text around a finding says (the environment its variable or dbt target names, a Hex
  token's kind and the API calls beside it) as report properties.
- `data_findings` runs once per fragment when the opt-in data check is on.
- `reuse_findings` runs over all findings of a run, before the baseline, and its findings pass
  the allowlist like any other (`admit`).
"""

from __future__ import annotations

import dataclasses
import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from hex_guard.finding import fingerprint
from hex_guard.records import CellProvenance, Finding, Found, Fragment, GitProvenance, Outcome
from hex_guard.rules import Confidence, Severity

if TYPE_CHECKING:
    from hex_guard.hygiene import environments, personal_data, reuse

# The checks' own modules (environments, hex_token, personal_data, reuse) are imported where a
# finding or the data check first needs them: a clean hook run, the common case, has neither,
# and importing them cost it ~12 ms.

HEX_RULES = frozenset({"hex-api-token", "hex-token", "hex-token-assignment"})
ENVIRONMENT = "environment"
ENVIRONMENT_SOURCE = "environment_source"


# Rows an output may show before it counts as a query result. Here, not in outputs.py: every
# scan builds a DataCheck, and only --data needs that module's parsers and regexes (~2 ms).
DEFAULT_ROW_THRESHOLD = 5


@dataclass(frozen=True)
class DataCheck:
    """The opt-in data check's settings (`data-outputs`, `row-threshold`)."""

    enabled: bool = False
    row_threshold: int = DEFAULT_ROW_THRESHOLD


# --- properties -----------------------------------------------------------------------------------


def with_properties(finding: Finding, extra: dict[str, str]) -> Finding:
    if not extra:
        return finding
    merged = dict(finding.properties)
    merged.update(extra)
    return dataclasses.replace(finding, properties=tuple(sorted(merged.items())))


def _content_environment(
    fragment: Fragment, text: str, lines: list[str], finding: Finding
) -> dict[str, str]:
    from hex_guard.hygiene import environments

    line = finding.line - fragment.first_line + 1
    found = environments.from_text(fragment.repo_path, text, lines, line, finding.column)
    if found is None:
        return {}
    return {ENVIRONMENT: found.name, ENVIRONMENT_SOURCE: f"{found.source} {found.evidence}"}


def annotate(fragment: Fragment, findings: list[Finding]) -> list[Finding]:
    """`findings` (in `fragment`'s own lines) with the properties the text around them gives."""
    if not findings:
        return findings
    from hex_guard.hygiene import hex_token

    text = fragment.data.decode("utf-8", "replace")
    lines = text.split("\n")
    out = []
    calls: list[str] | None = None
    for finding in findings:
        extra = _content_environment(fragment, text, lines, finding)
        if finding.rule_id in HEX_RULES:
            calls = hex_token.api_calls(text) if calls is None else calls
            extra.update(hex_token.properties(finding.secret, text, calls))
        out.append(with_properties(finding, extra))
    return out


# --- the environment of a finding ------------------------------------------------------------


def environment_of(finding: Finding, path: str | None = None) -> environments.Environment | None:
    """From the text (recorded at detection), else from `path` (default: the finding's)."""
    from hex_guard.hygiene import environments

    props = dict(finding.properties)
    name = props.get(ENVIRONMENT)
    if name is not None:
        source, _, evidence = props.get(ENVIRONMENT_SOURCE, "").rpartition(" ")
        return environments.Environment(name, source, evidence)
    return environments.from_path(path if path is not None else finding.repo_path)


def sightings(findings: Iterable[Finding]) -> list[reuse.Sighting]:
    from hex_guard.hygiene import reuse

    return [reuse.Sighting(f, environment_of(f)) for f in findings]


def reuse_findings(
    findings: Iterable[Finding],
    disabled: Iterable[str] = (),
    involving: Callable[[Finding], bool] | None = None,
) -> list[Finding]:
    """The reuse findings over `findings` (none when the rule is disabled)."""
    from hex_guard.hygiene import reuse

    if reuse.RULE_ID in set(disabled):
        return []
    return reuse.reused(sightings(findings), involving=involving)


# --- the data check -------------------------------------------------------------------------


def _data_finding(
    rule_id: str,
    severity: Severity,
    description: str,
    hint: str,
    fragment: Fragment,
    line: int,
    column: int,
    identity: str,
    cell: CellProvenance | None = None,
) -> Finding:
    return Finding(
        rule_id=rule_id,
        severity=severity,
        # A heuristic over cells and columns, not a credential format.
        confidence=Confidence.MEDIUM,
        description=description,
        hint=hint,
        path=fragment.display_path,
        repo_path=fragment.repo_path,
        line=line,
        column=column,
        end_line=line,
        end_column=column,
        # Keyed on where, not on what: re-running the notebook with new rows keeps the identity,
        # and no value (not even hashed) goes into it.
        fingerprint=fingerprint(rule_id, fragment.repo_path, identity),
        reveal_prefix=0,
        secret="",
        cell=cell,
    )


def _severity(tally: personal_data.Tally) -> Severity:
    from hex_guard.hygiene import personal_data

    return (
        Severity.MEDIUM
        if tally.kinds() & personal_data.SENSITIVE or tally.total >= 10
        else Severity.LOW
    )


def _notebook_findings(fragment: Fragment, check: DataCheck) -> list[Finding]:
    from hex_guard.hygiene import outputs, personal_data

    sites = outputs.notebook_tables(fragment.data)
    if not sites:
        return []
    out = []
    for site in sites:
        where = f"cell {site.cell} output {site.output}"
        cell = CellProvenance(site.cell, "code", "output", 1)
        table = site.table
        if table.rows > check.row_threshold:
            out.append(
                _data_finding(
                    outputs.QUERY_OUTPUT_ID,
                    Severity.LOW,
                    f"Notebook output holds a query result ({table.kind}, {table.rows} rows, "
                    f"{table.columns} columns; threshold {check.row_threshold} rows) in {where}",
                    outputs.STRIP_HINT,
                    fragment,
                    site.line,
                    site.column,
                    where,
                    cell,
                )
            )
        tally = personal_data.tally(table.text)
        if tally is not None:
            out.append(
                _data_finding(
                    outputs.PERSONAL_DATA_ID,
                    _severity(tally),
                    f"Personal data in a notebook output ({tally.summary()}) in {where}",
                    outputs.STRIP_HINT,
                    fragment,
                    site.line,
                    site.column,
                    where,
                    cell,
                )
            )
    return out


def _data_file_findings(fragment: Fragment) -> list[Finding]:
    from hex_guard.hygiene import outputs, personal_data

    text = outputs.data_file_text(fragment.repo_path, fragment.data)
    tally = personal_data.tally(text) if text else None
    if text is None or tally is None:
        return []
    line, column = outputs.line_col(text, tally.first)
    line += fragment.first_line - 1
    return [
        _data_finding(
            outputs.PERSONAL_DATA_ID,
            _severity(tally),
            f"Personal data in a data file ({tally.summary()}); the first at line {line}",
            outputs.DATA_FILE_HINT,
            fragment,
            line,
            column,
            "file",
        )
    ]


def data_findings(fragment: Fragment, check: DataCheck) -> list[Finding]:
    """The data check's findings for one fragment: one per output or file, counts only."""
    if not check.enabled:
        return []
    from hex_guard.hygiene import outputs

    path = fragment.repo_path.lower()
    if path.endswith(".ipynb"):
        return _notebook_findings(fragment, check)
    if outputs.is_data_file(path):
        return _data_file_findings(fragment)
    return []


def reuse_step(
    findings: Sequence[Finding],
    disabled: Iterable[str],
    reason: Callable[[Finding, str, None], str | None],
    fs_path_of: Callable[[Finding], str],
    used: Counter[str],
    involving: Callable[[Finding], bool] | None = None,
) -> tuple[list[Finding], int]:
    """The reuse findings over a run's findings, through the allowlist; and how many it held."""
    if not findings:
        return [], 0
    found = reuse_findings(findings, disabled, involving)
    kept = []
    for finding in found:
        key = reason(finding, fs_path_of(finding), None)
        if key is None:
            kept.append(finding)
        else:
            used[key] += 1
    return kept, len(found) - len(kept)


def at_paths(
    found: Iterable[tuple[str, Finding]],
    paths_of: Callable[[str], Iterable[tuple[str, GitProvenance]]],
) -> list[Finding]:
    """History: each finding once per path its blob was committed under (a `.env.dev` copied
    to `.env.prod` is one blob, scanned once, in two environments)."""
    out = []
    for blob, finding in found:
        for path, provenance in paths_of(blob):
            out.append(dataclasses.replace(finding, path=path, repo_path=path, git=provenance))
    return out


# --- what a source shows the reuse check ---------------------------------------------------


@dataclass(frozen=True)
class ReuseView:
    """The findings the reuse check groups, where allowlist paths look for each, and which
    groups count (None: all)."""

    findings: Sequence[Finding]
    fs_path_of: Callable[[Finding], str]
    involving: Callable[[Finding], bool] | None = None


@runtime_checkable
class ReuseContext(Protocol):
    """A source that reads only part of the tree (`--staged`, `--diff`) or merges findings
    (history) implements this to show the reuse check what it needs; others need nothing."""

    def reuse_view(
        self, found: list[Found], outcome: Outcome, scope: Any, pipeline: Any
    ) -> ReuseView: ...


def default_view(outcome: Outcome) -> ReuseView:
    return ReuseView(outcome.findings, lambda f: os.path.abspath(f.path))
