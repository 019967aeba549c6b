"""Sources: turn what the user named into scan targets and targets into fragments.

A target is one file on disk with the two names the rest of the pipeline needs: its repo-relative
POSIX path (rules, fingerprints, excludes) and its display path (reports).
"""

from __future__ import annotations

import codecs
import errno
import itertools
import os
import stat
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from hex_guard.errors import GitError, InputError
from hex_guard.git import repo_root
from hex_guard.records import Found, Fragment, Outcome, Plan, Skip, SkipReason, Target, Unit

if TYPE_CHECKING:
    from hex_guard.scan import Scope

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
BINARY_SNIFF = 8192


def _posix(path: str) -> str:
    return path.replace(os.sep, "/") if os.sep != "/" else path


def make_target(fs_path: str, cwd: str) -> Target:
    absolute = os.path.abspath(fs_path)
    root = repo_root(os.path.dirname(absolute)) or cwd
    return Target(
        fs_path=absolute,
        repo_path=_posix(os.path.relpath(absolute, root)),
        display_path=_posix(os.path.relpath(absolute, cwd)),
    )


Listed = Callable[[str, Collection[str]], None]
"""Told each directory a walk lists (absolute) and the names of everything in it."""


class Unlisted(NamedTuple):
    """A directory below a listed one that could not be read, and why: nothing below it is
    scanned, and the summary says so."""

    # Relative POSIX name below the directory listed ("" for that directory itself).
    name: str
    reason: str


def _walk(directory: str, listed: Listed | None = None) -> Iterator[str | Unlisted]:
    """Relative POSIX names of every file below `directory`, never entering .git, in os.walk's
    order (a directory's files sorted, then its subdirectories in sorted order); an Unlisted for
    each directory that cannot be read (os.walk dropped those silently, red team 3). A loop, not
    recursion: a tree thousands of levels deep is walked until its paths grow too long to read,
    and that directory is named (os.walk's recursion crashed, red team 12)."""
    absolute = os.path.abspath(directory)
    below = os.path.join(absolute, "")
    stack = [""]
    while stack:
        rel_dir = stack.pop()
        here = below + rel_dir if rel_dir else absolute
        try:
            dirs, files = _entries(here)
        except OSError as exc:
            yield Unlisted(rel_dir, exc.strerror or type(exc).__name__)
            continue
        if listed is not None:
            # Named as `os.path.dirname` names the files below (`_directory_targets`).
            listed(here, (*dirs, *files))
        prefix = rel_dir + "/" if rel_dir else ""
        for name in sorted(files):
            yield prefix + name
        stack.extend(prefix + d for d in sorted(dirs, reverse=True) if d != ".git")


def _entries(path: str) -> tuple[list[str], list[str]]:
    """The names of the directories and of everything else in `path`. A symlink to a directory
    is not followed: it is listed with the files, and named as a symlink when opened."""
    dirs: list[str] = []
    files: list[str] = []
    with os.scandir(path) as entries:
        for entry in entries:
            (dirs if _is_dir(entry) else files).append(entry.name)
    return dirs, files


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:  # the open that follows names it
        return False


def _directory_names(
    directory: str, root: str | None, listed: Listed | None
) -> Iterable[str | Unlisted]:
    if root is None:
        return _walk(directory, listed)
    from hex_guard import git  # a hook run names files and never lists a directory

    try:
        if git.is_ignored(directory):
            # The user named it: what they name is scanned. Ignore rules only prune a walk.
            return _walk(directory, listed)
        listing = git.list_files(directory)
    except GitError:
        # Listing through git failed (e.g. git missing, or a directory git cannot enter): a
        # walk scans a superset, never less, and names what it cannot read.
        return _walk(directory, listed)
    absolute = os.path.abspath(directory)
    unopened = (
        Unlisted(_posix(os.path.relpath(os.path.join(root, path), absolute)), reason)
        for path, reason in listing.unopened
    )
    return itertools.chain(listing.files, unopened)


def _join(prefix: str, name: str) -> str:
    return name if prefix == "." else f"{prefix}/{name}"


def _directory_targets(directory: str, cwd: str, listed: Listed | None) -> Iterator[Target | Skip]:
    # Paths are built by joining strings once per directory, not per file: on a tree of tens of
    # thousands of files, per-file relpath/abspath calls cost more than the scanning itself.
    absolute = os.path.abspath(directory)
    root = repo_root(absolute)
    # `os.path.join(absolute, name)` and `_join(prefix, name)` as one concatenation each.
    fs_prefix = os.path.join(absolute, "")
    repo_prefix = _join(_posix(os.path.relpath(absolute, root or cwd)), "")
    display_prefix = _join(_posix(os.path.relpath(absolute, cwd)), "")
    for name in _directory_names(directory, root, listed):
        if isinstance(name, Unlisted):
            # Shown with a slash, as git names a directory: "sub/", "./".
            shown = (display_prefix + name.name).rstrip("/") or "."
            yield Skip(shown + "/", SkipReason.UNLISTED, detail=name.reason)
        else:
            yield Target(fs_prefix + name, repo_prefix + name, display_prefix + name)


def collect(
    paths: Iterable[str], cwd: str, listed: Listed | None = None
) -> Iterator[Target | Skip]:
    """Targets for the named files and directories, each file once, in a stable order, and a
    Skip for each directory below them that could not be read. `listed` is told every
    directory walked and what it holds."""
    seen: set[str] = set()
    for path in paths:
        if not os.path.lexists(path):
            raise InputError(f"no such file or directory: {path}")
        if os.path.isdir(path) and not os.path.islink(path):
            targets: Iterable[Target | Skip] = _directory_targets(path, cwd, listed)
        else:
            targets = (make_target(path, cwd),)
        for target in targets:
            if isinstance(target, Skip):
                yield target
            elif target.fs_path not in seen:
                seen.add(target.fs_path)
                yield target


# UTF-32 first: its little-endian BOM (FF FE 00 00) begins with UTF-16's (FF FE).
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# The first bytes of every BOM but UTF-32BE's (00 00 FE FF holds a NUL, which `encoding` looks
# at anyway): content starting with none of them and holding no NUL is read as it is.
_BOM_LEADS = b"\xef\xfe\xff"
# Content with a NUL that is not UTF-16/32 text: scanned like any other, byte for byte (the
# engine reads bytes; tokens and keys sit inside .pyc files, sqlite databases, stored jar
# entries), and counted in the summary as scanned as binary.
BINARY = "binary"


def _plain(head: bytes) -> bool:
    """Whether content starting with `head` is read as it is without a closer look: no BOM
    and no NUL in its first BINARY_SNIFF bytes (nearly every file). A BOM is looked at first
    whatever follows it: UTF-16 Cyrillic or CJK text holds no NUL for kilobytes (red team 1)."""
    return (not head or head[0] not in _BOM_LEADS) and head.find(b"\0", 0, BINARY_SNIFF) < 0


def _utf32le_bom(sample: bytes) -> bool:
    """Whether FF FE 00 00 opens UTF-32LE rather than UTF-16LE text whose first character is
    U+0000: most of what follows, read as UTF-32LE, is code points (units below 0x110000).
    Read as UTF-32LE, UTF-16 text's units hold a character's byte where a code point has 00."""
    units = len(sample) // 4
    valid = sum(1 for i in range(0, units * 4, 4) if sample[i + 3] == 0 and sample[i + 2] <= 0x10)
    return valid * 2 > units


def _bom_codec(head: bytes) -> tuple[str, int] | None:
    """The codec a UTF-16/32 BOM names, and the BOM's length. The BOM is honoured whatever
    follows: invalid units are decoded to U+FFFD one by one (`_decode`), so a few of them
    neither turn the file into binary nor shift the text after them (red team 2)."""
    for bom, codec in _WIDE_BOMS:
        if head.startswith(bom):
            if codec == "utf-32-le" and not _utf32le_bom(head[4:BINARY_SNIFF]):
                continue
            if not _mostly_valid(head[len(bom) : BINARY_SNIFF], codec):
                return None  # binary that starts with these bytes: read as it is
            return codec, len(bom)
    return None


# Invalid units a BOM may be followed by and still be text: a stray few (red team 2), not the
# ~3% lone surrogates (UTF-16) or ~99% out-of-range units (UTF-32) of binary content that
# merely opens with FF FE or FE FF, whose ASCII secrets decoding would hide.
_INVALID_SHARE = 0.005
_INVALID_STRAYS = 8


def _mostly_valid(sample: bytes, codec: str) -> bool:
    text = codecs.getincrementaldecoder(codec)("replace").decode(sample, final=False)
    return text.count("\ufffd") <= max(_INVALID_STRAYS, _INVALID_SHARE * len(text))


# The whitespace of text, which `str.isprintable` does not count.
_SPACE = frozenset("\t\n\r\f\v")
# (codec, bytes per unit, which byte of the unit holds the character). UTF-32 first: half of
# UTF-32 text's 2-byte units are 00 00, so it never passes for UTF-16.
_WIDE_LANES = (("utf-32-le", 4, 0), ("utf-32-be", 4, 3), ("utf-16-le", 2, 0), ("utf-16-be", 2, 1))
# Of the units: those whose other bytes are NUL (characters below U+0100), and those that are
# printable characters or whitespace. A German or French text is a few percent umlauts and
# accents (red team 2 and 6), a typographic dash or quote is above U+00FF: 10% of units may be.
_LATIN_SHARE = 0.9
_PRINTABLE_SHARE = 0.95


def _printable(sample: bytes, codec: str) -> bool:
    """Whether `sample` decodes strictly in `codec` to text that is nearly all printable: NULs
    and control characters are what binary content decodes to (a sqlite page, a .pyc)."""
    try:
        # Not final: a surrogate pair cut at the sample's end is no reason to doubt it.
        text = codecs.getincrementaldecoder(codec)("strict").decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    shown = sum(1 for c in text if c.isprintable() or c in _SPACE)
    return shown >= _PRINTABLE_SHARE * len(text)


def _sniff_wide(sample: bytes) -> str | None:
    """The codec of UTF-16/32 text without a BOM (Windows tools write it: PowerShell 5's `>`,
    regedit exports), told by its shape: in nearly every unit the bytes other than the
    character's are NUL (characters up to U+00FF: ASCII, and the accents of Latin-1), and the
    sample decodes strictly to printable text. A diff hunk of UTF-16LE text starts on the NUL
    after a newline; read as UTF-16BE from there it decodes to the same characters."""
    for codec, width, lane in _WIDE_LANES:
        units = len(sample) // width
        if units < 4:
            continue
        whole = sample[: units * width]
        zeros = whole.count(0) - whole[lane::width].count(0)
        if zeros >= _LATIN_SHARE * units * (width - 1) and _printable(whole, codec):
            return codec
    return None


def encoding(head: bytes) -> tuple[str | None, int]:
    """How to read content that starts with `head`: (codec, length of its BOM). The codec is
    None for bytes read as they are (UTF-8, even invalid), `BINARY` for bytes read as they are
    that hold a NUL in their first BINARY_SNIFF bytes and are not UTF-16/32 text."""
    if head.startswith(codecs.BOM_UTF8):
        return None, 3
    if _plain(head):
        return None, 0
    found = _bom_codec(head)
    if found is not None:
        return found
    if head.find(b"\0", 0, BINARY_SNIFF) < 0:  # a BOM's first byte, not a BOM
        return None, 0
    return _sniff_wide(head[:BINARY_SNIFF]) or BINARY, 0


def as_text(data: bytes) -> tuple[bytes, bool]:
    """Content held whole, as the engine reads it (UTF-16/32 decoded to UTF-8, a BOM dropped),
    and whether it is binary."""
    codec, bom = encoding(data)
    if codec is None or codec == BINARY:
        return data[bom:], codec == BINARY
    return _decode(codec, data[bom:]), False


def _decode(codec: str, data: bytes) -> bytes:
    return data.decode(codec, "replace").encode("utf-8", "surrogatepass")


Read = Callable[[int], bytes]
"""Reads up to n bytes of one file or blob; fewer only at its end."""

# Content above WINDOW bytes is scanned in windows of that size that overlap by OVERLAP bytes
# (whole lines where there are any): memory stays bounded when --max-file-size is raised (a 1 GB
# file read whole took 3 GB). The overlap is far longer than any secret a rule matches (a PEM
# key is ~3 KB), so one straddling a boundary is whole in the next window. Files on disk and
# git blobs go through the same `read_parts`.
WINDOW = 8 * 1024 * 1024
OVERLAP = 64 * 1024


def read_parts(
    read: Read, repo_path: str, display_path: str, max_size: int
) -> Iterator[Fragment | Skip]:
    """One file or blob as fragments: the whole of it when it fits in a window, else
    consecutive windows overlapping by OVERLAP (`Fragment.window` counts them, `first_line`
    keeps line numbers exact). UTF-16/32 text is decoded window by window. Content found larger
    than `max_size` (a file that grew while read) ends with a TOO_LARGE skip. Binary content is
    scanned byte for byte, its fragments marked `binary`."""
    want = _head_size(max_size)
    head = read(want)
    whole = _whole(head, want, repo_path, display_path, max_size)
    if whole is not None:
        yield whole
        return
    windows = _windows(head, read, repo_path, display_path, max_size)
    del head  # one window alive at a time, not two
    yield from windows


def blob_parts(
    read: Read, size: int, repo_path: str, display_path: str, max_size: int
) -> Iterable[Fragment | Skip]:
    """`read_parts` of content whose `size` is known (a git blob): one smaller than a window
    (nearly every one) is read at once into its one part, without `read_parts`' generator."""
    want = _head_size(max_size)
    if size >= want:
        return read_parts(read, repo_path, display_path, max_size)
    head = read(want)
    whole = _whole(head, want, repo_path, display_path, max_size)
    if whole is None:  # `read` gave more than `size` after all
        return _windows(head, read, repo_path, display_path, max_size)
    return (whole,)


def _head_size(max_size: int) -> int:
    """How much `read_parts` reads first: a window, or one byte past the limit (which tells)."""
    return min(WINDOW, max_size + 1)


def _whole(
    head: bytes, want: int, repo_path: str, display_path: str, max_size: int
) -> Fragment | Skip | None:
    """The one part of content whose first read of `want` bytes gave `head`: a TOO_LARGE skip,
    the whole of it when the read came back short (nearly every file and blob), else None:
    read on in windows."""
    if len(head) > max_size:
        return Skip(display_path, SkipReason.TOO_LARGE, max_size)
    if len(head) == want:
        return None
    if _plain(head):
        return Fragment(repo_path, display_path, head)  # `encoding`'s answer for most content
    codec, bom = encoding(head)
    if codec is None:
        return Fragment(repo_path, display_path, head[bom:])
    if codec == BINARY:
        return Fragment(repo_path, display_path, head, binary=True)
    return Fragment(repo_path, display_path, _decode(codec, head[bom:]))


def _windows(
    head: bytes, read: Read, repo_path: str, display_path: str, max_size: int
) -> Iterator[Fragment | Skip]:
    """Content whose first read filled a whole window, as overlapping windows (`read_parts`)."""
    codec, bom = encoding(head)
    binary = codec == BINARY
    rest = _raw_chunks(read, max_size, len(head))
    chunks: Iterator[bytes | None] = itertools.chain((head[bom:],), rest)
    del head  # one window alive at a time, not two
    if codec is not None and not binary:
        chunks = _decoded(codec, chunks)
    buffer, line = b"", 1
    for window in itertools.count():
        # The next piece is read only after this window is scanned: memory holds one window.
        more = next((c for c in chunks if c != b""), b"")
        if more is None:
            yield Skip(display_path, SkipReason.TOO_LARGE, max_size)
            return
        if not more and window:
            return
        tail = max(0, len(buffer) - OVERLAP)
        cut = buffer.find(b"\n", tail) + 1 or tail
        line += buffer.count(b"\n", 0, cut)
        buffer = buffer[cut:] + more
        del more
        yield Fragment(repo_path, display_path, buffer, line, window=window, binary=binary)


def _raw_chunks(read: Read, max_size: int, total: int) -> Iterator[bytes | None]:
    """Pieces of up to WINDOW bytes after the first `total`; None, and the end, once more than
    `max_size` is read. A short piece is the last (`Read` returns fewer only at the end)."""
    while True:
        want = min(WINDOW, max_size + 1 - total)
        chunk = read(want)
        if not chunk:
            return
        total += len(chunk)
        if total > max_size:
            yield None
            return
        yield chunk
        if len(chunk) < want:
            return


def _decoded(codec: str, chunks: Iterable[bytes | None]) -> Iterator[bytes | None]:
    """UTF-16/32 pieces as UTF-8, a character split between two pieces kept whole."""
    decoder = codecs.getincrementaldecoder(codec)("replace")
    for chunk in chunks:
        if chunk is None:
            yield None
            return
        yield decoder.decode(chunk).encode("utf-8", "surrogatepass")
    yield decoder.decode(b"", final=True).encode("utf-8", "surrogatepass")


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
_HAS_NOFOLLOW = hasattr(os, "O_NOFOLLOW")


def _read_upto(fd: int, n: int) -> bytes:
    """Up to `n` bytes of an open file; fewer only at its end."""
    chunk = os.read(fd, n)
    if len(chunk) == n or not chunk:
        return chunk
    chunks = [chunk]
    n -= len(chunk)
    while n > 0:
        chunk = os.read(fd, n)
        if not chunk:
            break
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _fd_reader(fd: int, left: int) -> Read:
    """`Read` over an open file with `left` bytes still expected (as fstat saw it; negative once
    it grew). Asking the kernel for the bytes expected, not a whole window, keeps a small file's
    read to one small buffer."""

    def read(n: int) -> bytes:
        nonlocal left
        data = _read_upto(fd, min(n, left + 1) if left >= 0 else n)  # one byte more tells growth
        left -= len(data)
        return data

    return read


def _open(target: Target) -> int | Skip:
    """A read-only descriptor of the target, or why it is not read. O_NOFOLLOW refuses symlinks
    and O_NONBLOCK keeps a FIFO from hanging the scan, so no separate lstat() is needed."""
    if not _HAS_NOFOLLOW and os.path.islink(target.fs_path):
        return Skip(target.display_path, SkipReason.SYMLINK)
    try:
        return os.open(target.fs_path, _OPEN_FLAGS)
    except FileNotFoundError:
        return Skip(target.display_path, SkipReason.MISSING)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Skip(target.display_path, SkipReason.SYMLINK)
        if not _is_regular(target.fs_path):
            # A socket, or a device with no driver behind it, refuses to open (ENXIO, ENODEV):
            # it is named like a FIFO that opens, never the end of the scan (red team 4).
            return Skip(target.display_path, SkipReason.NOT_REGULAR)
        raise InputError(f"cannot read {target.display_path}: {exc.strerror}") from exc


def _is_regular(fs_path: str) -> bool:
    """Whether `fs_path` is a regular file (or cannot be looked at: then its open error
    stands)."""
    try:
        return stat.S_ISREG(os.lstat(fs_path).st_mode)
    except OSError:
        return True


def _unreadable(target: Target, st: os.stat_result, max_size: int) -> Skip | None:
    if not stat.S_ISREG(st.st_mode):
        return Skip(target.display_path, SkipReason.NOT_REGULAR)
    if st.st_size > max_size:
        return Skip(target.display_path, SkipReason.TOO_LARGE, max_size)
    return None


def _read_open(
    fd: int, target: Target, max_size: int
) -> Fragment | Skip | Iterator[Fragment | Skip]:
    """What `read_parts` over `_fd_reader(fd, size)` yields for an open target: its one part
    when it is smaller than a window (nearly every file), read in one go without generators
    (per file, they cost a tree scan more than the reads); else its windows, lazily."""
    st = os.fstat(fd)
    skip = _unreadable(target, st, max_size)
    if skip is not None:
        return skip
    want = _head_size(max_size)
    if st.st_size >= want:
        read = _fd_reader(fd, st.st_size)
        return read_parts(read, target.repo_path, target.display_path, max_size)
    head = _read_upto(fd, st.st_size + 1)  # the read `read_parts` would make first
    whole = _whole(head, want, target.repo_path, target.display_path, max_size)
    if whole is None:  # it grew to a window while read
        read = _fd_reader(fd, st.st_size - len(head))
        return _windows(head, read, target.repo_path, target.display_path, max_size)
    return whole


def load_parts(target: Target, max_size: int) -> Iterator[Fragment | Skip]:
    """Read one target (`read_parts`), or a Skip (a file that vanished after it was listed is
    MISSING). The file stays open while its parts are scanned."""
    for item in _read_targets([target], max_size):
        yield item.fragment if isinstance(item, Unit) else item


def _read_targets(batch: Sequence[Target], max_size: int) -> Iterator[Unit | Skip]:
    """Each target's parts, read as `load_parts` reads one, without a generator per file; each
    file stays open while its parts are scanned."""
    for target in batch:
        fd = _open(target)
        if isinstance(fd, Skip):
            yield fd
            continue
        try:
            parts = _read_open(fd, target, max_size)
            if isinstance(parts, Fragment):
                yield Unit(parts, target.fs_path)
            elif isinstance(parts, Skip):
                yield parts
            else:
                for loaded in parts:
                    yield Unit(loaded, target.fs_path) if isinstance(loaded, Fragment) else loaded
        except OSError as exc:
            raise InputError(f"cannot read {target.display_path}: {exc.strerror}") from exc
        finally:
            os.close(fd)


def fragment_from_bytes(
    repo_path: str, display_path: str, data: bytes, max_size: int
) -> Fragment | Skip:
    """Content held whole as one fragment (`as_text`), or a TOO_LARGE skip."""
    if len(data) > max_size:
        return Skip(display_path, SkipReason.TOO_LARGE, max_size)
    text, binary = as_text(data)
    return Fragment(repo_path, display_path, text, binary=binary)


# Below this many files a process pool costs more than it saves (a hook run stays serial).
PARALLEL_MIN_FILES = 400


class Paths:
    """Source: the files and directories the user named (`hex-guard scan PATH...`).

    In a git work tree a directory means the files git tracks plus untracked ones it does not
    ignore; outside git every file below it but `.git/`.
    """

    def __init__(self, paths: Sequence[str], cwd: str | None = None) -> None:
        self.paths = tuple(paths)
        self.cwd = cwd if cwd is not None else os.getcwd()

    def plan(self, scope: Scope) -> Plan:
        listed = scope.configs.listed
        excluded = scope.excluded
        targets: list[Target] = []
        for item in collect(self.paths, self.cwd, listed):
            if isinstance(item, Skip):
                scope.stats.skipped.append(item)
            elif not excluded(item.fs_path):
                targets.append(item)
        large = len(targets) >= PARALLEL_MIN_FILES
        count = scope.jobs * 8 if large else 1
        return Plan(_chunks(targets, count), large=large, parallel=large)

    def read(self, batch: list[Target], max_size: int) -> Iterator[Unit | Skip]:
        return _read_targets(batch, max_size)

    def finish(self, found: list[Found], scope: Scope) -> Outcome:
        return Outcome([finding for _, finding in found])


def _chunks(targets: Sequence[Target], count: int) -> list[list[Target]]:
    """`count` interleaved chunks: neighbouring files (often alike in size) go to different
    workers, which balances the cores without a stat() per file in the parent."""
    return [list(targets[i::count]) for i in range(min(count, len(targets)))]
