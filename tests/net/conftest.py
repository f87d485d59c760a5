"""Fixtures of the network tests: a real demo server on 127.0.0.1, a fault proxy in front.

Intervals are scaled down (tens to hundreds of milliseconds instead of seconds)
and every wait has a generous deadline: the machines are small and noisy.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import pytest
from websockets.asyncio.server import ServerConnection, serve
from websockets.http11 import Request, Response

from desktop_app.demo.server import DemoConfig, DemoServer
from desktop_app.net import ChatWebSocketManager, StatusWebSocketManager
from desktop_app.net.manager import WebSocketManager
from tests.faultproxy import FaultProxy

# The public managers (issue 2's keywords): the base takes endpoints and a ConnectionConfig.
M = TypeVar("M", bound=ChatWebSocketManager | StatusWebSocketManager)

#: Manager options scaled down about 50x from the defaults.
FAST: dict[str, Any] = {
    "reconnect_delay": 0.05,
    "max_reconnect_delay": 0.4,
    "stable_after": 0.5,
    "ping_interval": 0.5,
    "pong_timeout": 0.5,
    "send_probe_timeout": 0.5,
    "open_timeout": 3.0,
    "close_timeout": 0.5,
}

Handler = Callable[[ServerConnection], Awaitable[None]]

DEADLINE = 10.0  # seconds: long enough for a loaded machine, short enough to fail fast


async def until(predicate: Callable[[], object], timeout: float = DEADLINE) -> None:
    """Wait until ``predicate()`` is true, running the loop; fail after ``timeout``."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        if loop.time() > end:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(0.01)  # polling with a deadline: each check is the wait


class Recorder:
    """A listener that keeps every event it is given."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def __call__(self, event: dict[str, Any]) -> None:
        self.events.append(event)

    def types(self) -> list[str]:
        return [e.get("type") or f"role:{e.get('role')}" for e in self.events]

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("type") == kind or e.get("role") == kind]

    async def wait_for(self, kind: str, count: int = 1, timeout: float = DEADLINE) -> None:
        await until(lambda: len(self.of(kind)) >= count, timeout)


async def connected_pair(
    make: Callable[..., Any], url: str, conversation: str, **options: Any
) -> tuple[ChatWebSocketManager, StatusWebSocketManager]:
    """A chat and a status manager (built with ``make``), both open on ``conversation``."""
    chat = make(ChatWebSocketManager, url, **options)
    status = make(StatusWebSocketManager, url, **options)
    chat.connect(conversation)
    status.connect(conversation)
    assert await chat.wait_connected(DEADLINE)
    assert await status.wait_connected(DEADLINE)
    return chat, status


@asynccontextmanager
async def ws_server(
    handler: Handler,
    process_request: Callable[[ServerConnection, Request], Response | None] | None = None,
) -> AsyncIterator[str]:
    """A bare ``websockets`` server on 127.0.0.1 (one that misbehaves, say); its base URL."""
    async with serve(handler, "127.0.0.1", 0, process_request=process_request) as srv:
        port = srv.sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(autouse=True)
async def loud_loop() -> AsyncIterator[None]:
    """Fail the test when a task swallowed an exception (the loop's handler was called)."""
    errors: list[dict[str, Any]] = []
    loop = asyncio.get_running_loop()

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        errors.append(context)
        loop.default_exception_handler(context)

    loop.set_exception_handler(handler)
    yield
    # Let callbacks scheduled by the test's last steps run before judging.
    await asyncio.sleep(0)  # one turn of the loop, no time: callbacks already scheduled run
    loop.set_exception_handler(None)
    assert not errors, f"the event loop reported errors: {errors}"


@pytest.fixture
async def demo() -> AsyncIterator[DemoServer]:
    """The demo server with a fast scripted assistant, no login needed."""
    server = DemoServer(DemoConfig(reply_delay_s=0.05, step_delay_s=0.02, require_login=False))
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def proxy(demo: DemoServer) -> AsyncIterator[FaultProxy]:
    """A fault proxy in front of the demo server."""
    async with FaultProxy("127.0.0.1", demo.port) as fault_proxy:
        yield fault_proxy


@pytest.fixture
async def make() -> AsyncIterator[Callable[..., Any]]:
    """Build managers with the FAST options; every one is closed at the end of the test."""
    made: list[WebSocketManager] = []

    def factory(cls: type[M], base_url: str, **overrides: Any) -> M:
        options = {**FAST, "rng": random.Random(len(made)), **overrides}
        manager = cls(base_url, **options)
        made.append(manager)
        return manager

    yield factory
    await asyncio.gather(*(manager.aclose() for manager in made))
