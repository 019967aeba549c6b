"""The data check's table recognition on the shapes the fixture set does not hold: hand-made
HTML tables, table-schema bundles without data or fields, describe() summaries, ASCII grids,
named indexes, shape footers, and outputs that are not tables at all."""

from __future__ import annotations

import json

import pytest

from hex_guard.hygiene import outputs


def _rows(n: int, cells: int = 3, tag: str = "td") -> str:
    return "".join(
        "<tr>" + "".join(f"<{tag}>r{i}c{j}</{tag}>" for j in range(cells)) + "</tr>"
        for i in range(n)
    )


def test_html_header_rows_without_thead_and_empty_rows() -> None:
    html = f"<table><tr><th>a</th><th>b</th></tr><tr></tr>{_rows(6, 2)}<tr><th>x</th><th>y</th></tr></table>"
    table = outputs.html_table(html)
    assert table is not None and (table.rows, table.columns) == (6, 2)
    assert "x" not in table.text  # a header-only row after the data is no data row


def test_html_tables_that_are_not_result_sets() -> None:
    assert outputs.html_table("<table><tr><th>only</th><th>headers</th></tr></table>") is None
    # Built by hand for layout: rows of different widths (a DataFrame's are uniform).
    ragged = "<table>" + _rows(3, 4) + _rows(3, 1) + "</table>"
    assert outputs.html_table(ragged) is None
    dataframe = '<table class="dataframe">' + _rows(3, 4) + _rows(3, 1) + "</table>"
    found = outputs.html_table(dataframe)
    assert found is not None and found.rows == 6


def test_html_footer_counts_the_real_rows() -> None:
    html = '<table class="dataframe">' + _rows(10) + "</table><p>1,250 rows × 3 columns</p>"
    found = outputs.html_table(html)
    assert found is not None and found.rows == 1250


def _bundle(data: object, fields: object = None) -> dict[str, object]:
    bundle: dict[str, object] = {"data": data}
    if fields is not None:
        bundle["schema"] = {"fields": fields}
    return bundle


def test_table_schema_bundles() -> None:
    assert outputs.dataresource_table({"schema": {}}) is None
    assert outputs.dataresource_table(["not", "a", "bundle"]) is None
    plain = outputs.dataresource_table(_bundle([[1, 2], [3, 4], 5]))
    assert plain is not None and (plain.rows, plain.columns) == (3, 1)
    fields = [{"name": "index"}, {"name": "amount"}, {"name": "age"}]
    summary = [{"index": label, "amount": 1.0, "age": 2.0} for label in ("count", "mean", "std")]
    assert outputs.dataresource_table(_bundle(summary, fields)) is None  # describe()


def test_text_tables() -> None:
    grid = (
        "+----+------+\n| id | name |\n+====+======+\n| 1  | a    |\n| 2  | b    |\n+----+------+"
    )
    found = outputs.text_table(grid)
    assert found is not None and (found.kind, found.rows, found.columns) == ("ASCII table", 2, 2)
    named_index = (
        "    amount  qty\nid             \n1       10    2\n2       20    3\n3       30    4"
    )
    found = outputs.text_table(named_index)
    assert found is not None and (found.kind, found.rows) == ("DataFrame text", 3)
    truncated = "   a  b\n0  1  2\n1  3  4\n..\n\n[5000 rows x 2 columns]"
    found = outputs.text_table(truncated)
    assert found is not None and found.rows == 5000


@pytest.mark.parametrize(
    "output",
    [
        "not an output",
        {"output_type": "error", "ename": "ValueError"},
        {"output_type": "execute_result", "data": "text/plain"},
        {"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo="}},
        {"output_type": "stream", "text": 42},
    ],
)
def test_outputs_that_are_no_tables(output: object) -> None:
    assert outputs.output_table(output) is None


def test_an_empty_table_schema_falls_back_to_html() -> None:
    output = {
        "output_type": "execute_result",
        "data": {
            "application/vnd.dataresource+json": {"schema": {}},
            "text/html": ['<table class="dataframe">', _rows(4), "</table>"],
        },
    }
    found = outputs.output_table(output)
    assert found is not None and found.kind == "HTML table" and found.rows == 4


def test_every_output_of_a_cell_is_located() -> None:
    stream = {"output_type": "stream", "name": "stdout", "text": "hello\n"}
    table = f'<table class="dataframe">{_rows(7)}</table>'
    html = {"output_type": "display_data", "data": {"text/html": table}, "metadata": {}}
    cell = {"cell_type": "code", "source": [], "outputs": [stream, html, stream]}
    document = {"cells": [cell, {"cell_type": "markdown", "source": []}], "nbformat": 4}
    raw = json.dumps(document, indent=1).encode()
    sites = outputs.notebook_tables(raw)
    assert sites is not None and [(s.cell, s.output) for s in sites] == [(1, 2)]
    assert b'"output_type": "display_data"' in raw.split(b"\n")[sites[0].line - 1]


@pytest.mark.parametrize(
    ("name", "document", "is_data"),
    [
        ("people.json", [{"a": 1}, {"a": 2}], True),
        ("export.json", {"meta": {}, "rows": [{"a": 1}, {"a": 2}]}, True),
        ("settings.json", {"a": [1, 2], "b": "x"}, False),
        ("one.json", 7, False),
    ],
)
def test_json_data_files_are_records(name: str, document: object, is_data: bool) -> None:
    text = outputs.data_file_text(name, json.dumps(document).encode())
    assert (text is not None) is is_data
