"""Fail closed (issue 10) in git sources: what a range, a push or a named path must cover.

Real repositories in tmp_path; the pre-push cases go through the real pre-commit framework and a
real bare remote.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hex_guard.main import main
from hex_guard.rules.fake import fake
from tests.gitrepo import OTHER, TOKEN, commit, git, run_json, write

# --- item 1: merge commits --------------------------------------------------------------------


def _evil_merge(repo: Path) -> tuple[str, str]:
    base = commit(repo, "base", {"app.py": "a = 1\n"})
    git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, "feature work", {"feature.py": "f = 1\n"})
    git(repo, "checkout", "-q", "main")
    commit(repo, "main work", {"main.py": "m = 1\n"})
    git(repo, "merge", "-q", "--no-ff", "--no-commit", "feature")
    write(repo / "app.py", f"a = 1\nT = '{TOKEN}'\n")  # added by the merge commit alone
    git(repo, "add", "app.py")
    git(repo, "commit", "-q", "--no-verify", "-m", "merge feature")
    return base, git(repo, "rev-parse", "HEAD").strip()


def test_diff_range_sees_what_a_merge_commit_adds(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    base, merge = _evil_merge(repo)
    for spec in (f"{base}..HEAD", f"{base}...HEAD"):
        code, doc, _ = run_json(repo, monkeypatch, capsys, "scan", "--diff", spec)
        assert code == 1, spec
        ((path, commit_sha),) = {(f["path"], f["commit"]) for f in doc["findings"]}
        assert (path, commit_sha) == ("app.py", merge)


def test_pre_push_sees_what_a_merge_commit_adds(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    base, merge = _evil_merge(repo)
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", base)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", merge)
    code, doc, _ = run_json(repo, monkeypatch, capsys, "scan", "--pre-push")
    assert code == 1 and {f["commit"] for f in doc["findings"]} == {merge}


# --- item 2: .gitattributes cannot hide a file from a diff scan ---------------------------------


@pytest.mark.parametrize("attribute", ["-diff", "binary", "diff=nonexistent -text"])
def test_gitattributes_binary_does_not_hide_added_lines(
    repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    attribute: str,
) -> None:
    base = commit(repo, "base", {".gitattributes": f"*.py {attribute}\n"})
    added = commit(repo, "add", {"cfg/app.py": f"import os\nT = '{TOKEN}'\n"})
    code, doc, _ = run_json(repo, monkeypatch, capsys, "scan", "--diff", f"{base}..HEAD")
    assert code == 1
    (finding,) = doc["findings"]
    assert (finding["path"], finding["line"], finding["commit"]) == ("cfg/app.py", 2, added)


def test_real_binary_in_a_diff_is_scanned_as_binary(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    base = commit(repo, "base")
    png = b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)).replace(b"\n", b"")
    write(repo / "img.png", png)
    token = b"ghp_" + fake("binary", 36).encode()  # a fixed format: judged in binaries
    write(repo / "data.db", png + b"\n\x00\x07" + token + b"\x00\x00\n")
    git(repo, "add", "img.png", "data.db")
    added = commit(repo, "image")
    code, doc, err = run_json(repo, monkeypatch, capsys, "scan", "--diff", f"{base}..HEAD")
    assert code == 1 and doc["stats"]["files_skipped"] == 0
    (finding,) = doc["findings"]
    line = png.count(b"\n") + 2
    assert (finding["path"], finding["line"], finding["column"]) == ("data.db", line, 3)
    assert finding["commit"] == added and "2 of them scanned as binary" in err


# --- item 9: a single revision means REV...HEAD --------------------------------------------------


def test_diff_with_one_revision_scans_rev_to_head(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    commit(repo, "old secret on main", {"legacy.py": f"L = '{OTHER}'\n"})
    git(repo, "checkout", "-q", "-b", "feature")
    added = commit(repo, "feature", {"new.py": f"N = '{TOKEN}'\n"})
    code, doc, _ = run_json(repo, monkeypatch, capsys, "scan", "--diff", "main")
    assert code == 1
    assert [(f["path"], f["commit"]) for f in doc["findings"]] == [("new.py", added)]


# --- item 13: the first push of a repository (root commit among the pushed ones) ----------------


def _push_repo(repo: Path, hook_repo: tuple[Path, str], tmp_path: Path) -> Path:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git(repo, "remote", "add", "origin", str(remote))
    path, sha = hook_repo
    write(
        repo / ".pre-commit-config.yaml",
        f"repos:\n  - repo: {path}\n    rev: {sha}\n    hooks:\n      - id: hex-guard-push\n",
    )
    subprocess.run(
        [sys.executable, "-m", "pre_commit", "install", "--hook-type", "pre-push"],
        cwd=repo,
        check=True,
        capture_output=True,
    )
    return remote


@pytest.mark.slow
def test_first_push_of_a_clean_repository_passes_and_a_secret_is_blocked(
    repo: Path,
    hook_repo: tuple[Path, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path_factory.getbasetemp() / "pre-commit-home"))
    _push_repo(repo, hook_repo, tmp_path)
    git(repo, "add", ".pre-commit-config.yaml")
    commit(repo, "root", {"README.md": "clean\n"})
    ok = subprocess.run(
        ["git", "push", "-q", "origin", "main"], cwd=repo, capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr

    git(repo, "checkout", "-q", "--orphan", "other")
    commit(repo, "another root", {"app.py": f"T = '{TOKEN}'\n"})
    blocked = subprocess.run(
        ["git", "push", "-q", "origin", "other"], cwd=repo, capture_output=True, text=True
    )
    assert blocked.returncode != 0
    assert "hex-api-token" in blocked.stdout + blocked.stderr
    assert TOKEN not in blocked.stdout + blocked.stderr


def test_pre_push_without_refs_scans_commits_no_remote_has(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    added = commit(repo, "root", {"app.py": f"T = '{TOKEN}'\n"})
    monkeypatch.setenv("PRE_COMMIT_LOCAL_BRANCH", "refs/heads/main")
    monkeypatch.setenv("PRE_COMMIT_REMOTE_NAME", "origin")
    code, doc, _ = run_json(repo, monkeypatch, capsys, "scan", "--pre-push")
    assert code == 1 and [f["commit"] for f in doc["findings"]] == [added]


# --- item 10: tracked files missing from the work tree are named --------------------------------


def test_tracked_file_missing_from_the_work_tree_is_named(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    commit(repo, "init", {"gone.env": "A=1\n", "here.py": "x = 1\n"})
    (repo / "gone.env").unlink()
    monkeypatch.chdir(repo)
    assert main(["scan", "."]) == 0
    err = capsys.readouterr().err
    assert "gone.env" in err and "missing" in err


# --- item 5: what the user names is scanned even if git ignores it -------------------------------


@pytest.mark.parametrize("named", ["corpus", "./corpus/", "corpus/sub", "."])
def test_named_ignored_directory_is_scanned(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], named: str
) -> None:
    commit(repo, "init", {".gitignore": "corpus/\n", "README.md": "x\n"})
    write(repo / "corpus" / "sub" / "dump.txt", f"{TOKEN}\n")
    cwd = repo / "corpus" if named == "." else repo
    code, doc, _ = run_json(cwd, monkeypatch, capsys, "scan", named)
    assert code == 1 and len(doc["findings"]) == 1


def test_ignored_files_found_by_a_walk_stay_ignored(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    commit(repo, "init", {".gitignore": "corpus/\n", "README.md": "x\n"})
    write(repo / "corpus" / "dump.txt", f"{TOKEN}\n")
    code, doc, _ = run_json(repo, monkeypatch, capsys, "scan", ".")
    assert code == 0 and doc["findings"] == []


# --- item 6: UTF-32 with a BOM ----------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-le", "utf-32-be", "utf-16"])
def test_wide_encodings_with_a_bom_are_decoded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], codec: str
) -> None:
    import codecs

    bom = {
        "utf-32-le": codecs.BOM_UTF32_LE,
        "utf-32-be": codecs.BOM_UTF32_BE,
    }.get(codec, b"")
    write(tmp_path / "wide.txt", bom + f"x = 1\nT = '{TOKEN}'\n".encode(codec))
    code, doc, _ = run_json(tmp_path, monkeypatch, capsys, "scan", "wide.txt")
    assert code == 1
    (finding,) = doc["findings"]
    assert (finding["line"], finding["column"]) == (2, 6)


# --- red team: a commit that carries a config disabling the rule its own secret meets ---------


@pytest.mark.parametrize("how", [("scan", "--diff", "HEAD~1..HEAD"), ("scan", ".")])
def test_a_nested_config_that_disables_rules_is_named(
    repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    how: tuple[str, ...],
) -> None:
    """Each file's config is its nearest one (issue 10 item 8), so a commit can add a config
    that turns off the rule its secret would meet. That stays the user's right, but never a
    silent one: the summary and the JSON report name the config and the rules it turns off."""
    commit(repo, "base", {"base.txt": "base\n"})
    commit(
        repo,
        "settings",
        {"sub/s.txt": f"T = '{TOKEN}'\n", "sub/.hex-guard.toml": 'disable = ["hex-api-token"]\n'},
    )
    code, doc, err = run_json(repo, monkeypatch, capsys, *how)
    assert code == 0 and doc["findings"] == []
    (entry,) = doc["stats"]["rules_disabled"]
    assert entry["config"] == "sub/.hex-guard.toml" and entry["rules"] == ["hex-api-token"]
    assert entry["files_scanned"] >= 1
    assert "sub/.hex-guard.toml disables hex-api-token for" in err
