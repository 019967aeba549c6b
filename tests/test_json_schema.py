"""The JSON report against its published JSON Schema, for every kind of scan."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from hex_guard.main import main
from tests.conftest import REPO_ROOT, git, write

TOKEN = "hxtw_" + "0123456789abcdef" * 6


def _schema() -> dict[str, Any]:
    # Read the way a user of the installed package would, not from the source tree.
    text = resources.files("hex_guard").joinpath("schemas/report.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    jsonschema.Draft7Validator.check_schema(schema)
    return schema


VALIDATOR = jsonschema.Draft7Validator(_schema())


def _json(
    cwd: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> dict[str, Any]:
    monkeypatch.chdir(cwd)
    main([*args, "--format", "json", "-q"])
    doc: dict[str, Any] = json.loads(capsys.readouterr().out)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(doc)]
    assert errors == []
    return doc


def test_file_scan_names_every_skipped_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "app.py", f"T = '{TOKEN}'\n")
    write(tmp_path / "big.txt", "x" * 2048 + "\n")
    (tmp_path / "blob.bin").write_bytes(b"\0\1\2" * 10)  # scanned, as binary
    (tmp_path / "link.py").symlink_to(tmp_path / "app.py")
    doc = _json(tmp_path, monkeypatch, capsys, "scan", "--max-file-size", "1024", ".")
    assert doc["schema_version"] == 1
    assert {s["path"]: s["reason"] for s in doc["skipped"]} == {
        "big.txt": "larger than 1024 bytes",
        "link.py": "symlink",
    }
    assert doc["stats"]["files_skipped"] == 2 and doc["stats"]["files_binary"] == 1


def test_demo_tree_with_notebooks_and_decoded_values(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _json(
        REPO_ROOT / "fixtures", monkeypatch, capsys, "scan", "--config", "pyproject.toml",
        "demo-data-repo",
    )
    keys = set().union(*(f.keys() for f in doc["findings"]))
    assert {"cell", "cell_label", "cell_part", "cell_line", "decoded"} <= keys


def test_diff_and_history_scans(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo / "README.md", "x\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    write(repo / "app.py", f"T = '{TOKEN}'\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "leak")
    diff = _json(repo, monkeypatch, capsys, "scan", "--diff", "HEAD~1..HEAD")
    assert diff["findings"][0]["commit"] and diff["findings"][0]["author"]
    history = _json(repo, monkeypatch, capsys, "history", "-j", "1")
    assert history["findings"][0]["present_at_head"] is True


def test_schema_rejects_what_it_should() -> None:
    assert not VALIDATOR.is_valid({"version": "1.0.0", "findings": [], "stats": {}})
    finding = {"rule_id": "x", "severity": "urgent"}
    assert not VALIDATOR.is_valid(
        {"schema_version": 1, "version": "1", "findings": [finding], "skipped": [], "stats": {}}
    )
