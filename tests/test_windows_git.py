"""Git blobs are scanned in the same overlapping windows as files on disk (issue 10 item 16):
`scan --staged` and `history` stream each blob from `git cat-file --batch` with bounded memory,
and report what a whole read reports, at the same lines and columns."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from hex_guard import git, sources
from hex_guard.errors import GitError
from hex_guard.main import main
from tests.conftest import git as run_git
from tests.conftest import write

LIMIT = "--max-file-size=100000000"


def _token(i: int) -> str:
    # Distinct per line: history reports one finding per secret.
    return "hxtw_" + hashlib.sha512(str(i).encode()).hexdigest()[:96]


def _big_text() -> str:
    lines = [f"value_{i} = compute({i})\n" for i in range(3000)]
    for i in range(0, 3000, 37):  # every ~1 KB: before, across and after window boundaries
        lines[i] = f"T{i} = '{_token(i)}'  # also postgres://app:Rs8pW2qLx{i}@db.acme.io/x\n"
    return "".join(lines)


Place = tuple[int, int, int, int, str]


def _places(doc: dict) -> list[Place]:
    return sorted(
        (f["line"], f["column"], f["end_line"], f["end_column"], f["rule_id"])
        for f in doc["findings"]
    )


def _run(cwd: Path, capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    limit = [LIMIT] if args[0] == "scan" else []  # history takes the config's limit
    code = main([*args, "-q", "--format", "json", *limit])
    out = capsys.readouterr().out
    assert code == 1
    return json.loads(out)


@pytest.fixture
def whole(repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """The big file in `repo`, staged, and its findings read whole from disk."""
    write(repo / "big.py", _big_text())
    run_git(repo, "add", "big.py")
    monkeypatch.chdir(repo)
    found = _places(_run(repo, capsys, "scan", "big.py"))
    assert len(found) > 150
    monkeypatch.setattr(sources, "WINDOW", 4096)
    monkeypatch.setattr(sources, "OVERLAP", 512)
    return found


def test_staged_blob_in_windows_finds_what_a_whole_read_finds(
    repo: Path, whole: list[Place], capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _run(repo, capsys, "scan", "--staged")
    assert _places(doc) == whole
    # Overlaps are read twice: only a windowed read scans more bytes than the blob holds.
    assert doc["stats"]["bytes_scanned"] > (repo / "big.py").stat().st_size
    assert doc["stats"]["files_scanned"] == 1


@pytest.mark.parametrize("jobs", ["-j1", "-j2"])
def test_history_blob_in_windows_finds_what_a_whole_read_finds(
    repo: Path, whole: list[Place], capsys: pytest.CaptureFixture[str], jobs: str
) -> None:
    run_git(repo, "commit", "-q", "--no-verify", "-m", "big")
    doc = _run(repo, capsys, "history", jobs)
    assert _places(doc) == whole
    assert doc["stats"]["bytes_scanned"] > (repo / "big.py").stat().st_size


def test_staged_utf16_blob_is_decoded_window_by_window(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _big_text().encode("utf-16")  # with a BOM; a character may straddle two windows
    write(repo / "wide.txt", data)
    run_git(repo, "add", "wide.txt")
    monkeypatch.chdir(repo)
    whole = _places(_run(repo, capsys, "scan", "wide.txt"))
    monkeypatch.setattr(sources, "WINDOW", 4097)  # odd: every other window splits a character
    monkeypatch.setattr(sources, "OVERLAP", 512)
    doc = _run(repo, capsys, "scan", "--staged")
    assert _places(doc) == whole and len(whole) > 150
    assert doc["stats"]["bytes_scanned"] > len(_big_text())


def test_stream_blobs_reads_a_blob_in_pieces(repo: Path) -> None:
    path = write(repo / "f.txt", "0123456789" * 10)
    sha = run_git(repo, "hash-object", "-w", str(path)).strip()
    other = run_git(repo, "hash-object", "-w", str(write(repo / "g.txt", "tail\n"))).strip()
    with git.stream_blobs([sha, other, sha], str(repo), 1000) as blobs:
        first_sha, size, content = next(blobs)
        assert (first_sha, size) == (sha, 100) and content is not None
        assert content.read(7) == b"0123456" and content.read(5) == b"78901"
        # Left unread: the reader drains it, so the next blob starts at its own header.
        _, _, second = next(blobs)
        assert second is not None and second.read(100) == b"tail\n" and second.read(1) == b""
        _, _, third = next(blobs)
        assert third is not None and third.read_all() == b"0123456789" * 10


def test_a_blob_cut_short_raises(repo: Path, tmp_path: Path) -> None:
    # A loose object truncated on disk: cat-file announces its size, then cannot deliver it.
    path = write(repo / "f.txt", "".join(f"{i:08d}\n" for i in range(200_000)))
    sha = run_git(repo, "hash-object", "-w", str(path)).strip()
    loose = repo / ".git" / "objects" / sha[:2] / sha[2:]
    loose.chmod(0o644)
    loose.write_bytes(loose.read_bytes()[:-200])
    with pytest.raises(GitError), git.stream_blobs([sha], str(repo), 10**8) as blobs:
        for _, _, content in blobs:
            assert content is not None
            while content.read(1 << 16):
                pass


def _max_rss_kib(*args: str, cwd: Path) -> int:
    probe = (
        "import resource, subprocess, sys; p = subprocess.run(sys.argv[1:], capture_output=True);"
        " print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, sys.executable, "-m", "hex_guard", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    code, rss = out.stdout.split()
    assert code == "1", out  # the secret at the end of the blob is found
    return int(rss)


@pytest.mark.slow
def test_large_blob_memory_is_bounded(repo: Path) -> None:
    line = b"value = compute(1, 'text', other_thing)  # a comment line of moderate size\n"
    size = 128 * 1024 * 1024
    with open(repo / "big.txt", "wb") as handle:
        chunk = line * 16384
        for _ in range(size // len(chunk)):
            handle.write(chunk)
        handle.write(f"T = '{_token(1)}'\n".encode())
    write(repo / "small.txt", f"T = '{_token(2)}'\n")
    run_git(repo, "add", "small.txt")
    small = _max_rss_kib("scan", "-q", "--staged", LIMIT, cwd=repo)
    run_git(repo, "add", "big.txt")
    big = _max_rss_kib("scan", "-q", "--staged", LIMIT, cwd=repo)
    run_git(repo, "commit", "-q", "--no-verify", "-m", "big")
    write(repo / "pyproject.toml", "[tool.hex-guard]\nmax-file-size = 1000000000\n")
    history = _max_rss_kib("history", "-q", "-j1", cwd=repo)
    # Read whole, a 128 MiB blob took 520 MB; windows keep the growth under the blob's size,
    # as on the disk path (1 KiB units from getrusage).
    assert (big - small) * 1024 < 0.75 * size, (small, big)
    assert (history - small) * 1024 < 0.75 * size, (small, history)


def test_reuse_context_reads_the_trees_large_blobs_in_windows(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A staged .env.prod reusing a value deep inside a large committed .env.dev: the committed
    # blob is searched and scanned window by window, at its true line.
    uri = "postgresql://etl:Rs8pW2qLx9vT4mZk@db.acme.io:5432/dw"
    lines = [f"SETTING_{i}=value_{i}\n" for i in range(3000)]
    lines[2000] = f"DATABASE_URL={uri}\n"
    write(repo / ".env.dev", "".join(lines))
    run_git(repo, "add", ".env.dev")
    run_git(repo, "commit", "-q", "--no-verify", "-m", "dev")
    write(repo / ".env.prod", f"DATABASE_URL={uri}\n")
    run_git(repo, "add", ".env.prod")
    monkeypatch.setattr(sources, "WINDOW", 4096)
    monkeypatch.setattr(sources, "OVERLAP", 512)
    monkeypatch.chdir(repo)
    doc = _run(repo, capsys, "scan", "--staged")
    (reuse,) = [f for f in doc["findings"] if f["rule_id"] == "secret-reused-across-environments"]
    assert ".env.dev:2001" in reuse["properties"]["locations"]
