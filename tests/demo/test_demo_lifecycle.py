"""The demo server's lifecycle: stop (1001 or 1006), restart on the same port, persistence."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

import pytest
from websockets.exceptions import ConnectionClosed

from desktop_app.demo import DemoConfig, DemoServer

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tests.demo.conftest import DemoClient, MakeServer


async def test_stop_closes_websockets_with_going_away(
    client: DemoClient, server: DemoServer, conversation_id: str
) -> None:
    async with (
        client.connect("chat", conversation_id) as chat,
        client.connect("status", conversation_id) as status,
    ):
        for ws in (chat, status):
            await ws.send(json.dumps({"type": "ping"}))
            await client.recv_json(ws)
        await server.stop()
        for ws in (chat, status):
            with pytest.raises(ConnectionClosed) as excinfo:
                await client.recv_json(ws)
            assert excinfo.value.rcvd is not None
            assert excinfo.value.rcvd.code == 1001
    assert server.websocket_count == 0


async def test_stop_with_abort_drops_connections(
    client: DemoClient, server: DemoServer, conversation_id: str
) -> None:
    async with client.connect("chat", conversation_id) as chat:
        await chat.send(json.dumps({"type": "ping"}))
        await client.recv_json(chat)
        await server.stop(abort=True)
        with pytest.raises(ConnectionClosed) as excinfo:
            await client.recv_json(chat)
        assert excinfo.value.rcvd is None
        assert chat.close_code == 1006


async def test_stop_ends_a_reply_in_progress_with_thinking_end(
    make_server: MakeServer, client_for: Callable[[DemoServer], DemoClient]
) -> None:
    server = await make_server(reply_delay_s=30.0)
    client = client_for(server)
    conversation_id = server.create_conversation()
    async with (
        client.connect("chat", conversation_id) as chat,
        client.connect("status", conversation_id) as status,
    ):
        await status.send(json.dumps({"type": "ping"}))
        await client.recv_json(status)
        await chat.send(json.dumps({"message": "hello"}))
        await client.recv_until(status, "thinking_stream")
        # 0.0 s: the assistant "thinks" for 30 s; stop() must not wait for it.
        started = time.monotonic()
        await server.stop()
        assert time.monotonic() - started < 3.0
        assert (await client.recv_json(status))["type"] == "thinking_end"
        with pytest.raises(ConnectionClosed):
            await client.recv_json(status)


async def test_restart_on_the_same_port_keeps_history_and_sessions(
    tmp_path: Path, client_for: Callable[[DemoServer], DemoClient]
) -> None:
    server = DemoServer(DemoConfig(data_path=tmp_path / "demo.sqlite3", reply_delay_s=0.01))
    client = client_for(server)
    async with server:
        port = server.port
        conversation_id = server.create_conversation()
        async with client.http() as http:
            session_key = await client.login(http)
        async with client.connect("chat", conversation_id) as chat:
            await chat.send(json.dumps({"message": "before the restart", "client_message_id": "a"}))
            await client.recv_json(chat)
            assert (await client.recv_json(chat))["role"] == "bot"
        before = server.history(conversation_id)

    async with server:
        assert server.port == port
        # The old session cookie is still good: no login this time.
        async with (
            client.http() as http,
            http.get(
                client.url(f"/conversation/{conversation_id}/history/"),
                cookies={"sessionid": session_key},
                allow_redirects=False,
            ) as response,
        ):
            assert response.status == 200
            assert (await response.json())["messages"] == before
        async with client.connect("chat", conversation_id) as chat:
            # The resend of a message stored before the restart is still recognised.
            await chat.send(json.dumps({"message": "before the restart", "client_message_id": "a"}))
            assert (await client.recv_json(chat))["client_message_id"] == "a"
            await client.assert_silent(chat, 0.1)

    # A new server process on the same file sees the same data.
    async with DemoServer(DemoConfig(port=port, data_path=tmp_path / "demo.sqlite3")) as again:
        assert again.history(conversation_id) == before


async def test_an_in_memory_server_keeps_its_data_across_a_restart(server: DemoServer) -> None:
    conversation_id = server.create_conversation()
    port = server.port
    await server.stop()
    await server.start()
    assert server.port == port
    assert server.history(conversation_id) == []


async def test_lifecycle_misuse_is_reported() -> None:
    server = DemoServer()
    with pytest.raises(RuntimeError, match="start"):
        _ = server.port
    await server.stop()  # stopping a server that never started does nothing
    async with server:
        assert server.base_url == f"http://127.0.0.1:{server.port}"
        with pytest.raises(RuntimeError, match="already running"):
            await server.start()
    await server.stop()
