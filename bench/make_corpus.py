"""Write the HEAD trees of git repositories into one directory, for the throughput benchmark."""

from __future__ import annotations

import argparse
import os
import subprocess


def blobs(git_dir: str) -> list[tuple[bytes, bytes]]:
    listing = subprocess.run(
        ["git", "--git-dir", git_dir, "ls-tree", "-r", "-z", "HEAD"],
        capture_output=True,
        check=True,
    ).stdout
    out = []
    for record in filter(None, listing.split(b"\0")):
        meta, path = record.split(b"\t", 1)
        mode, kind, sha = meta.split()
        if kind == b"blob" and mode in (b"100644", b"100755"):
            out.append((sha, path))
    return out


def extract(git_dir: str, dest: str) -> tuple[int, int]:
    entries = blobs(git_dir)
    proc = subprocess.Popen(
        ["git", "--git-dir", git_dir, "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None
    missing = 0
    for sha, path in entries:
        proc.stdin.write(sha + b"\n")
        proc.stdin.flush()
        header = proc.stdout.readline().split()
        if header[-1] == b"missing":  # partial snapshots leave out their largest files
            missing += 1
            continue
        data = proc.stdout.read(int(header[2]))
        proc.stdout.read(1)
        target = os.path.join(os.fsencode(dest), path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(data)
    proc.stdin.close()
    proc.wait()
    return len(entries) - missing, missing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True)
    parser.add_argument("git_dirs", nargs="+")
    args = parser.parse_args()
    for git_dir in args.git_dirs:
        name = os.path.basename(os.path.dirname(os.path.abspath(git_dir))) or "repo"
        written, missing = extract(git_dir, os.path.join(args.out, name))
        print(f"{git_dir}: {written} files written, {missing} missing")


if __name__ == "__main__":
    main()
