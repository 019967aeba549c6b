"""`hex-guard fleet` on a dozen real repositories built in tmp_path: secrets in history, a bare
repository, a mirror cloned from a file:// URL, a shallow clone, a missing object, an
unreachable URL; the local pool and a real Dask LocalCluster; a real SIGINT."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from hex_guard.fleet import repos as repos_module
from hex_guard.main import main
from tests.conftest import REPO_ROOT
from tests.gitrepo import OTHER, TOKEN, commit, git, hex_guard_command, new_repo, write

PASSWORD = "Tr0ub4dor-9xQ"


@dataclass
class Fleet:
    list_file: Path
    lines: list[str]
    # name -> (expected status, expected number of findings)
    expected: dict[str, tuple[str, int]]


def build_fleet(root: Path) -> Fleet:
    """Twelve repositories; each line of the list file is one of them."""
    src = root / "src"
    leak = new_repo(src / "leak-removed")
    commit(leak, "init", {"README.md": "x\n"})
    commit(leak, "leak", {"app.py": f"T = '{TOKEN}'\n"})
    commit(leak, "remove", remove=("app.py",))

    env = new_repo(src / "env-file")
    commit(env, "env", {".env": f"DB_PASSWORD={PASSWORD}\n"})

    side = new_repo(src / "side-branch")
    commit(side, "init", {"README.md": "x\n"})
    git(side, "checkout", "-q", "-b", "feature")
    commit(side, "leak", {"cfg/settings.py": f"K = '{OTHER}'\n"})
    git(side, "checkout", "-q", "main")

    cleans = []
    for i in range(3):
        clean = new_repo(src / f"clean {i}")  # a space in the path
        for j in range(3):
            commit(clean, f"c{j}", {f"f{j}.py": f"print({i * 10 + j})\n"})
        cleans.append(clean)

    empty = new_repo(src / "empty")

    origin = new_repo(src / "origin")
    commit(origin, "leak", {"deploy/hex.yml": f"token: {TOKEN}\n"})
    bare = root / "bare.git"
    git(root, "clone", "-q", "--bare", f"file://{origin}", str(bare))

    shallow_src = new_repo(src / "deep")
    for j in range(3):
        commit(shallow_src, f"c{j}", {"a.txt": f"{j}\n"})
    shallow = root / "shallow"
    git(root, "clone", "-q", "--depth", "1", f"file://{shallow_src}", str(shallow))

    broken = new_repo(src / "missing-object")
    commit(broken, "one", {"a.txt": "lost\n"})
    blob = git(broken, "rev-parse", "HEAD:a.txt").strip()
    (broken / ".git" / "objects" / blob[:2] / blob[2:]).unlink()

    lines = [
        str(leak),
        str(env),
        str(side),
        *(str(c) for c in cleans),
        str(empty),
        str(bare),
        f"file://{origin}",  # cloned into the cache as a mirror
        str(shallow),
        str(broken),
        f"file://{root}/does-not-exist.git",
    ]
    expected = {
        "leak-removed": ("ok", 1),
        "env-file": ("ok", 1),
        "side-branch": ("ok", 1),
        "clean-0": ("ok", 0),
        "clean-1": ("ok", 0),
        "clean-2": ("ok", 0),
        "empty": ("ok", 0),
        "bare": ("ok", 1),
        "origin": ("ok", 1),
        "shallow": ("failed", 0),
        "missing-object": ("failed", 0),
        "does-not-exist": ("failed", 0),
    }
    list_file = root / "repos.txt"
    list_file.write_text("# the fleet\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return Fleet(list_file, lines, expected)


def name_of(repo_id: str) -> str:
    """`src_clean 0-1a2b3c4d` -> `clean-0`: the list's last path part, for readable asserts."""
    return repo_id.rsplit("-", 1)[0].split("_")[-1]


@pytest.fixture
def fleet(tmp_path: Path) -> Fleet:
    return build_fleet(tmp_path / "fleet")


def run_fleet(
    fleet: Fleet, out: Path, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, dict, str]:
    code = main(["fleet", str(fleet.list_file), "-o", str(out), "--format", "json", *args])
    stdout, stderr = capsys.readouterr()
    return code, json.loads(stdout), stderr


def statuses(merged: dict) -> dict[str, tuple[str, int]]:
    return {
        name_of(r["id"]).replace(" ", "-"): (r["status"], r["findings"])
        for r in merged["repositories"]
    }


def test_local_pool_scans_every_repository_and_isolates_failures(
    fleet: Fleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code, merged, err = run_fleet(fleet, out, capsys, "-j", "2")
    assert code == 2
    assert statuses(merged) == fleet.expected
    # Every finding names its repository; the repository's own file holds the same findings.
    for entry in merged["repositories"]:
        document = json.loads((out / f"{entry['id']}.json").read_text(encoding="utf-8"))
        assert document["repository"]["id"] == entry["id"]
        assert document["findings"] == [
            f for f in merged["findings"] if f["repository"] == entry["id"]
        ]
    by_repo = {name_of(f["repository"]): f for f in merged["findings"]}
    assert by_repo["leak-removed"]["present_at_head"] is False
    assert by_repo["side-branch"]["path"] == "cfg/settings.py"
    assert by_repo["env-file"]["rule_id"] == "dotenv-secret"
    assert all(
        TOKEN not in json.dumps(f) and PASSWORD not in json.dumps(f) for f in merged["findings"]
    )
    # The failures: why, and printed last.
    errors = {name_of(r["id"]): r["error"] for r in merged["repositories"] if r["error"]}
    assert "shallow" in errors["shallow"]
    assert "missing" in errors["missing-object"]
    assert "does not appear to be a git repository" in errors["does-not-exist"]
    tail = err.rstrip("\n").splitlines()[-4:]
    assert tail[0] == "hex-guard fleet: 3 repositories failed:"
    assert sorted(name_of(line.split()[0]) for line in tail[1:]) == [
        "does-not-exist",
        "missing-object",
        "shallow",
    ]
    assert (out / ".hex-guard" / "mirrors").is_dir()


def test_exit_code_is_1_with_findings_and_0_when_clean(
    fleet: Fleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dirty, clean = tmp_path / "dirty.txt", tmp_path / "clean.txt"
    dirty.write_text("\n".join(fleet.lines[:4]) + "\n", encoding="utf-8")
    clean.write_text("\n".join(fleet.lines[3:7]) + "\n", encoding="utf-8")
    assert main(["fleet", str(dirty), "-o", str(tmp_path / "a"), "-q"]) == 1
    assert main(["fleet", str(clean), "-o", str(tmp_path / "b"), "-q"]) == 0
    out, err = capsys.readouterr()
    assert err == "" and "hxtp_fe" in out  # text report on stdout, redacted
    assert OTHER not in out


def test_a_mirror_is_fetched_on_the_next_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    origin = new_repo(tmp_path / "origin")
    commit(origin, "init", {"README.md": "x\n"})
    list_file = tmp_path / "repos.txt"
    list_file.write_text(f"file://{origin}\n", encoding="utf-8")
    fleet = Fleet(list_file, [], {})
    out = tmp_path / "out"
    assert run_fleet(fleet, out, capsys)[0] == 0
    commit(origin, "leak", {"app.py": f"T = '{TOKEN}'\n"})
    code, merged, _ = run_fleet(fleet, out, capsys)
    assert code == 1 and [f["path"] for f in merged["findings"]] == ["app.py"]
    mirrors = list((out / ".hex-guard" / "mirrors").iterdir())
    assert (
        len(mirrors) == 1 and git(mirrors[0], "rev-parse", "--is-bare-repository").strip() == "true"
    )


def test_sarif_has_one_run_per_repository(
    fleet: Fleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.test_reports import validate_sarif

    out = tmp_path / "out"
    sarif_path = tmp_path / "fleet.sarif"
    code = main(
        [
            "fleet",
            str(fleet.list_file),
            "-o",
            str(out),
            "--format",
            "sarif",
            "--report",
            str(sarif_path),
            "-q",
        ]
    )
    assert code == 2
    document = json.loads(sarif_path.read_text(encoding="utf-8"))
    runs = document["runs"]
    assert len(runs) == len(fleet.lines)
    categories = [r["automationDetails"]["id"] for r in runs]
    assert len(set(categories)) == len(runs)
    assert all(c.startswith("hex-guard/fleet/") and c.endswith("/") for c in categories)
    uris = [r["versionControlProvenance"][0]["repositoryUri"] for r in runs]
    assert uris[8] == fleet.lines[8] and uris[0].startswith("file:///")
    counts = {
        name_of(r["properties"]["repository"]).replace(" ", "-"): len(r["results"]) for r in runs
    }
    assert counts == {name: n for name, (_, n) in fleet.expected.items()}
    messages = [res["message"]["text"] for r in runs for res in r["results"]]
    assert len(messages) == 5 and all("…" in m for m in messages)
    assert all(TOKEN not in m and OTHER not in m and PASSWORD not in m for m in messages)
    assert validate_sarif(sarif_path) == []


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_merged_reports(
    fleet: Fleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    distributed = pytest.importorskip("distributed")
    cache = str(tmp_path / "cache")  # the same path in both runs: errors name it

    def run(name: str, fmt: str, *extra: str) -> tuple[int, str]:
        report = tmp_path / f"{name}.{fmt}"
        code = main(
            [
                "fleet",
                str(fleet.list_file),
                "-o",
                str(tmp_path / f"{name}-{fmt}"),
                "--cache-dir",
                cache,
                "--format",
                fmt,
                "--report",
                str(report),
                "-q",
                *extra,
            ]
        )
        return code, report.read_text(encoding="utf-8")

    local = {fmt: run("local", fmt, "-j", "2") for fmt in ("json", "sarif")}
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        assert len(cluster.workers) == 2
        remote = {
            fmt: run("dask", fmt, "--scheduler", cluster.scheduler_address)
            for fmt in ("json", "sarif")
        }
    assert remote == local
    assert local["json"][0] == local["sarif"][0] == 2
    assert statuses(json.loads(local["json"][1])) == fleet.expected


def test_repository_list_parsing(tmp_path: Path) -> None:
    listing = tmp_path / "list" / "repos.txt"
    write(
        listing,
        "\n".join(
            [
                "  # comment",
                "",
                "https://github.com/pytest-dev/pytest.git",
                "git@github.com:pallets/click.git",
                "https://bot:s3cr3t-t0ken@git.example.com:8443/team/app",
                "ssh://git@host/x/y.git",
                "../checkouts/app",
                "~/work/b.git",
                "https://github.com/pytest-dev/pytest.git",  # repeated: once
            ]
        )
        + "\n",
    )
    repos = repos_module.load(str(listing))
    assert [r.is_url for r in repos] == [True, True, True, True, False, False]
    assert repos[0].id.startswith("pytest-dev_pytest-") and len(repos[0].id.rsplit("-", 1)[1]) == 8
    assert repos[1].id.startswith("pallets_click-")
    # A token in a clone URL goes to git, never to ids, reports or reprs.
    assert repos[2].source == "https://bot@git.example.com:8443/team/app"
    assert repos[2].location.endswith("s3cr3t-t0ken@git.example.com:8443/team/app")
    assert "s3cr3t" not in repr(repos[2]) + repos[2].id
    assert repos[4].source == str(tmp_path / "checkouts" / "app")
    assert repos[5].source == os.path.expanduser("~/work/b.git")
    assert repos_module.load(str(listing)) == repos  # ids are stable
    assert len({r.id for r in repos}) == len(repos)
    assert repos_module.repo_id("https://a/x/y") != repos_module.repo_id("https://b/x/y")


def test_bad_repository_lists_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = write(tmp_path / "empty.txt", "# nothing\n\n")
    assert main(["fleet", str(empty), "-o", str(tmp_path / "out")]) == 2
    assert "names no repository" in capsys.readouterr().err
    assert main(["fleet", str(tmp_path / "missing.txt"), "-o", str(tmp_path / "out")]) == 2
    assert "cannot read repository list" in capsys.readouterr().err


def test_a_plain_directory_inside_a_repository_is_not_that_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outer = new_repo(tmp_path / "outer")
    commit(outer, "leak", {"sub/app.py": f"T = '{TOKEN}'\n"})
    listing = write(tmp_path / "repos.txt", f"{outer / 'sub'}\n")
    code, merged, _ = run_fleet(Fleet(listing, [], {}), tmp_path / "out", capsys)
    assert code == 2 and "not a repository's top level" in merged["repositories"][0]["error"]


def test_url_credentials_never_reach_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listing = write(tmp_path / "repos.txt", "http://bot:s3cr3t-t0ken@127.0.0.1:9/team/app.git\n")
    code, merged, err = run_fleet(Fleet(listing, [], {}), tmp_path / "out", capsys)
    assert code == 2 and merged["repositories"][0]["status"] == "failed"
    files = [p.read_text(encoding="utf-8") for p in (tmp_path / "out").rglob("*.json")]
    assert all("s3cr3t" not in text for text in [*files, err, json.dumps(merged)])


# --- Ctrl-C --------------------------------------------------------------------------------------


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_DIR")}
    env["PYTHONPATH"] = str(REPO_ROOT)
    return env


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_and_a_rerun_resumes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = []
    for i in range(16):
        repo = new_repo(tmp_path / "src" / f"r{i:02d}")
        for j in range(4):
            commit(repo, f"c{j}", {f"f{j}.py": f"X = {i}{j}\n"})
        if i % 4 == 0:
            commit(repo, "leak", {"app.py": f"T = '{TOKEN}'\n"})
        lines.append(str(repo))
    listing = write(tmp_path / "repos.txt", "\n".join(lines) + "\n")
    out = tmp_path / "out"
    command = hex_guard_command("fleet", str(listing), "-o", str(out), "--format", "json", "-j1")
    # A terminal's Ctrl-C signals the whole foreground process group: so does this test.
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), start_new_session=True
    )
    deadline = time.monotonic() + 60
    while len(list(out.glob("*.json"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    done = len(list(out.glob("*.json")))
    assert proc.returncode == 130, stderr
    assert b"interrupted" in stderr and b"Traceback" not in stderr and stdout == b""
    assert 2 <= done < 16, "the run ended before the signal; make the repositories bigger"
    journal = json.loads((out / ".hex-guard" / "run.json").read_text())
    assert journal["finished"] is False
    assert not list(out.rglob(".tmp-*"))
    # Completed in the interrupted run: report and state written (a repository whose git the
    # signal killed has a report saying so, and no state: it is done again).
    states = [json.loads(p.read_text()) for p in (out / ".hex-guard" / "repos").glob("*.json")]
    completed = sum(1 for state in states if state["run_id"] == journal["run_id"])
    assert 1 <= completed <= done

    code = main(["fleet", str(listing), "-o", str(out), "--format", "json"])
    resumed_out, resumed_err = capsys.readouterr()
    assert code == 1
    assert resumed_err.count(" resumed ") == completed
    assert json.loads((out / ".hex-guard" / "run.json").read_text())["finished"] is True
    fresh = main(["fleet", str(listing), "-o", str(tmp_path / "fresh"), "--format", "json", "-q"])
    fresh_out = capsys.readouterr().out
    assert fresh == code and json.loads(fresh_out) == json.loads(resumed_out)


# --- incremental runs -----------------------------------------------------------------------------


def repo_stats(out: Path, merged: dict) -> dict:
    (entry,) = merged["repositories"]
    return json.loads((out / f"{entry['id']}.json").read_text(encoding="utf-8"))["stats"]


def test_a_rerun_after_a_new_commit_scans_only_the_new_blobs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = new_repo(tmp_path / "src" / "app")
    for j in range(3):
        commit(repo, f"c{j}", {f"f{j}.py": f"X = {j}\n"})
    commit(repo, "leak", {"f0.py": f"T = '{TOKEN}'\n"})
    listing = write(tmp_path / "repos.txt", f"{repo}\n")
    fleet = Fleet(listing, [], {})
    out = tmp_path / "out"
    code, first, _ = run_fleet(fleet, out, capsys)
    assert code == 1 and repo_stats(out, first) == {**repo_stats(out, first), "blobs_scanned": 4}

    commit(repo, "more", {"f1.py": "X = 'changed'\n", "new.py": f"K = '{OTHER}'\n"})
    code, second, _ = run_fleet(fleet, out, capsys)
    stats = repo_stats(out, second)
    assert code == 1 and stats["incremental"] is True and stats["blobs_scanned"] == 2
    assert [f["secret"][:7] for f in second["findings"]] == ["hxtw_01", "hxtp_fe"]

    code, third, _ = run_fleet(fleet, out, capsys)
    stats = repo_stats(out, third)
    # No ref moved: not even the log is walked again.
    assert code == 1 and stats["blobs_scanned"] == 0 and stats["scan_s"] == 0
    assert third == second
    # --full rescans every blob and reports what a fresh run reports.
    code, full, _ = run_fleet(fleet, out, capsys, "--full")
    assert (
        repo_stats(out, full)["blobs_scanned"] == 6
        and repo_stats(out, full)["incremental"] is False
    )
    fresh = run_fleet(fleet, tmp_path / "fresh", capsys)[1]
    assert full == fresh == second
    # Another configuration could find other things: everything is scanned again.
    config = write(tmp_path / "hex.toml", '[tool.hex-guard]\nexclude = ["docs/"]\n')
    run_fleet(fleet, out, capsys, "--config", str(config))
    assert repo_stats(out, full)["blobs_scanned"] == 6


def test_an_old_blob_committed_under_a_new_path_is_scanned_for_that_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A path-scoped rule (.env files) may apply to a blob scanned before under another name."""
    repo = new_repo(tmp_path / "src" / "app")
    # A bare token under a name that is not a secret's: only the .env rule reports it (a
    # secret-named key would be a keyed finding in any file).
    commit(repo, "notes", {"notes.txt": "WAREHOUSE_WEBHOOK=Xk9mQ2vL7pR4tZ8wB3nC6yD1\n"})
    listing = write(tmp_path / "repos.txt", f"{repo}\n")
    fleet = Fleet(listing, [], {})
    out = tmp_path / "out"
    assert run_fleet(fleet, out, capsys)[0] == 0
    git(repo, "mv", "notes.txt", ".env")
    commit(repo, "rename")
    code, merged, _ = run_fleet(fleet, out, capsys)
    assert code == 1 and [f["rule_id"] for f in merged["findings"]] == ["dotenv-secret"]
    assert merged == run_fleet(fleet, tmp_path / "fresh", capsys)[1]


def test_the_config_key_is_the_same_in_every_process(tmp_path: Path) -> None:
    """The key decides whether blobs scanned before are skipped: it must not depend on hash
    randomisation (set order) in the process that computes it."""
    code = "from hex_guard.fleet import load_config, state; print(state.config_key(load_config(None), False))"
    keys = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**_env(), "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(keys) == 1


def test_progress_on_a_terminal(tmp_path: Path) -> None:
    import pty

    repos = []
    for i in range(2):
        repo = new_repo(tmp_path / "src" / f"r{i}")
        commit(repo, "leak", {"app.py": f"T = '{TOKEN}'\n"})
        repos.append(str(repo))
    listing = write(tmp_path / "repos.txt", "\n".join(repos) + "\n")
    leader, follower = pty.openpty()
    command = hex_guard_command("fleet", str(listing), "-o", str(tmp_path / "out"), "-j1")
    proc = subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=follower, env=_env(), check=False
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal's other end is closed: all read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    seen = b"".join(chunks).decode()
    assert proc.returncode == 1
    assert "0/2 repositories, 0 failed, 0 finding(s)" in seen
    assert "2/2 repositories, 0 failed, 2 finding(s)" in seen
    assert seen.rstrip().endswith("2 finding(s) in 2 repositories.")  # the line is cleared first


def test_what_was_not_scanned_stays_named_in_incremental_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = new_repo(tmp_path / "src" / "app")
    write(repo / "blob.txt", "x" * 64 + "\n")
    git(repo, "add", "blob.txt")
    commit(repo, "large")
    listing = write(tmp_path / "repos.txt", f"{repo}\n")
    config = write(tmp_path / "limit.toml", "[tool.hex-guard]\nmax-file-size = 32\n")
    fleet = Fleet(listing, [], {})
    out = tmp_path / "out"

    def skipped() -> list[dict]:
        (report,) = out.glob("*.json")
        return json.loads(report.read_text(encoding="utf-8"))["skipped"]

    run_fleet(fleet, out, capsys, "--config", str(config))
    first = skipped()
    assert [s["reason"] for s in first] == ["larger than 32 bytes"]
    assert first[0]["path"].startswith("blob.txt@")
    commit(repo, "more", {"a.py": "X = 1\n"})
    run_fleet(fleet, out, capsys, "--config", str(config))
    assert skipped() == first
    run_fleet(fleet, out, capsys, "--config", str(config))
    assert skipped() == first
