"""A hook run's start-up: what pre-commit pays on every commit imports only what it uses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# Each is needed by some runs only (a finding's fingerprint, --data, -o FILE, a config with
# globs or custom rules, a cache miss) and costs a clean hook run 2-5 ms when imported anyway.
# (urllib.parse is not listed: an editable install's import finder loads it.)
_NOT_IN_A_CLEAN_HOOK_RUN = (
    "hashlib",
    "tempfile",
    "regex",
    "pathspec",
    "hex_guard.hygiene.outputs",
    "hex_guard.hygiene.personal_data",
    "hex_guard.report.sarif",
)

_PROBE = """
import sys
from hex_guard.main import main
try:
    main(["scan", "-q", *sys.argv[1:]])
except SystemExit as exc:
    assert exc.code == 0, exc.code
print("\\n".join(sorted(sys.modules)))
"""


def test_a_clean_hook_run_imports_only_what_it_uses(tmp_path: Path) -> None:
    files = []
    for i in range(3):
        path = tmp_path / f"module_{i}.py"
        path.write_text(f"def handler_{i}(event):\n    return {{'rows': list(range(10))}}\n")
        files.append(str(path))
    run = [sys.executable, "-c", _PROBE, *files]
    # Under .ci/run's coverage every child starts coverage, which imports hashlib among others:
    # the probe counts hex-guard's own imports, so it runs unmeasured.
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    subprocess.run(run, check=True, capture_output=True, cwd=tmp_path, env=env)  # fills the cache
    probe = subprocess.run(run, check=True, capture_output=True, text=True, cwd=tmp_path, env=env)
    loaded = set(probe.stdout.split())
    assert "hex_guard.scan" in loaded
    assert sorted(loaded & set(_NOT_IN_A_CLEAN_HOOK_RUN)) == []


# Counted against the start: Python 3.12 begins with objects in the permanent generation.
_FREEZE_PROBE = """
import gc
import sys
from hex_guard.main import main
start = gc.get_freeze_count()
code = main(["scan", "-q", *sys.argv[1:]])
in_process = gc.get_freeze_count() - start
sys.argv[1:1] = ["scan", "-q"]
code += main()
print(code, in_process, gc.get_freeze_count() > start)
"""


def test_only_the_entry_point_freezes_start_up_for_the_collector(tmp_path: Path) -> None:
    # main() without argv is the process's entry: it freezes start-up's objects, so the cyclic
    # collector skips them during the scan and at exit (~10 ms of a hook run). main(argv),
    # which the tests call many times in one process, leaves the collector alone.
    path = tmp_path / "app.py"
    path.write_text("print('hello')\n")
    probe = subprocess.run(
        [sys.executable, "-c", _FREEZE_PROBE, str(path)],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert probe.stdout.split() == ["0", "0", "True"]
