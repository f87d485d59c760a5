"""A conversation over both sockets against the demo server: the happy path."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from desktop_app.core.machine import ConnectionState
from desktop_app.demo.server import DemoServer
from desktop_app.net import ChatWebSocketManager, StatusWebSocketManager
from tests.net.conftest import Recorder

SECRET = "Patient Zelda Quux reports chest pain"


async def test_message_round_trip_with_echo_reply_and_status(demo: DemoServer, make: Any) -> None:
    conversation = demo.create_conversation()
    chat = make(ChatWebSocketManager, demo.base_url)
    status = make(StatusWebSocketManager, demo.base_url)
    frames, statuses = Recorder(), Recorder()
    opened: list[bool] = []
    echoes, replies = Recorder(), Recorder()
    chat.on_message(frames)
    status.on_status_change(statuses)
    chat.set_on_open_callback(lambda: opened.append(True))
    chat.set_on_chat_message_callback(echoes)
    chat.set_on_chat_reply_callback(replies)

    chat.connect(conversation)
    status.connect(conversation)
    assert chat.is_connecting
    assert await chat.wait_connected(10)
    assert await status.wait_connected(10)
    assert chat.current_conversation_id == conversation
    assert opened == [True]

    assert chat.send_message("Is surgery the right choice for me?")
    await replies.wait_for("bot")
    await statuses.wait_for("extraction_complete")

    assert [e["content"] for e in echoes.events] == ["Is surgery the right choice for me?"]
    reply = replies.events[0]
    assert reply["citations"][0]["index"] == 1
    assert "[1]" in reply["content"]
    kinds = [kind for kind in frames.types() if kind != "pong"]  # the send's probe is answered
    assert kinds[:3] == ["connection_established", "role:user", "role:bot"]
    assert "pong" in frames.types()
    kinds = statuses.types()
    assert kinds.index("thinking_start") < kinds.index("thinking_end")
    assert kinds.index("extraction_start") < kinds.index("extraction_complete")
    assert not status.is_thinking
    assert not status.is_extracting
    assert [m["role"] for m in demo.history(conversation)] == ["user", "bot"]


async def test_summary_request_tracks_summary_generation(demo: DemoServer, make: Any) -> None:
    conversation = demo.create_conversation()
    chat = make(ChatWebSocketManager, demo.base_url)
    status = make(StatusWebSocketManager, demo.base_url)
    statuses = Recorder()
    status.on_status_change(statuses)
    flags: list[bool] = []
    status.on_status_change(lambda e: flags.append(status.is_summary_generating))
    chat.connect(conversation)
    status.connect(conversation)
    assert await chat.wait_connected(10)
    assert await status.wait_connected(10)

    chat.send_message("Please prepare my summary")
    await statuses.wait_for("summary_complete")

    triggered = statuses.of("extraction_complete")[0]
    assert triggered["summary_triggered"] is True
    # Generating from extraction_complete until summary_complete.
    assert flags[statuses.types().index("extraction_complete")] is True
    assert not status.is_summary_generating


async def test_keepalive_pings_are_answered_and_measure_latency(
    demo: DemoServer, make: Any
) -> None:
    chat = make(ChatWebSocketManager, demo.base_url, ping_interval=0.1, pong_timeout=1.0)
    frames = Recorder()
    chat.on_message(frames)
    chat.connect(demo.create_conversation())
    assert [chat.latency] == [None]  # in a list: mypy would narrow the property for good
    assert await chat.wait_connected(10)

    # 0.1 s interval: several pings within a second, each answered by a pong.
    await frames.wait_for("pong", count=3)
    assert chat.latency is not None
    assert 0 <= chat.latency < 1.0
    assert chat.state is ConnectionState.OPEN
    assert frames.of("disconnected") == []


async def test_logs_never_contain_message_text(
    demo: DemoServer, make: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    conversation = demo.create_conversation()
    chat = make(ChatWebSocketManager, demo.base_url)
    status = make(StatusWebSocketManager, demo.base_url)
    replies = Recorder()
    chat.set_on_chat_reply_callback(replies)

    def failing_listener(event: dict[str, Any]) -> None:
        if event.get("role") == "user":
            raise ValueError(f"cannot render {event['content']}")

    chat.on_message(failing_listener)
    chat.connect(conversation)
    status.connect(conversation)
    assert await chat.wait_connected(10)
    chat.send_message(SECRET)
    await replies.wait_for("bot")
    await chat.aclose()

    assert "Listener error: ValueError" in caplog.text
    assert "Zelda" not in caplog.text
    for record in caplog.records:
        assert "Zelda" not in record.getMessage()
        assert record.exc_info is None or "Zelda" not in str(record.exc_info[1])
