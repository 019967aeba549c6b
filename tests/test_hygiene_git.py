"""Hygiene checks end to end on real git repositories: every environment-inference source, and
scan, --staged (against the committed tree), --diff and history; baseline, allowlist, disable;
the opt-in data check; Hex token properties in every report format."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest

from hex_guard.main import main
from tests.gitrepo import commit, git, run_json, write

REUSE = "secret-reused-across-environments"
PASSWORD = "Tr0ub4dor" + "9x7Lq2vW"
OTHER = "Zq8vW3nL" + "p0rTy6Kd"
URI = f"postgresql://etl:{PASSWORD}@db.acme.io:5432/dw"
TOKEN = "hxtw_" + "0123456789abcdef" * 6
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "hygiene"


def run(
    cwd: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, list[dict], str]:
    code, doc, err = run_json(cwd, monkeypatch, capsys, *args)
    return code, doc.get("findings", []), err


def reuses(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f["rule_id"] == REUSE]


def k8s_secret(value: str) -> str:
    encoded = base64.b64encode(value.encode()).decode()
    return (
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\n"
        f"data:\n  DB_PASSWORD: {encoded}\n"
    )


SOURCES = {
    "file names": {".env.dev": f"DATABASE_URL={URI}\n", ".env.production": f"DATABASE_URL={URI}\n"},
    "directories (decoded Kubernetes data)": {
        "k8s/overlays/dev/db.yaml": k8s_secret(PASSWORD),
        "k8s/overlays/prod/db.yaml": k8s_secret(PASSWORD),
    },
    "dbt targets": {
        "profiles.yml": (
            "analytics:\n  target: dev\n  outputs:\n"
            f"    dev:\n      type: postgres\n      password: {PASSWORD}\n"
            f"    prod:\n      type: postgres\n      password: {PASSWORD}\n"
        )
    },
    "variable names": {".env": f"HEX_TOKEN_DEV={TOKEN}\nHEX_TOKEN_PROD={TOKEN}\n"},
    "notebook cells": {
        "notebooks/load.ipynb": json.dumps(
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "metadata": {},
                        "outputs": [],
                        "source": [f'PROD_DATABASE_URL = "{URI}"\n'],
                    }
                ],
                "metadata": {},
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        ),
        "config/dev/app.env": f"DATABASE_URL={URI}\n",
    },
}


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_each_inference_source_finds_the_reuse(
    source: str, repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    commit(repo, "c", SOURCES[source])
    code, findings, _ = run(repo, monkeypatch, capsys, "scan")
    found = reuses(findings)
    assert code == 1 and len(found) == 1, findings
    f = found[0]
    assert f["severity"] == "high" and f["properties"]["environments"] == "prod, dev"
    # Every location is named, and the individual findings stay.
    assert len(findings) - 1 >= 2 and all(
        x["path"] in f["properties"]["locations"] for x in findings if x["rule_id"] != REUSE
    )
    assert PASSWORD not in json.dumps(found) and TOKEN[8:] not in json.dumps(found)


def test_text_report_names_environments_and_the_fix(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    commit(repo, "c", SOURCES["file names"])
    monkeypatch.chdir(repo)
    assert main(["scan"]) == 1
    out = capsys.readouterr().out
    block = out[out.index(REUSE) :]
    assert "prod: .env.production:1" in block and "dev: .env.dev:1" in block
    assert "separate credential per environment" in block
    assert PASSWORD not in out


def test_different_values_or_unknown_environments_are_quiet(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    commit(
        repo,
        "c",
        {
            ".env.dev": f"DATABASE_URL={URI}\n",
            ".env.prod": f"DATABASE_URL={URI.replace(PASSWORD, OTHER)}\n",
            ".env": f"DATABASE_URL={URI}\n",  # unknown environment: not a second one
            "settings.py": f'DB = "{URI}"\n',
        },
    )
    code, findings, _ = run(repo, monkeypatch, capsys, "scan")
    assert code == 1 and reuses(findings) == [] and len(findings) == 4


def test_staged_file_reusing_a_committed_value_is_caught(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    commit(repo, "c", {".env.dev": f"DATABASE_URL={URI}\n", "README.md": "hi\n"})
    write(repo / ".env.prod", f"DATABASE_URL={URI}\n")
    git(repo, "add", ".env.prod")
    code, findings, _ = run(repo, monkeypatch, capsys, "scan", "--staged")
    found = reuses(findings)
    assert code == 1 and len(found) == 1
    assert found[0]["path"] == ".env.prod" and ".env.dev:1" in found[0]["properties"]["locations"]
    # The committed copy is context, not a finding of this commit.
    assert [f["path"] for f in findings if f["rule_id"] != REUSE] == [".env.prod"]


def test_staged_reuse_the_tree_already_had_is_not_this_commits(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    commit(repo, "c", {".env.dev": f"DATABASE_URL={URI}\n", ".env.prod": f"DATABASE_URL={URI}\n"})
    write(repo / "notes.md", "nothing secret\n")
    git(repo, "add", "notes.md")
    code, findings, _ = run(repo, monkeypatch, capsys, "scan", "--staged")
    assert code == 0 and findings == []


def test_staged_kubernetes_copy_of_a_committed_env_value(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    commit(repo, "c", {".env.dev": f"DB_PASSWORD={PASSWORD}\n"})
    write(repo / "k8s/overlays/prod/db.yaml", k8s_secret(PASSWORD))
    git(repo, "add", "k8s")
    code, findings, _ = run(repo, monkeypatch, capsys, "scan", "--staged")
    assert code == 1 and len(reuses(findings)) == 1


def test_diff_range_reports_reuse_with_its_commit(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    base = commit(repo, "c", {"README.md": "hi\n"})
    commit(repo, "c", {".env.dev": f"DATABASE_URL={URI}\n"})
    head = commit(repo, "c", {".env.prod": f"DATABASE_URL={URI}\n"})
    code, findings, _ = run(repo, monkeypatch, capsys, "scan", "--diff", f"{base}..HEAD")
    found = reuses(findings)
    assert code == 1 and len(found) == 1
    assert found[0]["path"] == ".env.prod" and found[0]["commit"] == head


def test_history_reports_reuse_including_identical_copies(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = f"DATABASE_URL={URI}\n"
    commit(repo, "c", {".env.dev": text})
    commit(repo, "c", {".env.prod": text})  # the same blob under a second path
    git(repo, "rm", "-q", ".env.prod")
    git(repo, "commit", "-q", "-m", "remove")
    code, findings, _ = run(repo, monkeypatch, capsys, "history", "-j", "1")
    found = reuses(findings)
    assert code == 1 and len(found) == 1
    places = found[0]["properties"]["locations"]
    assert ".env.prod" in places and ".env.dev" in places


def test_allowlist_baseline_and_disable_apply_to_reuse(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    commit(repo, "c", SOURCES["file names"])
    write(
        repo / ".hex-guard.toml",
        f'[[allowlist]]\nrules = ["{REUSE}"]\npaths = [".env.production"]\n',
    )
    code, findings, _ = run(repo, monkeypatch, capsys, "scan")
    assert code == 1 and reuses(findings) == [] and len(findings) == 2

    write(repo / ".hex-guard.toml", f'disable = ["{REUSE}"]\n')
    _, findings, _ = run(repo, monkeypatch, capsys, "scan")
    assert reuses(findings) == []

    (repo / ".hex-guard.toml").unlink()
    monkeypatch.chdir(repo)
    assert main(["baseline", "create", "-o", "baseline.json"]) == 0
    capsys.readouterr()
    code, findings, _ = run(repo, monkeypatch, capsys, "scan", "--baseline", "baseline.json")
    assert code == 0 and findings == []


def test_data_check_is_opt_in_and_threshold_is_configurable(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("notebooks/customers_html.ipynb", "data/customers.csv"):
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURES / name, target)
    code, findings, _ = run(repo, monkeypatch, capsys, "scan")
    assert code == 0 and findings == []

    code, findings, _ = run(repo, monkeypatch, capsys, "scan", "--data")
    rules = sorted((f["rule_id"], f["path"]) for f in findings)
    assert code == 1 and rules == [
        ("notebook-query-output", "notebooks/customers_html.ipynb"),
        ("personal-data", "data/customers.csv"),
        ("personal-data", "notebooks/customers_html.ipynb"),
    ]
    pii = next(f for f in findings if f["path"] == "data/customers.csv")
    assert pii["severity"] == "medium" and "20 e-mail addresses" in pii["description"]
    raw = (repo / "data/customers.csv").read_text()
    first_email = raw.split("\n")[1].split(",")[2]
    assert first_email not in json.dumps(findings)  # counts, never values
    query = next(f for f in findings if f["rule_id"] == "notebook-query-output")
    assert query["severity"] == "low" and query["cell"] == 1 and "20 rows" in query["description"]

    monkeypatch.chdir(repo)
    assert main(["scan", "--data"]) == 1
    text = capsys.readouterr().out
    assert "nbstripout" in text and ".gitattributes" in text and "cell 1" in text
    assert "output 1: …" not in text  # a data finding has no value to show, not even redacted

    write(repo / ".hex-guard.toml", "data-outputs = true\nrow-threshold = 30\n")
    code, findings, _ = run(repo, monkeypatch, capsys, "scan")
    assert code == 1 and "notebook-query-output" not in {f["rule_id"] for f in findings}


def test_bad_row_threshold_fails_loudly(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo / ".hex-guard.toml", 'row-threshold = "five"\n')
    monkeypatch.chdir(repo)
    assert main(["scan"]) == 2
    assert "row-threshold" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_hex_token_kind_in_every_format(
    fmt: str, repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code_text = (
        "import requests\n"
        f'TOKEN = "{TOKEN}"\n'
        'requests.post("https://app.hex.tech/api/v1/project/abc/run",\n'
        '              headers={"Authorization": f"Bearer {TOKEN}"})\n'
    )
    commit(repo, "c", {"trigger.py": code_text})
    monkeypatch.chdir(repo)
    assert main(["scan", "--format", fmt]) == 1
    out = capsys.readouterr().out
    assert "workspace" in out and "RunProject" in out
