"""Report writers: one module per format, each `render(result, options) -> str`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReportOptions:
    show_secrets: bool = False
    color: bool = False


FORMATS = ("text", "json")
