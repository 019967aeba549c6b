"""Configuration, allowlists, baselines and custom rules (issue 4), through the CLI on real files."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from hex_guard.finding import fingerprint
from hex_guard.main import main
from tests.conftest import git, write

TOKEN = "hxtw_" + "0123456789abcdef" * 6
PASSWORD_URI = "postgresql://etl:Rs8pW2qLx9@db.prod.acme.io:5432/dw"


def scan_json(
    cwd: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, dict, str]:
    monkeypatch.chdir(cwd)
    code = main(["scan", "--format", "json", *args])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out else {}, err


def config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], body: str
) -> str:
    write(tmp_path / "pyproject.toml", body)
    write(tmp_path / "a.txt", "clean\n")
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "."]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "pyproject.toml" in err
    return err


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[tool.hex-guard]\nexlude = []\n", "unknown key 'exlude'"),
        ("[tool.hex-guard]\nexclude = 'tests/'\n", "exclude: must be a list"),
        ("[tool.hex-guard]\nexclude = ['[ab']\n", "invalid glob"),
        # A reversed range failed in re.compile after validation: exit 3 (red team repro 8).
        ("[tool.hex-guard]\nexclude = ['[z-a]']\n", "exclude: invalid glob '[z-a]'"),
        ("[tool.hex-guard]\nexclude = ['[!z-a]']\n", "bad character range z-a"),
        ("[tool.hex-guard]\nexclude = ['[a-\\\\]']\n", "exclude: invalid glob"),
        (
            "[[tool.hex-guard.allowlist]]\nrules = ['*']\npaths = ['[9-0]x']\n",
            "allowlist[0].paths: invalid glob '[9-0]x'",
        ),
        (
            "[[tool.hex-guard.rules]]\nid = 'mine'\nregex = 'a'\npaths = ['[9-0]x']\n",
            "rules[0].paths: invalid glob",
        ),
        # git reads a POSIX class, pathspec literal characters (and `re` warned): refused.
        ("[tool.hex-guard]\nexclude = ['[[:alpha:]]']\n", "POSIX character classes"),
        ("[tool.hex-guard]\nexclude = ['x[[]']\n", "exclude: invalid glob"),
        ("[tool.hex-guard]\nmax-file-size = 'big'\n", "max-file-size: must be a positive integer"),
        (
            "[tool.hex-guard]\ndisable = ['no-such-rule']\n",
            "disable: unknown rule id 'no-such-rule'",
        ),
        ("[tool.hex-guard]\nallow = ['(unclosed']\n", "allow: invalid regex"),
        ("[tool.hex-guard]\nstopwords = [1]\n", "stopwords: must be a list"),
        ("[tool.hex-guard]\nignore = ['abc']\n", "ignore: 'abc' is not a fingerprint"),
        ("[tool.hex-guard]\ninline-markers = 'yes'\n", "inline-markers: must be true or false"),
        ("[tool.hex-guard]\nbaseline = 3\n", "baseline: must be a path"),
        ("[tool.hex-guard]\nallowlist = {}\n", "allowlist: must be an array of tables"),
        ("[[tool.hex-guard.allowlist]]\npaths = ['x/']\n", "allowlist[0]: 'rules' is required"),
        ("[[tool.hex-guard.allowlist]]\nrules = ['*']\n", "allowlist[0]: needs at least one of"),
        (
            "[[tool.hex-guard.allowlist]]\nrules = ['nope']\npaths = ['x']\n",
            "allowlist[0].rules: unknown rule id 'nope'",
        ),
        (
            "[[tool.hex-guard.allowlist]]\nrules = ['*']\npath = ['x']\n",
            "allowlist[0]: unknown key 'path'",
        ),
        (
            "[[tool.hex-guard.allowlist]]\nrules = ['*']\nvalues = ['(']\n",
            "allowlist[0].values: invalid regex",
        ),
        ("[[tool.hex-guard.rules]]\nid = 'x y'\nregex = 'a'\n", "rules[0].id: must be lower-case"),
        (
            "[[tool.hex-guard.rules]]\nid = 'hex-api-token'\nregex = 'a'\n",
            "rules[0].id: 'hex-api-token' is already a rule id",
        ),
        ("[[tool.hex-guard.rules]]\nid = 'mine'\n", "rules[0].regex: is required"),
        ("[[tool.hex-guard.rules]]\nid = 'mine'\nregex = '(a'\n", "rules[0].regex: invalid regex"),
        (
            "[[tool.hex-guard.rules]]\nid = 'mine'\nregex = '(?P<value>a)'\n",
            "named groups need one called 'secret'",
        ),
        (
            "[[tool.hex-guard.rules]]\nid = 'mine'\nregex = 'a'\nseverity = 'severe'\n",
            "rules[0].severity",
        ),
        (
            "[[tool.hex-guard.rules]]\nid = 'mine'\nregex = 'a'\nmin_entropy = -1\n",
            "rules[0].min_entropy",
        ),
        (
            "[[tool.hex-guard.rules]]\nid = 'mine'\nregex = 'a'\nkeyword = ['a']\n",
            "rules[0]: unknown key 'keyword'",
        ),
        ("[tool.hex-guard]\n[tool.hex-guard\n", "invalid TOML"),
    ],
)
def test_every_config_error_names_file_and_key(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    body: str,
    expected: str,
) -> None:
    assert expected in config_error(tmp_path, monkeypatch, capsys, body)


def test_dedicated_file_and_explicit_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / ".hex-guard.toml", "exclude = ['vendor/']\n")
    write(tmp_path / "vendor" / "x.txt", f"{TOKEN}\n")
    write(tmp_path / "src" / "y.txt", f"{TOKEN}\n")
    code, doc, _ = scan_json(tmp_path, monkeypatch, capsys, ".")
    assert code == 1 and [f["path"] for f in doc["findings"]] == ["src/y.txt"]
    write(tmp_path / "other.toml", "[tool.hex-guard]\nexclude = ['src/']\n")
    _, doc, _ = scan_json(tmp_path, monkeypatch, capsys, "--config", "other.toml", ".")
    assert [f["path"] for f in doc["findings"]] == ["vendor/x.txt"]


def test_nearest_config_up_to_repo_root(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo / "pyproject.toml", "[tool.hex-guard]\nexclude = ['fake/']\n")
    write(repo / "pkg" / "pyproject.toml", "[project]\nname = 'pkg'\n")  # no table: keep looking up
    write(repo / "pkg" / "fake" / "t.txt", f"{TOKEN}\n")
    code, doc, _ = scan_json(repo / "pkg", monkeypatch, capsys, ".")
    assert code == 0 and doc["findings"] == []


def test_config_only_adds_rules_and_disable_is_explicit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path / "pyproject.toml",
        """
[[tool.hex-guard.rules]]
id = "acme-key"
regex = 'acme_(?P<secret>[a-z0-9]{24})'
keywords = ["acme_"]
severity = "medium"
""",
    )
    write(tmp_path / "a.txt", f"{TOKEN}\nk = acme_q8w7e6r5t4y3u2i1o0p9a8s7\n")
    _, doc, _ = scan_json(tmp_path, monkeypatch, capsys, ".")
    assert sorted(f["rule_id"] for f in doc["findings"]) == ["acme-key", "hex-api-token"]
    write(tmp_path / "pyproject.toml", "[tool.hex-guard]\ndisable = ['hex-api-token']\n")
    _, doc, _ = scan_json(tmp_path, monkeypatch, capsys, ".")
    assert doc["findings"] == []


def test_value_allow_stopwords_and_ignore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    other = "hxtw_" + "fedcba9876543210" * 6
    third = "hxtp_" + "13579bdf02468ace" * 6
    write(tmp_path / "a.txt", f"{TOKEN}\n{other}\n{third}\n{PASSWORD_URI}\n")
    fp = fingerprint("db-uri-password", "a.txt", "Rs8pW2qLx9")
    write(
        tmp_path / "pyproject.toml",
        f"""[tool.hex-guard]
allow = ['^hxtw_0123']
stopwords = ['FEDCBA']
ignore = ['{fp}']
""",
    )
    _, doc, _ = scan_json(tmp_path, monkeypatch, capsys, ".")
    assert [f["secret"][:5] for f in doc["findings"]] == ["hxtp_"]
    assert doc["stats"]["suppressed"] == 3


def test_per_rule_allowlist_combines_paths_and_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path / "pyproject.toml",
        """
[[tool.hex-guard.allowlist]]
description = "docs use one known fake token"
rules = ["hex-api-token"]
paths = ["docs/"]
values = ['^hxtw_0123']
""",
    )
    write(tmp_path / "docs" / "a.md", f"{TOKEN}\n{PASSWORD_URI}\nhxtw_{'fedcba9876543210' * 6}\n")
    write(tmp_path / "src" / "b.txt", f"{TOKEN}\n")
    _, doc, _ = scan_json(tmp_path, monkeypatch, capsys, ".")
    found = sorted((f["path"], f["rule_id"], f["secret"][:7]) for f in doc["findings"])
    # Only the listed rule, only under docs/, only the listed value is allowed.
    assert found == [
        ("docs/a.md", "db-uri-password", "R…"),
        ("docs/a.md", "hex-api-token", "hxtw_fe"),
        ("src/b.txt", "hex-api-token", "hxtw_01"),
    ]


def test_path_only_entry_hides_every_rule_only_when_written_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "examples" / "a.txt", f"{TOKEN}\n{PASSWORD_URI}\n")
    write(
        tmp_path / "pyproject.toml",
        "[[tool.hex-guard.allowlist]]\nrules = ['hex-api-token']\npaths = ['examples/']\n",
    )
    _, doc, _ = scan_json(tmp_path, monkeypatch, capsys, ".")
    assert [f["rule_id"] for f in doc["findings"]] == ["db-uri-password"]
    write(
        tmp_path / "pyproject.toml",
        "[[tool.hex-guard.allowlist]]\nrules = ['*']\npaths = ['examples/']\n",
    )
    code, doc, _ = scan_json(tmp_path, monkeypatch, capsys, ".")
    assert code == 0 and doc["stats"]["suppressed"] == 2


@pytest.mark.parametrize(
    ("text", "suppressed"),
    [
        (f"x = '{TOKEN}'  # hex-guard: allow\n", True),
        (f"x = '{TOKEN}'  # gitleaks:allow\n", True),
        (f"x = '{TOKEN}'  # pragma: allowlist secret\n", True),
        (f"# hex-guard: allow-next-line\nx = '{TOKEN}'\n", True),
        (f"# pragma: allowlist nextline secret\nx = '{TOKEN}'\n", True),
        (f"# hex-guard: allow-next-line\n\nx = '{TOKEN}'\n", False),
        (f"# hex-guard: allow\nx = '{TOKEN}'\n", False),
    ],
)
def test_inline_markers(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    text: str,
    suppressed: bool,
) -> None:
    write(tmp_path / "a.py", text)
    code, doc, _ = scan_json(tmp_path, monkeypatch, capsys, "a.py")
    assert (doc["findings"] == []) == suppressed and code == (0 if suppressed else 1)
    write(tmp_path / "pyproject.toml", "[tool.hex-guard]\ninline-markers = false\n")
    _, doc, _ = scan_json(tmp_path, monkeypatch, capsys, "a.py")
    assert len(doc["findings"]) == 1


def test_report_unused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path / "pyproject.toml",
        """[tool.hex-guard]
exclude = ['gone/']
allow = ['^hxtw_0123', '^never']
[[tool.hex-guard.allowlist]]
description = "old docs"
rules = ['*']
paths = ['olddocs/']
""",
    )
    write(tmp_path / "a.txt", f"{TOKEN}\n")
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "--report-unused", "."]) == 0
    err = capsys.readouterr().err
    assert "allow entry '^never'" in err and "(old docs)" in err and "exclude entry 'gone/'" in err
    assert "'^hxtw_0123'" not in err


def test_fingerprint_is_stable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "one"
    write(repo / "src" / "a.py", f"T = '{TOKEN}'\n")
    git(tmp_path, "init", "-q", "one")
    _, first, _ = scan_json(repo, monkeypatch, capsys, ".")
    write(repo / "src" / "a.py", f"import os\n\n\nT = '{TOKEN}'\n")
    _, shifted, _ = scan_json(repo, monkeypatch, capsys, ".")
    moved = tmp_path / "elsewhere" / "two"
    shutil.copytree(repo, moved)
    _, relocated, _ = scan_json(moved / "src", monkeypatch, capsys, "a.py")
    fps = {d["findings"][0]["fingerprint"] for d in (first, shifted, relocated)}
    assert len(fps) == 1
    assert shifted["findings"][0]["line"] == 4 and relocated["findings"][0]["path"] == "a.py"
    assert fingerprint("r", "src\\a.py", "s") == fingerprint("r", "src/a.py", "s")


def test_baseline_round_trip(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo / "legacy.py", f"OLD = '{TOKEN}'\nDSN = '{PASSWORD_URI}'\n")
    monkeypatch.chdir(repo)
    assert main(["baseline", "create"]) == 0
    text = (repo / ".hex-guard-baseline.json").read_text()
    document = json.loads(text)
    assert TOKEN not in text and "Rs8pW2qLx9" not in text and '"line"' not in text
    assert [e["rule_id"] for e in document["findings"]] == ["db-uri-password", "hex-api-token"]
    capsys.readouterr()

    new = "hxtp_" + "13579bdf02468ace" * 6
    write(
        repo / "legacy.py", f"import os\nOLD = '{TOKEN}'\nDSN = '{PASSWORD_URI}'\nNEW = '{new}'\n"
    )
    code, doc, _ = scan_json(
        repo, monkeypatch, capsys, "--baseline", ".hex-guard-baseline.json", "."
    )
    assert code == 1 and [f["line"] for f in doc["findings"]] == [4]
    assert doc["stats"]["baselined"] == 2
    assert (repo / ".hex-guard-baseline.json").read_text() == text  # a scan never rewrites it

    write(repo / "legacy.py", f"OLD = '{TOKEN}'\n")
    assert main(["baseline", "prune"]) == 0
    pruned = json.loads((repo / ".hex-guard-baseline.json").read_text())
    assert [e["rule_id"] for e in pruned["findings"]] == ["hex-api-token"]

    write(repo / "pyproject.toml", "[tool.hex-guard]\nbaseline = '.hex-guard-baseline.json'\n")
    code, doc, _ = scan_json(repo, monkeypatch, capsys, ".")
    assert code == 0 and doc["stats"]["baselined"] == 1


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        '{"tool": "other"}',
        '{"tool": "hex-guard", "format": 2, "findings": [{"path": 1}]}',
    ],
)
def test_bad_baseline_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], body: str
) -> None:
    write(tmp_path / "b.json", body)
    write(tmp_path / "a.txt", "x\n")
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "--baseline", "b.json", "a.txt"]) == 2
    assert "b.json" in capsys.readouterr().err


def test_custom_rule_check_and_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path / "pyproject.toml",
        """
[[tool.hex-guard.rules]]
id = "acme-key"
description = "Acme API key"
regex = 'acme_(?P<secret>[a-z0-9]{24})'
keywords = ["acme_"]
paths = ["*.cfg"]
min_entropy = 2.5
examples = ["key = acme_a1b2c3d4e5f6g7h8i9j0k1l2"]
counter_examples = ["key = acme_aaaaaaaaaaaaaaaaaaaaaaaa"]
""",
    )
    write(
        tmp_path / "app.cfg",
        "key = acme_a1b2c3d4e5f6g7h8i9j0k1l2\nweak = acme_aaaaaaaaaaaaaaaaaaaaaaaa\n",
    )
    write(tmp_path / "app.txt", "key = acme_a1b2c3d4e5f6g7h8i9j0k1l2\n")
    _, doc, _ = scan_json(tmp_path, monkeypatch, capsys, ".")
    assert [(f["path"], f["rule_id"], f["severity"]) for f in doc["findings"]] == [
        ("app.cfg", "acme-key", "high")
    ]
    monkeypatch.chdir(tmp_path)
    assert main(["rules", "--check"]) == 0
    assert "0 failure(s)" in capsys.readouterr().err
    text = (
        (tmp_path / "pyproject.toml")
        .read_text()
        .replace(
            'counter_examples = ["key = acme_aaaaaaaaaaaaaaaaaaaaaaaa"]',
            'counter_examples = ["key = acme_zyxwvutsrq0987654321abcd"]',
        )
    )
    write(tmp_path / "pyproject.toml", text)
    assert main(["rules", "--check"]) == 1
    assert "rule acme-key: counter_examples[0] is reported" in capsys.readouterr().err
    assert main(["rules"]) == 0
    assert "acme-key [high, medium confidence] (config)" in capsys.readouterr().out


def test_catastrophic_custom_regex_fails_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from hex_guard import detect

    monkeypatch.setattr(detect, "USER_REGEX_TIMEOUT", 0.2)
    write(
        tmp_path / "pyproject.toml",
        "[[tool.hex-guard.rules]]\nid = 'redos'\nregex = '(?P<secret>(a|aa)+c)'\nkeywords = ['aaaa']\n",
    )
    write(tmp_path / "data.txt", "a" * 60 + "\n")
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "data.txt"]) == 2
    err = capsys.readouterr().err
    assert "rule 'redos'" in err and "data.txt" in err


def test_config_command_shows_origins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path / "pyproject.toml",
        "[tool.hex-guard]\nexclude = ['tests/']\ndisable = ['dotenv-secret']\n",
    )
    monkeypatch.chdir(tmp_path)
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert 'exclude = ["tests/"]  # pyproject.toml' in out
    assert "max-file-size = 10485760  # default" in out
    assert "dotenv-secret" not in out.splitlines()[-1]


@pytest.mark.parametrize(
    "body",
    [
        "[tool.hex-guard]\nexclude = ['vendor/']\n",  # pasted from the README
        "exclude = ['vendor/']\n",  # the short form
    ],
)
def test_dedicated_file_takes_both_forms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], body: str
) -> None:
    write(tmp_path / ".hex-guard.toml", body)
    write(tmp_path / "vendor" / "x.txt", f"{TOKEN}\n")
    code, doc, _ = scan_json(tmp_path, monkeypatch, capsys, ".")
    assert code == 0 and doc["findings"] == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("exclude = ['a/']\n[tool.hex-guard]\ndisable = []\n", "not both"),
        ("[tool.hex_guard]\nexclude = ['a/']\n", "unknown table [tool.hex_guard]"),
    ],
)
def test_dedicated_file_rejects_mixed_or_misspelt_tables(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    body: str,
    expected: str,
) -> None:
    write(tmp_path / ".hex-guard.toml", body)
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "."]) == 2
    assert expected in capsys.readouterr().err


FULL_CONFIG = """\
[tool.hex-guard]
exclude = ["tests/", "!tests/keep/", "*.snap"]
max-file-size = 2048
disable = ["driver-call-password"]
allow = ['^hxtw_0{8}', "tab\\there"]
stopwords = ["dummy"]
ignore = ["3d5c0f0b6f2d4b9e8a1c7e5d2f4a6b8c"]
inline-markers = false
baseline = "meta/baseline.json"

[[tool.hex-guard.allowlist]]
description = "docs \\"quoted\\""
rules = ["hex-api-token"]
paths = ["docs/"]
values = ['^hxtw_0123']

[[tool.hex-guard.allowlist]]
rules = ["*"]
stopwords = ["sample"]

[[tool.hex-guard.rules]]
id = "acme-api-key"
regex = 'acme_(?P<secret>[a-z0-9]{24})'
keywords = ["acme_"]
paths = ["*.cfg"]
min_entropy = 3.0
"""


@pytest.mark.parametrize("body", [FULL_CONFIG, "[tool.hex-guard]\n", "[project]\nname = 'x'\n"])
def test_config_output_pastes_back_as_the_same_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], body: str
) -> None:
    from hex_guard import config as config_module

    write(tmp_path / "pyproject.toml", body)
    monkeypatch.chdir(tmp_path)
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert "null" not in out
    write(tmp_path / "again" / ".hex-guard.toml", out)
    write(tmp_path / "again" / "meta" / ".keep", "")
    before = config_module.load(None, str(tmp_path))
    after = config_module.load(str(tmp_path / "again" / ".hex-guard.toml"), str(tmp_path))
    for key in config_module.TOP_KEYS:
        if key in ("rules", "baseline"):
            continue
        attribute = "allowlists" if key == "allowlist" else key.replace("-", "_")
        assert getattr(after, attribute) == getattr(before, attribute), key
    assert [r.pattern for r in after.custom_rules] == [r.pattern for r in before.custom_rules]
    assert [r.paths for r in after.custom_rules] == [r.paths for r in before.custom_rules]
    assert before.baseline is not None or "baseline" not in body
    if before.baseline and after.baseline:
        assert os.path.relpath(after.baseline, after.base_dir) == os.path.relpath(
            before.baseline, before.base_dir
        )


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({}, ".hex-guard.toml (new file)"),
        ({"pyproject.toml": "[project]\nname = 'x'\n"}, "pyproject.toml [tool.hex-guard]"),
        ({".hex-guard.toml": "disable = []\n"}, ".hex-guard.toml [tool.hex-guard]"),
    ],
)
def test_block_message_names_every_way_out_and_the_right_file(
    repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    files: dict[str, str],
    expected: str,
) -> None:
    for name, body in files.items():
        write(repo / name, body)
    write(repo / "app.py", f"T = '{TOKEN}'\n")
    monkeypatch.chdir(repo)
    assert main(["scan", "app.py"]) == 1
    err = capsys.readouterr().err
    assert "hex-guard: allow" in err and "baseline create" in err and "ignore" in err
    assert f"in {expected}" in err


@pytest.mark.parametrize("name", [".hex-guard.toml", "pyproject.toml"])
@pytest.mark.parametrize("kind", ["fifo", "directory", "device-link", "nested-fifo"])
def test_a_discovered_config_that_is_not_a_regular_file_exits_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    kind: str,
) -> None:
    # Red team repro 16: found by discovery it was silently skipped (the scan ran on defaults),
    # while --config on the same file exits 2.
    git(tmp_path, "init", "-q")
    write(tmp_path / "sub" / "a.txt", f"T = '{TOKEN}'\n")
    where = tmp_path / "sub" if kind == "nested-fifo" else tmp_path
    config = where / name
    if kind in ("fifo", "nested-fifo"):
        os.mkfifo(config)
    elif kind == "directory":
        config.mkdir()
    else:
        config.symlink_to("/dev/zero")
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "-q", "sub"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert f"{name}: config file is not a regular file" in err
