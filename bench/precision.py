"""False-alarm share of hex-guard and its peers on real repositories triaged by hand.

    python bench/precision.py --corpus /work/corpus --labels bench/precision-labels.json

Every immediate subdirectory of --corpus is one repository (a checkout of a public data
repository: dbt, Airflow, Prefect, ...). Each tool scans each tree as a user would (hex-guard with
an empty config, so nothing is excluded); every finding is matched to a hand label by
(repo, path, line, rule kind), or more strictly by (repo, path, line, hash of the secret).
The table gives, per repository and tool, the findings, the false alarms among them and the
findings still unlabelled; the totals give each tool's false-alarm share.

hex-guard's findings are always judged in full. Peers with more than --sample-above findings
are judged on a seeded random sample of --sample-size findings (drawn from the sorted finding
keys, so a rerun on the same trees draws the same sample); the share is then given with its
sample size. Recall: of the places labelled as real credentials (by any tool's finding), the
ones hex-guard reports, and a list of those it does not.

Secrets are read from the tools' JSON only to hash them (SHA-256, first 8 hex digits) and are
never printed or written: the labels file holds locations and hash prefixes, never values.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

HASH_DIGITS = 8

# Rule kind: what sort of secret a rule reports, so hex-guard's and a peer's finding on the same
# line can share one label. hex-guard rule ids first, then the peers' (betterleaks ids, which
# kingfisher 2.x reuses with a "betterleaks." prefix).
KINDS = {
    "private-key": "private-key",
    "gcp-service-account": "service-account",
    "db-uri-password": "uri",
    "jdbc-password": "uri",
    "odbc-password": "uri",
    "libpq-dsn-password": "uri",
    "generic-credential-uri": "uri",
    "mongodb-connection-string": "uri",
    "curl-auth-user": "uri",
    "driver-call-password": "keyed",
    "connection-secret-field": "keyed",
    "dbt-profile-secret": "keyed",
    "dotenv-secret": "keyed",
    "kubernetes-secret": "keyed",
    "kubernetes-secret-yaml": "keyed",
    "hex-token-assignment": "keyed",
    "generic-password": "keyed",
    "generic-api-key": "keyed",
    "curl-auth-header": "keyed",
}
_KIND_HINTS = (
    (("private-key", "pem"), "private-key"),
    (("service-account",), "service-account"),
    (("webhook", "token", "api-key", "access-key"), "token"),
    (("uri", "url", "jdbc", "odbc", "dsn", "connection-string"), "uri"),
    (
        ("password", "secret", "keyed", "assignment", "generic", "dotenv", "profile", "field"),
        "keyed",
    ),
)


def rule_kind(rule_id: str) -> str:
    """The kind of a rule id; rules added later fall back to the words in their id."""
    rule_id = rule_id.lower().removeprefix("betterleaks.").removeprefix("kingfisher.")
    if rule_id in KINDS:
        return KINDS[rule_id]
    for words, kind in _KIND_HINTS:
        if any(word in rule_id for word in words):
            return kind
    return "token"


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_DIGITS]


@dataclass(frozen=True)
class Finding:
    tool: str
    repo: str
    path: str  # relative to the repository, POSIX separators
    line: int
    rule: str
    kind: str
    digest: str

    def key(self) -> tuple[str, str, int, str, str]:
        return (self.repo, self.path, self.line, self.rule, self.digest)


@dataclass(frozen=True)
class Label:
    repo: str
    path: str
    line: int
    kind: str
    digest: str
    verdict: str  # "tp" or "fp"
    cls: str


@dataclass
class Labels:
    by_hash: dict[tuple[str, str, int, str], Label] = field(default_factory=dict)
    by_kind: dict[tuple[str, str, int, str], list[Label]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str) -> Labels:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        labels = cls()
        for entry in data["labels"]:
            if entry["label"] not in ("tp", "fp"):
                sys.exit(f"{path}: label must be tp or fp, not {entry['label']!r}")
            label = Label(
                entry["repo"],
                entry["path"],
                int(entry["line"]),
                entry["kind"],
                entry["h"],
                entry["label"],
                entry.get("class", ""),
            )
            labels.by_hash[(label.repo, label.path, label.line, label.digest)] = label
            labels.by_kind.setdefault((label.repo, label.path, label.line, label.kind), []).append(
                label
            )
        return labels

    def match(self, finding: Finding) -> Label | None:
        """Same secret on the same line first; else the same kind of secret on that line."""
        exact = self.by_hash.get((finding.repo, finding.path, finding.line, finding.digest))
        if exact is not None:
            return exact
        same_kind = self.by_kind.get((finding.repo, finding.path, finding.line, finding.kind), [])
        verdicts = {label.verdict for label in same_kind}
        # Two labels of one kind on one line that disagree cannot be told apart without the hash.
        return same_kind[0] if len(verdicts) == 1 else None


def _relative(path: str, root: str) -> str:
    rel = os.path.relpath(path, root) if os.path.isabs(path) else path
    return rel.replace(os.sep, "/")


def run_hex_guard(command: list[str], repo_dir: str, empty_config: str) -> list[dict[str, Any]]:
    """hex-guard's findings, secrets in full (they are only hashed); exit 0 and 1 are success."""
    options = ["--format", "json", "--show-secrets", "-q", "--config", empty_config]
    proc = subprocess.run(
        [*command, "scan", *options, "."],
        cwd=repo_dir,
        capture_output=True,
        text=True,
    )
    if proc.returncode not in (0, 1):
        sys.exit(f"hex-guard failed on {repo_dir} (exit {proc.returncode}): {proc.stderr.strip()}")
    findings: list[dict[str, Any]] = json.loads(proc.stdout)["findings"]
    return findings


def hex_guard_findings(
    command: list[str], repo: str, repo_dir: str, empty_config: str
) -> list[Finding]:
    return [
        Finding(
            "hex-guard",
            repo,
            _relative(raw["path"], repo_dir),
            int(raw["line"]),
            raw["rule_id"],
            rule_kind(raw["rule_id"]),
            secret_hash(raw["secret"]),
        )
        for raw in run_hex_guard(command, repo_dir, empty_config)
    ]


def betterleaks_findings(binary: str, repo: str, repo_dir: str) -> list[Finding]:
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "report.json")
        proc = subprocess.run(
            [binary, "fs", repo_dir, "-o", out, "--no-banner", "-l", "error"],
            capture_output=True,
            text=True,
        )
        if proc.returncode not in (0, 1) or not os.path.exists(out):
            sys.exit(f"betterleaks failed on {repo_dir} (exit {proc.returncode})")
        with open(out, encoding="utf-8") as handle:
            raw = json.load(handle)
    return [
        Finding(
            "betterleaks",
            repo,
            _relative(item["location"]["path"], repo_dir),
            int(item["location"]["start_line"]),
            item["rule_id"],
            rule_kind(item["rule_id"]),
            secret_hash(item["match"]["value"]),
        )
        for item in raw["findings"]
    ]


def kingfisher_findings(binary: str, repo: str, repo_dir: str) -> list[Finding]:
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "report.json")
        proc = subprocess.run(
            [
                binary,
                "scan",
                repo_dir,
                "--git-history",
                "none",
                "--no-validate",
                "--no-update-check",
                "--format",
                "json",
                "--output",
                out,
            ],
            capture_output=True,
            text=True,
        )
        # kingfisher exits 200 when it reports findings (205 when one validated).
        if proc.returncode not in (0, 200, 205) or not os.path.exists(out):
            sys.exit(f"kingfisher failed on {repo_dir} (exit {proc.returncode})")
        with open(out, encoding="utf-8") as handle:
            raw = json.load(handle)
    findings = []
    for item in raw.get("findings", []):
        rule = item["rule"]["id"].removeprefix("betterleaks.").removeprefix("kingfisher.")
        found = item["finding"]
        findings.append(
            Finding(
                "kingfisher",
                repo,
                _relative(found["path"], repo_dir),
                int(found["line"]),
                rule,
                rule_kind(rule),
                secret_hash(found["snippet"]),
            )
        )
    return findings


def sample(findings: list[Finding], size: int, seed: int) -> list[Finding]:
    ordered = sorted(findings, key=Finding.key)
    return random.Random(seed).sample(ordered, size) if len(ordered) > size else ordered


def share(fp: int, judged: int) -> str:
    return f"{100 * fp / judged:.0f}%" if judged else "-"


def scan_all(args: argparse.Namespace, repos: list[str]) -> dict[str, list[Finding]]:
    """Every tool over every repository (hex-guard with an empty config: nothing excluded)."""
    tools: dict[str, Callable[[str, str], list[Finding]]] = {}
    with tempfile.TemporaryDirectory() as cfg_dir:
        empty_config = os.path.join(cfg_dir, ".hex-guard.toml")
        open(empty_config, "w").close()
        hex_cmd = args.hex_guard.split()
        tools["hex-guard"] = lambda repo, d: hex_guard_findings(hex_cmd, repo, d, empty_config)
        if args.betterleaks:
            tools["betterleaks"] = lambda repo, d: betterleaks_findings(args.betterleaks, repo, d)
        if args.kingfisher:
            tools["kingfisher"] = lambda repo, d: kingfisher_findings(args.kingfisher, repo, d)

        found: dict[str, list[Finding]] = defaultdict(list)
        for repo in repos:
            repo_dir = os.path.join(args.corpus, repo)
            for tool, scan in tools.items():
                found[tool].extend(scan(repo, repo_dir))
            print(f"scanned {repo}", file=sys.stderr)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", required=True, help="directory of repository checkouts")
    parser.add_argument("--labels", required=True, help="hand labels (bench/precision-labels.json)")
    parser.add_argument("--hex-guard", default="hex-guard", help="hex-guard command [hex-guard]")
    parser.add_argument("--betterleaks", default=shutil.which("betterleaks"))
    parser.add_argument("--kingfisher", default=shutil.which("kingfisher"))
    parser.add_argument("--repos", help="comma-separated subset of the corpus")
    parser.add_argument("--sample-above", type=int, default=150)
    parser.add_argument("--sample-size", type=int, default=100)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument(
        "--unlabelled", help="write the findings still to triage here (JSON, no secrets)"
    )
    parser.add_argument("--save", help="write every finding (hashed, no secrets) to this JSON")
    parser.add_argument("--load", help="re-judge findings saved by --save instead of scanning")
    args = parser.parse_args()

    labels = Labels.load(args.labels)
    repos = sorted(
        name
        for name in os.listdir(args.corpus)
        if os.path.isdir(os.path.join(args.corpus, name)) and not name.startswith(".")
    )
    if args.repos:
        wanted = set(args.repos.split(","))
        repos = [r for r in repos if r in wanted]

    found: dict[str, list[Finding]] = defaultdict(list)
    if args.load:
        with open(args.load, encoding="utf-8") as handle:
            for item in json.load(handle):
                if item["repo"] in repos:
                    found[item["tool"]].append(Finding(**item))
    else:
        found = scan_all(args, repos)
    if args.save:
        with open(args.save, "w", encoding="utf-8") as handle:
            json.dump([asdict(f) for tool in found for f in found[tool]], handle, indent=0)

    judged: dict[str, list[Finding]] = {
        # hex-guard's findings are all judged; a peer's above --sample-above on a sample.
        tool: (
            items
            if tool == "hex-guard" or len(items) <= args.sample_above
            else sample(items, args.sample_size, args.seed)
        )
        for tool, items in found.items()
    }
    report(repos, found, judged, labels)
    if args.unlabelled:
        todo = [
            {
                "tool": f.tool,
                "repo": f.repo,
                "path": f.path,
                "line": f.line,
                "rule": f.rule,
                "kind": f.kind,
                "h": f.digest,
            }
            for tool in judged
            for f in sorted(judged[tool], key=Finding.key)
            if labels.match(f) is None
        ]
        with open(args.unlabelled, "w", encoding="utf-8") as handle:
            json.dump(todo, handle, indent=1)
        print(f"{len(todo)} finding(s) to triage written to {args.unlabelled}", file=sys.stderr)


def report(
    repos: list[str],
    found: dict[str, list[Finding]],
    judged: dict[str, list[Finding]],
    labels: Labels,
) -> None:
    tools = list(found)
    header = ["repo"]
    for tool in tools:
        header += [f"{tool} n", "FP", "TP", "?"]
    rows = [header]
    for repo in [*repos, "TOTAL"]:
        row = [repo]
        for tool in tools:
            pool = [f for f in found[tool] if repo in ("TOTAL", f.repo)]
            # FP/TP/? count the judged findings: all of them, or the tool's sample.
            verdicts = Counter(
                (label.verdict if (label := labels.match(f)) else "?")
                for f in judged[tool]
                if repo in ("TOTAL", f.repo)
            )
            row += [str(len(pool)), str(verdicts["fp"]), str(verdicts["tp"]), str(verdicts["?"])]
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for r in rows:
        print("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))))
    print()
    for tool in tools:
        items = judged[tool]
        verdicts = Counter((label.verdict if (label := labels.match(f)) else "?") for f in items)
        done = verdicts["fp"] + verdicts["tp"]
        basis = (
            "all findings"
            if len(items) == len(found[tool])
            else (f"random sample of {len(items)} of {len(found[tool])}")
        )
        print(
            f"{tool}: false alarms {verdicts['fp']}/{done} = {share(verdicts['fp'], done)}"
            f" ({basis}; {verdicts['?']} unlabelled)"
        )
    by_rule: dict[str, Counter[str]] = defaultdict(Counter)
    for f in found["hex-guard"]:
        label = labels.match(f)
        by_rule[f.rule][label.verdict if label else "?"] += 1
    print("\nhex-guard by rule (findings: FP / TP / ?):")
    for rule, verdicts in sorted(by_rule.items(), key=lambda item: -sum(item[1].values())):
        print(
            f"  {rule:28s} {sum(verdicts.values()):4d}: "
            f"{verdicts['fp']} / {verdicts['tp']} / {verdicts['?']}"
        )
    print()
    for tool in found:
        recall(repos, tool, found[tool], labels, list_missed=tool == "hex-guard")
    classes = Counter(
        label.cls
        for f in found["hex-guard"]
        if (label := labels.match(f)) is not None and label.verdict == "fp"
    )
    if classes:
        print("\nhex-guard false-alarm classes:")
        for cls, count in classes.most_common():
            print(f"  {count:4d}  {cls}")


def recall(
    repos: list[str], tool: str, findings: list[Finding], labels: Labels, list_missed: bool
) -> None:
    """Known real credentials (labelled tp at some place) that a tool does or does not report."""
    real: dict[tuple[str, str, int], str] = {}
    for label in labels.by_hash.values():
        if label.verdict == "tp" and label.repo in repos:
            real.setdefault((label.repo, label.path, label.line), label.cls)
    reported = {
        (f.repo, f.path, f.line)
        for f in findings
        if (label := labels.match(f)) is not None and label.verdict == "tp"
    }
    missed = sorted(set(real) - reported)
    print(f"{tool} recall: {len(real) - len(missed)}/{len(real)} places labelled real")
    for repo, path, line in missed if list_missed else []:
        print(f"  missed  {repo}/{path}:{line}  ({real[(repo, path, line)]})")


if __name__ == "__main__":
    main()
