"""SQLite storage of the demo server: conversations, messages, login sessions, summary PDFs.

In memory by default; with a file, conversations and login sessions survive a
restart of the server. Every timestamp is stored as UTC ISO 8601 text. The file
is readable by its owner only (0600, also when an older version left it 0644;
SQLite gives its journal the same mode), deleted rows are zeroed on disk
(``secure_delete``), and :meth:`DemoStore.wipe` erases every conversation.

A deleted conversation leaves its id in ``deleted_conversations``: the id is never
created again (a chat socket creates the conversations it does not know), and a
message or summary for it is not stored.

The connection is shared by the event loop and the synchronous test helpers of
:class:`~desktop_app.demo.server.DemoServer`, possibly from different threads, so
every access holds one lock.
"""

from __future__ import annotations

import json
import os
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
CREATE TABLE IF NOT EXISTS deleted_conversations (
    id TEXT PRIMARY KEY,
    deleted_at TEXT NOT NULL
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
        if path is not None:
            _create_private_file(path)
        self._conn = sqlite3.connect(
            ":memory:" if path is None else str(path), check_same_thread=False
        )
        # Close the connection when the store is garbage collected, so an in-memory
        # store never leaks it (newer Pythons warn about unclosed connections).
        self._finalizer = weakref.finalize(self, self._conn.close)
        try:
            with self._lock, self._conn:
                self._conn.execute("PRAGMA secure_delete = ON")
                self._conn.executescript(_SCHEMA)
        except BaseException:
            # A damaged file fails here; closed at once, so that it may be moved away.
            self._finalizer()
            raise

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
        """Create a conversation unless it exists or was deleted; whether it was created."""
        with self._lock, self._conn:
            cursor = self._conn.execute(
                "INSERT OR IGNORE INTO conversations (id, title, created_at)"
                " SELECT ?, ?, ? WHERE NOT EXISTS"
                " (SELECT 1 FROM deleted_conversations WHERE id = ?)",
                (conversation_id, title, _to_text(created_at), conversation_id),
            )
            return cursor.rowcount == 1

    def delete_conversation(self, conversation_id: str, deleted_at: datetime) -> bool:
        """Delete a conversation with its messages and summary; whether it existed.

        The id is remembered as deleted either way, so it is never created again.
        """
        with self._lock, self._conn:
            self._conn.execute("DELETE FROM messages WHERE conversation_id = ?", (conversation_id,))
            self._conn.execute(
                "DELETE FROM summaries WHERE conversation_id = ?", (conversation_id,)
            )
            cursor = self._conn.execute(
                "DELETE FROM conversations WHERE id = ?", (conversation_id,)
            )
            self._conn.execute(
                "INSERT OR IGNORE INTO deleted_conversations (id, deleted_at) VALUES (?, ?)",
                (conversation_id, _to_text(deleted_at)),
            )
            return cursor.rowcount == 1

    def wipe(self, wiped_at: datetime) -> list[str]:
        """Delete every conversation, message and summary; the conversations' ids.

        The ids are remembered as deleted. The file is compacted afterwards, so
        that no page of it still holds the text.
        """
        with self._lock:
            with self._conn:
                ids = [str(row[0]) for row in self._conn.execute("SELECT id FROM conversations")]
                self._conn.execute("DELETE FROM messages")
                self._conn.execute("DELETE FROM summaries")
                self._conn.execute("DELETE FROM conversations")
                self._conn.executemany(
                    "INSERT OR IGNORE INTO deleted_conversations (id, deleted_at) VALUES (?, ?)",
                    [(conversation_id, _to_text(wiped_at)) for conversation_id in ids],
                )
            self._conn.execute("VACUUM")
        return ids

    def is_deleted(self, conversation_id: str) -> bool:
        with self._lock:
            row = self._conn.execute(
                "SELECT 1 FROM deleted_conversations WHERE id = ?", (conversation_id,)
            ).fetchone()
        return row is not None

    def has_conversation(self, conversation_id: str) -> bool:
        with self._lock:
            row = self._conn.execute(
                "SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)
            ).fetchone()
        return row is not None

    # --- messages ----------------------------------------------------------------

    def add_message(self, conversation_id: str, message: ChatMessage) -> bool:
        """Store a message; ``False`` (nothing stored) when the conversation does not exist."""
        with self._lock, self._conn:
            cursor = self._conn.execute(
                "INSERT INTO messages (conversation_id, role, name, content, created_at,"
                " citations, decision_aids, client_message_id)"
                " SELECT ?, ?, ?, ?, ?, ?, ?, ?"
                " WHERE EXISTS (SELECT 1 FROM conversations WHERE id = ?)",
                (
                    conversation_id,
                    message.role,
                    message.name,
                    message.content,
                    _to_text(message.created_at),
                    json.dumps([citation.to_json() for citation in message.citations]),
                    json.dumps([aid.to_json() for aid in message.decision_aids]),
                    message.client_message_id,
                    conversation_id,
                ),
            )
            return cursor.rowcount == 1

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

    def delete_session(self, session_key: str) -> bool:
        """End one session (sign-out); whether it existed."""
        with self._lock, self._conn:
            cursor = self._conn.execute(
                "DELETE FROM sessions WHERE session_key = ?", (session_key,)
            )
            return cursor.rowcount == 1

    def delete_sessions(self, now: datetime) -> int:
        """End every session; how many of them had not expired yet."""
        with self._lock, self._conn:
            live = len(self._live_session_keys(now))
            self._conn.execute("DELETE FROM sessions")
        return live

    def expire_sessions(self, now: datetime) -> int:
        """Set every live session's expiry to ``now``; how many there were.

        The rows stay, like Django's expired sessions until ``clearsessions`` runs.
        """
        with self._lock, self._conn:
            keys = self._live_session_keys(now)
            self._conn.executemany(
                "UPDATE sessions SET expires_at = ? WHERE session_key = ?",
                [(_to_text(now), key) for key in keys],
            )
        return len(keys)

    def _live_session_keys(self, now: datetime) -> list[str]:
        # The caller holds the lock. Compared as datetimes: the stored text does not
        # always sort in time order (isoformat drops a zero microsecond part).
        rows = self._conn.execute("SELECT session_key, expires_at FROM sessions").fetchall()
        return [str(key) for key, expires_at in rows if _from_text(expires_at) > now]

    # --- summaries ---------------------------------------------------------------

    def save_summary(self, conversation_id: str, generated_at: datetime, pdf: bytes) -> bool:
        """Store the summary PDF; ``False`` (nothing stored) when the conversation is gone."""
        with self._lock, self._conn:
            cursor = self._conn.execute(
                "INSERT OR REPLACE INTO summaries (conversation_id, generated_at, pdf)"
                " SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM conversations WHERE id = ?)",
                (conversation_id, _to_text(generated_at), pdf, conversation_id),
            )
            return cursor.rowcount == 1

    def summary(self, conversation_id: str) -> Summary | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT generated_at, pdf FROM summaries WHERE conversation_id = ?",
                (conversation_id,),
            ).fetchone()
        return None if row is None else Summary(generated_at=_from_text(row[0]), pdf=bytes(row[1]))


_MESSAGE_COLUMNS = "role, name, content, created_at, citations, decision_aids, client_message_id"


def _create_private_file(path: Path) -> None:
    """Create the database file for its owner only before SQLite opens it; an existing
    one (and a journal left next to it) is set back to 0600. A file that cannot be
    created fails as SQLite would fail to open it."""
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        for name in (str(path), f"{path}-journal", f"{path}-wal", f"{path}-shm"):
            if os.path.exists(name):
                os.chmod(name, 0o600)
    except OSError as exc:
        raise sqlite3.OperationalError(f"unable to open database file ({exc.strerror})") from exc


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
