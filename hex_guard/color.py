"""Whether the text report is coloured: the flag, then the conventions terminals share.

Order: `--color always|never` wins; then NO_COLOR (https://no-color.org: "when present and not
an empty string, regardless of its value"); then FORCE_COLOR (https://force-color.org, same
non-empty rule) or CLICOLOR_FORCE (https://bixense.com/clicolors: "set to a value other than
0"); then TERM=dumb; otherwise colour only on a terminal. NO_COLOR beats FORCE_COLOR because
an unwanted escape code in a log is worse than a plain line on a terminal.
"""

from __future__ import annotations

from collections.abc import Mapping

MODES = ("auto", "always", "never")


def use_color(mode: str, is_tty: bool, env: Mapping[str, str]) -> bool:
    if mode != "auto":
        return mode == "always"
    if env.get("NO_COLOR", ""):
        return False
    if env.get("FORCE_COLOR", "") or env.get("CLICOLOR_FORCE", "0") not in ("", "0"):
        return True
    if env.get("TERM") == "dumb":
        return False
    return is_tty
