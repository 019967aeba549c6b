"""Git sources off the common path, on real repositories: what the staged index holds besides
files, a binary added in a range, the `A..B` and `A...B` forms with and without common history, and a
first push read from pre-commit's environment without pre-commit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.gitrepo import TOKEN, commit, git, run_json, write


def test_staged_symlinks_submodules_and_excluded_paths(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    commit(repo, "init", {"pyproject.toml": "[tool.hex-guard]\nexclude = ['vendor/']\n"})
    write(repo / "vendor" / "lib.py", f"T = '{TOKEN}'\n")
    os.symlink("vendor/lib.py", repo / "link.py")
    sub = tmp_path / "sub"
    sub.mkdir()
    git(sub, "init", "-q", "-b", "main")
    commit(sub, "sub", {"x.txt": "x\n"})
    git(repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub), "sub")
    git(repo, "add", "-A")
    code, doc, err = run_json(repo, monkeypatch, capsys, "scan", "--staged")
    assert code == 0 and doc["findings"] == [], doc  # vendor/ is excluded; nothing else leaks
    for named in ("link.py: symlink", "sub: submodule"):
        assert f"hex-guard:   {named}\n" in err, err
    assert "1 file(s) excluded by configuration" in err


def test_a_submodule_added_or_bumped_in_a_range_is_named_not_scanned(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Red team repro 5: --diff counted the gitlink as a scanned file (its one added line is
    # `Subproject commit <sha>`) where --staged names it as not scanned.
    base = commit(repo, "init", {"README.md": "hi\n"})
    sub = tmp_path / "sub"
    sub.mkdir()
    git(sub, "init", "-q", "-b", "main")
    commit(sub, "sub", {"x.txt": f"T = '{TOKEN}'\n"})
    git(repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub), "sub")
    git(repo, "commit", "-q", "-m", "add submodule")
    commit(sub, "more", {"y.txt": "y\n"})
    git(repo / "sub", "pull", "-q", "origin", "main")
    git(repo, "commit", "-q", "-am", "bump submodule")
    for spec, files in ((f"{base}..HEAD", 1), ("HEAD~1..HEAD", 0)):  # .gitmodules; nothing
        code, doc, err = run_json(repo, monkeypatch, capsys, "scan", "--diff", spec)
        assert code == 0 and doc["findings"] == [], doc
        assert doc["skipped"] == [{"path": "sub", "reason": "submodule"}], doc
        assert doc["stats"]["files_scanned"] == files, doc
        assert err.count("hex-guard:   sub: submodule\n") == 1, err


def test_a_binary_added_in_a_range_is_scanned(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    base = commit(repo, "init", {"README.md": "hi\n"})
    commit(repo, "binary", {"blob.bin": b"\x00\x01" + TOKEN.encode()})
    code, doc, err = run_json(repo, monkeypatch, capsys, "scan", "--diff", f"{base}..HEAD")
    assert code == 1 and [f["path"] for f in doc["findings"]] == ["blob.bin"]
    assert doc["stats"]["files_binary"] == 1 and "scanned as binary" in err


def test_two_dot_and_three_dot_ranges(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    base = commit(repo, "init", {"README.md": "hi\n"})
    git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, "leak", {"app.py": f"T = '{TOKEN}'\n"})
    git(repo, "checkout", "-q", "main")
    commit(repo, "main work", {"main.py": "m = 1\n"})
    code, doc, _ = run_json(repo, monkeypatch, capsys, "scan", "--diff", "main..feature")
    assert code == 1 and [f["path"] for f in doc["findings"]] == ["app.py"]
    code, doc, _ = run_json(repo, monkeypatch, capsys, "scan", "--diff", "feature..main")
    assert code == 0 and doc["findings"] == []
    code, doc, _ = run_json(repo, monkeypatch, capsys, "scan", "--diff", f"{base}...feature")
    assert code == 1 and [f["path"] for f in doc["findings"]] == ["app.py"]


def test_three_dots_without_common_history_is_an_error(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    commit(repo, "init", {"README.md": "hi\n"})
    git(repo, "checkout", "-q", "--orphan", "other")
    commit(repo, "unrelated", {"other.txt": "o\n"})
    code, _, err = run_json(repo, monkeypatch, capsys, "scan", "--diff", "main...other")
    assert code == 2
    assert "no merge base for 'main...other': the two have no common history" in err


def test_a_new_branch_push_scans_what_no_remote_has(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    commit(repo, "init", {"old.py": f"T = '{TOKEN}'\n"})  # already on the remote: not this push's
    git(repo, "remote", "add", "origin", str(remote))
    git(repo, "push", "-q", "origin", "main")
    git(repo, "checkout", "-q", "-b", "feature")
    head = commit(repo, "leak", {"app.py": f"T = '{TOKEN}'\n"})
    monkeypatch.setenv("PRE_COMMIT_TO_REF", head)
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", "")
    code, doc, _ = run_json(repo, monkeypatch, capsys, "scan", "--pre-push")
    assert code == 1 and [f["path"] for f in doc["findings"]] == ["app.py"]
