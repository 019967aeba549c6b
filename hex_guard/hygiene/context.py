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
from hex_guard.records import Finding, Fragment

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
    # Reads (path, blob id) pairs, yielding each blob's fragments in order (a large blob in
    # overlapping windows, none for one over the size limit); each is read before the next.
    read: Callable[[list[tuple[str, str]]], Iterable[Iterable[Fragment]]]


def context_findings(
    tree: Tree,
    skip: set[str],
    wanted: list[bytes],
    excluded: Callable[[str], bool],
    scan: Callable[[Fragment], list[Finding]],
) -> list[Finding]:
    """Findings in the tree's other blobs that hold one of `wanted`; `scan(fragment)` runs
    the engine on one blob, or one window of a large one."""
    if not wanted:
        return []
    paths = [
        p
        for p, (mode, _) in sorted(tree.entries.items())
        if p not in skip and mode in _FILE_MODES and not excluded(p)
    ]
    out: list[Finding] = []
    for fragments in tree.read([(p, tree.entries[p][1]) for p in paths]):
        for fragment in fragments:
            if any(n in fragment.data for n in wanted):
                out.extend(scan(fragment))
    return out
