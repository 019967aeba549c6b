"""Command line: each subcommand parses, calls one function and returns its exit code.

Heavy modules are imported inside the commands: a pre-commit hook pays for start-up on every
commit, so `hex-guard scan` loads only what a scan needs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click

from hex_guard import __version__
from hex_guard.errors import EXIT_INTERNAL, EXIT_USAGE, HexGuardError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hex-guard")
def cli() -> None:
    """Keep Hex API tokens, warehouse passwords and .env files out of git."""


def _use_color(output: str | None) -> bool:
    return output is None and "NO_COLOR" not in os.environ and sys.stdout.isatty()


def _write(text: str, output: str | None) -> None:
    if output is None or output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise HexGuardError(f"cannot write report to {output}: {exc.strerror}") from exc


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Report format (written to stdout or --output).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the report to FILE instead of stdout.",
)
@click.option(
    "--show-secrets", is_flag=True, help="Print secrets in full (they are redacted otherwise)."
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="TOML file with a [tool.hex-guard] table (default: nearest pyproject.toml).",
)
@click.option(
    "--max-file-size",
    type=click.IntRange(min=1),
    default=None,
    help="Skip (and report) files larger than this many bytes [default: 10 MiB].",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes for large scans [default: number of CPUs].",
)
@click.option("--quiet", "-q", is_flag=True, help="No summary on stderr.")
def scan(
    paths: tuple[str, ...],
    fmt: str,
    output: str | None,
    show_secrets: bool,
    config_path: str | None,
    max_file_size: int | None,
    jobs: int | None,
    quiet: bool,
) -> int:
    """Scan files and directories (default: the current directory).

    In a git work tree a directory means the files git tracks plus untracked files it does not
    ignore; outside git, every file below it except .git/.
    """
    import dataclasses

    from hex_guard import config as config_module
    from hex_guard import scan as scan_module
    from hex_guard.report import ReportOptions
    from hex_guard.report import json as json_report
    from hex_guard.report import text as text_report

    targets = paths or (".",)
    config = config_module.load(config_path, config_module.search_start(targets))
    if max_file_size is not None:
        config = dataclasses.replace(config, max_file_size=max_file_size)
    result = scan_module.run(targets, config, jobs=jobs)
    options = ReportOptions(show_secrets=show_secrets, color=_use_color(output))
    renderer = json_report.render if fmt == "json" else text_report.render
    _write(renderer(result, options), output)
    if not quiet:
        sys.stderr.write(text_report.summary(result))
    return result.exit_code


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def rules(fmt: str) -> int:
    """List every detection rule with its severity and a redacted example."""
    from hex_guard.rules_report import render_rules

    sys.stdout.write(render_rules(fmt))
    return 0


def _internal_error(exc: BaseException) -> int:
    # The exception's message may quote scanned content, so only its type and place are shown.
    import traceback  # only on this path: it costs a hook run ~4 ms of imports

    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" at {os.path.basename(frame.filename)}:{frame.lineno}" if frame else ""
    sys.stderr.write(
        f"hex-guard: internal error: {type(exc).__name__}{where}; nothing was let through "
        "(set HEX_GUARD_DEBUG=1 for the traceback)\n"
    )
    if os.environ.get("HEX_GUARD_DEBUG"):
        traceback.print_exception(type(exc), exc, exc.__traceback__)
    return EXIT_INTERNAL


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="hex-guard",
            standalone_mode=False,
        )
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        sys.stderr.write("hex-guard: aborted\n")
        return EXIT_USAGE
    except HexGuardError as exc:
        sys.stderr.write(f"hex-guard: error: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("hex-guard: interrupted\n")
        return EXIT_INTERNAL
    except Exception as exc:
        return _internal_error(exc)
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(main())
