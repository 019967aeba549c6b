"""Every rule's true and false positives, alone and embedded in the files data teams commit."""

from __future__ import annotations

import pytest

from hex_guard.detect import Engine, Fragment
from hex_guard.finding import Finding
from hex_guard.rules import RULES, RULES_BY_ID, Rule
from hex_guard.rules.keyed import KEYED_RULES
from tests.contexts import CONTEXTS, JSON_ESCAPED, escaped

# "keywords": Hyperscan on literal keywords only, as for a hook run over a few files.
ENGINES = {
    "hyperscan": Engine(),
    "keywords": Engine(gates=False),
    "python": Engine(allow_hyperscan=False),
}
# Rules for some paths or some decoder's output only: not embedded in other files' contexts.
SCOPED = {rule.id for rule in RULES if rule.scoped}
KEYED = {rule.id for rule in KEYED_RULES}


def scan(
    text: str, path: str = "example.txt", engine: str = "python", decoded: str | None = None
) -> list[Finding]:
    return ENGINES[engine].scan(Fragment(path, path, text.encode(), decoded=decoded))


def _cases(kind: str) -> list[tuple[Rule, int, str]]:
    return [
        (rule, i, text)
        for rule in RULES
        for i, text in enumerate(rule.examples if kind == "tp" else rule.counter_examples)
    ]


def _id(case: tuple[Rule, int, str]) -> str:
    return f"{case[0].id}-{case[1]}"


def test_every_rule_has_three_true_and_three_false_positives() -> None:
    for rule in RULES:
        assert len(rule.examples) >= 3, rule.id
        assert len(rule.counter_examples) >= 3, rule.id


def test_rule_ids_are_unique_and_kebab_case() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    assert all(i == i.lower() and " " not in i for i in ids)


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("case", _cases("tp"), ids=_id)
def test_true_positive_is_found_by_its_rule(case: tuple[Rule, int, str], engine: str) -> None:
    rule, _, text = case
    findings = scan(text, rule.example_path, engine, rule.decoded_by)
    assert [f.rule_id for f in findings] == [rule.id]
    secret = findings[0].secret
    assert secret and secret in text


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("case", _cases("fp"), ids=_id)
def test_false_positive_is_not_reported(case: tuple[Rule, int, str], engine: str) -> None:
    rule, _, text = case
    assert scan(text, rule.example_path, engine, rule.decoded_by) == []


def test_every_decoded_by_names_a_registered_decoder() -> None:
    from hex_guard import decoders

    named = {rule.decoded_by for rule in RULES} - {None}
    assert named and named <= decoders.BY_NAME.keys()


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize(
    "path", ["deploy/secret.yaml", ".env", "deploy/secret.yaml#kubernetes-secret-data"]
)
def test_a_decoder_scoped_rule_never_runs_on_raw_or_other_decoders_data(
    path: str, engine: str
) -> None:
    """Applicability comes from Fragment.decoded, so no path (not even one ending in the suffix
    that once marked decoded data) makes raw text, or another decoder's output, look decoded."""
    from hex_guard.decoders.encoded import CREDENTIALS

    rule = RULES_BY_ID["kubernetes-secret"]
    assert rule.decoded_by is not None
    text = rule.examples[0]
    assert "kubernetes-secret" in [f.rule_id for f in scan(text, path, engine, rule.decoded_by)]
    for decoded in (None, CREDENTIALS):
        assert "kubernetes-secret" not in [f.rule_id for f in scan(text, path, engine, decoded)]


def _contexts_for(rule: Rule) -> list[str]:
    return [] if rule.id in SCOPED else sorted(CONTEXTS)


@pytest.mark.parametrize(
    ("case", "context"),
    [(c, ctx) for c in _cases("tp") for ctx in _contexts_for(c[0])],
    ids=lambda v: _id(v) if isinstance(v, tuple) else v,
)
def test_true_positive_in_file_context(case: tuple[Rule, int, str], context: str) -> None:
    rule, _, text = case
    expected = scan(text, rule.example_path)[0].secret
    path, content = CONTEXTS[context](text)
    findings = scan(content, path, "hyperscan")
    mine = [f for f in findings if f.rule_id == rule.id]
    if not mine and context == "env" and rule.id in KEYED:
        # In a committed .env file the dotenv rule reports the same secret, with its own hint.
        mine = [f for f in findings if f.rule_id == "dotenv-secret"]
    assert mine, f"{rule.id} not found in {context}: {[f.rule_id for f in findings]}"
    want = escaped(expected) if context in JSON_ESCAPED else expected
    if mine[0].rule_id != rule.id:  # the dotenv stand-in reads a bare value to the line's end
        assert mine[0].secret.startswith(want)
    elif "\n" in expected:  # a multi-line key carries the context's framing between its lines
        assert mine[0].secret.splitlines()[0].startswith(want.splitlines()[0][:30])
    else:
        assert mine[0].secret == want
    lines = content.splitlines()
    assert lines[mine[0].line - 1][mine[0].column - 1 :].startswith(want.splitlines()[0][:30])


@pytest.mark.parametrize(
    ("case", "context"),
    [(c, ctx) for c in _cases("fp") for ctx in _contexts_for(c[0])],
    ids=lambda v: _id(v) if isinstance(v, tuple) else v,
)
def test_false_positive_in_file_context(case: tuple[Rule, int, str], context: str) -> None:
    rule, _, text = case
    path, content = CONTEXTS[context](text)
    findings = scan(content, path, "hyperscan")
    # In a committed .env file a bare `password=hunter2` is a real finding, just not this rule's.
    allowed = {"dotenv-secret"} if context == "env" else set()
    assert [f.rule_id for f in findings if f.rule_id not in allowed] == []
    assert all(f.rule_id != rule.id for f in findings)


# Extra tables beyond each rule's own examples; each false positive says where it came from.
EXTRA_TRUE = [
    (
        "hex-api-token",
        "curl -H 'Authorization: Bearer hxtw_"
        + "0123456789abcdef" * 6
        + "' https://app.hex.tech/api/v1/projects",
    ),
    (
        "db-uri-password",
        "AIRFLOW_CONN_WAREHOUSE='redshift+psycopg2://etl:Rs8pW2qLx9@rs.acme.io:5439/dw'",
    ),
    ("db-uri-password", "clickhouse+native://default:Ch4rL9vxQ@ch.acme.io:9440/db?secure=True"),
    ("db-uri-password", "mssql+pyodbc://hex:Vb7kQ2mZ9@sql.acme.io:1433/dw?driver=ODBC+Driver+18"),
    ("db-uri-password", "amqp://svc:R4bb1tPw9x@mq.acme.io:5672/vhost"),
    ("db-uri-password", "oracle+oracledb://scott:Or4cl3Pw77@ora.acme.io:1521/?service_name=XE"),
    ("db-uri-password", "db2+ibm_db://u:Db2Pw5678x@db2.acme.io:50000/BLUDB"),
    (
        "db-uri-password",
        "databricks://token:Xq8rT2vX9mK4pL7n@adb-1.7.azuredatabricks.net?http_path=/sql",
    ),
    (
        "db-uri-password",
        "awsathena+rest://AKIAEXAMPL:wJalrXUtnFEMIK7MDENGbPxRfiCY9@athena.us-east-1.amazonaws.com:443/db",
    ),
    ("db-uri-password", "postgresql://svc:k%40xq%3Az7v9@pg.acme.io/db"),
    ("odbc-password", "Server=tcp:sql.acme.io,1433;Database=dw;Uid=hex;Pwd={k@xq;z7v9};"),
    ("databricks-token", "export DATABRICKS_TOKEN=dapi5f1c0e9a7b3d4c2e8f6a0b1c2d3e4f5a"),
    (
        "motherduck-token",
        "ingest: md:?motherduck_token=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzZXNzaW9uIjoiYWNtZSJ9.Xw9kQ2mZp4LtR7vB1cN8sD3fG6hJ0",
    ),
]
EXTRA_FALSE = [
    # The Hex API overview's docs sample (learn.hex.tech/docs/api/api-overview) and, from public
    # code, the HxTP IoT SDK / Himax driver identifiers.
    "TOKEN = 'hxtp_5bbf1c8b1989d6657d5c...'  # format: hxtp_<96 hex chars>",
    "static const char *hxtp_commands[] = {0};",
    "HEX_TOKEN=hxtw_... ./08_upload_hex_guides.sh",
    # hex.pm's own variable holding a reference, not a value.
    "HEX_API_KEY: ${{ secrets.HEX_API_KEY }}",
    # trufflehog PR #5192: .NET format placeholders.
    "Server={0};Database={1};User Id={2};Password={3};",
    # Airflow's stock dev compose file (dev default, user == password on a service host).
    "sql_alchemy_conn: postgresql+psycopg2://airflow:airflow@postgres/airflow",
    # Indirect references (shared domain notes, false positives).
    "password = os.getenv('SNOWFLAKE_PASSWORD')",
    "conn = connect(password=settings.DB_PASSWORD)",
    "url: postgresql://user@localhost/db",
    "jdbc:postgresql://pg.acme.io:5432/dw?user=etl&ssl=true",
    "DATABRICKS_ACCESS_TOKEN=",
    "POSTGRES_CONNECTION_STRING=",
    "-----BEGIN PRIVATE KEY-----\\nMIIEv...\\n-----END PRIVATE KEY-----",
    "mongodb+srv://<username>:<password>@cluster0.mongodb.net/",
    "postgresql://postgres:postgres@localhost:5432/postgres",
    "redis://:${REDIS_PASSWORD}@redis:6379/0",
    "A hash: 6f0c1e9a7b3d4c2e8f6a0b1c2d3e4f5a6f0c1e9a",
]


@pytest.mark.parametrize(("rule_id", "text"), EXTRA_TRUE)
def test_extra_true_positives(rule_id: str, text: str) -> None:
    assert rule_id in RULES_BY_ID
    assert [f.rule_id for f in scan(text)] == [rule_id]


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("application.properties", "spring.datasource.password:{pw}\n"),
        ("conf/app.properties", "server.port=8080\n  db.password:{pw}\n"),
        ("odbc.ini", "[warehouse]\nDriver=Snowflake\npassword:{pw}\n"),
        ("setup.cfg", "[db]\npassword:{pw}\n"),
    ],
)
def test_a_colon_entry_at_a_line_start_is_a_properties_or_ini_password(
    path: str, text: str
) -> None:
    """Java properties and ini take `:` as the separator with or without spaces, so a bare
    `key:value` that begins its line is an entry; the precision fix for `key:value` inside a
    string's text (issue 9, prefect's tests) must not drop it."""
    from hex_guard.rules.fake import pw

    secret = pw("colon-entry")
    assert [(f.rule_id, f.secret) for f in scan(text.format(pw=secret), path)] == [
        ("keyed-password", secret)
    ]
    inside = f'assert url.password == "db-password:{secret}"\n'
    assert scan(inside, path) == []


@pytest.mark.parametrize("text", EXTRA_FALSE)
def test_extra_false_positives(text: str) -> None:
    assert scan(text) == []


def test_workspace_token_is_critical_and_personal_is_high() -> None:
    body = "0123456789abcdef" * 6
    assert str(scan(f"x=hxtw_{body}")[0].severity) == "critical"
    assert str(scan(f"x=hxtp_{body}")[0].severity) == "high"


def test_overlapping_rules_report_once_by_most_specific() -> None:
    body = "0123456789abcdef" * 6
    findings = scan(f"HEX_API_TOKEN=hxtw_{body}\n", ".env")
    assert [f.rule_id for f in findings] == ["hex-api-token"]
    dsn = "databricks://token:dapi5f1c0e9a7b3d4c2e8f6a0b1c2d3e4f5a@adb-1.azuredatabricks.net"
    assert [f.rule_id for f in scan(dsn)] == ["databricks-token"]


@pytest.mark.parametrize(
    ("path", "flagged"),
    [
        (".env", True),
        ("app/.env.local", True),
        (".env.production", True),
        (".env.x", True),
        (".envrc", True),
        ("docker/prod.env", True),
        (".env.example", False),
        (".env.sample", False),
        (".env.template", False),
        (".env.dist", False),
        (".env.defaults", False),
        (".env.x.example", False),
        ("example.env", False),
        ("env.example", False),
        (".environment.py", False),
    ],
)
def test_dotenv_file_names(path: str, flagged: bool) -> None:
    text = "DB_PASSWORD=Tr0ub4dor-9xQ\n"
    assert bool([f for f in scan(text, path) if f.rule_id == "dotenv-secret"]) == flagged


def test_dotenv_with_only_placeholders_and_config_is_clean() -> None:
    text = "PORT=8080\nDB_PASSWORD=\nAPI_KEY=${API_KEY}\nSECRET_KEY=changeme\nHOST=db\n"
    assert scan(text, ".env") == []


def test_template_content_is_still_scanned() -> None:
    body = "0123456789abcdef" * 6
    assert [f.rule_id for f in scan(f"HEX_API_TOKEN=hxtw_{body}\n", ".env.example")] == [
        "hex-api-token"
    ]


def test_dbt_rule_only_runs_on_profiles() -> None:
    text = "      password: Hx7!qPz2Lm\n"
    assert [f.rule_id for f in scan(text, "dbt/profiles.yml")] == ["dbt-profile-secret"]
    # Elsewhere the same YAML literal is a keyed password, reported by the keyed family.
    assert [f.rule_id for f in scan(text, "dbt/dbt_project.yml")] == ["keyed-password"]
