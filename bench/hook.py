"""Hook latency: one `hex-guard scan FILE...` on a typical 10-file commit beside betterleaks."""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
import tempfile

from _common import add_reference, measure, peer_binary, table

MODULE = '''"""Module {i}: ordinary application code, no secrets."""
import os


def handler_{i}(event, context):
    region = os.environ.get("AWS_REGION", "us-east-1")
    rows = [{{"id": n, "name": f"row-{{n}}"}} for n in range(100)]
    return {{"region": region, "rows": rows}}
'''


def make_commit(directory: str) -> list[str]:
    paths = []
    for i in range(10):
        path = os.path.join(directory, f"module_{i}.py")
        with open(path, "w") as handle:
            handle.write(MODULE.format(i=i) * 12)
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--hex-guard", default=shutil.which("hex-guard") or "hex-guard")
    add_reference(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        files = " ".join(shlex.quote(p) for p in make_commit(directory))
        python = os.path.join(os.path.dirname(os.path.realpath(args.hex_guard)), "python")
        commands = {"hex-guard": f"{args.hex_guard} scan -q {files}"}
        if args.reference:
            commands["hex-guard (reference)"] = f"{args.reference} scan -q {files}"
        betterleaks = peer_binary("betterleaks", "betterleaks")
        if betterleaks:
            commands["betterleaks"] = f"{betterleaks} {shlex.quote(directory)} -l error --no-color"
        interpreter = python if os.path.exists(python) else sys.executable
        commands["python -c pass"] = f"{interpreter} -c pass"
        means = measure(commands, args.runs, warmup=3, cpu=args.cpu)
    base = means.get("betterleaks", means["hex-guard"])
    rows = [("command", "CPU ms" if args.cpu else "mean ms", "vs betterleaks")]
    for name, mean in sorted(means.items(), key=lambda kv: kv[1]):
        rows.append((name, f"{mean * 1000:.1f}", f"{mean / base:.2f}x"))
    print(table(rows))


if __name__ == "__main__":
    main()
