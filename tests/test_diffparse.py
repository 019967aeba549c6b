"""Properties of the patch and raw-log parsers, on patches rendered the way git renders them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hex_guard.diffparse import added_blocks, nul_tokens, raw_entries, unquote_path

_SPECIAL = {b'"': b'\\"', b"\\": b"\\\\", b"\n": b"\\n", b"\t": b"\\t"}


def quote_path(path: bytes) -> bytes:
    """git's quote_c_style with core.quotePath=false: only specials and controls are escaped."""
    if not any(c < 0x20 or c in b'"\\' for c in path):
        return path
    out = bytearray(b'"')
    for c in path:
        byte = bytes([c])
        if byte in _SPECIAL:
            out += _SPECIAL[byte]
        elif c < 0x20:
            out += b"\\%03o" % c
        else:
            out += byte
    return bytes(out + b'"')


_PATH = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00/"),
        min_size=1,
        max_size=20,
    )
    .map(lambda s: s.encode())
    .filter(lambda b: b.strip() == b and not b.startswith(b'"'))
)
_LINE = st.binary(max_size=40).filter(lambda b: b"\n" not in b and b"\r" not in b)
_HUNK = st.tuples(st.integers(1, 50), st.lists(_LINE, min_size=1, max_size=5))


def render(commits: list[tuple[str, list[tuple[bytes, list[tuple[int, list[bytes]]]]]]]) -> bytes:
    out = bytearray()
    for sha, files in commits:
        out += b"\0" + sha.encode() + b"\0A U Thor <a@b.c>\0" + b"2026-01-01T00:00:00+00:00\n\n"
        for path, hunks in files:
            a, b = quote_path(b"a/" + path), quote_path(b"b/" + path)
            tab = b"\t" if b" " in path else b""
            out += b"diff --git " + a + b" " + b + b"\n" + b"index 1111111..2222222 100644\n"
            out += b"--- " + a + tab + b"\n+++ " + b + tab + b"\n"
            line = 0
            for gap, lines in hunks:
                line += gap
                out += b"@@ -%d,0 +%d,%d @@\n" % (line, line, len(lines))
                out += b"".join(b"+" + text + b"\n" for text in lines)
                out += b"-a removed line\n"
                line += len(lines)
    return bytes(out)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a" * 40, "b" * 40]),
            st.lists(
                st.tuples(_PATH, st.lists(_HUNK, min_size=1, max_size=3)), min_size=1, max_size=3
            ),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_added_blocks_recover_every_added_line(commits: list) -> None:  # type: ignore[type-arg]
    patch = render(commits)
    got = [
        (b.commit.sha, b.path.encode("utf-8", "surrogateescape"), b.first_line, b.lines)
        for b in added_blocks(patch.splitlines(keepends=True))
    ]
    want = []
    for sha, files in commits:
        for path, hunks in files:
            line = 0
            for gap, lines in hunks:
                line += gap
                want.append((sha, path, line, lines))
                line += len(lines)
    assert got == want


@given(_PATH)
def test_unquote_inverts_quote(path: bytes) -> None:
    assert unquote_path(quote_path(path)) == path


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["c" * 40, "d" * 40]),
            st.lists(st.tuples(_PATH, st.sampled_from(["100644", "120000"])), max_size=4),
        ),
        max_size=4,
    ),
    st.integers(1, 50),
)
def test_raw_entries_survive_any_chunking(commits: list, chunk: int) -> None:  # type: ignore[type-arg]
    stream = bytearray()
    for sha, files in commits:
        stream += b"\0" + sha.encode() + b"\0Au\0" + b"2026\0"
        for i, (path, mode) in enumerate(files):
            stream += (
                (b"\n" if i == 0 else b"")
                + b":000000 "
                + mode.encode()
                + b" "
                + b"0" * 40
                + b" "
                + b"%040x" % (i + 1)
                + b" A\0"
                + path
                + b"\0"
            )
    chunks = [bytes(stream[i : i + chunk]) for i in range(0, len(stream), chunk)]
    got = [
        (e.commit.sha, e.mode, e.path.encode("utf-8", "surrogateescape"))
        for e in raw_entries(nul_tokens(chunks))
    ]
    assert got == [(sha, mode, path) for sha, files in commits for path, mode in files]
