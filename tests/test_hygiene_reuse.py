"""`secret-reused-across-environments` over findings: grouping, text, identity, no clear keys."""

from __future__ import annotations

from hex_guard.finding import fingerprint
from hex_guard.hygiene import environments, reuse
from hex_guard.records import Finding
from hex_guard.rules import Confidence, Severity

VALUE = "Tr0ub4dor-" + "9x7Lq2"
OTHER = "Zq8" + "vW3nLp0rT"


def finding(path: str, secret: str, line: int = 2, rule: str = "dotenv-secret") -> Finding:
    return Finding(
        rule_id=rule,
        severity=Severity.MEDIUM,
        confidence=Confidence.MEDIUM,
        description="d",
        hint="h",
        path=path,
        repo_path=path,
        line=line,
        column=13,
        end_line=line,
        end_column=13 + len(secret),
        fingerprint=fingerprint(rule, path, secret),
        reveal_prefix=0,
        secret=secret,
    )


def sighting(path: str, secret: str = VALUE, **kw: object) -> reuse.Sighting:
    return reuse.Sighting(finding(path, secret, **kw), environments.from_path(path))  # type: ignore[arg-type]


def test_one_value_in_two_environments_is_reported_once() -> None:
    found = reuse.reused([sighting(".env.dev"), sighting(".env.prod", line=7), sighting(".env")])
    assert len(found) == 1
    f = found[0]
    assert f.rule_id == reuse.RULE_ID and f.severity is Severity.HIGH
    # Placed at the production copy; names every environment and location.
    assert (f.path, f.line) == (".env.prod", 7)
    assert "prod: .env.prod:7" in f.description and "dev: .env.dev:2" in f.description
    assert ".env:" not in f.description  # an unknown environment is not a location of reuse
    assert "separate credential per environment" in f.hint


def test_same_environment_or_unknown_is_not_reuse() -> None:
    assert reuse.reused([sighting(".env.dev"), sighting("config/dev/app.yaml")]) == []
    assert reuse.reused([sighting(".env"), sighting("settings.py")]) == []
    assert reuse.reused([sighting(".env.dev"), sighting(".env.prod", OTHER)]) == []


def test_rule_does_not_matter_but_data_rules_never_count() -> None:
    found = reuse.reused(
        [sighting(".env.dev"), sighting("k8s/overlays/prod/s.yaml", rule="kubernetes-secret")]
    )
    assert len(found) == 1
    counts = [sighting(".env.dev", rule="personal-data"), sighting(".env.prod")]
    assert reuse.reused(counts) == []


def test_fingerprint_survives_line_moves_and_changes_with_the_set_of_paths() -> None:
    a = reuse.reused([sighting(".env.dev"), sighting(".env.prod")])[0]
    b = reuse.reused([sighting(".env.dev", line=9), sighting(".env.prod", line=30)])[0]
    c = reuse.reused([sighting(".env.dev"), sighting(".env.prod"), sighting(".env.qa")])[0]
    assert a.fingerprint == b.fingerprint != c.fingerprint


def test_involving_keeps_only_groups_with_a_chosen_member() -> None:
    group = [sighting(".env.dev"), sighting(".env.prod")]
    assert reuse.reused(group, involving=lambda f: f.path == ".env.prod")
    assert not reuse.reused(group, involving=lambda f: f.path == "elsewhere")


def test_grouping_keys_are_keyed_hashes_not_values() -> None:
    seen: list[bytes] = []
    base = reuse.keyed_hasher(b"k" * 32)

    def spy(value: str) -> bytes:
        seen.append(base(value))
        return seen[-1]

    reuse.reused([sighting(".env.dev"), sighting(".env.prod")], hasher=spy)
    assert seen and all(VALUE.encode() not in key for key in seen)
    # A fresh key each run: the same value hashes differently across runs.
    assert reuse.keyed_hasher()(VALUE) != reuse.keyed_hasher()(VALUE)
