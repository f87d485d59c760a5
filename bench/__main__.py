"""``python -m bench``: run every benchmark, each in its own process; write the table.

    python -m bench                      # everything, full size: docs/BENCHMARKS.md
    python -m bench --only B1,B4         # some of them
    python -m bench --quick --output -   # tiny sizes, table on stdout (a smoke test)

Each benchmark compares itself with its baseline in the same run (see
``bench/common.py``). The table records the command, the machine and the date,
so a figure can be traced to where it was measured.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from bench.common import Result, markdown_rows

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = sorted(
    (p.stem for p in Path(__file__).parent.glob("b[0-9]*_*.py")),
    key=lambda stem: int(stem[1:].split("_")[0]),  # B2 before B11
)


def run_one(module: str, *, quick: bool, timeout_s: float) -> tuple[list[Result], float]:
    """The rows of one benchmark module, run in a fresh interpreter; and its wall time."""
    command = [sys.executable, "-m", f"bench.{module}", "--json"] + (["--quick"] if quick else [])
    started = time.monotonic()
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=timeout_s, check=False
    )
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise SystemExit(f"bench: {module} failed (status {done.returncode}):\n{tail}")
    rows = json.loads(done.stdout.strip().splitlines()[-1])
    return [Result(**row) for row in rows], elapsed


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = ", ".join(
        f"{name} {metadata.version(name)}"
        for name in ("PySide6-Essentials", "websockets", "qasync", "aiohttp")
    )
    return (
        f"{platform.system()} {platform.release()} on {cpu}, {os.cpu_count()} CPUs; "
        f"Python {platform.python_version()}; {versions}"
    )


def document(results: list[Result], command: str, timings: dict[str, float]) -> str:
    today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks",
        "",
        "Written by `python -m bench`; do not edit by hand. Every figure is compared, "
        "in the same run, with its baseline: the platform's browser client "
        "(re-implemented in `bench/baselines.py`: fixed 1, 2, 4, 8, 16 s, no jitter, no "
        "pong timeout, gives up after 5) or a bare `websockets` client (its own keepalive "
        "defaults and reconnect loop).",
        "",
        f"- command: `{command}`",
        f"- machine: {machine()}",
        f"- date: {today}",
        "- wall time: "
        + ", ".join(f"{name.split('_')[0].upper()} {secs:.0f} s" for name, secs in timings.items()),
        "",
        *markdown_rows(results),
        "",
    ]
    notes = [f"- **{r.id}** ({r.what}): {r.note}" for r in results if r.note]
    if notes:
        lines += ["## Notes", "", *notes, ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: only checks they run")
    parser.add_argument("--only", help="comma-separated ids, e.g. B1,B4")
    parser.add_argument(
        "--output",
        default=str(ROOT / "docs" / "BENCHMARKS.md"),
        help="where the table goes ('-': stdout); default docs/BENCHMARKS.md",
    )
    parser.add_argument("--timeout", type=float, default=1800, help="per benchmark, seconds")
    args = parser.parse_args()
    wanted = {i.strip().upper() for i in args.only.split(",")} if args.only else None
    modules = [m for m in BENCHMARKS if wanted is None or m.split("_")[0].upper() in wanted]
    results: list[Result] = []
    timings: dict[str, float] = {}
    for module in modules:
        print(f"bench: {module} …", file=sys.stderr, flush=True)
        rows, elapsed = run_one(module, quick=args.quick, timeout_s=args.timeout)
        results += rows
        timings[module] = elapsed
    command = "python -m bench " + " ".join(sys.argv[1:])
    text = document(results, command.strip(), timings)
    if args.output == "-":
        print(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"bench: wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
