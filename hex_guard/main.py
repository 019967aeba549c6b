"""Command line: each subcommand parses, calls one function and returns its exit code.

Heavy modules are imported inside the commands: a pre-commit hook pays for start-up on every
commit, so `hex-guard scan` loads only what a scan needs.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, cast

import click

from hex_guard import __version__, cli_help, printable
from hex_guard.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, HexGuardError
from hex_guard.output import say
from hex_guard.report import FORMATS

if TYPE_CHECKING:
    from hex_guard.config import Config, Resolver
    from hex_guard.scan import ScanResult, Source
    from hex_guard.verify.records import VerifyOptions


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from hex_guard import prefilter

    # Which prefilter runs is part of the version: it decides how fast large scans are.
    python = sys.version.split()[0]
    click.echo(f"hex-guard {__version__} (Python {python}, prefilter: {prefilter.describe()})")
    ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=cli_help.MAIN)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version, the Python and which prefilter runs, then exit.",
)
def cli() -> None:
    """Keep Hex API tokens, warehouse passwords and .env files out of git."""


def _use_color(output: str | None, mode: str) -> bool:
    from hex_guard.color import use_color

    if output is not None and output != "-":  # a report file: only when asked for outright
        return mode == "always"
    stdout = sys.stdout
    return use_color(mode, bool(stdout and stdout.isatty()), os.environ)


def _configs(
    config_path: str | None,
    max_file_size: int | None = None,
    data: bool = False,
    *,
    keep_context: bool = False,
) -> Resolver:
    """Each file's config: `--config` for all, else the nearest config above the file."""
    from hex_guard.config import Resolver

    return Resolver(config_path, max_file_size, data, keep_context)


def _load_config(config_path: str | None) -> Config:
    """The config of the current directory (commands that do not scan files)."""
    return _configs(config_path).primary


def _baseline_fingerprints(path: str | None) -> frozenset[str]:
    if path is None:
        return frozenset()
    from hex_guard import baseline

    return frozenset(e.fingerprint for e in baseline.load(path))


def _run(
    source: Source,
    configs: Resolver,
    jobs: int | None,
    flags: ReportFlags,
    progress: bool = False,
) -> ScanResult:
    """Every scan command's one call into the corridor, with the baseline and the minimum
    confidence its flags name."""
    from hex_guard import scan as scan_module
    from hex_guard.rules import Confidence

    known = _baseline_fingerprints(flags.baseline_path or configs.primary.baseline)
    floor = Confidence[flags.min_confidence.upper()] if flags.min_confidence else None
    return scan_module.run(
        source, configs, jobs, baseline=known, progress=progress, min_confidence=floor
    )


def _paths(paths: Sequence[str]) -> Source:
    from hex_guard.sources import Paths

    return Paths(paths)


def _git_source(staged: bool, diff_range: str | None) -> Source:
    from hex_guard import gitscan

    cwd = os.getcwd()
    if staged:
        return gitscan.StagedIndex(cwd)
    if diff_range:
        return gitscan.CommitRange(gitscan.diff_range_args(diff_range, git_root(cwd)), cwd)
    return gitscan.pre_push(cwd)


def git_root(cwd: str) -> str:
    from hex_guard import git

    return git.require_root(cwd)


Decorator = Callable[[Any], Any]
# The rules package is not imported by the CLI's start-up; the names are checked against its
# Confidence enum in tests/test_confidence.py.
CONFIDENCE_NAMES = ("low", "medium", "high")
FORMAT_NAMES = FORMATS  # declared once, in hex_guard.report.REGISTRY
# One of each kind, shared by every option: building a click.Path looks its name up in gettext's
# catalogues, a few file-system calls each time (~0.05 ms, eleven times in a hook run's start-up).
_FILE = click.Path(dir_okay=False)
_DIRECTORY = click.Path(file_okay=False)
_OUTPUT_FORMATS = click.option(
    "--output-format",
    "output_formats",
    multiple=True,
    metavar="FORMAT=PATH",
    help="Write FORMAT to PATH (- for stdout); repeat for several reports from one scan. "
    "Replaces --format/--output.",
)
_PATHS = click.argument("paths", nargs=-1, type=click.Path())
_CONFIG = click.option(
    "--config",
    "config_path",
    type=_FILE,
    default=None,
    help="Config file: .hex-guard.toml, or TOML with [tool.hex-guard] (default: nearest one).",
)
_DATA = click.option(
    "--data",
    is_flag=True,
    help="Also report query results in notebook outputs and personal data in notebooks and "
    "data files (config: data-outputs = true).",
)
_COLOR = click.option(
    "--color",
    "color_mode",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the text report: auto follows NO_COLOR, FORCE_COLOR, CLICOLOR_FORCE, TERM=dumb "
    "and whether stdout is a terminal.",
)
_JOBS = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes for large scans, at most 4 per CPU [default: number of CPUs].",
)


def _verify_flags(command: Any) -> Any:
    """`--verify` and its bounds, shared by scan and history (hex_guard/verify/cli.py)."""
    options = (
        click.option(
            "--verify",
            is_flag=True,
            help="Check each credential found against the service it belongs to (network; "
            "never on unless given). Needs hex-guard[verify].",
        ),
        click.option("--only-live", is_flag=True, help="With --verify: report only live ones."),
        click.option(
            "--verify-timeout",
            type=click.FloatRange(min=0.5, max=120.0),
            default=5.0,
            show_default=True,
            help="Seconds one check may take.",
        ),
        click.option(
            "--verify-concurrency",
            type=click.IntRange(min=1, max=64),
            default=4,
            show_default=True,
            help="Checks in flight at once.",
        ),
        click.option(
            "--verify-rate",
            type=click.FloatRange(min=0.1, max=1000.0),
            default=10.0,
            show_default=True,
            help="Checks started per second.",
        ),
        click.option(
            "--hex-base-url",
            metavar="URL",
            default=None,
            help="Hex workspace base URL for EU or single-tenant workspaces "
            "[default: https://app.hex.tech].",
        ),
    )
    for option in reversed(options):
        command = option(command)
    return command


class ReportFlags(NamedTuple):
    """The options every scanning command shares: what to report, where, and from which config.

    A NamedTuple: a frozen dataclass costs every hook run ~0.4 ms to create."""

    fmt: str
    output: str | None
    show_secrets: bool
    output_formats: tuple[str, ...]
    config_path: str | None
    baseline_path: str | None
    min_confidence: str | None
    data: bool
    quiet: bool
    color_mode: str


def _report_flags(quiet_help: str, between: Sequence[Decorator] = ()) -> Decorator:
    """Add the shared options, with the command's own `between` them in --help's order, and hand
    the command one `flags: ReportFlags` for them (scan and history declared them twice)."""
    head = (
        click.option(
            "--format",
            "fmt",
            type=click.Choice(FORMAT_NAMES),
            default="text",
            show_default=True,
            help="Report format (written to stdout or --output).",
        ),
        click.option(
            "--output",
            "-o",
            type=_FILE,
            default=None,
            help="Write the report to FILE instead of stdout.",
        ),
        click.option(
            "--show-secrets", is_flag=True, help="Print secrets in full (redacted otherwise)."
        ),
        _OUTPUT_FORMATS,
        _CONFIG,
        click.option(
            "--baseline",
            "baseline_path",
            type=_FILE,
            default=None,
            help="Report only findings not recorded in this baseline file.",
        ),
        click.option(
            "--min-confidence",
            type=click.Choice(CONFIDENCE_NAMES),
            default=None,
            help="Report, and fail on, only findings at least this sure: high is vendor token "
            "formats and key structures, medium adds values judged by their key "
            "[default: the config's min-confidence, else low].",
        ),
    )
    tail = (_DATA, click.option("--quiet", "-q", is_flag=True, help=quiet_help), _COLOR)
    names = ReportFlags._fields

    def decorate(command: Callable[..., int]) -> Callable[..., int]:
        @functools.wraps(command)
        def packed(**kwargs: Any) -> int:
            flags = ReportFlags(**{name: kwargs.pop(name) for name in names})
            return command(flags=flags, **kwargs)

        wrapped: Any = _verify_flags(packed)
        for option in reversed((*head, *between, *tail)):
            wrapped = option(wrapped)
        return cast(Callable[..., int], wrapped)

    return decorate


@cli.command(epilog=cli_help.SCAN)
@_PATHS
@_report_flags(
    quiet_help="No summary on stderr.",
    between=(
        click.option(
            "--max-file-size",
            type=click.IntRange(min=1),
            default=None,
            help="Skip (and report) files larger than this many bytes [default: 10 MiB].",
        ),
        _JOBS,
        click.option(
            "--staged", is_flag=True, help="Scan the staged content of changed files (git index)."
        ),
        click.option(
            "--diff",
            "diff_range",
            metavar="RANGE",
            default=None,
            help="Scan the lines added by the commits in BASE..HEAD or BASE...HEAD.",
        ),
        click.option(
            "--pre-push",
            is_flag=True,
            help="Scan the commits being pushed (PRE_COMMIT_FROM_REF..PRE_COMMIT_TO_REF).",
        ),
        click.option(
            "--report-unused", is_flag=True, help="List allowlist entries that matched nothing."
        ),
    ),
)
def scan(
    paths: tuple[str, ...],
    flags: ReportFlags,
    max_file_size: int | None,
    jobs: int | None,
    staged: bool,
    diff_range: str | None,
    pre_push: bool,
    report_unused: bool,
    **verify_flags: Any,
) -> int:
    """Scan files and directories (default: the current directory), or git content.

    In a git work tree a directory means the files git tracks plus untracked files it does not
    ignore; outside git, every file below it except .git/. --staged, --diff and --pre-push scan
    what git holds instead, and take no PATH.
    """
    modes = sum(1 for m in (staged, diff_range is not None, pre_push) if m)
    if modes > 1 or (modes and paths):
        raise click.UsageError("--staged, --diff, --pre-push and PATH exclude each other")
    targets = paths or (".",)
    check = _verify_request(verify_flags, hook=staged or pre_push, quiet=flags.quiet)
    configs = _configs(flags.config_path, max_file_size, flags.data, keep_context=check is not None)
    source = _git_source(staged, diff_range) if modes else _paths(targets)
    result = _run(source, configs, jobs, flags)
    if check is not None:
        result = _verified(result, check, verify_flags, flags.quiet)
    return _report(result, configs.primary, flags, report_unused)


def _verify_request(flags: dict[str, Any], *, hook: bool, quiet: bool) -> VerifyOptions | None:
    if not flags.get("verify") and not flags.get("only_live"):
        return None  # the verify package is not even imported
    from hex_guard.verify.cli import options_from

    return options_from(flags, hook=hook, quiet=quiet)


def _verified(
    result: ScanResult, check: VerifyOptions, flags: dict[str, Any], quiet: bool
) -> ScanResult:
    from hex_guard.verify.cli import verified

    return verified(result, check, only_live=bool(flags.get("only_live")), quiet=quiet)


def _outputs(specs: Sequence[str], fmt: str, output: str | None) -> list[tuple[str, str | None]]:
    """(format, path) pairs; `--output-format FORMAT=PATH` (PATH `-` is stdout) may repeat.

    Mixed with --format or --output one of the two would be dropped without a word, so the mix
    is a usage error.
    """
    if not specs:
        return [(fmt, None if output == "-" else output)]  # `-o -` is stdout, as `text=-` is
    ctx = click.get_current_context()
    if output is not None or ctx.get_parameter_source("fmt") != click.core.ParameterSource.DEFAULT:
        raise click.UsageError(
            "--output-format replaces --format and --output; give one or the other"
        )
    pairs: list[tuple[str, str | None]] = []
    for spec in specs:
        name, sep, path = spec.partition("=")
        if not sep or name not in FORMAT_NAMES or not path:
            raise click.BadParameter(
                f"{spec!r}: expected FORMAT=PATH with FORMAT one of {', '.join(FORMAT_NAMES)}",
                param_hint="--output-format",
            )
        pairs.append((name, None if path == "-" else path))
    if sum(1 for _, path in pairs if path is None) > 1:
        raise click.BadParameter("only one format can go to stdout", param_hint="--output-format")
    return pairs


def _report(result: ScanResult, config: Config, flags: ReportFlags, report_unused: bool) -> int:
    from hex_guard import output
    from hex_guard.report import ReportOptions, renderer
    from hex_guard.report import text as text_report

    reports = []
    outputs = _outputs(flags.output_formats, flags.fmt, flags.output)
    read = [*result.stats.scanned, *(s.display_path for s in result.stats.skipped)]
    for fmt, path in outputs:
        victim = output.clobbered(path, read) if path is not None else None
        if victim is not None:
            raise HexGuardError(
                f"refusing to write the report over {victim}: this scan reads it "
                "(choose another --output path)"
            )
        color = fmt == "text" and _use_color(path, flags.color_mode)
        options = ReportOptions(show_secrets=flags.show_secrets, color=color)
        reports.append((renderer(fmt)(result, options), path))
    output.write_reports(reports)
    if not flags.quiet:
        say(text_report.summary(result, config))
    if report_unused:
        say(text_report.unused(result, config))
    return result.exit_code


@cli.command(epilog=cli_help.HISTORY)
@click.argument("rev_range", required=False, metavar="[REV-RANGE]")
@click.option("--all", "all_refs", is_flag=True, help="Every ref: branches, tags, stash (default).")
@_report_flags(quiet_help="No summary or progress on stderr.", between=(_JOBS,))
def history(
    rev_range: str | None,
    all_refs: bool,
    flags: ReportFlags,
    jobs: int | None,
    **verify_flags: Any,
) -> int:
    """Scan every blob ever committed, once each; one finding per secret with its first commit.

    REV-RANGE (e.g. v1.0..main) limits the scan to the commits it names; the default is every
    ref. A shallow clone exits 2: its history is incomplete.
    """

    from hex_guard import git, gitscan
    from hex_guard.history import History

    if rev_range and all_refs:
        raise click.UsageError("give --all or a REV-RANGE, not both")
    cwd = os.getcwd()
    check = _verify_request(verify_flags, hook=False, quiet=flags.quiet)
    configs = _configs(flags.config_path, None, flags.data, keep_context=check is not None)
    args = gitscan.range_args(rev_range, git.history_root(cwd)) if rev_range else ["--all"]
    progress = not flags.quiet and sys.stderr is not None and sys.stderr.isatty()
    if not flags.quiet:
        _warn_if_slow_history(args, cwd)
    result = _run(History(args, cwd), configs, jobs, flags, progress)
    if check is not None:
        result = _verified(result, check, verify_flags, flags.quiet)
    return _report(result, configs.primary, flags, False)


@cli.command()
@click.argument("repos_file", type=_FILE)
@click.option(
    "--output-dir",
    "-o",
    "out_dir",
    required=True,
    type=_DIRECTORY,
    help="One <repo-id>.json per repository, and the state of incremental runs.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "json", "sarif")),
    default="text",
    show_default=True,
    help="Merged report over every repository.",
)
@click.option(
    "--report",
    "report_path",
    type=_FILE,
    default=None,
    help="Write the merged report to FILE instead of stdout.",
)
@click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    default=None,
    help="Run on this Dask cluster (pip install 'hex-guard[fleet]') instead of locally.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Repositories scanned at once on the local pool [default: number of CPUs].",
)
@click.option(
    "--cache-dir",
    type=_DIRECTORY,
    default=None,
    help="Where each worker keeps its mirrors [default: OUTDIR/.hex-guard/mirrors].",
)
@click.option("--full", is_flag=True, help="Rescan every blob, not only those new since last run.")
@click.option("--show-secrets", is_flag=True, help="Print and store secrets in full.")
@_CONFIG
@click.option("--quiet", "-q", is_flag=True, help="No table or progress on stderr.")
def fleet(
    repos_file: str,
    out_dir: str,
    fmt: str,
    report_path: str | None,
    scheduler: str | None,
    jobs: int | None,
    cache_dir: str | None,
    full: bool,
    show_secrets: bool,
    config_path: str | None,
    quiet: bool,
) -> int:
    """Scan the history of every repository REPOS_FILE lists (a clone URL or path a line)."""
    from hex_guard.fleet import FleetOptions, run_fleet

    return run_fleet(
        FleetOptions(
            repos_file,
            out_dir,
            config_path,
            fmt,
            report_path,
            scheduler,
            jobs,
            cache_dir,
            full,
            show_secrets,
            quiet,
        )
    )


def _warn_if_slow_history(args: Sequence[str], cwd: str) -> None:
    from hex_guard import git
    from hex_guard.prefilter import LARGE_HISTORY_COMMITS, accelerator

    if accelerator() is not None:
        return
    if git.count_commits(args, git.history_root(cwd)) >= LARGE_HISTORY_COMMITS:
        say(
            "hex-guard: hyperscan is not installed, so this large history is scanned with the "
            "slower pure-Python prefilter (same findings); see README, Troubleshooting\n"
        )


@cli.command("install-hook", epilog=cli_help.HOOK)
@click.option(
    "--force",
    is_flag=True,
    help="Replace a pre-commit hook that is not hex-guard's (kept; uninstall-hook restores it).",
)
def install_hook(force: bool) -> int:
    """Install a plain git pre-commit hook that runs `hex-guard scan --staged`."""
    from hex_guard import githook

    path, kept = githook.install_hook(os.getcwd(), sys.executable, force)
    if kept:
        say(f"hex-guard: kept the hook it replaced as {kept}\n")
    say(f"hex-guard: installed {path}\n")
    return 0


@cli.command("uninstall-hook", epilog=cli_help.HOOK)
def uninstall_hook() -> int:
    """Remove the git pre-commit hook hex-guard installed (and no other); restore the one it
    replaced."""
    from hex_guard import githook

    path, restored = githook.uninstall_hook(os.getcwd())
    if path is None:
        say("hex-guard: no hook installed\n")
    elif restored:
        say(f"hex-guard: removed hex-guard's hook and restored the one it replaced at {path}\n")
    else:
        say(f"hex-guard: removed {path}\n")
    return 0


@cli.command(epilog=cli_help.RULES)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="List as text, JSON or a Markdown table (the README's).",
)
@click.option(
    "--check",
    is_flag=True,
    help="Verify every rule's examples and counter-examples; exit 1 if any fails.",
)
@_CONFIG
def rules(fmt: str, check: bool, config_path: str | None) -> int:
    """List every detection rule (built-in and from the config) with a redacted example."""
    from hex_guard.rules_report import check_rules, render_rules

    config = _load_config(config_path)
    if check:
        failures = check_rules(config.rules())
        for failure in failures:
            say(f"hex-guard: {failure}\n")
        count = len(config.rules())
        say(f"hex-guard: {count} rule(s) checked, {len(failures)} failure(s)\n")
        return 1 if failures else 0
    _stdout(render_rules(config.rules(), fmt))
    return 0


@cli.command("config", epilog=cli_help.CONFIG)
@_CONFIG
def show_config(config_path: str | None) -> int:
    """Print the effective configuration and where each value comes from."""
    from hex_guard.config_report import render_config

    _stdout(render_config(_load_config(config_path)))
    return 0


@cli.group()
def baseline() -> None:
    """Record today's findings so only new ones are reported (for legacy repositories)."""


_BASELINE_FILE = click.option(
    "--output",
    "-o",
    "baseline_file",
    type=_FILE,
    default=".hex-guard-baseline.json",
    show_default=True,
    help="The baseline file to write.",
)


@baseline.command("create", epilog=cli_help.BASELINE)
@_PATHS
@_BASELINE_FILE
@_CONFIG
@_JOBS
def baseline_create(
    paths: tuple[str, ...], baseline_file: str, config_path: str | None, jobs: int | None
) -> int:
    """Scan and write every current finding's fingerprint (no secrets, no line numbers)."""
    from hex_guard import baseline as baseline_module
    from hex_guard import scan as scan_module

    targets = paths or (".",)
    result = scan_module.run(_paths(targets), _configs(config_path), jobs)
    entries = baseline_module.entries_of(result.findings)
    baseline_module.write(baseline_file, entries)
    say(f"hex-guard: wrote {len(entries)} finding(s) to {baseline_file}\n")
    return 0


@baseline.command("prune", epilog=cli_help.BASELINE)
@_PATHS
@_BASELINE_FILE
@_CONFIG
@_JOBS
def baseline_prune(
    paths: tuple[str, ...], baseline_file: str, config_path: str | None, jobs: int | None
) -> int:
    """Drop baseline entries whose secret is no longer found."""
    from hex_guard import baseline as baseline_module
    from hex_guard import scan as scan_module

    targets = paths or (".",)

    entries = baseline_module.load(baseline_file)
    result = scan_module.run(_paths(targets), _configs(config_path), jobs)
    present = {f.fingerprint for f in result.findings}
    kept = [e for e in entries if e.fingerprint in present]
    baseline_module.write(baseline_file, kept)
    say(f"hex-guard: kept {len(kept)} of {len(entries)} baseline entries in {baseline_file}\n")
    return 0


def _internal_error(exc: BaseException) -> int:
    # The exception's message may quote scanned content, so only its type and place are shown.
    import traceback  # only on this path: it costs a hook run ~4 ms of imports

    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" at {os.path.basename(frame.filename)}:{frame.lineno}" if frame else ""
    say(
        f"hex-guard: internal error: {type(exc).__name__}{where}; nothing was let through "
        "(set HEX_GUARD_DEBUG=1 for the traceback)\n"
    )
    if os.environ.get("HEX_GUARD_DEBUG") and sys.stderr is not None:
        traceback.print_exception(type(exc), exc, exc.__traceback__)
    return EXIT_INTERNAL


def _stdout(text: str) -> None:
    from hex_guard import output

    output.write_reports([(text, None)])


def main(argv: Sequence[str] | None = None) -> int:
    if argv is not None:
        return _main(argv)
    # Without argv this is the process's entry point (the console script, `python -m
    # hex_guard`), and the process ends when it returns. Start-up builds tens of thousands of
    # objects that live until then (click's commands, the rule table, the records' classes);
    # the cyclic collector walked them at each collection and all of them again at exit: ~10 ms
    # of a 10-file hook run. Frozen (after the imports and after the command), they are skipped.
    # Tests call main(argv) many times in one process; there the collector is left alone.
    gc.freeze()
    try:
        return _main(None)
    finally:
        gc.freeze()


def _main(argv: Sequence[str] | None) -> int:
    # A path with invalid UTF-8 arrives as lone surrogates; print it escaped, never crash on it.
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        code = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="hex-guard",
            standalone_mode=False,
        )
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        with contextlib.suppress(OSError, ValueError):
            exc.show()
        return exc.exit_code
    except click.exceptions.Abort as exc:
        # click turns Ctrl-C into Abort; the shell's convention for SIGINT is 128 + 2.
        if isinstance(exc.__cause__, KeyboardInterrupt):
            return _interrupted()
        say("hex-guard: aborted\n")
        return EXIT_USAGE
    except HexGuardError as exc:
        # One line, whatever file name or git output the message quotes.
        say(f"hex-guard: error: {printable.line(str(exc))}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        return _interrupted()
    except Exception as exc:
        return _internal_error(exc)
    return code if isinstance(code, int) else 0


def _interrupted() -> int:
    say("hex-guard: interrupted; nothing was written\n")
    return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
