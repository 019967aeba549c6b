"""Notebooks with large image outputs must cost no more per byte than plain text.

Writes N notebooks (code cells plus a ~1 MB base64 PNG output each) and a directory of plain
source files of the same total size, then times `hex-guard scan` on both in the same run.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import shutil
import tempfile

from _common import hyperfine, table

CODE = [
    "import pandas as pd\n",
    "df = pd.read_sql('select * from orders', engine)\n",
    "df.groupby('region').sum().plot(kind='bar')\n",
]


def notebook(rng: random.Random, image_bytes: int) -> str:
    image = base64.b64encode(rng.randbytes(image_bytes)).decode()
    cells = [
        {
            "cell_type": "code",
            "execution_count": i,
            "metadata": {},
            "source": CODE,
            "outputs": [
                {
                    "output_type": "display_data",
                    "metadata": {},
                    "data": {"image/png": image, "text/plain": ["<Figure>"]},
                }
            ],
        }
        for i in range(2)
    ]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def write_corpus(root: str, count: int, image_bytes: int) -> tuple[str, str, int]:
    rng = random.Random(7)
    books, plain = os.path.join(root, "notebooks"), os.path.join(root, "plain")
    os.makedirs(books)
    os.makedirs(plain)
    total = 0
    for i in range(count):
        text = notebook(rng, image_bytes)
        total += len(text)
        with open(os.path.join(books, f"n{i}.ipynb"), "w") as handle:
            handle.write(text)
        lines = [f"value_{j} = compute({j}, 'region', {rng.random():.6f})\n" for j in range(200)]
        chunk = "".join(lines)
        with open(os.path.join(plain, f"p{i}.py"), "w") as handle:
            handle.write(chunk * (len(text) // len(chunk) + 1))
    return books, plain, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--image-kib", type=int, default=768)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--hex-guard", default=shutil.which("hex-guard") or "hex-guard")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root:
        books, plain, total = write_corpus(root, args.count, args.image_kib * 1024)
        commands = {
            "notebooks": f"{args.hex_guard} scan -q --format json -o /dev/null {books}",
            "plain text": f"{args.hex_guard} scan -q --format json -o /dev/null {plain}",
        }
        means = hyperfine(commands, args.runs)
    rows = [("input", "mean s", "MB/s")]
    for name, mean in means.items():
        rows.append((name, f"{mean:.3f}", f"{total / mean / 1e6:.0f}"))
    print(f"{args.count} notebooks, {total / 1e6:.0f} MB; plain text of the same size")
    print(table(rows))
    print(f"notebook cost per byte / plain text: {means['notebooks'] / means['plain text']:.2f}")


if __name__ == "__main__":
    main()
