"""Adversarial-input table for the linearity proof (issue 10 item 11): for every built-in rule
and decoder, each input shape, and both prefilter backends, the CPU time of a 1 MB adversarial
input relative to an ordinary 1 MB source file, and its growth from 256 KB to 1 MB (linear 4,
quadratic 16). The inputs come from tests/linearity_inputs.py, shared with tests/test_linearity.py.

    nice -n 10 python bench/linearity.py [--repeat 3] [--only RULE] > table.md
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tests import linearity_inputs as li


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--size", type=int, default=li.MB)
    parser.add_argument("--only", default=None, help="a rule id or decoder name")
    args = parser.parse_args()
    rows: dict[tuple[str, str], dict[str, li.Measure]] = {}
    for backend in ("hyperscan", "python"):
        for case in li.all_cases(backend):
            if args.only and case.name != args.only:
                continue
            measured = li.measure(case, args.size, args.repeat)
            rows.setdefault((case.name, case.shape), {})[backend] = measured
            print(
                f"{backend} {case.name} {case.shape} {measured.ratio:.1f}x "
                f"growth {measured.growth:.1f}",
                file=sys.stderr,
                flush=True,
            )
    seconds = li.ordinary_seconds(args.size, 2 * args.repeat)
    print(
        f"ordinary {args.size} B, pure-Python engine: {seconds * 1000:.1f} ms CPU", file=sys.stderr
    )
    print("| rule or decoder | shape | hyperscan: ratio | growth | python: ratio | growth |")
    print("|---|---|---:|---:|---:|---:|")
    for (name, shape), by_backend in rows.items():
        cells = [
            f"{m.ratio:.1f}x | {m.growth:.1f}" if m else "- | -"
            for m in (by_backend.get("hyperscan"), by_backend.get("python"))
        ]
        print(f"| {name} | {shape} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
