"""The command line through click's CliRunner and, for exit codes, a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from hex_guard.main import cli, main
from hex_guard.rules.fake import fake
from tests.conftest import REPO_ROOT, git, write

TOKEN = "hxtw_" + "0123456789abcdef" * 6


def run(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(cli, args, standalone_mode=False, catch_exceptions=False)
    code = result.return_value if isinstance(result.return_value, int) else result.exit_code
    return code, result.stdout, result.stderr


def test_scan_fixtures_finds_real_findings_redacted(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run(
        ["scan", "--config", "fixtures/pyproject.toml", "fixtures/"], REPO_ROOT, monkeypatch
    )
    assert code == 1
    assert "hex-api-token critical" in out
    assert "fixtures/demo-data-repo/.env:2:15" in out
    secret_line = next(
        line
        for line in (REPO_ROOT / "fixtures/demo-data-repo/.env").read_text().splitlines()
        if line.startswith("HEX_API_TOKEN")
    )
    assert secret_line.split("=", 1)[1] not in out
    assert "secret(s) found" in err


def test_repository_passes_its_own_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run(["scan", "."], REPO_ROOT, monkeypatch)
    assert code == 0, out


def test_json_report_shape(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "app" / "settings.py", f'HEX = "{TOKEN}"\n')
    code, out, _ = run(["scan", "--format", "json", "app"], tmp_path, monkeypatch)
    assert code == 1
    doc = json.loads(out)
    assert set(doc) == {"schema_version", "version", "findings", "skipped", "stats"}
    assert set(doc["stats"]) == {
        "files_scanned",
        "bytes_scanned",
        "files_skipped",
        "files_binary",
        "suppressed",
        "baselined",
        "below_confidence",
        "rules_disabled",
        "duration_s",
    }
    (finding,) = doc["findings"]
    assert set(finding) == {
        "rule_id",
        "severity",
        "confidence",
        "description",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "secret",
        "fingerprint",
        "commit",
        # A Hex token's kind and the API calls beside it (issue 13).
        "properties",
    }
    assert finding["properties"]["hex_token_kind"] in ("workspace", "personal")
    assert finding["path"] == "app/settings.py"
    assert (finding["line"], finding["column"], finding["end_line"], finding["end_column"]) == (
        1,
        8,
        1,
        109,
    )
    assert finding["secret"] == "hxtw_01…"
    assert finding["commit"] is None
    assert doc["stats"]["files_scanned"] == 1


def test_show_secrets_is_the_only_way_to_print_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "a.env.txt", f"HEX_API_TOKEN={TOKEN}\n")
    for fmt in ("text", "json"):
        _, out, err = run(["scan", "--format", fmt, "."], tmp_path, monkeypatch)
        assert TOKEN not in out + err
        _, out, _ = run(["scan", "--format", fmt, "--show-secrets", "."], tmp_path, monkeypatch)
        assert TOKEN in out


def test_output_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "x.txt", f"{TOKEN}\n")
    code, out, _ = run(
        ["scan", "--format", "json", "--output", "report.json", "x.txt"], tmp_path, monkeypatch
    )
    assert code == 1 and out == ""
    assert (
        json.loads((tmp_path / "report.json").read_text())["findings"][0]["rule_id"]
        == "hex-api-token"
    )


def test_clean_tree_exits_zero(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "ok.py", "print('hello')\n")
    assert run(["scan"], tmp_path, monkeypatch)[0] == 0


def test_missing_path_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "nope.txt"]) == 2


def test_unknown_config_key_fails_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "pyproject.toml", "[tool.hex-guard]\nexlude = ['tests/']\n")
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "."]) == 2
    err = capsys.readouterr().err
    assert "pyproject.toml" in err and "'exlude'" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "body",
    [
        "[tool.hex-guard]\nexclude = 'tests/'\n",
        "[tool.hex-guard]\nmax-file-size = -1\n",
        "[tool.hex-guard\n",
        "[tool.hex-guard]\nexclude = ['[abc']\n",
    ],
)
def test_bad_config_values_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str
) -> None:
    write(tmp_path / "pyproject.toml", body)
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "."]) == 2


def test_exclude_globs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "pyproject.toml", "[tool.hex-guard]\nexclude = ['tests/', '*.sample.txt']\n")
    write(tmp_path / "tests" / "t.txt", f"{TOKEN}\n")
    write(tmp_path / "deep" / "a.sample.txt", f"{TOKEN}\n")
    write(tmp_path / "src" / "tests_helper.txt", f"{TOKEN}\n")
    code, out, err = run(["scan", "."], tmp_path, monkeypatch)
    assert code == 1
    assert "src/tests_helper.txt" in out and "tests/t.txt" not in out and "a.sample" not in out
    assert "2 file(s) excluded" in err


GITHUB = "ghp_" + fake("binary", 36)  # binaries are judged by fixed-format rules only


def test_binary_huge_utf16_and_invalid_utf8(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "blob.bin", b"\x00\x01" + GITHUB.encode())
    write(tmp_path / "big.txt", ("x" * 99 + "\n") * 20 + TOKEN + "\n")
    write(tmp_path / "utf16.txt", ("line one\nHEX=" + TOKEN + "\n").encode("utf-16"))
    write(tmp_path / "latin.txt", b"caf\xe9 \xff\n" + TOKEN.encode() + b"\n")
    code, out, err = run(
        ["scan", "--format", "json", "--max-file-size", "1000", "."], tmp_path, monkeypatch
    )
    assert code == 1
    doc = json.loads(out)
    found = {(f["path"], f["line"], f["column"]) for f in doc["findings"]}
    # A NUL makes a file binary: scanned byte for byte all the same, and counted.
    assert found == {("utf16.txt", 2, 5), ("latin.txt", 2, 1), ("blob.bin", 1, 3)}
    assert doc["stats"]["files_skipped"] == 1 and doc["stats"]["files_binary"] == 1
    assert "1 of them scanned as binary" in err and "big.txt: larger than 1000 bytes" in err


def test_rules_command_lists_every_rule_redacted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from hex_guard.rules import RULES

    code, out, _ = run(["rules", "--format", "json"], tmp_path, monkeypatch)
    assert code == 0
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [r.id for r in RULES]
    for rule, row in zip(RULES, rows):
        assert "…" in row["example"], rule.id
        assert rule.examples[0].splitlines()[0] != row["example"]


def test_internal_error_exits_3_without_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from hex_guard import detect

    def boom(self: object, fragment: detect.Fragment) -> tuple[list[object], frozenset[str]]:
        raise ValueError(fragment.data.decode())

    write(tmp_path / "x.txt", f"{TOKEN}\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(detect.Engine, "scan_with_triggers", boom)
    assert main(["scan", "x.txt"]) == 3
    err = capsys.readouterr().err
    assert "internal error: ValueError" in err and TOKEN not in err


def test_entry_points_exit_codes(tmp_path: Path) -> None:
    write(tmp_path / "x.txt", f"{TOKEN}\n")
    proc = subprocess.run(
        [sys.executable, "-m", "hex_guard", "scan", "x.txt"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1 and "hex-api-token" in proc.stdout
    proc = subprocess.run(
        [sys.executable, "-m", "hex_guard", "scan", "--format", "yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2


def test_git_directory_scan_lists_tracked_and_untracked_not_ignored(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(repo / ".gitignore", "ignored/\n")
    write(repo / "tracked.txt", f"{TOKEN}\n")
    write(repo / "ignored" / "x.txt", f"{TOKEN}\n")
    write(repo / "dir with space" / "naïve\nname.txt", f"{TOKEN}\n")
    git(repo, "add", "tracked.txt", ".gitignore")
    git(repo, "commit", "-qm", "init")
    write(repo / "untracked.txt", f"{TOKEN}\n")
    code, out, _ = run(["scan", "--format", "json", "."], repo, monkeypatch)
    assert code == 1
    paths = sorted(f["path"] for f in json.loads(out)["findings"])
    assert paths == ["dir with space/naïve\nname.txt", "tracked.txt", "untracked.txt"]


def test_outside_git_walks_everything_but_dot_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "a" / "b.txt", f"{TOKEN}\n")
    write(tmp_path / "a" / ".git" / "config", f"{TOKEN}\n")
    code, out, _ = run(["scan", "--format", "json", "a"], tmp_path, monkeypatch)
    assert code == 1
    # a/.git is a file tree here, and a/ therefore looks like a repo without git metadata.
    paths = [f["path"] for f in json.loads(out)["findings"]]
    assert "a/b.txt" in paths and all(".git/" not in p for p in paths)


def test_parallel_scan_matches_serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from hex_guard import scan as scan_module
    from hex_guard import sources
    from hex_guard.config import Config

    for i in range(80):
        write(
            tmp_path / f"f{i:03}.txt", ("filler line\n" * 20) + (f"{TOKEN}\n" if i % 7 == 0 else "")
        )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sources, "PARALLEL_MIN_FILES", 1)
    parallel = scan_module.run(sources.Paths(["."]), Config(base_dir=str(tmp_path)), jobs=2)
    serial = scan_module.run(sources.Paths(["."]), Config(base_dir=str(tmp_path)), jobs=1)
    assert parallel.findings == serial.findings and len(serial.findings) == 12
    assert parallel.stats.files_scanned == serial.stats.files_scanned == 80


def test_symlinks_and_fifos_are_skipped_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    write(tmp_path / "outside" / "secret.txt", f"{TOKEN}\n")
    (tmp_path / "scan").mkdir()
    (tmp_path / "scan" / "link.txt").symlink_to(tmp_path / "outside" / "secret.txt")
    os.mkfifo(tmp_path / "scan" / "pipe")
    code, out, err = run(
        ["scan", "--format", "json", "scan/link.txt", "scan/pipe"], tmp_path, monkeypatch
    )
    assert code == 0
    assert json.loads(out)["stats"]["files_skipped"] == 2
    assert "1 symlink" in err and "1 not a regular file" in err
