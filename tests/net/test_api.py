"""The managers' contract: construction, validation, switching, listeners, clean shutdown.

Where timing is the subject, the managers run on a :class:`ManualClock`: a test
moves time past a deadline and looks, instead of sleeping and hoping.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from typing import Any

import pytest
import websockets
from websockets.asyncio.server import ServerConnection

from desktop_app.core.clock import ManualClock
from desktop_app.core.config import ConnectionConfig
from desktop_app.core.endpoints import ServerEndpoints
from desktop_app.core.errors import InsecureServerError, InvalidConversationId
from desktop_app.core.machine import ConnectionState
from desktop_app.demo.server import DemoServer
from desktop_app.net import ChatWebSocketManager, StatusWebSocketManager
from desktop_app.net.background import BackgroundChatWebSocketManager
from tests.faultproxy import FaultProxy
from tests.net.conftest import Recorder, until, ws_server

CONVERSATION = "2f67d6e4-0982-4e92-8e2b-dc03d250ce9f"


# --- construction: one configuration object, or issue 2's keywords ------------------------


def test_issue_2s_keywords_build_the_configuration() -> None:
    chat = ChatWebSocketManager(
        "http://127.0.0.1:8765",
        max_reconnect_attempts=None,
        reconnect_delay=0.5,
        max_reconnect_delay=20.0,
        stable_after=4.0,
        jitter=False,
        ping_interval=15.0,
        pong_timeout=5.0,
        send_probe_timeout=2.0,
        open_timeout=7.0,
        close_timeout=1.0,
        max_frame_size=4096,
        cookies=None,
    )
    assert chat.config == ConnectionConfig(
        max_reconnect_attempts=None,
        reconnect_delay_s=0.5,
        max_reconnect_delay_s=20.0,
        stable_after_s=4.0,
        jitter=False,
        ping_interval_s=15.0,
        pong_timeout_s=5.0,
        send_probe_timeout_s=2.0,
        open_timeout_s=7.0,
        close_timeout_s=1.0,
        max_frame_bytes=4096,
    )
    assert chat.max_reconnect_attempts is None
    status = StatusWebSocketManager(
        "http://127.0.0.1:8765", stale_timeout=30.0, extraction_stale_timeout=60.0
    )
    assert status.config == ConnectionConfig()
    assert status.endpoints.base_url == "http://127.0.0.1:8765"


def test_the_app_passes_endpoints_and_the_configuration_whole() -> None:
    endpoints = ServerEndpoints.from_base_url("https://sdm.example.org")
    config = ConnectionConfig(max_reconnect_attempts=9, ping_interval_s=5.0)
    chat = ChatWebSocketManager(endpoints, config)
    status = StatusWebSocketManager(endpoints, config, stale_timeout=10.0)
    assert (chat.endpoints, chat.config) == (endpoints, config)
    assert status.config is config
    assert chat.max_reconnect_attempts == 9
    # A variant is a replace(): the background socket never gives up.
    background = BackgroundChatWebSocketManager(
        endpoints, dataclasses.replace(config, max_reconnect_attempts=None)
    )
    assert background.max_reconnect_attempts is None
    assert background.config.ping_interval_s == 5.0


def test_keywords_apply_on_top_of_a_configuration() -> None:
    config = ConnectionConfig(ping_interval_s=5.0, jitter=False)
    chat = ChatWebSocketManager("https://sdm.example.org", config, reconnect_delay=0.25)
    assert chat.config == dataclasses.replace(config, reconnect_delay_s=0.25)


def test_a_bad_setting_fails_at_construction_naming_its_field() -> None:
    with pytest.raises(ValueError, match=r"^pong_timeout_s "):
        ChatWebSocketManager("http://127.0.0.1:8765", pong_timeout=0)
    with pytest.raises(ValueError, match=r"^max_reconnect_delay_s "):
        StatusWebSocketManager("http://127.0.0.1:8765", reconnect_delay=5, max_reconnect_delay=1)
    with pytest.raises(TypeError, match="ping_interval_s"):
        ChatWebSocketManager("http://127.0.0.1:8765", ping_interval_s=1.0)  # type: ignore[call-arg]


# --- the contract ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad", ["conv_123", "", "1234", "{2f67d6e4-0982-4e92-8e2b-dc03d250ce9f}", "../../etc"]
)
async def test_non_uuid_conversation_is_refused_before_any_io(
    proxy: FaultProxy, make: Any, bad: str
) -> None:
    clock = ManualClock()
    chat = make(ChatWebSocketManager, proxy.url(), clock=clock)
    tasks = asyncio.all_tasks()
    with pytest.raises(ValueError, match="UUID") as info:
        chat.connect(bad)
    assert isinstance(info.value, InvalidConversationId)
    # Every socket starts as a task and every retry as a timer: neither was made.
    assert asyncio.all_tasks() == tasks
    assert clock.pending == 0
    assert proxy.total_connections == 0
    assert chat.state is ConnectionState.IDLE


def test_plain_ws_to_a_remote_host_needs_an_explicit_allow() -> None:
    with pytest.raises(InsecureServerError, match="unencrypted"):
        ChatWebSocketManager("http://sdm.example.org")
    manager = ChatWebSocketManager("http://sdm.example.org", allow_insecure=True)
    assert manager.endpoints.websocket_url("chat", "2f67d6e4-0982-4e92-8e2b-dc03d250ce9f") == (
        "ws://sdm.example.org/ws/chat/2f67d6e4-0982-4e92-8e2b-dc03d250ce9f/"
    )
    secure = StatusWebSocketManager("https://sdm.example.org/platform/")
    assert secure.endpoints.websocket_url("status", "2f67d6e4-0982-4e92-8e2b-dc03d250ce9f") == (
        "wss://sdm.example.org/platform/ws/status/2f67d6e4-0982-4e92-8e2b-dc03d250ce9f/"
    )


async def test_connect_outside_an_event_loop_says_so() -> None:
    chat = ChatWebSocketManager("http://127.0.0.1:9")

    def outside() -> None:
        chat.connect("2f67d6e4-0982-4e92-8e2b-dc03d250ce9f")

    with pytest.raises(RuntimeError, match="on an asyncio event loop"):
        await asyncio.to_thread(outside)


async def test_switching_conversations_closes_the_old_socket(demo: DemoServer, make: Any) -> None:
    first, second = demo.create_conversation(), demo.create_conversation()
    chat = make(ChatWebSocketManager, demo.base_url)
    frames = Recorder()
    chat.on_message(frames)
    chat.connect(first)
    assert await chat.wait_connected(10)

    chat.connect(second)
    assert chat.current_conversation_id == second
    assert await chat.wait_connected(10)
    await until(lambda: demo.websocket_count == 1)

    # A message in the old conversation no longer reaches us; one in the new does.
    async with websockets.connect(
        f"ws://127.0.0.1:{demo.port}/ws/chat/{first}/", origin=websockets.Origin(demo.base_url)
    ) as other:
        await other.send('{"message": "to the old conversation"}')
        await other.recv()
    chat.send_message("to the new conversation")
    # The reply comes after our echo, and the old conversation's message was handled
    # (echoed to `other`) before ours was sent: had it reached us, it would be here.
    await frames.wait_for("bot")
    assert [e["content"] for e in frames.of("user")] == ["to the new conversation"]
    assert frames.of("disconnected")[0]["reason"] == "switching conversation"


async def test_connect_again_to_the_same_conversation_keeps_the_socket(
    proxy: FaultProxy, demo: DemoServer, make: Any
) -> None:
    conversation = demo.create_conversation()
    chat = make(ChatWebSocketManager, proxy.url())
    chat.connect(conversation)
    chat.connect(conversation)  # while connecting: a second socket would replace the first
    assert await chat.wait_connected(10)
    assert proxy.total_connections == 1
    tasks = asyncio.all_tasks()
    chat.connect(conversation)
    # A new socket's task is created within connect(): none was.
    assert asyncio.all_tasks() == tasks
    assert proxy.total_connections == 1
    assert chat.is_connected


async def test_a_raising_listener_does_not_stop_the_others_or_the_socket(
    demo: DemoServer, make: Any, caplog: pytest.LogCaptureFixture
) -> None:
    chat = make(ChatWebSocketManager, demo.base_url)
    good = Recorder()

    def bad(event: dict[str, Any]) -> None:
        raise RuntimeError("listener bug")

    chat.on_message(bad)
    chat.on_message(good)
    chat.set_on_chat_reply_callback(bad)
    chat.connect(demo.create_conversation())
    assert await chat.wait_connected(10)
    chat.send_message("hello")
    await good.wait_for("bot")

    assert chat.is_connected
    assert good.of("disconnected") == []
    assert caplog.text.count("[ChatWS] Listener error: RuntimeError") >= 3


async def test_unsubscribe_stops_delivery(demo: DemoServer, make: Any) -> None:
    chat = make(ChatWebSocketManager, demo.base_url)
    kept, dropped = Recorder(), Recorder()
    chat.on_message(kept)
    unsubscribe = chat.on_message(dropped)
    assert chat.listener_count == 2
    unsubscribe()
    unsubscribe()  # twice is harmless
    assert chat.listener_count == 1
    chat.connect(demo.create_conversation())
    await kept.wait_for("connection_established")
    assert dropped.events == []


async def test_send_refuses_frames_the_server_would_drop_the_socket_for(
    demo: DemoServer, make: Any
) -> None:
    chat = make(ChatWebSocketManager, demo.base_url)
    status = make(StatusWebSocketManager, demo.base_url)
    with pytest.raises(ValueError, match="chat frame"):
        chat.send({"text": "no message key"})
    with pytest.raises(ValueError, match="chat frame"):
        chat.send("not json")
    with pytest.raises(ValueError, match="only ping"):
        status.send({"message": "status takes no messages"})
    with pytest.raises(TypeError):
        chat.send_message(42)


async def test_disconnect_leaves_no_task_or_timer(proxy: FaultProxy, make: Any) -> None:
    baseline = asyncio.all_tasks()
    clock = ManualClock()  # both managers' timers: the keepalives, the retries, stale status
    chat = make(ChatWebSocketManager, proxy.url(), clock=clock)
    status = make(StatusWebSocketManager, proxy.url(), clock=clock)
    chat.connect(CONVERSATION)
    status.connect(CONVERSATION)
    assert await chat.wait_connected(10)
    assert await status.wait_connected(10)

    # Also while a retry is pending:
    proxy.refuse()
    proxy.reset()
    await until(lambda: ConnectionState.OPEN not in (chat.state, status.state))
    assert (chat.state, status.state) == (ConnectionState.RECONNECTING,) * 2
    assert chat.retry_in is not None
    assert status.retry_in is not None
    chat.disconnect()
    status.disconnect()
    assert chat.state is ConnectionState.CLOSED
    assert status.state is ConnectionState.CLOSED
    assert clock.pending == 0
    assert (chat.retry_in, status.retry_in) == (None, None)
    await until(lambda: asyncio.all_tasks() == baseline)

    clock.advance(3600.0)  # past every deadline either manager ever had
    assert asyncio.all_tasks() == baseline  # no attempt started: it would be a task
    assert (chat.state, status.state) == (ConnectionState.CLOSED,) * 2


async def test_origin_header_names_the_server(demo: DemoServer, make: Any) -> None:
    # The demo server accepts only an Origin naming an allowed host; "localhost" is one.
    chat = make(ChatWebSocketManager, f"http://localhost:{demo.port}")
    chat.connect(demo.create_conversation())
    assert await chat.wait_connected(10)
    assert chat.endpoints.origin == f"http://localhost:{demo.port}"


async def test_state_listeners_see_every_change(demo: DemoServer, make: Any) -> None:
    chat = make(ChatWebSocketManager, demo.base_url)
    states: list[ConnectionState] = []
    chat.on_state_change(states.append)
    chat.on_state_change(lambda state: 1 / 0)  # isolated like the other listeners
    chat.connect(demo.create_conversation())
    assert await chat.wait_connected(10)
    chat.disconnect()
    assert states == [ConnectionState.CONNECTING, ConnectionState.OPEN, ConnectionState.CLOSED]


async def test_wait_connected_times_out(make: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    chat = make(ChatWebSocketManager, "http://127.0.0.1:9", max_reconnect_attempts=None)
    chat.connect("2f67d6e4-0982-4e92-8e2b-dc03d250ce9f")
    assert not await chat.wait_connected(0.3)
    assert "[ChatWS] Connection attempt failed" in caplog.text


async def test_a_proxy_from_the_environment_is_not_used_for_this_machine(
    demo: DemoServer, make: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing listens on port 9: through this proxy, no connection would ever open.
    for name in ("all_proxy", "http_proxy", "https_proxy", "ALL_PROXY", "HTTP_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    chat = make(ChatWebSocketManager, demo.base_url)
    chat.connect(demo.create_conversation())
    assert await chat.wait_connected(10)


# --- timing, on a manual clock -----------------------------------------------------------------


async def test_a_retry_waits_for_its_delay_on_the_managers_clock(
    proxy: FaultProxy, make: Any
) -> None:
    clock = ManualClock()
    chat = make(
        ChatWebSocketManager,
        proxy.url(),
        clock=clock,
        jitter=False,
        reconnect_delay=2.0,
        max_reconnect_delay=8.0,
    )
    chat.connect(CONVERSATION)
    assert await chat.wait_connected(10)
    proxy.reset()
    await until(lambda: chat.state is ConnectionState.RECONNECTING)
    assert chat.retry_in == 2.0  # jitter off: the first step exactly
    connections = proxy.total_connections

    clock.advance(1.75)
    assert chat.state is ConnectionState.RECONNECTING
    assert chat.retry_in == 0.25
    clock.advance(0.25)  # 2 s: the retry is due
    assert chat.is_connecting
    assert await chat.wait_connected(10)
    assert proxy.total_connections == connections + 1


async def test_a_thinking_flag_with_no_end_is_cleared_after_the_stale_timeout(make: Any) -> None:
    async def handler(ws: ServerConnection) -> None:
        await ws.send(json.dumps({"type": "thinking_start", "timestamp": "t"}))
        await ws.wait_closed()  # thinking_end never comes

    clock = ManualClock()
    async with ws_server(handler) as url:
        # Pings far apart: this server answers none, and the keepalive runs on this clock too.
        status = make(
            StatusWebSocketManager, url, clock=clock, stale_timeout=30.0, ping_interval=600.0
        )
        statuses = Recorder()
        status.on_status_change(statuses)
        status.connect(CONVERSATION)
        await statuses.wait_for("thinking_start")
        assert status.is_thinking

        clock.advance(29.5)
        assert status.is_thinking
        assert statuses.of("thinking_end") == []
        clock.advance(0.5)  # 30 s after thinking_start
        assert not status.is_thinking
        assert [e.get("reason") for e in statuses.of("thinking_end")] == ["stale_timeout"]
        await status.aclose()
