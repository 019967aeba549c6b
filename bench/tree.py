"""Throughput on a large tree: hex-guard beside peers and one ripgrep pass, in the same run."""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys

from _common import add_reference, measure, peer_binary, table

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from hex_guard.rules import RULES


def corpus_bytes(root: str) -> int:
    return sum(
        os.path.getsize(os.path.join(d, f))
        for d, _, files in os.walk(root)
        for f in files
        if not os.path.islink(os.path.join(d, f))
    )


def commands(root: str, hex_guard: str, slow: bool, reference: str | None) -> dict[str, str]:
    q = shlex.quote(root)
    out = {"hex-guard": f"{hex_guard} scan -q --format json -o /dev/null {q}"}
    if reference:
        out["hex-guard (reference)"] = f"{reference} scan -q --format json -o /dev/null {q}"
    betterleaks = peer_binary("betterleaks", "betterleaks")
    if betterleaks:
        out["betterleaks"] = f"{betterleaks} {q} -l error --no-color"
    kingfisher = peer_binary("kingfisher", "kingfisher")
    if kingfisher:
        out["kingfisher"] = (
            f"{kingfisher} scan {q} --git-history none --no-validate "
            "--no-update-check -q --format json -o /dev/null"
        )
    if slow and shutil.which("detect-secrets"):
        out["detect-secrets"] = f"detect-secrets scan --all-files {q}"
    if shutil.which("rg"):
        keywords = sorted({k for rule in RULES for k in rule.keywords})
        patterns = " ".join(f"-e {shlex.quote(k)}" for k in keywords)
        out["rg (keyword pass)"] = f"rg -c -i -F --no-ignore --hidden {patterns} {q}"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--hex-guard", default=shutil.which("hex-guard") or "hex-guard")
    parser.add_argument("--skip-slow", action="store_true", help="leave out detect-secrets")
    add_reference(parser)
    args = parser.parse_args()
    size = corpus_bytes(args.corpus)
    wanted = commands(args.corpus, args.hex_guard, not args.skip_slow, args.reference)
    means = measure(wanted, args.runs, cpu=args.cpu)
    base = means["hex-guard"]
    rows = [("tool", "CPU s" if args.cpu else "mean s", "MB/s", "hex-guard speed-up")]
    for name, mean in sorted(means.items(), key=lambda kv: kv[1]):
        rows.append((name, f"{mean:.2f}", f"{size / mean / 1e6:.0f}", f"{mean / base:.2f}x"))
    print(f"corpus: {args.corpus}, {size / 1e6:.1f} MB")
    print(table(rows))


if __name__ == "__main__":
    main()
