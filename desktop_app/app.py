"""The composition root: configuration, server, managers, window; then run until closed.

Qt and asyncio share one qasync loop. Quitting closes the window, then both
sockets (with a closing handshake), the HTTP client and the embedded server,
in that order, before the loop closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import qasync
from PySide6.QtCore import QStandardPaths, QTimer
from PySide6.QtWidgets import QApplication

from desktop_app import __version__
from desktop_app.cli import Options, parse_args
from desktop_app.core.endpoints import is_loopback_host
from desktop_app.net.background import BackgroundChatWebSocketManager, BackgroundDelivery
from desktop_app.net.chat import ChatWebSocketManager
from desktop_app.net.http import PlatformClient
from desktop_app.net.outbox import OutboxSender
from desktop_app.net.status import StatusWebSocketManager
from desktop_app.net.wake import SleepWatcher, probe_after_sleep
from desktop_app.store.outbox import OutboxStore
from desktop_app.ui.main_window import MainWindow, WindowServices
from desktop_app.ui.network import (
    ManualNetworkSource,
    NetworkSource,
    SystemNetworkSource,
    drive_managers,
)
from desktop_app.ui.settings import Settings

logger = logging.getLogger("desktop_app")

#: Conversations of the embedded server are remembered under this key (its port changes).
EMBEDDED_SERVER_KEY = "embedded-demo-server"


async def run(
    options: Options,
    app: QApplication,
    *,
    settings: Settings | None = None,
    network: NetworkSource | None = None,
    demo_data: Path | None = None,
    outbox_path: Path | None = None,
    window_ready: asyncio.Future[MainWindow] | None = None,
) -> int:
    """Run the app until its window closes; the keyword arguments are for tests."""
    settings = settings or Settings()
    server_url = None if options.demo else options.server or settings.last_server()
    async with contextlib.AsyncExitStack() as stack:
        demo_account = None
        if server_url is None:
            from desktop_app.demo.server import DEMO_EMAIL, DEMO_PASSWORD, DemoConfig, DemoServer

            data = demo_data or _data_dir() / "demo-server.sqlite"
            server = DemoServer(DemoConfig(data_path=data))
            await server.start()
            stack.push_async_callback(server.stop)
            base_url, label, key = server.base_url, "the demo server", EMBEDDED_SERVER_KEY
            demo_account = (DEMO_EMAIL, DEMO_PASSWORD)
        else:
            base_url, label, key = server_url, server_url, server_url
            settings.set_last_server(server_url)

        client = PlatformClient(base_url, allow_insecure=options.allow_insecure)
        stack.push_async_callback(client.aclose)
        if demo_account is not None:
            # The embedded server's account is known: a new user starts signed in.
            await client.sign_in(*demo_account)
        cookies = client.websocket_cookies()
        insecure = options.allow_insecure
        chat = ChatWebSocketManager(base_url, allow_insecure=insecure, cookies=cookies)
        status = StatusWebSocketManager(base_url, allow_insecure=insecure, cookies=cookies)
        stack.push_async_callback(status.aclose)
        stack.push_async_callback(chat.aclose)

        background_chat = BackgroundChatWebSocketManager(
            base_url, allow_insecure=insecure, cookies=cookies, max_reconnect_attempts=None
        )
        watcher = SleepWatcher(probe_after_sleep([chat, status, background_chat]))
        watcher.start()
        stack.callback(watcher.stop)

        store = OutboxStore(outbox_path or _data_dir() / "outbox.sqlite3")
        stack.callback(store.close)
        outbox = OutboxSender(store, chat, client.history)
        stack.push_async_callback(outbox.aclose)
        windows: list[MainWindow] = []  # the background must know the window's conversation
        background = BackgroundDelivery(
            store,
            background_chat,
            client.history,
            foreground=lambda: windows[0].conversation_id if windows else None,
        )
        stack.push_async_callback(background.aclose)

        window = MainWindow(
            WindowServices(
                server_label=label,
                settings_key=key,
                chat=chat,
                status=status,
                client=client,
                network=network or _network_source(app, chat),
                settings=settings,
                outbox=outbox,
                background=background,
                demo_account=demo_account,
            )
        )
        windows.append(window)
        drive_managers(window.services.network, [background_chat])
        stack.push_async_callback(window.tasks.cancel_all)
        closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def on_closed() -> None:
            if not closed.done():
                closed.set_result(None)

        window.closed.connect(on_closed)
        stack.enter_context(_close_on_signals(window))
        window.show()
        conversation = options.conversation or settings.last_conversation(key)
        if conversation is not None:
            window.open_conversation(conversation)
        else:
            window.on_new_conversation()
        background.start()
        if window_ready is not None:
            window_ready.set_result(window)
        await closed
        settings.sync()
    return 0


def _network_source(app: QApplication, chat: ChatWebSocketManager) -> NetworkSource:
    """The operating system's view of the network, unless the server is on this machine."""
    if is_loopback_host(chat.endpoints.host):
        # No network is needed to reach this machine: "offline" must not stop the app.
        return ManualNetworkSource(app)
    return SystemNetworkSource(app)


@contextlib.contextmanager
def _close_on_signals(window: MainWindow) -> Iterator[None]:
    """Ctrl+C in the terminal, or SIGTERM, closes the window like the user would.

    Python runs signal handlers between bytecodes; the window's timers give it
    the chance several times a second even while Qt waits for events.
    """
    signals = [signal.SIGINT, signal.SIGTERM]
    previous = {sig: signal.getsignal(sig) for sig in signals}
    for sig in signals:
        signal.signal(sig, lambda _sig, _frame: QTimer.singleShot(0, window.close))
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _data_dir() -> Path:
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    path = Path(location or Path.home() / ".sdm-desktop")
    path.mkdir(parents=True, exist_ok=True)
    return path


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if options.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    app = QApplication(sys.argv[:1])
    app.setOrganizationName("SDM")
    app.setApplicationName("SDM Desktop")
    app.setApplicationVersion(__version__)
    # The loop, not Qt, decides when to stop: sockets and server close first.
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        return int(loop.run_until_complete(run(options, app)))
