"""``sdm-desktop --self-test``: does this installation work, end to end?

It runs the real app (window included; offscreen works) on the embedded demo
server with every file in a temporary directory, so the user's data and
settings are untouched: both sockets must connect, a message must be
delivered and the assistant's reply must arrive. It also reports whether Qt's
network-information plugin loads, which a packaged build can miss.

One line per step on stdout; the last one is ``Self-test passed`` (status 0)
or ``Self-test failed: <reason>`` (status 1).
"""

from __future__ import annotations

import asyncio
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from PySide6.QtCore import QSettings, qVersion
from PySide6.QtWidgets import QApplication

from desktop_app.app import configure_logging, make_application, run, run_on_qasync
from desktop_app.cli import CommandLine, version_line
from desktop_app.core.config import DEMO_SERVER, AppConfig
from desktop_app.core.frames import Role
from desktop_app.core.presence import Presence
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.network import SystemNetworkSource
from desktop_app.ui.settings import Settings

#: Each step must finish within this; generous, for a cold start on a slow machine.
STEP_TIMEOUT_S = 60.0
POLL_S = 0.05
#: What the self-test sends: fixed text, never anything a person typed.
PROBE_MESSAGE = "Self-test: is the assistant there?"


class SelfTestFailed(Exception):
    """A step that did not work; the message says which and why."""


def network_backend() -> str:
    """The network-information backend the app loads (``SystemNetworkSource``), or ``none``.

    The app works without one (it then counts as online), so a missing backend
    is reported, not failed.
    """
    name = SystemNetworkSource().backend
    if name in ("dummy", "none"):
        return f"{name} (online/offline changes are not detected)"
    return name


async def password_store() -> str:
    """The keyring backend that keeps the session, and whether it can (not a failure:
    without one the app asks to sign in at each start)."""
    from desktop_app.control.session import system_store

    store = await asyncio.to_thread(system_store)
    if store.available:
        return f"{store.backend_name} (keeps the session between starts)"
    return f"{store.backend_name} (none available: sign-in at each start)"


class SelfTest:
    """The steps, reported on ``out`` as they pass."""

    def __init__(self, app: QApplication, out: TextIO, *, step_timeout_s: float) -> None:
        self.app = app
        self.out = out
        self.step_timeout_s = step_timeout_s
        self.started = time.monotonic()

    def report(self, line: str) -> None:
        print(f"[{time.monotonic() - self.started:5.2f} s] {line}", file=self.out, flush=True)

    async def wait_for(self, what: str, predicate: Callable[[], bool]) -> None:
        try:
            async with asyncio.timeout(self.step_timeout_s):
                # Several objects, no common signal: polling is simplest.
                while not predicate():  # noqa: ASYNC110
                    await asyncio.sleep(POLL_S)
        except TimeoutError:
            raise SelfTestFailed(f"{what}: not done within {self.step_timeout_s:.0f} s") from None

    async def run(self) -> None:
        self.report(f"SDM Desktop {version_line()}")
        self.report(f"Python {platform.python_version()}, Qt {qVersion()}")
        self.report(f"Qt platform plugin: {self.app.platformName()}")
        self.report(f"Network information backend: {network_backend()}")
        self.report(f"Password store: {await password_store()}")
        with tempfile.TemporaryDirectory(
            prefix="sdm-self-test-", ignore_cleanup_errors=True
        ) as tmp:
            folder = Path(tmp)
            settings = Settings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
            ready: asyncio.Future[MainWindow] = asyncio.get_running_loop().create_future()
            app_run = asyncio.ensure_future(
                run(
                    AppConfig(server=DEMO_SERVER),
                    self.app,
                    settings=settings,
                    demo_data=folder / "demo.sqlite",
                    outbox_path=folder / "outbox.sqlite3",
                    window_ready=ready,
                )
            )
            try:
                await self._steps(app_run, ready)
            finally:
                if not app_run.done():
                    app_run.cancel()
                    await asyncio.gather(app_run, return_exceptions=True)

    async def _steps(self, app_run: asyncio.Future[int], ready: asyncio.Future[MainWindow]) -> None:
        started: list[asyncio.Future[Any]] = [app_run, ready]
        await asyncio.wait(started, timeout=self.step_timeout_s, return_when="FIRST_COMPLETED")
        if ready.done() and ready.exception() is not None:
            # The window says it too, and waits to be closed: the self-test need not.
            raise SelfTestFailed(f"the app could not start ({_failure(ready)})")
        if app_run.done():
            raise SelfTestFailed(f"the app stopped at start-up ({_failure(app_run)})")
        if not ready.done():
            raise SelfTestFailed("the window did not open")
        window = ready.result()
        self.report(f"Window shown; embedded server at {window.services.client.endpoints.origin}")

        await self.wait_for(
            "connecting both sockets", lambda: window.indicator.presence is Presence.CONNECTED
        )
        self.report(f"Chat and status sockets connected ({window.indicator.summary.text})")

        window.composer.setPlainText(PROBE_MESSAGE)
        window.on_send()
        await self.wait_for(
            "the assistant's reply",
            lambda: any(e.role is Role.BOT for e in window.transcript.entries()),
        )
        reply = next(e for e in window.transcript.entries() if e.role is Role.BOT)
        self.report(f"Message delivered; reply received ({len(reply.content)} characters)")

        window.quit_app()
        try:
            async with asyncio.timeout(self.step_timeout_s):
                status = await app_run
        except TimeoutError:
            raise SelfTestFailed("the app did not shut down") from None
        if status != 0:
            raise SelfTestFailed(f"the app exited with status {status}")
        self.report("Sockets closed and server stopped cleanly")


def _failure(task: asyncio.Future[Any]) -> str:
    if task.cancelled():
        return "cancelled"
    exc = task.exception()
    return f"{type(exc).__name__}: {exc}" if exc else f"status {task.result()}"


async def self_test(app: QApplication, out: TextIO, *, step_timeout_s: float) -> int:
    """Run every step; 0 if all passed, else 1 (the reason is on ``out``)."""
    test = SelfTest(app, out, step_timeout_s=step_timeout_s)
    try:
        await test.run()
    except SelfTestFailed as exc:
        print(f"Self-test failed: {exc}", file=out, flush=True)
        return 1
    except Exception as exc:  # a bug or a broken installation: say what, not a traceback
        print(f"Self-test failed: {type(exc).__name__}: {exc}", file=out, flush=True)
        return 1
    print("Self-test passed", file=out, flush=True)
    return 0


def main(command_line: CommandLine) -> int:
    """The ``--self-test`` action (the user's configuration is not read)."""
    configure_logging(verbose=bool(command_line.layer.values.get("verbose")))
    app = make_application()
    return run_on_qasync(app, self_test(app, sys.stdout, step_timeout_s=STEP_TIMEOUT_S))
