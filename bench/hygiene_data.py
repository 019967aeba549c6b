"""Precision and recall of the opt-in data check (`--data`) on real public notebooks.

    python bench/hygiene_data.py /work/corpus-nb

The corpus is any directory of cloned notebook collections (never committed; the numbers in
bench/README.md come from the five public repositories listed there). Two samples are drawn
with fixed seeds and were judged by hand; `bench/hygiene-labels.json` holds only the keys
(`repo/path.ipynb#cell.output`) where the hand label differs from what the check says, so the
file carries no content:

- precision sample: 50 outputs the check reports as `notebook-query-output`;
- recall sample: 70 outputs that could hold a table at all (an HTML `<table>`, or a text output
  of 7 lines or more), whatever the check says.

A positive is an output that shows more than the row threshold (5) rows of a data set or of a
query or aggregation over one; statistics about the data (describe(), a correlation matrix),
model parameters and experiment logs are negatives. Personal data is counted over every
table-shaped output and every data file of the corpus (a public teaching corpus is expected to
hold none: each hit is printed so it can be judged).
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hex_guard.hygiene import outputs, personal_data  # noqa: E402
from hex_guard.hygiene.steps import DEFAULT_ROW_THRESHOLD  # noqa: E402

THRESHOLD = DEFAULT_ROW_THRESHOLD
LABELS = Path(__file__).with_name("hygiene-labels.json")


def _outputs(corpus: Path) -> tuple[list[tuple[str, Any]], int, int]:
    items: list[tuple[str, Any]] = []
    notebooks = size = 0
    for path in sorted(corpus.rglob("*.ipynb")):
        raw = path.read_bytes()
        try:
            document = json.loads(raw)
        except ValueError:
            continue
        notebooks += 1
        size += len(raw)
        rel = path.relative_to(corpus).as_posix()
        for ci, cell in enumerate(document.get("cells", []), 1):
            for oi, out in enumerate(cell.get("outputs") or [], 1):
                if out.get("output_type") in ("execute_result", "display_data", "stream"):
                    items.append((f"{rel}#{ci}.{oi}", out))
    return items, notebooks, size


def _could_be_table(out: dict[str, Any]) -> bool:
    data = out.get("data") or {}
    text = "".join(out.get("text", "")) if out.get("output_type") == "stream" else ""
    text = text or "".join(data.get("text/plain", ""))
    return "<table" in "".join(data.get("text/html", "")) or text.count("\n") >= 6


def _fires(out: dict[str, Any]) -> bool:
    table = outputs.output_table(out)
    return table is not None and table.rows > THRESHOLD


def main(corpus: Path) -> int:
    labels = json.loads(LABELS.read_text())
    items, notebooks, size = _outputs(corpus)
    started = time.perf_counter()
    for path in sorted(corpus.rglob("*.ipynb")):
        outputs.notebook_tables(path.read_bytes())
    elapsed = time.perf_counter() - started
    fired = [(k, o) for k, o in items if _fires(o)]
    candidates = [(k, o) for k, o in items if _could_be_table(o)]
    precision_sample = random.Random(13).sample(fired, min(50, len(fired)))
    recall_sample = random.Random(7).sample(candidates, min(70, len(candidates)))

    def truth(key: str, fires: bool) -> bool:
        return not fires if key in labels["differs"] else fires

    tp = sum(truth(k, True) for k, _ in precision_sample)
    print(f"corpus: {notebooks} notebooks, {size / 1e6:.1f} MB, {len(items)} outputs")
    print(f"data check over every notebook: {elapsed:.2f} s ({size / 1e6 / elapsed:.1f} MB/s)")
    print(f"notebook-query-output fired on {len(fired)} outputs")
    print(f"precision sample: {tp}/{len(precision_sample)} = {tp / len(precision_sample):.2f}")
    judged = [(truth(k, _fires(o)), _fires(o)) for k, o in recall_sample]
    positives = sum(1 for t, _ in judged if t)
    found = sum(1 for t, f in judged if t and f)
    false_alarms = sum(1 for t, f in judged if f and not t)
    print(
        f"recall sample: {found}/{positives} positives found = {found / max(positives, 1):.2f}; "
        f"{false_alarms} false alarms among {len(judged) - positives} negatives"
    )
    pii_hits = 0
    tables = 0
    for _, out in items:
        table = outputs.output_table(out)
        if table is not None:
            tables += 1
            tally = personal_data.tally(table.text)
            if tally is not None:
                pii_hits += 1
                print("  personal-data in an output:", tally.summary())
    files = 0
    for path in sorted(corpus.rglob("*")):
        rel = path.relative_to(corpus).as_posix()
        if path.is_file() and outputs.is_data_file(rel) and path.stat().st_size <= 10 << 20:
            text = outputs.data_file_text(rel, path.read_bytes())
            if text is not None:
                files += 1
                tally = personal_data.tally(text)
                if tally is not None:
                    pii_hits += 1
                    print(f"  personal-data in {rel}: {tally.summary()}")
    print(f"personal-data: {pii_hits} findings over {tables} table outputs and {files} data files")
    plain, with_data = _scan_cost(corpus)
    print(
        f"hex-guard scan: {plain:.2f} s; with --data: {with_data:.2f} s "
        f"(x{with_data / plain:.2f}, median of 3, same run)"
    )
    return 0


def _scan_cost(corpus: Path) -> tuple[float, float]:
    """The data check's cost inside a real scan: `hex-guard scan` with and without --data."""
    import statistics
    import subprocess

    def once(*extra: str) -> float:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "hex_guard", "scan", "-q", *extra, "."],
            cwd=corpus,
            stdout=subprocess.DEVNULL,
            check=False,
        )
        return time.perf_counter() - started

    plain = statistics.median(once() for _ in range(3))
    with_data = statistics.median(once("--data") for _ in range(3))
    return plain, with_data


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "/work/corpus-nb")))
