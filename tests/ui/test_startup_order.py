"""The window comes first: painted before the server starts, writable before the session.

The whole app runs as :func:`desktop_app.app.run` on the test's qasync loop,
with the window the test had :func:`desktop_app.app.show_window` build, so the
test can watch its first paint and type into it before anything else is up.
Where a test must act while the app is still starting, the start is held at a
known point: the password store (read in a worker thread) answers only when
the test lets it.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop_app.app import run, show_window
from desktop_app.cli import load_config, parse_command_line
from desktop_app.core.config import AppConfig
from desktop_app.core.errors import LocalFileError
from desktop_app.core.frames import Role
from desktop_app.core.presence import Presence
from desktop_app.core.transcript import DeliveryState
from desktop_app.demo.server import DEMO_EMAIL, DEMO_PASSWORD, DemoConfig, DemoServer
from desktop_app.net.http import PlatformClient
from desktop_app.store.session_cookies import SessionCookieStore
from desktop_app.ui.main_window import SENT_WHILE_STARTING, MainWindow
from desktop_app.ui.network import ManualNetworkSource
from desktop_app.ui.settings import Settings
from tests.memory_keyring import MemoryKeyring
from tests.ui.conftest import LoopDriver

TYPED = "Typed before the app had started"


class HeldKeyring(MemoryKeyring):
    """A password store that answers only once :attr:`answer` is set (a worker thread asks)."""

    def __init__(self) -> None:
        super().__init__()
        self.asked = threading.Event()
        self.answer = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.asked.set()
        self.answer.wait(timeout=30)
        return super().get_password(service, username)


class Started:
    """One run of the app on the test's loop, with its window shown by the test."""

    def __init__(
        self,
        driver: LoopDriver,
        qapp: QApplication,
        tmp_path: Path,
        config: AppConfig | None = None,
        keyring: MemoryKeyring | None = None,
        demo_data: Path | None = None,
    ) -> None:
        self.driver = driver
        self.config = config or AppConfig()
        self.settings = Settings(
            QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        )
        self.window = show_window(self.config, self.settings)
        #: What the window showed at its first paint.
        self.at_paint: list[tuple[str, bool, bool, bool]] = []
        self.window.shown.connect(self._on_shown)
        self.demo_data = demo_data or tmp_path / "demo.sqlite"
        self.outbox_path = tmp_path / "outbox.sqlite3"
        self.keyring = keyring
        self.ready: asyncio.Future[MainWindow] = driver.loop.create_future()
        self.task: asyncio.Task[int] | None = None

    def _on_shown(self) -> None:
        window = self.window
        self.at_paint.append(
            (
                window.startup_status.text(),
                window.composer.isEnabled() and not window.composer.isReadOnly(),
                window.focusWidget() is window.composer,
                hasattr(window, "bridge"),  # the sockets' bridge: none before attach()
            )
        )

    def run(self) -> asyncio.Task[int]:
        keyring = self.keyring
        self.task = self.driver.loop.create_task(
            run(
                self.config,
                self.driver.app,
                settings=self.settings,
                network=ManualNetworkSource(),
                demo_data=self.demo_data,
                outbox_path=self.outbox_path,
                session_store=None
                if keyring is None
                else lambda: SessionCookieStore(backend=keyring),
                window=self.window,
                window_ready=self.ready,
            )
        )
        return self.task

    def close(self) -> int:
        assert self.task is not None
        if not self.window.is_closed:
            self.driver.call(self.window.close)
        return self.driver.run(self.task)


def type_and_send(driver: LoopDriver, window: MainWindow, text: str) -> None:
    """Type ``text`` into the composer and press Enter, as a person would."""
    driver.call(QTest.keyClicks, window.composer, text)
    driver.call(QTest.keyClick, window.composer, Qt.Key.Key_Return)


def server_config(url: str, conversation: str) -> AppConfig:
    argv = ["--server", url, "--conversation", conversation]
    return load_config(parse_command_line(argv), {}, remembered_server=None, default_file=None)


def kept_session(driver: LoopDriver, url: str, keyring: MemoryKeyring) -> None:
    """Sign in beforehand and keep the session, as an earlier run would have."""

    async def sign_in() -> None:
        async with PlatformClient(url) as client:
            await client.sign_in(DEMO_EMAIL, DEMO_PASSWORD)
            SessionCookieStore(backend=keyring).save(url, client.websocket_cookies())

    driver.run(sign_in())


@pytest.fixture
def platform(driver: LoopDriver) -> Iterator[DemoServer]:
    """A configured server (sign-in required), on the test's loop."""
    server = DemoServer(DemoConfig(reply_delay_s=0.05, step_delay_s=0.02))
    driver.run(server.start())
    yield server
    driver.run(server.stop())


def test_the_window_is_painted_before_the_embedded_server_starts(
    driver: LoopDriver, qapp: QApplication, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    app = Started(driver, qapp, tmp_path)
    app.run()
    window = driver.run(app.ready)

    # At the first paint: the status bar said what was starting, the composer took text,
    # and no socket existed yet.
    assert app.at_paint == [("● Starting the demo server…", True, True, False)]
    messages = [record.getMessage() for record in caplog.records]
    painted = messages.index("Main window shown")
    listening = next(i for i, m in enumerate(messages) if m.startswith("demo server listening on "))
    assert painted < listening
    # Attached now: the connection indicator speaks where the start-up status stood.
    assert not window.startup_status.isVisible()
    driver.wait_until(lambda: window.indicator.presence is Presence.CONNECTED)
    assert window.indicator.isVisible()
    assert app.close() == 0


def test_a_message_sent_before_the_start_is_queued_and_delivered_once_connected(
    driver: LoopDriver, qapp: QApplication, tmp_path: Path
) -> None:
    app = Started(driver, qapp, tmp_path)
    # Before the server, the session or the outbox exist: Enter keeps the text, says so.
    type_and_send(driver, app.window, TYPED)
    assert app.window.notice_bar.text() == SENT_WHILE_STARTING
    assert app.window.composer.text() == TYPED
    app.run()
    window = driver.run(app.ready)

    # A first start creates its conversation; the message is queued in it, then delivered.
    driver.wait_until(
        lambda: any(
            e.content == TYPED and e.state is DeliveryState.DELIVERED
            for e in window.transcript.entries()
        )
    )
    driver.wait_until(lambda: any(e.role is Role.BOT for e in window.transcript.entries()))
    assert window.composer.text() == ""
    assert window.notice_bar.text() != SENT_WHILE_STARTING
    assert app.close() == 0


def test_text_typed_while_connecting_waits_for_the_session_and_is_delivered(
    driver: LoopDriver, qapp: QApplication, tmp_path: Path, platform: DemoServer
) -> None:
    conversation = platform.create_conversation()
    keyring = HeldKeyring()
    kept_session(driver, platform.base_url, keyring)
    app = Started(driver, qapp, tmp_path, server_config(platform.base_url, conversation), keyring)
    app.run()
    window = app.window
    # The start is held at the password store: painted, not attached, no socket.
    driver.wait_until(keyring.asked.is_set)
    assert app.at_paint == [(f"● Connecting to {platform.base_url}…", True, True, False)]
    assert window.startup_status.text() == f"● Connecting to {platform.base_url}…"
    assert not window.attached

    type_and_send(driver, window, TYPED)
    assert window.notice_bar.text() == SENT_WHILE_STARTING
    keyring.answer.set()
    driver.run(app.ready)

    driver.wait_until(lambda: window.indicator.presence is Presence.CONNECTED)
    driver.wait_until(lambda: [m["content"] for m in platform.history(conversation)][:1] == [TYPED])
    assert window.sign_in_dialog is None  # the kept session was enough
    assert app.close() == 0


def test_closing_the_window_while_it_starts_ends_the_app_cleanly(
    driver: LoopDriver, qapp: QApplication, tmp_path: Path, platform: DemoServer
) -> None:
    keyring = HeldKeyring()
    app = Started(
        driver,
        qapp,
        tmp_path,
        server_config(platform.base_url, platform.create_conversation()),
        keyring,
    )
    task = app.run()
    driver.wait_until(keyring.asked.is_set)
    try:
        driver.call(app.window.close)
        assert driver.run(task) == 0  # the start was cancelled, what it opened closed
    finally:
        keyring.answer.set()  # the worker thread asking the store may end now
    assert not app.window.attached
    assert not app.ready.done()


def test_a_demo_server_that_cannot_start_is_said_in_the_window_until_it_is_closed(
    driver: LoopDriver, qapp: QApplication, tmp_path: Path
) -> None:
    data = tmp_path / "demo.sqlite"
    data.mkdir()  # SQLite cannot open a folder: the embedded server cannot start
    app = Started(driver, qapp, tmp_path, demo_data=data)
    task = app.run()
    with pytest.raises(LocalFileError):
        driver.run(app.ready)

    window = app.window
    assert window.startup_status.text() == "● Could not start"
    notice = window.notice_bar.text()
    assert notice.startswith(f"SDM Desktop could not start. Cannot use the demo data file {data}")
    assert notice.endswith("Close this window, then start it again.")
    assert window.isVisible()
    assert not task.done()  # no dead end: it waits for the person
    assert window.composer.isEnabled()  # what was typed can still be copied

    driver.call(window.close)
    with pytest.raises(LocalFileError):
        driver.run(task)  # start() says it in one line, status 2


def test_an_unreachable_server_is_said_in_the_window_with_what_to_do(
    driver: LoopDriver, qapp: QApplication, tmp_path: Path
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    # Nothing listens there now: every connection is refused.
    keyring = MemoryKeyring()
    SessionCookieStore(backend=keyring).save(url, {"sessionid": "kept-by-an-earlier-run"})
    conversation = "0f8fad5b-d9cb-469f-a165-70867728950e"
    app = Started(driver, qapp, tmp_path, server_config(url, conversation), keyring)
    app.run()
    window = driver.run(app.ready)

    # The sockets try again and again: the status bar counts down, Reconnect is offered.
    driver.wait_until(lambda: window.indicator.presence is Presence.RECONNECTING)
    assert window.indicator.text().startswith("● Reconnecting in ")
    assert "attempt" in window.indicator.text()
    assert window.reconnect_button.isVisible()
    assert window.reconnect_action.isEnabled()  # Ctrl+R
    assert window.composer.isEnabled()  # and what is written waits in the outbox
    assert app.close() == 0
