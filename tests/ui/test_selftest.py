"""``--self-test``: the whole app on the embedded server, one line per step."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from desktop_app.selftest import self_test
from tests.conftest import app_environment
from tests.ui.conftest import LoopDriver


def test_the_self_test_passes_step_by_step(
    driver: LoopDriver, qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    out = io.StringIO()
    assert driver.run(self_test(qapp, out, step_timeout_s=30), timeout=60) == 0
    lines = out.getvalue().splitlines()
    assert lines[-1] == "Self-test passed"
    steps = "\n".join(lines)
    for step in (
        "Network information backend: ",
        "Password store: keyring.backends.null.Keyring (none available",
        "Window shown; embedded server at http://127.0.0.1:",
        "Chat and status sockets connected",
        "Message delivered; reply received (",
        "Sockets closed and server stopped cleanly",
    ):
        assert step in steps


def test_a_step_that_does_not_finish_fails_the_self_test_with_its_reason(
    monkeypatch: pytest.MonkeyPatch, driver: LoopDriver, qapp: QApplication
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    out = io.StringIO()
    # Nothing can connect and answer within a millisecond.
    assert driver.run(self_test(qapp, out, step_timeout_s=0.001), timeout=60) == 1
    last = out.getvalue().splitlines()[-1]
    assert last.startswith("Self-test failed: ")
    assert "not done within" in last or "did not open" in last


def test_the_self_test_leaves_the_users_files_alone(tmp_path: Path) -> None:
    env = app_environment(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "desktop_app", "--self-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == "Self-test passed"
    assert "Traceback" not in done.stderr
    # No settings, outbox or demo data were written for the user.
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").rglob("*.sqlite*"))
    assert not (tmp_path / "config").exists() or not any((tmp_path / "config").rglob("*"))
