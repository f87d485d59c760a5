"""``sdm-desktop-kiosk-session``, the kiosk unit's ExecStart, without building a package.

xinit exits 0 whatever its client did, so the unit could not tell the PIN exit
from a crash. The script runs the app as xinit's client and exits with the
APP's status, which the unit's ``Restart=on-failure`` and
``RestartPreventExitStatus=2`` then act on. Here it runs from
``build_scripts/linux`` with the real xinit and Xvfb as the X server, and small
shell scripts as the app, then the real app from its sources.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.x11 import SOCKETS, require

ROOT = Path(__file__).resolve().parents[2]
SESSION = ROOT / "build_scripts" / "linux" / "sdm-desktop-kiosk-session"
TIMEOUT_S = 60

pytestmark = [
    pytest.mark.timeout(4 * TIMEOUT_S),
    pytest.mark.skipif(sys.platform != "linux", reason="the kiosk session is for Linux"),
]


def free_display() -> int:
    """A display number with neither a socket nor a lock file (Xvfb refuses a used one)."""
    for number in range(150, 250):
        if not (SOCKETS / f"X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            return number
    raise AssertionError("no free X display number in :150-:249")


def fake_app(folder: Path, body: str) -> Path:
    app = folder / "app"
    app.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    app.chmod(0o755)
    return app


def clean_env(tmp_path: Path) -> dict[str, str]:
    """No SDM_ setting, no display, and no folder of the person running the tests."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SDM_", "XDG_", "QT_")) and key not in ("DISPLAY", "XAUTHORITY")
    }
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    runtime.chmod(0o700)
    env |= {
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_RUNTIME_DIR": str(runtime),
        "SDM_SYSTEM_CONFIG": str(tmp_path / "no-such-system-config.toml"),
        "TMPDIR": str(tmp_path),
    }
    for key in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        Path(env[key]).mkdir(exist_ok=True)
    return env


def run_session(app: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """The script with ``app`` as SDM_KIOSK_APP, on a fresh Xvfb."""
    require("xinit", "xinit")
    xvfb = require("Xvfb", "xvfb")
    env = clean_env(tmp_path) | {"SDM_KIOSK_APP": str(app)}
    display = free_display()
    try:
        result = subprocess.run(
            [str(SESSION), "--", xvfb, f":{display}", "-nolisten", "tcp"],
            capture_output=True,
            text=True,
            env=env,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise AssertionError(f"the session did not end within {TIMEOUT_S} s: {error}") from None
    # The private folder of the app's status is gone, whatever the status.
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("sdm-desktop-kiosk")] == []
    return result


def report(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\n{result.stdout}\n{result.stderr[-3000:]}"


def test_an_app_that_exits_0_ends_the_session_with_0(tmp_path: Path) -> None:
    # The PIN exit or SIGTERM: the unit stays stopped.
    marker = tmp_path / "ran"
    # Run with --kiosk on the X display, without SDM_KIOSK_APP (an unknown SDM_ variable
    # the real app would refuse).
    checks = '[ "$1" = --kiosk ] && [ -n "$DISPLAY" ] && [ -z "${SDM_KIOSK_APP+set}" ]'
    app = fake_app(tmp_path, f'{checks} && : > "{marker}"\nexit 0')

    result = run_session(app, tmp_path)

    assert result.returncode == 0, report(result)
    assert marker.exists(), (
        "the app did not run with --kiosk on the X display, or saw SDM_KIOSK_APP"
    )
    assert "exited with status 0" in result.stderr


def test_an_app_that_refuses_its_settings_ends_the_session_with_2(tmp_path: Path) -> None:
    # RestartPreventExitStatus=2: a setting the app refuses is not restarted in a loop.
    result = run_session(fake_app(tmp_path, "exit 2"), tmp_path)

    assert result.returncode == 2, report(result)


def test_an_app_killed_by_sigkill_ends_the_session_with_a_failure(tmp_path: Path) -> None:
    # xinit alone would exit 0 here, and the unit would not restart the kiosk.
    result = run_session(fake_app(tmp_path, 'kill -KILL "$$"'), tmp_path)

    assert result.returncode not in (0, 2), report(result)
    assert result.returncode == 128 + signal.SIGKILL, report(result)


def test_the_real_app_without_a_pin_hash_ends_the_session_with_2(tmp_path: Path) -> None:
    # The app from its sources, in kiosk mode, with no kiosk_admin_pin_hash anywhere.
    app = fake_app(tmp_path, f'cd "{ROOT}" && exec "{sys.executable}" -m desktop_app "$@"')

    result = run_session(app, tmp_path)

    assert result.returncode == 2, report(result)
    assert "kiosk_admin_pin_hash" in result.stderr, report(result)
