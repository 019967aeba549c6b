"""Fail closed (issue 10) in decoders: notebooks and Kubernetes Secrets never hide a secret."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from hex_guard.main import main
from tests.conftest import write

TOKEN = "hxtw_" + "0123456789abcdef" * 6
LINE = f"HEX_API_TOKEN = '{TOKEN}'"


def scan(
    path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[dict]]:
    monkeypatch.chdir(path.parent)
    code = main(["scan", "-q", "--format", "json", "--show-secrets", path.name])
    out = capsys.readouterr().out
    return code, json.loads(out)["findings"] if out.strip() else []


def notebook(cells: list[dict], **top: object) -> str:
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, **top}, indent=1)


def code_cell(**fields: object) -> dict:
    return {"cell_type": "code", "metadata": {}, "source": ["x = 1\n"], "outputs": [], **fields}


# --- item 3: every byte of a notebook is scanned at least as raw text ---------------------------


@pytest.mark.parametrize(
    "text",
    [
        notebook([code_cell(metadata={"secret": LINE})]),
        notebook([code_cell()], metadata={"kernelspec": {"display_name": LINE}}),
        notebook([code_cell(attachments={"a.txt": {"text/plain": LINE}})]),
        notebook([code_cell(outputs=[{"output_type": "display_data", "data": {"x/y": LINE}}])]),
        notebook(
            [
                code_cell(
                    outputs=[{"output_type": "display_data", "data": {}, "metadata": {"k": LINE}}]
                )
            ]
        ),
        notebook([], other={"k": LINE}),  # any JSON named .ipynb
        '{"cells": [{"cell_type": "code", "source": "' + LINE + '", "source": "x", '
        '"outputs": []}]}',  # a duplicated key: the parser keeps the last
        '{"cells": [{"cell_type": "code", "source": "' + LINE + '", "outputs": []}], "cells": []}',
    ],
    ids=[
        "cell-metadata",
        "notebook-metadata",
        "attachment",
        "unknown-mime",
        "output-metadata",
        "no-cells",
        "duplicate-source",
        "duplicate-cells",
    ],
)
def test_notebook_secret_outside_cells_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    write(tmp_path / "nb.ipynb", text)
    code, found = scan(tmp_path / "nb.ipynb", monkeypatch, capsys)
    assert code == 1 and [f["secret"] for f in found] == [TOKEN]
    line = text[: text.index(TOKEN)].count("\n") + 1
    assert found[0]["line"] == line


def test_cell_findings_keep_their_cell_and_are_not_doubled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "nb.ipynb", notebook([code_cell(source=["x = 1\n", LINE + "\n"])]))
    code, found = scan(tmp_path / "nb.ipynb", monkeypatch, capsys)
    assert code == 1
    assert [(f["rule_id"], f["cell"], f["cell_line"]) for f in found] == [("hex-api-token", 1, 2)]


# --- item 12: a string the JSON reader rejects falls back to text -------------------------------


@pytest.mark.parametrize("damage", ["x = 1\t\x01", "x = \\q1", "x = \\ud800\\u12", "x = \x7f\x1f"])
def test_notebook_with_bad_string_falls_back_to_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    text = notebook([code_cell(source=["x = 1\n", LINE + "\n"])]).replace("x = 1", damage, 1)
    write(tmp_path / "nb.ipynb", text)
    code, found = scan(tmp_path / "nb.ipynb", monkeypatch, capsys)
    assert code == 1 and [f["secret"] for f in found] == [TOKEN]


# --- red team repro 14: what Python's json reads, the cell reader reads -------------------------


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_notebook_with_non_finite_numbers_keeps_its_cell_view(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    literal: str,
) -> None:
    # The token is written with a JSON escape, so only the cell view (which unescapes) sees it.
    text = notebook([code_cell(source=["x = 1\n", LINE + "\n"])], metadata={"loss": 0.5})
    text = text.replace('"loss": 0.5', f'"loss": {literal}').replace("hxtw_", "\\u0068xtw_")
    assert json.loads(text)["metadata"]["loss"] != 0.5
    write(tmp_path / "nb.ipynb", text)
    code, found = scan(tmp_path / "nb.ipynb", monkeypatch, capsys)
    assert code == 1 and [(f["secret"], f["cell"]) for f in found] == [(TOKEN, 1)]


# --- item 4: Kubernetes Secrets -------------------------------------------------------------------

PASSWORD = "Tr0ub4dor-9xQ-zv81"


def _secret(body: str, newline: str = "\n") -> str:
    text = f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\n{body}"
    return text.replace("\n", newline)


def _b64(text: str | bytes) -> str:
    raw = text.encode() if isinstance(text, str) else text
    return base64.b64encode(raw).decode()


@pytest.mark.parametrize(
    "text",
    [
        _secret(f"data:\n  DB_PASSWORD: {_b64(PASSWORD)}\n", newline="\r\n"),
        _secret(f"stringData:\n  DB_PASSWORD: {PASSWORD}\n"),
        _secret(f'stringData:\n  DB_PASSWORD: "{PASSWORD}"\n', newline="\r\n"),
        _secret(f"data:\n  DB_PASSWORD: {_b64(PASSWORD + chr(10) * 70_000)}\n"),
        _secret(f"data:\n  DB_PASSWORD: {_b64(PASSWORD.encode() + bytes([0xFF, 0xFE]))}\n"),
    ],
    ids=["crlf", "stringData", "stringData-crlf-quoted", "over-64KiB", "not-utf8"],
)
def test_kubernetes_secret_values_are_scanned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    write(tmp_path / "secret.yaml", text)
    code, found = scan(tmp_path / "secret.yaml", monkeypatch, capsys)
    assert code == 1, found
    assert any(PASSWORD in f["secret"] for f in found)


# --- red team repro 7: every layout a Secret is committed in -------------------------------------

B64_LINE = _b64(LINE + "\n")


def _list(item: str) -> str:
    # `kubectl get secrets -o yaml`: the Secrets are items of a List, indented under `- `.
    return f"apiVersion: v1\nitems:\n- {item.replace(chr(10), chr(10) + '  ')}\nkind: List\n"


def _json(secret: dict) -> str:
    return json.dumps(secret, indent=4)


_DATA = {"apiVersion": "v1", "data": {"app.ini": B64_LINE}, "kind": "Secret", "type": "Opaque"}
_WRAPPED = "\n    ".join(B64_LINE[i : i + 40] for i in range(0, len(B64_LINE), 40))


@pytest.mark.parametrize(
    "text",
    [
        _list(f"apiVersion: v1\ndata:\n  app.ini: {B64_LINE}\nkind: Secret\nmetadata:\n  name: db"),
        _json(_DATA),
        _json({"apiVersion": "v1", "items": [_DATA], "kind": "List"}),
        json.dumps(_DATA),
        f"apiVersion: v1\nkind: Secret # db\ndata:\n  app.ini: {B64_LINE}\n",
        f"apiVersion: v1\nkind: 'Secret'\ndata: # values\n  app.ini: \"{B64_LINE}\"  # ini\n",
        f"release:\n  secrets:\n    - kind: Secret\n      data:\n        app.ini: {B64_LINE}\n",
        f"kind: Secret\ndata: {{a.b: {_b64('x' * 12)}, app.ini: {B64_LINE}}}\n",
        f"kind: Secret\ndata:\n  app.ini: |\n    {B64_LINE}\n  other: {_b64('x' * 12)}\n",
        f"kind: Secret\ndata:\n  app.ini: >-\n    {_WRAPPED}\n\nmetadata:\n  name: db\n",
        f"kind: Secret\ndata:\n  app.ini: !!binary {B64_LINE}\n",
        f"kind: Secret\ndata:\n  app.ini: !!binary |\n    {_WRAPPED}\n",
        f"kind: Secret\r\ndata:\r\n  app.ini: |-\r\n    {B64_LINE}\r\n",
        f"kind: ConfigMap\ndata:\n  x: y\n---\nkind: Secret\ndata:\n  app.ini: {B64_LINE}\n",
    ],
    ids=[
        "kubectl-list-yaml",
        "json",
        "kubectl-list-json",
        "json-one-line",
        "comment-after-kind",
        "comment-after-data-quoted",
        "indented-sequence-item",
        "flow",
        "block-literal",
        "block-folded-wrapped",
        "binary-tag",
        "binary-tag-block",
        "block-crlf",
        "second-document",
    ],
)
def test_kubernetes_secret_layouts_are_decoded_at_the_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    write(tmp_path / "secret.yaml", text)
    code, found = scan(tmp_path / "secret.yaml", monkeypatch, capsys)
    assert code == 1 and [(f["secret"], f["decoded"]) for f in found] == [(TOKEN, True)]
    # Reported at the encoded value's (first) line in the file.
    assert found[0]["line"] == text[: text.index(B64_LINE[:40])].count("\n") + 1


@pytest.mark.parametrize(
    "text",
    [
        # Only the Secret's own data: a ConfigMap beside it (same file, other document or List
        # item) is not base64 and is not decoded.
        f"kind: ConfigMap\ndata:\n  app.ini: {B64_LINE}\n---\nkind: Secret\ntype: Opaque\n",
        _list(f"kind: ConfigMap\ndata:\n  app.ini: {B64_LINE}")
        + _list("kind: Secret\ntype: Opaque"),
        _json(
            {"items": [{"kind": "ConfigMap", "data": {"app.ini": B64_LINE}}, {"kind": "Secret"}]}
        ),
        f"kind: SecretProviderClass\ndata:\n  app.ini: {B64_LINE}\n",
        # A block scalar's lines are text, never keys.
        f"kind: ConfigMap\ndata:\n  notes: |\n    kind: Secret\n    data:\n      app.ini: {B64_LINE}\n",
    ],
    ids=["configmap-document", "configmap-list-item", "configmap-json", "provider", "block-text"],
)
def test_kubernetes_values_outside_a_secret_are_not_decoded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    write(tmp_path / "secret.yaml", text)
    assert scan(tmp_path / "secret.yaml", monkeypatch, capsys) == (0, [])
