"""`[tool.hex-guard]` (pyproject.toml) or `.hex-guard.toml`: read once in main, validated strictly.

A typo in a security tool's config must fail loudly (exit 2 naming file and key), never widen an
allowlist by being ignored: black's warn-only unknown keys and gitleaks' allowlist-only config
that runs zero rules (servy#4749) are the anti-examples. The config only ever adds to the
built-in rules; turning one off takes an explicit `disable`.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from hex_guard.errors import ConfigError
from hex_guard.git import repo_root
from hex_guard.globs import GlobError, combined_regex, translate, translate_all
from hex_guard.rules import RULES, Confidence, Rule, Severity
from hex_guard.sources import DEFAULT_MAX_FILE_SIZE

# Rule ids of the hygiene checks (hex_guard/hygiene), which are not regex rules.
HYGIENE_RULE_IDS = (
    "secret-reused-across-environments",
    "notebook-query-output",
    "personal-data",
)

SECTION = "tool.hex-guard"
DEDICATED_FILE = ".hex-guard.toml"
TOP_KEYS = (
    "exclude",
    "max-file-size",
    "disable",
    "allow",
    "stopwords",
    "ignore",
    "inline-markers",
    "baseline",
    "allowlist",
    "rules",
    "data-outputs",
    "row-threshold",
    "min-confidence",
)
ALLOWLIST_KEYS = ("description", "rules", "paths", "values", "stopwords")
RULE_KEYS = (
    "id",
    "description",
    "severity",
    "confidence",
    "regex",
    "keywords",
    "paths",
    "min_entropy",
    "multiline",
    "hint",
    "examples",
    "counter_examples",
)
CONFIDENCE_NAMES = tuple(str(c) for c in Confidence)
_FINGERPRINT = re.compile(r"^[0-9a-f]{32}$")
_RULE_ID = re.compile(r"^[a-z0-9][a-z0-9\-]{1,63}$")


@dataclass(frozen=True)
class AllowEntry:
    """One `[[tool.hex-guard.allowlist]]` table: every condition it gives must hold (AND)."""

    index: int
    description: str
    rules: frozenset[str] | None  # None: every rule, written as rules = ["*"]
    paths: tuple[str, ...]
    values: tuple[str, ...]
    stopwords: tuple[str, ...]


@dataclass(frozen=True)
class Config:
    source: str | None = None
    base_dir: str = "."
    exclude: tuple[str, ...] = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    disable: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    stopwords: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    inline_markers: bool = True
    baseline: str | None = None
    allowlists: tuple[AllowEntry, ...] = ()
    custom_rules: tuple[Rule, ...] = ()
    # The opt-in data check (issue 13): query results and personal data in notebooks and data
    # files; an output is a query result above `row_threshold` rows.
    data_outputs: bool = False
    row_threshold: int = 5
    # Findings less sure than this are not reported (counted in the summary). Read from the
    # config of the directory the run starts in, like `baseline`; `--min-confidence` overrides.
    min_confidence: Confidence = Confidence.LOW
    # Keys that came from the file (the rest are defaults), for `hex-guard config`.
    explicit: frozenset[str] = field(default_factory=frozenset)
    # Set by `--verify` only, never read from a file: findings keep the text around them.
    keep_context: bool = False
    # The custom rules' tables as written (their globs are compiled away), for `hex-guard config`.
    rule_tables: tuple[dict[str, Any], ...] = field(default=(), compare=False, hash=False)

    def excluder(self) -> PathMatcher:
        return PathMatcher(self.base_dir, self.exclude)

    def rules(self) -> tuple[Rule, ...]:
        """Built-in rules minus `disable`, plus custom rules."""
        disabled = set(self.disable)
        return tuple(r for r in (*RULES, *self.custom_rules) if r.id not in disabled)

    def relative(self, fs_path: str) -> str | None:
        """`fs_path` relative to the config's directory (POSIX), None when outside it."""
        prefix = os.path.join(os.path.abspath(self.base_dir), "")
        if not fs_path.startswith(prefix):
            return None
        return fs_path[len(prefix) :].replace(os.sep, "/")


class PathMatcher:
    """Which globs match a path; keeps per-glob hit counts for `--report-unused`."""

    def __init__(self, base_dir: str, globs: Sequence[str]) -> None:
        self.globs = tuple(globs)
        self._prefix = os.path.join(os.path.abspath(base_dir), "")
        # Last first: under gitignore's rule the last glob that matches decides.
        self._checks = [
            (i, re.compile(regex), include)
            for i, (regex, include) in reversed(list(enumerate(translate_all(globs))))
        ]
        self.hits = [0] * len(globs)

    def matches(self, fs_path: str) -> bool:
        """`fs_path` is absolute; only paths below the config's directory can match."""
        if not self._checks or not fs_path.startswith(self._prefix):
            return False
        rel = fs_path[len(self._prefix) :].replace(os.sep, "/")
        for i, regex, include in self._checks:
            if regex.search(rel):
                self.hits[i] += 1
                return include
        return False


# --- locating and reading the file ----------------------------------------------------------


def _load_toml(path: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    from hex_guard.userfiles import CONFIG_LIMIT, read_text

    text = read_text(path, CONFIG_LIMIT, "config file")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    except RecursionError as exc:  # arrays or tables nested thousands deep
        raise ConfigError(f"{path}: invalid TOML: nested too deeply") from exc


def _table_of(path: str, document: dict[str, Any]) -> dict[str, Any] | None:
    """The hex-guard table: [tool.hex-guard] anywhere; in .hex-guard.toml also the top level.

    The README's examples are all `[tool.hex-guard]`, so pasting one into .hex-guard.toml must
    work as it reads (issue 12); mixing both forms in one file is refused rather than merged.
    """
    tool = document.get("tool")
    if os.path.basename(path) == DEDICATED_FILE and (tool is None or set(document) - {"tool"}):
        if tool is not None:
            raise ConfigError(
                f"{path}: put every key either at the top level or under [{SECTION}], not both"
            )
        return document
    section = tool.get("hex-guard") if isinstance(tool, dict) else None
    if os.path.basename(path) == DEDICATED_FILE:
        others = sorted(set(tool) - {"hex-guard"}) if isinstance(tool, dict) else ["?"]
        if others or section is None:
            names = ", ".join(f"[tool.{k}]" for k in others) or "[tool]"
            raise ConfigError(f"{path}: unknown table {names} (expected [{SECTION}])")
    if section is not None and not isinstance(section, dict):
        raise ConfigError(f"{path}: [{SECTION}] must be a table")
    return section


def find_config(start: str) -> tuple[str, dict[str, Any]] | None:
    """Nearest .hex-guard.toml, or pyproject.toml with a [tool.hex-guard] table, from `start`
    up to the enclosing repository's root."""
    stop = repo_root(start)
    current = start
    while True:
        found = _config_in(current)
        if found is not None:
            return found
        parent = os.path.dirname(current)
        if current == stop or parent == current:
            return None
        current = parent


# --- validation --------------------------------------------------------------------------------


class _Validator:
    """Type checks that name the file and the key in every message."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.path}: [{SECTION}] {key}: {problem}")

    def unknown_keys(self, table: dict[str, Any], known: Sequence[str], where: str) -> None:
        for key in table:
            if key not in known:
                raise self.fail(
                    where or key, f"unknown key {key!r} (known keys: {', '.join(known)})"
                )

    def strings(self, table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(where, "must be a list of non-empty strings")
        return tuple(value)

    def globs(self, table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        values = self.strings(table, key, where)
        for glob in values:
            try:
                translate(glob)
            except GlobError as exc:
                raise self.fail(where, f"invalid glob {glob!r}: {exc}") from exc
        try:
            translate_all(values)
        except GlobError as exc:
            raise self.fail(where, str(exc)) from exc
        return values

    def regexes(self, table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        values = self.strings(table, key, where)
        if not values:
            return values  # `regex` costs ~7 ms to import: a config without patterns skips it
        import regex

        for pattern in values:
            try:
                regex.compile(pattern)
            except regex.error as exc:
                raise self.fail(where, f"invalid regex {pattern!r}: {exc}") from exc
        return values

    def confidence(self, table: dict[str, Any], key: str, where: str) -> Confidence | None:
        value = table.get(key)
        if value is None:
            return None
        if value not in CONFIDENCE_NAMES:
            raise self.fail(where, f"must be one of {', '.join(CONFIDENCE_NAMES)}")
        return Confidence[value.upper()]

    def boolean(self, table: dict[str, Any], key: str, default: bool) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false")
        return value


def _allow_entry(v: _Validator, index: int, table: Any, rule_ids: set[str]) -> AllowEntry:
    where = f"allowlist[{index}]"
    if not isinstance(table, dict):
        raise v.fail(where, "must be a table ([[tool.hex-guard.allowlist]])")
    v.unknown_keys(table, ALLOWLIST_KEYS, where)
    if "rules" not in table:
        raise v.fail(where, "'rules' is required; use rules = [\"*\"] to cover every rule")
    rules = v.strings(table, "rules", f"{where}.rules")
    for rule_id in rules:
        if rule_id != "*" and rule_id not in rule_ids:
            raise v.fail(f"{where}.rules", f"unknown rule id {rule_id!r}")
    entry = AllowEntry(
        index=index,
        description=str(table.get("description", "")),
        rules=None if "*" in rules else frozenset(rules),
        paths=v.globs(table, "paths", f"{where}.paths"),
        values=v.regexes(table, "values", f"{where}.values"),
        stopwords=v.strings(table, "stopwords", f"{where}.stopwords"),
    )
    if not (entry.paths or entry.values or entry.stopwords):
        raise v.fail(where, "needs at least one of paths, values, stopwords")
    return entry


def _custom_rule(v: _Validator, index: int, table: Any, taken: set[str]) -> Rule:
    import regex

    where = f"rules[{index}]"
    if not isinstance(table, dict):
        raise v.fail(where, "must be a table ([[tool.hex-guard.rules]])")
    v.unknown_keys(table, RULE_KEYS, where)
    rule_id = table.get("id")
    if not isinstance(rule_id, str) or not _RULE_ID.match(rule_id):
        raise v.fail(f"{where}.id", "must be lower-case letters, digits and '-' (2-64 chars)")
    if rule_id in taken:
        raise v.fail(f"{where}.id", f"{rule_id!r} is already a rule id")
    pattern = table.get("regex")
    if not isinstance(pattern, str) or not pattern:
        raise v.fail(f"{where}.regex", "is required (a regular expression)")
    try:
        compiled = regex.compile(pattern.encode())
    except regex.error as exc:
        raise v.fail(f"{where}.regex", f"invalid regex: {exc}") from exc
    if compiled.groupindex and "secret" not in compiled.groupindex:
        raise v.fail(f"{where}.regex", "named groups need one called 'secret'")
    severity = table.get("severity", "high")
    if severity not in {str(s) for s in Severity}:
        raise v.fail(f"{where}.severity", "must be one of low, medium, high, critical")
    entropy = table.get("min_entropy", 0.0)
    if isinstance(entropy, bool) or not isinstance(entropy, (int, float)) or entropy < 0:
        raise v.fail(f"{where}.min_entropy", "must be a number >= 0")
    keywords = v.strings(table, "keywords", f"{where}.keywords")
    paths = v.globs(table, "paths", f"{where}.paths")
    multiline = table.get("multiline", not keywords)
    if not isinstance(multiline, bool):
        raise v.fail(f"{where}.multiline", "must be true or false")
    return Rule(
        id=rule_id,
        description=str(table.get("description", rule_id)),
        severity=Severity[severity.upper()],
        pattern=pattern,
        keywords=keywords,
        hint=str(table.get("hint", Rule.hint)),
        paths=combined_regex(paths) if paths else None,
        multiline=multiline,
        min_entropy=float(entropy),
        # A user's regex is judged by its own author: medium unless they say otherwise.
        confidence=v.confidence(table, "confidence", f"{where}.confidence") or Confidence.MEDIUM,
        user_defined=True,
        examples=v.strings(table, "examples", f"{where}.examples"),
        counter_examples=v.strings(table, "counter_examples", f"{where}.counter_examples"),
    )


def parse(path: str, table: dict[str, Any]) -> Config:
    v = _Validator(path)
    v.unknown_keys(table, TOP_KEYS, "")
    max_size = table.get("max-file-size", DEFAULT_MAX_FILE_SIZE)
    if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size <= 0:
        raise v.fail("max-file-size", "must be a positive integer (bytes)")
    raw_rules = table.get("rules", [])
    if not isinstance(raw_rules, list):
        raise v.fail("rules", "must be an array of tables ([[tool.hex-guard.rules]])")
    # The hygiene checks' ids can be disabled and allowlisted like any rule's.
    taken = {r.id for r in RULES} | set(HYGIENE_RULE_IDS)
    custom: list[Rule] = []
    for i, raw in enumerate(raw_rules):
        custom.append(_custom_rule(v, i, raw, taken))
        taken.add(custom[-1].id)
    disable = v.strings(table, "disable", "disable")
    for rule_id in disable:
        if rule_id not in taken:
            raise v.fail("disable", f"unknown rule id {rule_id!r}")
    ignore = v.strings(table, "ignore", "ignore")
    for fp in ignore:
        if not _FINGERPRINT.match(fp):
            raise v.fail("ignore", f"{fp!r} is not a fingerprint (32 lower-case hex digits)")
    raw_allowlists = table.get("allowlist", [])
    if not isinstance(raw_allowlists, list):
        raise v.fail("allowlist", "must be an array of tables ([[tool.hex-guard.allowlist]])")
    baseline = table.get("baseline")
    if baseline is not None and (not isinstance(baseline, str) or not baseline):
        raise v.fail("baseline", "must be a path (string)")
    threshold = table.get("row-threshold", 5)
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 0:
        raise v.fail("row-threshold", "must be a non-negative integer (rows)")
    base_dir = os.path.dirname(os.path.abspath(path))
    return Config(
        source=path,
        base_dir=base_dir,
        exclude=v.globs(table, "exclude", "exclude"),
        max_file_size=max_size,
        disable=disable,
        allow=v.regexes(table, "allow", "allow"),
        stopwords=v.strings(table, "stopwords", "stopwords"),
        ignore=ignore,
        inline_markers=v.boolean(table, "inline-markers", True),
        baseline=os.path.join(base_dir, baseline) if baseline else None,
        allowlists=tuple(_allow_entry(v, i, t, taken) for i, t in enumerate(raw_allowlists)),
        custom_rules=tuple(custom),
        data_outputs=v.boolean(table, "data-outputs", False),
        row_threshold=threshold,
        min_confidence=v.confidence(table, "min-confidence", "min-confidence") or Confidence.LOW,
        explicit=frozenset(table),
        rule_tables=tuple(raw_rules),
    )


class Resolver:
    """Each file's config, a function of that file alone: the nearest config file above it, up
    to the repository root (ruff's rule), or the one `--config` names for every file.

    Starting from the directory the scanned paths share (black's rule) made a hook run's result
    depend on which other files pre-commit put in the same batch. A file is excluded when its
    own config or any config above it (up to the root) excludes it: a nested config cannot
    bring back what the repository excluded. Lookups are cached per directory, so a tree walk
    costs one lookup per directory, not per file.
    """

    def __init__(
        self,
        explicit: str | None,
        max_file_size: int | None = None,
        data: bool = False,
        keep_context: bool = False,
    ) -> None:
        self._max_file_size = max_file_size
        self._data = data  # --data: the data check on whatever the files' configs say
        # `--verify`: every config hands its findings the text around them.
        self._keep_context = keep_context
        fixed = self._adjust(load(explicit, os.getcwd())) if explicit else None
        self._fixed: tuple[Config, ...] | None = (fixed,) if fixed else None
        self._by_dir: dict[str, tuple[Config, ...]] = {}
        self._by_file: dict[str, Config] = {}
        self._matchers: dict[int, PathMatcher] = {}
        self._excluding: dict[str, tuple[PathMatcher, ...]] = {}
        self._by_key: dict[str, tuple[Config, ...]] = {}
        self._bare: set[str] = set()  # directories a walk listed without .git or config files
        # The config of the directory the run starts in: reports, `--report-unused`, history.
        self.primary = self._chain(os.getcwd())[0]

    @classmethod
    def fixed(cls, config: Config) -> Resolver:
        """One config for every file."""
        resolver = cls.__new__(cls)
        resolver._max_file_size = None
        resolver._data = False
        resolver._keep_context = False
        resolver._fixed = (config,)
        resolver._by_dir, resolver._by_file, resolver._matchers = {}, {}, {}
        resolver._excluding, resolver._by_key, resolver._bare = {}, {}, set()
        resolver.primary = config
        return resolver

    def seen(self) -> list[Config]:
        """Every config this resolver has handed out so far, the primary first."""
        found = [self.primary, *(self._fixed or ()), *self._by_file.values()]
        return list({id(c): c for c in found}.values())

    def _adjust(self, config: Config) -> Config:
        import dataclasses

        if self._max_file_size is not None:
            config = dataclasses.replace(config, max_file_size=self._max_file_size)
        if self._data:
            config = dataclasses.replace(config, data_outputs=True)
        if self._keep_context:
            config = dataclasses.replace(config, keep_context=True)
        return config

    def for_file(self, fs_path: str) -> Config:
        """The config governing the file at absolute path `fs_path`."""
        if self._fixed is not None:
            return self._fixed[0]
        key = _directory_key(fs_path)
        chain = self._by_key.get(key)
        if chain is None:
            chain = self._by_key[key] = self._chain(os.path.dirname(fs_path))
        return chain[0]

    def excluder(self, config: Config) -> PathMatcher:
        """One matcher per config, so `--report-unused` counts every hit."""
        matcher = self._matchers.get(id(config))
        if matcher is None:
            matcher = self._matchers[id(config)] = config.excluder()
        return matcher

    def excluders(self) -> list[PathMatcher]:
        return list(self._matchers.values())

    def excluded(self, fs_path: str) -> bool:
        """Whether the file's config, or one above it, excludes it."""
        key = _directory_key(fs_path)
        matchers = self._excluding.get(key)
        if matchers is None:
            # Per directory, and only matchers with globs: asked per file, the chain of
            # matchers cost ~6 us a file, 84 ms of CPU on a 14,000-file tree.
            made = [self.excluder(c) for c in self._chain(os.path.dirname(fs_path))]
            matchers = self._excluding[key] = tuple(m for m in made if m.globs)
        if not matchers:
            return False
        return any(m.matches(fs_path) for m in matchers)

    def _chain(self, directory: str) -> tuple[Config, ...]:
        """The configs from the nearest above `directory` up to the repository root."""
        if self._fixed is not None:
            return self._fixed
        # Up to a directory already known or the top, then down again: a loop, not recursion,
        # so a tree thousands of levels deep is looked up (red team 12).
        pending: list[str] = []
        current = directory
        above = self._by_dir.get(current)
        while above is None:
            pending.append(current)
            parent = os.path.dirname(current)
            if self._at_top(current, parent):
                above = ()
                break
            current = parent
            above = self._by_dir.get(current)
        for below in reversed(pending):
            above = self._by_dir[below] = self._lookup(below, above)
        return above

    def listed(self, directory: str, names: Collection[str]) -> None:
        """What a walk found in `directory` (absolute, normalised): every entry's name. A
        directory holding no `.git` and no config file is then looked up without the three
        stat calls per directory that otherwise find that out (~30 ms on a 3,800-directory
        tree). Only all-ASCII listings count, compared without case: on a case-insensitive
        file system `PyProject.toml` is `pyproject.toml`."""
        if self._fixed is not None:
            return
        joined = "\0".join(names)
        if not joined.isascii():
            return
        wrapped = f"\0{joined.lower()}\0"
        if not any(f"\0{name}\0" in wrapped for name in _LOOKED_FOR):
            self._bare.add(directory)

    def _at_top(self, directory: str, parent: str) -> bool:
        """Whether `directory` is where a chain ends: the file system's or a repository's top.
        A directory a walk listed without `.git` (`listed`) is neither, without a stat."""
        if parent == directory:
            return True
        return directory not in self._bare and directory == repo_root(directory)

    def _lookup(self, directory: str, above: tuple[Config, ...]) -> tuple[Config, ...]:
        """The chain of `directory`, given its parent's (empty at the top)."""
        own = None if directory in self._bare else _config_in(directory)
        if own is not None:
            config = self._by_file.get(own[0])
            if config is None:
                config = self._by_file[own[0]] = self._adjust(parse(*own))
            return (config, *above)
        return above or (self._adjust(Config(base_dir=directory)),)


# The names `_lookup` looks for in a directory: the repository's top, the config files.
_LOOKED_FOR = (".git", DEDICATED_FILE, "pyproject.toml")


def _directory_key(fs_path: str) -> str:
    """A key that files of one directory share, and files of two directories never do: on
    POSIX the path up to its last slash, a string slice, not `os.path.dirname` (asked per file,
    two dirname calls cost a tree scan ~15 ms); elsewhere the directory itself."""
    if _SLASHES_ONLY:
        return fs_path[: fs_path.rfind("/") + 1]
    return os.path.dirname(fs_path)


_SLASHES_ONLY = os.sep == "/" and not os.altsep


def _config_in(directory: str) -> tuple[str, dict[str, Any]] | None:
    for name in (DEDICATED_FILE, "pyproject.toml"):
        candidate = os.path.join(directory, name)
        # Whatever holds the name is read: a FIFO, a directory or a link to a device is an
        # error naming it (exit 2), as with --config, not a config silently ignored (red team 16).
        if os.path.lexists(candidate):
            table = _table_of(candidate, _load_toml(candidate))
            if table is not None:
                return candidate, table
    return None


def config_file_hint(config: Config) -> str:
    """Where a user should add an allowlist entry: the file in use, else the one to create."""
    if config.source is not None:
        return f"{os.path.relpath(config.source)} [{SECTION}]"
    root = repo_root(config.base_dir) or config.base_dir
    pyproject = os.path.join(root, "pyproject.toml")
    if os.path.isfile(pyproject):
        return f"{os.path.relpath(pyproject)} [{SECTION}]"
    return f"{os.path.relpath(os.path.join(root, DEDICATED_FILE))} (new file)"


def load(explicit: str | None, start: str) -> Config:
    """The effective config: `--config FILE`, else the nearest config file, else defaults."""
    if explicit is not None:
        table = _table_of(explicit, _load_toml(explicit))
        if table is None:
            raise ConfigError(f"{explicit}: no [{SECTION}] table")
        return parse(explicit, table)
    found = find_config(start)
    if found is None:
        return Config(base_dir=start)
    return parse(*found)
