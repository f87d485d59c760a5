"""The summary's Save dialog on a real X display: open while frames arrive, then SIGTERM.

The person asks for a summary, presses Alt+D and leaves the "Save summary" dialog
open. Meanwhile another screen writes into the conversation, the assistant answers
and the keepalive pings on both sockets: the sockets must keep working under the
dialog. Then the service manager stops the app (SIGTERM) with the dialog still
open; it must end by itself, successfully, and start again for the same user.

The old app asked for the file name with a nested event loop inside a task: every
task that woke meanwhile died ("Cannot enter into task"), SIGTERM went unheard, and
the hidden process kept the single-instance lock, so the next start was refused.
"""

from __future__ import annotations

import json
import re
import signal
import time
from pathlib import Path

import pytest
from websockets.sync.client import connect
from websockets.typing import Origin

from desktop_app.demo.server import DEMO_PASSWORD
from tests.conftest import asyncio_trouble
from tests.journeys.journey import journey_on_xvfb, message_id
from tests.journeys.processes import STEP_S, LoggedProcess
from tests.x11 import Xdotool

#: Typed by the person: the word "summary" makes the demo assistant write the PDF.
ASKED = "Please write my summary"
#: Written on the other screen while the dialog is open.
OTHER = "Written on the patient's screen"
#: A keepalive round: a ping after this much silence, the pong due this long after it.
#: Set through the environment (SDM_*), a configuration layer like ``--set``.
PING_INTERVAL_S = 0.5
PONG_TIMEOUT_S = 2.0
#: The dialog stays open this long at least: two whole keepalive rounds, in which a
#: socket that no longer reads its frames is declared dead and closed.
DIALOG_OPEN_S = 2 * (PING_INTERVAL_S + PONG_TIMEOUT_S)
#: A service manager waits this long after SIGTERM before it kills.
SIGTERM_S = 15.0
#: Lines of the app's log that say a socket did not keep working.
SOCKET_TROUBLE = (
    "No answer within the keepalive deadline",
    "Connection closed",
    "Connection attempt failed",
    "Reconnecting in",
)
_SOCKET_OPEN = re.compile(r"(chat|status) socket #(\d+) open for conversation (\S+) \(signed in\)")


@pytest.mark.timeout(300)  # each step has its own deadline (STEP_S); they fail first
def test_sigterm_with_the_save_dialog_open_ends_the_app_and_it_starts_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SDM_CONNECTION_PING_INTERVAL_S", str(PING_INTERVAL_S))
    monkeypatch.setenv("SDM_CONNECTION_PONG_TIMEOUT_S", str(PONG_TIMEOUT_S))
    with journey_on_xvfb(tmp_path) as journey:
        hands = journey.hands
        server = journey.start_server()

        # --- Sign in, ask for a summary. ---
        app = journey.start_app()
        app.wait_for("Sign-in requested")
        journey.answer_sign_in(app)
        opening = app.wait_for("Opening conversation ")
        conversation = opening.split("Opening conversation ")[1].strip()
        app.wait_for("[ChatWS] Connected successfully")

        window = hands.window("SDM Desktop")
        hands.focus(window)
        frame = hands.geometry(window)
        # The message box spans the bottom of the centre pane (see test_clinician_day).
        hands.click(frame.x + frame.width * 55 // 100, frame.y + frame.height - 80)
        hands.type(ASKED)
        hands.key("Return")
        app.wait_for(f"Delivered {message_id(app.wait_for('Queued '))}")
        server.wait_for(f"conversation {conversation}: summary PDF ready")

        # --- Alt+D: the Save dialog. ---
        # The server sends summary_complete right after that line, and the app logs
        # nothing when it arrives: until it has, Alt+D finds no button. Pressed again
        # until the dialog shows (the window-modal dialog takes no second Alt+D).
        _press_until_shown(hands, "alt+d", "Save summary")
        opened = time.monotonic()
        dialog = hands.window("Save summary")
        sockets = _app_sockets(server, conversation)
        assert sorted(sockets) == ["chat", "status"], f"the app's sockets: {sockets}"

        # --- Frames under the dialog: another screen writes, the assistant answers. ---
        _write_from_another_screen(journey.base_url, conversation, OTHER)
        server.wait_for(f"conversation {conversation}: user message 2 ")
        server.wait_for(f"conversation {conversation}: bot reply 2 sent")  # to the app too
        # Time is the subject: the dialog stays open two keepalive rounds, in which a socket
        # that stopped reading is closed by the keepalive (the app logs no frame or pong it
        # read, so there is no event to wait for instead).
        time.sleep(max(0.0, opened + DIALOG_OPEN_S - time.monotonic()))
        assert hands.window("Save summary") == dialog, "the Save dialog closed by itself"
        assert asyncio_trouble(app.log) == [], "asyncio reported trouble under the dialog"
        trouble = [line for line in app.lines if any(t in line for t in SOCKET_TROUBLE)]
        assert trouble == [], "a socket failed while the Save dialog was open"
        for kind, number in sockets.items():
            assert server.matching(f"{kind} socket #{number} closed") == [], (
                f"the app's {kind} socket closed while the Save dialog was open"
            )

        # --- SIGTERM, the dialog still open: the app ends by itself, successfully. ---
        app.process.send_signal(signal.SIGTERM)
        status = app.exit_status(timeout=SIGTERM_S)
        assert status == 0, f"{app.name} ended with status {status} after SIGTERM"
        for kind, number in sockets.items():
            server.wait_for(f"{kind} socket #{number} closed")  # closed by the app on its way out

        # --- Started again by the same user: no "already running". ---
        again = journey.start_app()
        reopened = again.wait_for("Opening conversation ")
        assert reopened.split("Opening conversation ")[1].strip() == conversation
        again.wait_for("Sign-in requested")
        hands.focus(hands.window("Sign in"))
        hands.key("Escape")
        hands.focus(hands.window("SDM Desktop"))  # no window manager gives it back
        journey.quit(again)  # Ctrl+Q

        server.stop()  # the whole of its log, for the checks below

        for run in journey.processes:
            assert "Traceback" not in run.log, f"{run.name} logged a traceback"
        for run in (process for process in journey.processes if process.name.startswith("app")):
            assert asyncio_trouble(run.log) == [], f"{run.name}: asyncio reported trouble"
            assert "already running" not in run.log, f"{run.name} was refused"
            for text in (ASKED, OTHER, DEMO_PASSWORD):
                assert text not in run.log, f"{run.name} logged {text!r}"


def _press_until_shown(hands: Xdotool, key: str, title: str, *, every_s: float = 1.0) -> None:
    """Press ``key`` until a window titled ``title`` is on the screen; fails after a
    step's time."""
    deadline = time.monotonic() + STEP_S
    while True:
        hands.key(key)
        again = min(time.monotonic() + every_s, deadline)
        while time.monotonic() < again:
            if hands.visible(title):
                return
            time.sleep(0.05)  # polling the display: each search is the check
        assert time.monotonic() < deadline, f"{key} showed no window titled {title!r}"


def _app_sockets(server: LoggedProcess, conversation: str) -> dict[str, str]:
    """The server's numbers of the signed-in sockets for ``conversation``, by kind."""
    sockets: dict[str, str] = {}
    for line in server.matching(" open for conversation "):
        match = _SOCKET_OPEN.search(line)
        if match is not None and match[3] == conversation:
            assert match[1] not in sockets, f"a second {match[1]} socket: {line}"
            sockets[match[1]] = match[2]
    return sockets


def _write_from_another_screen(base_url: str, conversation: str, text: str) -> None:
    """A second, anonymous client writes into ``conversation``; returns after its echo."""
    url = base_url.replace("http://", "ws://") + f"/ws/chat/{conversation}/"
    with connect(url, origin=Origin(base_url), open_timeout=STEP_S) as other:
        other.send(json.dumps({"message": text}))
        other.recv(timeout=STEP_S)  # the echo: the server has stored and broadcast it
