"""What the transcript shows: one entry per message, and where a user message stands.

Pure values, shared by the conversation controller (which decides what the
transcript holds) and the window (which paints it).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.frames import ChatMessage, Citation, Role


class DeliveryState(enum.Enum):
    """Where a user message is on its way to the server (the outbox sets it)."""

    DELIVERED = "delivered"
    QUEUED = "queued"
    SENDING = "sending"
    FAILED = "failed"


@dataclass(frozen=True)
class TranscriptEntry:
    """One message of the transcript; immutable, so a changed state is a new entry."""

    role: Role
    name: str = field(repr=False)  # may be the patient's name
    content: str = field(repr=False)  # patient text: kept out of reprs and logs
    timestamp: str
    citations: tuple[Citation, ...] = ()
    decision_aids: tuple[Any, ...] = ()
    client_message_id: str | None = None
    state: DeliveryState = DeliveryState.DELIVERED
    #: Why a FAILED message failed, in words for its writer.
    failure: str | None = None

    @classmethod
    def from_message(cls, message: ChatMessage) -> TranscriptEntry:
        return cls(
            role=message.role,
            name=message.name,
            content=message.content,
            timestamp=message.timestamp,
            citations=message.citations,
            decision_aids=message.decision_aids,
            client_message_id=message.client_message_id,
        )


def message_key(entry: TranscriptEntry) -> tuple[str, str]:
    """How a live message is matched to the history: role and text (PROTOCOL.md: history
    timestamps are UTC, live ones local)."""
    return entry.role.value, entry.content
