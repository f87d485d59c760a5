"""B6: time from process start to the real main window, painted and ready for typing.

Each start is a fresh process, offscreen (``QT_QPA_PLATFORM=offscreen``), timed
from just before ``Popen`` until its stderr carries ``Main window shown``. The
app logs that line (``--verbose``) once its real main window has been painted
with the composer (enabled and focused: typed text goes into it) and the status
bar's connection status (``Starting the demo server…``, ``Connecting to …``);
:mod:`bench.bare_window` prints it at its empty window's first paint. The
embedded server and the sockets come up after that paint, so the time until
the chat socket is connected is read from the same log and given in the note.
The process is then stopped (SIGTERM) and the next one starts::

    # 0 s: Popen(...)
    # then: interpreter, the command line and settings, Qt, the window's modules,
    #       QApplication, the main window built and painted
    # end: "Main window shown" read from the pipe
    # then (the note): asyncio, the embedded server and its sign-in, the outbox,
    #       the sockets: "[ChatWS] Connected successfully"

The cases, interleaved, 7 rounds (median) after one unmeasured warm-up round
(``--quick``: one round, no warm-up):

- bare: ``python -m bench.bare_window`` (QApplication + an empty QMainWindow);
- ours, embedded: ``python -m desktop_app -v`` (no server configured: the
  embedded demo server starts after the first paint);
- ours, ``--server``: ``python -m desktop_app -v --server URL --conversation ID``
  to a demo server already running in another process;
- frozen: the PyInstaller bundle (``build_scripts/build.py --no-archive``, built
  afresh into a temporary directory from this checkout), embedded server; not in
  ``--quick``.

Each case has a home of its own (HOME, XDG_CONFIG_HOME, XDG_DATA_HOME) kept
across its runs, so only the first (warm-up) start is a first start. Python's
bytecode is cached as an installed package has it (``pip`` compiles it when it
installs, the bundle carries it): the processes write and read it under the
run's temporary folder (``PYTHONPYCACHEPREFIX``, ``PYTHONDONTWRITEBYTECODE``
unset), and the warm-up round writes it. The note adds ``python -X importtime``
of one start, split at the first paint, by top-level package.
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
from dataclasses import dataclass
from pathlib import Path

from bench import keyring_backend
from bench.common import Result, main, ratio, seconds
from bench.demo_process import demo_server, stop_process

ROOT = Path(__file__).resolve().parent.parent
SHOWN = "Main window shown"
CONNECTED = "[ChatWS] Connected successfully"
TIMEOUT_S = 60.0
#: The issue's targets: the window against a bare one, and the frozen bundle.
TARGET_RATIO = 1.3
FROZEN_TARGET_S = 0.5


@dataclass(frozen=True)
class Start:
    """One start: seconds from ``Popen`` to the painted window, and to the chat socket."""

    shown_s: float
    connected_s: float | None  # None: not waited for (the bare window has no socket)


def _env(home: Path, bytecode: Path) -> dict[str, str]:
    skip = ("SDM_", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        PYTHONPYCACHEPREFIX=str(bytecode),
    )
    env.update(keyring_backend.ENVIRONMENT)
    return env


def time_start(command: list[str], env: dict[str, str], *, until_connected: bool) -> Start:
    """Time one start of ``command``: its window painted, and its chat socket if asked."""
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    shown: float | None = None
    try:
        while True:
            remaining = started + TIMEOUT_S - time.monotonic()
            if remaining <= 0:
                raise RuntimeError(f"no window within {TIMEOUT_S:g} s: {command[:3]}")
            readable, _, _ = select.select([process.stderr], [], [], remaining)
            if not readable:
                continue
            line = process.stderr.readline()
            now = time.monotonic() - started
            if shown is None and SHOWN in line:
                shown = now
                if not until_connected:
                    return Start(shown, None)
            elif shown is not None and CONNECTED in line:
                return Start(shown, now)
            if not line:
                raise RuntimeError(f"exited (status {process.wait()}) before {SHOWN!r}/connected")
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


@dataclass(frozen=True)
class ImportProfile:
    """``python -X importtime`` of one start, split at the first paint (seconds)."""

    before_paint_s: float  # every import before "Main window shown"
    by_package: list[tuple[str, float]]  # before the paint, own time, largest first
    after_paint: list[tuple[str, float]]  # imported after the paint, until connected
    qt_widgets_s: float  # ``import PySide6.QtWidgets`` alone, for comparison


def _own_times(lines: list[str]) -> dict[str, float]:
    """Own import time by top-level package (shiboken counted as PySide6)."""
    by_package: dict[str, float] = {}
    for line in lines:
        fields = line.removeprefix("import time:").split("|")
        if len(fields) != 3 or not fields[0].strip().isdigit():
            continue  # the header, or a log line
        package = fields[2].strip().split(".")[0]
        package = "PySide6" if package in ("shiboken6", "shibokensupport") else package
        by_package[package] = by_package.get(package, 0.0) + int(fields[0]) / 1e6
    return by_package


def import_profile(command: list[str], env: dict[str, str]) -> ImportProfile:
    """Start ``command`` under ``-X importtime`` and split its imports at the first paint."""
    process = subprocess.Popen(
        [command[0], "-X", "importtime", *command[1:]],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    before: list[str] = []
    after: list[str] = []
    try:
        deadline = time.monotonic() + TIMEOUT_S
        lines = before
        for line in process.stderr:
            if SHOWN in line:
                lines = after
            elif CONNECTED in line or time.monotonic() > deadline:
                break
            lines.append(line)
    finally:
        stop_process(process)
    qt = subprocess.run(
        [command[0], "-X", "importtime", "-c", "import PySide6.QtWidgets"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    first_paint = _own_times(before)
    ranked = sorted(first_paint.items(), key=lambda item: item[1], reverse=True)
    later = sorted(_own_times(after).items(), key=lambda item: item[1], reverse=True)
    return ImportProfile(
        before_paint_s=sum(first_paint.values()),
        by_package=ranked,
        after_paint=later,
        qt_widgets_s=sum(_own_times(qt.stderr.splitlines()).values()),
    )


def _listing(packages: list[tuple[str, float]], count: int) -> str:
    return ", ".join(f"{name} {seconds(own)}" for name, own in packages[:count])


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
        bytecode = tmp / "bytecode"
        envs = {name: _env(tmp / f"home-{name}", bytecode) for name in cases}
        starts: dict[str, list[Start]] = {name: [] for name in cases}
        for round_ in range(rounds + (0 if quick else 1)):
            for name, command in cases.items():
                start = time_start(command, envs[name], until_connected=name != "bare")
                if quick or round_ > 0:  # round 0: a first start, bytecode and file cache cold
                    starts[name].append(start)
        profile = import_profile(cases["server"], envs["server"])
    shown = {name: statistics.median(s.shown_s for s in runs) for name, runs in starts.items()}
    connected = {
        name: statistics.median(s.connected_s for s in runs if s.connected_s is not None)
        for name, runs in starts.items()
        if name != "bare"
    }
    bare = shown["bare"]
    runs = f"median of {rounds} starts each, interleaved; offscreen"
    point = (
        "measured to the first paint of the real main window (composer enabled and "
        "focused, status bar saying what is starting)"
    )
    profile_note = (
        f"`python -X importtime` of one --server start: {seconds(profile.before_paint_s)} of "
        f"imports before the first paint ({_listing(profile.by_package, 6)}; "
        f"`import PySide6.QtWidgets` alone: {seconds(profile.qt_widgets_s)}); after it, "
        f"until the socket is connected: {_listing(profile.after_paint, 5)}. Beyond the "
        "bare window, most of the time before the paint is PySide creating the Python "
        "classes and enums of the Qt types the window's modules name (the Qt namespace "
        "alone is about 15 ms), the configuration's dataclasses and argparse."
    )

    def row(name: str, what: str, more: str = "") -> Result:
        met = shown[name] <= TARGET_RATIO * bare
        return Result(
            id="B6",
            what=what,
            ours=seconds(shown[name]),
            baseline=f"bare PySide6 window: {seconds(bare)}",
            ratio=ratio(shown[name], bare),
            target=f"≤ {TARGET_RATIO:g} × bare",
            met=met,
            note=f"{runs}; {point}. Chat socket connected at {seconds(connected[name])}." + more,
        )

    rows = [
        row(
            "embedded",
            "process start to the main window painted, ready for typing, "
            "`python -m desktop_app` (embedded demo server)",
        ),
        row(
            "server",
            "process start to the main window painted, ready for typing, "
            "`--server` to a running server",
            f" {profile_note}",
        ),
    ]
    if "frozen" in shown:
        frozen = shown["frozen"]
        rows.append(
            Result(
                id="B6",
                what="process start to the main window painted, ready for typing, "
                "frozen bundle (embedded server)",
                ours=seconds(frozen),
                baseline=f"bare PySide6 window (not frozen): {seconds(bare)}",
                ratio=ratio(frozen, bare),
                target=f"≤ {seconds(FROZEN_TARGET_S)}",
                met=frozen <= FROZEN_TARGET_S,
                note=f"{runs}; {point}; the one-folder PyInstaller bundle built from this "
                f"checkout. Chat socket connected at {seconds(connected['frozen'])}.",
            )
        )
    else:
        rows.append(
            Result(
                id="B6",
                what="process start to the main window painted, ready for typing, frozen bundle",
                ours="not measured" + (" (--quick)" if quick else ": no bundle"),
                baseline=f"bare PySide6 window: {seconds(bare)}",
                ratio="–",
                target=f"≤ {seconds(FROZEN_TARGET_S)}",
                met=None,
                note="--quick skips building the bundle (about 20 s)."
                if quick
                else "`build_scripts/build.py --no-archive` failed: see its output.",
            )
        )
    return rows


if __name__ == "__main__":
    main(measure)
