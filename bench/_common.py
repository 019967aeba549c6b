"""Shared helpers: locate peer binaries, run hyperfine, print a ratio table."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any


def peer_binary(module: str, name: str) -> str | None:
    """The native binary a PyPI wrapper package ships (skips the Python launcher's start-up)."""
    try:
        package = __import__(module)
    except ImportError:
        return shutil.which(name)
    candidate = os.path.join(os.path.dirname(package.__file__ or ""), "bin", name)
    return candidate if os.access(candidate, os.X_OK) else shutil.which(name)


def hyperfine(
    commands: dict[str, str], runs: int, warmup: int = 1, cwd: str | None = None
) -> dict[str, float]:
    """Mean seconds per command; failures are allowed (a scanner exits 1 on findings)."""
    if not shutil.which("hyperfine"):
        sys.exit("hyperfine is not installed (apt-get install hyperfine)")
    with tempfile.NamedTemporaryFile(suffix=".json") as export:
        args = [
            "hyperfine",
            "-N",
            "-i",
            "--style",
            "basic",
            "-r",
            str(runs),
            "-w",
            str(warmup),
            "--export-json",
            export.name,
        ]
        for name, command in commands.items():
            args += ["-n", name, command]
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, cwd=cwd)
        with open(export.name) as handle:
            results = json.load(handle)["results"]
    return {r["command"]: r["mean"] for r in results}


def add_reference(parser: Any) -> None:
    parser.add_argument(
        "--reference",
        metavar="HEX_GUARD",
        default=None,
        help="Another hex-guard build (e.g. the last release) to time in the same run.",
    )
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="Compare CPU time (user+sys, medians of interleaved runs) instead of hyperfine's "
        "mean wall time: on a machine other jobs load, wall time measures them too.",
    )


def measure(
    commands: dict[str, str], runs: int, warmup: int = 1, cwd: str | None = None, cpu: bool = False
) -> dict[str, float]:
    """Seconds per command: hyperfine's mean wall time, or with `cpu` the median CPU time."""
    if not cpu:
        return hyperfine(commands, runs, warmup, cwd)
    before = os.getloadavg()[0]
    times = interleaved(commands, runs, warmup, cwd)
    print(f"load average {before:.1f} -> {os.getloadavg()[0]:.1f}", file=sys.stderr)
    for name, (cpus, walls) in times.items():
        print(
            f"{name}: CPU median {statistics.median(cpus):.3f} s "
            f"[{min(cpus):.3f}-{max(cpus):.3f}], wall median {statistics.median(walls):.3f} s "
            f"[{min(walls):.3f}-{max(walls):.3f}]",
            file=sys.stderr,
        )
    return {name: statistics.median(cpus) for name, (cpus, _) in times.items()}


def interleaved(
    commands: dict[str, str], runs: int, warmup: int, cwd: str | None
) -> dict[str, tuple[list[float], list[float]]]:
    """(CPU seconds, wall seconds) of each run, the commands taking turns (A B C C B A ...) so
    a burst of load from other jobs falls on all of them alike. CPU is the child's user+sys
    from wait4, pool workers included."""
    times: dict[str, tuple[list[float], list[float]]] = {n: ([], []) for n in commands}
    names = list(commands)
    for round_ in range(warmup + runs):
        for name in names if round_ % 2 == 0 else reversed(names):
            start = time.perf_counter()
            child = subprocess.Popen(
                shlex.split(commands[name]),
                cwd=cwd,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            _, _, usage = os.wait4(child.pid, 0)
            if round_ >= warmup:
                times[name][0].append(usage.ru_utime + usage.ru_stime)
                times[name][1].append(time.perf_counter() - start)
    return times


def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows)
