"""exclude / allowlist / rule-path globs follow gitignore, checked against pathspec itself."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pathspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hex_guard.config import PathMatcher
from hex_guard.globs import GlobError, combined_regex, translate

PATHS = [
    "a",
    "b",
    "ab",
    "x/a",
    "docs",
    "docs/a.md",
    "docs/api/x.md",
    "src/docs/y.md",
    "notes/docs",
    "!important",
    "a*b",
    "aXb",
    "build/out.o",
    "deep/er/build/out.o",
    "root.txt",
    "sub/root.txt",
    "tests/fixtures/x.env",
    "#hash",
    "a[1]",
]

# The report: hand-written globs disagreed with gitignore on these.
CASES = [
    ["[!a]"],
    ["docs/"],
    ["\\!important"],
    ["a\\*b"],
    ["docs/", "!docs/api/"],
    ["*", "!a"],
    ["/root.txt"],
    ["**/build/"],
    ["deep/**/out.o"],
    ["d?cs"],
    ["[a-b]"],
    ["tests/"],
    ["*.md", "!docs/*.md"],
    ["docs", "!docs/a.md"],
    ["\\#hash"],
    ["a\\[1]"],
]


def reference(globs: list[str], path: str) -> bool:
    return pathspec.PathSpec.from_lines("gitignore", globs).match_file(path)


@pytest.mark.parametrize("globs", CASES, ids=lambda g: " ".join(g))
def test_exclude_matches_gitignore(tmp_path: object, globs: list[str]) -> None:
    matcher = PathMatcher("/base", globs)
    combined = re.compile(combined_regex(globs))
    for path in PATHS:
        expected = reference(globs, path)
        assert matcher.matches("/base/" + path) is expected, path
        assert (combined.search(path) is not None) is expected, path


@pytest.mark.parametrize(
    ("glob", "problem"),
    [
        ("#x", "comment"),
        ("[ab", "unclosed"),
        ("!", "Invalid"),
        ("   ", "empty"),
        ("[z-a]", "bad character range z-a"),
        ("[9-0]x", "bad character range"),
        ("[!z-a]", "bad character range"),
        ("[a-\\\\]", "bad character range"),
        ("[[:alpha:]]", "POSIX"),
        ("*.[[:digit:]x]", "POSIX"),
        ("[[]", "ambiguous"),
    ],
)
def test_unsupported_globs_are_rejected(glob: str, problem: str) -> None:
    with pytest.raises(GlobError, match=re.escape(problem)):
        translate(glob)


@pytest.mark.parametrize("glob", ["[a-]", "[]-a]", "[!]-a]", "\\[[:a]", "a[1]", "*.[ch]"])
def test_accepted_bracket_globs_compile_without_warnings(glob: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        PathMatcher("/base", [glob]).matches("/base/x")
        re.compile(combined_regex([glob]))


def test_leading_negation_is_rejected() -> None:
    with pytest.raises(GlobError, match="negation"):
        combined_regex(["!docs/"])


def test_negation_hits_count_as_used() -> None:
    matcher = PathMatcher("/base", ["docs/", "!docs/api/", "never/"])
    assert matcher.matches("/base/docs/a.md")
    assert not matcher.matches("/base/docs/api/x.md")
    assert matcher.hits == [1, 1, 0]


def test_plain_hook_run_does_not_import_pathspec(tmp_path: object) -> None:
    code = (
        "import sys; from hex_guard.config import Config; import hex_guard.scan, hex_guard.main;"
        "Config().excluder(); print('pathspec' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    ).stdout
    assert out.strip() == "False"


_segment = st.text(alphabet="ab*?[]!/\\", min_size=1, max_size=6)
_path = st.lists(st.text(alphabet="ab!*", min_size=1, max_size=3), min_size=1, max_size=4)


@settings(deadline=None)
@given(globs=st.lists(_segment, min_size=1, max_size=3), parts=_path)
def test_property_same_verdict_as_pathspec(globs: list[str], parts: list[str]) -> None:
    path = "/".join(parts)
    try:
        matcher = PathMatcher("/base", globs)
        combined = re.compile(combined_regex(globs))
    except GlobError:
        return  # rejected with exit 2: never silently read differently
    expected = reference(globs, path)
    assert matcher.matches("/base/" + path) is expected
    assert (combined.search(path) is not None) is expected


_plain_glob = st.from_regex(r"/?[A-Za-z0-9_.\-]{1,6}(?:/[A-Za-z0-9_.\-]{1,6}){0,2}/?", fullmatch=True)


@settings(deadline=None)
@given(glob=_plain_glob | st.sampled_from(["tests/", "/dist", "docs/build/", ".venv/", "a/./b"]))
def test_a_plain_glob_is_translated_as_pathspec_translates_it(glob: str) -> None:
    from pathspec.patterns.gitignore.basic import GitIgnoreBasicPattern

    assert translate(glob) == GitIgnoreBasicPattern.pattern_to_regex(glob)


def test_a_hook_run_with_plain_excludes_does_not_import_pathspec(tmp_path: Path) -> None:
    # Nor `regex` (~7 ms), which only patterns (allow, allowlist values, custom rules) need.
    (tmp_path / "pyproject.toml").write_text(
        '[tool.hex-guard]\nexclude = ["tests/", "fixtures/", "/docs/build/"]\n'
    )
    (tmp_path / "app.py").write_text("x = 1\n")
    code = (
        "import sys; from hex_guard.main import main; code = main(['scan', '-q', 'app.py']);"
        "print(code, 'pathspec' in sys.modules, 'regex' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    ).stdout
    assert out.split() == ["0", "False", "False"]
