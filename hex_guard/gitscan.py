"""Git sources for the same engine: the staged index, commit ranges (CI and pre-push), and the
plain git hook that runs `scan --staged`.

Every range is checked before it is scanned: an unknown revision or a base missing from a
shallow clone exits 2 with what to do. A scan that covers nothing must never look like a clean
pass (gitleaks-action#31).
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Sequence

from hex_guard import git
from hex_guard.config import Config, PathMatcher
from hex_guard.diffparse import PatchStats, added_blocks
from hex_guard.errors import GitError, HexGuardError
from hex_guard.records import Finding, Fragment, GitProvenance, Skip, SkipReason
from hex_guard.scan import Pipeline, ScanResult, Stats, scan_fragment, unused_entries
from hex_guard.sources import fragment_from_bytes

_ZERO = "0" * 40
_SHALLOW_HINT = (
    "the clone is shallow and lacks it; fetch full history "
    "(actions/checkout: fetch-depth: 0, GitLab: GIT_DEPTH: 0, or git fetch --unshallow)"
)


def _display(root: str, repo_path: str, cwd: str) -> str:
    return os.path.relpath(os.path.join(root, repo_path), cwd).replace(os.sep, "/")


def _result(
    findings: list[Finding], stats: Stats, pipeline: Pipeline, excluder: PathMatcher, started: float
) -> ScanResult:
    stats.duration_s = time.perf_counter() - started
    ordered = tuple(sorted(findings, key=lambda f: f.sort_key))
    return ScanResult(ordered, stats, tuple(unused_entries(pipeline, excluder, stats)))


# --- staged index ------------------------------------------------------------------------------


def scan_staged(config: Config, cwd: str) -> ScanResult:
    """Scan the staged blob of every path whose index entry differs from HEAD.

    The index is read through git, so GIT_INDEX_FILE (set by `git commit <path>`) is honoured.
    """
    started = time.perf_counter()
    root = git.require_root(cwd)
    pipeline = Pipeline.build(config, large=False)
    excluder = config.excluder()
    entries = git.index_entries(root)
    stats = Stats()
    wanted: list[tuple[str, str]] = []
    for path in git.staged_paths(root):
        mode, sha = entries.get(path, ("", ""))
        if excluder.matches(os.path.join(root, path)):
            stats.excluded += 1
        elif mode in ("100644", "100755"):
            wanted.append((path, sha))
        elif mode:
            kind = SkipReason.SYMLINK if mode == "120000" else SkipReason.SUBMODULE
            stats.skipped.append(Skip(_display(root, path, cwd), kind))
    findings: list[Finding] = []
    with git.read_blobs([sha for _, sha in wanted], root, config.max_file_size) as blobs:
        for (path, _), (_, _, data) in zip(wanted, blobs):
            display = _display(root, path, cwd)
            loaded = (
                Skip(display, SkipReason.TOO_LARGE, config.max_file_size)
                if data is None
                else fragment_from_bytes(path, display, data, config.max_file_size)
            )
            if isinstance(loaded, Skip):
                stats.skipped.append(loaded)
            else:
                findings.extend(scan_fragment(pipeline, loaded, os.path.join(root, path), stats))
    return _result(findings, stats, pipeline, excluder, started)


# --- commit ranges ------------------------------------------------------------------------------


def _require(rev: str, root: str) -> str:
    if rev.startswith("-"):
        raise HexGuardError(f"invalid revision {rev!r}")
    sha = git.resolve_commit(rev, root)
    if sha is None:
        hint = _SHALLOW_HINT if git.is_shallow(root) else "check the name, or fetch it first"
        raise GitError(f"unknown revision {rev!r}: {hint}")
    return sha


def range_args(spec: str, root: str) -> list[str]:
    """`git log` arguments for BASE..HEAD or BASE...HEAD, every end checked first."""
    if "..." in spec:
        base, head = spec.split("...", 1)
        base_sha, head_sha = _require(base or "HEAD", root), _require(head or "HEAD", root)
        merge_base = git.merge_base(base_sha, head_sha, root)
        if merge_base is None:
            hint = _SHALLOW_HINT if git.is_shallow(root) else "the two have no common history"
            raise GitError(f"no merge base for {spec!r}: {hint}")
        return [f"{merge_base}..{head_sha}"]
    if ".." in spec:
        base, head = spec.split("..", 1)
        return [f"{_require(base or 'HEAD', root)}..{_require(head or 'HEAD', root)}"]
    return [_require(spec, root)]


def pre_push_args(root: str) -> list[str] | None:
    """The range pre-commit's pre-push stage describes; None when the push deletes a branch."""
    to_ref = os.environ.get("PRE_COMMIT_TO_REF", "")
    from_ref = os.environ.get("PRE_COMMIT_FROM_REF", "")
    if not to_ref:
        raise HexGuardError("--pre-push needs PRE_COMMIT_TO_REF (run it as a pre-push hook)")
    if to_ref == _ZERO:
        return None
    head = _require(to_ref, root)
    if not from_ref or from_ref == _ZERO:
        # A new branch: every commit no remote has yet.
        return [head, "--not", "--remotes"]
    return [f"{_require(from_ref, root)}..{head}"]


def scan_commits(rev_args: Sequence[str], config: Config, cwd: str) -> ScanResult:
    """Scan the lines each commit in the range added, oldest first; one finding per secret,
    attributed to the commit that first added it."""
    started = time.perf_counter()
    root = git.require_root(cwd)
    pipeline = Pipeline.build(config)
    excluder = config.excluder()
    stats = Stats()
    patch_stats = PatchStats()
    first: dict[str, Finding] = {}
    with git.log_patches(rev_args, root) as patches:
        for block in added_blocks(patches, patch_stats):
            fs_path = os.path.join(root, block.path)
            if excluder.matches(fs_path):
                continue
            fragment = Fragment(
                block.path, _display(root, block.path, cwd), block.data, first_line=block.first_line
            )
            commit = block.commit
            for finding in scan_fragment(pipeline, fragment, fs_path, stats):
                if finding.fingerprint not in first:
                    provenance = GitProvenance(commit.sha, commit.author, commit.date)
                    first[finding.fingerprint] = dataclasses.replace(finding, git=provenance)
    for _, description in patch_stats.binary:
        stats.skipped.append(Skip(description, SkipReason.BINARY))
    return _result(list(first.values()), stats, pipeline, excluder, started)


# --- plain git hook ------------------------------------------------------------------------------

HOOK_MARKER = "# installed by hex-guard: hex-guard uninstall-hook removes it"


def hook_script(python: str) -> str:
    return (
        "#!/bin/sh\n"
        f"{HOOK_MARKER}\n"
        "# Scans the staged content (not the working tree) of every changed file.\n"
        f'exec "{python}" -m hex_guard scan --staged\n'
    )


def install_hook(cwd: str, python: str, force: bool) -> str:
    hooks = git.git_dir_hooks(cwd)
    path = os.path.join(hooks, "pre-commit")
    if os.path.exists(path) and not force:
        with open(path, encoding="utf-8", errors="replace") as handle:
            if HOOK_MARKER not in handle.read():
                raise HexGuardError(
                    f"{path} exists and is not hex-guard's; use --force to replace it"
                )
    os.makedirs(hooks, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(hook_script(python))
    os.chmod(path, 0o755)
    return path


def uninstall_hook(cwd: str) -> str | None:
    path = os.path.join(git.git_dir_hooks(cwd), "pre-commit")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8", errors="replace") as handle:
        if HOOK_MARKER not in handle.read():
            raise HexGuardError(f"{path} is not hex-guard's hook; left in place")
    os.remove(path)
    return path
