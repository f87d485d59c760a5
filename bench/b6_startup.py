"""B6: time from process start to the first window shown, against a bare PySide6 window.

Each start is a fresh process, offscreen (``QT_QPA_PLATFORM=offscreen``), timed
from just before ``Popen`` until its stderr carries ``Main window shown``: the
app logs it (``--verbose``) at its main window's first paint event
(``desktop_app/app.py``), :mod:`bench.bare_window` prints it at its window's
first paint. The process is then stopped (SIGTERM) and the next one starts::

    # 0 s: Popen(...)
    # then: interpreter, imports, QApplication, (the app: its settings, the
    #       embedded demo server and sign-in, or none with --server), the window
    # end: "Main window shown" read from the pipe

The cases, interleaved, 7 rounds (median) after one unmeasured warm-up round
(``--quick``: one round, no warm-up):

- bare: ``python -m bench.bare_window`` (QApplication + an empty QMainWindow);
- ours, embedded: ``python -m desktop_app -v`` (no server configured: it starts
  the embedded demo server and signs in before the window is built);
- ours, ``--server``: ``python -m desktop_app -v --server URL --conversation ID``
  to a demo server already running in another process;
- frozen: the PyInstaller bundle (``build_scripts/build.py --no-archive``, built
  afresh into a temporary directory from this checkout), embedded server; not in
  ``--quick``.

Each case has a home of its own (HOME, XDG_CONFIG_HOME, XDG_DATA_HOME) kept
across its runs, so only the first (warm-up) start is a first start. The note
adds ``python -X importtime`` for ``desktop_app.app``, by top-level package.
"""

from __future__ import annotations

import os
import select
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench import keyring_backend
from bench.common import Result, main, ratio, seconds
from bench.demo_process import demo_server, stop_process

ROOT = Path(__file__).resolve().parent.parent
SHOWN = "Main window shown"
TIMEOUT_S = 60.0


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SDM_")}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
    )
    env.update(keyring_backend.ENVIRONMENT)
    return env


def time_to_window(command: list[str], home: Path) -> float:
    """Seconds from starting ``command`` until it reports its window shown."""
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=_env(home),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    try:
        while True:
            remaining = started + TIMEOUT_S - time.monotonic()
            if remaining <= 0:
                raise RuntimeError(f"no window within {TIMEOUT_S:g} s: {command[:3]}")
            readable, _, _ = select.select([process.stderr], [], [], remaining)
            if not readable:
                continue
            line = process.stderr.readline()
            if SHOWN in line:
                return time.monotonic() - started
            if not line:
                raise RuntimeError(f"exited (status {process.wait()}) before its window")
    finally:
        stop_process(process)


def build_bundle(dist: Path) -> Path | None:
    """The frozen app, built from this checkout into ``dist``; its executable (None: the
    build failed, e.g. PyInstaller is not installed)."""
    done = subprocess.run(
        [
            sys.executable,
            "build_scripts/build.py",
            "--no-archive",
            "--dist",
            str(dist / "dist"),
            "--workpath",
            str(dist / "build"),
        ],
        cwd=ROOT,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    executable = dist / "dist" / "sdm-desktop" / "sdm-desktop"
    return executable if done.returncode == 0 and executable.exists() else None


def import_profile(home: Path) -> tuple[float, float, list[tuple[str, float]]]:
    """``python -X importtime``: seconds to import ``desktop_app.app`` and, for comparison,
    ``PySide6.QtWidgets`` alone; and the app's import time by top-level package (each
    module's own time, so the parts add up), largest first."""
    totals: list[float] = []
    by_package: dict[str, float] = {}
    for module in ("PySide6.QtWidgets", "desktop_app.app"):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {module}"],
            cwd=ROOT,
            env=_env(home),
            capture_output=True,
            text=True,
            check=True,
        )
        by_package = {}
        total = 0.0
        for line in done.stderr.splitlines():
            fields = line.removeprefix("import time:").split("|")
            if len(fields) != 3 or not fields[0].strip().isdigit():
                continue  # the header
            own = int(fields[0]) / 1e6
            package = fields[2].strip().split(".")[0]
            package = "PySide6" if package in ("shiboken6", "shibokensupport") else package
            by_package[package] = by_package.get(package, 0.0) + own
            if fields[2].strip() == module:
                total = int(fields[1]) / 1e6
        totals.append(total)
    ranked = sorted(by_package.items(), key=lambda item: item[1], reverse=True)
    return totals[1], totals[0], ranked


def measure(quick: bool) -> list[Result]:
    rounds = 1 if quick else 7
    with tempfile.TemporaryDirectory(prefix="sdm-bench-b6-") as folder, demo_server() as url:
        tmp = Path(folder)
        python = [sys.executable, "-m"]
        cases: dict[str, list[str]] = {
            "bare": [*python, "bench.bare_window"],
            "embedded": [*python, "desktop_app", "-v"],
            "server": [
                *python,
                "desktop_app",
                "-v",
                "--server",
                url,
                "--conversation",
                str(uuid.uuid4()),
            ],
        }
        bundle = None if quick else build_bundle(tmp / "bundle")
        if bundle is not None:
            cases["frozen"] = [str(bundle), "-v"]
        homes = {name: tmp / f"home-{name}" for name in cases}
        times: dict[str, list[float]] = {name: [] for name in cases}
        for round_ in range(rounds + (0 if quick else 1)):
            for name, command in cases.items():
                elapsed = time_to_window(command, homes[name])
                if quick or round_ > 0:  # round 0: a first start, and a cold file cache
                    times[name].append(elapsed)
        app_import, qt_import, packages = import_profile(tmp / "home-imports")
    median = {name: statistics.median(values) for name, values in times.items()}
    bare = median["bare"]
    runs = f"median of {rounds} starts each, interleaved"
    largest = ", ".join(f"{name} {seconds(own)}" for name, own in packages[:6])
    profile = (
        f"`python -X importtime`: importing desktop_app.app takes {seconds(app_import)} "
        f"(PySide6.QtWidgets alone: {seconds(qt_import)}); by package, own time: {largest} "
        "(desktop_app's own share is largely PySide creating the Qt classes and enums its "
        "modules import). aiohttp and the About dialog are already imported on first use."
    )
    fix = (
        " Would help: importing websockets and the managers when the first socket opens, "
        "and the Qt classes that only paint messages when the first one is painted."
    )
    rows = [
        Result(
            id="B6",
            what="process start to first window shown, `python -m desktop_app` "
            "(embedded demo server)",
            ours=seconds(median["embedded"]),
            baseline=f"bare PySide6 window: {seconds(bare)}",
            ratio=ratio(median["embedded"], bare),
            target="≤ 2 × bare",
            met=median["embedded"] <= 2 * bare,
            note=f"{runs}; offscreen. The window is built after the embedded server has "
            "started (with aiohttp) and signed in: "
            f"{seconds(median['embedded'] - median['server'])} more than with --server."
            + ("" if median["embedded"] <= 2 * bare else " Showing the window first would help."),
        ),
        Result(
            id="B6",
            what="process start to first window shown, `--server` to a running server",
            ours=seconds(median["server"]),
            baseline=f"bare PySide6 window: {seconds(bare)}",
            ratio=ratio(median["server"], bare),
            target="≤ 2 × bare",
            met=median["server"] <= 2 * bare,
            note=f"{runs}; offscreen. {profile}" + ("" if median["server"] <= 2 * bare else fix),
        ),
    ]
    if "frozen" in median:
        frozen = median["frozen"]
        rows.append(
            Result(
                id="B6",
                what="process start to first window shown, frozen bundle (embedded server)",
                ours=seconds(frozen),
                baseline=f"bare PySide6 window (not frozen): {seconds(bare)}",
                ratio=ratio(frozen, bare),
                target="≤ 1 s",
                met=frozen <= 1.0,
                note=f"{runs}; the one-folder PyInstaller bundle built from this checkout.",
            )
        )
    else:
        rows.append(
            Result(
                id="B6",
                what="process start to first window shown, frozen bundle",
                ours="not measured" + (" (--quick)" if quick else ": no bundle"),
                baseline=f"bare PySide6 window: {seconds(bare)}",
                ratio="–",
                target="≤ 1 s",
                met=None,
                note="--quick skips building the bundle (about 20 s)."
                if quick
                else "`build_scripts/build.py --no-archive` failed: see its output.",
            )
        )
    return rows


if __name__ == "__main__":
    main(measure)
