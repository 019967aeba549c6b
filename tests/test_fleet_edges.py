"""`hex-guard fleet` where a run or a repository goes wrong: an interrupted run whose every
repository had finished, a report path that cannot be written, a list that is not UTF-8, a
mirror cache that cannot be made, a listed directory that does not exist. Real repositories in
tmp_path, the local process pool."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hex_guard.fleet.repos import without_password
from hex_guard.main import main
from tests.gitrepo import TOKEN, commit, new_repo, write


def two_repos(root: Path) -> Path:
    leak = new_repo(root / "src" / "leak")
    commit(leak, "leak", {"app.py": f"T = '{TOKEN}'\n"})
    clean = new_repo(root / "src" / "clean")
    commit(clean, "init", {"README.md": "hi\n"})
    return write(root / "repos.txt", f"{leak}\n{clean}\n")


def fleet(
    listing: Path, out: Path, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, dict, str]:
    code = main(["fleet", str(listing), "-o", str(out), "--format", "json", "-j", "1", *args])
    stdout, stderr = capsys.readouterr()
    return code, (json.loads(stdout) if stdout.strip() else {}), stderr


def test_a_run_interrupted_after_its_last_repository_resumes_without_scanning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listing = two_repos(tmp_path)
    out = tmp_path / "out"
    code, merged, _ = fleet(listing, out, capsys)
    assert code == 1
    # Ctrl-C between the last repository's report and the end of the run: the journal still
    # says unfinished, and every repository's report and state belong to this run.
    journal = out / ".hex-guard" / "run.json"
    run = json.loads(journal.read_text())
    journal.write_text(json.dumps({"run_id": run["run_id"], "finished": False}))
    again, resumed, err = fleet(listing, out, capsys)
    assert again == 1 and resumed == merged
    assert err.count(" resumed ") == 2
    assert json.loads(journal.read_text()) == {"run_id": run["run_id"], "finished": True}


def test_a_report_path_that_cannot_be_written_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listing = two_repos(tmp_path)
    report = tmp_path / "no-such-dir" / "merged.json"
    code, _, err = fleet(listing, tmp_path / "out", capsys, "--report", str(report))
    assert code == 2
    assert f"cannot write report to {report}" in err and "Traceback" not in err


def test_a_repository_list_that_is_not_utf8_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listing = tmp_path / "repos.txt"
    listing.write_bytes(b"/srv/git/caf\xe9\n")
    assert main(["fleet", str(listing), "-o", str(tmp_path / "out")]) == 2
    assert "is not UTF-8" in capsys.readouterr().err


def test_a_cache_that_cannot_be_made_fails_only_the_cloned_repositories(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    origin = new_repo(tmp_path / "src" / "origin")
    commit(origin, "leak", {"app.py": f"T = '{TOKEN}'\n"})
    local = new_repo(tmp_path / "src" / "local")
    commit(local, "leak", {"app.py": f"T = '{TOKEN}'\n"})
    listing = write(tmp_path / "repos.txt", f"file://{origin}\n{local}\n")
    blocker = write(tmp_path / "cache", "a file where the mirror cache should go\n")
    cache = blocker / "mirrors"  # below a regular file: it can never be made
    code, merged, _ = fleet(listing, tmp_path / "out", capsys, "--cache-dir", str(cache))
    assert code == 2
    cloned, direct = merged["repositories"]
    assert cloned["status"] == "failed" and str(blocker) in cloned["error"], cloned
    assert direct["status"] == "ok" and direct["findings"] == 1


def test_a_listed_directory_that_does_not_exist_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listing = write(tmp_path / "repos.txt", "gone\n")
    code, merged, _ = fleet(listing, tmp_path / "out", capsys)
    [entry] = merged["repositories"]
    assert code == 2 and entry["status"] == "failed"
    assert entry["error"] == f"{tmp_path / 'gone'}: no such directory"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://bot:t0k3n@git.acme.io:8443/a.git", "https://bot@git.acme.io:8443/a.git"),
        ("https://:t0k3n@git.acme.io/a.git", "https://git.acme.io/a.git"),
        ("https://bot@git.acme.io/a.git", "https://bot@git.acme.io/a.git"),
        ("git@github.com:acme/a.git", "git@github.com:acme/a.git"),
    ],
)
def test_clone_urls_lose_their_password_and_keep_the_rest(url: str, expected: str) -> None:
    assert without_password(url) == expected
