"""git readers own their processes: always reaped, always checked (issue 11, issue 10 item 15)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from hex_guard import git
from hex_guard.errors import GitError
from hex_guard.records import Skip, SkipReason
from tests.conftest import write


def _blob(repo: Path, text: str) -> str:
    path = write(repo / "f.txt", text)
    return subprocess.run(
        ["git", "hash-object", "-w", str(path)],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def test_stream_blobs_returns_content_in_order(repo: Path) -> None:
    shas = [_blob(repo, "one\n"), _blob(repo, "two two\n")]
    with git.stream_blobs(shas, str(repo), 1 << 20) as blobs:
        got = [(sha, size, c.read_all() if c else None) for sha, size, c in blobs]
    assert got == [(shas[0], 4, b"one\n"), (shas[1], 8, b"two two\n")]


def test_stream_blobs_drops_content_over_the_limit(repo: Path) -> None:
    sha = _blob(repo, "x" * 100)
    with git.stream_blobs([sha], str(repo), 10) as blobs:
        assert list(blobs) == [(sha, 100, None)]


def test_a_missing_object_raises(repo: Path) -> None:
    with pytest.raises(GitError, match="missing"), git.stream_blobs(["0" * 40], str(repo), 10) as b:
        list(b)


def test_a_failing_cat_file_raises(tmp_path: Path) -> None:
    # Not a repository: cat-file exits non-zero before answering anything.
    with (
        pytest.raises(GitError, match="cat-file"),
        git.stream_blobs(["0" * 40], str(tmp_path), 10) as b,
    ):
        list(b)


def test_a_reader_left_early_is_still_reaped_and_checked(repo: Path) -> None:
    shas = [_blob(repo, f"{i}\n" * 5000) for i in range(20)]
    with git.stream_blobs(shas, str(repo), 1 << 20) as blobs:
        next(blobs)  # zip() stops like this when the other side runs out
    # Leaving the block drained and waited: nothing is left running (no ResourceWarning).


def test_an_error_inside_the_block_kills_the_reader(repo: Path) -> None:
    shas = [_blob(repo, f"{i}\n" * 5000) for i in range(20)]
    with pytest.raises(KeyError), git.stream_blobs(shas, str(repo), 1 << 20) as blobs:
        next(blobs)
        raise KeyError("consumer failed")


def test_a_failing_log_raises_on_leaving_the_block(repo: Path) -> None:
    with (
        pytest.raises(GitError, match="git log failed"),
        git.log_raw(["no-such-rev"], str(repo)) as out,
    ):
        out.read()


def test_repo_root_finds_the_work_tree_without_git(repo: Path) -> None:
    (repo / "a" / "b").mkdir(parents=True)
    assert git.repo_root(str(repo / "a" / "b")) == str(repo)
    assert git.require_root(str(repo)) == str(repo)


def test_require_root_outside_git_raises(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="not inside a git repository"):
        git.require_root(str(tmp_path))


def test_skip_reasons_have_one_wording() -> None:
    assert Skip("a", SkipReason.TOO_LARGE, 10).text == "larger than 10 bytes"
    unlisted = Skip("a/", SkipReason.UNLISTED, detail="Permission denied")
    assert unlisted.text == "directory not read (Permission denied)"
    parametrized = (SkipReason.TOO_LARGE, SkipReason.UNLISTED)
    assert {Skip("a", r).text for r in SkipReason if r not in parametrized} == {
        "symlink",
        "submodule",
        "not a regular file",
        "missing from the work tree",
        "binary",
    }
