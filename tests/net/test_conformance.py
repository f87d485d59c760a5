"""The key scenarios against two independent servers of the same protocol, behind a fault proxy.

Every scenario runs against the embedded demo server (aiohttp) and against
:class:`~tests.net.reference_server.ReferenceServer` (``websockets``, no shared
code), so that the client cannot lean on a quirk of the demo server: a scenario
that passes on one and fails on the other points at a server that strays from
``shared/PROTOCOL.md`` or a client that depends on something it does not promise.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosedError, InvalidStatus
from websockets.typing import Origin

from desktop_app.core.machine import ConnectionState
from desktop_app.demo.server import DemoConfig, DemoServer
from desktop_app.net import ChatWebSocketManager, StatusWebSocketManager
from tests.faultproxy import FaultProxy
from tests.net.conftest import Recorder, connected_pair, until
from tests.net.reference_server import ReferenceServer

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
# The status events of one scripted reply, in order (other types may come in between).
REPLY_EVENTS = ["thinking_start", "thinking_end", "extraction_start", "extraction_complete"]
CHAT_KEYS = {"role", "name", "content", "timestamp", "citations"}
CITATION_KEYS = {"index", "url", "title", "excerpt", "doc_id"}

Server = DemoServer | ReferenceServer


@dataclass
class Stack:
    """A server of one kind and the fault proxy the client goes through."""

    kind: str
    server: Server
    proxy: FaultProxy

    @property
    def url(self) -> str:
        return self.proxy.url()


Launch = Callable[..., Awaitable[Stack]]


@pytest.fixture(params=["demo", "reference"])
async def launch(request: pytest.FixtureRequest) -> AsyncIterator[Launch]:
    """Start servers of the test's kind, each behind its own proxy; all stopped at the end."""
    kind: str = request.param
    stacks: list[Stack] = []

    async def factory(
        *, reply_delay_s: float = 0.05, allowed_hosts: tuple[str, ...] = LOCAL_HOSTS
    ) -> Stack:
        server: Server
        if kind == "demo":
            server = DemoServer(
                DemoConfig(
                    reply_delay_s=reply_delay_s,
                    step_delay_s=0.02,
                    require_login=False,
                    allowed_hosts=allowed_hosts,
                )
            )
        else:
            # Protocol-level pings scaled down from uvicorn's 20 s / 20 s: a client that
            # did not answer them would be closed by the server within a second.
            server = ReferenceServer(
                reply_delay_s=reply_delay_s,
                step_delay_s=0.02,
                allowed_hosts=allowed_hosts,
                ping_interval=0.2,
                ping_timeout=1.0,
            )
        await server.start()
        stack = Stack(kind, server, FaultProxy("127.0.0.1", server.port))
        stacks.append(stack)
        await stack.proxy.start()
        return stack

    yield factory
    for stack in reversed(stacks):
        await stack.proxy.stop()
        await stack.server.stop()


@pytest.fixture
async def stack(launch: Launch) -> Stack:
    return await launch()


def reply_events(statuses: Recorder) -> list[str]:
    return [kind for kind in statuses.types() if kind in REPLY_EVENTS]


# --- the scenarios -----------------------------------------------------------------------


async def test_round_trip_on_both_sockets(stack: Stack, make: Any) -> None:
    chat, status = await connected_pair(make, stack.url, stack.server.create_conversation())
    echoes, replies, statuses = Recorder(), Recorder(), Recorder()
    chat.set_on_chat_message_callback(echoes)
    chat.set_on_chat_reply_callback(replies)
    status.on_status_change(statuses)

    # An unknown key (our message id) is ignored by the server, not refused.
    assert chat.send_message("Is surgery the right choice for me?", client_message_id="c-1")
    await replies.wait_for("bot")
    await statuses.wait_for("extraction_complete")

    echo = echoes.events[0]
    assert [e["content"] for e in echoes.events] == ["Is surgery the right choice for me?"]
    assert echo.keys() >= CHAT_KEYS
    assert datetime.fromisoformat(echo["timestamp"]).utcoffset() is not None
    reply = replies.events[0]
    assert reply.keys() >= CHAT_KEYS
    assert reply["citations"][0].keys() >= CITATION_KEYS
    assert reply["citations"][0]["index"] == 1
    assert "[1]" in reply["content"]

    assert reply_events(statuses) == REPLY_EVENTS
    assert statuses.of("thinking_start")[0]["trigger"] == "autonomous"
    assert statuses.of("extraction_complete")[0]["summary_triggered"] is False
    assert not status.is_thinking
    assert not status.is_extracting


async def test_keepalive_pongs_on_both_sockets(stack: Stack, make: Any) -> None:
    chat, status = await connected_pair(
        make,
        stack.url,
        stack.server.create_conversation(),
        ping_interval=0.1,
        pong_timeout=1.0,
    )
    chat_frames, status_frames = Recorder(), Recorder()
    chat.on_message(chat_frames)
    status.on_message(status_frames)

    await chat_frames.wait_for("pong", count=3)
    await status_frames.wait_for("pong", count=3)
    if isinstance(stack.server, ReferenceServer):
        # The server's protocol-level pings are answered too: it measured a round trip on
        # both sockets (a client that did not answer would be closed at the ping timeout).
        latencies = stack.server.keepalive_latencies
        await until(lambda: len(latencies()) == 2 and all(t > 0 for t in latencies()))
    for manager, frames in ((chat, chat_frames), (status, status_frames)):
        assert manager.latency is not None
        assert 0 <= manager.latency < 1.0
        assert manager.state is ConnectionState.OPEN
        assert frames.of("disconnected") == []


async def test_recovery_after_a_server_restart_on_the_same_port(stack: Stack, make: Any) -> None:
    chat, status = await connected_pair(
        make, stack.url, stack.server.create_conversation(), max_reconnect_attempts=None
    )
    chat_events, status_events, replies = Recorder(), Recorder(), Recorder()
    chat.on_message(chat_events)
    status.on_message(status_events)
    chat.set_on_chat_reply_callback(replies)

    await stack.server.stop()
    for events in (chat_events, status_events):
        await events.wait_for("reconnecting", count=4)
        # A close frame: 1001 going away (demo) or 1012 service restart (uvicorn).
        assert events.of("disconnected")[0]["code"] in (1001, 1012)
    assert chat_events.of("connection_failed") == []
    await stack.server.start()

    await chat_events.wait_for("connection_established")
    await status_events.wait_for("connection_established")
    assert chat.send_message("after the restart")
    await replies.wait_for("bot")
    await status_events.wait_for("thinking_end")


async def test_half_open_link_is_detected_and_recovered(stack: Stack, make: Any) -> None:
    chat, status = await connected_pair(
        make, stack.url, stack.server.create_conversation(), ping_interval=0.3, pong_timeout=0.3
    )
    chat_events, status_events, replies = Recorder(), Recorder(), Recorder()
    chat.set_on_chat_reply_callback(replies)
    loop = asyncio.get_running_loop()
    noticed: list[float] = []

    def on_disconnect(event: dict[str, Any]) -> None:
        if event["type"] == "disconnected":
            noticed.append(loop.time() - started)
            # Before any retry: the black-holed connections stay dead, new ones get through.
            stack.proxy.blackhole(False)

    for manager, events in ((chat, chat_events), (status, status_events)):
        manager.on_message(events)
        manager.on_message(on_disconnect)

    stack.proxy.blackhole()  # TCP stays up, nothing gets through, no error is reported
    started = loop.time()
    await chat_events.wait_for("disconnected")
    await status_events.wait_for("disconnected")

    # The next ping within 0.3 s, its pong overdue 0.3 s later; a generous margin.
    assert max(noticed) <= 0.3 + 0.3 + 1.5
    for events in (chat_events, status_events):
        assert "keepalive" in events.of("disconnected")[0]["reason"]
        await events.wait_for("connection_established")
    assert chat.send_message("after the black hole")
    await replies.wait_for("bot")


async def test_status_stale_timeout_ends_a_thinking_that_never_ends(
    launch: Launch, make: Any
) -> None:
    stack = await launch(reply_delay_s=30.0)  # the assistant thinks for 30 s
    conversation = stack.server.create_conversation()
    chat, _ = await connected_pair(make, stack.url, conversation)
    status = make(StatusWebSocketManager, stack.url, stale_timeout=0.3)
    statuses, replies = Recorder(), Recorder()
    status.on_status_change(statuses)
    chat.set_on_chat_reply_callback(replies)
    status.connect(conversation)
    assert await status.wait_connected(10)

    assert chat.send_message("a hard question")
    await statuses.wait_for("thinking_start")
    assert status.is_thinking
    await statuses.wait_for("thinking_end", timeout=5)

    assert statuses.of("thinking_end")[0]["reason"] == "stale_timeout"
    assert not status.is_thinking
    assert replies.events == []  # the server is still "thinking"
    assert status.is_connected


async def test_refused_origin_fails_at_once_without_retrying(launch: Launch, make: Any) -> None:
    stack = await launch(allowed_hosts=("sdm.example.org",))
    chat = make(ChatWebSocketManager, stack.url)
    events = Recorder()
    chat.on_message(events)

    chat.connect(stack.server.create_conversation())
    await events.wait_for("connection_failed")

    assert chat.state is ConnectionState.FAILED  # final: no timer is left to retry
    assert chat.retry_in is None
    assert events.types() == ["connection_failed"]
    assert "HTTP 403" in (chat.failure_reason or "")
    assert "sign in again" in (chat.failure_reason or "")
    assert stack.proxy.total_connections == 1


async def test_handshake_rules_and_invalid_frames_match(stack: Stack) -> None:
    """The servers themselves: same refusals at the handshake, same answer to a bad frame."""
    direct = f"ws://127.0.0.1:{stack.server.port}"
    conversation = stack.server.create_conversation()
    own = Origin(f"http://127.0.0.1:{stack.server.port}")
    foreign = Origin("https://evil.example")
    cases: list[tuple[str, Origin | None, int]] = [
        (f"/ws/chat/{conversation}/", None, 403),
        (f"/ws/chat/{conversation}/", foreign, 403),
        ("/ws/chat/not-a-uuid/", foreign, 403),  # the Origin is checked before the route
        ("/ws/chat/not-a-uuid/", own, 500),
        (f"/ws/chat/{conversation}", own, 500),  # no trailing slash
        (f"/ws/summary/{conversation}/", own, 500),
    ]
    for path, origin, expected in cases:
        with pytest.raises(InvalidStatus) as info:
            async with ws_connect(direct + path, origin=origin, open_timeout=5):
                pass
        assert info.value.response.status_code == expected, (path, origin)

    for kind in ("chat", "status"):
        async with ws_connect(f"{direct}/ws/{kind}/{conversation}/", origin=own) as ws:
            await ws.send(b"\x00binary frames are ignored")
            await ws.send('{"type": "ping", "extra": 1}')
            assert await asyncio.wait_for(ws.recv(), 5) == '{"type": "pong"}'

    # An invalid chat frame: the TCP connection just ends (1006, no close frame).
    async with ws_connect(f"{direct}/ws/chat/{conversation}/", origin=own) as ws:
        await ws.send('{"text": "neither ping nor message"}')
        with pytest.raises(ConnectionClosedError) as closed:
            await asyncio.wait_for(ws.recv(), 5)
        assert closed.value.rcvd is None


async def test_auth_refusal_then_sign_in(make: Any) -> None:
    """Reference server only: the demo server's consumers accept anonymous sockets."""
    server = ReferenceServer(require_session=True, sessions={"good-session"})
    await server.start()
    try:
        async with FaultProxy("127.0.0.1", server.port) as proxy:
            chat = make(ChatWebSocketManager, proxy.url(), cookies={"sessionid": "expired"})
            events, replies = Recorder(), Recorder()
            chat.on_message(events)
            chat.set_on_chat_reply_callback(replies)
            chat.connect(server.create_conversation())
            await events.wait_for("connection_failed")

            assert chat.state is ConnectionState.FAILED
            assert "403" in (chat.failure_reason or "")
            assert events.of("reconnecting") == []
            assert proxy.total_connections == 1

            chat.set_cookies({"sessionid": "good-session", "csrftoken": "t"})
            chat.reconnect_now()
            assert await chat.wait_connected(10)
            assert proxy.total_connections == 2  # none between the refusal and Reconnect
            assert chat.send_message("signed in")
            await replies.wait_for("bot")
            assert server.handshakes == [403, 101]
            await chat.aclose()
    finally:
        await server.stop()
