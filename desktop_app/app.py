"""The composition root: configuration, server, managers, window; then run until closed.

Qt and asyncio share one qasync loop. Quitting closes the window, then both
sockets (with a closing handshake), the HTTP client and the embedded server,
in that order, before the loop closes.

Files: everything the app writes is this user's only (umask 077 from the start,
and the data folder, its files and the settings file set back to 0700/0600 when
an older version left them open: :mod:`desktop_app.store.files`). A start-up
fault gives one line and status 2, never a traceback: a data folder that cannot
be written is named; a damaged outbox or demo database is kept aside under a new
name and a new one started, said in one log line and in the window.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
import os
import signal
import socket
import sqlite3
import sys
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import qasync
from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QLockFile,
    QObject,
    QSocketNotifier,
    QStandardPaths,
    QTimer,
)
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from desktop_app.cli import CommandLine, default_config_file, load_config
from desktop_app.control.session import SessionController, StoreFactory, system_store
from desktop_app.core.config import AppConfig, ConfigError
from desktop_app.core.endpoints import is_loopback_host
from desktop_app.core.errors import LocalFileError, OutboxDamaged, OutboxError
from desktop_app.net.background import BackgroundChatWebSocketManager, BackgroundDelivery
from desktop_app.net.chat import ChatWebSocketManager
from desktop_app.net.clock import LoopClock
from desktop_app.net.http import PlatformClient
from desktop_app.net.outbox import Outbox, OutboxSender
from desktop_app.net.status import StatusWebSocketManager
from desktop_app.net.wake import SleepWatcher, probe_after_sleep, reconnect_after_sleep
from desktop_app.store.files import (
    is_damaged,
    make_private,
    private_directory,
    set_aside,
)
from desktop_app.store.outbox import OutboxStore
from desktop_app.ui.icon import app_icon
from desktop_app.ui.kiosk import KioskOptions
from desktop_app.ui.main_window import MainWindow, WindowChrome, WindowServices
from desktop_app.ui.network import (
    ManualNetworkSource,
    NetworkSource,
    SystemNetworkSource,
    drive_managers,
)
from desktop_app.ui.settings import Settings

if TYPE_CHECKING:
    # Imported where used: only the embedded server needs it.
    from desktop_app.demo.server import DemoServer

logger = logging.getLogger("desktop_app")

#: Conversations of the embedded server are remembered under this key (its port changes).
EMBEDDED_SERVER_KEY = "embedded-demo-server"


async def run(
    config: AppConfig,
    app: QApplication,
    *,
    settings: Settings | None = None,
    network: NetworkSource | None = None,
    demo_data: Path | None = None,
    outbox_path: Path | None = None,
    data_dir: Path | None = None,
    session_store: StoreFactory | None = system_store,
    window_ready: asyncio.Future[MainWindow] | None = None,
) -> int:
    """Run the app until its window closes; the keyword arguments are for tests.

    ``data_dir``: the data folder, already checked (:func:`_data_dir`, at most once).
    """
    settings = settings or Settings()

    def data_file(name: str) -> Path:
        nonlocal data_dir
        if data_dir is None:
            data_dir = _data_dir()
        return data_dir / name

    server_url = None if config.uses_demo_server else config.server
    set_aside_notes: list[str] = []  # damaged files kept aside, said in the window too
    async with contextlib.AsyncExitStack() as stack:
        demo_account = None
        server = None
        if server_url is None:
            from desktop_app.demo.server import DEMO_EMAIL, DEMO_PASSWORD

            data = demo_data or data_file("demo-server.sqlite")
            server = await _start_demo_server(data, set_aside_notes)
            stack.push_async_callback(server.stop)
            base_url, label, key = server.base_url, "the demo server", EMBEDDED_SERVER_KEY
            demo_account = (DEMO_EMAIL, DEMO_PASSWORD)
        else:
            base_url, label, key = server_url, server_url, server_url
            settings.set_last_server(server_url)

        insecure = config.allow_insecure
        client = PlatformClient(base_url, allow_insecure=insecure, timeout_s=config.http_timeout_s)
        stack.push_async_callback(client.aclose)
        # One clock for the sockets and the sleep watcher: real time on this loop.
        clock = LoopClock(asyncio.get_running_loop())
        chat = ChatWebSocketManager(client.endpoints, config.connection, clock=clock)
        status = StatusWebSocketManager(client.endpoints, config.connection, clock=clock)
        stack.push_async_callback(status.aclose)
        stack.push_async_callback(chat.aclose)
        # The embedded server's session is not kept: its account is known, and a new
        # user starts signed in with it.
        session = SessionController(
            client,
            [chat, status],
            server_key=key,
            store=None if demo_account is not None else session_store,
        )
        stack.push_async_callback(session.aclose)
        if demo_account is not None:
            await client.sign_in(*demo_account)

        # The outbox of other conversations is delivered whenever possible: it never gives up.
        background_chat = BackgroundChatWebSocketManager(
            client.endpoints,
            dataclasses.replace(config.connection, max_reconnect_attempts=None),
            clock=clock,
        )
        session.add_manager(background_chat)
        managers = [chat, status, background_chat]
        client.follow_dead_links(managers)
        # A kiosk starts afresh after a sleep; a desktop checks its sockets and keeps good ones.
        on_wake = reconnect_after_sleep if config.kiosk else probe_after_sleep
        watcher = SleepWatcher(on_wake(managers), clock=clock)
        watcher.start()
        stack.callback(watcher.stop)

        store = _open_outbox(outbox_path or data_file("outbox.sqlite3"), set_aside_notes)
        stack.callback(store.close)
        outbox = OutboxSender(
            store,
            chat,
            client.history,
            limits=config.outbox.limits(),
            echo_timeout=config.outbox.echo_timeout_s,
            clock=clock,
        )
        stack.push_async_callback(outbox.aclose)
        wipe_demo_data = None
        if server is not None:
            wipe_demo_data = functools.partial(_wipe_demo_data, server, outbox.outbox, settings)
        # Told the window's conversation by the controller (set_foreground), not asked.
        background = BackgroundDelivery(
            outbox.outbox,
            background_chat,
            client.history,
            may_send=lambda: session.may_send(background_chat),
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
                session=session,
                background=background,
                demo_account=demo_account,
                wipe_demo_data=wipe_demo_data,
            ),
            WindowChrome.kiosk_mode(
                KioskOptions(
                    exit_keys=config.kiosk_exit_keys,
                    retry_failed_after_s=config.connection.max_reconnect_delay_s,
                )
            )
            if config.kiosk
            else WindowChrome(),
        )
        stack.push_async_callback(window.controller.aclose)
        drive_managers(window.services.network, [background_chat])
        stack.push_async_callback(window.tasks.cancel_all)
        closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def on_closed() -> None:
            if not closed.done():
                closed.set_result(None)

        window.closed.connect(on_closed)
        stack.enter_context(_close_on_signals(window))
        _FirstPaintLog(window)
        if window.chrome.full_screen:
            window.showFullScreen()
        else:
            window.show()
        if set_aside_notes:
            window.statusBar().showMessage(" ".join(set_aside_notes), 60000)
        if demo_account is None:
            # After show(): the password store is read in a worker thread (keyring probes
            # its backends, about 0.2 s) while the window paints.
            await session.restore()
            window.show_store_problem()
        conversation = config.conversation or settings.last_conversation(key)
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


class _FirstPaintLog(QObject):
    """Logs (at INFO: ``--verbose``) when the window is first painted, i.e. shown.

    The start-up benchmark (``bench/b6_startup.py``) waits for this line, also from
    the frozen bundle, where nothing else can observe the window.
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            logger.info("Main window shown")
        return False


def _wipe_demo_data(server: DemoServer, store: Outbox, settings: Settings) -> None:
    """Erase the demo server's conversations, what the outbox kept of them, and their list."""
    try:
        wiped = server.wipe_data()
    except sqlite3.Error as exc:
        path = server.data_path or Path()
        raise LocalFileError(
            f"the demo data file {path} could not be changed ({exc}): free some disk space, "
            "then try again",
            path=path,
            reason=str(exc),
        ) from exc
    store.forget_conversations(wiped)
    settings.forget_conversations(EMBEDDED_SERVER_KEY)
    settings.sync()


async def _start_demo_server(data: Path, notes: list[str]) -> DemoServer:
    """The embedded demo server on ``data``; a damaged file is kept aside for a new one."""
    from desktop_app.demo.server import DemoConfig, DemoServer

    try:
        server = DemoServer(DemoConfig(data_path=data))
        await server.start()
    except sqlite3.Error as exc:
        if not is_damaged(exc):
            raise LocalFileError(
                f"cannot use the demo data file {data} ({exc}): make it readable and "
                "writable for this user, or move it away to start without the demo "
                "conversations",
                path=data,
                reason=str(exc),
            ) from exc
        notes.append(_kept_aside("demo data", data))
        server = DemoServer(DemoConfig(data_path=data))
        await server.start()
    return server


def _open_outbox(path: Path, notes: list[str]) -> OutboxStore:
    """The outbox at ``path``; a damaged file is kept aside for a new, empty one."""
    try:
        return OutboxStore(path)
    except OutboxDamaged:
        notes.append(_kept_aside("outbox", path))
        return OutboxStore(path)


def _kept_aside(what: str, path: Path) -> str:
    """Move a damaged database out of the way; say where (log and window), once."""
    kept = set_aside(path)
    message = f"The {what} file {path} was damaged: it was kept as {kept} and a new one was started"
    logger.warning("%s", message)
    return f"{message}."


def _network_source(app: QApplication, chat: ChatWebSocketManager) -> NetworkSource:
    """The operating system's view of the network, unless the server is on this machine."""
    if is_loopback_host(chat.endpoints.host):
        # No network is needed to reach this machine: "offline" must not stop the app.
        return ManualNetworkSource(app)
    return SystemNetworkSource(app)


@contextlib.contextmanager
def _close_on_signals(window: MainWindow) -> Iterator[None]:
    """Ctrl+C in the terminal, or SIGTERM, closes the window like the user would
    (in kiosk mode too: the service manager or an administrator asked).

    Python runs a signal handler only when the interpreter next gets control,
    and an idle window may not call into Python for seconds. So the signal also
    writes a byte to a socket Qt watches (``signal.set_wakeup_fd``): Qt wakes,
    calls into Python, and the handler runs at once.
    """
    signals = [signal.SIGINT, signal.SIGTERM]
    previous = {sig: signal.getsignal(sig) for sig in signals}
    for sig in signals:
        signal.signal(sig, lambda _sig, _frame: QTimer.singleShot(0, window.quit_app))
    wake_read, wake_write = socket.socketpair()
    wake_read.setblocking(False)
    wake_write.setblocking(False)
    notifier = QSocketNotifier(wake_read.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(lambda: _drain(wake_read))
    previous_fd = signal.set_wakeup_fd(wake_write.fileno())
    try:
        yield
    finally:
        signal.set_wakeup_fd(previous_fd)
        notifier.setEnabled(False)
        wake_read.close()
        wake_write.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _drain(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while sock.recv(512):
            pass


def _data_dir() -> Path:
    """The app's data folder, private and writable; LocalFileError naming it otherwise."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    path = Path(location or Path.home() / ".sdm-desktop")
    # ".../SDM/SDM Desktop": the organisation's folder above it is the app's own too.
    owned = 1 if path.parent.name == QCoreApplication.organizationName() else 0
    private_directory(path, owned_parents=owned)
    make_private(path)  # what an older version left readable by others
    return path


def start(command_line: CommandLine) -> int:
    """Run the app for ``command_line``; the exit status (the launcher prepared the process)."""
    try:
        config = load_config(
            command_line,
            os.environ,
            remembered_server=Settings().last_server(),
            default_file=default_config_file(),
        )
    except ConfigError as exc:
        return _refuse(str(exc))
    configure_logging(config.verbose)
    app = make_application()
    if QKeySequence.fromString(config.kiosk_exit_keys).isEmpty():
        source = config.source_of("kiosk_exit_keys")
        return _refuse(f"{source}: not a key sequence Qt knows: {config.kiosk_exit_keys!r}")
    try:
        data_dir = _data_dir()  # checked and made private once, for every file in it
        lock = _single_instance_lock(data_dir)
    except LocalFileError as exc:
        return _refuse(str(exc))
    if lock is None:
        return _refuse(
            "SDM Desktop is already running for this user: messages queued on this "
            "computer are sent by one instance only. Switch to the open window."
        )
    Settings().make_private()
    try:
        return run_on_qasync(app, run(config, app, data_dir=data_dir))
    except (LocalFileError, OutboxError) as exc:
        # A file the app cannot use at start (the outbox of a newer version, say).
        return _refuse(str(exc))
    finally:
        lock.unlock()


def run_on_qasync(app: QApplication, coroutine: Coroutine[Any, Any, int]) -> int:
    """Run ``coroutine`` on a qasync loop over ``app`` and return its result."""
    # The loop, not Qt, decides when to stop: sockets and server close first.
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        return int(loop.run_until_complete(coroutine))


def make_application() -> QApplication:
    """The QApplication, named and with the app's icon (and its launcher, on Linux)."""
    app = QApplication(sys.argv[:1])
    app.setWindowIcon(app_icon())
    app.setDesktopFileName("sdm-desktop")  # Wayland and GNOME match the window to it
    return app


def configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def _refuse(message: str) -> int:
    """One line on stderr, status 2: what the person must fix before the app can start."""
    print(f"sdm-desktop: error: {message}", file=sys.stderr)
    return 2


def _single_instance_lock(data_dir: Path) -> QLockFile | None:
    """The lock that keeps a second instance from sending the same outbox (None: taken).

    A lock left by a killed instance is taken over: Qt checks whether its process
    still runs, so a kiosk restarted after a crash starts at once. LocalFileError
    when the lock file in ``data_dir`` (checked writable by :func:`_data_dir`)
    cannot be used: that is not another instance.
    """
    path = data_dir / "instance.lock"
    lock = QLockFile(str(path))
    lock.setStaleLockTime(0)  # never stale by age: only a dead owner frees it
    if lock.tryLock(0):
        return lock
    if lock.error() is QLockFile.LockError.LockFailedError:
        return None
    reason = (
        "it cannot be written"
        if lock.error() is QLockFile.LockError.PermissionError
        else ("it cannot be created or read")
    )
    raise LocalFileError(
        f"cannot use the lock file {path}: {reason}. Make it (and its folder) writable for "
        "this user, or remove it, then start SDM Desktop again",
        path=path,
        reason=reason,
    )
