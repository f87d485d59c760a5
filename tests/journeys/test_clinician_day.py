"""A clinician's day, driven through the real app process with keyboard and mouse.

The app runs on a real X display (Xvfb) against the demo server in its own
process, configured like production (no echoed message ids). The person signs
in, writes, loses the server (it crashes), writes on, quits, and comes back the
next morning: the app has kept no session (no password store), so it asks to
sign in again. What was written offline must reach the server under the
person's name, and only after they signed in: the server stores what arrives
on an anonymous socket under the name "Anonymous" (shared/PROTOCOL.md).
"""

from __future__ import annotations

import re
import time
from datetime import datetime
from pathlib import Path

import pytest

from desktop_app.core.frames import ChatMessage, Role
from desktop_app.demo.server import DEMO_DISPLAY_NAME, DEMO_PASSWORD
from tests.conftest import asyncio_trouble
from tests.journeys.journey import journey_on_xvfb, message_id

#: What the clinician types, in this order: the first while the server runs, the
#: other two while it is down. Patient information: it must never reach a log.
TEXTS = (
    "Mrs Example reports dizzy spells since Monday",
    "Blood pressure 150 over 95 this morning",
    "Allergic to penicillin, rash in 2019",
)
#: The least time given to the restarted app to send what it must not send yet.
NOT_SENT_WINDOW_S = 3.0
MAX_NOT_SENT_WINDOW_S = 20.0  # however slow day one was: a step, not a test's worth
_LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")


@pytest.mark.timeout(300)  # each step has its own deadline (STEP_S); they fail first
def test_sign_in_write_lose_the_server_quit_restart_sign_in(tmp_path: Path) -> None:
    with journey_on_xvfb(tmp_path) as journey:
        hands = journey.hands
        server = journey.start_server()

        # --- Day one: sign in, write, lose the server, write on, quit. ---
        app = journey.start_app()
        app.wait_for("Sign-in requested")  # no session kept: the app asks at once
        journey.answer_sign_in(app)
        opening = app.wait_for("Opening conversation ")  # a new one, created after sign-in
        conversation = opening.split("Opening conversation ")[1].strip()
        connected = app.wait_for("[ChatWS] Connected successfully")
        connect_s = _seconds_between(opening, connected)

        window = hands.window("SDM Desktop")
        hands.focus(window)
        frame = hands.geometry(window)
        # The message box spans the bottom of the centre pane, right of the 220 px
        # conversation list, left of the Send button, above the status bar.
        hands.click(frame.x + frame.width * 55 // 100, frame.y + frame.height - 80)
        hands.type(TEXTS[0])
        hands.key("Return")
        first = message_id(app.wait_for("Queued "))
        app.wait_for(f"Delivered {first}")
        # Read, and answered: the crash below comes at a quiet moment, every run alike.
        journey.history(conversation, until=lambda history: len(history) >= 2)

        server.kill()  # a crash: no closing handshake
        app.wait_for("[ChatWS] Connection closed")
        queued = []
        for text in TEXTS[1:]:
            hands.type(text)
            hands.key("Return")
            queued.append(message_id(app.wait_for("Queued ")))
        journey.quit(app)

        # --- The next morning: the server is back, and so is the app (same home). ---
        server = journey.start_server()
        app = journey.start_app()
        reopened = app.wait_for("Opening conversation ")
        assert reopened.split("Opening conversation ")[1].strip() == conversation
        app.wait_for("Sign-in requested")
        hands.window("Sign in")  # on screen: the event loop ran well past the start
        # Time is the subject: the person takes a few seconds before signing in, and the app
        # must send nothing meanwhile. The old app connected in the same call that logs
        # "Opening conversation" (before it asked to sign in), and its outbox sent once the
        # history had loaded: both messages were stored as "Anonymous" some tenths of a
        # second later. The pause is ten times that at least, longer where day one's first
        # connection was slow. Before the sign-in the app does nothing it could announce (no
        # socket, no request): there is no event to wait for instead.
        time.sleep(min(max(NOT_SENT_WINDOW_S, 100 * connect_s), MAX_NOT_SENT_WINDOW_S))
        before_sign_in = _sent(journey.history(conversation, until=lambda _history: True))
        assert _texts(before_sign_in) == list(TEXTS[:1]), "sent before the sign-in"
        assert server.matching("chat socket #") == [], "a chat socket opened before the sign-in"
        assert app.matching("Sent ") == [], "the outbox sent before the sign-in"

        journey.answer_sign_in(app)
        for queued_id in queued:
            app.wait_for(f"Delivered {queued_id}")
        sent = _sent(journey.history(conversation, until=lambda history: len(_sent(history)) >= 3))
        assert _texts(sent) == list(TEXTS), "not each message once, in the order typed"
        names = [message.name for message in sent]
        assert names == [DEMO_DISPLAY_NAME] * 3, f"stored as {names}, not as the signed-in user"

        hands.focus(hands.window("SDM Desktop"))  # no window manager gives it back
        journey.quit(app)

        server.stop()  # the whole of every log, for the checks below

        for run in journey.processes:
            assert "Traceback" not in run.log, f"{run.name} logged a traceback"
        for run in (process for process in journey.processes if process.name.startswith("app")):
            assert asyncio_trouble(run.log) == [], f"{run.name}: asyncio reported trouble"
            for number, text in enumerate(TEXTS, 1):
                assert text not in run.log, f"{run.name} logged message {number}: patient text"
            assert DEMO_PASSWORD not in run.log, f"{run.name} logged the password"


def _seconds_between(earlier: str, later: str) -> float:
    """The time between two log lines of one process, from their timestamps."""
    times = []
    for line in (earlier, later):
        match = _LOG_TIME.match(line)
        assert match is not None, f"no timestamp in {line!r}"
        times.append(datetime.strptime(match[1], "%Y-%m-%d %H:%M:%S,%f"))
    return (times[1] - times[0]).total_seconds()


def _sent(history: list[ChatMessage]) -> list[ChatMessage]:
    """The user messages (the others are the assistant's replies)."""
    return [message for message in history if message.role is Role.USER]


def _texts(messages: list[ChatMessage]) -> list[str]:
    return [message.content for message in messages]
