"""``build_scripts/screenshot.py`` takes a real X11 window's picture under Xvfb.

This is the only test with a real display server: it checks that the app runs on
Qt's xcb platform (the libraries it loads, a font) as on a user's desktop, and
that the docs' screenshot can be rebuilt. ``.ci/run`` installs what it needs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtGui import QColor, QImage

from desktop_app.core.contrast import LIGHT
from tests.x11 import require, xvfb

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "build_scripts" / "screenshot.py"
WIDTH, HEIGHT = 1024, 640  # not the script's default: --size is honoured
SCRIPT_TIMEOUT_S = 30


def test_the_screenshot_script_captures_the_window_after_a_reply(tmp_path: Path) -> None:
    output = tmp_path / "shot.png"
    with xvfb(require("Xvfb", "xvfb"), tmp_path / "xvfb.log") as display:
        env = {
            **os.environ,
            "DISPLAY": display,
            "QT_QPA_PLATFORM": "xcb",
            "HOME": str(tmp_path),  # nothing of the user's is touched
            "XDG_RUNTIME_DIR": str(tmp_path),
        }
        started = time.monotonic()
        result = subprocess.run(
            [
                *(sys.executable, str(SCRIPT), str(output)),
                *("--size", f"{WIDTH}x{HEIGHT}", "--timeout", str(SCRIPT_TIMEOUT_S)),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=SCRIPT_TIMEOUT_S + 15,
            check=False,
        )
        took = time.monotonic() - started
    log = f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.returncode == 0, (
        f"exit {result.returncode} (Qt's xcb libraries missing? .ci/run installs them)\n{log}"
    )
    assert "platform xcb" in result.stdout, log
    assert "Connected" in result.stdout, log
    assert "2 messages" in result.stdout, log
    assert "Traceback" not in result.stderr, log
    assert took < SCRIPT_TIMEOUT_S, f"took {took:.1f} s\n{log}"

    assert output.is_file(), log
    image = QImage(str(output))
    assert not image.isNull(), f"{output} is not a readable PNG"
    assert (image.width(), image.height()) == (WIDTH, HEIGHT)
    pixels = _pixels(image)
    assert len(set(pixels)) > 50, "the screenshot is (nearly) blank"
    # The status bar's "● Connected" is drawn in the connected colour (bottom rows).
    green = QColor(LIGHT.success).rgb() & 0xFFFFFF  # no desktop: its palette is light
    assert green in pixels[(HEIGHT - 30) * WIDTH :], "no connected-green in the status bar"


def _pixels(image: QImage) -> list[int]:
    """Every pixel as 0xRRGGBB, row by row."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB32)
    assert rgb.bytesPerLine() == 4 * rgb.width()
    return [p & 0xFFFFFF for p in memoryview(bytes(rgb.constBits())).cast("I")]
