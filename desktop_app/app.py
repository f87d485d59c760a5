"""The composition root: configuration, window, then server, managers; run until closed.

Start-up, in this order (B6: the window is painted before anything slow runs):

1. the configuration, the data folder and the single-instance lock: a problem
   here gives one line on stderr and status 2, before any window;
2. the main window, built from the configuration alone and painted: its
   composer takes text, its status bar says what is starting;
3. then, imported and started only now (:mod:`desktop_app.control.startup`):
   the embedded demo server and its sign-in, the HTTP client, the sockets,
   the session and the outbox; the window is attached to them and opens its
   conversation. A failure here is said in the window, with what to do; the
   window stays until closed, then the same one line and status 2 follow.

asyncio comes with qasync, after the first paint: the functions here that need
it import it where they run, as the window's modules do with the managers.

Qt and asyncio share one qasync loop. Quitting closes the window, then both
sockets (with a closing handshake), the HTTP client and the embedded server,
in that order, before the loop closes; a window closed while the app is still
starting cancels the start and closes what it had opened.

Files: everything the app writes is this user's only (umask 077 from the start,
and the data folder, its files and the settings file set back to 0700/0600 when
an older version left them open: :mod:`desktop_app.store.files`). A damaged
outbox or demo database is kept aside under a new name and a new one started,
said in one log line and in the window.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import os
import signal
import sqlite3
import sys
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import (
    QCoreApplication,
    QEventLoop,
    QLockFile,
    QSocketNotifier,
    QStandardPaths,
    QTimer,
)
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from desktop_app.cli import (
    CommandLine,
    default_config_file,
    load_config,
    read_password_line,
    system_config_file,
)
from desktop_app.core.config import AppConfig, ConfigError
from desktop_app.core.endpoints import ServerEndpoints, is_loopback_host
from desktop_app.core.errors import LocalFileError, SdmError
from desktop_app.core.startup import StartupStep
from desktop_app.store.files import make_private, private_directory
from desktop_app.ui.appearance import apply_text_scale
from desktop_app.ui.appearance import install as install_appearance
from desktop_app.ui.error_text import shown, shown_words
from desktop_app.ui.icon import app_icon
from desktop_app.ui.main_window import MainWindow, WindowChrome, WindowSetup
from desktop_app.ui.settings import Settings
from desktop_app.ui.translation import install_translations

if TYPE_CHECKING:
    # Imported after the first paint, where used (asyncio, websockets, aiohttp, sqlite).
    import asyncio

    from desktop_app.control.session import StoreFactory
    from desktop_app.control.startup import Connections
    from desktop_app.demo.server import DemoServer
    from desktop_app.net.outbox import Outbox
    from desktop_app.store.credentials import CredentialStore
    from desktop_app.store.session_cookies import SessionCookieStore
    from desktop_app.ui.network import NetworkSource

logger = logging.getLogger("desktop_app")

#: Conversations of the embedded server are remembered under this key (its port changes).
EMBEDDED_SERVER_KEY = "embedded-demo-server"
#: How long the start waits for the window's first paint before it goes on regardless
#: (a window on a desktop nobody looks at may not be painted at once).
FIRST_PAINT_WAIT_S = 2.0

T = TypeVar("T")


def system_store() -> SessionCookieStore:
    """The operating system's password store (imported when the session is restored)."""
    from desktop_app.control.session import system_store

    return system_store()


def system_credential_store() -> CredentialStore:
    """Where a kiosk's service account is kept: the operating system's password store."""
    from desktop_app.store.credentials import CredentialStore

    return CredentialStore()


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
    credential_store: Callable[[], CredentialStore] | None = None,
    window: MainWindow | None = None,
    window_ready: asyncio.Future[MainWindow] | None = None,
) -> int:
    """Run the app until its window closes; the keyword arguments are for tests.

    ``window``: the window :func:`show_window` showed, with ``settings`` (built and
    shown here if None); ``data_dir``: the data folder, already checked
    (:func:`_data_dir`, at most once); ``window_ready``: set once the window is
    attached and its conversation opening, or to the start-up failure;
    ``credential_store``: where a kiosk's service account is kept (None: a kiosk
    asks a person to sign in, like a desktop).
    """
    import asyncio  # the loop runs: asyncio is imported already (qasync's)

    built_here = window is None
    if window is None:
        window = show_window(config, settings or Settings())
    settings = window.setup.settings

    def data_file(name: str) -> Path:
        nonlocal data_dir
        if data_dir is None:
            data_dir = _data_dir()
        return data_dir / name

    closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def on_closed() -> None:
        if not closed.done():
            closed.set_result(None)

    window.closed.connect(on_closed)
    if window.is_closed:
        on_closed()  # closed while it was being painted
    try:
        async with contextlib.AsyncExitStack() as stack:
            if built_here:  # start() listens to the signals from before the first paint
                stack.enter_context(_close_on_signals(window))
            await _until_closed(_first_paint(window), closed)
            if closed.done():
                return 0
            # Imported now, after the first paint: the managers, websockets, aiohttp, sqlite.
            from desktop_app.control.startup import open_connections

            if not config.uses_demo_server:
                settings.set_last_server(window.setup.server_label)
            opening = open_connections(
                config,
                stack,
                server_key=window.setup.settings_key,
                outbox_path=outbox_path or data_file("outbox.sqlite3"),
                demo_data=(demo_data or data_file("demo-server.sqlite"))
                if config.uses_demo_server
                else None,
                session_store=session_store,
                credentials=credential_store,
                on_step=window.show_startup_step,
            )
            try:
                connections = await _until_closed(opening, closed)
            except (SdmError, OSError) as exc:
                # Said in the window (and, once it is closed, on stderr: start()).
                logger.info("Start-up failed: %s", type(exc).__name__)
                window.show_startup_failure(shown(exc))
                if window_ready is not None:
                    window_ready.set_exception(exc)
                if window.chrome.closable:
                    await closed  # a kiosk stops at once: its service manager decides
                raise
            if connections is None:
                return 0  # closed while starting: what was opened closes with the stack
            _attach(window, connections, stack, network or _network_source(app, connections))
            window.start_conversation(
                config.conversation or settings.last_conversation(window.setup.settings_key)
            )
            connections.background.start()
            # What the start made (modules, classes, the window, the managers) lives as long
            # as the app: out of the collector's generations, it is no longer walked by every
            # full collection, the worst event-loop stall during a flood (14-48 ms in B5).
            gc.freeze()
            if window_ready is not None:
                window_ready.set_result(window)
            await closed
            settings.sync()
        return 0
    finally:
        if built_here and not window.is_closed:
            window.quit_app()  # a run cancelled from outside (the self-test's) leaves no window


def _attach(
    window: MainWindow,
    connections: Connections,
    stack: contextlib.AsyncExitStack,
    network: NetworkSource,
) -> None:
    """Give the shown window its server, sockets, session and outbox; say what was kept aside."""
    from desktop_app.ui.bridge import WindowServices
    from desktop_app.ui.network import drive_managers

    setup = window.setup
    wipe_demo_data = None
    if connections.server is not None:
        wipe_demo_data = functools.partial(
            _wipe_demo_data, connections.server, connections.outbox.outbox, setup.settings
        )
    window.attach(
        WindowServices(
            server_label=setup.server_label,
            settings_key=setup.settings_key,
            chat=connections.chat,
            status=connections.status,
            client=connections.client,
            network=network,
            settings=setup.settings,
            outbox=connections.outbox,
            session=connections.session,
            background=connections.background,
            demo_account=connections.demo_account,
            open_url=setup.open_url,
            wipe_demo_data=wipe_demo_data,
        )
    )
    stack.push_async_callback(window.controller.aclose)
    drive_managers(network, [connections.background_chat])
    stack.push_async_callback(window.tasks.cancel_all)
    if connections.notes:
        window.statusBar().showMessage(
            " ".join(shown_words(note) for note in connections.notes), 60000
        )
    window.show_store_problem()


def show_window(config: AppConfig, settings: Settings) -> MainWindow:
    """The main window, built from the configuration alone and shown: no server runs yet."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        # Before the window is built: its widgets are made in their colours and size once.
        install_appearance(app, config.color_scheme)
        if not config.kiosk:  # a kiosk has its own text scale
            apply_text_scale(app, settings.text_scale())
    if config.uses_demo_server:
        setup = WindowSetup(
            server_label="the demo server",
            settings_key=EMBEDDED_SERVER_KEY,
            settings=settings,
            demo=True,
            step=StartupStep.STARTING_SERVER,
        )
    else:
        assert config.server is not None  # uses_demo_server otherwise
        endpoints = ServerEndpoints.from_base_url(
            config.server, allow_insecure=config.allow_insecure
        )
        setup = WindowSetup(
            server_label=config.server,
            settings_key=config.server,
            settings=settings,
            password_in_clear=endpoints.sends_password_in_clear,
        )
    window = MainWindow(setup, _window_chrome(config))
    # At INFO (--verbose): the start-up benchmark (bench/b6_startup.py) waits for this
    # line, also from the frozen bundle, where nothing else can observe the window.
    window.shown.connect(lambda: logger.info("Main window shown"))
    if window.chrome.full_screen:
        window.showFullScreen()
    else:
        window.show()
    return window


def _window_chrome(config: AppConfig) -> WindowChrome:
    if not config.kiosk:
        return WindowChrome()
    from desktop_app.ui.kiosk import KioskOptions

    return WindowChrome.kiosk_mode(
        KioskOptions(
            exit_keys=config.kiosk_exit_keys,
            retry_failed_after_s=config.connection.max_reconnect_delay_s,
            idle_start_over_s=config.kiosk_idle_start_over_s,
            admin_pin_hash=config.kiosk_admin_pin_hash,
            lockdown=config.kiosk_lockdown,
            clinic_name=config.kiosk_clinic_name,
            text_scale=config.kiosk_text_scale,
        )
    )


def paint_first(app: QApplication, window: MainWindow) -> None:
    """Let Qt paint ``window`` before the rest of the app is imported and started.

    No event loop runs yet, so this is no nested one: Qt's events are processed
    here until the window's first paint (a key typed meanwhile reaches the
    composer, a close is kept in :attr:`MainWindow.is_closed`), for
    FIRST_PAINT_WAIT_S at most.
    """
    deadline = QTimer()  # an event that ends the wait when no paint comes
    deadline.setSingleShot(True)
    deadline.start(round(FIRST_PAINT_WAIT_S * 1000))
    while not window.painted and not window.is_closed and deadline.isActive():
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    deadline.stop()


async def _first_paint(window: MainWindow) -> None:
    """Wait until ``window`` was painted, for FIRST_PAINT_WAIT_S at most."""
    import asyncio

    if window.painted:
        return
    painted = asyncio.get_running_loop().create_future()
    on_shown = functools.partial(_resolve, painted)
    window.shown.connect(on_shown)
    try:
        async with asyncio.timeout(FIRST_PAINT_WAIT_S):
            await painted
    except TimeoutError:
        logger.info("No paint within %.0f s (a hidden window?): starting", FIRST_PAINT_WAIT_S)
    finally:
        window.shown.disconnect(on_shown)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


async def _until_closed(work: Awaitable[T], closed: asyncio.Future[None]) -> T | None:
    """``work``'s result; None if the window was closed first (``work`` is cancelled)."""
    import asyncio

    task = asyncio.ensure_future(work)
    either: list[asyncio.Future[Any]] = [task, closed]
    try:
        await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
    finally:
        if closed.done() or not task.done():  # closed first, or this run is cancelled
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    return None if closed.done() else task.result()


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


def _network_source(app: QApplication, connections: Connections) -> NetworkSource:
    """The operating system's view of the network, unless the server is on this machine."""
    from desktop_app.ui.network import ManualNetworkSource, SystemNetworkSource

    if is_loopback_host(connections.client.endpoints.host):
        # No network is needed to reach this machine: "offline" must not stop the app.
        return ManualNetworkSource(app)
    return SystemNetworkSource(app)


@contextlib.contextmanager
def _close_on_signals(window: MainWindow) -> Iterator[None]:
    """Ctrl+C in the terminal, or SIGTERM, closes the window like the user would
    (in kiosk mode too: the service manager or an administrator asked).

    Python runs a signal handler only when the interpreter next gets control,
    and an idle window may not call into Python for seconds. So the signal also
    writes a byte to a pipe Qt watches (``signal.set_wakeup_fd``): Qt wakes,
    calls into Python, and the handler runs at once.
    """
    signals = [signal.SIGINT, signal.SIGTERM]
    previous = {sig: signal.getsignal(sig) for sig in signals}
    for sig in signals:
        signal.signal(sig, lambda _sig, _frame: QTimer.singleShot(0, window.quit_app))
    with _wakeup_pipe() as (wake_read, wake_write, read):
        notifier = QSocketNotifier(wake_read, QSocketNotifier.Type.Read)
        notifier.activated.connect(lambda: _drain(read))
        previous_fd = signal.set_wakeup_fd(wake_write)
        try:
            yield
        finally:
            signal.set_wakeup_fd(previous_fd)
            notifier.setEnabled(False)
            for sig, handler in previous.items():
                signal.signal(sig, handler)


@contextlib.contextmanager
def _wakeup_pipe() -> Iterator[tuple[int, int, Callable[[], bytes]]]:
    """A non-blocking pipe for ``signal.set_wakeup_fd``: its read end, its write end,
    and a read of up to 512 bytes from it.

    On Windows ``set_wakeup_fd`` takes a socket only, so there it is a socket pair;
    elsewhere an OS pipe, which spares the start the socket module (some 4 ms to
    import, before the first paint: B6).
    """
    if os.name != "posix":
        import socket

        sock_read, sock_write = socket.socketpair()
        with sock_read, sock_write:
            sock_read.setblocking(False)
            sock_write.setblocking(False)
            yield sock_read.fileno(), sock_write.fileno(), lambda: sock_read.recv(512)
        return
    fd_read, fd_write = os.pipe()
    try:
        os.set_blocking(fd_read, False)
        os.set_blocking(fd_write, False)
        yield fd_read, fd_write, lambda: os.read(fd_read, 512)
    finally:
        os.close(fd_read)
        os.close(fd_write)


def _drain(read: Callable[[], bytes]) -> None:
    with contextlib.suppress(OSError):  # BlockingIOError once it is empty
        while read():
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


def _load_config(command_line: CommandLine) -> AppConfig:
    """The app's configuration from every layer on this computer; ConfigError if bad."""
    return load_config(
        command_line,
        os.environ,
        remembered_server=Settings().last_server(),
        default_file=default_config_file(),
        system_file=system_config_file(os.environ),
    )


def start(command_line: CommandLine) -> int:
    """Run the app for ``command_line``; the exit status (the launcher prepared the process)."""
    try:
        config = _load_config(command_line)
    except ConfigError as exc:
        return _refuse(str(exc))
    _tell(config.notices)
    configure_logging(config.verbose)
    app = make_application()
    install_translations(app, config.language)  # before any widget: they translate when made
    if config.kiosk and config.kiosk_admin_pin_hash is None:
        return _refuse(
            f"{config.source_of('kiosk')}: kiosk mode needs an administrator PIN to leave it: "
            'set kiosk_admin_pin_hash to the line "sdm-desktop --hash-pin" prints, in '
            f"{system_config_file(os.environ)} (see the README's kiosk section)"
        )
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
    settings = Settings()
    settings.make_private()
    try:
        window = show_window(config, settings)
        # From the window's first moment: a SIGTERM while it paints closes it too.
        with _close_on_signals(window):
            paint_first(app, window)  # before asyncio, the managers and the server
            return run_on_qasync(
                app,
                run(
                    config,
                    app,
                    settings=settings,
                    data_dir=data_dir,
                    window=window,
                    credential_store=system_credential_store,
                ),
            )
    except (SdmError, OSError) as exc:
        # A file or server the app could not use at start (the outbox of a newer
        # version, say), already said in the window.
        return _refuse(str(exc))
    finally:
        lock.unlock()


def run_credentials_command(command_line: CommandLine) -> int:
    """``--store-credentials`` / ``--forget-credentials`` for the configured server."""
    import getpass

    from desktop_app.cli import credentials_command

    assert command_line.credentials is not None
    try:
        config = _load_config(command_line)
    except ConfigError as exc:
        return _refuse(str(exc))
    interactive = sys.stdin is not None and sys.stdin.isatty()
    return credentials_command(
        command_line.credentials,
        config,
        store=system_credential_store,
        ask_email=input,
        ask_password=getpass.getpass if interactive else read_password_line,
        confirm_password=interactive,
        out=sys.stdout,
        err=sys.stderr,
    )


def run_on_qasync(app: QApplication, coroutine: Coroutine[Any, Any, int]) -> int:
    """Run ``coroutine`` on a qasync loop over ``app`` and return its result."""
    import asyncio

    from desktop_app.ui.loop import AppEventLoop

    # The loop, not Qt, decides when to stop: sockets and server close first.
    app.setQuitOnLastWindowClosed(False)
    loop = AppEventLoop(app)  # qasync's, with timers that never fire early
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


def _tell(notices: Sequence[str]) -> None:
    """What the person should know about the configuration (a value ignored), on stderr."""
    for notice in notices:
        print(f"sdm-desktop: warning: {notice}", file=sys.stderr)


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
