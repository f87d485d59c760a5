"""The demo server's chat socket: broadcast, the scripted assistant, client ids, bad frames."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import TYPE_CHECKING

import pytest
from websockets.exceptions import ConnectionClosed

from desktop_app.demo import assistant

if TYPE_CHECKING:
    from collections.abc import Callable

    from websockets.asyncio.client import ClientConnection

    from desktop_app.demo import DemoServer
    from tests.demo.conftest import DemoClient, MakeServer

STATUS_SEQUENCE = [
    "thinking_start",
    "thinking_progress",
    "thinking_stream",
    "thinking_end",
    "extraction_start",
    "extraction_complete",
]


async def ready(client: DemoClient, *sockets: ClientConnection) -> None:
    """A ping round trip: the server's handler runs, so the socket gets broadcasts."""
    for ws in sockets:
        await ws.send(json.dumps({"type": "ping"}))
        assert await client.recv_json(ws) == {"type": "pong"}


def parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None, text
    return moment


async def test_a_message_reaches_every_chat_socket_then_the_assistant_replies(
    client: DemoClient, conversation_id: str
) -> None:
    async with (
        client.connect("chat", conversation_id) as sender,
        client.connect("chat", conversation_id) as other,
        client.connect("status", conversation_id) as status,
    ):
        await ready(client, sender, other, status)
        await sender.send(json.dumps({"message": "My knee hurts when I climb stairs"}))

        echo = await client.recv_json(sender)
        assert await client.recv_json(other) == echo
        assert echo["role"] == "user"
        assert echo["name"] == "Anonymous"
        assert echo["content"] == "My knee hurts when I climb stairs"
        assert echo["citations"] == []
        assert echo["decision_aids"] == []
        assert "client_message_id" not in echo
        parse_time(echo["timestamp"])

        # 0.00 s: thinking_start/progress/stream; 0.05 s: reply, thinking_end;
        # 0.06 s: extraction_start; 0.07 s: extraction_complete.
        events = await client.recv_until(status, "extraction_complete")
        assert [event["type"] for event in events] == STATUS_SEQUENCE
        for event in events:
            parse_time(event["timestamp"])
        assert events[0]["trigger"] == "autonomous"
        assert events[1]["stage"]
        assert events[2]["thought"]
        assert events[5]["summary_triggered"] is False

        reply = await client.recv_json(sender)
        assert await client.recv_json(other) == reply
        assert reply["role"] == "bot"
        assert reply["name"] == "SDM Assistant"
        assert "[1]" in reply["content"]
        # Patient text is never quoted back.
        assert "knee" not in reply["content"]
        assert "33 characters" in reply["content"]
        [citation] = reply["citations"]
        assert citation["index"] == 1
        assert citation["url"].startswith("https://")
        assert citation["title"]
        assert citation["excerpt"]
        assert citation["doc_id"]
        [aid] = reply["decision_aids"]
        assert aid["title"]
        assert aid["url"].startswith("https://")
        assert parse_time(reply["timestamp"]) >= parse_time(echo["timestamp"])
        await client.assert_silent(status, 0.05)


async def test_history_matches_the_live_frames(
    client: DemoClient, server: DemoServer, conversation_id: str
) -> None:
    live = []
    async with (
        client.connect("chat", conversation_id) as chat,
        client.connect("status", conversation_id) as status,
    ):
        await ready(client, chat, status)
        for text in ("first", "second"):
            await chat.send(json.dumps({"message": text}))
            live.append(await client.recv_json(chat))
            live.append(await client.recv_json(chat))
            await client.recv_until(status, "extraction_complete")
    assert "message 2" in live[3]["content"]

    async with client.http() as http:
        await client.login(http)
        async with http.get(client.url(f"/conversation/{conversation_id}/history/")) as response:
            assert response.status == 200
            history = (await response.json())["messages"]
    assert history == server.history(conversation_id)
    assert [(m["role"], m["content"]) for m in history] == [(m["role"], m["content"]) for m in live]
    for stored, sent in zip(history, live, strict=True):
        # History is in UTC, live frames in the server's local offset: the same instant.
        assert stored["timestamp"].endswith("+00:00")
        assert parse_time(stored["timestamp"]) == parse_time(sent["timestamp"])
        assert {**stored, "timestamp": None} == {**sent, "timestamp": None}


async def test_a_signed_in_user_is_named_in_the_echo(
    client: DemoClient, conversation_id: str
) -> None:
    async with client.http() as http:
        session_key = await client.login(http)
    async with client.connect("chat", conversation_id, cookies={"sessionid": session_key}) as ws:
        await ws.send(json.dumps({"message": "hello"}))
        echo = await client.recv_json(ws)
    assert echo["name"] == "Demo User"


async def test_a_client_message_id_is_echoed_and_a_resend_goes_to_the_sender_only(
    client: DemoClient, server: DemoServer, conversation_id: str
) -> None:
    frame = json.dumps({"message": "hello", "client_message_id": "m-1"})
    async with (
        client.connect("chat", conversation_id) as first,
        client.connect("chat", conversation_id) as second,
        client.connect("status", conversation_id) as status,
    ):
        await ready(client, first, second, status)
        await first.send(frame)
        echo = await client.recv_json(first)
        assert echo["client_message_id"] == "m-1"
        assert await client.recv_json(second) == echo
        await client.recv_until(status, "extraction_complete")
        await client.recv_json(first)  # the bot reply
        await client.recv_json(second)

        # The sender reconnected (now "second") and resends what it never saw confirmed.
        await second.send(frame)
        assert await client.recv_json(second) == echo
        await client.assert_silent(first)
        await client.assert_silent(status)  # no second assistant run
    assert [m["role"] for m in server.history(conversation_id)] == ["user", "bot"]
    assert server.history(conversation_id)[0]["client_message_id"] == "m-1"


async def test_a_client_message_id_that_is_not_a_string_is_ignored(
    client: DemoClient, server: DemoServer, conversation_id: str
) -> None:
    async with client.connect("chat", conversation_id) as ws:
        for _ in range(2):
            await ws.send(json.dumps({"message": "hello", "client_message_id": 7}))
            echo = await client.recv_json(ws)
            assert "client_message_id" not in echo
            while (await client.recv_json(ws))["role"] != "bot":
                pass
    assert [m["role"] for m in server.history(conversation_id)] == ["user", "bot"] * 2


async def test_with_echo_off_the_client_message_id_is_ignored_completely(
    make_server: MakeServer, client_for: Callable[[DemoServer], DemoClient]
) -> None:
    server = await make_server(echo_client_ids=False)
    client = client_for(server)
    conversation_id = server.create_conversation()
    frame = json.dumps({"message": "hello", "client_message_id": "m-1"})
    async with client.connect("chat", conversation_id) as ws:
        for _ in range(2):
            await ws.send(frame)
            echo = await client.recv_json(ws)
            assert echo["role"] == "user"
            assert "client_message_id" not in echo
            assert (await client.recv_json(ws))["role"] == "bot"
    history = server.history(conversation_id)
    assert [m["role"] for m in history] == ["user", "bot"] * 2
    assert all("client_message_id" not in m for m in history)


@pytest.mark.parametrize(
    "frame",
    [
        "not json",
        "[1, 2]",
        '"a string"',
        "{}",
        '{"type": "hello"}',
        '{"message": 5}',
        '{"message": null, "type": "pong"}',
    ],
)
async def test_a_malformed_frame_drops_the_connection_and_others_keep_going(
    client: DemoClient, server: DemoServer, conversation_id: str, frame: str
) -> None:
    async with (
        client.connect("chat", conversation_id) as bad,
        client.connect("chat", conversation_id) as good,
    ):
        await ready(client, bad, good)
        await bad.send(frame)
        with pytest.raises(ConnectionClosed) as excinfo:
            await client.recv_json(bad)
        # No close frame: the TCP connection just ends, like under uvicorn.
        assert excinfo.value.rcvd is None
        assert bad.close_code == 1006

        await ready(client, good)
        async with client.connect("chat", conversation_id) as fresh:
            await ready(client, fresh)
    assert server.history(conversation_id) == []


async def test_a_binary_frame_is_ignored(
    client: DemoClient, server: DemoServer, conversation_id: str
) -> None:
    async with client.connect("chat", conversation_id) as ws:
        await ws.send(b'{"message": "binary"}')
        await ready(client, ws)
    assert server.history(conversation_id) == []


async def test_thinking_end_is_sent_even_when_the_reply_fails(
    client: DemoClient,
    conversation_id: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken_reply(sequence: int, text_length: int) -> assistant.ScriptedReply:
        raise RuntimeError("scripted failure")

    monkeypatch.setattr(assistant, "compose_reply", broken_reply)
    async with (
        client.connect("chat", conversation_id) as chat,
        client.connect("status", conversation_id) as status,
    ):
        await ready(client, chat, status)
        await chat.send(json.dumps({"message": "hello"}))
        events = await client.recv_until(status, "thinking_end")
        assert [event["type"] for event in events] == STATUS_SEQUENCE[:4]
        await client.recv_json(chat)  # the echo
        await client.assert_silent(chat, 0.1)  # no reply
    assert any(
        record.levelno == logging.ERROR and record.name == "desktop_app.demo"
        for record in caplog.records
    )
