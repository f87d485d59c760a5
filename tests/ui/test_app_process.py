"""``python -m desktop_app`` as a user starts it: a real process, stopped like from a terminal."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import app_environment
from tests.kiosk_pin import PIN_ARGS


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_the_app_starts_and_quits_cleanly_on_a_signal(tmp_path: Path, stop: signal.Signals) -> None:
    env = app_environment(tmp_path)  # fresh settings and demo data
    process = subprocess.Popen(
        [sys.executable, "-m", "desktop_app", "--verbose"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    lines = []
    deadline = time.monotonic() + 60
    try:
        for line in process.stderr:
            lines.append(line)
            if "[StatusWS] Connected successfully" in line or time.monotonic() > deadline:
                break
        assert any("[ChatWS] Connected successfully" in line for line in lines), "".join(lines)
        process.send_signal(stop)
        _, rest = process.communicate(timeout=30)
    finally:
        process.kill()
    log = "".join(lines) + rest
    assert process.returncode == 0, log
    for trouble in ("Traceback", "Task was destroyed", "never awaited", "QObject", "Unclosed"):
        assert trouble not in log
    assert "[ChatWS] Connection closed: 1000 ('client disconnect')" in log
    assert "stopped (" in log  # the embedded server


class AppProcess:
    """``python -m desktop_app`` with its own home; its log (stderr) read line by line."""

    def __init__(self, home: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "desktop_app", *args],
            env=app_environment(home),
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []

    def wait_for(self, fragment: str, timeout: float = 60) -> str:
        """The first log line containing ``fragment``; fails after ``timeout`` s or at exit."""
        assert self.process.stderr is not None
        deadline = time.monotonic() + timeout
        for line in self.process.stderr:
            self.lines.append(line)
            if fragment in line:
                return line
            assert time.monotonic() < deadline, f"no {fragment!r} in:\n{''.join(self.lines)}"
        raise AssertionError(f"exited before {fragment!r}:\n{''.join(self.lines)}")

    def finish(self, timeout: float = 30) -> str:
        """Wait for the exit (closing the pipe); the whole log."""
        _, rest = self.process.communicate(timeout=timeout)
        self.lines.append(rest)
        return "".join(self.lines)

    def __enter__(self) -> AppProcess:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.process.kill()
        self.process.communicate(timeout=30)


def test_a_killed_kiosk_comes_back_to_the_same_conversation(tmp_path: Path) -> None:
    with AppProcess(tmp_path, "--kiosk", "--verbose", *PIN_ARGS) as first:
        opened = first.wait_for("Opening conversation ").split("Opening conversation ")[1]
        first.wait_for("[ChatWS] Connected successfully")

        # A second instance would send the same outbox: it refuses to start, in one line.
        second = subprocess.run(
            [sys.executable, "-m", "desktop_app"],
            env=app_environment(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 2
        assert second.stderr.count("\n") == 1
        assert "already running" in second.stderr

        first.process.kill()  # no clean-up at all: the lock file stays behind
    assert (tmp_path / "data" / "SDM" / "SDM Desktop" / "instance.lock").exists()

    with AppProcess(tmp_path, "--kiosk", "--verbose", *PIN_ARGS) as again:
        assert again.wait_for("Opening conversation ").split("Opening conversation ")[1] == opened
        again.wait_for("[ChatWS] Connected successfully")
        again.process.send_signal(signal.SIGTERM)  # the service manager may stop a kiosk
        log = again.finish()
    assert again.process.returncode == 0, log
    assert "Traceback" not in log


def test_the_window_is_painted_before_the_embedded_server_starts(tmp_path: Path) -> None:
    with AppProcess(tmp_path, "--verbose") as app:
        app.wait_for("[ChatWS] Connected successfully")
        app.process.send_signal(signal.SIGTERM)
        log = app.finish()
    assert app.process.returncode == 0, log

    def first(fragment: str) -> int:
        return next(i for i, line in enumerate(app.lines) if fragment in line)

    painted = first("Main window shown")
    assert painted < first("demo server listening on") < first("[ChatWS] Connected successfully")


def test_a_demo_server_that_cannot_start_is_said_in_the_window_then_in_one_line(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data" / "SDM" / "SDM Desktop" / "demo-server.sqlite"
    data.mkdir(parents=True)  # SQLite cannot open a folder
    with AppProcess(tmp_path, "--verbose") as app:
        app.wait_for("Main window shown")
        app.wait_for("Start-up failed: LocalFileError")
        # The window stays, saying why, until the person closes it: the app still runs.
        second = subprocess.run(
            [sys.executable, "-m", "desktop_app"],
            env=app_environment(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert "already running" in second.stderr
        app.process.send_signal(signal.SIGTERM)  # closes the window as the person would
        log = app.finish()
    assert app.process.returncode == 2, log
    last = log.splitlines()[-1]
    assert last.startswith(f"sdm-desktop: error: cannot use the demo data file {data} (")
    assert last.endswith("to start without the demo conversations")
    assert "Traceback" not in log
