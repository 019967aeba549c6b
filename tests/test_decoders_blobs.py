"""Base64 blobs holding key material (issue 9): decoded up to the depth the gate sees, found at
the encoded run, marked decoded, linear in the blob."""

from __future__ import annotations

import base64
import json
import textwrap
import time
from pathlib import Path

import pytest

from hex_guard.decoders import blobs
from hex_guard.main import main
from hex_guard.records import Fragment
from hex_guard.rules.fake import pem
from tests.conftest import write

KEY = pem("OPENSSH", "blob-key") + "\n"
SA = json.dumps(
    {
        "type": "service_account",
        "project_id": "acme-dw",
        "private_key": pem("", "blob-sa") + "\n",
        "client_email": "etl@acme-dw.iam.gserviceaccount.com",
    },
    indent=2,
)


def b64(data: str | bytes, wrap: int = 0) -> str:
    raw = data.encode() if isinstance(data, str) else data
    text = base64.b64encode(raw).decode()
    return "\n".join(textwrap.wrap(text, wrap)) if wrap else text


def scan(
    path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> list[dict]:
    monkeypatch.chdir(path.parent)
    main(["scan", "-q", "--format", "json", "--show-secrets", path.name])
    out = capsys.readouterr().out
    found: list[dict] = json.loads(out)["findings"]
    return found


def position(text: str, index: int) -> tuple[int, int]:
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


@pytest.mark.parametrize(
    ("name", "before", "run", "after"),
    [
        ("sa.json.b64", "", b64(SA), ""),  # one line, as `base64 -w0`
        ("sa.json.b64", "", b64(SA, 76), "\n"),  # wrapped, as `base64`
        ("deploy-key-b64-b64", "", b64(b64(KEY)), ""),  # encoded twice
        ("deploy-key-b64-b64", "", b64(b64(KEY, 76), 76), "\n"),  # twice, wrapped both times
        (".env", "A=1\nGOOGLE_CREDENTIALS_B64=", b64(SA), "\nB=2\n"),
        ("values.yaml", "gcp:\n  key: |\n    ", b64(SA, 64).replace("\n", "\n    "), "\n  x: 1\n"),
        ("ci.json", '{"sshKey": "', b64(b64(KEY)), '"}'),
    ],
    ids=["one-line", "wrapped", "twice", "twice-wrapped", "env-value", "yaml-block", "json"],
)
def test_blob_is_decoded_and_found_at_its_run(
    name: str,
    before: str,
    run: str,
    after: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = before + run + after
    write(tmp_path / name, text)
    (finding,) = scan(tmp_path / name, monkeypatch, capsys)
    assert finding["decoded"] is True
    assert finding["rule_id"] in {"gcp-service-account", "private-key", "private-key-base64"}
    assert (finding["line"], finding["column"]) == position(text, len(before))
    assert (finding["end_line"], finding["end_column"]) == position(text, len(before + run))


def test_three_layers_are_beyond_the_gate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The gate knows the words encoded once and twice; a third layer is not looked for.
    write(tmp_path / "k.b64", b64(b64(b64(KEY))))
    assert scan(tmp_path / "k.b64", monkeypatch, capsys) == []


def test_layers_are_decoded_down_to_max_depth() -> None:
    # A service account whose key is itself base64 (a second layer found in plain text),
    # encoded once more: three layers, each found by a word encoded once in the layer above.
    inner = json.dumps({"type": "service_account", "private_key": b64(KEY)})
    layers = list(blobs._layers(b64(inner).encode(), 1))
    assert [layer[2][:3] for layer in layers] == [b'{"t', b"---"]
    assert len({(s, e) for s, e, _ in layers}) == 1  # all point at the outer run
    assert blobs.MAX_DEPTH == 3


def test_blob_without_a_word_is_not_decoded() -> None:
    # An image or an archive in base64 holds none of the words: nothing is decoded.
    data = b64(bytes(range(256)) * 40, 76).encode()
    assert blobs.decode(Fragment("img.b64", "img.b64", data)) == []


def test_public_key_and_stub_blobs_are_quiet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stub = "-----BEGIN PRIVATE KEY-----\nMIIEv...\n-----END PRIVATE KEY-----\n"
    write(tmp_path / "a.b64", b64(stub) + "\n" + b64(json.dumps({"type": "service_account"})))
    assert scan(tmp_path / "a.b64", monkeypatch, capsys) == []


def test_decoding_is_linear_in_the_blob() -> None:
    # Every line of a large wrapped blob holds the encoded word; each run is decoded once.
    def cost(n: int) -> float:
        data = b64(("PRIVATE KEY " * 6 + "\n") * n, 76).encode()
        start = time.perf_counter()
        list(blobs._layers(data, 1))
        return time.perf_counter() - start

    small, large = min(cost(2000) for _ in range(3)), min(cost(8000) for _ in range(3))
    assert large < 10 * small + 0.05


def test_one_long_line_of_short_runs_is_linear() -> None:
    # Red team repro 11: each short run on one long line holds an encoded word; the line's bounds
    # and the text after each run were measured again for every run (62 s at 4 MB). CPU time, so
    # a busy machine does not fail it; 4x the runs measured 17x the time before, 4x after.
    def cost(n: int) -> float:
        data = (b64("xPRIVATE KEYx") + " ").encode() * n
        start = time.process_time()
        list(blobs._layers(data, 1))
        return time.process_time() - start

    small, large = min(cost(10_000) for _ in range(2)), min(cost(40_000) for _ in range(2))
    assert large < 6 * small + 0.02
