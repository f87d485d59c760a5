"""Fixtures of the UI tests: a qasync loop shared by Qt and asyncio, a demo server on it.

``qtbot.waitUntil`` does not run asyncio tasks, so tests drive the loop instead:
``run(coroutine)`` or ``wait_until(predicate)`` run Qt events and asyncio tasks together.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pytest
import qasync
from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication

from desktop_app.demo.server import DemoConfig, DemoServer

T = TypeVar("T")

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
                await asyncio.sleep(0.01)

        try:
            self.run(poll(), timeout)
        except TimeoutError:
            raise AssertionError(f"condition not met within {timeout} s") from None

    def call(self, function: Callable[..., T], *args: Any) -> T:
        """Call ``function`` from a task on the loop, as the app's slots are called."""

        async def inside() -> T:
            return function(*args)

        return self.run(inside())

    def sleep(self, seconds: float) -> None:
        self.run(asyncio.sleep(seconds))


@pytest.fixture
def driver(qapp: QApplication) -> Iterator[LoopDriver]:
    """A qasync loop for the test; fails the test if a task swallowed an exception."""
    loop = qasync.QEventLoop(qapp, already_running=True)
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
        driver.sleep(0.01)
    finally:
        # stop() would call QApplication.exit(), which leaves a quit pending for the
        # next test's Qt event loop; mark the loop stopped without it.
        loop._QEventLoop__is_running = False  # type: ignore[attr-defined]
        loop.close()
        # qasync marked the loop as running for the whole test; nothing runs now.
        asyncio.events._set_running_loop(None)
        asyncio.set_event_loop(None)
    assert not driver.errors, f"the event loop reported errors: {driver.errors}"


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
