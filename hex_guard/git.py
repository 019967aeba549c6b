"""Every git call hex-guard makes goes through this module.

Output is always NUL-separated (`-z`), so paths with spaces, newlines or non-ASCII bytes survive.
The environment is passed through untouched: inside `git commit <path>` git points
GIT_INDEX_FILE at a temporary index, and stripping it would scan the wrong content.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Sequence

from hex_guard.errors import GitError

_BASE = ("git", "-c", "core.quotePath=false")


def run(args: Sequence[str], cwd: str) -> bytes:
    """Run git and return stdout; a failure raises GitError with git's own first error line.

    stdout is never put into a message: for commands such as `git show` it is file content.
    """
    try:
        proc = subprocess.run([*_BASE, *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise GitError("git is not installed or not on PATH") from exc
    if proc.returncode != 0:
        reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = reason[0] if reason else f"exit code {proc.returncode}"
        raise GitError(f"git {args[0]} failed in {cwd}: {detail}")
    return proc.stdout


def split_z(output: bytes) -> list[str]:
    return [os.fsdecode(p) for p in output.split(b"\0") if p]


def list_files(directory: str) -> list[str]:
    """Files git tracks under `directory` plus untracked ones it does not ignore.

    Paths are relative to `directory`. Deleted-but-tracked files are dropped by the caller when
    they are missing on disk.
    """
    out = run(["ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=directory)
    return sorted(set(split_z(out)))


def git_dir_hooks(cwd: str) -> str:
    """The hooks directory git uses (respects core.hooksPath)."""
    out = run(["rev-parse", "--path-format=absolute", "--git-path", "hooks"], cwd)
    return os.fsdecode(out.strip())


def toplevel(cwd: str) -> str:
    out = run(["rev-parse", "--show-toplevel"], cwd)
    return os.fsdecode(out.strip())


def is_shallow(cwd: str) -> bool:
    return run(["rev-parse", "--is-shallow-repository"], cwd).strip() == b"true"


def resolve_commit(rev: str, cwd: str) -> str | None:
    """Full commit id of `rev`, or None when it does not name a commit here."""
    proc = subprocess.run(
        [*_BASE, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
        cwd=cwd,
        capture_output=True,
        check=False,
    )
    return proc.stdout.decode().strip() if proc.returncode == 0 else None


def merge_base(a: str, b: str, cwd: str) -> str | None:
    proc = subprocess.run([*_BASE, "merge-base", a, b], cwd=cwd, capture_output=True, check=False)
    return proc.stdout.decode().strip() if proc.returncode == 0 else None


def staged_paths(cwd: str) -> list[str]:
    """Paths whose staged content differs from HEAD (added, copied, modified, renamed)."""
    out = run(
        [
            "diff",
            "--cached",
            "--name-only",
            "-z",
            "--no-renames",
            "--diff-filter=d",
            "--no-ext-diff",
            "--no-textconv",
        ],
        cwd,
    )
    return split_z(out)


def index_entries(cwd: str) -> dict[str, tuple[str, str]]:
    """path -> (mode, blob id) for stage-0 index entries."""
    out = run(["ls-files", "-s", "-z", "--full-name"], cwd)
    entries = {}
    for record in split_z(out):
        meta, path = record.split("\t", 1)
        mode, sha, stage = meta.split()
        if stage == "0":
            entries[path] = (mode, sha)
    return entries


def head_blobs(cwd: str) -> set[str]:
    proc = subprocess.run(
        [*_BASE, "ls-tree", "-r", "-z", "HEAD"], cwd=cwd, capture_output=True, check=False
    )
    if proc.returncode != 0:  # no HEAD yet
        return set()
    return {r.split()[2].decode() for r in proc.stdout.split(b"\0") if r.count(b" ") >= 2}


def popen(args: Sequence[str], cwd: str, stdin: int | None = None) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(
            [*_BASE, *args], cwd=cwd, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
    except FileNotFoundError as exc:
        raise GitError("git is not installed or not on PATH") from exc


def finish(proc: subprocess.Popen[bytes], what: str) -> None:
    """Wait for a streaming git process; its failure is an error, never a short scan."""
    assert proc.stderr is not None
    err = proc.stderr.read()
    if proc.wait() != 0:
        lines = err.decode("utf-8", "replace").strip().splitlines()
        raise GitError(
            f"git {what} failed: {lines[0] if lines else f'exit code {proc.returncode}'}"
        )


LOG_COMMIT_FORMAT = "--format=%x00%H%x00%an <%ae>%x00%aI"


def log_patches(rev_args: Sequence[str], cwd: str) -> subprocess.Popen[bytes]:
    """Patches of the added lines of every commit in the range, oldest first."""
    return popen(
        [
            "log",
            "--reverse",
            "-p",
            "-U0",
            "--no-ext-diff",
            "--no-textconv",
            "--no-color",
            "--no-renames",
            LOG_COMMIT_FORMAT,
            *rev_args,
        ],
        cwd,
    )


def log_raw(rev_args: Sequence[str], cwd: str) -> subprocess.Popen[bytes]:
    """Every blob each commit introduces (no content: tree diffs only), children first.

    --root shows a root commit's files as added; first-parent diffs attribute merge
    resolutions to the merge commit. --topo-order makes "the oldest introduction" follow
    ancestry rather than commit dates, which tie within a second and lie after rebases.
    """
    return popen(
        [
            "log",
            "--raw",
            "--root",
            "-z",
            "--no-renames",
            "--no-abbrev",
            "--no-ext-diff",
            "--topo-order",
            "--diff-merges=first-parent",
            LOG_COMMIT_FORMAT,
            *rev_args,
        ],
        cwd,
    )


def cat_file_batch(cwd: str) -> subprocess.Popen[bytes]:
    return popen(["cat-file", "--batch", "--buffer"], cwd, stdin=subprocess.PIPE)


def read_blobs(
    shas: Sequence[str], cwd: str, max_size: int
) -> Iterator[tuple[str, int, bytes | None]]:
    """(id, size, content) for each blob, in order, through one `cat-file --batch`.

    Content is None for a blob over `max_size` (read and dropped, never held whole). A writer
    thread feeds the ids so neither pipe can fill up and deadlock.
    """
    import threading

    proc = cat_file_batch(cwd)
    assert proc.stdin is not None and proc.stdout is not None
    stdin = proc.stdin

    def feed() -> None:
        try:
            for sha in shas:
                stdin.write(sha.encode() + b"\n")
            stdin.close()
        except BrokenPipeError:  # git died; finish() reports why
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    out = proc.stdout
    for _ in shas:
        header = out.readline().split()
        if len(header) < 2 or header[1] == b"missing":
            raise GitError(
                f"git cat-file: object {header[0].decode() if header else '?'} is missing"
            )
        size = int(header[2])
        if size > max_size:
            remaining = size + 1
            while remaining:
                remaining -= len(out.read(min(remaining, 1 << 20)))
            yield header[0].decode(), size, None
            continue
        data = out.read(size)
        out.read(1)
        yield header[0].decode(), size, data
    writer.join()
    finish(proc, "cat-file")
