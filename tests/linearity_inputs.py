"""Adversarial inputs for the linearity proof (issue 10 item 11), shared by
tests/test_linearity.py and bench/linearity.py.

Each rule's inputs are built from the rule itself (its keywords, its examples with the secret
mangled so they almost match, its counter-examples), so a new rule is covered the day it lands.
An input is a short *unit* repeated to the wanted size, so the 256 KB input is a prefix of the
1 MB one and growth between them measures the engine, not the generator. `line` shapes hold no
newline (one giant line: what a per-line rescan or look-back is quadratic in); `lines` shapes
are the same atoms one per short line (what per-hit window work is linear in, with a large
constant).

Timing is process CPU time, the minimum of several runs, relative to an ordinary file of the
same size scanned in the same process by the same engine: a loaded CI machine slows both alike.
"""

from __future__ import annotations

import base64
import json
import sysconfig
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hex_guard import decoders
from hex_guard.detect import Engine
from hex_guard.records import Fragment
from hex_guard.rules import RULES, Rule

MB = 1 << 20
# What sits between keywords in real text and in attacks on a per-line or look-back check.
SEPARATORS = ("=", ":", "'", '"', " ", "\t", "@", ";", "(", ",", "= ", ": '", '="', '\\"')

# Standard-library modules that make an "ordinary" Python file: present on every machine that
# runs the suite, and code with the usual density of `password`/`token` words (few).
_ORDINARY_MODULES = (
    "argparse.py",
    "typing.py",
    "inspect.py",
    "pathlib.py",
    "subprocess.py",
    "dataclasses.py",
    "tarfile.py",
    "zipfile.py",
    "enum.py",
    "functools.py",
    "textwrap.py",
    "ast.py",
    "pydoc.py",
    "doctest.py",
    "configparser.py",
    "difflib.py",
    "smtplib.py",
    "imaplib.py",
    "ftplib.py",
    "shutil.py",
)


@dataclass(frozen=True)
class Case:
    name: str  # rule id or decoder name
    shape: str
    path: str
    # Input of (about) the given size in bytes.
    make: Callable[[int], bytes]
    # A rule's inputs run on an engine of that rule alone: its own cost, not the findings
    # other rules make of its almost-matches (a decoder's run on every rule).
    engine: Engine
    # What the ratio is taken against: None for an ordinary file on the engine of every rule; a
    # decoder's is its content as plain text, so the ratio is what decoding adds.
    reference: Callable[[int], bytes] | None = None
    # A rule that runs on one decoder's output only (Rule.decoded_by) is fed that output
    # directly; the decoder's own cost is its own case.
    decoded: str | None = None


@cache
def engine(backend: str, rule_id: str | None = None) -> Engine:
    """The engine of one rule (None: every rule) on one prefilter backend."""
    rules = RULES if rule_id is None else [r for r in RULES if r.id == rule_id]
    return Engine(rules, allow_hyperscan=backend == "hyperscan")


def ordinary(size: int) -> bytes:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    # `zipfile` (3.12) and `pathlib` (3.13) became packages: read `NAME/__init__.py` there.
    text = b"".join(
        (p if p.exists() else stdlib / name[:-3] / "__init__.py").read_bytes()
        for name in _ORDINARY_MODULES
        for p in (stdlib / name,)
    )
    return _repeat(text, size)


def _repeat(unit: bytes, size: int) -> bytes:
    return (unit * (size // max(len(unit), 1) + 1))[:size]


def _path(rule: Rule) -> str:
    return rule.example_path if rule.paths else "adversarial.txt"


def _quiet(rule: Rule, backend: str, path: str, text: str) -> bool:
    """Whether the rule finds nothing in `text` alone: an almost-match, not a secret (a file
    full of real secrets is linear too, but its cost is the findings', not the rule's)."""
    fragment = Fragment(path, path, text.encode(), decoded=rule.decoded_by)
    return not any(found for found, _ in decoders.read(engine(backend, rule.id), fragment))


def _mangled(rule: Rule, example: str) -> Iterator[str]:
    """The example with its secret changed so that it fails late (one character short, one
    too long, elided, a placeholder, its line break lost), the bare match without the context
    its validator looks for around it."""
    m = rule.regex.search(example.encode())
    if m is None:
        return
    span = m.span("secret") if "secret" in rule.regex.groupindex else m.span()
    raw = example.encode()
    head, secret, tail = raw[: span[0]], raw[span[0] : span[1]], raw[span[1] :]
    yield raw[m.start() : m.end()].decode("utf-8", "replace")
    for changed in (
        secret[:-1],
        secret + secret[-1:] + b"_",
        secret[: len(secret) // 2] + b"...",
        b"x" * len(secret),
        secret.replace(b"\n", b" "),
        secret[:-1] + b"\n" + secret[-1:],
    ):
        yield (head + changed + tail).decode("utf-8", "replace")


def openings(rule: Rule, backend: str) -> list[str]:
    """Each example up to a quarter into its secret: an opening never closed (a PEM header
    without its END), which a lazy body or a look-ahead retries over."""
    out = []
    for example in rule.examples:
        m = rule.regex.search(example.encode())
        if m is not None:
            start, end = m.span("secret") if "secret" in rule.regex.groupindex else m.span()
            out.append(example.encode()[: start + (end - start) // 4].decode("utf-8", "replace"))
    return [t for t in dict.fromkeys(out) if _quiet(rule, backend, _path(rule), t)]


def near_misses(rule: Rule, backend: str) -> list[str]:
    path = _path(rule)
    candidates = [t for e in rule.examples for t in _mangled(rule, e)]
    candidates += list(rule.counter_examples)
    return [t for t in dict.fromkeys(candidates) if _quiet(rule, backend, path, t)]


def _joined(atoms: list[str], newline: bool) -> bytes:
    parts = []
    for i, atom in enumerate(atoms):
        sep = SEPARATORS[i % len(SEPARATORS)]
        parts.append(atom if newline else atom.replace("\n", "\\n"))
        parts.append("\n" if newline else sep)
        if newline:
            parts.append(sep)
    return "".join(parts).encode()


def rule_units(rule: Rule, backend: str) -> dict[str, bytes]:
    """Shape name -> the unit that is repeated to make the input."""
    keywords = list(rule.keywords) or _leading_words(rule)
    dense = [k + s for k in keywords for s in SEPARATORS] + [k.upper() for k in keywords]
    near = near_misses(rule, backend)
    units = {
        "keywords-line": _joined(dense, newline=False),
        "keywords-lines": _joined(dense, newline=True),
    }
    if near:
        units["near-line"] = _joined(near, newline=False)
        units["near-lines"] = _joined(near, newline=True)
    # Each opening on its own, one a line, nothing between them that would end a body early.
    for i, opened in enumerate(openings(rule, backend), start=1):
        units[f"opening-{i}"] = (opened + "\n").encode()
    return units


def rule_cases(rule: Rule, backend: str) -> list[Case]:
    own = engine(backend, rule.id)
    return [
        Case(
            rule.id,
            shape,
            _path(rule),
            lambda size, u=unit: _repeat(u, size),
            own,
            None,
            rule.decoded_by,
        )
        for shape, unit in rule_units(rule, backend).items()
    ]


def giant_line(rule: Rule, backend: str) -> Case:
    """Every one-line shape of the rule in one line: the quick test's single case per rule."""
    units = rule_units(rule, backend)
    unit = b" ".join(u for shape, u in units.items() if shape.endswith("-line"))
    own = engine(backend, rule.id)
    make = lambda size: _repeat(unit, size)  # noqa: E731
    return Case(rule.id, "giant-line", _path(rule), make, own, None, rule.decoded_by)


def _leading_words(rule: Rule) -> list[str]:
    """Path-scoped rules have no keywords to speak of: their examples' keys stand in."""
    return [e.split("=")[0].split(":")[0].strip() for e in rule.examples] or ["x"]


def _soup(backend: str) -> list[str]:
    """Every rule's almost-matches that no rule reports: what an attacker hides inside an
    encoded container."""
    every = engine(backend)
    return [
        t
        for rule in RULES
        for t in near_misses(rule, backend)[:3]
        if not any(found for found, _ in decoders.read(every, Fragment("x", "x", t.encode())))
    ]


def decoder_cases(backend: str) -> list[Case]:
    soup = _soup(backend)
    one_line = " ".join(s.replace("\n", " ") for s in soup)

    def notebook_cells(size: int) -> bytes:
        cell = {"cell_type": "code", "metadata": {}, "outputs": [], "source": soup}
        count = max(size // len(json.dumps(cell)), 1)
        return json.dumps({"cells": [cell] * count, "nbformat": 4}).encode()

    def notebook_line(size: int) -> bytes:
        source = _repeat(one_line.encode(), size).decode("utf-8", "replace")
        cell = {"cell_type": "code", "metadata": {}, "outputs": [], "source": [source]}
        return json.dumps({"cells": [cell], "nbformat": 4}).encode()

    def hex_export(size: int) -> bytes:
        body = "".join(
            f"  - cellType: CODE\n    cellId: c{i}\n    source: |\n      {s.replace(chr(10), ' ')}\n"
            for i, s in enumerate(soup)
        )
        return b"cells:\n" + _repeat(body.encode(), size)

    def k8s_values(size: int) -> bytes:
        lines = "".join(
            f"  K{i}: {base64.b64encode(s.encode()).decode()}\n" for i, s in enumerate(soup)
        )
        return b"apiVersion: v1\nkind: Secret\ndata:\n" + _repeat(lines.encode(), size)

    def k8s_blocks(size: int) -> bytes:
        value = base64.b64encode(b"DB_PASSWORD=" + b"x" * 24).decode()
        block = f"data:\n  K: {value}\nstringData:\n  P: {soup[0]}\n"
        return b"kind: Secret\n" + _repeat(block.encode(), size)

    def k8s_list(size: int) -> bytes:
        # `kubectl get secrets -o yaml`: List items, kind after data, comments, block scalars.
        items = "".join(
            f"- apiVersion: v1\n  data: # d\n    K{i}: |\n      "
            f"{base64.b64encode(s.encode()).decode()}\n    F: {{a: YWJjZGVmZ2g=}}\n"
            "  kind: Secret # s\n"
            for i, s in enumerate(soup)
        )
        return b"apiVersion: v1\nkind: List\nitems:\n" + _repeat(items.encode(), size)

    def k8s_giant_value(size: int) -> bytes:
        decoded = _repeat(one_line.encode(), size * 3 // 4)
        return b"kind: Secret\ndata:\n  K: " + base64.b64encode(decoded) + b"\n"

    def credentials(size: int) -> bytes:
        param = "credentials_base64=" + base64.b64encode(one_line[:400].encode()).decode()
        return _repeat((param + ";").encode(), size)

    def blob_runs(size: int) -> bytes:
        # Many runs, each the base64 of an unclosed PEM header and almost-matches.
        runs = [base64.b64encode(("-----BEGIN PRIVATE KEY-----\n" + t).encode()) for t in soup]
        return _repeat(b"\n".join([*runs, b""]), size)

    def blob_giant(size: int) -> bytes:
        # One run, encoded twice, whose every layer holds the words the gate looks for.
        words = " PRIVATE KEY service_account authorized_user aws_secret_access_key "
        inner = _repeat((one_line + words).encode(), size * 9 // 16)
        return base64.b64encode(base64.b64encode(inner))

    def lines(size: int) -> bytes:
        return _repeat("\n".join([*soup, ""]).encode(), size)

    def line(size: int) -> bytes:
        return _repeat(one_line.encode(), size)

    every = engine(backend)
    return [
        Case("notebook", "cells", "n.ipynb", notebook_cells, every, lines),
        Case("notebook", "giant-source-line", "n.ipynb", notebook_line, every, line),
        Case("hex-export", "cells", "p.hex.yaml", hex_export, every, lines),
        Case("kubernetes-secret", "values", "secret.yaml", k8s_values, every, lines),
        Case("kubernetes-secret", "data-blocks", "secret.yaml", k8s_blocks, every, lines),
        Case("kubernetes-secret", "giant-value", "secret.yaml", k8s_giant_value, every, line),
        Case("kubernetes-secret", "list-items", "secrets.yaml", k8s_list, every, lines),
        Case("credentials-base64", "params", "spark.conf", credentials, every, line),
        Case("base64-blob", "runs", "blobs.txt", blob_runs, every, lines),
        Case("base64-blob", "giant-run", "blob.b64", blob_giant, every, line),
    ]


def all_cases(backend: str) -> list[Case]:
    return [c for rule in RULES for c in rule_cases(rule, backend)] + decoder_cases(backend)


def cpu_seconds(
    engine: Engine, path: str, data: bytes, repeat: int, decoded: str | None = None
) -> float:
    """The fastest of `repeat` full reads (every view, every decoder) of `data` as `path`."""
    best = float("inf")
    for _ in range(repeat):
        # A new bytes object each time: validators keep per-fragment tables keyed by identity
        # (validators._per_fragment), which a repeat of the same object would find built.
        fragment = Fragment(path, path, bytes(bytearray(data)), decoded=decoded)
        start = time.process_time()
        decoders.read(engine, fragment)
        best = min(best, time.process_time() - start)
    return best


@cache
def ordinary_seconds(size: int, repeat: int) -> float:
    """The unit of a rule's ratio, on either backend: the pure-Python engine of every rule on an
    ordinary file. (Hyperscan reads an ordinary file at ~500 MB/s and runs almost no rule, so
    against it any candidate validated in Python is hundreds of times dearer, however linear;
    the pure-Python prefilter, which every platform can fall back to, runs the rules on the
    lines their keywords hit, as an adversarial file makes them.)"""
    return cpu_seconds(engine("python"), "ordinary.py", ordinary(size), repeat)


@dataclass(frozen=True)
class Measure:
    case: Case
    backend: str
    ratio: float  # CPU time of the adversarial input / its reference of the same size
    growth: float  # CPU time at `size` / at `size // 4` (linear 4, quadratic 16)
    # CPU time at `size` / the pure-Python engine's on an ordinary file of that size: below a
    # fraction of it, growth is a ratio of a few milliseconds, and noise.
    weight: float


def measure(case: Case, size: int, repeat: int, ratio: bool = True) -> Measure:
    """Growth, weight and (unless `ratio` is False: growth only) the ratio to its reference."""
    backend = case.engine.prefilter.backend
    data = case.make(size)
    big = cpu_seconds(case.engine, case.path, data, repeat, case.decoded)
    small = cpu_seconds(case.engine, case.path, case.make(size // 4), repeat, case.decoded)
    if not ratio:
        reference = float("nan")
    elif case.reference is None:
        reference = ordinary_seconds(size, 2 * repeat)
    else:  # the same amount of content: a container's size is not its content's
        reference = cpu_seconds(case.engine, "plain.txt", case.reference(len(data)), repeat)
    weight = big / ordinary_seconds(size, 2 * repeat)
    return Measure(case, backend, big / reference, big / max(small, 1e-4), weight)
