"""History scan: `hex-guard history` beside `betterleaks git` and `kingfisher scan` on one clone.

Needs a real repository with >= 10,000 commits, cloned outside the project, e.g.
`git clone https://github.com/pytest-dev/pytest /tmp/pytest` (17,666 commits on main).
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess

from _common import add_reference, measure, peer_binary, table


def count(args: list[str], cwd: str) -> str:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("repo")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--hex-guard", default=shutil.which("hex-guard") or "hex-guard")
    add_reference(parser)
    args = parser.parse_args()
    repo = shlex.quote(args.repo)
    commands = {"hex-guard": f"{args.hex_guard} history -q --format json -o /dev/null"}
    if args.reference:
        commands["hex-guard (reference)"] = (
            f"{args.reference} history -q --format json -o /dev/null"
        )
    betterleaks = peer_binary("betterleaks", "betterleaks")
    if betterleaks:
        commands["betterleaks"] = f"{betterleaks} git {repo} -l error --no-color"
    kingfisher = peer_binary("kingfisher", "kingfisher")
    if kingfisher:
        commands["kingfisher"] = (
            f"{kingfisher} scan {repo} --no-validate --no-update-check -q "
            "--format json -o /dev/null"
        )
    commits = count(["git", "rev-list", "--all", "--count"], args.repo)
    listing = "git rev-list --objects --all | cut -d' ' -f1"
    check = "git cat-file --batch-check='%(objecttype)' | grep -c blob"
    blobs = count(["sh", "-c", f"{listing} | {check}"], args.repo)
    # hex-guard scans the repository it runs in.
    means = measure(commands, args.runs, cwd=args.repo, cpu=args.cpu)
    base = means["hex-guard"]
    rows = [("tool", "CPU s" if args.cpu else "mean s", "hex-guard speed-up")]
    for name, mean in sorted(means.items(), key=lambda kv: kv[1]):
        rows.append((name, f"{mean:.2f}", f"{mean / base:.2f}x"))
    print(f"repository: {args.repo}, {commits} commits, {blobs} blobs")
    print(table(rows))


if __name__ == "__main__":
    main()
