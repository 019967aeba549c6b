"""Notebooks, Hex exports and encoded values: exact cell mapping and physical positions."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hex_guard.config import Config
from hex_guard.decoders.jsonpos import JStr, parse_with_positions, raw_index
from hex_guard.detect import Fragment
from hex_guard.main import main
from hex_guard.scan import run
from hex_guard.sources import Paths
from tests.conftest import REPO_ROOT, write

DEMO = REPO_ROOT / "fixtures" / "demo-data-repo"
TOKEN = "hxtw_" + "0123456789abcdef" * 6


def scan_json(
    path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> list[dict]:
    monkeypatch.chdir(path.parent)
    # The repository's config excludes fixtures/; the demo tree's own config does not.
    demo = ["--config", str(DEMO.parent / "pyproject.toml")] if DEMO in path.parents else []
    main(["scan", "-q", "--format", "json", "--show-secrets", *demo, path.name])
    return json.loads(capsys.readouterr().out)["findings"]


def position_of(text: str, needle: str) -> tuple[int, int]:
    index = text.index(needle)
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def test_notebook_cells_sources_and_outputs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = DEMO / "notebooks" / "orders_refresh.ipynb"
    raw = path.read_text(encoding="utf-8")
    found = scan_json(path, monkeypatch, capsys)
    got = [
        (f["rule_id"], f["cell"], f["cell_label"], f["cell_part"], f["cell_line"]) for f in found
    ]
    assert got == [
        ("db-uri-password", 1, "markdown", "source", 3),
        ("hex-api-token", 2, "code", "source", 3),
        ("db-uri-password", 2, "code", "output", 2),
        ("driver-call-password", 3, "code", "source", 4),
    ]
    for finding in found:
        # The physical position is where the (JSON-escaped) secret sits in the .ipynb file.
        escaped = json.dumps(finding["secret"])[1:-1]
        assert (finding["line"], finding["column"]) == position_of(raw, escaped)
        assert finding["end_column"] - finding["column"] == len(escaped)


def test_notebook_image_output_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A token inside an image payload is image data, not text anyone can read.
    image = base64.b64encode(b"x" * 300).decode() + TOKEN
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "source": ["x = 1\n"],
                "metadata": {},
                "outputs": [
                    {"output_type": "display_data", "metadata": {}, "data": {"image/png": image}}
                ],
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    write(tmp_path / "n.ipynb", json.dumps(notebook))
    assert scan_json(tmp_path / "n.ipynb", monkeypatch, capsys) == []


def test_notebook_escapes_map_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # \u0040 is '@' and \" a quote: matched unescaped, reported at the raw position.
    raw = (
        '{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": '
        '["x = \\"caf\\u00e9\\"\\n", "url = \\"postgresql://etl:Rs8pW2qLx9\\u0040db.acme.io/dw\\"\\n"]}],'
        ' "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n'
    )
    write(tmp_path / "e.ipynb", raw)
    (finding,) = scan_json(tmp_path / "e.ipynb", monkeypatch, capsys)
    assert finding["secret"] == "Rs8pW2qLx9"
    assert (finding["line"], finding["column"]) == position_of(raw, "Rs8pW2qLx9")
    assert (finding["cell"], finding["cell_line"]) == (1, 2)


def test_invalid_notebook_falls_back_to_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "broken.ipynb", '{"cells": [ {"source": ["T = \'' + TOKEN + "'\\n\"\n")
    (finding,) = scan_json(tmp_path / "broken.ipynb", monkeypatch, capsys)
    assert finding["rule_id"] == "hex-api-token" and "cell" not in finding


def test_hex_export_names_cells(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    found = scan_json(DEMO / "hex" / "orders.hex.yaml", monkeypatch, capsys)
    got = [(f["rule_id"], f["line"], f["cell"], f["cell_label"]) for f in found]
    assert got == [
        ("libpq-dsn-password", 17, 1, 'SQL "Attach the replica"'),
        ("db-uri-password", 26, 2, 'CODE "Load to pandas"'),
        ("db-uri-password", 38, 4, 'INPUT "DSN override"'),
    ]


def test_kubernetes_secret_data_is_decoded(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = DEMO / "deploy" / "warehouse-secret.yaml"
    raw = path.read_text()
    found = scan_json(path, monkeypatch, capsys)
    assert [(f["rule_id"], f["decoded"]) for f in found] == [
        ("kubernetes-secret", True),
        ("db-uri-password", True),
    ]
    for finding, key in zip(found, ("DB_PASSWORD", "DATABASE_URL")):
        encoded = next(line for line in raw.splitlines() if line.strip().startswith(key)).split(
            ": "
        )[1]
        assert (finding["line"], finding["column"]) == position_of(raw, encoded)
        assert finding["end_column"] == finding["column"] + len(encoded)


def test_credentials_base64_parameter_is_decoded(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (finding,) = scan_json(DEMO / "config" / "superset.yaml", monkeypatch, capsys)
    assert finding["rule_id"] == "gcp-service-account" and finding["decoded"] is True


def test_large_values_are_decoded_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Issue 10: a value over the old 64 KiB cap was skipped without a word; the file's own size
    # limit is the bound now.
    big = base64.b64encode(("DB_PASSWORD=Tr0ub4dor-9xQ\n" * 4000).encode()).decode()
    write(tmp_path / "s.yaml", f"kind: Secret\ndata:\n  DB_PASSWORD: {big}\n")
    assert scan_json(tmp_path / "s.yaml", monkeypatch, capsys) != []


def test_docker_compose_airflow_and_workflows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path / "docker-compose.yml",
        "services:\n  app:\n    environment:\n"
        "      DATABASE_URL: postgresql://app:Rs8pW2qLx9@db.prod.acme.io/app\n"
        "      AIRFLOW_CONN_WAREHOUSE: 'snowflake://svc:Wq7vP2m9Lk@xy12345/db'\n"
        "      LOCAL: postgresql+psycopg2://airflow:airflow@postgres/airflow\n",
    )
    write(
        tmp_path / ".github" / "workflows" / "ci.yml",
        f"env:\n  HEX_API_TOKEN: ${{{{ secrets.HEX_API_TOKEN }}}}\n  HEX_TOKEN: {TOKEN}\n",
    )
    monkeypatch.chdir(tmp_path)
    main(["scan", "-q", "--format", "json", "."])
    found = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["path"], f["line"], f["rule_id"]) for f in found] == [
        (".github/workflows/ci.yml", 3, "hex-api-token"),
        ("docker-compose.yml", 4, "db-uri-password"),
        ("docker-compose.yml", 5, "db-uri-password"),
    ]


@given(st.lists(st.text(max_size=30), min_size=1, max_size=6), st.booleans())
def test_raw_index_maps_every_decoded_character(lines: list[str], ascii_only: bool) -> None:
    raw = json.dumps({"source": lines}, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    pieces = parse_with_positions(raw)["source"]
    for piece in pieces:
        assert isinstance(piece, JStr)
        for k, char in enumerate(piece.value):
            at, nxt = raw_index(raw, piece, k), raw_index(raw, piece, k + 1)
            assert json.loads(b'"' + raw[at:nxt] + b'"') == char


def test_plain_files_get_no_extra_views() -> None:
    from hex_guard.decoders import expanded, read
    from hex_guard.detect import Engine

    fragment = Fragment("a.py", "a.py", b"Secret = 'x'\nkey = 1\n")
    found, fired = Engine().scan_with_triggers(fragment)
    assert found == [] and len(read(Engine(), fragment)) == 1  # the raw bytes, nothing else
    assert expanded(fragment, fired) == []  # "Secret" alone is no Kubernetes manifest


def test_notebook_scan_of_the_demo_repo_matches_the_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DEMO)
    result = run(Paths(["notebooks"]), Config(base_dir=str(DEMO)))
    assert {f.cell and f.cell.number for f in result.findings} == {1, 2, 3}


def test_utf8_notebook_columns_count_characters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "outputs": [],
                "source": [
                    "# naïve café ☕\n",
                    "u = 'postgresql://etl:Rs8pW2qLx9@db.acme.io/dw'  # ☕ ünïcode\n",
                ],
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    raw = json.dumps(notebook, ensure_ascii=False, indent=1)
    (tmp_path / "u.ipynb").write_text(raw, encoding="utf-8")
    (finding,) = scan_json(tmp_path / "u.ipynb", monkeypatch, capsys)
    assert (finding["line"], finding["column"]) == position_of(raw, "Rs8pW2qLx9")
    assert finding["end_column"] == finding["column"] + len("Rs8pW2qLx9")
