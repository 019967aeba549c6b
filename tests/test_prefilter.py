"""The prefilter's gates: shapes that keep Hyperscan's one pass at memory speed."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hex_guard.detect import Engine
from hex_guard.rules import RULES

try:  # Python 3.11 moved the parser and deprecated the old name
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse  # type: ignore[no-redef]

_GATES = [gate for gate in Engine().prefilter.gates if gate.regex]


def _starts_with_literal(items: Any) -> bool:
    if not len(items):
        return False
    op, arg = items[0]
    name = str(op)
    if name == "LITERAL":
        return True
    if name == "SUBPATTERN":
        return _starts_with_literal(arg[-1])
    if name == "BRANCH":
        return all(_starts_with_literal(branch) for branch in arg[1])
    return False


@pytest.mark.parametrize("gate", _GATES, ids=lambda g: g.regex[:40])
def test_every_gate_regex_starts_with_a_literal(gate: Any) -> None:
    # A gate that begins at a character class ([A-Za-z][\w$#]{0,29}/...@...) has no literal
    # for Hyperscan to start from, so an automaton runs over every byte: one such gate made the
    # whole prefilter 14x slower on ordinary source.
    assert _starts_with_literal(sre_parse.parse(gate.regex)), gate.regex


_TEXT = b"db_password = 'x'\ntoken: abc\nsqlplus etl/pw@ora.acme.io:1521/DW\nAKIA\n" * 50


def _hits(engine: Engine) -> list[tuple[int, int]]:
    return engine.prefilter.hits(_TEXT)


# Only a Hyperscan database is cached; the pure-Python prefilter (no hyperscan wheel: CI's
# no-hyperscan stage) compiles nothing to keep.
needs_hyperscan = pytest.mark.skipif(
    importlib.util.find_spec("hyperscan") is None, reason="hyperscan is not installed"
)


def _cached(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.hsdb"))


@needs_hyperscan
@pytest.mark.parametrize("gates", [True, False])
def test_a_second_engine_loads_the_compiled_prefilter_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gates: bool
) -> None:
    monkeypatch.setenv("HEX_GUARD_CACHE_DIR", str(tmp_path))
    compiled = Engine(gates=gates)
    (stored,) = _cached(tmp_path)
    loaded = Engine(gates=gates)
    assert _cached(tmp_path) == [stored]
    assert _hits(loaded) == _hits(compiled)
    assert _hits(loaded)


@needs_hyperscan
def test_each_rule_set_has_its_own_cache_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEX_GUARD_CACHE_DIR", str(tmp_path))
    Engine(gates=True)
    Engine(gates=False)
    Engine(RULES[:3])
    assert len(_cached(tmp_path)) == 3


@needs_hyperscan
@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: blob[: len(blob) // 2],
        lambda blob: blob[:32] + bytes([blob[32] ^ 0xFF]) + blob[33:],
        lambda blob: b"",
    ],
    ids=["truncated", "flipped", "empty"],
)
def test_a_damaged_cache_file_is_compiled_again_and_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: Callable[[bytes], bytes]
) -> None:
    monkeypatch.setenv("HEX_GUARD_CACHE_DIR", str(tmp_path))
    expected = _hits(Engine())
    (stored,) = _cached(tmp_path)
    good = stored.read_bytes()
    stored.write_bytes(damage(good))
    assert _hits(Engine()) == expected
    assert stored.read_bytes() == good


@needs_hyperscan
def test_a_cache_file_compiled_for_other_patterns_is_not_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEX_GUARD_CACHE_DIR", str(tmp_path))
    expected = _hits(Engine(gates=True))
    (mine,) = _cached(tmp_path)
    Engine(gates=False)
    (other,) = set(_cached(tmp_path)) - {mine}
    other.replace(mine)  # the keyword-only database under the gate regexes' name
    assert _hits(Engine(gates=True)) == expected


def test_an_empty_cache_setting_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEX_GUARD_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    assert _hits(Engine())
    assert not list(tmp_path.rglob("*"))


def test_an_unwritable_cache_directory_still_scans(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEX_GUARD_CACHE_DIR", "")
    expected = _hits(Engine())
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("HEX_GUARD_CACHE_DIR", str(blocker / "cache"))
    assert _hits(Engine()) == expected
