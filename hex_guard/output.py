"""Where reports and human text go: all-or-nothing report files, a stdout that can fail, and a
stderr that is best effort.

A report written halfway (a full disk, a second output that fails, Ctrl-C) must not be left
behind looking like a complete, clean report: every file is written to a temporary name in its
own directory and renamed into place only once every report, stdout included, is written.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterable, Iterator, Sequence

from hex_guard.errors import HexGuardError


def say(text: str) -> None:
    """Human text on stderr. A closed or full stderr must not change the exit code: the report
    and the exit status carry the result, the summary only explains it."""
    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError):
        pass


def _write_stdout(text: str) -> None:
    if not text:
        return
    stream = sys.stdout
    if stream is None:
        raise HexGuardError("cannot write the report to stdout: stdout is closed")
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError) as exc:
        detach_stdout()
        reason = getattr(exc, "strerror", None) or "stdout is closed"
        raise HexGuardError(f"cannot write the report to stdout: {reason}") from exc


def detach_stdout() -> None:
    """Point fd 1 at /dev/null so the interpreter's own flush at exit cannot fail again (it
    would print a traceback and exit 120)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _temp_beside(path: str) -> tuple[int, str]:
    import tempfile  # only when writing a file (-o): a hook run prints, and pays nothing

    directory = os.path.dirname(os.path.abspath(path))
    try:
        return tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", dir=directory)
    except OSError as exc:
        raise HexGuardError(f"cannot write report to {path}: {exc.strerror}") from exc


def _write_temp(path: str, text: str) -> str:
    fd, temp = _temp_beside(path)
    try:
        with open(fd, "w", encoding="utf-8", errors="backslashreplace", newline="") as handle:
            handle.write(text)
        os.chmod(temp, 0o644 & ~_umask())
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise HexGuardError(f"cannot write report to {path}: {exc.strerror}") from exc
        raise
    return temp


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def _temporaries() -> Iterator[list[str]]:
    temps: list[str] = []
    try:
        yield temps
    except BaseException:
        for temp in temps:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        raise


def write_reports(reports: Sequence[tuple[str, str | None]]) -> None:
    """Write each (text, path) report, path None meaning stdout: all of them, or none of the
    files. Raises HexGuardError naming the output that failed."""
    with _temporaries() as temps:
        staged: list[tuple[str, str]] = []
        for text, path in reports:
            if path is not None and not _special(path):
                target = destination(path)
                temps.append(_write_temp(target, text))
                staged.append((temps[-1], target))
        for text, path in reports:
            if path is None:
                _write_stdout(text)
        for temp, path in staged:
            try:
                os.replace(temp, path)
            except OSError as exc:
                raise HexGuardError(f"cannot write report to {path}: {exc.strerror}") from exc
        for text, path in reports:
            if path is not None and _special(path):
                _write_in_place(path, text)


def _special(path: str) -> bool:
    """A device or FIFO (`-o /dev/null`, a pipe): written into, never replaced. Run as root,
    os.replace onto /dev/null swaps the machine's null device for a regular file."""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _write_in_place(path: str, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8", errors="backslashreplace", newline="") as handle:
            handle.write(text)
    except OSError as exc:
        raise HexGuardError(f"cannot write report to {path}: {exc.strerror}") from exc


def _resolved(path: str) -> str:
    return os.path.join(
        os.path.realpath(os.path.dirname(os.path.abspath(path))), os.path.basename(path)
    )


def destination(path: str) -> str:
    """The file a report written to `path` replaces: through a symlink the file it points at,
    never the link itself."""
    return os.path.realpath(path) if os.path.islink(path) else path


def clobbered(path: str, scanned: Iterable[str]) -> str | None:
    """The scanned file that writing a report to `path` would replace, if any.

    The report is renamed into place, so only the same directory entry is at risk (a hard link
    elsewhere keeps its content; a scanned symlink is never read); directories are compared
    after resolving links, and `path` itself is followed as the writer follows it: `-o
    report.txt` with report.txt a link to a scanned s.txt replaced s.txt (red team repro 9).
    """
    target = _resolved(destination(path))
    name = os.path.basename(target)
    for other in scanned:
        if os.path.basename(other) == name and _resolved(other) == target:
            return other
    return None
