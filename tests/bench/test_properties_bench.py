"""``python -m bench.properties`` finds the property tests, runs them, and reads hypothesis's
statistics into its table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.properties import hypothesis_test_files, parse_statistics, table

ROOT = Path(__file__).resolve().parents[2]

STATISTICS = """
============================ Hypothesis Statistics =============================
tests/security/test_x.py::test_one:

  - during reuse phase (0.01 seconds):
    - Typical runtimes: ~ 1ms, of which < 1ms in data generation
    - 1 passing, 0 failing, and 0 invalid test cases

  - during generate phase (2.50 seconds):
    - Typical runtimes: ~ 0-3 ms, of which ~ 0-2 ms in data generation
    - 1998 passing, 1 failing, and 7 invalid test cases
    - Events:
      * 6.98%, Retried draw from text() to satisfy filter

  - during shrink phase (0.40 seconds):
    - Typical runtimes: ~ 0-3 ms, of which ~ 0-2 ms in data generation
    - 30 passing, 12 failing, and 3 invalid test cases
    - Tried 45 shrinks of which 5 were successful

  - Stopped because nothing left to do

tests/security/test_x.py::TestMachine::runTest:

  - during generate phase (1.00 seconds):
    - Typical runtimes: ~ 40-90 ms, of which ~ 9-30 ms in data generation
    - 40 passing, 0 failing, and 1 invalid test cases

  - Stopped because settings.max_examples=40
"""


def test_the_statistics_are_read_per_test() -> None:
    first, second = parse_statistics("1 passed\n" + STATISTICS)
    assert first.test == "tests/security/test_x.py::test_one"
    assert (first.examples, first.generated, first.invalid) == (1 + 1999 + 42, 1999, 10)
    assert round(first.seconds, 2) == 2.91
    assert first.stopped_because == "nothing left to do"
    assert (second.test, second.examples, second.invalid) == (
        "tests/security/test_x.py::TestMachine::runTest",
        40,
        1,
    )
    rows = table([first, second], wall_s=5.0).splitlines()
    assert rows[-1].startswith("| **total: 2 tests** | **2,082** |")
    assert parse_statistics("no statistics here") == []


def test_every_property_test_module_is_found() -> None:
    found = {path.relative_to(ROOT).as_posix() for path in hypothesis_test_files()}
    assert "tests/security/test_frame_properties.py" in found
    assert "tests/security/test_outbox_properties.py" in found
    assert "tests/bench/test_properties_bench.py" not in found


def test_a_small_run_prints_its_table() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.properties",
            "--profile",
            "suite",
            "--seed",
            "7",
            "--",
            "-k",
            "merging_again",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=100,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "test_merging_again_changes_nothing | 40 |" in done.stdout
    assert "| **total: 1 test** | **40** |" in done.stdout
