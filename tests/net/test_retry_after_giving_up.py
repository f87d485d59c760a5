"""Issue 13, B3: after its attempts a socket says it failed and keeps trying by itself.

Real sockets: the demo server behind the fault proxy, scaled-down delays (the
longest 0.4 s instead of 30 s). Nobody calls ``reconnect_now``: the pair comes
back on its own once the proxy lets connections through again. A refusal that
waiting cannot fix (HTTP 403) sets no timer at all: checked on a manual clock,
where any retry would have to be a timer of that clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from desktop_app.control.startup import join_sockets
from desktop_app.core.clock import ManualClock
from desktop_app.core.machine import ConnectionState
from desktop_app.demo.server import DemoConfig, DemoServer
from desktop_app.net import ChatWebSocketManager, StatusWebSocketManager
from desktop_app.net.http import PlatformClient
from desktop_app.net.manager import WebSocketManager, retry_together
from tests.faultproxy import FaultProxy
from tests.net.conftest import FAST, Recorder, connected_pair, until

CAP_S = FAST["max_reconnect_delay"]


async def test_after_its_attempts_a_pair_says_failed_then_comes_back_by_itself(
    proxy: FaultProxy, demo: DemoServer, make: Any
) -> None:
    chat, status = await connected_pair(
        make, proxy.url(), demo.create_conversation(), max_reconnect_attempts=2
    )
    retry_together([chat, status])
    chat_events, status_events = Recorder(), Recorder()
    chat.on_message(chat_events)
    status.on_message(status_events)

    # 0 s: the server goes away (every connection reset, every new one refused).
    proxy.refuse()
    proxy.reset()
    # Two attempts each (windows of 50 and 100 ms), then "failed" with the next try set.
    await chat_events.wait_for("connection_failed")
    await status_events.wait_for("connection_failed")
    assert [e["attempt"] for e in chat_events.of("reconnecting")] == [1, 2]
    failed = chat_events.of("connection_failed")[0]
    assert 0 < failed["delay"] <= CAP_S
    assert failed["reason"] == "the connection closed before the server answered"

    # Still away: the tries go on, each one failing back to "failed" with the next set
    # (about one per 0.4 s), never a Reconnecting count past the attempts.
    tried = proxy.total_connections
    await chat_events.wait_for("connection_failed", count=3)
    assert proxy.total_connections >= tried + 2
    assert chat.state in (ConnectionState.FAILED, ConnectionState.CONNECTING)
    assert [e["attempt"] for e in chat_events.of("reconnecting")] == [1, 2]

    # The server is back: both sockets open by themselves within one window (plus margin
    # for a busy machine), nobody pressed Reconnect.
    proxy.refuse(False)
    assert await chat.wait_connected(10)
    assert await status.wait_connected(10)
    assert chat.failure_reason is None


def _retry_together(managers: list[WebSocketManager]) -> None:
    retry_together(managers)


def _as_the_app_joins_them(managers: list[WebSocketManager]) -> None:
    join_sockets(PlatformClient("http://127.0.0.1:9"), managers)


@pytest.mark.parametrize("join", [_retry_together, _as_the_app_joins_them])
async def test_a_peer_that_opens_brings_a_socket_that_used_up_its_attempts(
    proxy: FaultProxy, demo: DemoServer, make: Any, join: Callable[[list[WebSocketManager]], None]
) -> None:
    conversation = demo.create_conversation()
    # The chat socket waits an hour between its tries after the attempts (its clock never
    # moves), the status one an ordinary 0.4 s: only the peer rule can bring the chat.
    chat = make(ChatWebSocketManager, proxy.url(), max_reconnect_attempts=0, clock=ManualClock())
    status = make(StatusWebSocketManager, proxy.url())
    join([chat, status])
    proxy.refuse()
    chat.connect(conversation)
    await until(lambda: chat.state is ConnectionState.FAILED)
    assert chat.retry_in is not None  # trying again, just not soon

    proxy.refuse(False)
    status.connect(conversation)
    assert await status.wait_connected(10)
    assert await chat.wait_connected(10)


async def test_a_403_refusal_schedules_no_retry(make: Any) -> None:
    strict = DemoServer(DemoConfig(allowed_hosts=("sdm.example.org",), require_login=False))
    await strict.start()
    try:
        async with FaultProxy("127.0.0.1", strict.port) as proxy:
            clock = ManualClock()
            chat = make(ChatWebSocketManager, proxy.url(), max_reconnect_attempts=0, clock=clock)
            events = Recorder()
            chat.on_message(events)
            chat.connect(strict.create_conversation())
            await events.wait_for("connection_failed")

            assert chat.state is ConnectionState.FAILED
            assert "HTTP 403" in (chat.failure_reason or "")
            assert "delay" not in events.of("connection_failed")[0]
            assert chat.retry_in is None
            assert clock.pending == 0  # no timer: nothing could ever start a try
            clock.advance(3600.0)
            await asyncio.sleep(0)
            assert chat.state is ConnectionState.FAILED
            assert proxy.total_connections == 1
            await chat.aclose()
    finally:
        await strict.stop()


async def test_after_a_sleep_a_socket_that_used_up_its_attempts_tries_at_once(
    proxy: FaultProxy, demo: DemoServer, make: Any
) -> None:
    # On a clock that never moves, the next try can never come by itself.
    chat = make(ChatWebSocketManager, proxy.url(), max_reconnect_attempts=0, clock=ManualClock())
    proxy.refuse()
    chat.connect(demo.create_conversation())
    await until(lambda: chat.state is ConnectionState.FAILED)
    assert chat.retry_in is not None

    proxy.refuse(False)
    chat.probe_now()  # what the sleep watcher does after a sleep
    assert await chat.wait_connected(10)
