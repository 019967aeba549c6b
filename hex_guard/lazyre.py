"""Regexes compiled on first use: a clean hook run never touches most of them, and compiling
them all at import would add milliseconds to every commit."""

from __future__ import annotations

import re
from typing import Any, AnyStr, cast


class _LazyPattern:
    def __init__(self, pattern: str | bytes, flags: int) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[Any] | None = None
        _ALL.append(self)

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            self._compiled = re.compile(*self._args)
        value = getattr(self._compiled, name)
        # Kept on the instance, so the next `.search` is a plain attribute lookup: this hook
        # ran once per call before, ~10,000 times in a tree scan's validators.
        setattr(self, name, value)
        return value

    def __reduce__(self) -> tuple[Any, ...]:  # picklable for spawn-started workers
        return (_LazyPattern, self._args)


_ALL: list[_LazyPattern] = []


def lazy(pattern: AnyStr, flags: int = 0) -> re.Pattern[AnyStr]:
    return cast("re.Pattern[AnyStr]", _LazyPattern(pattern, flags))


def compile_all() -> None:
    """Compile every lazy pattern now: before a pool forks, so its workers inherit them
    compiled instead of each compiling the same ones again."""
    for pattern in _ALL:
        if pattern._compiled is None:
            pattern._compiled = re.compile(*pattern._args)
