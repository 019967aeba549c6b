"""gitignore-style globs, as users read them: translated by pathspec, git's semantics.

The hand-written translation this replaces disagreed with gitignore in 8 of 16 patterns (issue
12): `[!a]` was inverted, a trailing `/` also matched files, `\\` escapes and `!` negation were
not handled. pathspec is the reference implementation Python tools share; it costs ~20 ms to
import (its package init loads its own regex back-ends), so it is imported only when a config
actually has globs and a plain hook run never pays for it.

The commonest globs are plain names (`tests/`, `fixtures/`, `docs/build/`): those are
translated here to the very string pathspec gives (tests/test_globs.py compares the two over
generated names), so a hook run in a repository whose config excludes a few directories does
not import pathspec (~20 ms of a ~75 ms run).

A list keeps gitignore's order rule: the last pattern that matches a path decides, so
`["docs/", "!docs/api/"]` covers `docs/` except `docs/api/`.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence


class GlobError(ValueError):
    """A glob that gitignore would read differently from what its author meant."""


def _unclosed_bracket(glob: str) -> bool:
    # gitignore takes an unclosed `[` literally; in an allowlist that is far more likely a typo
    # that silently matches nothing, so it is rejected (exit 2) instead.
    i, depth_open = 0, False
    while i < len(glob):
        char = glob[i]
        if char == "\\":
            i += 2
            continue
        if char == "[" and not depth_open:
            depth_open = True
            # `[]` and `[!]` take a literal `]` as their first member.
            if glob.startswith("]", i + 1):
                i += 1
            elif glob.startswith("!]", i + 1):
                i += 2
        elif char == "]" and depth_open:
            depth_open = False
        i += 1
    return depth_open


def translate(glob: str) -> tuple[str, bool]:
    """(`re` pattern over a POSIX path relative to the config's directory, include?).

    include is False for a `!` negation. Use the pattern with `re.search` (pathspec's
    convention); a directory pattern matches everything below it.
    """
    stripped = glob.strip()
    if not stripped:
        raise GlobError("empty glob")
    if stripped.startswith("#"):
        raise GlobError("a glob starting with '#' is a comment in gitignore; write '\\#' for a '#'")
    if _unclosed_bracket(stripped):
        raise GlobError("unclosed '[' (write '\\[' for a literal '[')")
    plain = _plain(glob)
    if plain is not None:
        return plain, True
    from pathspec.patterns.gitignore import GitIgnorePatternError
    from pathspec.patterns.gitignore.basic import GitIgnoreBasicPattern

    try:
        regex, include = GitIgnoreBasicPattern.pattern_to_regex(glob)
    except GitIgnorePatternError as exc:
        raise GlobError(str(exc)) from exc
    if regex is None or include is None:
        raise GlobError("matches nothing")
    _check_sets(stripped, regex)
    return regex, include


# git reads `[[:alpha:]]`, `[[=a=]]` and `[[.a.]]` as classes; pathspec (and so this module)
# reads them as a set of literal characters followed by `]`: the two disagree, so it is rejected.
_POSIX_CLASS = re.compile(r"(?<!\\)\[(?:!|\^)?\]?[^\]]*\[[:=.]")


def _check_sets(glob: str, regex: str) -> None:
    """Reject bracket expressions that `re` cannot compile or would warn about.

    pathspec copies a bracket expression into the regex as written, so a reversed range
    (`[z-a]`) failed in `re.compile` long after validation (exit 3), and `[[]` printed a
    FutureWarning ("possible nested set") on every run.
    """
    if _POSIX_CLASS.search(glob):
        raise GlobError("POSIX character classes like [:alpha:] are not supported; list the "
                        "characters instead (e.g. [a-zA-Z])")
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        try:
            re.compile(regex)
        except re.error as exc:
            raise GlobError(f"invalid bracket expression: {exc.msg}") from exc
        except FutureWarning as exc:
            raise GlobError(
                "a '[' or a doubled '-', '&', '~' or '|' inside [...] is ambiguous; "
                "write '\\[' outside the brackets for a literal '['"
            ) from exc


# Names of letters, digits, `.`, `_` and `-` joined by single slashes, at most one leading and
# one trailing: no wildcard, escape, negation, comment or space, whose gitignore reading is
# all in two questions (anchored? directory only?).
_PLAIN = re.compile(r"/?[A-Za-z0-9_.\-]+(?:/[A-Za-z0-9_.\-]+)*/?")


def _plain(glob: str) -> str | None:
    """pathspec's regex for a plain glob, or None for any other glob (pathspec translates it)."""
    if _PLAIN.fullmatch(glob) is None:
        return None
    body = glob.strip("/")
    if any(part in (".", "..") for part in body.split("/")):
        return None
    # A slash before the end anchors the glob to the config's directory; a trailing slash
    # matches a directory (everything below it) only.
    anchored = "/" in glob[:-1]
    prefix = "^" if anchored else "^(?:.+/)?"
    return prefix + re.escape(body) + ("/" if glob.endswith("/") else "(?:/|$)")


def translate_all(globs: Sequence[str]) -> list[tuple[str, bool]]:
    out = [translate(g) for g in globs]
    if out and not out[0][1]:
        first = globs[0]
        raise GlobError(f"{first!r}: a '!' negation only re-includes what an earlier glob matched")
    return out


def _anywhere(regex: str) -> str:
    # pathspec's patterns are meant for `re.search`: most start with `^`, some (`*/`) do not.
    return f"(?s:.*?)(?:{regex})"


def combined_regex(globs: Sequence[str]) -> str:
    """One `re` pattern true for the paths the list matches under gitignore's last-match rule.

    Each positive glob becomes one alternative guarded by negative lookaheads for the negations
    after it, so a rule's path filter stays a plain (picklable) pattern string.
    """
    parts = translate_all(globs)
    alternatives = []
    for i, (regex, include) in enumerate(parts):
        if not include:
            continue
        later = "".join(f"(?!{_anywhere(r)})" for r, inc in parts[i + 1 :] if not inc)
        alternatives.append(f"(?={_anywhere(regex)}){later}")
    # Anchored once more so `re.search` cannot retry the lookaheads further along the path.
    return "^(?:" + "|".join(alternatives) + ")" if alternatives else ""
