"""`hex-guard fleet` over 100 repositories: clones of a few real projects under different names.

    python bench/fleet.py --work /tmp/fleet-bench \
        /work/.mirror/pytest-dev+pytest/repo:10 /work/.mirror/sodadata+soda-core/repo:30 \
        /work/.mirror/catherinedevlin+ipython-sql/repo:30 \
        /work/.mirror/puckel+docker-airflow/repo:30

Each PROJECT:COUNT becomes one bare source (its branches and tags) and COUNT file:// URLs that
reach it under different names, so the fleet clones COUNT independent mirrors of it. Measured:
the cold run (clone every mirror, scan everything), full rescans over warm mirrors with 1 and 2
workers (wall time, scaling efficiency = T1 / (2 * T2)), the incremental nightly run (fetch,
nothing new to scan), and the per-repository cost of each project from the reports' own timings.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _common import table


def make_sources(work: Path, specs: list[str]) -> Path:
    """The repository list: COUNT names for each project's one bare source."""
    src = work / "src"
    src.mkdir(parents=True, exist_ok=True)
    lines = []
    for spec in specs:
        path, _, count = spec.rpartition(":")
        name = (
            Path(path).parent.name.split("+")[-1] if Path(path).name == "repo" else Path(path).stem
        )
        source = src / f"{name}.git"
        if not source.exists():
            # Branches and tags only: a hosting mirror's pull-request refs are not the project.
            subprocess.run(["git", "clone", "-q", "--bare", path, str(source)], check=True)
        for k in range(int(count)):
            alias = src / f"{name}-{k:02d}.git"
            if not alias.exists():
                alias.symlink_to(source.name)
            lines.append(f"file://{alias}")
    listing = work / "repos.txt"
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return listing


def fleet(listing: Path, out: Path, *args: str) -> float:
    command = [
        sys.executable,
        "-m",
        "hex_guard",
        "fleet",
        str(listing),
        "-o",
        str(out),
        "--format",
        "json",
        "--report",
        str(out.parent / f"{out.name}.merged.json"),
        "-q",
        *args,
    ]
    started = time.perf_counter()
    proc = subprocess.run(command, check=False)
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        sys.exit(f"fleet run failed (exit {proc.returncode}): {' '.join(command)}")
    return elapsed


def per_project_cost(out: Path) -> dict[str, tuple[float, float, int]]:
    """project -> (median fetch s, median scan s, blobs scanned) over its repositories."""
    fetch: dict[str, list[float]] = {}
    scan: dict[str, list[float]] = {}
    blobs: dict[str, int] = {}
    for report in out.glob("*.json"):
        document = json.loads(report.read_text(encoding="utf-8"))
        project = document["repository"]["id"].split("_")[-1].rsplit("-", 2)[0]
        stats = document["stats"]
        fetch.setdefault(project, []).append(stats["fetch_s"])
        scan.setdefault(project, []).append(stats["scan_s"])
        blobs[project] = stats["blobs_scanned"]
    return {
        p: (statistics.median(fetch[p]), statistics.median(scan[p]), blobs[p])
        for p in sorted(fetch)
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("projects", nargs="+", metavar="PROJECT:COUNT")
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--keep", action="store_true", help="keep the mirrors between runs")
    args = parser.parse_args()
    try:
        import hyperscan  # noqa: F401
    except ImportError:  # the pure-Python prefilter is ~20x slower on pytest's history
        sys.exit("hyperscan is not importable here: run from the venv hex-guard is installed in")
    work: Path = args.work
    if work.exists() and not args.keep:
        shutil.rmtree(work)
    listing = make_sources(work, args.projects)
    count = len(listing.read_text().split())
    out = work / "out"
    cache = ["--cache-dir", str(work / "mirrors")]
    cold = fleet(listing, out, *cache, "-j", "2")
    cold_costs = per_project_cost(out)
    one = fleet(listing, work / "out-j1", *cache, "-j", "1", "--full")
    costs = per_project_cost(work / "out-j1")
    two = fleet(listing, work / "out-j2", *cache, "-j", "2", "--full")
    nightly = fleet(listing, out, *cache, "-j", "2")
    rows = [
        ("run", "wall s", "per repository s"),
        (f"cold: clone {count} mirrors + scan, 2 workers", f"{cold:.1f}", f"{cold / count:.2f}"),
        ("full rescan, warm mirrors, 1 worker", f"{one:.1f}", f"{one / count:.2f}"),
        ("full rescan, warm mirrors, 2 workers", f"{two:.1f}", f"{two / count:.2f}"),
        ("nightly (fetch, only new blobs), 2 workers", f"{nightly:.1f}", f"{nightly / count:.2f}"),
    ]
    print(table(rows))
    print(f"\nscaling 1 -> 2 workers: speed-up {one / two:.2f}x, efficiency {one / (2 * two):.0%}")
    print()
    cost_rows = [("project", "clone s (cold)", "fetch s (warm)", "scan s (1 worker)", "blobs")]
    for project, (fetch_s, scan_s, blobs) in costs.items():
        cold_fetch = cold_costs.get(project, (0.0, 0.0, 0))[0]
        cost_rows.append(
            (project, f"{cold_fetch:.2f}", f"{fetch_s:.2f}", f"{scan_s:.2f}", str(blobs))
        )
    print(table(cost_rows))
    print(f"\nmachine: {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
