"""Git sources on real repositories built in tmp_path: staged index, ranges, history, hooks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hex_guard.main import main
from hex_guard.rules.fake import fake
from tests.gitrepo import OTHER, TOKEN, commit, git, hex_guard_command, run_json, write

# --- staged ---------------------------------------------------------------------------------


def test_staged_scans_the_index_not_the_work_tree(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    commit(repo, "init", {"README.md": "hi\n"})
    write(repo / "app.py", f"T = '{TOKEN}'\n")
    git(repo, "add", "app.py")
    write(repo / "app.py", "T = os.environ['T']\n")  # the work tree is clean now
    code, doc, _ = run_json(repo, monkeypatch, capsys, "scan", "--staged")
    assert code == 1 and [(f["path"], f["line"]) for f in doc["findings"]] == [("app.py", 1)]

    git(repo, "add", "app.py")
    write(repo / "app.py", f"T = '{TOKEN}'\n")  # now only the work tree has it
    code, doc, _ = run_json(repo, monkeypatch, capsys, "scan", "--staged")
    assert code == 0 and doc["findings"] == []


def test_staged_in_a_fresh_repo_and_odd_paths(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "dir with space/naïve\nname.env.txt"
    write(repo / name, f"{TOKEN}\n")
    git(repo, "add", "-A")
    code, doc, _ = run_json(repo / "dir with space", monkeypatch, capsys, "scan", "--staged")
    assert code == 1 and doc["findings"][0]["path"] == "naïve\nname.env.txt"


def test_plain_hook_honours_git_index_file(repo: Path) -> None:
    commit(repo, "init", {"app.py": "x = 1\n"})
    proc = subprocess.run(
        hex_guard_command("install-hook"),
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    write(repo / "app.py", f"T = '{TOKEN}'\n")
    # `git commit <path>` commits the work tree's app.py through a temporary index that only
    # GIT_INDEX_FILE names; the regular index still holds the clean version.
    blocked = subprocess.run(
        ["git", "commit", "-m", "direct", "app.py"], cwd=repo, capture_output=True, text=True
    )
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    # git sends a hook's output to stderr.
    assert "hex-api-token" in blocked.stderr and TOKEN not in blocked.stdout + blocked.stderr
    write(repo / "app.py", "x = 2\n")
    ok = subprocess.run(
        ["git", "commit", "-m", "direct", "app.py"], cwd=repo, capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr


def test_install_hook_respects_hooks_path_and_foreign_hooks(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    git(repo, "config", "core.hooksPath", ".githooks")
    monkeypatch.chdir(repo)
    write(repo / ".githooks" / "pre-commit", "#!/bin/sh\necho theirs\n")
    assert main(["install-hook"]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["uninstall-hook"]) == 2  # not ours: left in place
    assert (repo / ".githooks" / "pre-commit").read_text().endswith("theirs\n")
    assert main(["install-hook", "--force"]) == 0
    assert "-m hex_guard scan --staged" in (repo / ".githooks" / "pre-commit").read_text()
    assert main(["install-hook"]) == 0  # re-installing our own hook is fine
    assert main(["uninstall-hook"]) == 0  # the hook it replaced comes back
    assert (repo / ".githooks" / "pre-commit").read_text().endswith("theirs\n")
    assert main(["uninstall-hook"]) == 2


# --- ranges -------------------------------------------------------------------------------------


def test_diff_range_reports_added_lines_with_their_commit(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    base = commit(repo, "base", {"old.py": f"LEGACY = '{OTHER}'\n"})
    added = commit(repo, "add", {"cfg/app.py": f"import os\nT = '{TOKEN}'\n"})
    commit(repo, "remove legacy line", {"old.py": "LEGACY = None\n"})
    commit(repo, "delete file", remove=("cfg/app.py",))
    for spec in (f"{base}..HEAD", f"{base}...HEAD"):
        code, doc, _ = run_json(repo, monkeypatch, capsys, "scan", "--diff", spec)
        assert code == 1
        (finding,) = doc["findings"]  # the removed legacy line is not a finding
        assert (finding["path"], finding["line"], finding["column"]) == ("cfg/app.py", 2, 6)
        assert finding["commit"] == added and finding["author"] == "Test <test@example.invalid>"
        assert finding["date"].startswith("20")


def test_diff_range_odd_paths_and_one_finding_per_secret(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    base = commit(repo, "base", {"README.md": "x\n"})
    odd = 'we"ird\\dir/naïve\tname.txt'
    first = commit(repo, "one", {odd: f"a\n{TOKEN}\n"})
    commit(repo, "two", {odd: f"a\n{TOKEN}\nb\n{TOKEN}x\n"})
    code, doc, _ = run_json(repo, monkeypatch, capsys, "scan", "--diff", f"{base}..HEAD")
    assert code == 1
    assert [(f["path"], f["line"], f["commit"]) for f in doc["findings"]] == [(odd, 2, first)]


@pytest.mark.parametrize("spec", ["nope..HEAD", "HEAD..nope", "-x..HEAD"])
def test_unknown_revision_exits_2(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], spec: str
) -> None:
    commit(repo, "init", {"a": "b\n"})
    monkeypatch.chdir(repo)
    assert main(["scan", "--diff", spec]) == 2
    assert "revision" in capsys.readouterr().err


def test_shallow_clone_range_and_history_exit_2(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    base = commit(repo, "one", {"a.txt": "1\n"})
    commit(repo, "two", {"a.txt": "2\n"})
    commit(repo, "three", {"a.txt": f"{TOKEN}\n"})
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    monkeypatch.chdir(clone)
    assert main(["scan", "--diff", f"{base}..HEAD"]) == 2
    assert "fetch-depth: 0" in capsys.readouterr().err
    assert main(["history"]) == 2
    assert "shallow" in capsys.readouterr().err


def test_history_with_missing_objects_exits_2_naming_one(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Enough blobs that cat-file's stdin still holds ids when the first missing one is read:
    # closing it then must not turn the error into a silent broken pipe.
    for i in range(3000):
        write(repo / f"f{i}.txt", f"v{i}\n")
    git(repo, "add", ".")
    commit(repo, "many")
    for line in git(repo, "ls-tree", "-r", "HEAD").splitlines():
        sha = line.split()[2]
        (repo / ".git" / "objects" / sha[:2] / sha[2:]).unlink()
    monkeypatch.chdir(repo)
    for jobs in ("1", "2"):
        assert main(["history", "-j", jobs]) == 2
        assert "is missing" in capsys.readouterr().err


# --- history ------------------------------------------------------------------------------------


def test_history_one_finding_per_secret_with_provenance(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    commit(repo, "init", {"README.md": "x\n"})
    first = commit(repo, "leak", {".env": f"HEX_API_TOKEN={TOKEN}\nPORT=1\n"})
    commit(repo, "edit", {".env": f"HEX_API_TOKEN={TOKEN}\nPORT=2\n"})
    commit(repo, "copy", {"deploy/prod.env": f"HEX_API_TOKEN={TOKEN}\n"})
    commit(repo, "remove", remove=(".env", "deploy/prod.env"))
    git(repo, "checkout", "-q", "-b", "side", "HEAD~3")
    side = commit(repo, "side leak", {"x y/ñ.py": f"K = '{OTHER}'\n"})
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-edit", "--no-ff", "side")
    code, doc, _ = run_json(repo, monkeypatch, capsys, "history")
    assert code == 1
    by_secret = {f["secret"][:7]: f for f in doc["findings"]}
    assert set(by_secret) == {"hxtw_01", "hxtp_fe"}
    token = by_secret["hxtw_01"]
    assert (token["path"], token["line"], token["commit"]) == (".env", 1, first)
    assert token["commits_count"] == 3 and token["paths_count"] == 2
    assert token["present_at_head"] is False
    merged = by_secret["hxtp_fe"]
    assert (merged["path"], merged["commit"], merged["present_at_head"]) == ("x y/ñ.py", side, True)
    assert {"author", "date", "commits_count", "present_at_head"} <= set(merged)


def test_history_finds_deleted_env_by_path_rule_and_respects_range(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    commit(repo, "init", {"README.md": "x\n"})
    leak = commit(repo, "env", {".env": "WAREHOUSE_WEBHOOK=Xk9mQ2vL7pR4tZ8wB3nC6yD1\n"})
    # The same blob later lives only under a template name: the .env path still counts.
    commit(
        repo,
        "rename",
        {".env.example": "WAREHOUSE_WEBHOOK=Xk9mQ2vL7pR4tZ8wB3nC6yD1\n"},
        remove=(".env",),
    )
    code, doc, _ = run_json(repo, monkeypatch, capsys, "history")
    assert [(f["rule_id"], f["path"], f["commit"]) for f in doc["findings"]] == [
        ("dotenv-secret", ".env", leak)
    ]
    code, doc, _ = run_json(repo, monkeypatch, capsys, "history", f"{leak}..HEAD")
    assert code == 0 and doc["findings"] == []


@pytest.mark.parametrize("kind", ["--bare", "--mirror"])
def test_history_on_bare_repositories_and_mirrors(
    repo: Path,
    tmp_path: Path,
    kind: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    commit(repo, "init", {"README.md": "x\n"})
    leak = commit(repo, "leak", {"app.py": f"T = '{TOKEN}'\n"})
    commit(repo, "remove", remove=("app.py",))
    expected = run_json(repo, monkeypatch, capsys, "history")[1]["findings"]
    bare = tmp_path / "with space.git"
    git(tmp_path, "clone", "-q", kind, f"file://{repo}", str(bare))
    code, doc, _ = run_json(bare, monkeypatch, capsys, "history")
    assert code == 1 and doc["findings"] == expected
    assert [(f["path"], f["commit"]) for f in expected] == [("app.py", leak)]
    code, doc, _ = run_json(bare, monkeypatch, capsys, "history", f"{leak}..HEAD")
    assert code == 0 and doc["findings"] == []
    # A bare repository kept inside a work tree is read, not the work tree around it.
    nested = repo / "nested.git"
    git(tmp_path, "clone", "-q", kind, f"file://{repo}", str(nested))
    commit(repo, "outer only", {"outer.py": f"K = '{OTHER}'\n"})
    code, doc, _ = run_json(nested, monkeypatch, capsys, "history")
    assert code == 1 and doc["findings"] == expected


def test_history_serial_and_parallel_agree(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from hex_guard import history

    for i in range(30):
        commit(
            repo, f"c{i}", {f"f{i % 7}.txt": f"line {i}\n" + (f"{TOKEN}\n" if i % 10 == 3 else "")}
        )
    monkeypatch.setattr(history.History, "RUN", 4)
    serial = run_json(repo, monkeypatch, capsys, "history", "-j", "1")[1]["findings"]
    parallel = run_json(repo, monkeypatch, capsys, "history", "-j", "2")[1]["findings"]
    assert serial == parallel and len(serial) == 1 and serial[0]["commits_count"] == 3


def test_history_scans_binary_blobs_and_counts_them(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    commit(repo, "bin", {"a.txt": "x\n"})
    # Binary content is judged by fixed-format rules only: a GitHub token, not a Hex one (yet).
    write(repo / "blob.bin", b"\x00\x01ghp_" + fake("binary", 36).encode())
    git(repo, "add", "blob.bin")
    commit(repo, "binary")
    code, doc, err = run_json(repo, monkeypatch, capsys, "history")
    assert code == 1 and [f["path"] for f in doc["findings"]] == ["blob.bin"]
    assert doc["stats"]["files_skipped"] == 0 and doc["stats"]["files_binary"] == 1
    assert "1 of them scanned as binary" in err


@pytest.mark.slow
def test_pre_push_through_pre_commit(
    repo: Path,
    tmp_path: Path,
    hook_repo: tuple[Path, str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path_factory.getbasetemp() / "pre-commit-home"))
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    path, sha = hook_repo
    commit(
        repo,
        "init",
        {
            ".pre-commit-config.yaml": f"repos:\n  - repo: {path}\n    rev: {sha}\n    hooks:\n      - id: hex-guard-push\n"
        },
    )
    git(repo, "remote", "add", "origin", str(remote))
    git(repo, "push", "-q", "origin", "main")
    subprocess.run(
        [sys.executable, "-m", "pre_commit", "install", "--hook-type", "pre-push"],
        cwd=repo,
        check=True,
        capture_output=True,
    )
    commit(repo, "leak", {"app.py": f"T = '{TOKEN}'\n"})
    commit(repo, "unleak", {"app.py": "T = None\n"})
    blocked = subprocess.run(
        ["git", "push", "origin", "main"], cwd=repo, capture_output=True, text=True
    )
    assert blocked.returncode != 0 and "hex-api-token" in blocked.stdout + blocked.stderr
    git(repo, "checkout", "-q", "-b", "feature")
    new_branch = subprocess.run(
        ["git", "push", "origin", "feature"], cwd=repo, capture_output=True, text=True
    )
    assert new_branch.returncode != 0 and "hex-api-token" in new_branch.stdout + new_branch.stderr
    git(repo, "reset", "-q", "--hard", "origin/main")
    git(repo, "checkout", "-q", "-B", "clean")
    commit(repo, "fine", {"ok.py": "x = 1\n"})
    ok = subprocess.run(
        ["git", "push", "origin", "clean"], cwd=repo, capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr


def test_pre_push_without_env_is_a_usage_error(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commit(repo, "init", {"a": "b\n"})
    monkeypatch.chdir(repo)
    assert main(["scan", "--pre-push"]) == 2
    monkeypatch.setenv("PRE_COMMIT_TO_REF", "0" * 40)
    assert main(["scan", "--pre-push"]) == 0  # deleting a branch adds nothing


def test_git_modes_exclude_paths(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    assert main(["scan", "--staged", "x.txt"]) == 2
