"""Base64 blobs that hide key material: a whole `*.json.b64` service-account file, a
`DEPLOY_KEY_B64=` value, a PEM key encoded twice. Decoded (up to `MAX_DEPTH` layers) and scanned;
findings point at the outermost encoded run.

Which blobs: those holding the base64 form of one of `WORDS`. A word encodes to three strings,
one per alignment of its first byte (mod 3), each with a stable core that does not depend on the
bytes around it; encoded twice, to nine. Those cores are the gate's literal keywords, so this
rides the engine's one prefilter pass and no file is read again unless it holds one (images and
lock-file hashes never do). The decoder finds the cores again, widens each to its whole base64
run (wrapped lines included) and decodes the run once.

Bounds: each layer is 3/4 the size of the one it came from and each run is decoded once per
layer, so the work is linear in the file; a third layer is decoded when a second one holds an
encoded word, and no deeper.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator

from hex_guard.decoders.view import Positions, View, point_at
from hex_guard.records import Fragment

NAME = "base64-blob"
# Words that only key material and credential files hold (PEM labels of every kind, Google's
# service-account and user credential JSON, the AWS shared credentials file).
WORDS = ("PRIVATE KEY", "service_account", "authorized_user", "aws_secret_access_key")
MAX_DEPTH = 3
# A run shorter than this holds no key material worth decoding.
MIN_RUN = 24

_ALPHABET = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_")
_LINE_SPACE = b" \t\r"
_PAD = 61  # `=`
# Wrapped blobs wrap at 64 (PEM) or 76 (MIME, base64(1)) columns; a shorter line is a word.
_MIN_WRAP = 16


def _cores(text: bytes) -> set[bytes]:
    """The base64 strings `text` becomes at each of the three alignments, less the characters
    that also encode neighbouring bytes; url-safe spellings included."""
    out = set()
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + text)
        core = encoded[-(-8 * shift // 6) : 8 * (shift + len(text)) // 6]
        out.add(core)
        out.add(core.translate(bytes.maketrans(b"+/", b"-_")))
    return out


def _forms() -> tuple[frozenset[bytes], frozenset[bytes]]:
    once = {core for word in WORDS for core in _cores(word.encode())}
    twice = {inner for core in once for inner in _cores(core)}
    return frozenset(once), frozenset(twice)


ONCE, TWICE = _forms()
# The gate's keywords: a blob encoded once or twice (the prefilter matches them in any case).
KEYWORDS = tuple(sorted({form.decode().lower() for form in ONCE | TWICE}))


def _line_bounds(data: bytes, index: int) -> tuple[int, int]:
    start = data.rfind(b"\n", 0, index) + 1
    end = data.find(b"\n", index)
    return start, len(data) if end == -1 else end


class _Line:
    """The line that holds a hit: its bounds, and those of its text less indentation and
    trailing space. Hits come in file order, so each line is measured once: measuring it again
    for every hit made one long line of short runs quadratic (red team repro 11: 62 s at 4 MB)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.start = self.end = self.first = self.last = 0

    def at(self, index: int) -> _Line:
        if not self.start <= index < self.end:
            self.start, self.end = _line_bounds(self.data, index)
            line = self.data[self.start : self.end]
            self.first = self.end - len(line.lstrip(_LINE_SPACE))
            self.last = self.start + len(line.rstrip(_LINE_SPACE))
        return self


def _run_line(data: bytes, start: int, end: int) -> tuple[int, int] | None:
    """The [start, end) of a line that is nothing but base64 (a wrapped blob's line),
    indentation and trailing space aside."""
    line = data[start:end]
    body = line.strip(_LINE_SPACE)
    if len(body) < _MIN_WRAP or not all(c in _ALPHABET or c == _PAD for c in body):
        return None
    first = start + len(line) - len(line.lstrip(_LINE_SPACE))
    return first, first + len(body)


def _run_at(data: bytes, index: int, line: _Line) -> tuple[int, int]:
    """[start, end) of the base64 run that holds `index` (on `line`): the token on its line and,
    when the token fills its line (a blob wrapped at a fixed width), the base64 lines above it of
    at least its width and those below it down to the first shorter or padded one."""
    start = index
    while start > line.start and data[start - 1] in _ALPHABET:
        start -= 1
    end = index
    while end < line.end and data[end] in _ALPHABET:
        end += 1
    body_end = end
    while end < line.end and data[end] == _PAD and end - body_end < 2:
        end += 1
    width = end - start
    if width < _MIN_WRAP or end < line.last:  # other text follows on the line
        return start, end
    if data[end - 1] != _PAD:
        end = _extend_down(data, line.end, width, end)
    if start <= line.first:  # nothing but indentation before it
        start = _extend_up(data, line.start, width, start)
    return start, end


def _extend_down(data: bytes, line_end: int, width: int, end: int) -> int:
    while line_end < len(data):
        below = _run_line(data, line_end + 1, _line_bounds(data, line_end + 1)[1])
        if below is None or below[1] - below[0] > width:
            break
        end = below[1]
        if below[1] - below[0] < width or data[end - 1] == _PAD:
            break  # the last line of a wrapped blob
        line_end = _line_bounds(data, line_end + 1)[1]
    return end


def _extend_up(data: bytes, line_start: int, width: int, start: int) -> int:
    above_width = 0
    while line_start > 0:
        above_start, above_end = _line_bounds(data, line_start - 1)
        above = _run_line(data, above_start, above_end)
        if above is None or data[above[1] - 1] == _PAD:
            break
        run_width = above[1] - above[0]
        if run_width < width or (above_width and run_width != above_width):
            break
        above_width = run_width
        start, line_start = above[0], above_start
    return start


def _decode(run: bytes) -> bytes | None:
    text = b"".join(run.split())
    text = text.rstrip(b"=")
    if len(text) % 4 == 1:
        return None
    altchars = b"-_" if b"-" in text or b"_" in text else None
    try:
        return base64.b64decode(text + b"=" * (-len(text) % 4), altchars=altchars, validate=True)
    except (binascii.Error, ValueError):
        return None


def _hits(data: bytes, forms: frozenset[bytes]) -> Iterator[int]:
    for form in forms:
        index = data.find(form)
        while index != -1:
            yield index
            index = data.find(form, index + 1)


def _layers(data: bytes, depth: int) -> Iterator[tuple[int, int, bytes]]:
    """(start, end, decoded) for each run in `data` holding an encoded word, and, at the same
    span, each deeper layer it hides."""
    forms = ONCE | TWICE if depth == 1 else ONCE
    done = 0  # hits come in order, so a hit before the last run's end lies in that run
    line = _Line(data)
    for index in sorted(set(_hits(data, forms))):
        if index < done:
            continue
        start, end = _run_at(data, index, line.at(index))
        done = end
        decoded = _decode(data[start:end]) if end - start >= MIN_RUN else None
        if decoded is None:
            continue
        yield start, end, decoded
        if depth < MAX_DEPTH:
            yield from ((start, end, inner) for _, _, inner in _layers(decoded, depth + 1))


def decode(fragment: Fragment) -> list[View]:
    """A view of every decoded layer, each pointing at its outermost run in the file."""
    views = []
    position = Positions(fragment.data)  # runs come in file order: one cursor for them all
    for start, end, decoded in _layers(fragment.data, 1):
        data = Fragment(fragment.repo_path, fragment.display_path, decoded, decoded=NAME)
        views.append(View(data, point_at(position, start, end)))
    return views
