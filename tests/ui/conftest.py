"""Fixtures of the UI tests: a qasync loop shared by Qt and asyncio, a demo server on it.

``qtbot.waitUntil`` does not run asyncio tasks, so tests drive the loop instead:
``run(coroutine)`` or ``wait_until(predicate)`` run Qt events and asyncio tasks together.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import qasync
from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer, QUrl
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit
from pytestqt.qtbot import QtBot

from desktop_app.app import run
from desktop_app.control.session import SessionController
from desktop_app.core.config import AppConfig
from desktop_app.core.conversation import Phase
from desktop_app.core.outbox import OutboxLimits
from desktop_app.core.presence import Presence
from desktop_app.demo.server import DEMO_EMAIL, DEMO_PASSWORD, DemoConfig, DemoServer
from desktop_app.net.background import BackgroundChatWebSocketManager, BackgroundDelivery
from desktop_app.net.chat import ChatWebSocketManager
from desktop_app.net.http import PlatformClient
from desktop_app.net.outbox import OutboxSender
from desktop_app.net.status import StatusWebSocketManager
from desktop_app.store.outbox import OutboxStore
from desktop_app.store.session_cookies import SessionCookieStore
from desktop_app.ui.loop import AppEventLoop
from desktop_app.ui.main_window import MainWindow, WindowServices
from desktop_app.ui.network import ManualNetworkSource
from desktop_app.ui.settings import Settings
from tests.faultproxy import FaultProxy
from tests.memory_keyring import MemoryKeyring
from tests.net.conftest import FAST

T = TypeVar("T")

WindowFactory = Callable[..., MainWindow]

DEADLINE = 15.0  # seconds: generous, the machines are small and noisy


class LoopDriver:
    """Runs coroutines and waits for conditions on the qasync loop of a test.

    The loop counts as running for the whole test (qasync's ``already_running``)
    and the driver pumps Qt events itself. Otherwise Qt events processed outside
    ``run_until_complete`` (pytest-qt processes events between test phases, and
    qasync once more after each run) would step asyncio tasks with no running loop.
    """

    def __init__(self, app: QApplication, loop: qasync.QEventLoop) -> None:
        self.app = app
        self.loop = loop
        self.errors: list[dict[str, Any]] = []

    def run(self, awaitable: Awaitable[T], timeout: float = DEADLINE) -> T:
        async def bounded() -> T:
            async with asyncio.timeout(timeout):
                return await awaitable

        future = asyncio.ensure_future(bounded(), loop=self.loop)
        while not future.done():
            # Blocks until an event (qasync's timers and socket notifiers are events).
            self.app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        return future.result()

    def wait_until(self, predicate: Callable[[], object], timeout: float = DEADLINE) -> None:
        """Run the loop (Qt events and asyncio tasks) until ``predicate()`` is true."""

        async def poll() -> None:
            while not predicate():
                await asyncio.sleep(0.01)  # polling with a deadline: each check is the wait

        try:
            self.run(poll(), timeout)
        except TimeoutError:
            raise AssertionError(f"condition not met within {timeout} s") from None

    def call(self, function: Callable[..., T], *args: Any) -> T:
        """Call ``function`` from a task on the loop, as the app's slots are called."""

        async def inside() -> T:
            return function(*args)

        return self.run(inside())

    def run_scheduled_callbacks(self) -> None:
        """Run the callbacks scheduled so far: the loop runs callbacks in the order they
        were scheduled, and a task started now takes its first step after them."""
        self.run(asyncio.sleep(0))

    def sleep(self, seconds: float) -> None:
        """Run the loop for ``seconds``: only where real time is the subject (say why)."""
        self.run(asyncio.sleep(seconds))  # real time: the caller's subject


def close_already_running(app: QApplication, loop: qasync.QEventLoop) -> None:
    """Stop and close a loop made with ``already_running=True``, as qasync asks its user to.

    Checked against qasync 0.28.0. ``loop.stop()`` calls ``QApplication.exit()``,
    which, with no ``exec()`` running (the driver pumps events itself), leaves Qt's
    quit flag set: every later ``QEventLoop.exec()`` (``qtbot.waitSignal``) would
    return at once. A ``QApplication.exec()`` round trip clears the flag (it also
    emits ``aboutToQuit``, which only qasync's loops listen to here). qasync set
    asyncio's running loop in its constructor; ``asyncio._set_running_loop`` is
    asyncio's low-level call for loop implementations, the one public way to unset it.
    """
    loop.stop()
    loop.close()
    QTimer.singleShot(0, app.exit)
    app.exec()
    asyncio._set_running_loop(None)
    asyncio.set_event_loop(None)


@pytest.fixture
def driver(qapp: QApplication) -> Iterator[LoopDriver]:
    """A qasync loop for the test; fails the test if a task swallowed an exception."""
    loop = AppEventLoop(qapp, already_running=True)  # the app's loop, its timers included
    asyncio.set_event_loop(loop)
    driver = LoopDriver(qapp, loop)

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        driver.errors.append(context)
        loop.default_exception_handler(context)

    loop.set_exception_handler(handler)
    try:
        yield driver
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        driver.run(asyncio.gather(*pending, return_exceptions=True))
        # Transports close their sockets in callbacks: run them before the loop closes.
        driver.run_scheduled_callbacks()
    finally:
        close_already_running(qapp, loop)
    assert not driver.errors, f"the event loop reported errors: {driver.errors}"


def open_connected(
    driver: LoopDriver, window: MainWindow, conversation_id: str, title: str | None = None
) -> None:
    """Open a conversation in the window, as the user would, and wait until connected
    and its history shown: a history that came later would replace what the test shows."""
    driver.call(window.open_conversation, conversation_id, title)
    driver.wait_until(lambda: window.indicator.presence is Presence.CONNECTED)
    driver.wait_until(lambda: window.controller.phase is Phase.READY)


def type_file_name(driver: LoopDriver, dialog: QFileDialog, path: Path) -> None:
    """Type ``path`` into a file dialog's name field and press Enter, as a person would."""
    name = dialog.findChild(QLineEdit, "fileNameEdit")
    assert name is not None, "not Qt's own file dialog"
    driver.call(name.setText, str(path))
    driver.call(QTest.keyClick, name, Qt.Key.Key_Return)


@pytest.fixture
def demo_config() -> DemoConfig:
    """A fast assistant, login required; a test overrides it with ``parametrize``."""
    return DemoConfig(reply_delay_s=0.05, step_delay_s=0.02)


@pytest.fixture
def demo(driver: LoopDriver, demo_config: DemoConfig) -> Iterator[DemoServer]:
    """The demo server on the test's qasync loop."""
    server = DemoServer(demo_config)
    driver.run(server.start())
    yield server
    driver.run(server.stop())


@pytest.fixture
def server(demo: DemoServer) -> DemoServer:
    """The platform, as the kiosk tests call it: :func:`demo` (a module may override it)."""
    return demo


@pytest.fixture
def proxy(driver: LoopDriver, server: DemoServer) -> Iterator[FaultProxy]:
    """A fault proxy in front of :func:`server`, to reset, black-hole or refuse it."""
    fault_proxy = FaultProxy("127.0.0.1", server.port)
    driver.run(fault_proxy.start())
    yield fault_proxy
    driver.run(fault_proxy.stop())


@pytest.fixture
def make_window(
    driver: LoopDriver, demo: DemoServer, qtbot: QtBot, tmp_path: Path
) -> Iterator[WindowFactory]:
    """Build a window on the demo server; ``signed_in`` skips the sign-in dialog;
    ``server``: where the sockets connect instead (a fault proxy in front of the demo);
    ``outbox_connect``: what opens the outbox's SQLite connection (``OutboxStore``'s
    ``connect``)."""
    built: list[tuple[MainWindow, PlatformClient]] = []
    stores: list[OutboxStore] = []

    def factory(
        *,
        signed_in: bool = True,
        outbox_file: Path | None = None,
        limits: OutboxLimits | None = None,
        background: bool = False,
        server: str | None = None,
        outbox_connect: Callable[..., sqlite3.Connection] = sqlite3.connect,
        **manager_options: Any,
    ) -> MainWindow:
        client = PlatformClient(demo.base_url)
        if signed_in:
            driver.run(client.sign_in(DEMO_EMAIL, DEMO_PASSWORD))
        options = {**FAST, **manager_options}
        chat = ChatWebSocketManager(server or demo.base_url, **options)
        status = StatusWebSocketManager(server or demo.base_url, **options)
        session = SessionController(client, [chat, status], server_key="test", store=None)
        store = OutboxStore(
            outbox_file or tmp_path / f"outbox-{len(built)}.sqlite3", connect=outbox_connect
        )
        stores.append(store)
        opened: list[QUrl] = []
        services = WindowServices(
            server_label="the demo server",
            settings_key="test",
            chat=chat,
            status=status,
            client=client,
            network=ManualNetworkSource(),
            settings=Settings(
                QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
            ),
            outbox=OutboxSender(store, chat, client.history, limits=limits, echo_timeout=5.0),
            session=session,
            demo_account=(DEMO_EMAIL, DEMO_PASSWORD),
            open_url=opened.append,
        )
        windows: list[MainWindow] = []
        if background:
            background_chat = BackgroundChatWebSocketManager(demo.base_url, **options)
            session.add_manager(background_chat)
            services.background = BackgroundDelivery(
                services.outbox.outbox,
                background_chat,
                client.history,
                echo_timeout=5.0,
                may_send=lambda: session.may_send(background_chat),
            )
        window = MainWindow(services)
        windows.append(window)
        if services.background is not None:
            driver.call(services.background.start)
        window.opened_urls = opened  # type: ignore[attr-defined]
        qtbot.addWidget(window)
        window.show()
        built.append((window, client))
        return window

    yield factory
    for window, client in built:
        driver.call(window.quit_app)
        driver.run(window.tasks.cancel_all())
        driver.run(window.controller.aclose())
        driver.run(window.services.chat.aclose())
        driver.run(window.services.status.aclose())
        driver.run(window.services.session.aclose())
        driver.run(client.aclose())
        driver.run(window.services.outbox.aclose())
        if window.services.background is not None:
            driver.run(window.services.background.aclose())
    for store in stores:
        store.close()


def sign_in_as_a_person(driver: LoopDriver, window: MainWindow) -> None:
    """Wait for the sign-in dialog, type the demo account's password, press Enter."""
    driver.wait_until(
        lambda: window.sign_in_dialog is not None and window.sign_in_dialog.isVisible()
    )
    dialog = window.sign_in_dialog
    assert dialog is not None
    driver.call(dialog.email.setText, DEMO_EMAIL)
    driver.call(dialog.password.setText, DEMO_PASSWORD)
    driver.call(QTest.keyClick, dialog.password, Qt.Key.Key_Return)
    driver.wait_until(lambda: not dialog.isVisible())


def start_app(
    driver: LoopDriver,
    qapp: QApplication,
    tmp_path: Path,
    settings: Settings,
    config: AppConfig | None = None,
    keyring: MemoryKeyring | None = None,
) -> tuple[asyncio.Task[int], MainWindow]:
    """Start the whole app (:func:`desktop_app.app.run`) on a task; its files go under
    ``tmp_path``, the network is a :class:`ManualNetworkSource`, and the session is
    kept in ``keyring`` (none: not kept)."""
    ready: asyncio.Future[MainWindow] = driver.loop.create_future()
    task = driver.loop.create_task(
        run(
            config or AppConfig(),
            qapp,
            settings=settings,
            network=ManualNetworkSource(),
            demo_data=tmp_path / "demo.sqlite",
            outbox_path=tmp_path / "outbox.sqlite3",
            session_store=None if keyring is None else lambda: SessionCookieStore(backend=keyring),
            window_ready=ready,
        )
    )
    return task, driver.run(ready)
