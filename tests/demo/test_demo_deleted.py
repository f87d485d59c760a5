"""The demo server's deleted conversations: 404 everywhere, never re-created, 1006 on a message."""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING

import pytest
from websockets.exceptions import ConnectionClosed

from desktop_app.demo import DemoConfig, DemoServer
from desktop_app.demo.store import DemoStore

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    import aiohttp
    from websockets.asyncio.client import ClientConnection

    from tests.demo.conftest import DemoClient, MakeServer

NOT_FOUND = {"success": False, "error": "conversation not found"}


def conversation_paths(conversation_id: str) -> list[str]:
    return [
        f"/conversation/{conversation_id}/history/",
        f"/memory/conversation/{conversation_id}/summary/status/",
        f"/memory/conversation/{conversation_id}/summary/download/",
    ]


async def assert_gone(
    client: DemoClient, http: aiohttp.ClientSession, conversation_id: str
) -> None:
    """History and summary status/download all answer 404 "conversation not found"."""
    for path in conversation_paths(conversation_id):
        async with http.get(client.url(path)) as response:
            assert response.status == 404, path
            assert await response.json() == NOT_FOUND, path


async def ready(client: DemoClient, *sockets: ClientConnection) -> None:
    """A ping round trip: the socket is open and its handler has run."""
    for ws in sockets:
        await ws.send(json.dumps({"type": "ping"}))
        assert await client.recv_json(ws) == {"type": "pong"}


async def test_a_deleted_conversation_is_404_with_its_messages_and_summary(
    client: DemoClient, server: DemoServer, conversation_id: str
) -> None:
    async with (
        client.connect("chat", conversation_id) as chat,
        client.connect("status", conversation_id) as status,
    ):
        await ready(client, status)
        await chat.send(json.dumps({"message": "a summary please"}))
        await client.recv_until(status, "summary_complete")
    async with client.http() as http:
        await client.login(http)
        for path in conversation_paths(conversation_id):
            async with http.get(client.url(path)) as response:
                assert response.status == 200, path

        assert server.delete_conversation(conversation_id) is True
        await assert_gone(client, http, conversation_id)
        with pytest.raises(KeyError):
            server.history(conversation_id)
        assert server.delete_conversation(conversation_id) is False

        # New conversations are unaffected.
        new_id = server.create_conversation()
        async with http.get(client.url(f"/conversation/{new_id}/history/")) as response:
            assert await response.json() == {"messages": []}


async def test_a_chat_handshake_does_not_recreate_a_deleted_conversation(
    client: DemoClient, server: DemoServer, conversation_id: str
) -> None:
    never_seen = str(uuid.uuid4())
    server.delete_conversation(conversation_id)
    async with (
        client.connect("chat", conversation_id) as deleted,
        client.connect("chat", never_seen) as fresh,
    ):
        # The round trips prove both handshakes went through the server's gate.
        await ready(client, deleted, fresh)
    assert server.history(never_seen) == []
    async with client.http() as http:
        await client.login(http)
        await assert_gone(client, http, conversation_id)


async def test_a_message_for_a_deleted_conversation_drops_the_connection(
    make_server: MakeServer, client_for: Callable[[DemoServer], DemoClient], tmp_path: Path
) -> None:
    data_path = tmp_path / "demo.sqlite3"
    server = await make_server(data_path=data_path)
    client = client_for(server)
    conversation_id = server.create_conversation()
    async with (
        client.connect("chat", conversation_id) as doomed,
        client.connect("chat", conversation_id) as other,
        client.connect("status", conversation_id) as status,
    ):
        await ready(client, doomed, other, status)
        server.delete_conversation(conversation_id)
        # Open sockets stay open until a message needs the conversation.
        await ready(client, doomed, other, status)

        await doomed.send(json.dumps({"message": "too late", "client_message_id": "m-1"}))
        with pytest.raises(ConnectionClosed) as excinfo:
            await client.recv_json(doomed)
        # No close frame: the TCP connection just ends, like under uvicorn.
        assert excinfo.value.rcvd is None
        assert doomed.close_code == 1006

        # An echo or a thinking_start would have arrived before these pongs.
        await ready(client, other, status)

    store = DemoStore(data_path)
    try:
        assert store.messages(conversation_id) == []
        assert not store.has_conversation(conversation_id)
    finally:
        store.close()


async def test_a_reply_in_progress_is_dropped_when_its_conversation_is_deleted(
    make_server: MakeServer, client_for: Callable[[DemoServer], DemoClient]
) -> None:
    server = await make_server(reply_delay_s=0.5)
    client = client_for(server)
    conversation_id = server.create_conversation()
    async with (
        client.connect("chat", conversation_id) as chat,
        client.connect("status", conversation_id) as status,
    ):
        await ready(client, chat, status)
        await chat.send(json.dumps({"message": "hello"}))
        assert (await client.recv_json(chat))["role"] == "user"
        await client.recv_until(status, "thinking_stream")
        # 0.0 s: the assistant thinks; the conversation goes; 0.5 s: no reply to store.
        server.delete_conversation(conversation_id)
        assert (await client.recv_json(status))["type"] == "thinking_end"
        # The reply would have been sent before thinking_end.
        await ready(client, chat)
    with pytest.raises(KeyError):
        server.history(conversation_id)


async def test_a_deleted_conversation_stays_deleted_after_a_restart(
    make_server: MakeServer, client_for: Callable[[DemoServer], DemoClient], tmp_path: Path
) -> None:
    data_path = tmp_path / "demo.sqlite3"
    server = await make_server(data_path=data_path)
    client = client_for(server)
    conversation_id = server.create_conversation()
    server.delete_conversation(conversation_id)
    await server.stop()
    await server.start()

    async with client.connect("chat", conversation_id) as chat:
        await ready(client, chat)
    async with client.http() as http:
        await client.login(http)
        await assert_gone(client, http, conversation_id)
    assert server.create_conversation() != conversation_id

    # Another server on the same file: a chat socket still does not bring it back.
    async with DemoServer(DemoConfig(data_path=data_path)) as again:
        async with client_for(again).connect("chat", conversation_id) as chat:
            await ready(client, chat)
        with pytest.raises(KeyError):
            again.history(conversation_id)
