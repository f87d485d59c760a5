"""Every benchmark still runs (on a tiny size), and the table it feeds is well formed.

The figures themselves are judged in ``docs/BENCHMARKS.md``, never here: a
tiny run on a busy CI machine says nothing about speed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.__main__ import BENCHMARKS, document
from bench.common import Result, markdown_rows, percentile, ratio, seconds
from tests.conftest import app_environment

ROOT = Path(__file__).resolve().parents[2]


def test_every_issue_benchmark_has_a_module() -> None:
    ids = [m.split("_")[0] for m in BENCHMARKS]
    # Numbered, not alphabetical: B11 comes after B9.
    assert ids == [f"b{i}" for i in range(1, 12)]


@pytest.mark.timeout(180)
@pytest.mark.parametrize("module", BENCHMARKS)
def test_each_benchmark_runs_on_a_tiny_size(module: str, tmp_path: Path) -> None:
    env = app_environment(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", f"bench.{module}", "--quick", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=170,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [Result(**row) for row in json.loads(done.stdout.strip().splitlines()[-1])]
    assert rows
    expected_id = module.split("_")[0].upper()
    for row in rows:
        assert row.id == expected_id
        assert row.what
        assert row.ours
        assert row.baseline
        assert row.target
        assert row.met in (True, False, None)
    assert "Traceback" not in done.stderr


def test_durations_and_ratios_are_formatted_for_people() -> None:
    assert seconds(0.0123) == "12 ms"
    assert seconds(1.5) == "1.50 s"
    assert seconds(None) == "never"
    assert seconds(float("inf"), never="gave up") == "gave up"
    assert ratio(0.5, 2.0) == "0.25×"
    assert ratio(1.0, None) == "–"
    assert ratio(1.0, float("inf")) == "–"


def test_percentiles_interpolate_and_refuse_nothing() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 99) == pytest.approx(99.01)
    assert percentile([7.0], 99) == 7.0
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)


def test_the_document_names_the_command_the_machine_and_the_date() -> None:
    row = Result("B1", "half-open noticed, idle", "12.0 s", "never", "–", "≤ 40 s", True, "why")
    text = document([row], "python -m bench", {"b1_half_open": 3.0})
    assert "- command: `python -m bench`" in text
    assert "- machine: " in text
    assert "- date: " in text
    assert "\n".join(markdown_rows([row])) in text
    assert "**B1** (half-open noticed, idle): why" in text
