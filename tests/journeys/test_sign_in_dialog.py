"""The sign-in dialog on a real X display: a wrong password makes it grow, not squash.

Offscreen Qt resizes a window to whatever its layout asks; an X server keeps the
size the window was mapped with, so the error line used to squeeze the Email and
Password fields to a few pixels. Only a real display shows it.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from desktop_app.demo.server import DEMO_EMAIL
from tests.journeys.journey import journey_on_xvfb
from tests.journeys.processes import STEP_S

#: The dialog's form rows need this much height at least (two line edits and the
#: error line, in DejaVu Sans at Qt's default size, with the layout's spacing).
ERROR_LINE_MIN_PX = 10


@pytest.mark.timeout(180)
def test_a_wrong_password_grows_the_dialog_for_its_error_line(tmp_path: Path) -> None:
    with journey_on_xvfb(tmp_path) as journey:
        hands = journey.hands
        journey.start_server()
        app = journey.start_app()
        app.wait_for("Sign-in requested")
        dialog = hands.window("Sign in")
        hands.focus(dialog)
        before = hands.geometry(dialog)
        hands.type(DEMO_EMAIL)
        hands.key("Tab")
        hands.type("not the password")
        hands.key("Return")
        app.wait_for("Sign-in refused: wrong email or password")
        deadline = time.monotonic() + STEP_S
        after = hands.geometry(dialog)
        while after.height < before.height + ERROR_LINE_MIN_PX and time.monotonic() < deadline:
            time.sleep(0.05)  # polling the window's size: each read is the check
            after = hands.geometry(dialog)
        assert after.height >= before.height + ERROR_LINE_MIN_PX, (
            f"the dialog stayed {before.height} px high ({after.height} px) with the error"
            " line: its fields were squeezed"
        )
        hands.key("Escape")
        hands.focus(hands.window("SDM Desktop"))  # no window manager gives it back
        hands.key("ctrl+q")
        assert app.exit_status(timeout=30) == 0
