"""Decoders: what the engine should read in a file when that is not (only) its raw bytes.

Each decoder is one record in `DECODERS`, declared here and nowhere else:
- a *reader* is chosen by path and replaces the raw read (notebooks, read cell by cell);
- an *annotator* is chosen by path and names where raw findings sit (Hex exports' cells);
- an *expander* is chosen by content: its gate joins the engine's one prefilter pass, and when
  it fires the decoder adds views of decoded data (base64 values) to the raw read.

To add one: write `decode(fragment) -> list[View]` in a module of its own and add a `Decoder`
below. The engine builds its prefilter from the gates and reports which fired; `read` does the
rest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from hex_guard.decoders import blobs, encoded
from hex_guard.decoders.view import View, identity
from hex_guard.prefilter import Gate
from hex_guard.records import Finding, Fragment

if TYPE_CHECKING:
    from hex_guard.detect import Engine


class Role(Enum):
    READER = "reader"
    ANNOTATOR = "annotator"
    EXPANDER = "expander"


@dataclass(frozen=True)
class Decoder:
    name: str
    role: Role
    # Returns the views to scan; None (readers only): not readable, scan the raw bytes.
    decode: Callable[[Fragment], Sequence[View] | None]
    # Readers and annotators: the (lower-case) path suffixes they apply to.
    suffixes: tuple[str, ...] = ()
    # Expanders: a cheap "maybe" that rides the engine's prefilter; the decoder confirms.
    gate: Gate | None = None


# Path decoders' modules (and the JSON parser) load with the first file they apply to: most runs,
# and nearly every hook run, meet none, and importing them cost a hook run ~15 ms.
def _notebook(fragment: Fragment) -> Sequence[View] | None:
    from hex_guard.decoders import notebook

    return notebook.decode(fragment)


def _hex_export(fragment: Fragment) -> Sequence[View] | None:
    from hex_guard.decoders import hex_export

    return hex_export.decode(fragment)


DECODERS: tuple[Decoder, ...] = (
    Decoder("notebook", Role.READER, _notebook, suffixes=(".ipynb",)),
    Decoder("hex-export", Role.ANNOTATOR, _hex_export, suffixes=(".hex.yaml", ".hex.yml")),
    Decoder(
        encoded.KUBERNETES,
        Role.EXPANDER,
        encoded.kubernetes,
        # The kubernetes-secret rule runs on this decoder's data only (Rule.decoded_by).
        # `kind: Secret` in YAML, `"kind": "Secret"` in JSON.
        gate=Gate(("secret",), r"kind[\"']?[ \t]*:[ \t]*[\"']?secret", single=True),
    ),
    Decoder(
        encoded.CREDENTIALS,
        Role.EXPANDER,
        encoded.credentials_base64,
        gate=Gate(("credentials_base64",), single=True),
    ),
    Decoder(
        blobs.NAME,
        Role.EXPANDER,
        blobs.decode,
        gate=Gate(blobs.KEYWORDS, single=True),
    ),
)
EXPANDERS = tuple(d for d in DECODERS if d.role is Role.EXPANDER)
# Every path decoder's suffix: most files have none of them, and are told so in one call.
_SUFFIXES = tuple(s for d in DECODERS for s in d.suffixes)
BY_NAME = {d.name: d for d in DECODERS}


def _by_path(fragment: Fragment, role: Role) -> Decoder | None:
    path = fragment.repo_path.lower()
    for decoder in DECODERS:
        if decoder.role is role and path.endswith(decoder.suffixes):
            return decoder
    return None


def expanded(fragment: Fragment, fired: Sequence[Decoder]) -> list[View]:
    """Views of the decoded data in `fragment`, from the expanders whose gates fired."""
    return [view for decoder in fired for view in decoder.decode(fragment) or ()]


def read(engine: Engine, fragment: Fragment) -> list[tuple[list[Finding], View]]:
    """Findings of every view of `fragment`, each with the view that maps them to the file.

    The raw bytes are always scanned. A reader's views (a notebook's cells) add precision and
    cell positions, never remove coverage: a secret in notebook metadata, an attachment, an
    unknown output type, a duplicated key or a JSON file named .ipynb is found in the raw text;
    a raw finding that a reader's finding already covers is dropped.
    """
    if not fragment.repo_path.lower().endswith(_SUFFIXES):
        # Nearly every file: no reader, no annotator. Kept apart from the general path below,
        # whose lookups and lists cost a tree scan of 14,000 files ~50 ms.
        found, fired = engine.scan_with_triggers(fragment)
        if not fired:
            return [(found, View(fragment, identity))]
        return [(found, View(fragment, identity)), *_expanded_parts(engine, fragment, fired)]
    parts = _raw_parts(engine, fragment)
    reader = _by_path(fragment, Role.READER)
    if reader is None:
        return parts
    try:
        views = reader.decode(fragment)
        read_parts = [(engine.scan(v.fragment), v) for v in views or ()]
        covered = [_span(v.remap(f)) for found, v in read_parts for f in found]
    except (ValueError, IndexError, RecursionError):
        return parts  # not readable after all (e.g. a bad escape): the raw scan stands
    raw_found, raw_view = parts[0]
    uncovered = [f for f in raw_found if not any(_overlap(_span(f), c) for c in covered)]
    return [*read_parts, (uncovered, raw_view), *parts[1:]]


def _raw_parts(engine: Engine, fragment: Fragment) -> list[tuple[list[Finding], View]]:
    annotator = _by_path(fragment, Role.ANNOTATOR)
    raw = annotator.decode(fragment) if annotator is not None else None
    found, fired = engine.scan_with_triggers(fragment)
    raw_view = raw[0] if raw else View(fragment, identity)
    return [(found, raw_view), *_expanded_parts(engine, fragment, fired)]


def _expanded_parts(
    engine: Engine, fragment: Fragment, fired: Sequence[Decoder]
) -> list[tuple[list[Finding], View]]:
    return [(engine.scan(v.fragment), v) for v in expanded(fragment, fired)]


_Span = tuple[tuple[int, int], tuple[int, int]]


def _span(finding: Finding) -> _Span:
    return (finding.line, finding.column), (finding.end_line, finding.end_column)


def _overlap(a: _Span, b: _Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]
