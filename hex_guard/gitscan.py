"""Git sources for the same engine: the staged index and commit ranges (CI and pre-push).

Every range is checked before it is scanned: an unknown revision or a base missing from a
shallow clone exits 2 with what to do. A scan that covers nothing must never look like a clean
pass (gitleaks-action#31).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator, Sequence

from hex_guard import git
from hex_guard.diffparse import AddedBlock, PatchStats, added_blocks
from hex_guard.errors import GitError, HexGuardError
from hex_guard.hygiene import context as hygiene_context
from hex_guard.hygiene.steps import ReuseView
from hex_guard.records import (
    Finding,
    Found,
    Fragment,
    GitProvenance,
    Outcome,
    Plan,
    Skip,
    SkipReason,
    Unit,
)
from hex_guard.scan import Pipeline, Scope, Stats, scan_fragment
from hex_guard.sources import as_text, read_parts

_ZERO = "0" * 40
_SHALLOW_HINT = (
    "the clone is shallow and lacks it; fetch full history "
    "(actions/checkout: fetch-depth: 0, GitLab: GIT_DEPTH: 0, or git fetch --unshallow)"
)
_FILE_MODES = ("100644", "100755")


def _display(root: str, repo_path: str, cwd: str) -> str:
    return os.path.relpath(os.path.join(root, repo_path), cwd).replace(os.sep, "/")


def _findings(found: list[Found]) -> Outcome:
    return Outcome([finding for _, finding in found])


# --- staged index ------------------------------------------------------------------------------


class StagedIndex:
    """Source: the staged blob of every path whose index entry differs from HEAD
    (`scan --staged`, the plain git hook).

    The index is read through git, so GIT_INDEX_FILE (set by `git commit <path>`) is honoured.
    """

    def __init__(self, cwd: str) -> None:
        self.cwd = cwd
        self.root = git.require_root(cwd)

    def plan(self, scope: Scope) -> Plan:
        root = self.root
        entries = git.index_entries(root)
        wanted: list[tuple[str, str]] = []
        for path in git.staged_paths(root):
            mode, sha = entries.get(path, ("", ""))
            if scope.excluded(os.path.join(root, path)):
                continue
            if mode in _FILE_MODES:
                wanted.append((path, sha))
            elif mode:
                kind = SkipReason.SYMLINK if mode == "120000" else SkipReason.SUBMODULE
                scope.stats.skipped.append(Skip(_display(root, path, self.cwd), kind))
        self.scanned = {path for path, _ in wanted}
        return Plan([wanted] if wanted else [], large=False)

    def read(self, batch: list[tuple[str, str]], max_size: int) -> Iterator[Unit | Skip]:
        root = self.root
        with git.stream_blobs([sha for _, sha in batch], root, max_size) as blobs:
            for (path, _), (_, _, content) in zip(batch, blobs):
                display = _display(root, path, self.cwd)
                if content is None:
                    yield Skip(display, SkipReason.TOO_LARGE, max_size)
                    continue
                for loaded in read_parts(content.read, path, display, max_size):
                    if isinstance(loaded, Skip):
                        yield loaded
                    else:
                        yield Unit(loaded, os.path.join(root, path))

    def finish(self, found: list[Found], scope: Scope) -> Outcome:
        return _findings(found)

    def reuse_view(
        self, found: list[Found], outcome: Outcome, scope: Scope, pipeline: Pipeline
    ) -> ReuseView:
        """The staged findings, with the rest of the index as context: a staged .env.prod
        reusing the committed .env.dev value is this commit's reuse."""
        entries = git.index_entries(self.root)
        return _against_tree(outcome.findings, entries, self.scanned, scope, pipeline, self)


def _against_tree(
    findings: list[Finding],
    entries: dict[str, tuple[str, str]],
    scanned: set[str],
    scope: Scope,
    pipeline: Pipeline,
    source: StagedIndex | CommitRange,
) -> ReuseView:
    """A reuse view of `findings` plus the findings of the tree's other blobs that hold one of
    their values (context only: a group must include one of `findings`)."""
    root, cwd, max_size = source.root, source.cwd, pipeline.max_size

    def read(pairs: list[tuple[str, str]]) -> Iterator[Iterator[Fragment]]:
        # In windows, like every blob: a large blob in the tree is never held whole.
        with git.stream_blobs([sha for _, sha in pairs], root, pipeline.max_size) as blobs:
            for (path, _), (_, _, content) in zip(pairs, blobs):
                if content is not None:
                    parts = read_parts(content.read, path, _display(root, path, cwd), max_size)
                    yield (p for p in parts if isinstance(p, Fragment))

    def scan(fragment: Fragment) -> list[Finding]:
        fs_path = os.path.join(root, fragment.repo_path)
        return scan_fragment(pipeline, fragment, fs_path, Stats())

    context = hygiene_context.context_findings(
        hygiene_context.Tree(entries, read),
        scanned,
        hygiene_context.needles(findings),
        lambda path: scope.matches(os.path.join(root, path)),
        scan,
    )
    ours = {f.fingerprint for f in findings}
    return ReuseView(
        [*findings, *context],
        lambda f: os.path.join(root, f.repo_path),
        involving=lambda f: f.fingerprint in ours,
    )


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


def diff_range_args(spec: str, root: str) -> list[str]:
    """`scan --diff`: a range, or one revision meaning REV...HEAD (what `--diff main` means to
    a user; everything reachable from REV would rescan the whole history)."""
    return range_args(spec if ".." in spec else f"{spec}...HEAD", root)


def pre_push_args(root: str) -> list[str] | None:
    """The range pre-commit's pre-push stage describes; None when the push deletes a branch."""
    to_ref = os.environ.get("PRE_COMMIT_TO_REF", "")
    from_ref = os.environ.get("PRE_COMMIT_FROM_REF", "")
    if not to_ref:
        return _first_push_args(root)
    if to_ref == _ZERO:
        return None
    head = _require(to_ref, root)
    if not from_ref or from_ref == _ZERO:
        # A new branch: every commit no remote has yet.
        return [head, "--not", "--remotes"]
    return [f"{_require(from_ref, root)}..{head}"]


def _first_push_args(root: str) -> list[str]:
    """When the pushed commits include a root commit, pre-commit sets no FROM/TO refs (it runs
    the hook as for --all-files) but names the local branch: every commit on it that no remote
    has is being pushed."""
    local = os.environ.get("PRE_COMMIT_LOCAL_BRANCH", "")
    if not local and not os.environ.get("PRE_COMMIT_REMOTE_NAME"):
        raise HexGuardError(
            "--pre-push needs PRE_COMMIT_TO_REF or PRE_COMMIT_LOCAL_BRANCH (run it as a "
            "pre-push hook)"
        )
    head = git.resolve_commit(local, root) if local else None
    return [head or _require("HEAD", root), "--not", "--remotes"]


class CommitRange:
    """Source: the lines each commit in a range added, oldest first (`scan --diff`,
    `--pre-push`); one finding per secret, attributed to the commit that first added it.

    `rev_args` are `git log` arguments, checked first by `range_args` or `pre_push_args`.
    """

    def __init__(self, rev_args: Sequence[str], cwd: str) -> None:
        self.rev_args = tuple(rev_args)
        self.cwd = cwd
        self.root = git.require_root(cwd)
        self.touched: set[str] = set()

    def plan(self, scope: Scope) -> Plan:
        return Plan(self._blocks(scope))

    def _blocks(self, scope: Scope) -> Iterator[AddedBlock]:
        patch_stats = PatchStats()
        excluded: dict[str, bool] = {}
        with git.log_patches(self.rev_args, self.root) as patches:
            for block in added_blocks(patches, patch_stats):
                self.touched.add(block.path)
                if block.path not in excluded:
                    excluded[block.path] = scope.excluded(os.path.join(self.root, block.path))
                if not excluded[block.path]:
                    yield block
        for _, description in patch_stats.binary:
            scope.stats.skipped.append(Skip(description, SkipReason.BINARY))
        for path in dict.fromkeys(path for _, path in patch_stats.submodules):
            if not scope.excluded(os.path.join(self.root, path)):
                display = _display(self.root, path, self.cwd)
                scope.stats.skipped.append(Skip(display, SkipReason.SUBMODULE))

    def read(self, batch: AddedBlock, max_size: int) -> Iterator[Unit | Skip]:
        display = _display(self.root, batch.path, self.cwd)
        # git diffs everything as text (--text): a binary file's added "lines" are scanned as
        # binary, UTF-16/32 ones decoded (git's line breaks are the text's, so lines hold).
        data, binary = as_text(batch.data)
        fragment = Fragment(batch.path, display, data, batch.first_line, binary=binary)
        commit = batch.commit
        provenance = GitProvenance(commit.sha, commit.author, commit.date)
        yield Unit(fragment, os.path.join(self.root, batch.path), provenance)

    def finish(self, found: list[Found], scope: Scope) -> Outcome:
        first: dict[str, Finding] = {}
        for provenance, finding in found:  # oldest commit first
            if finding.fingerprint not in first:
                assert isinstance(provenance, GitProvenance)
                first[finding.fingerprint] = dataclasses.replace(finding, git=provenance)
        return Outcome(list(first.values()))

    def reuse_view(
        self, found: list[Found], outcome: Outcome, scope: Scope, pipeline: Pipeline
    ) -> ReuseView:
        """The range's findings, with the rest of its last commit's tree as context."""
        head = self.rev_args[0].rsplit("..", 1)[-1] if self.rev_args else "HEAD"
        tree = git.tree_entries(head, self.root)
        return _against_tree(outcome.findings, tree, self.touched, scope, pipeline, self)


class NothingPushed:
    """Source: a push that deletes a branch adds nothing."""

    def plan(self, scope: Scope) -> Plan:
        return Plan([], large=False)

    def read(self, batch: object, max_size: int) -> Iterator[Unit | Skip]:
        return iter(())

    def finish(self, found: list[Found], scope: Scope) -> Outcome:
        return _findings(found)


def pre_push(cwd: str) -> CommitRange | NothingPushed:
    """Source: the commits pre-commit's pre-push stage describes."""
    args = pre_push_args(git.require_root(cwd))
    return NothingPushed() if args is None else CommitRange(args, cwd)
