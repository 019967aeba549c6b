"""Which deployment environment a finding belongs to, inferred from where it sits.

Sources, most specific first: the variable the value is assigned to (`HEX_TOKEN_PROD=`), the dbt
`profiles.yml` target it is under (`outputs: prod:`), the file name (`.env.production`,
`values-staging.yaml`) and the nearest directory (`k8s/overlays/prod/`, `terraform/envs/stage/`).
Unknown stays unknown: no source, or sources in one place that disagree (`DEV_TO_PROD_TOKEN`),
give None, never a guess. A false environment would make a false "reused across environments"
finding, which costs more than a missed one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The spellings the issue names, and only those: each is an unambiguous environment word.
SPELLINGS: dict[str, str] = {
    "dev": "dev",
    "development": "dev",
    "local": "dev",
    "test": "test",
    "qa": "test",
    "stage": "staging",
    "staging": "staging",
    "uat": "staging",
    "prod": "prod",
    "production": "prod",
    "live": "prod",
}
# How far each environment is from production: the reuse finding names the most exposed first.
RANK = {"prod": 0, "staging": 1, "test": 2, "dev": 3}

# Words that also mean something else in a path: `tests/` holds a test suite, terragrunt's
# `live/` holds every environment, `~/.local` is a prefix. They count in a directory only under a
# container of environments, and in a file name only for configuration files.
_WEAK = frozenset({"test", "local", "live"})
_CONTAINERS = frozenset(
    {
        "env",
        "envs",
        "environment",
        "environments",
        "overlays",
        "stages",
        "deploy",
        "deployments",
        "clusters",
        "workspaces",
        "live",
    }
)
_CONFIG_SUFFIXES = (
    ".env",
    ".yaml",
    ".yml",
    ".json",
    ".toml",
    ".ini",
    ".cfg",
    ".conf",
    ".properties",
    ".tfvars",
    ".hcl",
    ".xml",
)
_SPLIT = re.compile(r"[._\-\s]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@dataclass(frozen=True)
class Environment:
    name: str  # dev, test, staging or prod
    source: str  # variable, dbt target, file name or directory
    # The word as written (`PROD`, `production`), so a report can say what it saw.
    evidence: str


def tokens(text: str) -> list[str]:
    """Lower-case words of an identifier or path part: `HEX_TOKEN_PROD`, `prodToken`, `a-b.c`."""
    return [t.lower() for t in _SPLIT.split(_CAMEL.sub("_", text)) if t]


def _one(words: list[str], allowed: frozenset[str] | None = None) -> str | None:
    """The single environment `words` name, None when they name none or disagree."""
    found = {SPELLINGS[w] for w in words if w in SPELLINGS and (allowed is None or w in allowed)}
    return found.pop() if len(found) == 1 else None


def _word_for(words: list[str], name: str) -> str:
    return next(w for w in words if SPELLINGS.get(w) == name)


def from_file_name(name: str) -> Environment | None:
    words = tokens(name)
    if not words:
        return None
    is_config = name.startswith(".env") or name.lower().endswith(_CONFIG_SUFFIXES)
    allowed = None if is_config else frozenset(w for w in SPELLINGS if w not in _WEAK)
    # `.env.production.local` (Next.js): `local` is a modifier of the other environment.
    named = [w for w in words if w in SPELLINGS and (allowed is None or w in allowed)]
    if "local" in named and len({SPELLINGS[w] for w in named}) > 1:
        words = [w for w in words if w != "local"]
    env = _one(words, allowed)
    return Environment(env, "file name", _word_for(words, env)) if env else None


def from_directories(parts: list[str]) -> Environment | None:
    """The nearest directory that is an environment: its whole name a strong spelling
    (`prod/`, `staging/`), or any spelling directly under a container (`envs/test/`)."""
    for i in range(len(parts) - 1, -1, -1):
        word = parts[i].lower()
        if word not in SPELLINGS:
            continue
        under_container = i > 0 and parts[i - 1].lower() in _CONTAINERS
        if word not in _WEAK or under_container:
            return Environment(SPELLINGS[word], "directory", parts[i])
    return None


def from_path(repo_path: str) -> Environment | None:
    parts = [p for p in repo_path.replace("\\", "/").split("/") if p]
    if not parts:
        return None
    return from_file_name(parts[-1]) or from_directories(parts[:-1])


# --- variable names ------------------------------------------------------------------------------

# The key a value is assigned to, at the end of the text before the value: `KEY=`, `KEY: `,
# `"KEY": "`, `key = '`, `export KEY=`, `os.environ["KEY"] = "`, `KEY := `.
_ASSIGNED = re.compile(
    r"""(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*)["'`\]]*\s*(?::=|=>|=|:)\s*[\[(]?\s*[rbfu]?["'`]?\s*$"""
)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://")


def key_before(line_prefix: str) -> str | None:
    """The variable name a value starting after `line_prefix` is assigned to.

    A secret inside a URI (`DB_URL_PROD=postgres://u:pw@h`) belongs to the key before the URI,
    not to the user name that precedes the password.
    """
    scheme = _SCHEME.search(line_prefix)
    if scheme is not None:
        line_prefix = line_prefix[: scheme.start()]
    m = _ASSIGNED.search(line_prefix)
    return m.group("key") if m else None


def from_variable(line_prefix: str) -> Environment | None:
    key = key_before(line_prefix)
    if key is None:
        return None
    words = tokens(key)
    env = _one(words)
    return Environment(env, "variable", key) if env else None


# --- dbt profiles.yml ---------------------------------------------------------------------------

_YAML_KEY = re.compile(
    r"^(?P<indent>[ ]*)(?:-[ ]+)?(?P<key>[A-Za-z0-9_\-]+|\"[^\"]+\"|'[^']+')[ ]*:"
)


def is_dbt_profiles(repo_path: str) -> bool:
    return repo_path.replace("\\", "/").rsplit("/", 1)[-1] in ("profiles.yml", "profiles.yaml")


def enclosing_keys(lines: list[str], index: int) -> list[str]:
    """YAML keys enclosing line `index` (0-based), innermost first, found by indentation."""
    chain: list[str] = []
    limit: int | None = None
    for i in range(index, -1, -1):
        m = _YAML_KEY.match(lines[i])
        if m is None:
            continue
        indent = len(m.group("indent"))
        if limit is None or indent < limit:
            chain.append(m.group("key").strip("\"'"))
            limit = indent
            if indent == 0:
                break
    return chain


def dbt_target(lines: list[str], index: int) -> str | None:
    """The dbt target (the key directly under `outputs:`) that line `index` sits in."""
    chain = enclosing_keys(lines, index)
    for i in range(1, len(chain)):
        if chain[i] == "outputs":
            return chain[i - 1]
    return None


def from_dbt_profile(text: str, line: int) -> Environment | None:
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return None
    target = dbt_target(lines, line - 1)
    if target is None:
        return None
    env = _one(tokens(target))
    return Environment(env, "dbt target", target) if env else None


# --- all together --------------------------------------------------------------------------------


def from_content(repo_path: str, data: bytes, line: int, column: int) -> Environment | None:
    """What the text around a finding says (line and column 1-based, in `data`)."""
    text = data.decode("utf-8", "replace")
    return from_text(repo_path, text, text.split("\n"), line, column)


def from_text(
    repo_path: str, text: str, lines: list[str], line: int, column: int
) -> Environment | None:
    """`from_content` over text already decoded and split (once per fragment, not per finding)."""
    if 1 <= line <= len(lines):
        found = from_variable(lines[line - 1][: max(0, column - 1)])
        if found is not None:
            return found
    if is_dbt_profiles(repo_path):
        return from_dbt_profile(text, line)
    return None


def infer(repo_path: str, data: bytes, line: int, column: int) -> Environment | None:
    return from_content(repo_path, data, line, column) or from_path(repo_path)
