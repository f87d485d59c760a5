"""The journeys' world: the demo server and the app in processes of their own, on an X
display, and a person's hands (xdotool) to drive them."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from desktop_app.core.frames import ChatMessage
from desktop_app.demo.server import DEMO_EMAIL, DEMO_PASSWORD
from desktop_app.net.http import PlatformClient
from tests.conftest import app_environment
from tests.journeys.processes import STEP_S, LoggedProcess
from tests.x11 import Xdotool, require, xvfb

#: Ctrl+Q must end the app promptly, with both sockets and the outbox closed.
QUIT_S = 15.0


class Journey:
    """The demo server, the app and the person's hands, on one display."""

    def __init__(self, tmp_path: Path, display: str, hands: Xdotool) -> None:
        self.display = display
        self.hands = hands
        self.port = free_port()  # kept: the restarted server listens where the app looks
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.data = tmp_path / "demo-server.sqlite3"
        self.home = tmp_path / "home"  # the app's settings and outbox, across its restart
        self.runtime = tmp_path / "runtime"
        self.runtime.mkdir(mode=0o700)  # Qt insists on a private XDG_RUNTIME_DIR
        self.processes: list[LoggedProcess] = []

    def stop(self) -> None:
        """Stop every process still running (a crashed or quit one is left as it is)."""
        for process in self.processes:
            process.stop()

    def logs(self) -> str:
        return "\n".join(
            f"----- {process.name} (status {process.process.poll()}) -----\n{process.log}"
            for process in self.processes
        )

    def start_server(self) -> LoggedProcess:
        server = self._start(
            "demo server",
            [
                *(sys.executable, "-m", "desktop_app.demo", "--port", str(self.port)),
                *("--data", str(self.data), "--no-echo-ids", "--reply-delay", "0.05"),
            ],
            os.environ,
        )
        server.wait_for("demo server listening on")
        return server

    def start_app(self, *extra: str, env: Mapping[str, str] | None = None) -> LoggedProcess:
        """The app on this display; ``extra`` arguments and ``env`` variables added."""
        environment = {
            **app_environment(self.home),
            "QT_QPA_PLATFORM": "xcb",
            "DISPLAY": self.display,
            "XDG_RUNTIME_DIR": str(self.runtime),
            **(env or {}),
        }
        return self._start(
            "app",
            [sys.executable, "-m", "desktop_app", "--server", self.base_url, "--verbose", *extra],
            environment,
        )

    def _start(self, name: str, args: list[str], env: Mapping[str, str]) -> LoggedProcess:
        run = 1 + sum(process.name.startswith(name) for process in self.processes)
        process = LoggedProcess(f"{name}, run {run}", args, env)
        self.processes.append(process)
        return process

    def answer_sign_in(self, app: LoggedProcess) -> None:
        """Type the demo account into the open sign-in dialog (Email is focused), then Enter."""
        dialog = self.hands.window("Sign in")
        self.hands.focus(dialog)
        self.hands.type(DEMO_EMAIL)
        self.hands.key("Tab")
        self.hands.type(DEMO_PASSWORD)
        self.hands.key("Return")
        app.wait_for("Signed in")

    def quit(self, app: LoggedProcess) -> None:
        """Ctrl+Q; the app must end by itself, promptly and successfully."""
        self.hands.key("ctrl+q")
        status = app.exit_status(timeout=QUIT_S)
        assert status == 0, f"{app.name} ended with status {status} after Ctrl+Q"

    def history(
        self, conversation: str, *, until: Callable[[list[ChatMessage]], bool]
    ) -> list[ChatMessage]:
        """The messages the server keeps for ``conversation`` (read over HTTP as the demo
        user) once ``until`` holds for them; fails after a step's time."""

        async def read() -> list[ChatMessage]:
            deadline = time.monotonic() + STEP_S
            async with PlatformClient(self.base_url, timeout_s=STEP_S) as client:
                await client.sign_in(DEMO_EMAIL, DEMO_PASSWORD)
                while True:
                    history = await client.history(conversation)
                    if until(history):
                        return history
                    assert time.monotonic() < deadline, (
                        f"the server's history never got there; it holds "
                        f"{[(m.role.value, m.content) for m in history]}"
                    )
                    await asyncio.sleep(0.1)  # polling: each read is the check

        return asyncio.run(read())


@contextmanager
def journey_on(tmp_path: Path, display: str, xdotool: str) -> Iterator[Journey]:
    """A journey whose processes are all stopped at the end, even on failure; a
    failure carries the logs of every process (as a note pytest shows)."""
    journey = Journey(tmp_path, display, Xdotool(xdotool, display))
    try:
        yield journey
    except BaseException as exc:
        journey.stop()
        exc.add_note(journey.logs())
        raise
    finally:
        journey.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def message_id(queued_line: str) -> str:
    """The outbox id in ``... Queued <id> (<n> chars) for <conversation>``."""
    return queued_line.split("Queued ")[1].split()[0]


@contextmanager
def journey_on_xvfb(tmp_path: Path) -> Iterator[Journey]:
    """A journey on an Xvfb display of its own (Xvfb and xdotool are required)."""
    xvfb_binary = require("Xvfb", "xvfb")
    xdotool_binary = require("xdotool", "xdotool")
    with (
        xvfb(xvfb_binary, tmp_path / "xvfb.log") as display,
        journey_on(tmp_path, display, xdotool_binary) as journey,
    ):
        yield journey
