"""A real X display for tests: an Xvfb server, and a person's keyboard and mouse on it.

Used by the journeys (``tests/journeys``) and the screenshot test. There is no
window manager: nothing gives a window
the keyboard focus when it appears or when a dialog above it closes, so a
journey does that itself with :meth:`Xdotool.focus`, as a window manager would.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SOCKETS = Path("/tmp/.X11-unix")
XVFB_START_S = 10.0
#: One xdotool call, ``search --sync`` included (it waits for the window to appear).
XDOTOOL_TIMEOUT_S = 60.0
#: Between two typed keys: a person's pace, and no burst for a busy machine to drop.
TYPING_DELAY_MS = 15


def require(program: str, package: str) -> str:
    """The path of ``program``; a missing one fails the test on CI (which installs
    ``package``, see ``.ci/run``) and skips it elsewhere."""
    path = shutil.which(program)
    if path is not None:
        return path
    reason = f"{program} is not installed (Debian package {package}; .ci/run installs it)"
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def _free_display() -> int:
    """A display number with neither a socket nor a lock file (Xvfb refuses a used one)."""
    for number in range(90, 200):
        if not (SOCKETS / f"X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            return number
    raise AssertionError("no free X display number in :90-:199")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop ``process`` like a terminal would (SIGTERM), by force if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def xvfb(binary: str, log: Path, *, size: str = "1280x800") -> Iterator[str]:
    """Run an Xvfb server of ``size`` pixels (its output in ``log``); yield its ``DISPLAY``
    value."""
    with log.open("wb") as output:
        for _attempt in range(3):  # another process may take the same number meanwhile
            number = _free_display()
            process = subprocess.Popen(
                [binary, f":{number}", "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
                stdout=output,
                stderr=subprocess.STDOUT,
            )
            socket = SOCKETS / f"X{number}"
            deadline = time.monotonic() + XVFB_START_S
            while not socket.exists() and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)  # polling for Xvfb's socket with a deadline: each look is the wait
            if socket.exists() and process.poll() is None:
                break
            _stop(process)
        else:
            raise AssertionError(f"Xvfb did not start:\n{log.read_text(errors='replace')}")
        try:
            yield f":{number}"
        finally:
            _stop(process)


@dataclass(frozen=True)
class Geometry:
    """A window's place on the screen, in pixels."""

    x: int
    y: int
    width: int
    height: int


class Xdotool:
    """Keyboard and mouse on ``display``, through xdotool: real X input events, which
    the app receives like a person's (not synthetic events sent to one window)."""

    def __init__(self, binary: str, display: str) -> None:
        self._binary = binary
        self._env = {**os.environ, "DISPLAY": display}

    def _run(self, *args: str) -> str:
        command = shlex.join(["xdotool", *args])
        try:
            result = subprocess.run(
                [self._binary, *args],
                env=self._env,
                capture_output=True,
                text=True,
                timeout=XDOTOOL_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise AssertionError(f"{command}: no result within {XDOTOOL_TIMEOUT_S} s") from None
        assert result.returncode == 0, f"{command}: exit {result.returncode}\n{result.stderr}"
        return result.stdout

    def window(self, title: str) -> str:
        """The id of the one visible window whose title is ``title``, once it is shown."""
        pattern = f"^{title}$"
        deadline = time.monotonic() + XDOTOOL_TIMEOUT_S
        while True:
            try:
                found = self._run("search", "--sync", "--onlyvisible", "--name", pattern).split()
                break
            except AssertionError as exc:
                # xdotool lists the windows, then asks for each one's attributes: a window
                # closed in between (a dialog going as the next one comes) aborts the whole
                # search with BadWindow. That is X's race, not the app's: search again.
                if "BadWindow" not in str(exc) or time.monotonic() > deadline:
                    raise
        assert len(found) == 1, f"{len(found)} visible windows titled {title!r}: {found}"
        return found[0]

    def visible(self, title: str) -> bool:
        """Whether a window titled ``title`` is on the screen now (no waiting for one)."""
        found = subprocess.run(
            [self._binary, "search", "--onlyvisible", "--name", f"^{title}$"],
            env=self._env,
            capture_output=True,
            text=True,
            timeout=XDOTOOL_TIMEOUT_S,
            check=False,
        )
        return found.stdout.split() != []

    def focus(self, window: str) -> None:
        """Give ``window`` the keyboard focus (what a window manager does on a click)."""
        self._run("windowfocus", "--sync", window)

    def geometry(self, window: str) -> Geometry:
        values = dict(
            line.split("=", 1) for line in self._run("getwindowgeometry", "--shell", window).split()
        )
        return Geometry(
            int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])
        )

    def click(self, x: int, y: int) -> None:
        """Move the pointer to (``x``, ``y``) on the screen and click the left button."""
        # No ``--sync``: it waits forever when the pointer is already there. The X server
        # handles the motion and the click in the order they are sent anyway.
        self._run("mousemove", str(x), str(y), "click", "1")

    def right_click(self, x: int, y: int) -> None:
        """Move the pointer to (``x``, ``y``) and click the right button (a context menu)."""
        self._run("mousemove", str(x), str(y), "click", "3")

    def type(self, text: str) -> None:
        self._run("type", "--delay", str(TYPING_DELAY_MS), "--", text)

    def key(self, *keys: str) -> None:
        """Press and release each of ``keys`` (xdotool names: ``Return``, ``ctrl+q``)."""
        self._run("key", "--delay", str(TYPING_DELAY_MS), *keys)
