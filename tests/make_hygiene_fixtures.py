"""Writes fixtures/hygiene/: notebooks with fake query outputs, and data files, for the data check.

Outputs are rendered by pandas itself (run this with a Python that has pandas; the test suite
only reads the files it wrote), so the fixtures have the exact shape real notebooks have. Every
personal value is invented: names from a short list, addresses at real-looking domains,
NANP numbers outside the 555 exchange, Luhn-valid card numbers drawn at random, SSNs inside the
assigned ranges and IBANs with a valid checksum. `expected.json` says what each file must raise.

    /path/to/python-with-pandas tests/make_hygiene_fixtures.py
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent / "fixtures" / "hygiene"
rng = random.Random(13)
FIRST = ["Ava", "Liam", "Noah", "Mia", "Zoe", "Omar", "Ines", "Kai", "Lena", "Ravi", "Sara", "Tom"]
LAST = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Silva", "Novak", "Haddad", "Byrne", "Kowalski"]
DOMAINS = ["gmail.com", "outlook.com", "fastmail.fm", "proton.me", "northwind-traders.co.uk"]


def luhn_complete(body: str) -> str:
    for check in "0123456789":
        digits = body + check
        total = 0
        for i, ch in enumerate(reversed(digits)):
            d = int(ch)
            if i % 2 == 1:
                d = d * 2 - 9 if d > 4 else d * 2
            total += d
        if total % 10 == 0:
            return digits
    raise AssertionError


def card() -> str:
    while True:
        prefix = rng.choice(["4", "51", "52", "53", "54", "55"])
        body = prefix + "".join(rng.choice("0123456789") for _ in range(15 - len(prefix)))
        number = luhn_complete(body)
        if len(set(number)) > 5 and "123456" not in number:
            return " ".join(number[i : i + 4] for i in range(0, 16, 4))


def ssn() -> str:
    return f"{rng.randint(101, 665):03d}-{rng.randint(10, 99):02d}-{rng.randint(1000, 9999):04d}"


def phone() -> str:
    return f"({rng.randint(201, 989)}) {rng.randint(201, 549)}-{rng.randint(1000, 9999):04d}"


def iban() -> str:
    bban = f"{rng.randint(10000000, 99999999)}{rng.randint(10**9, 10**10 - 1)}"
    moved = bban + "DE00"
    number = "".join(str(int(ch, 36)) for ch in moved)
    return f"DE{98 - int(number) % 97:02d}{bban}"


def person(i: int) -> dict[str, Any]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return {
        "customer_id": 10_000 + i,
        "name": f"{first} {last}",
        "email": f"{first.lower()}.{last.lower()}{rng.randint(1, 99)}@{rng.choice(DOMAINS)}",
        "phone": phone(),
        "card_number": card(),
        "ssn": ssn(),
        "iban": iban(),
        "lifetime_value": round(rng.uniform(10, 5000), 2),
    }


def synthetic_person(i: int) -> dict[str, Any]:
    """Fixture data as documentation writes it: every value reserved or documented as a test."""
    test_cards = ["4242 4242 4242 4242", "5555 5555 5555 4444", "3782 822463 10005"]
    return {
        "customer_id": i,
        "email": f"user{i}@example.com",
        "phone": f"(415) 555-01{i % 100:02d}",
        "card_number": test_cards[i % 3],
        "ssn": "078-05-1120",
        "iban": "GB29 NWBK 6016 1331 9268 19",
    }


def nb(cells: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def code(source: str, outputs: list[dict[str, Any]], n: int | None) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": n,
        "id": f"c{n or 0:04d}",
        "metadata": {},
        "outputs": outputs,
        "source": source.splitlines(keepends=True),
    }


def markdown(source: str) -> dict[str, Any]:
    return {
        "cell_type": "markdown",
        "id": "m0001",
        "metadata": {},
        "source": source.splitlines(True),
    }


def lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def result(df: pd.DataFrame | pd.Series, n: int, html: bool = True, schema: bool = False) -> dict:
    data: dict[str, Any] = {"text/plain": lines(repr(df))}
    if html and hasattr(df, "_repr_html_"):
        data["text/html"] = lines(df._repr_html_())
    if schema:
        data["application/vnd.dataresource+json"] = json.loads(df.to_json(orient="table"))
    return {"output_type": "execute_result", "execution_count": n, "metadata": {}, "data": data}


def stream(text: str) -> dict[str, Any]:
    return {"output_type": "stream", "name": "stdout", "text": lines(text)}


def prettytable(df: pd.DataFrame) -> str:
    """ipython-sql's text/plain: a prettytable grid."""
    cols = [str(c) for c in df.columns]
    widths = [max(len(c), *(len(str(v)) for v in df[c])) for c in df.columns]
    border = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    head = "|" + "|".join(f" {c:<{w}} " for c, w in zip(cols, widths)) + "|"
    rows = ["|" + "|".join(f" {v!s:<{w}} " for v, w in zip(r, widths)) + "|" for r in df.values]
    return "\n".join([border, head, border, *rows, border])


def sql_html(df: pd.DataFrame) -> str:
    """ipython-sql's text/html: a bare <table> with a header row and no class."""
    head = "<tr>" + "".join(f"<th>{c}</th>" for c in df.columns) + "</tr>"
    body = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in r) + "</tr>" for r in df.values)
    return f"<table>\n    {head}\n    {body}\n</table>"


def polars_text(df: pd.DataFrame) -> str:
    """A polars DataFrame's repr (shape line, box drawing, dtype row)."""
    cols = [str(c) for c in df.columns]
    dtypes = ["i64" if str(t).startswith("int") else "str" for t in df.dtypes]
    cells = [[str(v) for v in r] for r in df.values]
    widths = [max(len(c), 3, *(len(r[i]) for r in cells)) for i, c in enumerate(cols)]
    row = lambda vals: "│ " + " ┆ ".join(f"{v:<{w}}" for v, w in zip(vals, widths)) + " │"  # noqa: E731
    top = "┌" + "┬".join("─" * (w + 2) for w in widths) + "┐"
    mid = "╞" + "╪".join("═" * (w + 2) for w in widths) + "╡"
    bottom = "└" + "┴".join("─" * (w + 2) for w in widths) + "┘"
    out = [f"shape: ({len(df)}, {len(cols)})", top, row(cols), row(["---"] * len(cols))]
    out += [row(dtypes), mid, *(row(r) for r in cells), bottom]
    return "\n".join(out)


def statsmodels_summary() -> str:
    rows = "".join(
        f"<tr><th>x{i}</th><td>{rng.uniform(-1, 1):.4f}</td><td>{rng.uniform(0, 1):.3f}</td></tr>"
        for i in range(8)
    )
    return (
        '<table class="simpletable">\n<caption>OLS Regression Results</caption>\n'
        f"<tr><th></th><th>coef</th><th>std err</th></tr>{rows}</table>"
    )


def write(kind: str, name: str, document: dict[str, Any] | str) -> None:
    path = ROOT / kind / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(document, str):
        path.write_text(document, encoding="utf-8")
    else:
        path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> int:
    pd.set_option("display.max_columns", 20)
    pd.set_option("display.width", 200)
    customers = pd.DataFrame([person(i) for i in range(20)])
    synthetic = pd.DataFrame([synthetic_person(i) for i in range(20)])
    orders = pd.DataFrame(
        {
            "order_id": range(5001, 5009),
            "sku": [f"SKU-{rng.randint(100, 999)}" for _ in range(8)],
            "qty": [rng.randint(1, 9) for _ in range(8)],
            "amount": [round(rng.uniform(5, 500), 2) for _ in range(8)],
        }
    )
    big = pd.DataFrame(
        {
            "event_id": range(1000),
            "user_id": [rng.randint(1, 90) for _ in range(1000)],
            "event": [rng.choice(["view", "click", "buy"]) for _ in range(1000)],
        }
    )
    expected: dict[str, dict[str, bool]] = {}

    def case(kind: str, name: str, document: Any, query: bool, pii: bool) -> None:
        write(kind, name, document)
        expected[f"{kind}/{name}"] = {"notebook-query-output": query, "personal-data": pii}

    q = "select * from analytics.customers limit 20"
    case(
        "notebooks",
        "customers_html.ipynb",
        nb([code(f'df = hex_sql("{q}")\ndf', [result(customers, 1)], 1)]),
        True,
        True,
    )
    case(
        "notebooks",
        "customers_print.ipynb",
        nb([code("print(customers.head(12))", [stream(customers.head(12).to_string() + "\n")], 1)]),
        True,
        True,
    )
    case(
        "notebooks",
        "orders_table_schema.ipynb",
        nb([code("orders", [result(orders, 1, html=False, schema=True)], 1)]),
        True,
        False,
    )
    sql_df = customers[["customer_id", "email", "lifetime_value"]].head(10)
    sql_out = {
        "output_type": "execute_result",
        "execution_count": 2,
        "metadata": {},
        "data": {"text/html": lines(sql_html(sql_df)), "text/plain": lines(prettytable(sql_df))},
    }
    case(
        "notebooks",
        "ipython_sql.ipynb",
        nb(
            [
                code(
                    "%%sql\nselect customer_id, email, lifetime_value from customers limit 10",
                    [sql_out],
                    2,
                )
            ]
        ),
        True,
        True,
    )
    with pd.option_context("display.max_rows", 10):
        case(
            "notebooks",
            "events_truncated.ipynb",
            nb([code("events", [result(big, 3)], 3)]),
            True,
            False,
        )
    case(
        "notebooks",
        "polars_frame.ipynb",
        nb(
            [
                code(
                    "pl_df",
                    [
                        {
                            "output_type": "execute_result",
                            "execution_count": 4,
                            "metadata": {},
                            "data": {
                                "text/plain": lines(
                                    polars_text(customers[["customer_id", "email"]].head(9))
                                )
                            },
                        }
                    ],
                    4,
                )
            ]
        ),
        True,
        True,
    )
    case(
        "notebooks",
        "head_with_people.ipynb",
        nb([code("customers.head()", [result(customers.head(), 5)], 5)]),
        False,
        True,
    )
    case(
        "notebooks",
        "synthetic_fixture_rows.ipynb",
        nb([code("fake_customers", [result(synthetic, 6)], 6)]),
        True,
        False,
    )

    case(
        "notebooks-negative",
        "describe.ipynb",
        nb([code("customers.describe()", [result(big.describe(), 1)], 1)]),
        False,
        False,
    )
    corr = pd.DataFrame(
        [[rng.uniform(-1, 1) for _ in range(6)] for _ in range(6)],
        columns=list("abcdef"),
        index=list("abcdef"),
    )
    case(
        "notebooks-negative",
        "correlation.ipynb",
        nb([code("df.corr()", [result(corr, 1)], 1)]),
        False,
        False,
    )
    doc = (
        "## Columns\n\n| column | example |\n|---|---|\n"
        + "".join(
            f"| {c} | {customers[c][0]} |\n"
            for c in ("email", "phone", "card_number", "ssn", "iban")
        )
        + "| rows | 1 to 20 |\n" * 6
    )
    case(
        "notebooks-negative",
        "documentation_table.ipynb",
        nb([markdown(doc), code("1 + 1", [], 1)]),
        False,
        False,
    )
    arr = (
        "array([[0.12, 0.88],\n"
        + "".join(f"       [{rng.random():.2f}, {rng.random():.2f}],\n" for _ in range(10))
        + "       [0.5 , 0.5 ]])"
    )
    case(
        "notebooks-negative",
        "numpy_array.ipynb",
        nb(
            [
                code(
                    "proba",
                    [
                        {
                            "output_type": "execute_result",
                            "execution_count": 1,
                            "metadata": {},
                            "data": {"text/plain": lines(arr)},
                        }
                    ],
                    1,
                )
            ]
        ),
        False,
        False,
    )
    case(
        "notebooks-negative",
        "value_counts.ipynb",
        nb([code("big.event.value_counts()", [result(big.user_id.value_counts().head(12), 1)], 1)]),
        False,
        False,
    )
    case(
        "notebooks-negative",
        "dtypes.ipynb",
        nb([code("customers.dtypes", [result(customers.dtypes, 1)], 1)]),
        False,
        False,
    )
    case(
        "notebooks-negative",
        "statsmodels_summary.ipynb",
        nb(
            [
                code(
                    "model.summary()",
                    [
                        {
                            "output_type": "execute_result",
                            "execution_count": 1,
                            "metadata": {},
                            "data": {
                                "text/html": lines(statsmodels_summary()),
                                "text/plain": ["<class 'statsmodels.iolib.summary.Summary'>"],
                            },
                        }
                    ],
                    1,
                )
            ]
        ),
        False,
        False,
    )
    case(
        "notebooks-negative",
        "small_head.ipynb",
        nb([code("orders.head(3)", [result(orders.head(3), 1)], 1)]),
        False,
        False,
    )
    case(
        "notebooks-negative",
        "stripped.ipynb",
        nb([code(f'df = hex_sql("{q}")\ndf', [], None)]),
        False,
        False,
    )
    log = "".join(
        f"epoch {i:3d}  loss {rng.random():.4f}  acc {rng.random():.3f}\n" for i in range(30)
    )
    case(
        "notebooks-negative",
        "training_log.ipynb",
        nb([code("fit()", [stream(log)], 1)]),
        False,
        False,
    )

    case("data", "customers.csv", customers.to_csv(index=False), False, True)
    case(
        "data",
        "signups.jsonl",
        customers[["customer_id", "email", "phone"]].to_json(orient="records", lines=True),
        False,
        True,
    )
    case(
        "data",
        "users.json",
        customers[["customer_id", "email"]].to_json(orient="records", indent=1),
        False,
        True,
    )
    case("data-negative", "example_users.csv", synthetic.to_csv(index=False), False, False)
    case("data-negative", "orders.tsv", orders.to_csv(index=False, sep="\t"), False, False)
    manifest = {
        "name": "dash",
        "version": "1.0.0",
        "author": f"{customers['name'][0]} <{customers['email'][0]}>",
        "contributors": [
            {"name": n, "email": e} for n, e in zip(customers["name"][:3], customers["email"][:3])
        ],
    }
    case("data-negative", "package.json", json.dumps(manifest, indent=2), False, False)
    settings = {"owner_email": customers["email"][1], "alerts": {"channel": "#data"}}
    case("data-negative", "settings.json", json.dumps(settings, indent=2), False, False)

    write("", "expected.json", json.dumps(expected, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
