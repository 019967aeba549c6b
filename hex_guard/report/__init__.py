"""Report writers: one module per format, each `render(result, options) -> str`.

Every writer shows secrets through `Finding.shown_secret`, so redaction has one owner.
`REGISTRY` is the one list of formats: the CLI's choices, `--output-format` and the golden
tests are built from it. A new format is a module here plus one `Format` line below.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from hex_guard.scan import ScanResult


# NamedTuples, not frozen dataclasses: the CLI imports this module on every hook run, and a
# dataclass costs ~0.4 ms to create.
class ReportOptions(NamedTuple):
    show_secrets: bool = False
    color: bool = False


class Format(NamedTuple):
    name: str
    # The module under hex_guard.report that renders it (imported only when asked for).
    module: str
    description: str


REGISTRY: tuple[Format, ...] = (
    Format("text", "text", "one block per finding, for people"),
    Format("json", "json", "the documented machine report"),
    Format("sarif", "sarif", "SARIF 2.1.0 for code-scanning UIs"),
    Format("github", "github", "GitHub Actions workflow commands (inline annotations)"),
    Format("junit", "junit", "JUnit XML for CI test tabs"),
    Format("gitlab", "gitlab", "GitLab Code Quality JSON (merge request widget)"),
    Format(
        "gitlab-secret-detection",
        "gitlab_secret_detection",
        "GitLab secret-detection security report (gl-secret-detection-report.json)",
    ),
    Format("markdown", "markdown", "a Markdown findings table (GitHub job summary)"),
)
FORMATS = tuple(f.name for f in REGISTRY)
_BY_NAME = {f.name: f for f in REGISTRY}


def renderer(fmt: str) -> Callable[[ScanResult, ReportOptions], str]:
    """The writer for `fmt`, imported only when asked for."""
    if fmt not in _BY_NAME:
        raise ValueError(f"unknown report format {fmt!r}")
    module = import_module(f"hex_guard.report.{_BY_NAME[fmt].module}")
    render: Callable[[ScanResult, ReportOptions], str] = module.render
    return render
