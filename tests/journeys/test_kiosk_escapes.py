"""A visitor tries every way out of a locked-down kiosk, on a real X display.

The kiosk (``python -m desktop_app --kiosk``, no window manager) runs with a
fake ``xdg-open`` (and ``$BROWSER``) first on its PATH that writes down every
call: a link that reached the system browser would leave a trace. The visitor
clicks a citation link in a reply, presses the summary's Alt+D, right-clicks
the transcript and the message box, presses the Menu key and Alt+F4, then the
exit keys followed by Escape, then the exit keys and a wrong PIN: the kiosk is
still there after each. The administrator's right PIN ends it (status 0).
Nothing ever called the fake browser.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from desktop_app.core.frames import Role
from tests.journeys.journey import QUIT_S, Journey, journey_on_xvfb, message_id
from tests.journeys.processes import STEP_S, LoggedProcess
from tests.kiosk_pin import PIN_ARGS, TEST_PIN
from tests.x11 import require

ASKED = "Please write my summary"  # "summary": the demo assistant writes one too
EXIT_KEYS = "ctrl+alt+shift+q"  # the default kiosk_exit_keys, as xdotool names it
PIN_DIALOG = "Leave kiosk mode"
#: Every program Qt (or a library) could start to open a link or a file.
BROWSERS = ("xdg-open", "x-www-browser", "sensible-browser", "gio", "kde-open", "gnome-open")
LINK_SHOWN = "link was shown in the app, not opened"


def fake_browsers(folder: Path, record: Path) -> dict[str, str]:
    """Scripts named like the system's browsers that write their arguments to ``record``;
    the environment that puts them first on PATH."""
    folder.mkdir()
    for name in BROWSERS:
        script = folder / name
        script.write_text(f'#!/bin/sh\necho "{name} $*" >> "{record}"\n', encoding="utf-8")
        script.chmod(0o755)
    return {
        "PATH": f"{folder}{os.pathsep}{os.environ.get('PATH', '')}",
        "BROWSER": str(folder / "xdg-open"),
    }


def visible_windows(journey: Journey, app: LoggedProcess) -> list[str]:
    """The app's windows on the screen now (popup menus included: Qt names its pid on each)."""
    found = subprocess.run(
        [require("xdotool", "xdotool"), "search", "--onlyvisible", "--pid", str(app.process.pid)],
        env={**os.environ, "DISPLAY": journey.display},
        capture_output=True,
        text=True,
        timeout=STEP_S,
        check=False,
    )
    return found.stdout.split()


def click_a_link(journey: Journey, window: str) -> None:
    """Click down the left part of the transcript until a link answers (the panel shows):
    where the reply's "Sources" and "Decision aids" lines are depends on fonts."""
    hands = journey.hands
    frame = hands.geometry(window)
    x = frame.x + min(250, frame.width // 3)  # left of the Start over and Send buttons
    deadline = time.monotonic() + STEP_S
    while time.monotonic() < deadline:
        for y in range(frame.y + frame.height - 90, frame.y + frame.height // 8, -6):
            hands.click(x, y)
            time.sleep(0.03)
            if hands.visible("Link"):
                return
    raise AssertionError("no link answered a click in the transcript")


@pytest.mark.timeout(300)  # each step has its own deadline (STEP_S); they fail first
def test_every_escape_from_a_locked_down_kiosk_is_closed(tmp_path: Path) -> None:
    record = tmp_path / "browser-calls.txt"
    browsers = fake_browsers(tmp_path / "bin", record)
    # The fakes work where the app looks for them: a call would be seen.
    probe = subprocess.run(["xdg-open", "probe"], env={**os.environ, **browsers}, check=False)
    assert probe.returncode == 0
    assert record.read_text(encoding="utf-8") == "xdg-open probe\n"
    record.unlink()

    with journey_on_xvfb(tmp_path) as journey:
        hands = journey.hands
        journey.start_server()
        app = journey.start_app("--kiosk", *PIN_ARGS, env=browsers)
        app.wait_for("Sign-in requested")
        journey.answer_sign_in(app)
        opening = app.wait_for("Opening conversation ")
        conversation = opening.split("Opening conversation ")[1].strip()
        app.wait_for("[ChatWS] Connected successfully")

        window = hands.window("SDM Desktop")
        hands.focus(window)
        hands.type(ASKED)  # the message box has the focus from the start
        hands.key("Return")
        app.wait_for(f"Delivered {message_id(app.wait_for('Queued '))}")
        journey.history(conversation, until=lambda h: any(m.role is Role.BOT for m in h))

        # --- A citation or decision-aid link: shown in the app, as text. ---
        click_a_link(journey, window)
        app.wait_for(LINK_SHOWN)
        panel = hands.window("Link")
        hands.focus(panel)
        hands.key("Escape")
        deadline = time.monotonic() + STEP_S
        while hands.visible("Link"):
            assert time.monotonic() < deadline, "the link panel did not close"
            time.sleep(0.05)

        # --- Menus, the summary's file dialog, Alt+F4. ---
        hands.focus(window)
        shown = visible_windows(journey, app)
        frame = hands.geometry(window)
        hands.right_click(frame.x + frame.width // 3, frame.y + frame.height // 3)  # transcript
        hands.right_click(frame.x + frame.width // 2, frame.y + frame.height - 60)  # message box
        hands.key("Menu", "shift+F10", "alt+d", "ctrl+s", "ctrl+o", "F1", "alt+F4")

        # --- The exit keys, then Escape. Its dialog also proves the keys above were
        # handled: X delivers them in order. ---
        hands.focus(window)
        hands.key(EXIT_KEYS)
        dialog = hands.window(PIN_DIALOG)
        assert len(visible_windows(journey, app)) == len(shown) + 1  # the dialog, no menu
        assert not hands.visible("Save summary")
        assert app.process.poll() is None
        hands.focus(dialog)
        hands.key("Escape")
        deadline = time.monotonic() + STEP_S
        while hands.visible(PIN_DIALOG):
            assert time.monotonic() < deadline, "Escape did not close the PIN dialog"
            time.sleep(0.05)
        assert sorted(visible_windows(journey, app)) == sorted(shown)
        assert app.process.poll() is None

        # --- A wrong PIN: said, and the kiosk stays. ---
        hands.focus(window)
        hands.key(EXIT_KEYS)
        dialog = hands.window(PIN_DIALOG)
        hands.focus(dialog)
        hands.type("24242424")
        hands.key("Return")
        app.wait_for("Exit PIN refused")
        assert hands.visible(PIN_DIALOG)
        assert app.process.poll() is None

        # --- The right PIN: the kiosk ends, successfully. ---
        hands.type(TEST_PIN)
        hands.key("Return")
        app.wait_for("Exit PIN accepted")
        assert app.exit_status(timeout=QUIT_S) == 0
        log = app.log
        assert TEST_PIN not in log
        assert "24242424" not in log

    assert not record.exists(), record.read_text(encoding="utf-8")
