"""The kiosk fills a bare X screen: ``python -m desktop_app --kiosk --demo`` on an Xvfb
of 1366×768 with no window manager, where ``showFullScreen`` alone leaves the window at
its normal size in a corner.

xdotool reads the window's place as the X server has it; a picture of the whole
screen, taken by another process, shows the clinic's name painted at the top left.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtGui import QColor, QImage

from tests.conftest import app_environment
from tests.kiosk_pin import PIN_ARGS
from tests.x11 import Geometry, Xdotool, require, xvfb

ROOT = Path(__file__).resolve().parents[2]
WIDTH, HEIGHT = 1366, 768
CLINIC = "Praxis Nord"
DEADLINE_S = 60.0
#: Grabs the whole screen of $DISPLAY into the PNG file named by argv[1].
GRAB = """
import sys
from PySide6.QtGui import QGuiApplication
app = QGuiApplication([])
assert app.primaryScreen().grabWindow(0).save(sys.argv[1])
"""


def test_the_kiosk_fills_a_screen_without_a_window_manager(tmp_path: Path) -> None:
    with xvfb(require("Xvfb", "xvfb"), tmp_path / "xvfb.log", size=f"{WIDTH}x{HEIGHT}") as display:
        env = {
            **app_environment(tmp_path / "home"),
            "DISPLAY": display,
            "QT_QPA_PLATFORM": "xcb",
            "XDG_RUNTIME_DIR": str(tmp_path),
        }
        xdotool = Xdotool(require("xdotool", "xdotool"), display)
        log_path = tmp_path / "kiosk.log"
        with log_path.open("wb") as log:
            kiosk = subprocess.Popen(
                [
                    *(sys.executable, "-m", "desktop_app", "--kiosk", "--demo", "--verbose"),
                    *PIN_ARGS,
                    *("--set", f"kiosk_clinic_name={CLINIC}"),
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )
        try:
            window = xdotool.window("SDM Desktop")
            full = Geometry(0, 0, WIDTH, HEIGHT)
            deadline = time.monotonic() + DEADLINE_S
            while xdotool.geometry(window) != full and time.monotonic() < deadline:
                time.sleep(0.1)  # the kiosk fills the screen after its first show
            assert xdotool.geometry(window) == full, _text(log_path)
            # Raised and given the keyboard: what a window manager would have done.
            focus = subprocess.run(
                [require("xdotool", "xdotool"), "getwindowfocus"],
                env=env,
                capture_output=True,
                text=True,
                timeout=DEADLINE_S,
                check=True,
            ).stdout.strip()
            assert focus == window, f"focus on {focus}, the kiosk is {window}"

            while "Main window shown" not in _text(log_path) and time.monotonic() < deadline:
                time.sleep(0.1)  # the first paint is logged (--verbose)
            shot = tmp_path / "screen.png"
            subprocess.run(
                [sys.executable, "-c", GRAB, str(shot)],
                env={**env, "HOME": str(tmp_path / "grab")},
                check=True,
                timeout=DEADLINE_S,
                cwd=ROOT,
            )
        finally:
            if kiosk.poll() is None:
                kiosk.send_signal(signal.SIGTERM)
            kiosk.wait(timeout=DEADLINE_S)
    text = _text(log_path)
    assert kiosk.returncode == 0, text
    assert "Traceback" not in text, text

    image = QImage(str(shot)).convertToFormat(QImage.Format.Format_RGB32)
    assert (image.width(), image.height()) == (WIDTH, HEIGHT)
    # The heading: dark text in the top left, where a desktop window has no text at all.
    heading = [QColor(image.pixel(x, y)).lightness() for x in range(400) for y in range(80)]
    assert sum(lightness < 80 for lightness in heading) > 200, "no heading painted"
    # The rest of the screen is painted too: no black band of an unfilled root window.
    bottom_right = [
        QColor(image.pixel(x, HEIGHT - 4)).lightness() for x in range(WIDTH - 300, WIDTH)
    ]
    assert min(bottom_right) > 100, "the bottom right corner is not the kiosk's"


def _text(path: Path) -> str:
    return path.read_text(errors="replace") if os.path.exists(path) else ""
