"""What every benchmark shares: its result rows, its command line, the machine.

A benchmark is a module ``bench/bN_<name>.py`` with a function
``measure(quick: bool) -> list[Result]`` and, at its end::

    if __name__ == "__main__":
        main(measure)

``python -m bench.b1_half_open`` then prints its rows as a table, and
``--json`` prints them for ``python -m bench``, which runs every benchmark in
a process of its own (memory and CPU figures must not leak between them) and
writes ``docs/BENCHMARKS.md``. ``--quick`` runs a tiny size: the test suite
uses it to check that each benchmark still runs, never to judge a figure.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Result:
    """One row of the table: our figure beside its baseline's, from the same run."""

    id: str  # "B1"
    what: str  # what was measured, with the case: "half-open noticed, idle"
    ours: str  # our figure, formatted with its unit: "1.52 s"
    baseline: str  # the baseline(s), formatted: "browser client: not noticed in 60 s"
    ratio: str  # ours / baseline where the baseline is a time ("0.04×"), else "–"
    target: str  # the target: "≤ 1.6 s"
    met: bool | None  # None: no target applies to this row
    note: str = ""  # why a target is missed, or how the figure was taken

    @property
    def verdict(self) -> str:
        return {True: "yes", False: "**no**", None: "–"}[self.met]


def seconds(value: float | None, *, never: str = "never") -> str:
    """A duration for the table: 3 significant digits, or ``never``."""
    if value is None or math.isinf(value):
        return never
    if value < 1:
        return f"{value * 1000:.0f} ms"
    return f"{value:.2f} s"


def ratio(ours: float | None, baseline: float | None) -> str:
    """``ours / baseline`` as "0.25×"; "–" when either is missing or infinite."""
    if ours is None or baseline is None or math.isinf(baseline) or baseline <= 0:
        return "–"
    value = ours / baseline
    # Two significant digits below 1 (0.0069×, not 0.01×), two decimals above.
    return f"{value:.2g}×" if value < 1 else f"{value:.2f}×"


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0–100) of ``values``, interpolated."""
    if not values:
        raise ValueError("percentile() of no values")
    if len(values) == 1:
        return values[0]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    index = min(max(round(q) - 1, 0), len(cuts) - 1)
    return cuts[index]


def markdown_rows(results: Sequence[Result]) -> list[str]:
    lines = [
        "| id | what | SDM Desktop | baseline (same run) | ratio | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        cells = [r.id, r.what, r.ours, r.baseline, r.ratio, r.target, r.verdict]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def main(measure: Callable[[bool], list[Result]]) -> None:
    """The command line of one benchmark module."""
    parser = argparse.ArgumentParser(description=(measure.__module__ or "").split(".")[-1])
    parser.add_argument("--quick", action="store_true", help="a tiny size (a smoke test)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args()
    results = measure(args.quick)
    if args.json:
        json.dump([asdict(r) for r in results], sys.stdout)
        print()
        return
    print("\n".join(markdown_rows(results)))
    for r in results:
        if r.note:
            print(f"- {r.id}: {r.note}")
