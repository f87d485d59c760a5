"""SQLite storage of the demo server: conversations, messages, login sessions, summary PDFs.

In memory by default; with a file, conversations and login sessions survive a
restart of the server. Every timestamp is stored as UTC ISO 8601 text.

The connection is shared by the event loop and the synchronous test helpers of
:class:`~desktop_app.demo.server.DemoServer`, possibly from different threads, so
every access holds one lock.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from desktop_app.demo.frames import ChatMessage, Citation, DecisionAid

if TYPE_CHECKING:
    from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at TEXT NOT NULL,
    citations TEXT NOT NULL,
    decision_aids TEXT NOT NULL,
    client_message_id TEXT,
    UNIQUE (conversation_id, client_message_id)
);
CREATE TABLE IF NOT EXISTS sessions (
    session_key TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS summaries (
    conversation_id TEXT PRIMARY KEY REFERENCES conversations (id),
    generated_at TEXT NOT NULL,
    pdf BLOB NOT NULL
);
"""


@dataclass(frozen=True)
class Summary:
    """A generated summary PDF."""

    generated_at: datetime
    pdf: bytes


class DemoStore:
    """The demo server's tables, behind small typed methods."""

    def __init__(self, path: Path | None = None) -> None:
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(
            ":memory:" if path is None else str(path), check_same_thread=False
        )
        # Close the connection when the store is garbage collected, so an in-memory
        # store never leaks it (newer Pythons warn about unclosed connections).
        self._finalizer = weakref.finalize(self, self._conn.close)
        with self._lock, self._conn:
            self._conn.executescript(_SCHEMA)

    def ensure_open(self) -> None:
        """Raise :class:`sqlite3.ProgrammingError` when the store was closed."""
        with self._lock:
            self._conn.execute("SELECT 1")

    def close(self) -> None:
        """Close the connection; the store is unusable afterwards."""
        with self._lock:
            self._finalizer()

    # --- conversations -----------------------------------------------------------

    def add_conversation(self, conversation_id: str, title: str, created_at: datetime) -> bool:
        """Create a conversation unless it exists; whether it was created."""
        with self._lock, self._conn:
            cursor = self._conn.execute(
                "INSERT OR IGNORE INTO conversations (id, title, created_at) VALUES (?, ?, ?)",
                (conversation_id, title, _to_text(created_at)),
            )
            return cursor.rowcount == 1

    def has_conversation(self, conversation_id: str) -> bool:
        with self._lock:
            row = self._conn.execute(
                "SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)
            ).fetchone()
        return row is not None

    def conversation_ids(self) -> list[str]:
        """Every conversation id, oldest first."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT id FROM conversations ORDER BY created_at, rowid"
            ).fetchall()
        return [str(row[0]) for row in rows]

    # --- messages ----------------------------------------------------------------

    def add_message(self, conversation_id: str, message: ChatMessage) -> None:
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT INTO messages (conversation_id, role, name, content, created_at,"
                " citations, decision_aids, client_message_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    conversation_id,
                    message.role,
                    message.name,
                    message.content,
                    _to_text(message.created_at),
                    json.dumps([citation.to_json() for citation in message.citations]),
                    json.dumps([aid.to_json() for aid in message.decision_aids]),
                    message.client_message_id,
                ),
            )

    def messages(self, conversation_id: str) -> list[ChatMessage]:
        """The conversation's messages, oldest first."""
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? ORDER BY seq",
                (conversation_id,),
            ).fetchall()
        return [_message_from_row(row) for row in rows]

    def find_by_client_id(self, conversation_id: str, client_message_id: str) -> ChatMessage | None:
        with self._lock:
            row = self._conn.execute(
                f"SELECT {_MESSAGE_COLUMNS} FROM messages"
                " WHERE conversation_id = ? AND client_message_id = ?",
                (conversation_id, client_message_id),
            ).fetchone()
        return None if row is None else _message_from_row(row)

    def count_messages(self, conversation_id: str, role: str) -> int:
        with self._lock:
            row = self._conn.execute(
                "SELECT COUNT(*) FROM messages WHERE conversation_id = ? AND role = ?",
                (conversation_id, role),
            ).fetchone()
        return int(row[0])

    # --- login sessions ----------------------------------------------------------

    def add_session(self, session_key: str, email: str, expires_at: datetime) -> None:
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT INTO sessions (session_key, email, expires_at) VALUES (?, ?, ?)",
                (session_key, email, _to_text(expires_at)),
            )

    def session_email(self, session_key: str, now: datetime) -> str | None:
        """The email of the session's user, or ``None`` for an unknown or expired session."""
        with self._lock:
            row = self._conn.execute(
                "SELECT email, expires_at FROM sessions WHERE session_key = ?", (session_key,)
            ).fetchone()
        if row is None or _from_text(row[1]) <= now:
            return None
        return str(row[0])

    # --- summaries ---------------------------------------------------------------

    def save_summary(self, conversation_id: str, generated_at: datetime, pdf: bytes) -> None:
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT OR REPLACE INTO summaries (conversation_id, generated_at, pdf)"
                " VALUES (?, ?, ?)",
                (conversation_id, _to_text(generated_at), pdf),
            )

    def summary(self, conversation_id: str) -> Summary | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT generated_at, pdf FROM summaries WHERE conversation_id = ?",
                (conversation_id,),
            ).fetchone()
        return None if row is None else Summary(generated_at=_from_text(row[0]), pdf=bytes(row[1]))


_MESSAGE_COLUMNS = "role, name, content, created_at, citations, decision_aids, client_message_id"


def _message_from_row(row: tuple[Any, ...]) -> ChatMessage:
    role, name, content, created_at, citations, decision_aids, client_message_id = row
    return ChatMessage(
        role=role,
        name=name,
        content=content,
        created_at=_from_text(created_at),
        citations=tuple(Citation(**item) for item in json.loads(citations)),
        decision_aids=tuple(DecisionAid(**item) for item in json.loads(decision_aids)),
        client_message_id=client_message_id,
    )


def _to_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _from_text(text: str) -> datetime:
    return datetime.fromisoformat(text)
