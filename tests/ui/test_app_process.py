"""``python -m desktop_app`` as a user starts it: a real process, stopped like from a terminal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_the_app_starts_and_quits_cleanly_on_a_signal(tmp_path: Path, stop: signal.Signals) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path),  # fresh settings and demo data
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
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
    assert "[ChatWS] Connection closed: 1000 (client disconnect)" in log
    assert "stopped (" in log  # the embedded server
