"""Other scanners' published rule test cases, run through hex-guard's engine (issue 9).

gitleaks keeps each rule's true and false positives beside the rule in
`cmd/generate/config/rules/*.go` (`tps` / `fps`); detect-secrets keeps its plugins' cases in
`tests/plugins/*_test.py` (pytest parameter tables). Nothing of either is committed here: this
script reads the peers' sources from the paths given on the command line, evaluates the small
subset of Go and Python their case tables are written in, scans every case with hex-guard (the
engine and the decoders, as `hex-guard scan` reads a file) and reports, per peer rule, how many
true positives hex-guard finds and how many false positives it reports.

Which peer rules count: those for the credentials hex-guard covers (`SCOPE`, matched on the peer
rule id / plugin file). Case strings a table builds with a construct the evaluator does not know
are counted as `skipped`, never guessed.

    python bench/peer_cases.py --gitleaks /work/benchsrc/gitleaks \\
        --detect-secrets /work/benchsrc/detect-secrets [--all] [--show-misses]
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hex_guard import decoders
from hex_guard.detect import Engine
from hex_guard.records import Fragment

# Peer rules for what hex-guard covers (issue 9's list): cloud keys, code hosts, chat, LLM APIs,
# private keys, JWTs, generic passwords and keyed secrets, connection strings, Authorization
# headers, Kubernetes Secrets, the data stack's tokens.
SCOPE = re.compile(
    r"^(?:aws|github|gitlab|slack|openai|anthropic|huggingface|azure|gcp|private[-_]key|jwt|"
    r"generic|hashicorp-tf-password|databricks|snowflake|dbt|kubernetes|curl|basic[-_]auth|"
    r"keyword|stripe|sendgrid|twilio|pypi|npm|prefect|artifactory|docker)",
    re.I,
)
NEUTRAL_PATH = "example.txt"


@dataclass
class Case:
    text: str
    path: str = NEUTRAL_PATH


@dataclass
class PeerRule:
    peer: str
    id: str
    tps: list[Case] = field(default_factory=list)
    fps: list[Case] = field(default_factory=list)
    skipped: int = 0


class Unknown(Exception):
    """A construct the evaluator does not know: the case is skipped, not guessed."""


# --- a Go subset: string literals, +, []string{}, map[string]string{}, append, the gitleaks
# --- generators (utils.GenerateSampleSecrets, secrets.NewSecret, the pattern helpers), Sprintf

_GO_TOKEN = re.compile(
    r"""(?P<ws>[ \t\r]+)|(?P<nl>\n)|(?P<comment>//[^\n]*|/\*.*?\*/)|(?P<raw>`[^`]*`)"""
    r"""|(?P<str>"(?:\\.|[^"\\\n])*")|(?P<rune>'(?:\\.|[^'\\\n])+')"""
    r"""|(?P<op>\.\.\.|:=|[-+*/%=<>!&|^]=?|[(){}\[\],:;.])|(?P<num>\d+)|(?P<ident>[A-Za-z_]\w*)""",
    re.S,
)


def go_tokens(src: str) -> list[tuple[str, str]]:
    out = []
    for m in _GO_TOKEN.finditer(src):
        kind = m.lastgroup or ""
        if kind in ("ws", "comment"):
            continue
        out.append((kind, m.group()))
    return out


def go_string(kind: str, text: str) -> str:
    if kind == "raw":
        return text[1:-1].replace("\r", "")
    value = ast.literal_eval(text)  # Go's escapes in "..." are Python's, for these tables
    if not isinstance(value, str):
        raise Unknown(text)
    return value


class GoEval:
    def __init__(self, helpers: dict[str, str], samples: list[str], seed: str) -> None:
        self.helpers = helpers
        self.samples = samples
        self.rng = random.Random(seed)
        self.env: dict[str, Any] = {}

    def run(self, toks: list[tuple[str, str]], rule: PeerRule) -> None:
        for stmt in _statements(toks):
            self._statement(stmt, rule)

    def _statement(self, stmt: list[tuple[str, str]], rule: PeerRule) -> None:
        if stmt and stmt[0] == ("ident", "var"):
            stmt = stmt[1:]
        if len(stmt) < 3 or stmt[0][0] != "ident" or stmt[1][1] not in (":=", "="):
            return
        name = stmt[0][1]
        self.pos, self.toks, self.rule = 2, stmt, rule
        try:
            value = self._expr()
        except (Unknown, IndexError, ValueError, SyntaxError):
            if name in ("tps", "fps"):
                rule.skipped += 1
            return
        self.env[name] = value

    # expressions
    def _peek(self) -> tuple[str, str]:
        return self.toks[self.pos] if self.pos < len(self.toks) else ("eof", "")

    def _take(self, text: str | None = None) -> tuple[str, str]:
        tok = self._peek()
        if text is not None and tok[1] != text:
            raise Unknown(f"expected {text}, got {tok[1]}")
        self.pos += 1
        return tok

    def _skip_nl(self) -> None:
        while self._peek()[0] == "nl":
            self.pos += 1

    def _expr(self) -> Any:
        value = self._primary()
        while self._peek()[1] == "+":
            self._take()
            self._skip_nl()
            right = self._primary()
            if not isinstance(value, str) or not isinstance(right, str):
                raise Unknown("+ of non-strings")
            value += right
        if self._peek()[1] == "...":
            self._take()
        return value

    def _primary(self) -> Any:
        kind, text = self._take()
        if kind in ("raw", "str"):
            return go_string(kind, text)
        if text == "(":
            value = self._expr()
            self._take(")")
            return value
        if text == "[":
            self._take("]")
            self._take("string")
            return [c for c in self._list(self._elements_plain)]
        if text == "map":
            for t in ("[", "string", "]", "string"):
                self._take(t)
            return self._list(self._elements_map)
        if kind == "ident":
            name = self._dotted(text)
            if self._peek()[1] == "(":
                return self._call(name)
            if name in self.env:
                return self.env[name]
        raise Unknown(text)

    def _dotted(self, name: str) -> str:
        while self._peek()[1] == "." and self.pos + 1 < len(self.toks):
            self._take()
            name += "." + self._take()[1]
        return name

    def _list(self, elements: Any) -> list[Any]:
        self._take("{")
        out: list[Any] = []
        while True:
            self._skip_nl()
            if self._peek()[1] == "}":
                self._take()
                return out
            elements(out)
            self._skip_nl()
            if self._peek()[1] == ",":
                self._take()

    def _element(self) -> Any:
        start = self.pos
        try:
            return self._expr()
        except Unknown:
            self.pos = start
            self._skip_element()
            self.rule.skipped += 1
            return None

    def _skip_element(self) -> None:
        depth = 0
        while self.pos < len(self.toks):
            text = self._peek()[1]
            if depth == 0 and text in (",", "}"):
                return
            depth += text in "({[" and text != ""
            depth -= text in ")}]" and text != ""
            self.pos += 1

    def _elements_plain(self, out: list[Any]) -> None:
        value = self._element()
        if value is not None:
            out.extend(Case(v) for v in (value if isinstance(value, list) else [value]))

    def _elements_map(self, out: list[Any]) -> None:
        key = self._element()
        self._take(":")
        self._skip_nl()
        value = self._element()
        if isinstance(key, str) and isinstance(value, str):
            out.append(Case(value, key))

    def _args(self) -> list[Any]:
        self._take("(")
        args: list[Any] = []
        while True:
            self._skip_nl()
            if self._peek()[1] == ")":
                self._take()
                return args
            args.append(self._expr())
            self._skip_nl()
            if self._peek()[1] == ",":
                self._take()

    def _call(self, name: str) -> Any:
        args = self._args()
        short = name.rsplit(".", 1)[-1]
        if short == "GenerateSampleSecrets":
            return [Case(self._sample(t, args[0], args[1])) for t in self.samples]
        if short == "GenerateSampleSecret":
            return f'{args[0]}_api_token = "{args[1]}"'
        if short == "NewSecret":
            return generate(args[0], self.rng)
        if short == "Sprintf":
            return _sprintf(args[0], args[1:])
        if short == "Repeat":
            return str(args[0]) * int(args[1])
        if short == "append":
            out = list(args[0])
            for arg in args[1:]:
                out.extend(arg if isinstance(arg, list) else [Case(arg)])
            return out
        if short in self.helpers:
            return _sprintf(self.helpers[short], args)
        raise Unknown(name)

    @staticmethod
    def _sample(template: str, identifier: str, secret: str) -> str:
        return (
            template.replace("{i}", identifier)
            .replace("{I}", identifier.upper())
            .replace("{s}", secret)
        )


def _sprintf(fmt: str, args: list[Any]) -> str:
    values = iter(args)
    return re.sub(r"%[sdvq]", lambda m: str(next(values)), fmt)


def _statements(toks: list[tuple[str, str]]) -> Iterator[list[tuple[str, str]]]:
    depth, current = 0, list[tuple[str, str]]()
    for tok in toks:
        if tok[1] in ("(", "{", "["):
            depth += 1
        elif tok[1] in (")", "}", "]"):
            depth -= 1
        if tok[0] == "nl" and depth == 0:
            # A trailing `+` continues the expression on the next line.
            if current and current[-1][1] != "+":
                yield current
                current = []
            continue
        current.append(tok)
    if current:
        yield current


def generate(pattern: str, rng: random.Random) -> str:
    """A string that matches `pattern` (the subset the peers' generators are given)."""
    import re._parser as sre  # type: ignore[import-not-found]

    return _gen(sre.parse(pattern), rng)


def _gen(parsed: Any, rng: random.Random) -> str:
    import re._constants as c  # type: ignore[import-not-found]

    out = []
    for op, av in parsed:
        if op is c.LITERAL:
            out.append(chr(av))
        elif op is c.IN:
            out.append(rng.choice(_charset(av)))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            low, high, item = av
            count = rng.randint(low, min(high, low + 8) if high != c.MAXREPEAT else low + 8)
            out.extend(_gen(item, rng) for _ in range(count))
        elif op is c.SUBPATTERN:
            out.append(_gen(av[-1], rng))
        elif op is c.BRANCH:
            out.append(_gen(rng.choice(av[1]), rng))
        elif op is c.ANY:
            out.append(rng.choice("abcdef0123456789"))
        elif op is c.CATEGORY:
            out.append(_category(av, rng))
        elif op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue
        else:
            raise Unknown(f"regex op {op}")
    return "".join(out)


_CATEGORY_CHARS = {
    "CATEGORY_DIGIT": "0123456789",
    "CATEGORY_WORD": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_",
    "CATEGORY_SPACE": " ",
}


def _category(av: Any, rng: random.Random) -> str:
    chars = _CATEGORY_CHARS.get(str(av))
    if chars is None:
        raise Unknown(f"category {av}")
    return rng.choice(chars)


def _charset(items: Any) -> str:
    import re._constants as c

    chars: list[str] = []
    for op, av in items:
        if op is c.LITERAL:
            chars.append(chr(av))
        elif op is c.RANGE:
            chars.extend(chr(x) for x in range(av[0], av[1] + 1))
        elif op is c.CATEGORY:
            chars.extend(_CATEGORY_CHARS.get(str(av), ""))
        elif op is c.NEGATE:
            raise Unknown("negated class")
    if not chars:
        raise Unknown("empty class")
    return "".join(chars)


def _go_functions(src: str) -> Iterator[tuple[str, str]]:
    for m in re.finditer(r"(?m)^func (\w+)\([^)]*\) \*config\.Rule \{", src):
        depth, i = 1, m.end()
        while depth and i < len(src):
            tok = _GO_TOKEN.match(src, i)
            if tok is None:
                i += 1
                continue
            depth += tok.group() == "{"
            depth -= tok.group() == "}"
            i = tok.end()
        yield m.group(1), src[m.end() : i - 1]


def _go_helpers(root: Path) -> tuple[dict[str, str], list[str]]:
    patterns = (root / "cmd/generate/config/utils/patterns.go").read_text()
    helpers = {}
    for m in re.finditer(r"func (\w+)\([^)]*\) string \{\s*return (.*?)\n\}", patterns, re.S):
        body = m.group(2).strip()
        lit = re.search(r"`([^`]*)`", body)
        if lit:
            helpers[m.group(1)] = lit.group(1)
    generate_go = (root / "cmd/generate/config/utils/generate.go").read_text()
    block = generate_go[generate_go.index("samples := map[string]string{") :]
    block = block[: block.index("\n\t}\n")]
    samples = [go_string(k, t) for k, t in go_tokens(block) if k in ("str", "raw")]
    return helpers, samples[1::2]  # keys and values alternate: keep the templates


def gitleaks_rules(root: Path) -> list[PeerRule]:
    helpers, samples = _go_helpers(root)
    rules = []
    for path in sorted((root / "cmd/generate/config/rules").glob("*.go")):
        src = path.read_text()
        for _, body in _go_functions(src):
            rule_id = re.search(r'RuleID:\s*"([^"]+)"', body)
            if rule_id is None:
                continue
            rule = PeerRule("gitleaks", rule_id.group(1))
            evaluator = GoEval(helpers, samples, rule.id)
            evaluator.run(go_tokens(body), rule)
            rule.tps = _cases(evaluator.env.get("tps"))
            rule.fps = _cases(evaluator.env.get("fps"))
            rules.append(rule)
    return rules


def _cases(value: Any) -> list[Case]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [c if isinstance(c, Case) else Case(str(c)) for c in items]


# --- detect-secrets: pytest parameter tables, evaluated with a literal-only Python subset

_TEXT_COLUMNS = ("line", "payload", "file_content", "content", "token", "secret", "string")
_NEGATIVE_TEST = re.compile(r"(?:not|no_secret|negative|false|ignore|invalid)", re.I)


SKIPPED = object()


class PyEval:
    def __init__(self, module: ast.Module) -> None:
        self.env: dict[str, Any] = {}
        for node in module.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name):
                    with contextlib.suppress(Unknown):
                        self.env[target.id] = self.eval(node.value)

    def eval(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, (ast.List, ast.Tuple)):
            return [self._item(e) for e in node.elts]
        if isinstance(node, ast.Name) and node.id in self.env:
            return self.env[node.id]
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mult)):
            left, right = self.eval(node.left), self.eval(node.right)
            return left + right if isinstance(node.op, ast.Add) else left * right
        if isinstance(node, ast.Subscript):
            return self.eval(node.value)[self._slice(node.slice)]
        if isinstance(node, ast.Call):
            return self._call(node)
        raise Unknown(ast.dump(node)[:60])

    def _item(self, node: ast.AST) -> Any:
        """An element of a list: one that cannot be evaluated spoils only its own row."""
        try:
            return self.eval(node)
        except (Unknown, TypeError, KeyError, IndexError, AttributeError, ValueError):
            return SKIPPED

    def _slice(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Slice):
            parts = (node.lower, node.upper, node.step)
            return slice(*(self.eval(p) if p is not None else None for p in parts))
        return self.eval(node)

    def _call(self, node: ast.Call) -> Any:
        func = node.func
        args = [self.eval(a) for a in node.args]
        if isinstance(func, ast.Attribute) and func.attr == "format":
            return self.eval(func.value).format(*args)
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name == "dedent":
            import textwrap

            return textwrap.dedent(args[0])
        if name == "parse_test_cases":  # detect-secrets' keyword tests: (ext, [(line, x)])
            return [
                [ext, *case] if case is not SKIPPED else SKIPPED
                for ext, cases in args[0]
                for case in cases
            ]
        raise Unknown(name)


def detect_secrets_rules(root: Path) -> list[PeerRule]:
    rules = []
    for path in sorted((root / "tests/plugins").glob("*_test.py")):
        module = ast.parse(path.read_text())
        evaluator = PyEval(module)
        rule = PeerRule("detect-secrets", path.stem.removesuffix("_test"))
        for test, names, rows in _tables(module):
            for row in rows:
                _add_row(rule, test, names, row, evaluator)
        rules.append(rule)
    return rules


def _tables(module: ast.Module) -> Iterator[tuple[str, list[str], list[ast.AST]]]:
    for node in ast.walk(module):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for deco in node.decorator_list:
            if (
                isinstance(deco, ast.Call)
                and getattr(deco.func, "attr", "") == "parametrize"
                and len(deco.args) >= 2
                and isinstance(deco.args[0], ast.Constant)
            ):
                names = [n.strip() for n in str(deco.args[0].value).split(",")]
                table = deco.args[1]
                rows: list[ast.AST] = (
                    list(table.elts) if isinstance(table, (ast.List, ast.Tuple)) else [table]
                )
                yield node.name, names, rows


def _add_row(rule: PeerRule, test: str, names: list[str], row: ast.AST, ev: PyEval) -> None:
    text_col = next((i for i, n in enumerate(names) if n in _TEXT_COLUMNS), None)
    if text_col is None:
        return
    try:
        value = ev.eval(row)
    except (Unknown, TypeError, KeyError, IndexError, AttributeError, ValueError):
        rule.skipped += 1
        return
    nested = isinstance(row, ast.Call)  # a helper that returns the whole table
    for one in value if nested else [value]:
        cells = one if len(names) > 1 else [one[0] if _single(one) else one]
        if not isinstance(cells, list) or len(cells) != len(names) or SKIPPED in cells:
            rule.skipped += 1
            continue
        text = cells[text_col]
        if not isinstance(text, str):
            rule.skipped += 1
            continue
        path = NEUTRAL_PATH
        if "file_extension" in names and cells[names.index("file_extension")]:
            path = "mock_filename." + str(cells[names.index("file_extension")])
        flag = _expected(names, cells, test)
        (rule.tps if flag else rule.fps).append(Case(text, path))


def _single(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 1


def _expected(names: list[str], cells: list[Any], test: str) -> bool:
    for column in ("should_flag", "expected", "is_valid", "should_be_found"):
        if column in names:
            return bool(cells[names.index(column)])
    if "expected_secret" in names:
        return cells[names.index("expected_secret")] is not None
    return _NEGATIVE_TEST.search(test) is None


# --- running ---------------------------------------------------------------------------------


def fires(engine: Engine, case: Case) -> bool:
    fragment = Fragment(case.path, case.path, case.text.encode("utf-8", "surrogateescape"))
    return any(found for found, _ in decoders.read(engine, fragment))


@dataclass
class Score:
    rule: PeerRule
    tp_found: int
    fp_fired: int
    missed: list[str]
    fired: list[str]


def score(engine: Engine, rule: PeerRule) -> Score:
    missed = [c.text for c in rule.tps if not fires(engine, c)]
    fired = [c.text for c in rule.fps if fires(engine, c)]
    return Score(rule, len(rule.tps) - len(missed), len(fired), missed, fired)


def report(scores: list[Score], show: bool) -> None:
    by_peer: dict[str, list[Score]] = {}
    for s in scores:
        by_peer.setdefault(s.rule.peer, []).append(s)
    for peer, rows in by_peer.items():
        print(f"\n{peer}: rule, TPs found / total, FPs fired / total, cases skipped")
        tp = tt = fp = ft = 0
        for s in rows:
            r = s.rule
            tp, tt = tp + s.tp_found, tt + len(r.tps)
            fp, ft = fp + s.fp_fired, ft + len(r.fps)
            found, fired = f"{s.tp_found:4}/{len(r.tps):<4}", f"{s.fp_fired:4}/{len(r.fps):<4}"
            print(f"  {r.id:42} {found} {fired} {r.skipped:3}")
            if show:
                for text in s.missed:
                    print("      miss  " + _short(text))
                for text in s.fired:
                    print("      FIRED " + _short(text))
        print(f"  {'TOTAL':42} {tp:4}/{tt:<4} {fp:4}/{ft:<4}")


def _short(text: str) -> str:
    """Peers' test strings are fake, but print only their shape (no value is kept anywhere)."""
    one = text.replace("\n", "\\n")
    return one[:110] + ("…" if len(one) > 110 else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gitleaks", type=Path, help="a gitleaks source tree")
    parser.add_argument("--detect-secrets", type=Path, help="a detect-secrets source tree")
    parser.add_argument("--all", action="store_true", help="every peer rule, not only SCOPE")
    parser.add_argument("--show-misses", action="store_true", help="print missed and fired cases")
    args = parser.parse_args(argv)
    if args.gitleaks is None and args.detect_secrets is None:
        parser.error("give --gitleaks and/or --detect-secrets")
    rules: list[PeerRule] = []
    if args.gitleaks is not None:
        rules += gitleaks_rules(args.gitleaks)
    if args.detect_secrets is not None:
        rules += detect_secrets_rules(args.detect_secrets)
    if not args.all:
        rules = [r for r in rules if SCOPE.search(r.id)]
    rules = [r for r in rules if r.tps or r.fps]
    engine = Engine()
    report([score(engine, r) for r in rules], args.show_misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
