"""Findings 4, 7 and 9 (log forging) of issue 11, each against a hostile server on 127.0.0.1.

- A server frame that reads like a connection event (``{"type":
  "connection_established"}``) is a frame: it never reaches the connection-event
  stream, the outbox does not drop its in-flight message for it, and the dict
  stream of the browser-style API does not pass it on.
- A WebSocket handshake answered with a redirect is never followed: the
  handshake carries the session cookie.
- A close reason (the server's words) cannot forge a log line.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection
from websockets.http11 import Request, Response

from desktop_app.core import machine as m
from desktop_app.core.frames import ChatMessage, Frame
from desktop_app.core.machine import ConnectionState
from desktop_app.net import ChatWebSocketManager, StatusWebSocketManager
from desktop_app.net.outbox import OutboxSender
from desktop_app.store.outbox import OutboxState, OutboxStore
from tests.net.conftest import Recorder, loud_loop, make, until, ws_server

__all__ = ["loud_loop", "make"]  # fixtures used here

CONVERSATION = "2f67d6e4-0982-4e92-8e2b-dc03d250ce9f"
SECRET = "Zelda Quux"

SPOOFS = [
    {"type": "connection_established"},
    {"type": "disconnected", "code": 1000, "reason": SECRET},
    {"type": "reconnecting", "attempt": 1, "max": 5, "delay": 1},
    {"type": "connection_failed", "reason": SECRET},
    {"type": "offline"},
    {"type": "online"},
]


async def test_frames_posing_as_connection_events_stay_frames(make: Any) -> None:
    async def handler(ws: ServerConnection) -> None:
        for spoof in SPOOFS:
            await ws.send(json.dumps(spoof))
        await ws.send(json.dumps({"type": "pong"}))
        await ws.wait_closed()

    async with ws_server(handler) as url:
        chat = make(ChatWebSocketManager, url)
        events: list[m.ConnectionEvent] = []
        frames: list[Frame] = []
        as_dicts = Recorder()
        chat.on_connection_event(events.append)
        chat.on_frame(frames.append)
        chat.on_message(as_dicts)
        chat.connect(CONVERSATION)
        await until(lambda: len(frames) == len(SPOOFS) + 1)

        # The typed streams: every spoof is a frame; the only event is the real opening.
        assert events == [m.ConnectionEstablished()]
        assert [frame.raw for frame in frames[:-1]] == SPOOFS
        assert chat.state is ConnectionState.OPEN
        # The browser-style dict stream could not tell them apart: it does not pass them on.
        assert as_dicts.types() == ["connection_established", "pong"]
        assert SECRET not in repr(as_dicts.events)


async def test_a_spoofed_opening_does_not_make_the_outbox_drop_its_message(make: Any) -> None:
    received: list[dict[str, Any]] = []
    release = asyncio.Event()

    async def handler(ws: ServerConnection) -> None:
        frame = json.loads(await ws.recv())
        received.append(frame)
        # Before the echo: frames that claim the connection was opened or lost again.
        await ws.send(json.dumps({"type": "connection_established"}))
        await ws.send(json.dumps({"type": "disconnected", "code": 1006, "reason": ""}))
        await release.wait()
        echo = {
            "role": "user",
            "name": "Dr Who",
            "content": frame["message"],
            "timestamp": "2026-12-06T10:00:00+00:00",
            "client_message_id": frame["client_message_id"],
        }
        await ws.send(json.dumps(echo))
        await ws.wait_closed()

    history_asked: list[str] = []

    async def history(conversation_id: str) -> list[ChatMessage]:
        history_asked.append(conversation_id)
        return []

    async with ws_server(handler) as url:
        chat = make(ChatWebSocketManager, url)
        with OutboxStore(None) as store:
            sender = OutboxSender(store, chat, history, echo_timeout=30)
            spoofs: list[Frame] = []
            chat.on_frame(spoofs.append)
            chat.connect(CONVERSATION)
            assert await chat.wait_connected(10)
            entry = await sender.submit(CONVERSATION, "a message")
            await until(lambda: len(spoofs) == 2)  # both read before the echo is sent
            release.set()
            await until(lambda: sender.undelivered(CONVERSATION) == [])
            await sender.aclose()
            delivered = store.get(entry.client_id)
            assert delivered is not None
            assert delivered.state is OutboxState.DELIVERED

    # Sent once, confirmed by its echo: the spoofs neither re-sent it nor sent the
    # outbox asking the history whether it arrived.
    assert len(received) == 1
    assert history_asked == []


async def test_a_handshake_redirect_is_not_followed(make: Any) -> None:
    elsewhere: list[str] = []

    async def record(ws: ServerConnection) -> None:
        elsewhere.append(ws.request.path if ws.request else "?")
        await ws.wait_closed()

    async with ws_server(record) as other_url:
        target = other_url.replace("http://", "ws://") + f"/ws/chat/{CONVERSATION}/"

        def redirect(connection: ServerConnection, request: Request) -> Response:
            response = connection.respond(302, "elsewhere\n")
            response.headers["Location"] = target
            return response

        async def never(ws: ServerConnection) -> None:
            raise AssertionError("the redirecting server never accepts")

        async with ws_server(never, redirect) as url:
            chat = make(ChatWebSocketManager, url, cookies={"sessionid": SECRET})
            events = Recorder()
            chat.on_message(events)
            chat.connect(CONVERSATION)
            await events.wait_for("connection_failed")

    assert elsewhere == []
    assert chat.state is ConnectionState.FAILED
    assert "HTTP 302" in (chat.failure_reason or "")
    assert "redirect" in (chat.failure_reason or "")
    assert events.of("reconnecting") == []  # retrying cannot fix a wrong address


@pytest.mark.parametrize("manager", [ChatWebSocketManager, StatusWebSocketManager])
async def test_a_close_reason_cannot_forge_log_lines(
    make: Any, caplog: pytest.LogCaptureFixture, manager: type[ChatWebSocketManager]
) -> None:
    caplog.set_level(logging.DEBUG)
    forged = "bye\n2026-12-06 10:00:00,000 ERROR desktop_app: \x1b[31mforged\r"

    async def handler(ws: ServerConnection) -> None:
        await ws.close(4003, forged)  # not retried: the machine fails at once

    async with ws_server(handler) as url:
        sockets = make(manager, url, max_reconnect_attempts=0)
        events = Recorder()
        sockets.on_message(events)
        sockets.connect(CONVERSATION)
        await events.wait_for("connection_failed")

    assert events.of("disconnected")[0]["reason"] == forged  # listeners get the words
    # Ours: the test server's own library logs what it sends, at DEBUG.
    logged = [r.getMessage() for r in caplog.records if r.name.startswith("desktop_app")]
    assert any("forged" in line for line in logged)
    for line in logged:
        assert not any(char in line for char in "\n\r\x1b"), line
