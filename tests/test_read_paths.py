"""The per-file shortcuts of a tree scan give what the general paths give.

`sources.Paths.read` and `load_parts` (a file smaller than a window, read in one go) against
`read_parts`, and `config.Resolver.listed` (a walk's listing sparing the config lookup its stat
calls) against a resolver that stats every directory.
"""

from __future__ import annotations

import codecs
import io
import os
from pathlib import Path

import pytest

from hex_guard import sources
from hex_guard.config import Config, Resolver
from hex_guard.records import Fragment, Skip, SkipReason, Target, Unit

MAX = 1 << 20


def _target(path: Path) -> Target:
    return Target(str(path), path.name, path.name)


def _paths_read(target: Target, max_size: int) -> list[Fragment | Skip]:
    out: list[Fragment | Skip] = []
    for item in sources.Paths([]).read([target], max_size):
        if isinstance(item, Unit):
            assert item.fs_path == target.fs_path
            out.append(item.fragment)
        else:
            out.append(item)
    return out


def _both(path: Path, max_size: int = MAX) -> list[Fragment | Skip]:
    """What `Paths.read` and `load_parts` read of `path`, after checking they agree."""
    parts = list(sources.load_parts(_target(path), max_size))
    assert _paths_read(_target(path), max_size) == parts
    return parts


def _expected(data: bytes, max_size: int = MAX) -> list[Fragment | Skip]:
    return list(sources.read_parts(io.BytesIO(data).read, "f.txt", "f.txt", max_size))


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"x = 1\n",
        codecs.BOM_UTF8 + b"x = 1\n",
        codecs.BOM_UTF16_LE + "x = 1\n".encode("utf-16-le"),
        "x = 1\n".encode("utf-16-be"),  # no BOM: told by its shape
        codecs.BOM_UTF32_LE + "x = 1\n".encode("utf-32-le"),
        b"\x00\x01\x02\x03" * 100,  # binary
        b"\xff\xfe\x00" * 10,  # invalid UTF-8 with NULs
    ],
)
def test_a_small_file_reads_as_its_one_part(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(data)
    assert _both(path) == _expected(data)
    assert len(_expected(data)) == 1


def test_a_file_filling_a_window_is_read_in_windows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "WINDOW", 4096)
    monkeypatch.setattr(sources, "OVERLAP", 512)
    path = tmp_path / "f.txt"
    for size in (4095, 4096, 9000):
        data = (b"line\n" * size)[:size]
        path.write_bytes(data)
        for max_size in (MAX, 9000):  # a file over the limit is refused by fstat, unread
            assert _both(path, max_size) == _expected(data, max_size)
        assert (len(_both(path)) > 1) == (size > 4096)


def test_a_file_at_the_limit_is_read_and_one_past_it_skipped(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"a" * 100)
    assert _both(path, 100) == _expected(b"a" * 100, 100)
    assert _both(path, 99) == [Skip("f.txt", SkipReason.TOO_LARGE, 99)]


def test_what_is_not_read_is_skipped_as_before(tmp_path: Path) -> None:
    (tmp_path / "real.txt").write_text("x")
    os.symlink(tmp_path / "real.txt", tmp_path / "link.txt")
    os.mkfifo(tmp_path / "fifo")
    cases = {
        "link.txt": SkipReason.SYMLINK,
        "fifo": SkipReason.NOT_REGULAR,
        "gone.txt": SkipReason.MISSING,
    }
    for name, reason in cases.items():
        assert _both(tmp_path / name) == [Skip(name, reason)]


def _tree(root: Path) -> None:
    files = {
        "pyproject.toml": '[tool.hex-guard]\nexclude = ["*.log"]\n',
        "a/b/.hex-guard.toml": 'exclude = ["x.txt"]\n',
        "c/PyProject.toml": '[tool.hex-guard]\nexclude = ["y.txt"]\n',  # case-insensitive FS
        "d/pyproject.toml": "[tool.other]\n",
        "e/.git": "gitdir: elsewhere\n",  # a submodule's top: configs above stop here
        "e/.hex-guard.toml": 'exclude = ["z.txt"]\n',
        "ü/x.txt": "x",
        "g/ü.txt": "x",  # a listing with a name that is not ASCII is not taken on its word
    }
    for name in ("a/x.txt", "a/b/x.txt", "a/b/c/x.txt", "a/b/c/y.log", "c/y.txt"):
        files[name] = "x"
    for name in ("d/e/x.txt", "e/z.txt", "e/f/w.log", "top.txt"):
        files[name] = "x"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_a_walks_listing_resolves_every_file_as_a_stat_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    hinted, plain = Resolver(None), Resolver(None)
    targets = list(sources.collect(["."], str(tmp_path), hinted.listed))
    assert targets == list(sources.collect(["."], str(tmp_path)))

    def seen(resolver: Resolver, fs_path: str) -> tuple[str | None, str, bool]:
        config: Config = resolver.for_file(fs_path)
        return config.source, config.base_dir, resolver.excluded(fs_path)

    assert [seen(hinted, t.fs_path) for t in targets] == [seen(plain, t.fs_path) for t in targets]
    assert {t.repo_path for t in targets if hinted.excluded(t.fs_path)} >= {"a/b/c/x.txt"}
    # Only directories holding none of the names looked for are taken on the listing's word.
    bare = {os.path.relpath(d, tmp_path) for d in hinted._bare}
    assert bare == {"a", "a/b/c", "d/e", "e/f", "ü"}


@pytest.mark.parametrize("size", [0, 10, 4095, 4096, 9000])
@pytest.mark.parametrize("told", [0, -1])  # the size as told, or one less: a reader that gave more
def test_a_blob_reads_as_read_parts_reads_it(
    monkeypatch: pytest.MonkeyPatch, size: int, told: int
) -> None:
    monkeypatch.setattr(sources, "WINDOW", 4096)
    monkeypatch.setattr(sources, "OVERLAP", 512)
    data = (b"line\n" * size)[:size]
    for max_size in (MAX, 4095, 8999):
        expected = list(sources.read_parts(io.BytesIO(data).read, "b", "b", max_size))
        read = io.BytesIO(data).read
        assert list(sources.blob_parts(read, size + told, "b", "b", max_size)) == expected
