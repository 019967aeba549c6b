"""Environment inference: each source, the spellings the issue names, and unknown as unknown."""

from __future__ import annotations

import pytest

from hex_guard.hygiene import environments as env

PATHS = [
    (".env.dev", "dev"),
    (".env.development", "dev"),
    (".env.local", "dev"),
    (".env.production", "prod"),
    (".env.prod", "prod"),
    (".env.live", "prod"),
    (".env.test", "test"),
    (".env.qa", "test"),
    (".env.staging", "staging"),
    (".env.uat", "staging"),
    (".env.production.local", "prod"),  # Next.js: local overrides of production
    (".env.test.local", "test"),
    ("deploy/values-staging.yaml", "staging"),
    ("helm/values-prod.yml", "prod"),
    ("config/prod/app.yaml", "prod"),
    ("k8s/overlays/prod/secret.yaml", "prod"),
    ("k8s/overlays/local/secret.yaml", "dev"),
    ("terraform/envs/stage/main.tf", "staging"),
    ("terraform/environments/test/main.tf", "test"),
    ("infra/live/prod/rds/terragrunt.hcl", "prod"),
    ("settings_dev.py", "dev"),
    ("config/application-production.properties", "prod"),
    ("prod.tfvars", "prod"),
    ("config/environments/production.rb", "prod"),
    ("dev/docker-compose.yaml", "dev"),
    # Unknown stays unknown.
    (".env", None),
    (".env.example", None),
    ("config/settings.py", None),
    ("tests/test_db.py", None),  # a test suite is not a test environment
    ("src/test/resources/application.yml", None),
    ("test_settings.py", None),
    ("infra/live/us-east-1/vpc/main.tf", None),  # terragrunt's live/ holds every environment
    ("home/.local/share/app.env", None),
    ("devtools/config.yaml", None),
    ("k8s-prod/secret.yaml", None),  # not a whole-word directory: no guess
    (".env.dev.prod", None),  # two environments in one name disagree
    ("notebooks/analysis.ipynb", None),
]


@pytest.mark.parametrize(("path", "expected"), PATHS)
def test_environment_from_path(path: str, expected: str | None) -> None:
    found = env.from_path(path)
    assert (found.name if found else None) == expected


VARIABLES = [
    ("HEX_TOKEN_PROD=", "prod"),
    ("HEX_TOKEN_DEV=", "dev"),
    ("PROD_DB_PASSWORD=", "prod"),
    ("export STAGING_HEX_API_TOKEN=", "staging"),
    ('  "hexTokenProduction": "', "prod"),
    ("prodToken = '", "prod"),
    ('os.environ["QA_SNOWFLAKE_PASSWORD"] = "', "test"),
    ("DATABASE_URL_PROD=postgres://etl:", "prod"),  # the key before the URI, not the user name
    ("LIVE_KEY: ", "prod"),
    ("HEX_TOKEN=", None),
    ("password: ", None),
    ("DEV_TO_PROD_SYNC_TOKEN=", None),  # names two environments: unknown
    ("product_key = '", None),  # `product` is not `prod`
    ("PRODUCTION", None),  # no assignment
]


@pytest.mark.parametrize(("prefix", "expected"), VARIABLES)
def test_environment_from_variable(prefix: str, expected: str | None) -> None:
    found = env.from_variable(prefix)
    assert (found.name if found else None) == expected


PROFILE = """\
analytics:
  target: dev
  outputs:
    dev:
      type: snowflake
      user: HEX_DEV
      password: dev-value
    prod:
      type: snowflake
      user: HEX_PROD
      password: prod-value
    ci:
      type: snowflake
      password: ci-value
    snowflake_production:
      password: other-value
"""


@pytest.mark.parametrize(
    ("line", "expected"), [(7, "dev"), (11, "prod"), (14, None), (16, "prod"), (2, None)]
)
def test_environment_from_dbt_target(line: int, expected: str | None) -> None:
    found = env.from_dbt_profile(PROFILE, line)
    assert (found.name if found else None) == expected
    if found:
        assert found.source == "dbt target"


def test_content_beats_path_and_profiles_only_in_profiles_files() -> None:
    data = PROFILE.encode()
    assert env.infer("profiles.yml", data, 11, 17).name == "prod"  # type: ignore[union-attr]
    # The same text under another name is not a dbt profile: its path decides (unknown here).
    assert env.infer("notes.yml", data, 11, 17) is None
    line = b"DEV_DB_PASSWORD=x\n"
    found = env.infer(".env.prod", line, 1, 17)
    assert found is not None and (found.name, found.source) == ("dev", "variable")
    found = env.infer(".env.prod", b"DB_PASSWORD=x\n", 1, 13)
    assert found is not None and (found.name, found.source) == ("prod", "file name")
