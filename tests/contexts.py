"""Embeds a snippet in the file shapes data teams commit, and maps secrets to their escaped form."""

from __future__ import annotations

import json
from collections.abc import Callable

Context = Callable[[str], tuple[str, str]]


def _indent(snippet: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in snippet.splitlines())


CONTEXTS: dict[str, Context] = {
    "text": lambda s: ("notes.txt", f"some notes\n{s}\nmore notes\n"),
    "env": lambda s: (".env", f"PORT=8080\n{s}\nDEBUG=1\n"),
    "yaml": lambda s: ("config.yaml", f"service:\n  name: etl\n  value: |\n{_indent(s, '    ')}\n"),
    "json": lambda s: ("config.json", json.dumps({"name": "etl", "value": s}, indent=2) + "\n"),
    "python": lambda s: ("settings.py", f'import os\n\nVALUE = """\n{s}\n"""\n'),
    "shell": lambda s: ("run.sh", f"cat <<'EOF' > out.txt\n{s}\nEOF\n"),
    "toml": lambda s: ("settings.toml", f"[app]\nname = 'etl'\nvalue = '''\n{s}\n'''\n"),
    "notebook": lambda s: (
        "analysis.ipynb",
        json.dumps(
            {
                "cells": [
                    {"cell_type": "markdown", "metadata": {}, "source": ["# Load\n"]},
                    {
                        "cell_type": "code",
                        "execution_count": 1,
                        "metadata": {},
                        "outputs": [],
                        "source": s.splitlines(keepends=True),
                    },
                ],
                "metadata": {},
                "nbformat": 4,
                "nbformat_minor": 5,
            },
            indent=1,
        ),
    ),
}

JSON_ESCAPED = {"json", "notebook"}


def escaped(secret: str) -> str:
    return json.dumps(secret)[1:-1]
