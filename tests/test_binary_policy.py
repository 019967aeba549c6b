"""A NUL byte no longer hides a file (issue 10): binary content is scanned byte for byte and
counted, and UTF-16/32 text without a BOM is decoded, on every source: paths, --staged, --diff
and history."""

from __future__ import annotations

import codecs
import functools
import importlib.util
import io
import json
import random
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hex_guard import sources
from hex_guard.config import Config
from hex_guard.main import main
from hex_guard.records import Fragment
from hex_guard.rules.fake import fake, pem
from hex_guard.scan import Pipeline, Stats, scan_fragment
from tests.conftest import git, write

TOKEN = "hxtw_" + "0123456789abcdef" * 6
# Binary content is judged by fixed-format (high-confidence) rules and private keys only.
GITHUB = "ghp_" + fake("binary", 36)
SOURCES = ["paths", "staged", "diff", "history"]


def _found(
    repo: Path,
    name: str,
    data: bytes,
    source: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[set[tuple[str, int, int]], dict]:
    """Findings (path, line, column) for `data` committed as `name`, read by `source`."""
    write(repo / "README.md", "x\n")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "--no-verify", "-m", "base")
    write(repo / name, data)
    git(repo, "add", name)
    if source != "staged":
        git(repo, "commit", "-q", "--no-verify", "-m", "add")
    args = {
        "paths": ["scan", name],
        "staged": ["scan", "--staged"],
        "diff": ["scan", "--diff", "HEAD~1..HEAD"],
        "history": ["history"],
    }[source]
    monkeypatch.chdir(repo)
    code = main([*args, "--format", "json", "-q"])
    doc = json.loads(capsys.readouterr().out)
    assert code == (1 if doc["findings"] else 0)
    return {(f["path"], f["line"], f["column"]) for f in doc["findings"]}, doc


@pytest.mark.parametrize("source", SOURCES)
def test_a_secret_behind_a_nul_is_found(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], source: str
) -> None:
    # A sqlite page, a .pyc: NULs first, then a token among other bytes.
    data = b"SQLite format 3\x00\x10\x00\x01\x01" + bytes(range(1, 10)) + b"\n" * 3
    data += b"\x00\x00\x07" + GITHUB.encode() + b"\x00\x00\xff\n\x00"
    # A keystore's PEM key; a keyed value, which in binary bytes is mostly noise, is not judged.
    data += b"\x01\x00" + pem("RSA", "binary").encode() + b"\x00\n"
    data += b"\x02\x00password = 'Rs8pW2qLx9vT4mZ'\x00\n"
    found, doc = _found(repo, "app.db", data, source, monkeypatch, capsys)
    assert found == {("app.db", 4, 4), ("app.db", 5, 4)}
    assert doc["stats"]["files_binary"] == 1 and doc["skipped"] == []


def test_keyed_rules_do_not_judge_binary_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # .NET assemblies: `PublicKeyToken=` runs on into the next bytes (schemastore's DLLs).
    dll = b"System.Web, Culture=neutral, PublicKeyToken=b77a5c561934e089#Q8vR2xLm0pZ7nTk4Wb"
    keyed = b"password = 'Rs8pW2qLx9vT4mZ'\n"
    write(tmp_path / "a.dll", b"MZ\x90\x00\x03\x00" + dll + b"\x00\x00\n" + keyed)
    write(tmp_path / "a.txt", keyed)
    monkeypatch.chdir(tmp_path)
    main(["scan", "a.dll", "a.txt", "--format", "json", "-q"])
    doc = json.loads(capsys.readouterr().out)
    assert {f["path"] for f in doc["findings"]} == {"a.txt"} and doc["stats"]["files_binary"] == 1


WIDE = ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"]


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("codec", WIDE)
def test_wide_text_without_a_bom_is_decoded(
    repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    source: str,
    codec: str,
) -> None:
    text = "# settings written by PowerShell\r\nname = 'app'\r\nHEX = '" + TOKEN + "'\r\n"
    found, doc = _found(repo, "settings.txt", text.encode(codec), source, monkeypatch, capsys)
    assert found == {("settings.txt", 3, 8)}
    assert doc["stats"]["files_binary"] == 0


@pytest.mark.parametrize("codec", WIDE)
def test_wide_text_split_across_windows_keeps_its_lines(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    codec: str,
) -> None:
    lines = [f"value_{i} = {i}\n" for i in range(400)]
    lines[150] = f"T = '{TOKEN}'\n"
    write(tmp_path / "wide.txt", "".join(lines).encode(codec))
    monkeypatch.setattr(sources, "WINDOW", 1001)  # not a multiple of any unit
    monkeypatch.setattr(sources, "OVERLAP", 300)
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "wide.txt", "--format", "json", "-q"]) == 1
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    assert (finding["line"], finding["column"]) == (151, 6)


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02\x03" * 100,  # numbers
        bytes(range(256)) * 8,
        b"A\x00" * 3 + b"\xff\xfe\xfd\x00" * 50,  # a short UTF-16-looking start
    ],
)
def test_binary_that_is_not_wide_text_is_read_as_it_is(data: bytes) -> None:
    assert sources.as_text(data) == (data, True)


def test_a_utf16_bom_over_utf32_looking_data_decides_by_the_sample() -> None:
    # FF FE 00 00 opens UTF-32LE, and UTF-16LE text whose first character is U+0000.
    data = b"\xff\xfe" + "\0ab\ncd".encode("utf-16-le")
    assert sources.as_text(data) == (b"\0ab\ncd", False)


@functools.cache
def _pipeline() -> Pipeline:
    return Pipeline.build(Config())


def _with_nul(pair: tuple[bytes, int]) -> bytes:
    data, at = pair
    return data[:at] + b"\x00" + data[at:]


# Random bytes with a NUL somewhere, and text in the wide codecs with random bytes mixed in.
BINARY = st.one_of(
    st.tuples(st.binary(max_size=4000), st.integers(0, 4000)).map(_with_nul),
    st.tuples(st.text(max_size=1000), st.sampled_from(WIDE), st.binary(max_size=8)).map(
        lambda t: t[0].encode(t[1], "surrogatepass") + t[2]
    ),
)


@given(BINARY, st.sampled_from(["x.bin", "a.ipynb", ".env", "s.hex.yaml"]))
def test_random_bytes_scan_without_an_exception(data: bytes, path: str) -> None:
    pipeline = _pipeline()
    fragment = sources.fragment_from_bytes(path, path, data, 1 << 20)
    assert isinstance(fragment, Fragment)
    scan_fragment(pipeline, fragment, path, Stats())
    parts = list(sources.read_parts(io.BytesIO(data).read, path, path, 1 << 20))
    assert all(isinstance(p, Fragment) for p in parts)


# --- red team 1, 2 and 6: a BOM is honoured whatever follows; BOM-less Latin-1 text ----------

UTF16 = ["utf-16-le", "utf-16-be"]
BOMS = {
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
    "utf-32-le": codecs.BOM_UTF32_LE,
    "utf-32-be": codecs.BOM_UTF32_BE,
}
LINE = "HEX = '" + TOKEN + "'\n"  # the token at column 8


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("codec", UTF16)
@pytest.mark.parametrize("prefix", ["ПриветМир", "你好世界，再见"])
def test_a_bom_is_honoured_when_no_nul_follows_for_kilobytes(
    repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    source: str,
    codec: str,
    prefix: str,
) -> None:
    # Cyrillic and CJK UTF-16 units hold no NUL byte: the first 8 KiB have none.
    text = prefix * (5000 // len(prefix)) + "\n" + LINE
    data = BOMS[codec] + text.encode(codec)
    assert data.find(b"\0", 0, sources.BINARY_SNIFF) < 0
    found, doc = _found(repo, "ru.txt", data, source, monkeypatch, capsys)
    assert found == {("ru.txt", 2, 8)}
    assert doc["stats"]["files_binary"] == 0


# Lone surrogates in UTF-16, a unit above U+10FFFF in UTF-32.
INVALID = {
    "utf-16-le": b"\xff\xdf" * 3,
    "utf-16-be": b"\xdf\xff" * 3,
    "utf-32-le": b"\x00\x00\x11\x00" * 3,
    "utf-32-be": b"\x00\x11\x00\x00" * 3,
}


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("codec", WIDE)
def test_invalid_units_after_a_bom_do_not_hide_the_text_after_them(
    repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    source: str,
    codec: str,
) -> None:
    data = BOMS[codec] + INVALID[codec] + ("hello\n" + LINE).encode(codec)
    found, doc = _found(repo, "bad.txt", data, source, monkeypatch, capsys)
    assert found == {("bad.txt", 2, 8)}
    assert doc["stats"]["files_binary"] == 0


def test_invalid_units_after_a_bom_decode_one_by_one_in_windows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sources, "WINDOW", 1001)
    monkeypatch.setattr(sources, "OVERLAP", 300)
    text = "x = 1\n" * 300 + LINE
    data = codecs.BOM_UTF16_LE + INVALID["utf-16-le"] + text.encode("utf-16-le")
    parts = list(sources.read_parts(io.BytesIO(data).read, "f", "f", 1 << 20))
    assert all(isinstance(p, Fragment) and not p.binary for p in parts)
    assert any(LINE.encode() in p.data for p in parts if isinstance(p, Fragment))


GERMAN = "# Schlüssel für Größenänderungen — äöü ÄÖÜ ß\r\nGrüße aus Köln = 'schön'\r\n"


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("codec", WIDE)
def test_latin1_range_wide_text_without_a_bom_is_decoded(
    repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    source: str,
    codec: str,
) -> None:
    # Well over 5% of the units are umlauts (high byte NUL), one is a dash (above U+00FF).
    data = (GERMAN * 3 + LINE).encode(codec)
    found, doc = _found(repo, "de.txt", data, source, monkeypatch, capsys)
    assert found == {("de.txt", 7, 8)}
    assert doc["stats"]["files_binary"] == 0


@pytest.mark.parametrize("bom", [True, False])
@pytest.mark.parametrize("codec", UTF16)
def test_a_diff_adding_latin1_lines_to_wide_text_is_decoded(
    repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    codec: str,
    bom: bool,
) -> None:
    # The added lines reach the scanner without the file's BOM, starting mid-file (red team 6).
    head = BOMS[codec] if bom else b""
    write(repo / "conf.ps1", head + "# Einstellungen\r\n$x = 1\r\n".encode(codec))
    git(repo, "add", ".")
    git(repo, "commit", "-q", "--no-verify", "-m", "base")
    text = "# Einstellungen\r\n$x = 1\r\n" + GERMAN + LINE
    write(repo / "conf.ps1", head + text.encode(codec))
    git(repo, "commit", "-q", "--no-verify", "-am", "secret")
    monkeypatch.chdir(repo)
    assert main(["scan", "--diff", "HEAD~1..HEAD", "--format", "json", "-q"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [(f["line"], f["column"]) for f in doc["findings"]] == [(5, 8)]


def _sqlite_db(path: Path) -> bytes:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, note BLOB)")
    rows = [(i, f"user{i}", bytes([i % 256]) * 40) for i in range(200)]
    db.executemany("INSERT INTO users VALUES (?, ?, ?)", rows)
    db.commit()
    db.close()
    return path.read_bytes()


def _binary_samples(tmp_path: Path) -> dict[str, bytes]:
    rng = random.Random(20240611)
    noise = bytes(rng.randrange(256) for _ in range(9000))
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00"
    return {
        "random": noise[:4000] + b"\x00" + noise[4000:],
        "random, NUL every other byte": bytes(b for c in noise[:4000] for b in (c, 0)),
        "png": png + noise,
        "sqlite": _sqlite_db(tmp_path / "app.db"),
        "pyc": _pyc(),
    }


def _pyc() -> bytes:
    import marshal

    code = compile(Path(sources.__file__).read_text(encoding="utf-8"), "sources.py", "exec")
    return importlib.util.MAGIC_NUMBER + b"\x00" * 12 + marshal.dumps(code)


def test_binaries_do_not_pass_for_bomless_wide_text(tmp_path: Path) -> None:
    # Each sample whole, and from its second byte (a diff hunk starts anywhere).
    for name, data in _binary_samples(tmp_path).items():
        for start in (0, 1):
            assert sources.encoding(data[start:]) == (sources.BINARY, 0), (name, start)


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE])
def test_a_binary_that_opens_with_bom_bytes_is_read_as_it_is(
    repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    source: str,
    bom: bytes,
) -> None:
    """Honouring any BOM whatever follows would decode a binary that merely starts with FF FE
    into noise and hide the ASCII token inside it: random bytes after the BOM are mostly
    invalid units, so the file is read as bytes."""
    noise = random.Random(7).randbytes(6000).replace(b"ghp_", b"xxxx")
    data = bom + noise + b"\n" + f"T={GITHUB}\n".encode() + noise
    found, doc = _found(repo, "blob.bin", data, source, monkeypatch, capsys)
    assert len(found) == 1 and doc["stats"]["files_binary"] == 1
