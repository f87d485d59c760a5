"""The outbox sender's echo bookkeeping, without a server."""

from __future__ import annotations

from typing import Any

from desktop_app.net.chat import ChatWebSocketManager
from desktop_app.net.outbox import OutboxSender
from desktop_app.store.outbox import OutboxStore

CONVERSATION = "2f67d6e4-0982-4e92-8e2b-dc03d250ce9f"


async def no_history(_conversation_id: str) -> list[Any]:
    return []


def test_only_the_echo_object_itself_confirms_a_message() -> None:
    chat = ChatWebSocketManager("http://127.0.0.1:9")
    with OutboxStore(None) as store:
        sender = OutboxSender(store, chat, no_history)
        entry = store.mark_sent(store.add(CONVERSATION, "hello").client_id)
        sender._in_flight = entry  # as after pump() sent it
        echo: dict[str, Any] = {
            "role": "user",
            "name": "x",
            "content": "hello",
            "timestamp": "t",
            "client_message_id": entry.client_id,
        }
        sender._on_chat_event(echo)
        assert sender.confirmed_by(echo) == entry.client_id
        # An equal copy is another frame (the server may send the same text again).
        assert sender.confirmed_by(dict(echo)) is None
        assert sender.confirmed_by({"role": "bot", "content": "reply"}) is None
