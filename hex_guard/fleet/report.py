"""A repository's report document, the merged report over all of them, and the summary table.

The per-repository documents hold findings as the JSON report shows them (secrets redacted
unless --show-secrets), so the merged report is rebuilt from them without ever seeing a secret
again, and a repository scanned by an earlier run reports exactly what it reported then.
"""

from __future__ import annotations

import json
import pathlib
from collections.abc import Mapping, Sequence
from typing import Any

from hex_guard import __version__
from hex_guard.fleet.repos import Repo
from hex_guard.fleet.task import RepoOutcome
from hex_guard.records import CellProvenance, Finding, GitProvenance
from hex_guard.report import ReportOptions
from hex_guard.rules import Confidence, Rule, Severity
from hex_guard.scan import ScanResult, Stats

FORMATS = ("text", "json", "sarif")
SARIF_CATEGORY = "hex-guard/fleet"


def _finding_key(finding: Mapping[str, Any]) -> tuple[str, int, int, str]:
    return (finding["path"], finding["line"], finding["column"], finding["rule_id"])


def repo_document(
    outcome: RepoOutcome, previous: Mapping[str, Any] | None, incremental: bool
) -> dict[str, Any]:
    """This run's document. An incremental run adds its findings to the earlier ones (one per
    fingerprint, the earlier kept); a failed run keeps the earlier findings: a leak found last
    night is still a leak tonight, when the clone fails."""
    keep = previous is not None and (incremental or outcome.error is not None)
    earlier = list(previous.get("findings", ())) if previous is not None and keep else []
    merged = {f["fingerprint"]: f for f in reversed([*earlier, *outcome.findings])}
    findings = sorted(merged.values(), key=_finding_key)
    # What was not scanned stays named: an incremental run does not read those blobs again.
    skipped = list(previous.get("skipped", ())) if previous is not None and keep else []
    skipped += [{"path": p, "reason": r} for p, r in outcome.skipped]
    skipped = list({(s["path"], s["reason"]): s for s in skipped}.values())
    return {
        "version": __version__,
        "repository": {"id": outcome.repo.id, "source": outcome.repo.source},
        "status": "failed" if outcome.error else "ok",
        "error": outcome.error,
        "findings": findings,
        "skipped": skipped,
        "stats": {
            "incremental": incremental,
            "blobs_scanned": outcome.blobs_scanned,
            "bytes_scanned": outcome.bytes_scanned,
            "fetch_s": round(outcome.fetch_s, 3),
            "scan_s": round(outcome.scan_s, 3),
        },
    }


# --- merged reports -------------------------------------------------------------------------


def _json(documents: Sequence[Mapping[str, Any]], rules: Sequence[Rule]) -> str:
    del rules
    findings = [f for d in documents for f in d["findings"]]
    document = {
        "version": __version__,
        "repositories": [
            {
                "id": d["repository"]["id"],
                "source": d["repository"]["source"],
                "status": d["status"],
                "error": d["error"],
                "findings": len(d["findings"]),
            }
            for d in documents
        ],
        "findings": findings,
        "stats": {
            "repositories": len(documents),
            "failed": sum(1 for d in documents if d["status"] == "failed"),
            "findings": len(findings),
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def finding_from_dict(data: Mapping[str, Any], hints: Mapping[str, str]) -> Finding:
    """A report's finding back as a record. Its `secret` is what the report showed (redacted
    unless --show-secrets), so writers must render it with show_secrets=True, verbatim."""
    git = None
    if data.get("commit") is not None:
        git = GitProvenance(
            data["commit"],
            data["author"],
            data["date"],
            data.get("commits_count"),
            data.get("paths_count"),
            data.get("present_at_head"),
        )
    cell = None
    if data.get("cell") is not None:
        cell = CellProvenance(
            data["cell"], data["cell_label"], data["cell_part"], data["cell_line"]
        )
    return Finding(
        rule_id=data["rule_id"],
        severity=Severity[data["severity"].upper()],
        # A repository report written before findings carried a confidence has none.
        confidence=Confidence[data.get("confidence", "medium").upper()],
        description=data["description"],
        hint=hints.get(data["rule_id"], Rule.hint),
        path=data["path"],
        repo_path=data["path"],
        line=data["line"],
        column=data["column"],
        end_line=data["end_line"],
        end_column=data["end_column"],
        fingerprint=data["fingerprint"],
        reveal_prefix=0,
        secret=data["secret"],
        git=git,
        cell=cell,
        decoded=bool(data.get("decoded")),
    )


def _result_of(document: Mapping[str, Any], hints: Mapping[str, str]) -> ScanResult:
    findings = tuple(finding_from_dict(f, hints) for f in document["findings"])
    return ScanResult(findings, Stats())


def _verbatim() -> ReportOptions:
    return ReportOptions(show_secrets=True)  # already redacted when the worker rendered them


def _sarif(documents: Sequence[Mapping[str, Any]], rules: Sequence[Rule]) -> str:
    """One run per repository. GitHub code scanning takes one repository per upload, at most 20
    runs per file, and rejects two runs of one tool under one category (docs.github.com
    "SARIF results exceed limit"; github.blog changelog 2024-05-06 "code scanning will stop
    combining runs from a single upload"), so each run names its repository twice: as its
    category (`automationDetails.id`) and as SARIF's `versionControlProvenance`."""
    from hex_guard.report import sarif

    hints = {r.id: r.hint for r in rules}
    runs = []
    for document in documents:
        repo = document["repository"]
        run = sarif.document(_result_of(document, hints), _verbatim())["runs"][0]
        run["automationDetails"] = {"id": f"{SARIF_CATEGORY}/{repo['id']}/"}
        run["versionControlProvenance"] = [{"repositoryUri": _uri(repo["source"])}]
        run["properties"] = {"repository": repo["id"], "status": document["status"]}
        runs.append(run)
    return (
        json.dumps(
            {"$schema": sarif.SCHEMA, "version": "2.1.0", "runs": runs},
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )


def _uri(source: str) -> str:
    return pathlib.Path(source).as_uri() if source.startswith("/") else source


def _text(documents: Sequence[Mapping[str, Any]], rules: Sequence[Rule]) -> str:
    from hex_guard.report import text

    hints = {r.id: r.hint for r in rules}
    blocks = []
    for document in documents:
        if document["findings"]:
            repo = document["repository"]
            body = text.render(_result_of(document, hints), _verbatim())
            blocks.append(f"== {repo['id']} ({repo['source']})\n\n{body}")
    return "\n".join(blocks)


_RENDERERS = {"json": _json, "sarif": _sarif, "text": _text}


def render(fmt: str, documents: Sequence[Mapping[str, Any]], rules: Sequence[Rule]) -> str:
    return _RENDERERS[fmt](documents, rules)


# --- stderr -------------------------------------------------------------------------------------


def summary(rows: Sequence[tuple[Repo, str, Mapping[str, Any]]]) -> str:
    """The per-repository table, the totals, and the failures last, where they are seen."""
    header = ("repository", "status", "findings", "blobs", "seconds")
    lines = [header]
    for repo, status, document in rows:
        stats = document.get("stats", {})
        seconds = stats.get("fetch_s", 0.0) + stats.get("scan_s", 0.0)
        blobs = str(stats.get("blobs_scanned", 0)) if status != "resumed" else "-"
        lines.append((repo.id, status, str(len(document["findings"])), blobs, f"{seconds:.1f}"))
    widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
    table = [
        "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
        for row in lines
    ]
    failed = [(repo, d) for repo, status, d in rows if status == "failed"]
    findings = sum(len(d["findings"]) for _, _, d in rows)
    with_findings = sum(1 for _, _, d in rows if d["findings"])
    out = [*table, ""]
    out.append(
        f"hex-guard fleet: {len(rows)} repositories, {len(failed)} failed, {findings} finding(s) "
        f"in {with_findings} repositories."
    )
    if failed:
        out.append(f"hex-guard fleet: {len(failed)} repositories failed:")
        out.extend(f"  {repo.id} ({repo.source}): {d['error']}" for repo, d in failed)
    return "\n".join(out) + "\n"
