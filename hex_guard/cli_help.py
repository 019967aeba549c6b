"""Help epilogs: examples and exit codes per command, kept apart so main.py stays a wiring list.

`\\b` keeps click from re-wrapping the block that follows it.
"""

from __future__ import annotations

_CODES_SCAN = """\b
Exit codes:
  0  no findings
  1  findings (secrets reported)
  2  usage, configuration or git problem (shallow clone, unknown revision, unreadable path)
  3  internal error (never 0: a crash must not let a commit through)"""

SCAN = f"""\b
Examples:
  hex-guard scan                                  # the current directory
  hex-guard scan --staged                         # what the next commit holds
  hex-guard scan --diff origin/main...HEAD --format sarif -o hex-guard.sarif

{_CODES_SCAN}"""

HISTORY = f"""\b
Examples:
  hex-guard history                               # every ref, every blob once
  hex-guard history v1.0..main --format json -o leaks.json
  hex-guard history --baseline .hex-guard-baseline.json -q

{_CODES_SCAN}"""

RULES = """\b
Examples:
  hex-guard rules                                 # every rule with a redacted example
  hex-guard rules --check                         # test custom rules' examples (CI)

\b
Exit codes:
  0  listed, or every example and counter-example behaved
  1  --check: some example was missed or some counter-example was found
  2  configuration error"""

CONFIG = """\b
Examples:
  hex-guard config                                # TOML that pastes back into the config file
  hex-guard config --config ci/hex-guard.toml

\b
Exit codes:
  0  printed
  2  configuration error (the message names the file and the key)"""

BASELINE = """\b
Examples:
  hex-guard baseline create                       # writes .hex-guard-baseline.json
  hex-guard baseline prune                        # drops entries whose secret is gone

\b
Exit codes:
  0  written
  2  usage, configuration or file problem
  3  internal error"""

HOOK = """\b
Exit codes:
  0  done
  2  not in a git repository, or another hook is in the way (use --force)
  3  internal error"""

MAIN = """\b
Examples:
  hex-guard scan                 scan the current directory
  hex-guard scan --staged        scan what the next commit holds
  hex-guard history              scan every blob ever committed

\b
Shell completion (bash, zsh, fish), e.g. in ~/.bashrc:
  eval "$(_HEX_GUARD_COMPLETE=bash_source hex-guard)"

Exit codes everywhere: 0 clean, 1 findings, 2 usage/config/git problem, 3 internal error."""
