"""The platform protocol's frames as the demo server reads and writes them (pure, no I/O).

Client to server (chat socket): :func:`parse_client_frame` turns a text frame into
a :class:`PingFrame`, a :class:`ChatFrame` or ``None`` for a frame the real server's
handler would raise on (the caller then drops the connection).

Server to client: :func:`pong_frame`, :func:`status_frame` and
:meth:`ChatMessage.to_frame`, the one shape used both for live chat frames and for
history entries (live frames carry the server's local offset, history UTC).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

CLIENT_MESSAGE_ID_KEY = "client_message_id"


@dataclass(frozen=True)
class PingFrame:
    """``{"type": "ping"}``: answered with a pong on the same socket."""


@dataclass(frozen=True)
class ChatFrame:
    """``{"message": text}``, with the client's own message id when it sent a string one."""

    text: str
    client_message_id: str | None = None


def parse_client_frame(data: str) -> PingFrame | ChatFrame | None:
    """Decode a chat socket text frame; ``None`` when the real server would fail on it."""
    try:
        frame = json.loads(data)
    except ValueError:
        return None
    if not isinstance(frame, dict):
        return None
    # The real consumer looks at the type first: a ping is a ping whatever else it carries.
    if frame.get("type") == "ping":
        return PingFrame()
    text = frame.get("message")
    if not isinstance(text, str):
        return None
    client_id = frame.get(CLIENT_MESSAGE_ID_KEY)
    return ChatFrame(text=text, client_message_id=client_id if isinstance(client_id, str) else None)


def is_ping(data: str) -> bool:
    """Whether a status socket text frame is ``{"type": "ping"}`` (anything else is ignored)."""
    try:
        frame = json.loads(data)
    except ValueError:
        return False
    return isinstance(frame, dict) and frame.get("type") == "ping"


def pong_frame() -> dict[str, Any]:
    """The keepalive answer."""
    return {"type": "pong"}


def status_frame(event: str, at: datetime, **extra: Any) -> dict[str, Any]:
    """A status socket event: ``{"type": event, "timestamp": iso, **extra}``."""
    return {"type": event, "timestamp": at.isoformat(), **extra}


@dataclass(frozen=True)
class Citation:
    """A source the bot reply cites with the marker ``[index]``."""

    index: int
    url: str
    title: str
    excerpt: str
    doc_id: str

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "url": self.url,
            "title": self.title,
            "excerpt": self.excerpt,
            "doc_id": self.doc_id,
        }


@dataclass(frozen=True)
class DecisionAid:
    """A decision aid linked under a bot reply."""

    title: str
    url: str

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "url": self.url}


@dataclass(frozen=True)
class ChatMessage:
    """One chat message, user or bot; ``created_at`` is timezone-aware."""

    role: str
    name: str
    content: str
    created_at: datetime
    citations: tuple[Citation, ...] = field(default=())
    decision_aids: tuple[DecisionAid, ...] = field(default=())
    client_message_id: str | None = None

    def to_frame(self, *, local_time: bool, include_client_id: bool) -> dict[str, Any]:
        """The protocol's chat message object.

        ``local_time`` gives the timestamp the server's local offset (live frames);
        otherwise it is UTC (history). ``include_client_id`` adds the client's
        message id when the message has one.
        """
        at = self.created_at.astimezone() if local_time else self.created_at.astimezone(UTC)
        frame: dict[str, Any] = {
            "role": self.role,
            "name": self.name,
            "content": self.content,
            "timestamp": at.isoformat(),
            "citations": [citation.to_json() for citation in self.citations],
            "decision_aids": [aid.to_json() for aid in self.decision_aids],
        }
        if include_client_id and self.client_message_id is not None:
            frame[CLIENT_MESSAGE_ID_KEY] = self.client_message_id
        return frame
