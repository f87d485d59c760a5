"""The real main window on a qasync loop, offscreen, for the benchmarks that need one.

:func:`open_window` builds :class:`~desktop_app.ui.main_window.MainWindow` the way
the app (and ``tests/ui/conftest.py``) does, with the real chat and status
managers, HTTP client and outbox, opens a conversation and waits until both
sockets are open and its history is shown. Settings and the outbox live in a
temporary directory; the network source is manual (always online).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def run_on_qasync(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run ``main()`` on a qasync loop over an offscreen QApplication; its result."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from desktop_app.ui.loop import AppEventLoop

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(["bench"])
    app.setQuitOnLastWindowClosed(False)
    loop = AppEventLoop(app)  # the app's loop: its timers, too
    asyncio.set_event_loop(loop)
    with loop:
        result: T = loop.run_until_complete(main())
    asyncio.set_event_loop(None)
    return result


async def until(predicate: Callable[[], object], limit_s: float, what: str) -> None:
    """Run the loop until ``predicate()`` is true; RuntimeError after ``limit_s`` s."""
    deadline = time.monotonic() + limit_s
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {limit_s:g} s waiting for {what}")
        await asyncio.sleep(0.005)


@contextlib.asynccontextmanager
async def open_window(base_url: str, conversation_id: str, **knobs: Any) -> AsyncIterator[Any]:
    """A shown :class:`MainWindow` on ``conversation_id``, both sockets open, history shown."""
    from PySide6.QtCore import QSettings

    from desktop_app.control.session import SessionController
    from desktop_app.core.presence import Presence
    from desktop_app.net.chat import ChatWebSocketManager
    from desktop_app.net.http import PlatformClient
    from desktop_app.net.outbox import OutboxSender
    from desktop_app.net.status import StatusWebSocketManager
    from desktop_app.store.outbox import OutboxStore
    from desktop_app.ui.main_window import MainWindow, WindowServices
    from desktop_app.ui.network import ManualNetworkSource
    from desktop_app.ui.settings import Settings

    with tempfile.TemporaryDirectory(prefix="sdm-bench-") as folder:
        client = PlatformClient(base_url)
        # The benchmark servers require no sign-in; a session cookie they ignore lets
        # the window connect (it never opens a socket without one), and their first
        # history answer confirms it like the platform's would.
        client.restore_session({"sessionid": "benchmark"})
        chat = ChatWebSocketManager(base_url, **knobs)
        status = StatusWebSocketManager(base_url, **knobs)
        session = SessionController(client, [chat, status], server_key=base_url, store=None)
        store = OutboxStore(None)
        outbox = OutboxSender(store, chat, client.history)
        settings = Settings(
            QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
        )
        window = MainWindow(
            WindowServices(
                server_label=base_url,
                settings_key=base_url,
                chat=chat,
                status=status,
                client=client,
                network=ManualNetworkSource(),
                settings=settings,
                outbox=outbox,
                session=session,
            )
        )
        try:
            window.show()
            window.open_conversation(conversation_id, "Benchmark")
            await until(
                lambda: (
                    window.indicator.presence is Presence.CONNECTED
                    and window.controller.phase.value == "ready"
                    and not window.tasks.pending
                ),
                30,
                "the window to connect and show the history",
            )
            gc.freeze()  # as desktop_app.app.run does once the app has started
            yield window
        finally:
            window.quit_app()
            await window.tasks.cancel_all()
            await window.controller.aclose()
            await chat.aclose()
            await status.aclose()
            await outbox.aclose()
            await session.aclose()
            await client.aclose()
            store.close()
