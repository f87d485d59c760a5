"""The read loop's per-frame shortcuts keep what the slower path did (issue 13, B5).

A chat message goes straight to the dispatch; the keepalive hears of frames
through a flag; the logger is asked once a read slice whether messages are
logged. None of that may change who hears what, or what reaches the log.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection

from desktop_app.core.frames import ChatMessage, Frame
from desktop_app.net import ChatWebSocketManager
from tests.net.conftest import Recorder, make, until, ws_server

__all__ = ["make"]  # fixture used here

CONVERSATION = "2f67d6e4-0982-4e92-8e2b-dc03d250ce9f"
SECRET = "Zelda Quux"


def chat(role: str, **extra: Any) -> str:
    return json.dumps(
        {"role": role, "name": "n", "content": SECRET, "timestamp": "t", "citations": [], **extra}
    )


async def test_every_stream_and_callback_hears_a_chat_message_once(make: Any) -> None:
    async def handler(ws: ServerConnection) -> None:
        await ws.send(chat("user"))
        await ws.send(chat("bot"))
        # A reply posing as a connection event: kept off the dict stream only.
        await ws.send(chat("bot", type="disconnected"))
        await ws.send(chat("unknown"))
        await ws.wait_closed()

    async with ws_server(handler) as url:
        manager = make(ChatWebSocketManager, url)
        frames: list[Frame] = []
        as_dicts = Recorder()
        users: list[dict[str, Any]] = []
        replies: list[dict[str, Any]] = []
        manager.on_frame(frames.append)
        manager.on_message(as_dicts)
        manager.set_on_chat_message_callback(users.append)
        manager.set_on_chat_reply_callback(replies.append)
        manager.connect(CONVERSATION)
        await until(lambda: len(frames) == 4)

    assert all(isinstance(frame, ChatMessage) for frame in frames)
    assert [event["role"] for event in as_dicts.events if "role" in event] == [
        "user",
        "bot",
        "unknown",
    ]
    assert [event["role"] for event in users] == ["user"]
    assert [event.get("type") for event in replies] == [None, "disconnected"]


async def test_messages_are_logged_at_debug_by_size_only(
    make: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="desktop_app.net.chat")

    async def handler(ws: ServerConnection) -> None:
        await ws.send(chat("bot"))
        await ws.wait_closed()

    async with ws_server(handler) as url:
        manager = make(ChatWebSocketManager, url)
        frames: list[Frame] = []
        manager.on_frame(frames.append)
        manager.connect(CONVERSATION)
        await until(lambda: frames)

    received = [r.getMessage() for r in caplog.records if "Received" in r.getMessage()]
    assert received == ["[ChatWS] Received bot message (10 chars, 0 citations)"]
    assert SECRET not in caplog.text
