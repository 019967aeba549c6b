"""Shared helpers: locate peer binaries, run hyperfine, print a ratio table."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
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


def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows)
