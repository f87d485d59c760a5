"""A day with the keyboard alone: the real app process on a real X display, no mouse.

The person signs in, writes and reads the reply, loses the server and reconnects
with Ctrl+R, asks for the summary and saves it with Alt+D and a typed file name,
starts a second conversation (Ctrl+N) and goes back to the first from the
conversation list (Ctrl+1, arrows, Enter), then writes there (Ctrl+3). Every step
is a key press or typed text: the hands used here cannot move or click the mouse.

There is no window manager on the display: when a dialog closes nothing gives the
window the focus back, so the app must (the focus returns to the message box). The
journey gives the focus to a window only where a window manager would on its own:
to a dialog that has just opened. The results are read from outside: the server's
history, the saved file, the app's ``--verbose`` log.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from desktop_app.core.frames import Role
from desktop_app.demo.server import DEMO_EMAIL, DEMO_PASSWORD
from tests.conftest import asyncio_trouble
from tests.journeys.journey import journey_on_xvfb, message_id
from tests.journeys.processes import STEP_S
from tests.x11 import Xdotool

#: Typed by the person, in this order. Patient information: it must never reach a log.
FIRST = "Mr Sample has had a cough for two weeks"
#: The word "summary" makes the demo assistant write the summary PDF.
ASKED = "Please write my summary"
THANKS = "Saved it, thank you"
AGAIN = "Back in the first conversation after the second"
#: So long that only Ctrl+R reconnects within the journey: the app's own retry waits this.
RECONNECT_DELAY_S = 600


class Keyboard(Xdotool):
    """xdotool without a mouse: any pointer command fails the test; every command is kept."""

    def __init__(self, hands: Xdotool) -> None:
        self.__dict__.update(hands.__dict__)
        self.commands: list[tuple[str, ...]] = []

    def _run(self, *args: str) -> str:
        assert not {"mousemove", "click", "mousedown", "mouseup"} & set(args), (
            f"a mouse command in a keyboard-only journey: {args}"
        )
        self.commands.append(args)
        return super()._run(*args)

    def click(self, x: int, y: int) -> None:
        raise AssertionError("a click in a keyboard-only journey")

    def right_click(self, x: int, y: int) -> None:
        raise AssertionError("a click in a keyboard-only journey")


@pytest.mark.timeout(400)  # each step has its own deadline (STEP_S); they fail first
def test_sign_in_write_reconnect_save_the_summary_and_switch_conversations_by_keyboard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SDM_CONNECTION_RECONNECT_DELAY_S", str(RECONNECT_DELAY_S))
    monkeypatch.setenv("SDM_CONNECTION_MAX_RECONNECT_DELAY_S", str(RECONNECT_DELAY_S))
    monkeypatch.setenv("SDM_CONNECTION_JITTER", "false")
    saved = tmp_path / "saved summary.pdf"
    with journey_on_xvfb(tmp_path) as journey:
        keys = journey.hands = Keyboard(journey.hands)
        server = journey.start_server()

        # --- Sign in: the dialog opens at start (no session kept). ---
        app = journey.start_app()
        app.wait_for("Sign-in requested")
        keys.focus(keys.window("Sign in"))  # a window manager focuses a new dialog
        keys.type(DEMO_EMAIL)
        keys.key("Tab")
        keys.type(DEMO_PASSWORD)
        keys.key("Return")
        app.wait_for("Signed in")
        opening = app.wait_for("Opening conversation ")
        first = opening.split("Opening conversation ")[1].strip()
        app.wait_for("[ChatWS] Connected successfully")

        # --- Write: the message box has the focus again, nobody gave it back. ---
        keys.type(FIRST)
        keys.key("Return")
        app.wait_for(f"Delivered {message_id(app.wait_for('Queued '))}")
        history = journey.history(first, until=lambda h: len(h) >= 2)
        assert [m.role for m in history] == [Role.USER, Role.BOT]
        assert history[0].content == FIRST

        # --- Reconnect: the server goes and comes back; Ctrl+R, not the 10-minute wait. ---
        server.kill()
        app.wait_for("[ChatWS] Connection closed")
        server = journey.start_server()
        keys.key("ctrl+r")
        app.wait_for("Reconnect requested")
        app.wait_for("[ChatWS] Connected successfully")
        app.wait_for("[StatusWS] Connected successfully")

        # --- The summary: asked for, then Alt+D and a typed file name. ---
        keys.type(ASKED)
        keys.key("Return")
        app.wait_for(f"Delivered {message_id(app.wait_for('Queued '))}")
        server.wait_for(f"conversation {first}: summary PDF ready")
        # summary_complete follows that line and the app logs nothing when it arrives:
        # until it has, Alt+D finds no button. Pressed again until the dialog shows.
        _press_until_shown(keys, "alt+d", "Save summary")
        keys.focus(keys.window("Save summary"))
        keys.key("ctrl+a")  # the suggested name is selected text in the name field
        keys.type(str(saved))
        keys.key("Return")
        keys.focus(keys.window("Summary saved"))
        keys.key("Escape")  # Close: not opened
        assert saved.read_bytes().startswith(b"%PDF"), "the saved file is not a PDF"
        keys.type(THANKS)  # the message box has the focus again
        keys.key("Return")
        app.wait_for(f"Delivered {message_id(app.wait_for('Queued '))}")

        # --- Help → Keyboard shortcuts (F1), closed with Escape. ---
        keys.key("F1")
        keys.focus(keys.window("Keyboard shortcuts"))
        keys.key("Escape")
        _wait_gone(keys, "Keyboard shortcuts")

        # --- A second conversation, then back to the first from the list. ---
        keys.key("ctrl+n")
        second = app.wait_for("Opening conversation ").split("Opening conversation ")[1].strip()
        assert second != first
        app.wait_for("[ChatWS] Connected successfully")
        keys.key("ctrl+1")  # the list: most recently used first, the second one current
        keys.key("Down", "Return")
        again = app.wait_for("Opening conversation ").split("Opening conversation ")[1].strip()
        assert again == first, "Down and Enter in the list did not open the first conversation"
        app.wait_for("[ChatWS] Connected successfully")
        app.wait_for(f"History of {first}")
        keys.key("ctrl+3")  # back to the message box
        keys.type(AGAIN)
        keys.key("Return")
        app.wait_for(f"Delivered {message_id(app.wait_for('Queued '))}")
        sent = journey.history(first, until=lambda h: AGAIN in [m.content for m in h])
        assert [m.content for m in sent if m.role is Role.USER] == [FIRST, ASKED, THANKS, AGAIN]
        second_history = journey.history(second, until=lambda _h: True)
        assert second_history == [], "a message went to the second conversation"

        journey.quit(app)  # Ctrl+Q
        server.stop()  # the whole of its log, for the checks below

        assert keys.commands, "no key was pressed"
        for run in journey.processes:
            assert "Traceback" not in run.log, f"{run.name} logged a traceback"
        assert asyncio_trouble(app.log) == [], "asyncio reported trouble"
        for text in (FIRST, ASKED, THANKS, AGAIN, DEMO_PASSWORD):
            assert text not in app.log, f"the app logged {text!r}"


def _press_until_shown(keys: Xdotool, key: str, title: str, *, every_s: float = 1.0) -> None:
    """Press ``key`` until a window titled ``title`` is on the screen; fails after a
    step's time."""
    deadline = time.monotonic() + STEP_S
    while True:
        keys.key(key)
        again = min(time.monotonic() + every_s, deadline)
        while time.monotonic() < again:
            if keys.visible(title):
                return
            time.sleep(0.05)  # polling the display: each search is the check
        assert time.monotonic() < deadline, f"{key} showed no window titled {title!r}"


def _wait_gone(keys: Xdotool, title: str) -> None:
    deadline = time.monotonic() + STEP_S
    while keys.visible(title):
        assert time.monotonic() < deadline, f"the window {title!r} stayed open"
        time.sleep(0.05)  # polling the display: each search is the check
