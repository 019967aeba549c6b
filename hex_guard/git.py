"""Every git call hex-guard makes goes through this module.

Output is always NUL-separated (`-z`), so paths with spaces, newlines or non-ASCII bytes survive.
The environment is passed through untouched: inside `git commit <path>` git points
GIT_INDEX_FILE at a temporary index, and stripping it would scan the wrong content.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, NamedTuple

from hex_guard.errors import GitError

if TYPE_CHECKING:
    import subprocess

_BASE = ("git", "-c", "core.quotePath=false")


# repo_root's answers, for every directory it looked at on the way up.
_ROOTS: dict[str, str | None] = {}


def repo_root(directory: str) -> str | None:
    """The work tree holding `directory`: the nearest enclosing directory with a `.git` (a
    directory, or a file for worktrees and submodules); None outside git.

    The one repository discovery in hex-guard. It runs no git process, so a hook run over a
    few named files pays nothing for it.
    """
    current = os.path.abspath(directory)
    walked: list[str] = []
    found: str | None = None
    # A loop, not recursion: a tree thousands of levels deep is looked up (red team 12). Each
    # directory is cached: a tree walk asks for every one, and each costs one lstat.
    while current not in _ROOTS:
        walked.append(current)
        if os.path.lexists(os.path.join(current, ".git")):
            found = current
            break
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    else:
        found = _ROOTS[current]
    for seen in walked:
        _ROOTS[seen] = found
    return found


def require_root(cwd: str) -> str:
    """`repo_root(cwd)`, or GitError when there is no repository to scan."""
    root = repo_root(cwd)
    if root is None:
        raise GitError(f"not inside a git repository: {cwd}")
    return root


def history_root(cwd: str) -> str:
    """Where history is read: `require_root(cwd)`, or the git directory of a bare repository
    (a mirror), which has no `.git` to find. Asked of git first, so a bare repository stored
    inside some work tree is read, not that work tree."""
    out = run(["rev-parse", "--is-bare-repository", "--absolute-git-dir"], cwd)
    bare, git_dir = out[:-1].split(b"\n", 1)  # the directory may hold spaces: split once
    return os.fsdecode(git_dir) if bare == b"true" else require_root(cwd)


def _completed(
    args: Sequence[str], cwd: str, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    import subprocess  # not at import time: it costs a hook run that never calls git ~7 ms

    try:
        return subprocess.run(
            [*_BASE, *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError as exc:
        raise GitError("git is not installed or not on PATH") from exc
    except OSError as exc:  # a directory it cannot enter (mode 000): the caller walks it
        raise GitError(f"cannot run git in {cwd}: {exc.strerror}") from exc


def _first_error(stderr: bytes, returncode: int) -> str:
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[0] if lines else f"exit code {returncode}"


def run(args: Sequence[str], cwd: str) -> bytes:
    """Run git and return stdout; a failure raises GitError with git's own first error line.

    stdout is never put into a message: for commands such as `git show` it is file content.
    """
    proc = _completed(args, cwd)
    if proc.returncode != 0:
        raise GitError(
            f"git {args[0]} failed in {cwd}: {_first_error(proc.stderr, proc.returncode)}"
        )
    return proc.stdout


def split_z(output: bytes) -> list[str]:
    return [os.fsdecode(p) for p in output.split(b"\0") if p]


class Listing(NamedTuple):
    """What `list_files` found under a directory."""

    # Relative to the directory listed.
    files: list[str]
    # Directories git could not open (unreadable, a path too long), relative to the work
    # tree's top, each with git's reason: nothing below them is listed.
    unopened: list[tuple[str, str]]


# git says so on stderr and goes on, exit code 0 (dir.c, open_cached_dir); read in the C locale.
_UNOPENED = b"warning: could not open directory '"


def list_files(directory: str) -> Listing:
    """Files git tracks under `directory` plus untracked ones it does not ignore, and the
    directories it could not open (red team 3 and 12: they were left out silently).

    Paths are relative to `directory`. Tracked files missing on disk are listed too: the caller
    names them as not scanned.
    """
    args = ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]
    proc = _completed(args, directory, {**os.environ, "LC_ALL": "C"})
    if proc.returncode != 0:
        raise GitError(
            f"git ls-files failed in {directory}: {_first_error(proc.stderr, proc.returncode)}"
        )
    unopened = [_unopened(line, directory) for line in proc.stderr.split(b"\n")]
    found = [pair for pair in unopened if pair is not None]
    return Listing(sorted(set(split_z(proc.stdout))), found)


def _unopened(line: bytes, directory: str) -> tuple[str, str] | None:
    """The directory and reason of a "could not open directory" warning; GitError when the
    warning does not name it whole: git cuts its messages at 4 KiB (a path thousands of levels
    deep), and a newline in the name splits the line. The caller then walks the directory."""
    if not line.startswith(_UNOPENED):
        return None
    path, quoted, reason = line[len(_UNOPENED) :].rpartition(b"': ")
    if not quoted:
        raise GitError(f"git ls-files could not open a directory it cannot name in {directory}")
    return os.fsdecode(path.rstrip(b"/")), reason.decode("utf-8", "replace")


def is_ignored(directory: str) -> bool:
    """Whether git ignores `directory` itself (a named directory git would list nothing in)."""
    return _completed(["check-ignore", "-q", "."], directory).returncode == 0


def git_dir_hooks(cwd: str) -> str:
    """The hooks directory git uses (respects core.hooksPath)."""
    out = run(["rev-parse", "--path-format=absolute", "--git-path", "hooks"], cwd)
    return os.fsdecode(out.strip())


def is_shallow(cwd: str) -> bool:
    return run(["rev-parse", "--is-shallow-repository"], cwd).strip() == b"true"


def count_commits(rev_args: Sequence[str], cwd: str) -> int:
    """How many commits `git log rev_args` would walk (to judge whether a history is large)."""
    return int(run(["rev-list", "--count", *rev_args], cwd).strip() or b"0")


def resolve_commit(rev: str, cwd: str) -> str | None:
    """Full commit id of `rev`, or None when it does not name a commit here."""
    proc = _completed(
        ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], cwd
    )
    return proc.stdout.decode().strip() if proc.returncode == 0 else None


def merge_base(a: str, b: str, cwd: str) -> str | None:
    proc = _completed(["merge-base", a, b], cwd)
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


def tree_entries(rev: str, cwd: str) -> dict[str, tuple[str, str]]:
    """path -> (mode, blob id) for every blob in commit `rev`'s tree ({} when it has none)."""
    proc = _completed(["ls-tree", "-r", "-z", "--full-tree", rev], cwd)
    if proc.returncode != 0:
        return {}
    entries = {}
    for record in proc.stdout.split(b"\0"):
        meta, _, path = record.partition(b"\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == b"blob":
            entries[path.decode("utf-8", "surrogateescape")] = (
                parts[0].decode(),
                parts[2].decode(),
            )
    return entries


def head_blobs(cwd: str) -> set[str]:
    proc = _completed(["ls-tree", "-r", "-z", "HEAD"], cwd)
    if proc.returncode != 0:  # no HEAD yet
        return set()
    return {r.split()[2].decode() for r in proc.stdout.split(b"\0") if r.count(b" ") >= 2}


def _popen(args: Sequence[str], cwd: str, stdin: bool = False) -> subprocess.Popen[bytes]:
    import subprocess

    try:
        return subprocess.Popen(
            [*_BASE, *args],
            cwd=cwd,
            stdin=subprocess.PIPE if stdin else None,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except FileNotFoundError as exc:
        raise GitError("git is not installed or not on PATH") from exc
    except OSError as exc:  # a directory it cannot enter (mode 000): the caller walks it
        raise GitError(f"cannot run git in {cwd}: {exc.strerror}") from exc


def _reap(proc: subprocess.Popen[bytes], what: str, failed: bool) -> None:
    """Wait for a streaming git process and close its pipes. Its failure is an error, never a
    short scan; when the reader itself failed the process is killed, not waited on."""
    assert proc.stdout is not None and proc.stderr is not None
    try:
        if failed:
            proc.kill()
        else:
            # Whatever the reader left unread, so git can finish writing and exit.
            while proc.stdout.read(1 << 20):
                pass
        err = proc.stderr.read()
        code = proc.wait()
    finally:
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            if pipe is not None:
                # Closing stdin flushes ids the writer left buffered into a git that is gone
                # (killed, or dead of the very error being raised): that must not mask it.
                with contextlib.suppress(BrokenPipeError):
                    pipe.close()
    if not failed and code != 0:
        raise GitError(f"git {what} failed: {_first_error(err, code)}")


@contextmanager
def _streaming(args: Sequence[str], cwd: str, what: str) -> Iterator[IO[bytes]]:
    """git's stdout to read; leaving the block always reaps the process and checks it."""
    proc = _popen(args, cwd)
    assert proc.stdout is not None
    failed = True
    try:
        yield proc.stdout
        failed = False
    finally:
        _reap(proc, what, failed=failed)


LOG_COMMIT_FORMAT = "--format=%x00%H%x00%an <%ae>%x00%aI"


def log_patches(rev_args: Sequence[str], cwd: str) -> contextlib.AbstractContextManager[IO[bytes]]:
    """Patches of the added lines of every commit in the range, oldest first.

    A merge is diffed against its first parent: `git log -p` shows no patch for merges by
    default, so an evil merge or a conflict resolution would add a secret unseen (the same
    first-parent rule `history` uses). `--text` keeps `.gitattributes` (`-diff`, `binary`) from
    turning a file's patch into "Binary files differ"; real binaries are recognised by their
    content downstream and named as skipped.
    """
    return _streaming(
        [
            "log",
            "--reverse",
            "-p",
            "-U0",
            "--diff-merges=first-parent",
            "--text",
            "--no-ext-diff",
            "--no-textconv",
            "--no-color",
            "--no-renames",
            LOG_COMMIT_FORMAT,
            *rev_args,
        ],
        cwd,
        "log",
    )


def log_raw(rev_args: Sequence[str], cwd: str) -> contextlib.AbstractContextManager[IO[bytes]]:
    """Every blob each commit introduces (no content: tree diffs only), children first.

    --root shows a root commit's files as added; first-parent diffs attribute merge
    resolutions to the merge commit. --topo-order makes "the oldest introduction" follow
    ancestry rather than commit dates, which tie within a second and lie after rebases.
    """
    return _streaming(
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
        "log",
    )


class BlobContent:
    """One blob's content as `git cat-file --batch` writes it, read in pieces: a blob is never
    held whole, however large `--max-file-size` allows (issue 10 item 16).

    Valid until the reader moves to the next blob, which first drains what was left unread.
    """

    def __init__(self, out: IO[bytes], size: int) -> None:
        self._out = out
        self.size = size
        self._left = size

    def read(self, n: int) -> bytes:
        """Up to `n` bytes; fewer only at the blob's end. cat-file ending early is a GitError,
        never a short blob scanned as if whole."""
        n = min(n, self._left)
        data = self._out.read(n) if n > 0 else b""
        if len(data) < n:
            raise GitError("git cat-file ended in the middle of an object")
        self._left -= n
        return data

    def read_all(self) -> bytes:
        return self.read(self._left)

    def drain(self) -> None:
        while self._left:
            self.read(1 << 20)
        if self._out.read(1) != b"\n":
            raise GitError("git cat-file ended in the middle of an object")


Blob = tuple[str, int, "BlobContent | None"]


@contextmanager
def stream_blobs(shas: Sequence[str], cwd: str, max_size: int) -> Iterator[Iterator[Blob]]:
    """(id, size, content) for each blob, in order, through one `git cat-file --batch`.

    Use it as `with stream_blobs(...) as blobs:`. Content is a `BlobContent` to read in pieces,
    None for a blob over `max_size` (drained, never held). A writer thread feeds the ids so
    neither pipe can fill up and deadlock. Leaving the block reaps cat-file and checks its exit
    status, however much was read: a missing object or a failing cat-file raises GitError.
    """
    import threading

    proc = _popen(["cat-file", "--batch", "--buffer"], cwd, stdin=True)
    assert proc.stdin is not None and proc.stdout is not None
    stdin = proc.stdin

    def feed() -> None:
        try:
            for sha in shas:
                stdin.write(sha.encode() + b"\n")
            stdin.close()
        except (BrokenPipeError, ValueError):  # git died (the reaper reports why) or was killed
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    failed = True
    try:
        yield _blobs(proc, len(shas), max_size)
        failed = False
    finally:
        # Reap first: draining (or killing) cat-file is what lets a blocked writer finish.
        try:
            _reap(proc, "cat-file", failed=failed)
        finally:
            writer.join()


def _blobs(proc: subprocess.Popen[bytes], count: int, max_size: int) -> Iterator[Blob]:
    out = proc.stdout
    assert out is not None
    for _ in range(count):
        header = out.readline().split()
        if not header:
            # cat-file stopped answering: wait for it, so its own error is what we report.
            code = proc.wait()
            err = proc.stderr.read() if proc.stderr is not None else b""
            raise GitError(f"git cat-file failed: {_first_error(err, code)}")
        if len(header) < 3 or header[1] == b"missing":
            raise GitError(f"git cat-file: object {header[0].decode()} is missing")
        size = int(header[2])
        content = BlobContent(out, size)
        if size > max_size:
            content.drain()
            yield header[0].decode(), size, None
            continue
        yield header[0].decode(), size, content
        # The consumer moved on: whatever it left unread goes, so the next header is next.
        content.drain()


# --- mirrors for fleet scans ---------------------------------------------------------------------

# An unattended run over many URLs must fail on a repository that wants a password, never wait
# at a prompt (GIT_TERMINAL_PROMPT=0); and a URL list must not be able to run commands through
# the ext:: transport, whatever the user's own git config allows (git-config(1), protocol.allow).
_REMOTE_OPTIONS = ("-c", "protocol.ext.allow=never")


def _run_remote(args: Sequence[str], cwd: str) -> None:
    proc = _completed(
        [*_REMOTE_OPTIONS, *args], cwd, env={**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    )
    if proc.returncode != 0:
        raise GitError(f"git {args[0]} failed: {_first_error(proc.stderr, proc.returncode)}")


def clone_mirror(url: str, dest: str) -> None:
    """A bare mirror of every ref of `url` at `dest`, with every object (no partial-clone
    filter), so history is read without going back to the network."""
    _run_remote(
        ["clone", "--mirror", "--quiet", "--no-filter", "--", url, dest],
        os.path.dirname(dest) or ".",
    )


def fetch_mirror(git_dir: str) -> None:
    """Bring a mirror up to date; refs deleted upstream go too (their blobs stay scanned)."""
    _run_remote(["fetch", "--prune", "--quiet", "--no-filter", "origin"], git_dir)


def ref_tips(git_dir: str) -> bytes:
    """Every ref with the object it names, and HEAD's commit: the same bytes, the same history."""
    refs = run(["for-each-ref", "--format=%(objectname) %(refname)"], git_dir)
    return refs + (resolve_commit("HEAD", git_dir) or "").encode()
