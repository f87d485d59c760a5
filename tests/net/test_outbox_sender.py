"""The outbox sender's echo bookkeeping, without a server."""

from __future__ import annotations

from typing import Any

from desktop_app.core.frames import ChatMessage, Frame, Pong, decode_object
from desktop_app.demo.server import DemoServer
from desktop_app.net.chat import ChatWebSocketManager
from desktop_app.net.http import PlatformClient
from desktop_app.net.outbox import OutboxSender
from desktop_app.store.outbox import OutboxState, OutboxStore
from tests.net.conftest import until

CONVERSATION = "2f67d6e4-0982-4e92-8e2b-dc03d250ce9f"


async def no_history(_conversation_id: str) -> list[Any]:
    return []


def test_only_the_echo_object_itself_confirms_a_message() -> None:
    chat = ChatWebSocketManager("http://127.0.0.1:9")
    with OutboxStore(None) as store:
        sender = OutboxSender(store, chat, no_history)
        entry = store.mark_sent(store.add(CONVERSATION, "hello").client_id)
        sender._in_flight = entry  # as after pump() sent it
        raw: dict[str, Any] = {
            "role": "user",
            "name": "x",
            "content": "hello",
            "timestamp": "t",
            "client_message_id": entry.client_id,
        }
        echo, copy, reply = (
            decode_object(raw),
            decode_object(dict(raw)),
            decode_object({"role": "bot", "content": "reply"}),
        )
        assert isinstance(echo, ChatMessage)
        assert isinstance(copy, ChatMessage)
        assert isinstance(reply, ChatMessage)
        sender._on_frame(echo)
        assert sender.confirmed_by(echo) == entry.client_id
        # An equal copy is another frame (the server may send the same text again).
        assert sender.confirmed_by(copy) is None
        assert sender.confirmed_by(reply) is None


async def round_trip(chat: ChatWebSocketManager) -> None:
    """A ping answered: the server has handled every frame sent before it (in order)."""
    pongs: list[Frame] = []

    def record_pong(frame: Frame) -> None:
        if isinstance(frame, Pong):
            pongs.append(frame)

    unsubscribe = chat.on_frame(record_pong)
    assert chat.send({"type": "ping"})
    await until(lambda: pongs)
    unsubscribe()


async def test_a_message_the_disk_cannot_mark_sent_stays_queued_and_leaves_once(
    demo: DemoServer, make: Any
) -> None:
    """Written down before it leaves: a refused write sends nothing, and nothing twice."""
    chat = make(ChatWebSocketManager, demo.base_url)
    conversation = demo.create_conversation()
    client = PlatformClient(demo.base_url)
    with OutboxStore(None) as store:
        sender = OutboxSender(store, chat, client.history)
        entry = sender.submit(conversation, "typed before the disk filled up")
        # A real refusal of SQLite's (SQLITE_READONLY), on the store's own connection.
        store._connection().execute("PRAGMA query_only = 1")
        chat.connect(conversation)
        assert await chat.wait_connected(10)
        sender.pump()
        await round_trip(chat)  # a message sent before the ping is stored by now
        assert [m["content"] for m in demo.history(conversation)] == []
        assert store.undelivered(conversation)[0].state is OutboxState.QUEUED

        store._connection().execute("PRAGMA query_only = 0")
        sender.pump()
        await until(lambda: store.undelivered(conversation) == [])
        await round_trip(chat)  # a second copy would be stored by now
        user_messages = [m for m in demo.history(conversation) if m["role"] == "user"]
        assert [m["content"] for m in user_messages] == ["typed before the disk filled up"]
        delivered = store.get(entry.client_id)
        assert delivered is not None
        assert delivered.state is OutboxState.DELIVERED
        await sender.aclose()
    await client.aclose()
