"""The managers' contract: validation, switching, listeners, clean shutdown."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
import websockets

from desktop_app.core.errors import InsecureServerError, InvalidConversationId
from desktop_app.core.machine import ConnectionState
from desktop_app.demo.server import DemoServer
from desktop_app.net import ChatWebSocketManager, StatusWebSocketManager
from tests.faultproxy import FaultProxy
from tests.net.conftest import Recorder, until


@pytest.mark.parametrize(
    "bad", ["conv_123", "", "1234", "{2f67d6e4-0982-4e92-8e2b-dc03d250ce9f}", "../../etc"]
)
async def test_non_uuid_conversation_is_refused_before_any_io(
    proxy: FaultProxy, make: Any, bad: str
) -> None:
    chat = make(ChatWebSocketManager, proxy.url())
    with pytest.raises(ValueError, match="UUID") as info:
        chat.connect(bad)
    assert isinstance(info.value, InvalidConversationId)
    await asyncio.sleep(0.1)
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
    await frames.wait_for("user")
    await asyncio.sleep(0.2)
    assert [e["content"] for e in frames.of("user")] == ["to the new conversation"]
    assert frames.of("disconnected")[0]["reason"] == "switching conversation"


async def test_connect_again_to_the_same_conversation_keeps_the_socket(
    proxy: FaultProxy, demo: DemoServer, make: Any
) -> None:
    conversation = demo.create_conversation()
    chat = make(ChatWebSocketManager, proxy.url())
    chat.connect(conversation)
    chat.connect(conversation)
    assert await chat.wait_connected(10)
    chat.connect(conversation)
    await asyncio.sleep(0.1)
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
    chat = make(ChatWebSocketManager, proxy.url())
    status = make(StatusWebSocketManager, proxy.url())
    conversation = "2f67d6e4-0982-4e92-8e2b-dc03d250ce9f"
    chat.connect(conversation)
    status.connect(conversation)
    assert await chat.wait_connected(10)
    assert await status.wait_connected(10)

    # Also while a retry is pending:
    proxy.refuse()
    proxy.reset()
    await until(lambda: status.state is ConnectionState.RECONNECTING)
    chat.disconnect()
    status.disconnect()
    assert chat.state is ConnectionState.CLOSED
    assert status.state is ConnectionState.CLOSED
    await until(lambda: asyncio.all_tasks() == baseline)
    assert chat._retry_timer is None
    assert status._retry_timer is None
    assert status._stale_timer is None
    connections = proxy.total_connections
    await asyncio.sleep(0.5)  # more than the largest backoff step
    assert proxy.total_connections == connections


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
