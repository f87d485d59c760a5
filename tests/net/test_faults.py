"""Recovery from real network faults, injected by the TCP proxy or by stopping the server.

Includes the browser client's four manual test scenarios (network drop, server
restart, send while disconnected, keepalive), automated with scaled-down times.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any

import pytest

from desktop_app.core.machine import ConnectionState
from desktop_app.demo.server import DemoServer
from desktop_app.net import ChatWebSocketManager, StatusWebSocketManager
from tests.faultproxy import FaultProxy
from tests.net.conftest import FAST, Recorder, connected_pair, until


async def test_network_drop_both_sockets_reconnect(
    proxy: FaultProxy, demo: DemoServer, make: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    chat, status = await connected_pair(make, proxy.url(), demo.create_conversation())
    chat_events, status_events = Recorder(), Recorder()
    chat.on_message(chat_events)
    status.on_message(status_events)

    proxy.reset()  # every TCP connection gets an RST

    for events in (chat_events, status_events):
        await events.wait_for("connection_established")
        disconnected = events.of("disconnected")[0]
        assert disconnected["code"] == 1006
        assert events.of("reconnecting")[0]["attempt"] == 1
        assert events.of("reconnecting")[0]["max"] == 5
    assert chat.is_connected
    assert status.is_connected
    assert "[ChatWS] Connection closed: 1006" in caplog.text
    assert "[ChatWS] Reconnecting in " in caplog.text
    assert "(attempt 1/5)" in caplog.text
    assert "[StatusWS] Connected successfully" in caplog.text


async def test_server_restart_reconnects_with_growing_delays(demo: DemoServer, make: Any) -> None:
    conversation = demo.create_conversation()
    chat, status = await connected_pair(
        make, demo.base_url, conversation, max_reconnect_attempts=None, jitter=False
    )
    events = Recorder()
    chat.on_message(events)

    await demo.stop()
    await events.wait_for("reconnecting", count=4)
    delays = [e["delay"] for e in events.of("reconnecting")]
    assert delays[:4] == [0.05, 0.1, 0.2, 0.4]  # doubling, capped at max_reconnect_delay
    await demo.start()

    await events.wait_for("connection_established")
    assert await status.wait_connected(10)
    # Still the same conversation after the restart: a message goes through.
    chat.send_message("after the restart")
    await events.wait_for("bot")


async def test_send_while_disconnected_returns_false_then_works_after_reconnect(
    proxy: FaultProxy, demo: DemoServer, make: Any, caplog: pytest.LogCaptureFixture
) -> None:
    chat, _ = await connected_pair(make, proxy.url(), demo.create_conversation())
    events = Recorder()
    chat.on_message(events)
    assert chat.send_message("first")
    await events.wait_for("user")

    proxy.refuse()
    proxy.reset()
    await until(lambda: not chat.is_connected)
    assert chat.send_message("second") is False
    assert "[ChatWS] Cannot send - socket not open" in caplog.text

    proxy.refuse(False)
    assert await chat.wait_connected(10)
    assert chat.send_message("third")
    await events.wait_for("user", count=2)
    assert [e["content"] for e in events.of("user")] == ["first", "third"]


async def test_half_open_connection_is_detected_by_the_keepalive(
    proxy: FaultProxy, demo: DemoServer, make: Any
) -> None:
    chat = make(ChatWebSocketManager, proxy.url(), ping_interval=0.3, pong_timeout=0.3)
    events = Recorder()
    chat.on_message(events)
    chat.connect(demo.create_conversation())
    assert await chat.wait_connected(10)

    loop = asyncio.get_running_loop()
    proxy.blackhole()  # TCP stays up, nothing gets through: no error is ever reported
    started = loop.time()
    await events.wait_for("disconnected")
    noticed = loop.time() - started

    # 0.3 s: the next ping is due; 0.6 s: its pong deadline passes. Margin for a busy machine.
    assert noticed <= 0.3 + 0.3 + 0.5
    assert "keepalive" in events.of("disconnected")[0]["reason"]
    proxy.blackhole(False)
    await events.wait_for("connection_established", count=2)


async def test_a_send_probes_a_dead_connection_within_seconds(
    proxy: FaultProxy, demo: DemoServer, make: Any
) -> None:
    # Pings are 30 s apart: only the probe after the send can notice the dead link.
    chat = make(
        ChatWebSocketManager,
        proxy.url(),
        ping_interval=30.0,
        pong_timeout=10.0,
        send_probe_timeout=0.3,
    )
    events = Recorder()
    chat.on_message(events)
    chat.connect(demo.create_conversation())
    assert await chat.wait_connected(10)

    loop = asyncio.get_running_loop()
    proxy.blackhole()
    started = loop.time()
    assert chat.send_message("into the void")
    await events.wait_for("disconnected", timeout=5)
    assert loop.time() - started <= 0.3 + 1.0


async def test_a_server_that_is_not_running_is_said_in_words(make: Any) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    chat = make(ChatWebSocketManager, f"http://127.0.0.1:{port}", max_reconnect_attempts=1)
    chat.connect("11111111-2222-4333-8444-555555555555")
    await until(lambda: chat.state is ConnectionState.FAILED)
    assert chat.failure_reason == "the server is not accepting connections"
    assert chat.last_error is not None
    assert "Errno" in chat.last_error  # the detail, for Help → Connection diagnostics


async def test_max_attempts_then_connection_failed(
    proxy: FaultProxy, demo: DemoServer, make: Any
) -> None:
    chat = make(ChatWebSocketManager, proxy.url(), max_reconnect_attempts=3)
    events = Recorder()
    chat.on_message(events)
    chat.connect(demo.create_conversation())
    assert await chat.wait_connected(10)
    before = proxy.total_connections

    proxy.refuse()
    proxy.reset()
    await events.wait_for("connection_failed")
    # The failure is reported after the third attempt ended: every attempt has reached the
    # proxy. (The tries that follow, every max_reconnect_delay: test_retry_after_giving_up.)

    assert chat.state is ConnectionState.FAILED
    assert [e["attempt"] for e in events.of("reconnecting")] == [1, 2, 3]
    assert proxy.total_connections - before == 3
    reason = events.of("connection_failed")[0]["reason"]
    # Words for a person (issue 10: no exception class or errno in the status bar);
    # the library's text is kept for the diagnostics.
    assert reason == "the connection closed before the server answered"
    assert chat.last_error is not None
    assert chat.last_error.startswith("InvalidMessage: ")
    assert chat.send_message("x") is False

    # Reconnect skips the wait for the next try: works again, counter reset.
    proxy.refuse(False)
    chat.reconnect_now()
    assert await chat.wait_connected(10)
    assert chat.reconnect_attempts == 0


async def test_retry_forever_outlasts_the_browser_client(
    proxy: FaultProxy, demo: DemoServer, make: Any
) -> None:
    chat = make(
        ChatWebSocketManager, proxy.url(), max_reconnect_attempts=None, max_reconnect_delay=0.1
    )
    events = Recorder()
    chat.on_message(events)
    chat.connect(demo.create_conversation())
    assert await chat.wait_connected(10)

    proxy.refuse()
    proxy.reset()
    await events.wait_for("reconnecting", count=8)  # the browser client gives up after 5
    assert events.of("connection_failed") == []
    assert events.of("reconnecting")[-1]["max"] is None
    proxy.refuse(False)
    await events.wait_for("connection_established", count=2)


async def test_network_lost_pauses_without_using_attempts_and_back_reconnects_at_once(
    proxy: FaultProxy, demo: DemoServer, make: Any
) -> None:
    # A long backoff step shows that coming back online does not wait for a timer.
    chat, status = await connected_pair(
        make,
        proxy.url(),
        demo.create_conversation(),
        reconnect_delay=30.0,
        max_reconnect_delay=60.0,
    )
    events = Recorder()
    chat.on_message(events)
    before = proxy.total_connections

    for manager in (chat, status):
        manager.set_network_available(False)
    assert chat.state is ConnectionState.OFFLINE
    assert status.state is ConnectionState.OFFLINE
    assert chat.reconnect_attempts == 0
    assert events.types()[:2] == ["disconnected", "offline"]

    loop = asyncio.get_running_loop()
    started = loop.time()
    for manager in (chat, status):
        manager.set_network_available(True)
    assert await chat.wait_connected(10)
    assert await status.wait_connected(10)
    assert loop.time() - started < 5.0  # far below the 30 s backoff step
    assert "online" in events.types()
    # One connection each since going offline: none was attempted while offline.
    assert proxy.total_connections == before + 2


async def test_network_lost_while_waiting_to_retry(
    proxy: FaultProxy, demo: DemoServer, make: Any
) -> None:
    chat = make(ChatWebSocketManager, proxy.url(), reconnect_delay=30.0, max_reconnect_delay=60.0)
    chat.connect(demo.create_conversation())
    assert await chat.wait_connected(10)
    proxy.reset()
    await until(lambda: chat.state is ConnectionState.RECONNECTING)

    chat.set_network_available(False)
    assert chat.state is ConnectionState.OFFLINE
    chat.set_network_available(True)
    assert await chat.wait_connected(10)


async def test_reconnect_now_skips_the_wait_and_resets_the_backoff(
    proxy: FaultProxy, demo: DemoServer, make: Any
) -> None:
    chat = make(ChatWebSocketManager, proxy.url(), reconnect_delay=30.0, max_reconnect_delay=60.0)
    chat.connect(demo.create_conversation())
    assert await chat.wait_connected(10)
    proxy.refuse()
    proxy.reset()
    await until(lambda: chat.state is ConnectionState.RECONNECTING)
    proxy.refuse(False)

    chat.reconnect_now()
    assert chat.is_connecting
    assert await chat.wait_connected(5)  # not the 30 s the timer would have waited
    assert chat.reconnect_attempts == 0


async def test_reconnect_now_while_connecting_opens_no_second_socket(
    proxy: FaultProxy, demo: DemoServer, make: Any
) -> None:
    chat = make(ChatWebSocketManager, proxy.url())
    proxy.set_delay(0.3)  # keeps the handshake in progress for a while
    chat.connect(demo.create_conversation())
    chat.reconnect_now()
    chat.reconnect_now()
    assert await chat.wait_connected(10)
    frames = Recorder()
    chat.on_message(frames)
    proxy.set_delay(0.0)
    chat.reconnect_now()  # while open: nothing to do
    # A message's echo from the server: a second socket, had the call above started one,
    # would have reached the proxy before this round trip through it ended.
    assert chat.send_message("still the one socket")
    await frames.wait_for("user")
    assert proxy.total_connections == 1
    assert chat.is_connected


async def test_server_that_accepts_and_closes_does_not_cause_a_hot_loop(
    proxy: FaultProxy, demo: DemoServer, make: Any
) -> None:
    # The server accepts and at once drops every connection (stopped with abort,
    # restarted: the proxy resets each new connection right after the handshake).
    chat = make(ChatWebSocketManager, proxy.url(), max_reconnect_attempts=4, jitter=False)
    events = Recorder()
    chat.on_message(events)

    def reset_when_open(event: dict[str, Any]) -> None:
        if event["type"] == "connection_established":
            proxy.reset()

    chat.on_message(reset_when_open)
    chat.connect(demo.create_conversation())
    await events.wait_for("connection_failed")

    # Each short-lived connection counted as a failed attempt: the delays kept growing.
    assert [e["delay"] for e in events.of("reconnecting")] == [0.05, 0.1, 0.2, 0.4]
    assert len(events.of("connection_established")) == 5


async def test_a_stable_connection_resets_the_attempt_counter(
    proxy: FaultProxy, demo: DemoServer, make: Any
) -> None:
    chat = make(ChatWebSocketManager, proxy.url(), jitter=False, stable_after=0.3)
    events = Recorder()
    chat.on_message(events)
    chat.connect(demo.create_conversation())
    assert await chat.wait_connected(10)
    proxy.reset()
    await events.wait_for("connection_established", count=2)
    await asyncio.sleep(0.5)  # real time is the subject: up for longer than stable_after
    proxy.reset()
    await events.wait_for("connection_established", count=3)
    assert [e["attempt"] for e in events.of("reconnecting")] == [1, 1]


async def test_status_stale_timeout_and_disconnect_clear_thinking(
    make: Any,
) -> None:
    from desktop_app.demo.server import DemoConfig

    # The assistant "thinks" for 30 s; the stale timeout is 0.3 s.
    async with DemoServer(DemoConfig(reply_delay_s=30.0, require_login=False)) as server:
        conversation = server.create_conversation()
        chat, status = await connected_pair(make, server.base_url, conversation)
        status_stale = make(StatusWebSocketManager, server.base_url, stale_timeout=0.3)
        statuses, stale_statuses = Recorder(), Recorder()
        status.on_status_change(statuses)
        status_stale.on_status_change(stale_statuses)
        status_stale.connect(conversation)
        assert await status_stale.wait_connected(10)

        chat.send_message("a hard question")
        await statuses.wait_for("thinking_start")
        await stale_statuses.wait_for("thinking_start")
        assert status.is_thinking

        # 0.3 s after thinking_start: the synthetic thinking_end.
        await stale_statuses.wait_for("thinking_end", timeout=5)
        assert stale_statuses.of("thinking_end")[0]["reason"] == "stale_timeout"
        assert not status_stale.is_thinking
        assert status.is_thinking  # its own 30 s timeout has not passed

        status.disconnect()
        assert [status.is_thinking] == [False]  # in a list: mypy would narrow the property for good
        assert statuses.of("thinking_end")[0]["reason"] == "disconnected"
        await server.stop(abort=True)


def test_fast_options_are_scaled_down() -> None:
    # The fixtures' options must stay well below the defaults, or the suite gets slow.
    assert FAST["ping_interval"] <= 1
    assert FAST["reconnect_delay"] <= 0.1
