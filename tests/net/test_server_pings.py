"""A server's own protocol-level pings stand in for ours; a dead link is still noticed.

Against a ``websockets`` server on 127.0.0.1 that answers ``{"type": "ping"}`` and,
like uvicorn (every 20 s), sends protocol-level pings of its own, here scaled down:
the server pings every 0.2 s, our keepalive every 0.5 s with 0.5 s for the pong.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from desktop_app.net import ChatWebSocketManager
from tests.faultproxy import FaultProxy
from tests.net.conftest import Recorder, until

SERVER_PING_EVERY_S = 0.2
OURS: dict[str, Any] = {"ping_interval": 0.5, "pong_timeout": 0.5}


class PingingServer:
    """Answers our JSON pings (and counts them); with ``ping_every_s``, sends protocol
    pings of its own, each after the previous one was answered (and counts those)."""

    def __init__(self, ping_every_s: float | None) -> None:
        self.ping_every_s = ping_every_s
        self.app_pings = 0  # {"type": "ping"} frames from the client
        self.answered_pings = 0  # the server's protocol pings the client answered
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _handle(self, ws: ServerConnection) -> None:
        heartbeat = None
        if self.ping_every_s is not None:
            heartbeat = asyncio.create_task(self._heartbeat(ws, self.ping_every_s))
        try:
            async for data in ws:
                if json.loads(data).get("type") == "ping":
                    self.app_pings += 1
                    await ws.send(json.dumps({"type": "pong"}))
        except ConnectionClosed:
            pass
        finally:
            if heartbeat is not None:
                heartbeat.cancel()

    async def _heartbeat(self, ws: ServerConnection, every_s: float) -> None:
        with contextlib.suppress(ConnectionClosed):
            while True:
                await asyncio.sleep(every_s)  # real time: the server's ping schedule
                await (await ws.ping())
                self.answered_pings += 1

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[PingingServer]:
        # The library's own keepalive is off: the handler pings, so it can count.
        async with serve(self._handle, "127.0.0.1", 0, ping_interval=None) as server:
            self.port = server.sockets[0].getsockname()[1]
            yield self


@pytest.fixture
async def pinging() -> AsyncIterator[PingingServer]:
    async with PingingServer(SERVER_PING_EVERY_S).running() as server:
        yield server


@pytest.fixture
async def silent() -> AsyncIterator[PingingServer]:
    async with PingingServer(None).running() as server:
        yield server


def conversation() -> str:
    return str(uuid.uuid4())


async def test_no_ping_of_ours_while_the_server_pings_more_often(
    pinging: PingingServer, make: Any
) -> None:
    chat = make(ChatWebSocketManager, pinging.base_url, **OURS)
    chat.connect(conversation())
    assert await chat.wait_connected(10)

    # 0.5 s, 1.0 s, 1.5 s, 2.0 s: our pings would have been due; the server's ten
    # answered pings (at least 2 s) prove there was time for them.
    await until(lambda: pinging.answered_pings >= 10)

    assert pinging.app_pings == 0
    assert chat.is_connected
    assert chat.latency is None  # nothing of ours to time: no ping went out


async def test_our_pings_go_on_when_the_server_never_pings(
    silent: PingingServer, make: Any
) -> None:
    chat = make(ChatWebSocketManager, silent.base_url, **OURS)
    chat.connect(conversation())
    assert await chat.wait_connected(10)

    # 0.5 s, 1.0 s, 1.5 s: our pings, each answered.
    await until(lambda: silent.app_pings >= 3)

    assert chat.is_connected
    assert chat.latency is not None


async def test_a_black_hole_is_noticed_although_the_server_pinged(
    pinging: PingingServer, make: Any
) -> None:
    async with FaultProxy("127.0.0.1", pinging.port) as proxy:
        chat = make(ChatWebSocketManager, proxy.url(), **OURS)
        events = Recorder()
        chat.on_message(events)
        chat.connect(conversation())
        assert await chat.wait_connected(10)
        await until(lambda: pinging.answered_pings >= 3)

        loop = asyncio.get_running_loop()
        proxy.blackhole()  # TCP stays up, nothing gets through: no error is ever reported
        started = loop.time()
        await events.wait_for("disconnected")
        noticed = loop.time() - started

        # The last server ping got through at most 0.2 s before the black hole (plus a
        # busy machine's delay); 0.5 s after it our ping goes out, 0.5 s later its pong
        # is overdue. A generous margin on top.
        assert noticed <= 0.5 + 0.5 + 1.5
        assert "keepalive" in events.of("disconnected")[0]["reason"]
        assert pinging.app_pings == 0  # our ping went into the black hole


async def test_a_send_probes_a_dead_link_although_the_server_pinged(
    pinging: PingingServer, make: Any
) -> None:
    async with FaultProxy("127.0.0.1", pinging.port) as proxy:
        # Our pings are 30 s apart: only the probe after the send can notice the dead link.
        chat = make(
            ChatWebSocketManager,
            proxy.url(),
            ping_interval=30.0,
            pong_timeout=10.0,
            send_probe_timeout=0.3,
        )
        events = Recorder()
        chat.on_message(events)
        chat.connect(conversation())
        assert await chat.wait_connected(10)
        await until(lambda: pinging.answered_pings >= 3)

        loop = asyncio.get_running_loop()
        proxy.blackhole()
        started = loop.time()
        assert chat.send_message("into the void")
        await events.wait_for("disconnected", timeout=5)

        assert loop.time() - started <= 0.3 + 1.0
