"""Report writers: one module per format, each `render(result, options) -> str`.

Every writer shows secrets through `Finding.shown_secret`, so redaction has one owner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hex_guard.scan import ScanResult


@dataclass(frozen=True)
class ReportOptions:
    show_secrets: bool = False
    color: bool = False


FORMATS = ("text", "json", "sarif", "github", "junit")


def renderer(fmt: str) -> Callable[[ScanResult, ReportOptions], str]:
    """The writer for `fmt`, imported only when asked for."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}")
    module = import_module(f"hex_guard.report.{fmt}")
    render: Callable[[ScanResult, ReportOptions], str] = module.render
    return render
