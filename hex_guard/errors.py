"""Errors raised deep in the scan and turned into an exit code at one edge (main.py)."""

from __future__ import annotations

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
# 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C.
EXIT_INTERRUPTED = 130


class HexGuardError(Exception):
    """A failure the user can act on; the message is one line and never holds file content."""

    exit_code = EXIT_USAGE


class ConfigError(HexGuardError):
    """Bad `[tool.hex-guard]` section: names the file and the key."""


class InputError(HexGuardError):
    """A path that cannot be scanned (missing, unreadable)."""


class GitError(HexGuardError):
    """git failed or the repository state does not allow the requested scan."""


class RuleTimeoutError(HexGuardError):
    """A user-defined rule's regex ran past its time budget on one file."""
