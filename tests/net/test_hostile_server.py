"""A server that misbehaves: malformed frames, huge frames, refusals at the handshake.

These servers are real ``websockets`` servers on 127.0.0.1 that send what the
platform's server never should, so the client's defences run on real sockets.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection
from websockets.http11 import Request, Response

from desktop_app.core.machine import ConnectionState
from desktop_app.net import ChatWebSocketManager, StatusWebSocketManager
from tests.net.conftest import Recorder, until, ws_server

CONVERSATION = "2f67d6e4-0982-4e92-8e2b-dc03d250ce9f"
SECRET = "Zelda Quux"


def chat_message(content: str) -> str:
    return json.dumps({"role": "bot", "name": "b", "content": content, "timestamp": "t"})


async def test_malformed_frames_are_logged_without_text_and_ignored(
    make: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    garbage: list[str | bytes] = [
        f"not json {SECRET}",
        b"\x00\x01binary " + SECRET.encode(),
        json.dumps([SECRET]),
        json.dumps({"role": "bot", "content": 42}),
        json.dumps({"role": "bot", "content": SECRET, "citations": SECRET}),
        json.dumps({"role": 7, "content": SECRET}),
        json.dumps({"type": ["x"]}),
        json.dumps({"type": "from_the_future", "payload": SECRET}),
        json.dumps({"no_type": SECRET}),
        "[" * 100_000,
        json.dumps({"role": "bot", "content": "x", "citations": [{"index": True}]}),
    ]

    async def handler(ws: ServerConnection) -> None:
        for frame in garbage:
            await ws.send(frame)
        await ws.send(chat_message("the good one"))
        await ws.wait_closed()

    async with ws_server(handler) as url:
        chat = make(ChatWebSocketManager, url)
        frames, replies = Recorder(), Recorder()
        chat.on_message(frames)
        chat.set_on_chat_reply_callback(replies)
        chat.connect(CONVERSATION)
        await replies.wait_for("bot")
        assert chat.is_connected
        await chat.aclose()

    assert [r["content"] for r in replies.events] == ["the good one"]
    # Well-formed JSON objects of unknown shape reach on_message listeners; the rest do not.
    assert frames.types() == [
        "connection_established",
        "from_the_future",
        "role:None",
        "role:bot",
        "disconnected",
    ]
    warnings = [
        r.getMessage() for r in caplog.records if "Ignoring malformed frame" in r.getMessage()
    ]
    assert len(warnings) == 9  # every frame of `garbage` but the two well-formed objects
    assert any("binary frame" in w for w in warnings)
    assert any("'content' should be a string, got int" in w for w in warnings)
    # (The test server's own websockets logger prints what it sends: not ours to judge.)
    ours = [m for r in caplog.records if r.name.startswith("desktop_app") for m in [r.getMessage()]]
    assert ours
    assert not [m for m in ours if SECRET in m]


async def test_unknown_status_events_are_ignored(make: Any) -> None:
    async def handler(ws: ServerConnection) -> None:
        await ws.send(json.dumps({"type": "quantum_leap", "timestamp": "t"}))
        await ws.send(json.dumps({"type": "thinking_start", "timestamp": "t"}))
        await ws.wait_closed()

    async with ws_server(handler) as url:
        status = make(StatusWebSocketManager, url)
        statuses = Recorder()
        status.on_status_change(statuses)
        status.connect(CONVERSATION)
        await statuses.wait_for("thinking_start")
        assert statuses.types() == ["thinking_start"]
        assert status.is_thinking
        await status.aclose()


async def test_a_huge_frame_closes_the_connection_and_it_is_retried(make: Any) -> None:
    sent = 0

    async def handler(ws: ServerConnection) -> None:
        nonlocal sent
        sent += 1
        if sent == 1:
            await ws.send(chat_message("x" * 70_000))  # above the 64 KiB limit below
        else:
            await ws.send(chat_message("small"))
        await ws.wait_closed()

    async with ws_server(handler) as url:
        chat = make(ChatWebSocketManager, url, max_frame_size=64 * 1024)
        events = Recorder()
        chat.on_message(events)
        chat.connect(CONVERSATION)
        await events.wait_for("bot")
        await chat.aclose()

    disconnected = events.of("disconnected")[0]
    assert disconnected["code"] == 1009
    assert "size limit" in disconnected["reason"]
    assert [e["content"] for e in events.of("bot")] == ["small"]


@pytest.mark.parametrize(
    ("status", "retried"),
    [
        (HTTPStatus.FORBIDDEN, False),
        (HTTPStatus.UNAUTHORIZED, False),
        (HTTPStatus.NOT_FOUND, False),
        (HTTPStatus.INTERNAL_SERVER_ERROR, False),
        (HTTPStatus.SERVICE_UNAVAILABLE, True),
        (HTTPStatus.BAD_GATEWAY, True),
        (HTTPStatus.GATEWAY_TIMEOUT, True),
    ],
)
async def test_handshake_refusals_are_retried_only_when_waiting_can_help(
    make: Any, status: HTTPStatus, retried: bool
) -> None:
    handshakes = 0

    def refuse(connection: ServerConnection, request: Request) -> Response:
        nonlocal handshakes
        handshakes += 1
        return connection.respond(status, "no\n")

    async def handler(ws: ServerConnection) -> None:
        raise AssertionError("never accepted")

    async with ws_server(handler, refuse) as url:
        chat = make(ChatWebSocketManager, url, max_reconnect_attempts=2)
        events = Recorder()
        chat.on_message(events)
        chat.connect(CONVERSATION)
        # Reported after the last attempt's refusal: the count below is final (that FAILED
        # schedules no further attempt is the machine's, tested in tests/core).
        await events.wait_for("connection_failed")

    assert chat.state is ConnectionState.FAILED
    assert f"HTTP {status.value}" in chat.failure_reason
    assert handshakes == (3 if retried else 1)
    assert bool(events.of("reconnecting")) is retried


@pytest.mark.parametrize(
    ("code", "retried"), [(1001, True), (1011, True), (1012, True), (1008, False), (4003, False)]
)
async def test_close_codes_decide_whether_to_retry(make: Any, code: int, retried: bool) -> None:
    async def handler(ws: ServerConnection) -> None:
        await ws.close(code, "bye")

    async with ws_server(handler) as url:
        chat = make(ChatWebSocketManager, url, max_reconnect_attempts=1)
        events = Recorder()
        chat.on_message(events)
        chat.connect(CONVERSATION)
        await events.wait_for("connection_failed")
        await chat.aclose()

    assert events.of("disconnected")[0]["code"] == code
    assert len(events.of("connection_established")) == (2 if retried else 1)


async def test_cookies_travel_with_the_handshake(make: Any) -> None:
    seen: list[str | None] = []

    def record(connection: ServerConnection, request: Request) -> None:
        seen.append(request.headers.get("Cookie"))

    async def handler(ws: ServerConnection) -> None:
        await ws.wait_closed()

    async with ws_server(handler, record) as url:
        chat = make(ChatWebSocketManager, url, cookies={"sessionid": "abc", "csrftoken": "t"})
        chat.connect(CONVERSATION)
        assert await chat.wait_connected(10)
        chat.set_cookies({"__Secure-sessionid": "xyz"})
        chat.reconnect_now()  # open: nothing happens, the cookie waits for the next handshake
        await chat.aclose()
        chat.connect(CONVERSATION)
        assert await chat.wait_connected(10)
        await chat.aclose()
    await until(lambda: len(seen) == 2)
    assert seen == ["sessionid=abc; csrftoken=t", "__Secure-sessionid=xyz"]
