"""Query results committed in notebook outputs, and the personal data in them and in data files.

A notebook saved with its outputs carries rows of whatever the query returned into git forever
(Hex's checklist: "query results in logs" as a top risk). An output is a query result when it
renders a table of more than `row_threshold` rows: an HTML table (pandas, polars, ipython-sql,
Spark), an `application/vnd.dataresource+json` bundle (pandas' table schema), or a text table
(a pandas DataFrame repr, a polars frame, an ASCII grid). Tables of statistics about the data
(`describe()`, a correlation matrix, statsmodels' summary) are not rows of it and stay quiet.

Hex project exports (`*.hex.yaml`) are not read for results: Hex documents the export as "the
logic of your entire project ... [it] does not contain any potentially sensitive outputs"
(learn.hex.tech, "Import and export projects"), so there is nothing cached to find.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

QUERY_OUTPUT_ID = "notebook-query-output"
PERSONAL_DATA_ID = "personal-data"
DATA_SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson", ".json")
# Manifests hold their authors' addresses by design; they are not data sets.
_MANIFESTS = frozenset(
    {
        "package.json",
        "package-lock.json",
        "composer.json",
        "bower.json",
        "manifest.json",
        "app.json",
        "tsconfig.json",
        "jsconfig.json",
        "lerna.json",
        ".all-contributorsrc",
    }
)

STRIP_HINT = (
    "Strip outputs before committing: add nbstripout's pre-commit hook "
    "(repo: https://github.com/kynan/nbstripout, hook id: nbstripout) or run "
    "`nbstripout --install`, which sets a .gitattributes filter (`*.ipynb filter=nbstripout`); "
    "in Jupyter use Edit > Clear All Outputs before saving; from Hex, export the project "
    "file, which carries no outputs. Then remove the rows from history if they are real data."
)
DATA_FILE_HINT = (
    "Keep real records out of git: commit a synthetic or masked sample instead (example.com "
    "addresses, 555-01xx numbers, documented test card numbers), load real data from the "
    "warehouse at run time, and add the file to .gitignore; rewrite history if it was pushed."
)


@dataclass(frozen=True)
class Table:
    """One table-shaped output: where it is, what it is and how many rows it shows."""

    kind: str  # "HTML table", "table schema", "DataFrame text", "ASCII table", "polars frame"
    rows: int
    columns: int
    # The table's cell text, for the personal-data count; never reported.
    text: str = field(repr=False)


@dataclass(frozen=True)
class OutputSite:
    cell: int  # 1-based position of the cell in the notebook
    output: int  # 1-based position of the output in the cell
    line: int  # 1-based line in the .ipynb where the output's data starts
    column: int
    table: Table


# --- HTML ---------------------------------------------------------------------------------------

_TABLE = re.compile(r"<table\b(?P<attrs>[^>]*)>(?P<body>.*?)</table\s*>", re.S | re.I)
_TBODY = re.compile(r"<tbody\b[^>]*>(?P<body>.*?)</tbody\s*>", re.S | re.I)
_TR = re.compile(r"<tr\b[^>]*>(?P<row>.*?)(?=<tr\b|</tbody|</thead|$)", re.S | re.I)
_CELL = re.compile(r"<(?P<tag>t[dh])\b[^>]*>(?P<text>.*?)(?=<t[dh]\b|</tr|$)", re.S | re.I)
_TAG = re.compile(r"<[^>]*>")
_SHAPE_FOOTER = re.compile(r"(?P<rows>\d[\d,]*) rows [×x] (?P<cols>\d[\d,]*) columns")
_POLARS_SHAPE = re.compile(r"shape: \((?P<rows>\d[\d_,]*), (?P<cols>\d[\d_,]*)\)")
# describe() row labels: a summary of the data, not rows of it.
_SUMMARY_LABELS = frozenset(
    {"count", "mean", "std", "min", "25%", "50%", "75%", "max", "unique", "top", "freq"}
)


def _number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text))


def _cell_text(html: str) -> str:
    import html as html_module

    return html_module.unescape(_TAG.sub(" ", html)).strip()


def _is_summary(labels: list[str], header: list[str]) -> bool:
    """describe() output, or a square matrix labelled by the columns (corr(), cov())."""
    lowered = {x.lower() for x in labels if x}
    if lowered and lowered <= _SUMMARY_LABELS and ("mean" in lowered or "unique" in lowered):
        return True
    named = [h for h in header if h]
    return len(labels) >= 2 and sorted(labels) == sorted(named)


def html_table(html: str) -> Table | None:
    """The largest data table in an HTML output, None when it has none."""
    best: Table | None = None
    for m in _TABLE.finditer(html):
        attrs = m.group("attrs").lower()
        if "simpletable" in attrs:  # statsmodels' regression summary
            continue
        found = _html_rows(m.group("body"), "dataframe" in attrs)
        if found is not None and (best is None or found.rows > best.rows):
            best = found
    if best is not None:
        footer = _SHAPE_FOOTER.search(html[-400:]) or _POLARS_SHAPE.search(html[:2000])
        if footer is not None:
            rows = max(best.rows, _number(footer.group("rows")))
            best = Table(best.kind, rows, best.columns, best.text)
    return best


def _html_rows(body: str, is_dataframe: bool) -> Table | None:
    tbody = _TBODY.search(body)
    head_part = body[: tbody.start()] if tbody else ""
    rows_part = tbody.group("body") if tbody else body
    header: list[str] = [_cell_text(c.group("text")) for c in _CELL.finditer(head_part)]
    rows: list[list[tuple[str, str]]] = []
    for tr in _TR.finditer(rows_part):
        cells = [
            (c.group("tag").lower(), _cell_text(c.group("text")))
            for c in _CELL.finditer(tr.group("row"))
        ]
        if not cells:
            continue
        if all(tag == "th" for tag, _ in cells) and not rows:
            header = [text for _, text in cells]  # a header row written without <thead>
            continue
        if any(tag == "td" for tag, _ in cells):
            rows.append(cells)
    if not rows:
        return None
    widths = [len(r) for r in rows]
    columns = max(widths)
    # A table built by hand for layout or documentation is rarely uniform; a result set is.
    if not is_dataframe and (columns < 2 or widths.count(columns) < 0.9 * len(rows)):
        return None
    labels = [r[0][1] for r in rows if r[0][0] == "th"]
    if _is_summary(labels, header):
        return None
    text = "\n".join("\t".join(t for _, t in r) for r in rows)
    return Table("HTML table", len(rows), columns, text)


# --- table schema -------------------------------------------------------------------------------


def dataresource_table(bundle: Any) -> Table | None:
    if not isinstance(bundle, dict) or not isinstance(bundle.get("data"), list):
        return None
    data = bundle["data"]
    schema = bundle.get("schema")
    fields = schema.get("fields", []) if isinstance(schema, dict) else []
    lines = []
    for row in data:
        values = row.values() if isinstance(row, dict) else row if isinstance(row, list) else [row]
        lines.append("\t".join(str(v) for v in values))
    if fields and isinstance(fields, list):
        labels = [str(r.get("index", "")) for r in data if isinstance(r, dict)]
        header = [str(f.get("name", "")) for f in fields if isinstance(f, dict)]
        if _is_summary(labels, header[1:]):
            return None
    return Table("table schema", len(data), max(len(fields) - 1, 1), "\n".join(lines))


# --- text tables ----------------------------------------------------------------------------------

_WORD_END = re.compile(r"\S+")
# Header lines looked for in a text output; a frame further down a long log is not a display.
MAX_TEXT_LINES = 400


def _ends(line: str) -> set[int]:
    return {m.end() for m in _WORD_END.finditer(line)}


def _aligned_block(lines: list[str], start: int) -> tuple[int, int] | None:
    """(rows, columns) of a pandas-style right-aligned table whose header is lines[start]."""
    header = lines[start]
    header_ends = _ends(header)
    if not header_ends or not header.startswith(" "):  # a DataFrame header starts over the index
        return None
    right = max(header_ends)
    need = max(1, int(0.6 * len(header_ends) + 0.5))
    rows = 0
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        ends = _ends(line)
        aligned = right in ends and len(ends & header_ends) >= need and max(ends) == right
        # A row starts with its index label at column 0; only a MultiIndex's continuation
        # rows (the outer label left blank) start with spaces, never the first row.
        if aligned and len(ends) >= 2 and (not line.startswith(" ") or rows > 0):
            rows += 1
        elif rows == 0 and not line.startswith(" ") and len(ends) == 1:
            continue  # the index name line of a named index (`id` alone under the header)
        else:
            break
    return (rows, len(header_ends)) if rows else None


def _ascii_grid(lines: list[str]) -> tuple[int, int] | None:
    """ipython-sql / prettytable / Spark `show()` grids: +---+ borders around | rows."""
    borders = [i for i, line in enumerate(lines) if re.match(r"^\+[-+=]+\+\s*$", line)]
    if len(borders) < 3:
        return None
    body = [line for line in lines[borders[1] + 1 : borders[-1]] if line.startswith("|")]
    columns = lines[borders[0]].count("+") - 1
    return (len(body), columns) if body and columns >= 2 else None


def _polars_text(text: str, lines: list[str]) -> tuple[int, int] | None:
    shape = _POLARS_SHAPE.search(text[:200])
    if shape is None or "┌" not in text:
        return None
    return _number(shape.group("rows")), _number(shape.group("cols"))


def text_table(text: str) -> Table | None:
    if "dtype:" in text[-200:] and "columns]" not in text[-200:]:
        return None  # a Series (df.dtypes, value_counts()): one column of labels and values
    lines = text.split("\n")
    polars = _polars_text(text, lines)
    if polars is not None:
        return Table("polars frame", polars[0], polars[1], text)
    grid = _ascii_grid(lines)
    if grid is not None:
        return Table("ASCII table", grid[0], grid[1], text)
    best: Table | None = None
    start = 0
    # Printed text may precede a frame, and a loop may print several: the largest one counts.
    while start < min(len(lines), MAX_TEXT_LINES):
        found = _aligned_block(lines, start)
        if found is None:
            start += 1
            continue
        rows, columns = found
        body = lines[start + 1 : start + 1 + rows]
        labels = [row.split()[0] for row in body if row.split()]
        if not _is_summary(labels, lines[start].split()) and (best is None or rows > best.rows):
            best = Table("DataFrame text", rows, columns, text)
        start += rows + 1
    if best is not None:
        footer = _SHAPE_FOOTER.search(text[-200:])
        if footer is not None:
            best = Table(
                best.kind, max(best.rows, _number(footer.group("rows"))), best.columns, text
            )
    return best


# --- notebooks ------------------------------------------------------------------------------------


def _joined(value: Any) -> str:
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    return value if isinstance(value, str) else ""


def output_table(output: Any) -> Table | None:
    """The table an output renders, preferring its richest representation."""
    if not isinstance(output, dict):
        return None
    kind = output.get("output_type")
    if kind == "stream":
        return text_table(_joined(output.get("text")))
    data = output.get("data")
    if kind not in ("execute_result", "display_data") or not isinstance(data, dict):
        return None
    for mime, value in data.items():
        if mime.startswith("application/vnd.dataresource") and isinstance(value, dict):
            found = dataresource_table(value)
            if found is not None:
                return found
    if "text/html" in data:
        found = html_table(_joined(data["text/html"]))
        if found is not None:
            return found
    if "text/plain" in data:
        return text_table(_joined(data["text/plain"]))
    return None


def _output_offsets(raw: bytes) -> Iterator[int]:
    """Byte offsets of each `"output_type"` key, in document order: where outputs start."""
    needle = b'"output_type"'
    i = raw.find(needle)
    while i != -1:
        yield i
        i = raw.find(needle, i + 1)


def notebook_tables(raw: bytes) -> list[OutputSite] | None:
    """Table-shaped outputs of a notebook, None when `raw` is not a notebook JSON document."""
    import json  # a notebook under the data check; the common run never parses one

    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    cells = document.get("cells") if isinstance(document, dict) else None
    if not isinstance(cells, list):
        return None
    offsets = _output_offsets(raw)
    sites: list[OutputSite] = []
    for number, cell in enumerate(cells, start=1):
        outputs = cell.get("outputs") if isinstance(cell, dict) else None
        for index, output in enumerate(outputs if isinstance(outputs, list) else [], start=1):
            offset = next(offsets, 0)
            table = output_table(output)
            if table is not None:
                line = raw.count(b"\n", 0, offset) + 1
                column = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
                sites.append(OutputSite(number, index, line, column, table))
    return sites


def query_outputs(sites: list[OutputSite], row_threshold: int) -> list[OutputSite]:
    return [s for s in sites if s.table.rows > row_threshold]


# --- data files -----------------------------------------------------------------------------------


def is_data_file(repo_path: str) -> bool:
    name = repo_path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return name.endswith(DATA_SUFFIXES) and name not in _MANIFESTS


def _records_shaped(document: Any) -> bool:
    """JSON that holds records: a list of objects, or an object with such a list inside."""
    if isinstance(document, list):
        return sum(isinstance(x, dict) for x in document) >= 2
    if isinstance(document, dict):
        return any(_records_shaped(v) for v in document.values() if isinstance(v, list))
    return False


def data_file_text(repo_path: str, raw: bytes) -> str | None:
    """The text a data file's personal-data count reads, None when it is not a data set."""
    text = raw.decode("utf-8", "replace")
    if repo_path.lower().endswith(".json"):
        import json

        try:
            if not _records_shaped(json.loads(text)):
                return None
        except (ValueError, RecursionError):
            return None
    return text


def line_col(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
