"""``python -m bench.properties``: every property test with a large, fixed example budget.

    python -m bench.properties                  # the "thorough" profile, a fresh seed
    python -m bench.properties --seed 1234      # repeat a run exactly
    python -m bench.properties -- -k outbox     # pass pytest options after "--"

The test suite runs the hypothesis tests with the small "suite" profile (see
``tests/conftest.py``); this runs the same tests, wherever they are
under ``tests/``, with the "thorough" one, and prints how many examples each ran
and how long it took. Not named ``bN_*.py``: it is no benchmark of
``python -m bench``, and judges correctness, not speed.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"

_PHASE = re.compile(r"^\s*- during (\w+) phase \(([\d.]+) seconds\):")
_CASES = re.compile(r"^\s*- (\d+) passing, (\d+) failing, and (\d+) invalid test cases")
_STOPPED = re.compile(r"^\s*- Stopped because (.*)")


@dataclass
class Statistics:
    """What hypothesis reported for one test."""

    test: str
    examples: int = 0  # test cases run, in every phase (passing and failing)
    generated: int = 0  # of which new ones, in the generate phase
    invalid: int = 0  # rejected by assume(), a filter, or too large
    seconds: float = 0.0  # time spent in hypothesis's phases
    stopped_because: str = ""


def hypothesis_test_files() -> list[Path]:
    """Every test module under ``tests/`` that uses hypothesis."""
    return sorted(
        path
        for path in TESTS.rglob("test_*.py")
        if re.search(r"^\s*(from|import) hypothesis\b", path.read_text("utf-8"), re.M)
    )


def parse_statistics(output: str) -> list[Statistics]:
    """The per-test blocks of pytest's ``--hypothesis-show-statistics`` section."""
    _, found, section = output.partition(" Hypothesis Statistics ")
    if not found:
        return []
    results: list[Statistics] = []
    phase = ""
    for line in section.splitlines():
        if re.match(r"^\S.*::.*:$", line):
            results.append(Statistics(test=line[:-1]))
            continue
        if not results:
            continue
        current = results[-1]
        if match := _PHASE.match(line):
            phase = match[1]
            current.seconds += float(match[2])
        elif match := _CASES.match(line):
            passing, failing, invalid = (int(n) for n in match.groups())
            current.examples += passing + failing
            current.invalid += invalid
            if phase == "generate":
                current.generated += passing + failing
        elif match := _STOPPED.match(line):
            current.stopped_because = match[1]
    return results


def table(results: list[Statistics], wall_s: float) -> str:
    """A Markdown table of the runs, with a total."""
    lines = [
        "| test | examples | of which new | invalid | time |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in results:
        name = r.test.removeprefix("tests/")
        lines.append(
            f"| {name} | {r.examples:,} | {r.generated:,} | {r.invalid:,} | {r.seconds:.1f} s |"
        )
    tests = f"{len(results)} test{'' if len(results) == 1 else 's'}"
    lines.append(
        f"| **total: {tests}** | **{sum(r.examples for r in results):,}** "
        f"| {sum(r.generated for r in results):,} | {sum(r.invalid for r in results):,} "
        f"| **{sum(r.seconds for r in results):.1f} s** (wall {wall_s:.0f} s) |"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--profile", default="thorough", help="hypothesis profile (thorough)")
    parser.add_argument("--seed", type=int, help="hypothesis seed (default: a fresh one)")
    parser.add_argument("pytest_args", nargs="*", help="more pytest options, after --")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    files = [str(path.relative_to(ROOT)) for path in hypothesis_test_files()]
    command = [
        sys.executable,
        "-m",
        "pytest",
        *files,
        "-m",
        "hypothesis",  # the marker hypothesis puts on its tests: plain tests stay out
        "--hypothesis-show-statistics",
        f"--hypothesis-seed={seed}",
        "-p",
        "no:cacheprovider",
        "-q",
        # A thorough test runs for minutes: no per-test timeout. DEBUG records of
        # millions of steps would be kept for the report: only warnings are.
        "-o",
        "timeout=0",
        "-o",
        "log_level=WARNING",
        *args.pytest_args,
    ]
    env = {**os.environ, "HYPOTHESIS_PROFILE": args.profile, "QT_QPA_PLATFORM": "offscreen"}
    print(f"profile {args.profile}, seed {seed} (--seed {seed} repeats this run)", flush=True)
    print("$ HYPOTHESIS_PROFILE=" + args.profile + " " + " ".join(command[1:]), flush=True)
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    wall_s = time.monotonic() - started
    results = parse_statistics(done.stdout)
    print(table(results, wall_s))
    if done.returncode != 0:
        print(done.stdout[-20_000:], file=sys.stderr)
        print(done.stderr[-5_000:], file=sys.stderr)
        print(f"bench.properties: pytest failed (status {done.returncode})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
