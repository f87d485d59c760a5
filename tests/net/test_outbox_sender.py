"""The outbox sender against the demo server: it carries out the outbox machine's actions.

The rules themselves are tested without I/O in tests/core/test_outbox_machine.py;
these tests check that the sender does what the machine says with a real socket,
a real history endpoint and a real SQLite file on the writer's thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.errors import OutboxWriteError
from desktop_app.core.frames import ChatMessage, Frame, Pong, decode_object
from desktop_app.core.outbox import OutboxLimits
from desktop_app.core.outbox_machine import LanePhase
from desktop_app.demo.server import DemoServer
from desktop_app.net.chat import ChatWebSocketManager
from desktop_app.net.http import PlatformClient
from desktop_app.net.outbox import Outbox, OutboxFull, OutboxSender
from desktop_app.store.outbox import OutboxState, OutboxStore
from tests.net.conftest import until
from tests.sqlite_limits import KeptConnection


async def round_trip(chat: ChatWebSocketManager) -> None:
    """A ping answered: the server has handled every frame sent before it (in order).

    Any pong ends the wait, also one answering the manager's own ping. That is still
    proof: the manager pings only after a send (a probe, so after the message in
    question) or after ``ping_interval`` idle (30 s, longer than these tests run).
    """
    pongs: list[Frame] = []

    def record_pong(frame: Frame) -> None:
        if isinstance(frame, Pong):
            pongs.append(frame)

    unsubscribe = chat.on_frame(record_pong)
    assert chat.send({"type": "ping"})
    await until(lambda: pongs)
    unsubscribe()


async def no_history(_conversation_id: str) -> list[ChatMessage]:
    return []


def user_texts(demo: DemoServer, conversation: str) -> list[str]:
    return [m["content"] for m in demo.history(conversation) if m["role"] == "user"]


async def test_only_the_echo_object_itself_confirms_a_message(demo: DemoServer, make: Any) -> None:
    chat = make(ChatWebSocketManager, demo.base_url)
    conversation = demo.create_conversation()
    client = PlatformClient(demo.base_url)
    frames: list[ChatMessage] = []
    chat.on_frame(lambda frame: frames.append(frame) if isinstance(frame, ChatMessage) else None)
    with OutboxStore(None) as store:
        sender = OutboxSender(store, chat, client.history)
        entry = await sender.submit(conversation, "hello")
        chat.connect(conversation)
        await until(lambda: sender.undelivered() == [])
        echo = next(f for f in frames if f.client_message_id == entry.client_id)
        assert sender.confirmed_by(echo) == entry.client_id
        # An equal copy is another frame (the server may send the same text again).
        copy = decode_object(dict(echo.raw))
        assert isinstance(copy, ChatMessage)
        assert copy == echo
        assert sender.confirmed_by(copy) is None
        await sender.aclose()
    await client.aclose()


async def test_submit_returns_once_the_message_is_on_disk(tmp_path: Path) -> None:
    chat = ChatWebSocketManager("http://127.0.0.1:9")
    path = tmp_path / "outbox.sqlite3"
    with OutboxStore(path) as store:
        sender = OutboxSender(store, chat, no_history)
        entry = await sender.submit("c1", "typed")
        # Another connection reads the file: the message is committed, QUEUED.
        with OutboxStore(path) as reader:
            assert [(e.client_id, e.state) for e in reader.undelivered()] == [
                (entry.client_id, OutboxState.QUEUED)
            ]
        assert sender.undelivered("c1") == [entry]
        await sender.aclose()
    await chat.aclose()


async def test_a_full_outbox_refuses_and_stores_nothing(tmp_path: Path) -> None:
    chat = ChatWebSocketManager("http://127.0.0.1:9")
    with OutboxStore(tmp_path / "outbox.sqlite3") as store:
        outbox = Outbox(store, limits=OutboxLimits(max_messages=1))
        await outbox.submit("c1", "one")
        with pytest.raises(OutboxFull, match="1 messages are already waiting"):
            await outbox.submit("c1", "two")
        assert [e.text for e in outbox.undelivered()] == ["one"]
        await outbox.aclose()
    await chat.aclose()


async def test_a_refused_write_stores_nothing_and_says_why(tmp_path: Path) -> None:
    kept = KeptConnection()
    with OutboxStore(tmp_path / "outbox.sqlite3", connect=kept) as store:
        outbox = Outbox(store)
        # A real refusal of SQLite's (SQLITE_READONLY), on the writer's thread.
        outbox.writer.submit(lambda _store: kept.read_only(True)).result()
        with pytest.raises(OutboxWriteError):
            await outbox.submit("c1", "typed on a read-only disk")
        assert outbox.undelivered() == []
        await outbox.aclose()


async def test_a_message_the_disk_cannot_mark_sent_stays_queued_and_leaves_once(
    demo: DemoServer, make: Any
) -> None:
    """Written down before it leaves: a refused write sends nothing, and nothing twice."""
    chat = make(ChatWebSocketManager, demo.base_url)
    conversation = demo.create_conversation()
    client = PlatformClient(demo.base_url)
    kept = KeptConnection()
    with OutboxStore(None, connect=kept) as store:
        sender = OutboxSender(store, chat, client.history)
        entry = await sender.submit(conversation, "typed before the disk filled up")
        # A real refusal of SQLite's (SQLITE_READONLY), on the writer's thread.
        writer = sender.outbox.writer
        writer.submit(lambda _store: kept.read_only(True)).result()
        lane = sender.outbox.machine.lanes[sender.lane]
        chat.connect(conversation)
        assert await chat.wait_connected(10)
        # Open: the lane wrote SENT (WRITING); the refusal brings it back to READY.
        await until(lambda: lane.phase is LanePhase.READY)
        await round_trip(chat)  # a message sent before the ping is stored by now
        assert user_texts(demo, conversation) == []
        assert sender.undelivered(conversation)[0].state is OutboxState.QUEUED

        writer.submit(lambda _store: kept.read_only(False)).result()
        sender.pump()
        await until(lambda: sender.undelivered(conversation) == [])
        await round_trip(chat)  # a second copy would be stored by now
        assert user_texts(demo, conversation) == ["typed before the disk filled up"]
        await sender.aclose()
        delivered = store.get(entry.client_id)
        assert delivered is not None
        assert delivered.state is OutboxState.DELIVERED
    await client.aclose()
