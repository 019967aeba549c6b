"""The one corridor (scan.run) and its sources: same answer for any -j, excludes decided by
every occurrence of a blob, baseline and `ignore` applied once, incremental history input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hex_guard import history, scan
from hex_guard.config import Config
from hex_guard.main import main
from hex_guard.sources import Paths
from tests.conftest import REPO_ROOT, git, write
from tests.test_git import OTHER, TOKEN, commit

THIRD = "hxtp_" + "13579bdf02468ace" * 6


def history_json(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> dict:
    monkeypatch.chdir(repo)
    code = main(["history", "--format", "json", *args])
    assert code in (0, 1)
    document = json.loads(capsys.readouterr().out)
    document["stats"].pop("duration_s")
    return document


@pytest.fixture
def moves(repo: Path) -> dict[str, str]:
    """Secrets moved out of and into an excluded directory, and one that never leaves it."""
    write(repo / "pyproject.toml", "[tool.hex-guard]\nexclude = ['vendor/']\n")
    shas = {
        "config": commit(repo, "config", {"pyproject.toml": (repo / "pyproject.toml").read_text()})
    }
    shas["add"] = commit(
        repo, "add", {"vendor/a.txt": f"A = '{TOKEN}'\n", "src/b.txt": f"B = '{OTHER}'\n"}
    )
    for i in range(6):
        commit(repo, f"filler {i}", {f"src/f{i}.txt": f"line {i}\n"})
    git(repo, "mv", "vendor/a.txt", "src/a.txt")
    git(repo, "mv", "src/b.txt", "vendor/b.txt")
    shas["move"] = commit(repo, "move")
    shas["vendored"] = commit(repo, "vendored", {"vendor/c.txt": f"C = '{THIRD}'\n"})
    return shas


def test_history_attributes_to_the_oldest_non_excluded_occurrence(
    repo: Path,
    moves: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    document = history_json(repo, monkeypatch, capsys, "-j", "1")
    got = [(f["secret"][:5], f["path"], f["commit"]) for f in document["findings"]]
    # Moved out of vendor/: found, under the path and commit where it left it.
    # Moved into vendor/: still found, under its first, non-excluded path.
    assert got == [("hxtw_", "src/a.txt", moves["move"]), ("hxtp_", "src/b.txt", moves["add"])]
    assert document["stats"]["files_scanned"] == 9  # C's blob alone is excluded


@pytest.mark.parametrize("run", [1, 2, 1500])
def test_history_is_identical_for_any_job_count(
    repo: Path,
    moves: dict[str, str],
    run: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(history.History, "RUN", run)
    documents = [history_json(repo, monkeypatch, capsys, "-j", str(j)) for j in (1, 2, 4)]
    assert documents[0] == documents[1] == documents[2]
    assert len(documents[0]["findings"]) == 2


def test_own_history_is_identical_for_any_job_count(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if (
        not (REPO_ROOT / ".git").exists()
        or git(REPO_ROOT, "rev-parse", "--is-shallow-repository").strip() == "true"
    ):
        pytest.skip("needs the project's own full history")
    documents = [history_json(REPO_ROOT, monkeypatch, capsys, "-j", str(j)) for j in (1, 2, 4)]
    assert documents[0] == documents[1] == documents[2]
    assert documents[0]["stats"]["files_scanned"] > 0


def test_history_skips_given_blobs_and_reports_those_it_scanned(
    repo: Path, moves: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    config = Config(base_dir=str(repo), exclude=("vendor/",))
    first = scan.run(history.History(["--all"], str(repo)), config, 1)
    assert len(first.blobs) == 9 and first.stats.excluded == 1 and len(first.findings) == 2
    token_blob = git(repo, "rev-parse", f"{moves['add']}:vendor/a.txt").strip()
    assert token_blob in first.blobs
    again = scan.run(history.History(["--all"], str(repo), skip_blobs=first.blobs), config, 2)
    assert again.blobs == frozenset() and again.findings == ()
    partial = scan.run(history.History(["--all"], str(repo), skip_blobs={token_blob}), config, 1)
    assert [f.secret[:5] for f in partial.findings] == ["hxtp_"]
    assert partial.blobs == first.blobs - {token_blob}


def test_ignore_and_baseline_are_one_filter_on_the_final_fingerprint(
    repo: Path, moves: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    config = Config(base_dir=str(repo), exclude=("vendor/",))
    found = scan.run(history.History(["--all"], str(repo)), config, 1).findings
    by_secret = {f.secret[:5]: f.fingerprint for f in found}
    ignoring = Config(base_dir=str(repo), exclude=("vendor/",), ignore=(by_secret["hxtw_"],))
    result = scan.run(
        history.History(["--all"], str(repo)), ignoring, 1, baseline={by_secret["hxtp_"]}
    )
    assert result.findings == ()
    assert (result.stats.suppressed, result.stats.baselined) == (1, 1)
    assert result.unused == ()  # the ignore entry was used, and so was the exclude


def test_paths_source_counts_excludes_and_reports_unused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "keep" / "a.txt", f"{TOKEN}\n")
    write(tmp_path / "skip" / "b.txt", f"{TOKEN}\n")
    monkeypatch.chdir(tmp_path)
    config = Config(base_dir=str(tmp_path), exclude=("skip/", "nothing/"), ignore=("0" * 32,))
    result = scan.run(Paths(["."]), config, 1)
    assert [f.path for f in result.findings] == ["keep/a.txt"]
    assert result.stats.excluded == 1 and result.unused == ("ignore[0]", "exclude[1]")


def test_cli_format_choices_come_from_the_registry() -> None:
    from click.testing import CliRunner

    from hex_guard.main import cli
    from hex_guard.report import FORMATS, REGISTRY

    assert tuple(f.name for f in REGISTRY) == FORMATS
    for command in ("scan", "history"):
        help_text = CliRunner().invoke(cli, [command, "--help"]).output
        assert "[" + "|".join(FORMATS) + "]" in help_text.replace("\n", "").replace(" ", "")


def test_sarif_lists_the_rules_the_scan_ran(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hex_guard.report import ReportOptions, renderer

    write(tmp_path / "a.txt", f"{TOKEN}\n")
    monkeypatch.chdir(tmp_path)
    result = scan.run(Paths(["."]), Config(base_dir=str(tmp_path), disable=("hex-api-token",)), 1)
    document = json.loads(renderer("sarif")(result, ReportOptions()))
    ids = [r["id"] for r in document["runs"][0]["tool"]["driver"]["rules"]]
    assert "hex-api-token" not in ids and ids == [r.id for r in result.rules]


def test_a_pool_scan_compiles_every_pattern_before_its_workers_fork() -> None:
    """Workers inherit compiled patterns through fork instead of each compiling them again."""
    from hex_guard import lazyre
    from hex_guard.detect import Engine

    engine = Engine()
    engine.compile_all()
    assert all(pattern._compiled is not None for pattern in lazyre._ALL)
    assert all("regex" in vars(rule) for rule in engine.rules)
