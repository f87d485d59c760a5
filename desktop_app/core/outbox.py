"""The outbox's rules: what may be queued, what counts as delivered.

Every message is written to the outbox before it is sent, and sent one at a
time per conversation (stop-and-wait): the next one leaves only when the
previous one is known to have arrived, so the server's history holds them in
the order they were typed, each once.

A message is known to have arrived when its echo comes back on the chat socket
or when the history holds it. The demo server keeps and echoes the client's
message id; the real server does not, so there a message is matched by role,
content and order: the history holds it when it holds more user messages with
its text than the outbox has seen delivered (two identical texts sent on
purpose are two messages).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.core.frames import ChatMessage, Role
from desktop_app.core.validation import require_positive


@dataclass(frozen=True, kw_only=True)
class OutboxLimits:
    """Bounds per conversation; past them a new message is refused, never dropped."""

    max_messages: int = 500
    max_bytes: int = 5 * 1024 * 1024
    #: Sends without delivery before a message is marked Failed (Retry starts again).
    max_attempts: int = 5

    def __post_init__(self) -> None:
        require_positive("max_messages", self.max_messages)
        require_positive("max_bytes", self.max_bytes)
        require_positive("max_attempts", self.max_attempts)


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


def admission_refusal(
    waiting_messages: int, waiting_bytes: int, text: str, limits: OutboxLimits
) -> str | None:
    """Why ``text`` cannot join a conversation's outbox, or None when it can."""
    size = len(text.encode("utf-8"))
    if size > limits.max_bytes:
        return (
            f"This message is too long to send ({_size(size)}; the limit is "
            f"{_size(limits.max_bytes)}). Please shorten it."
        )
    if waiting_messages >= limits.max_messages:
        return (
            f"{waiting_messages} messages are already waiting to be sent in this conversation. "
            "Please wait until they are delivered, or delete failed ones."
        )
    if waiting_bytes + size > limits.max_bytes:
        return (
            "The messages waiting to be sent in this conversation already use "
            f"{_size(waiting_bytes)} of {_size(limits.max_bytes)}. Please wait until "
            "they are delivered, or delete failed ones."
        )
    return None


def is_echo_of(frame: ChatMessage, client_id: str, text: str) -> bool:
    """Whether ``frame`` is the server's echo of the message ``client_id`` / ``text``."""
    if frame.role is not Role.USER:
        return False
    if frame.client_message_id is not None:
        return frame.client_message_id == client_id
    return frame.content == text


def arrived_in_history(
    history: Sequence[ChatMessage], client_id: str, text: str, delivered_same_text: int
) -> bool:
    """Whether the history holds the message sent as ``client_id`` with ``text``.

    ``delivered_same_text`` is how many messages of this conversation with the
    same text the outbox already knows as delivered.
    """
    if any(m.client_message_id == client_id for m in history):
        return True
    if any(m.client_message_id is not None for m in history):
        return False  # the server keeps ids, and this one is not there
    same = sum(1 for m in history if m.role is Role.USER and m.content == text)
    return same > delivered_same_text
