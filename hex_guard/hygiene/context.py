"""The rest of the tree, for scans that read only part of it (`--staged`, `--diff`).

A staged `.env.prod` reusing the value `.env.dev` already holds in the tree is a reuse this
commit creates, but the scan reads only the staged blobs. So, when a scanned finding has a known
environment, the other blobs of the tree (the index, or the range's last commit) are searched
for its value, as written or base64-encoded (Kubernetes `data:`), with a plain byte search; only
blobs that hold one are run through the engine, and their findings are context for the reuse
check, never reported themselves.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from hex_guard.hygiene import steps
from hex_guard.records import Finding

_FILE_MODES = ("100644", "100755")


def needles(findings: Iterable[Finding]) -> list[bytes]:
    """Byte strings that would show one of `findings`' values in another blob."""
    out: set[bytes] = set()
    for finding in findings:
        if not finding.secret or steps.environment_of(finding) is None:
            continue
        raw = finding.secret.encode("utf-8", "surrogatepass")
        out.add(raw)
        if len(raw) >= 6:
            out.add(base64.b64encode(raw))
    return sorted(out)


@dataclass(frozen=True)
class Tree:
    """Blobs to search: path -> (mode, blob id), and how to read them."""

    entries: Mapping[str, tuple[str, str]]
    # Reads blob ids, yielding (id, size, content or None when over the size limit).
    read: Callable[[list[str]], Iterable[tuple[str, int, bytes | None]]]


def context_findings(
    tree: Tree,
    skip: set[str],
    wanted: list[bytes],
    excluded: Callable[[str], bool],
    scan: Callable[[str, bytes], list[Finding]],
) -> list[Finding]:
    """Findings in the tree's other blobs that hold one of `wanted`; `scan(path, data)` runs
    the engine on one blob."""
    if not wanted:
        return []
    paths = [
        p
        for p, (mode, _) in sorted(tree.entries.items())
        if p not in skip and mode in _FILE_MODES and not excluded(p)
    ]
    out: list[Finding] = []
    shas = [tree.entries[p][1] for p in paths]
    for path, (_, _, data) in zip(paths, tree.read(shas)):
        if data is not None and any(n in data for n in wanted):
            out.extend(scan(path, data))
    return out
