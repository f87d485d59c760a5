"""The demo server's WebSocket handshakes (Origin check, routes) and keepalive."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import TYPE_CHECKING

import pytest
from websockets.exceptions import InvalidStatus

if TYPE_CHECKING:
    from websockets.asyncio.client import connect

    from desktop_app.demo import DemoServer
    from tests.demo.conftest import DemoClient


async def handshake_status(connecting: connect) -> int:
    with pytest.raises(InvalidStatus) as excinfo:
        async with connecting:
            pass
    return excinfo.value.response.status_code


@pytest.mark.parametrize("kind", ["chat", "status"])
@pytest.mark.parametrize(
    "origin",
    [None, "http://evil.example", "http://127.0.0.1.evil.example:80", "null"],
    ids=["missing", "foreign", "lookalike", "null"],
)
async def test_origin_missing_or_foreign_is_403(
    client: DemoClient, conversation_id: str, kind: str, origin: str | None
) -> None:
    assert await handshake_status(client.connect(kind, conversation_id, origin=origin)) == 403


@pytest.mark.parametrize("origin", ["http://localhost:1234", "https://127.0.0.1", "http://[::1]:9"])
async def test_origin_of_an_allowed_host_on_any_port_or_scheme_passes(
    client: DemoClient, conversation_id: str, origin: str
) -> None:
    async with client.connect("chat", conversation_id, origin=origin) as ws:
        await ws.send(json.dumps({"type": "ping"}))
        assert await client.recv_json(ws) == {"type": "pong"}


@pytest.mark.parametrize(
    "path",
    [
        "/ws/chat/not-a-uuid/",
        "/ws/status/42/",
        "/ws/chat/8d7f3a52-2f0e-4a43-9d2b-2f4a8f3f0c11",  # no trailing slash
        "/ws/status/8d7f3a52-2f0e-4a43-9d2b-2f4a8f3f0c11",
        "/ws/chat/8D7F3A52-2F0E-4A43-9D2B-2F4A8F3F0C11/",  # not the canonical form
        "/ws/other/8d7f3a52-2f0e-4a43-9d2b-2f4a8f3f0c11/",
        "/health/",
    ],
)
async def test_a_path_without_a_route_fails_the_handshake_with_500(
    client: DemoClient, path: str
) -> None:
    assert await handshake_status(client.connect("chat", "", path=path)) == 500


async def test_the_origin_is_checked_before_the_route(client: DemoClient) -> None:
    connecting = client.connect("chat", "", path="/ws/chat/not-a-uuid/", origin=None)
    assert await handshake_status(connecting) == 403


@pytest.mark.parametrize("kind", ["chat", "status"])
async def test_ping_is_answered_with_pong(
    client: DemoClient, conversation_id: str, kind: str
) -> None:
    async with client.connect(kind, conversation_id) as ws:
        for _ in range(3):
            await ws.send(json.dumps({"type": "ping"}))
            assert await client.recv_json(ws) == {"type": "pong"}


async def test_status_socket_ignores_everything_but_ping(
    client: DemoClient, server: DemoServer, conversation_id: str
) -> None:
    async with (
        client.connect("status", conversation_id) as status,
        client.connect("chat", conversation_id) as chat,
    ):
        await status.send(json.dumps({"message": "not a chat message"}))
        await status.send("not json")
        await status.send(b"\x00binary")
        await status.send(json.dumps({"type": "ping"}))
        assert await client.recv_json(status) == {"type": "pong"}
        await client.assert_silent(chat, 0.1)
    assert server.history(conversation_id) == []


async def test_a_chat_socket_creates_an_unknown_conversation(
    client: DemoClient, server: DemoServer
) -> None:
    conversation_id = str(uuid.uuid4())
    with pytest.raises(KeyError):
        server.history(conversation_id)
    async with client.connect("chat", conversation_id) as ws:
        await ws.send(json.dumps({"type": "ping"}))
        await client.recv_json(ws)
    assert server.history(conversation_id) == []


async def test_websocket_count_follows_open_sockets(
    client: DemoClient, server: DemoServer, conversation_id: str
) -> None:
    assert server.websocket_count == 0
    async with (
        client.connect("chat", conversation_id) as chat,
        client.connect("status", conversation_id) as status,
    ):
        for ws in (chat, status):
            await ws.send(json.dumps({"type": "ping"}))
            await client.recv_json(ws)
        assert server.websocket_count == 2
    # The server notices the closes asynchronously.
    for _ in range(100):
        if server.websocket_count == 0:
            break
        await asyncio.sleep(0.01)  # polling with a deadline (100 looks): each is the check
    assert server.websocket_count == 0
