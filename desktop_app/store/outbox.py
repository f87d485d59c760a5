"""The outbox: every message the user sends, on disk before it goes anywhere.

Theory of operation: :meth:`OutboxStore.add` writes the message (QUEUED) in
one committed transaction, so nothing typed is lost to a network drop, a
restart or a killed process. The sender then moves it through the states
below; every change is one small transaction on one row, identified by the
``client_id`` the store generated.

Message text is patient information. It is never logged (ids, states and
sizes are), never put in an exception message, and it leaves the disk as
soon as it is no longer needed: at DELIVERED the text is replaced by ``""``
and only its SHA-256 is kept (for :meth:`OutboxStore.delivered_count`).
``secure_delete`` zeroes the freed bytes in the database file, and a
truncating WAL checkpoint after each erasure drops the older copies the
write-ahead log still holds.

Transitions (anything else raises :class:`~desktop_app.core.errors.OutboxError`)::

    mark_sent       QUEUED, SENT          -> SENT       (attempts + 1)
    mark_queued     SENT, FAILED          -> QUEUED     (resend after a reconnect, or Retry)
    mark_failed     QUEUED, SENT          -> FAILED
    mark_delivered  QUEUED, SENT, FAILED  -> DELIVERED  (text erased)
    delete          QUEUED, FAILED        -> (row gone; the text is zeroed on disk)

An unknown ``client_id`` also raises ``OutboxError`` (with ``state`` None),
never ``KeyError``: one exception type for the caller to handle.
:meth:`OutboxStore.get` is the lookup that answers ``None`` instead. A change the
disk refuses (full, read-only, failing) raises its subclass
:class:`~desktop_app.core.errors.OutboxWriteError`, with nothing stored; a file
that is no database or a damaged one, :class:`~desktop_app.core.errors.OutboxDamaged`
when it is opened.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Self

from desktop_app.core.errors import DISK_FULL, OutboxDamaged, OutboxError, OutboxWriteError

# Re-exported: the entry and its states are the store's vocabulary too.
from desktop_app.core.outbox import UNDELIVERED as UNDELIVERED
from desktop_app.core.outbox import OutboxEntry as OutboxEntry
from desktop_app.core.outbox import OutboxState as OutboxState
from desktop_app.store.files import is_damaged

if TYPE_CHECKING:
    from pathlib import Path
    from types import TracebackType

logger = logging.getLogger("desktop_app.store.outbox")

SCHEMA_VERSION = 1


# Target state -> the states it may be reached from: the whole state machine.
_SOURCES: dict[OutboxState, frozenset[OutboxState]] = {
    OutboxState.SENT: frozenset({OutboxState.QUEUED, OutboxState.SENT}),
    OutboxState.QUEUED: frozenset({OutboxState.SENT, OutboxState.FAILED}),
    OutboxState.FAILED: frozenset({OutboxState.QUEUED, OutboxState.SENT}),
    OutboxState.DELIVERED: frozenset(UNDELIVERED),
}
# A SENT message may have arrived: deleting it would undercount delivered_count.
_DELETABLE = frozenset({OutboxState.QUEUED, OutboxState.FAILED})

_SCHEMA = (
    """
    CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        client_id TEXT NOT NULL UNIQUE,
        conversation_id TEXT NOT NULL,
        text TEXT NOT NULL,
        text_sha256 TEXT,
        created_at TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'delivered', 'failed')),
        attempts INTEGER NOT NULL CHECK (attempts >= 0),
        CHECK (state != 'delivered' OR (text = '' AND text_sha256 IS NOT NULL))
    )
    """,
    "CREATE INDEX outbox_conversation_state_seq ON outbox (conversation_id, state, seq)",
)

_COLUMNS = "client_id, conversation_id, text, created_at, state, attempts, seq"
_UNDELIVERED_SQL = "state IN (?, ?, ?)"
_UNDELIVERED_VALUES = tuple(state.value for state in UNDELIVERED)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


#: Delivered messages kept per conversation (the newest), for :meth:`OutboxStore.delivered_count`.
KEEP_DELIVERED = 1000


class OutboxStore:
    """The outbox table in a SQLite file (``path``), or in memory when ``path`` is None.

    A file is created readable by its owner only (0600, missing parent
    directories 0700), and an existing one is set back to 0600. Raises
    :class:`~desktop_app.core.errors.OutboxError` naming the file when it cannot
    be opened, is damaged, or was written by a newer version.

    Delivered rows are kept only as the recent past the history check needs
    (:meth:`delivered_count`): opening the store prunes them to ``keep_delivered``
    per conversation, so they do not pile up across the years of a clinic's machine.

    Not thread-safe: use it from one thread at a time. The app hands it to an
    :class:`~desktop_app.store.outbox_writer.OutboxWriter`, whose thread is then its
    only user (the connection is opened with ``check_same_thread=False`` for that
    hand-over, not for sharing).

    ``connect`` opens the SQLite connection, called like :func:`sqlite3.connect`
    (``connect(database, isolation_level=None, check_same_thread=False)``). A test
    passes one that keeps the connection it opened, to limit it as a full or
    read-only disk would (``PRAGMA max_page_count``, ``PRAGMA query_only``).
    """

    def __init__(
        self,
        path: Path | None,
        *,
        clock: Callable[[], datetime] = _utc_now,
        keep_delivered: int = KEEP_DELIVERED,
        connect: Callable[..., sqlite3.Connection] = sqlite3.connect,
    ) -> None:
        self.path = path
        self._clock = clock
        self._name = "in-memory outbox" if path is None else f"outbox {path}"
        self._conn: sqlite3.Connection | None = _open(path, self._name, connect)
        try:
            self.prune_delivered(keep_per_conversation=keep_delivered)
        except OutboxWriteError as exc:  # a full disk: keep them, try at the next start
            logger.warning("Outbox: delivered messages not pruned (%s)", exc.reason)

    # --- lifetime ------------------------------------------------------------------

    def close(self) -> None:
        """Close the database (idempotent); later calls raise OutboxError."""
        if self._conn is not None:
            conn, self._conn = self._conn, None
            conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- changes -------------------------------------------------------------------

    def add(self, conversation_id: str, text: str) -> OutboxEntry:
        """Queue ``text`` for ``conversation_id``; committed when this returns."""
        client_id = str(uuid.uuid4())
        created_at = self._clock().astimezone(UTC).isoformat()
        with self._transaction(new_message=True) as conn:
            cursor = conn.execute(
                "INSERT INTO outbox (client_id, conversation_id, text, created_at, state,"
                " attempts) VALUES (?, ?, ?, ?, ?, 0)",
                (client_id, conversation_id, text, created_at, OutboxState.QUEUED.value),
            )
            seq = cursor.lastrowid
        assert seq is not None
        logger.debug(
            "Outbox %s: queued for %s (%d bytes)",
            client_id,
            conversation_id,
            len(text.encode("utf-8")),
        )
        return OutboxEntry(client_id, conversation_id, text, created_at, OutboxState.QUEUED, 0, seq)

    def mark_sent(self, client_id: str) -> OutboxEntry:
        """QUEUED or SENT -> SENT, one more attempt."""
        return self._move(client_id, OutboxState.SENT)

    def mark_queued(self, client_id: str) -> OutboxEntry:
        """SENT or FAILED -> QUEUED: to be sent again."""
        return self._move(client_id, OutboxState.QUEUED)

    def mark_failed(self, client_id: str) -> OutboxEntry:
        """QUEUED or SENT -> FAILED: waits for the user's Retry or Delete."""
        return self._move(client_id, OutboxState.FAILED)

    def mark_delivered(self, client_id: str) -> OutboxEntry:
        """Any undelivered state -> DELIVERED; the text is erased, its SHA-256 kept."""
        return self._move(client_id, OutboxState.DELIVERED)

    def delete(self, client_id: str) -> None:
        """Forget a QUEUED or FAILED message (the user's Delete)."""
        with self._transaction() as conn:
            entry = self._require(conn, client_id)
            if entry.state not in _DELETABLE:
                raise self._refused(client_id, entry.state, "delete")
            conn.execute("DELETE FROM outbox WHERE seq = ?", (entry.seq,))
        self._drop_old_wal_frames()
        logger.debug("Outbox %s: deleted (was %s)", client_id, entry.state.value)

    def forget_conversations(self, conversation_ids: list[str]) -> int:
        """Delete every entry of these conversations, text zeroed on disk (the demo data
        was wiped); how many. A SENT entry stays: it may be in flight, and is resolved
        (and then failed: its conversation is gone) by the sender."""
        with self._transaction() as conn:
            forgotten = 0
            for conversation_id in conversation_ids:
                cursor = conn.execute(
                    "DELETE FROM outbox WHERE conversation_id = ? AND state != ?",
                    (conversation_id, OutboxState.SENT.value),
                )
                forgotten += cursor.rowcount
        self._drop_old_wal_frames()
        logger.debug(
            "Outbox: %d entries of %d conversations forgotten", forgotten, len(conversation_ids)
        )
        return forgotten

    def prune_delivered(self, *, keep_per_conversation: int = KEEP_DELIVERED) -> int:
        """Drop the oldest DELIVERED rows beyond ``keep_per_conversation`` per conversation.

        Returns how many were dropped. :meth:`delivered_count` only counts the rows kept.
        """
        if keep_per_conversation < 0:
            raise ValueError(f"keep_per_conversation must be >= 0, got {keep_per_conversation}")
        with self._transaction() as conn:
            cursor = conn.execute(
                "DELETE FROM outbox WHERE seq IN ("
                " SELECT seq FROM ("
                "  SELECT seq, ROW_NUMBER() OVER ("
                "   PARTITION BY conversation_id ORDER BY seq DESC) AS newer"
                "  FROM outbox WHERE state = ?)"
                " WHERE newer > ?)",
                (OutboxState.DELIVERED.value, keep_per_conversation),
            )
            pruned = cursor.rowcount
        logger.debug("Outbox: pruned %d delivered messages", pruned)
        return pruned

    # --- queries -------------------------------------------------------------------

    def get(self, client_id: str) -> OutboxEntry | None:
        """The entry with this id, or None."""
        with self._reading() as conn:
            return _fetch(conn, client_id)

    def undelivered(self, conversation_id: str | None = None) -> list[OutboxEntry]:
        """QUEUED, SENT and FAILED entries in insertion order (of every conversation if None)."""
        with self._reading() as conn:
            if conversation_id is None:
                rows = conn.execute(
                    f"SELECT {_COLUMNS} FROM outbox WHERE {_UNDELIVERED_SQL} ORDER BY seq",
                    _UNDELIVERED_VALUES,
                ).fetchall()
            else:
                rows = conn.execute(
                    f"SELECT {_COLUMNS} FROM outbox"
                    f" WHERE conversation_id = ? AND {_UNDELIVERED_SQL} ORDER BY seq",
                    (conversation_id, *_UNDELIVERED_VALUES),
                ).fetchall()
        return [_entry(row) for row in rows]

    def delivered_digests(self) -> Counter[tuple[str, str]]:
        """How many DELIVERED entries each (conversation, SHA-256 of the text) has."""
        with self._reading() as conn:
            rows = conn.execute(
                "SELECT conversation_id, text_sha256, COUNT(*) FROM outbox WHERE state = ?"
                " GROUP BY conversation_id, text_sha256",
                (OutboxState.DELIVERED.value,),
            ).fetchall()
        return Counter({(str(conv), str(digest)): int(count) for conv, digest, count in rows})

    def snapshot(self) -> tuple[list[OutboxEntry], Counter[tuple[str, str]]]:
        """What the sender keeps in memory: the undelivered entries, the delivered digests."""
        return self.undelivered(), self.delivered_digests()

    def conversations_with_undelivered(self) -> list[str]:
        """Conversations with undelivered entries, by the age of their oldest one."""
        with self._reading() as conn:
            rows = conn.execute(
                f"SELECT conversation_id FROM outbox WHERE {_UNDELIVERED_SQL}"
                " GROUP BY conversation_id ORDER BY MIN(seq)",
                _UNDELIVERED_VALUES,
            ).fetchall()
        return [str(row[0]) for row in rows]

    def delivered_count(self, conversation_id: str, text: str) -> int:
        """How many DELIVERED entries of the conversation had exactly ``text``."""
        with self._reading() as conn:
            row = conn.execute(
                "SELECT COUNT(*) FROM outbox"
                " WHERE conversation_id = ? AND state = ? AND text_sha256 = ?",
                (conversation_id, OutboxState.DELIVERED.value, _sha256(text)),
            ).fetchone()
        return int(row[0])

    def usage(self, conversation_id: str) -> tuple[int, int]:
        """(undelivered entries, their total text size in UTF-8 bytes) of the conversation."""
        with self._reading() as conn:
            # The database encoding is UTF-8, so a text's blob length is its UTF-8 size.
            row = conn.execute(
                "SELECT COUNT(*), COALESCE(SUM(LENGTH(CAST(text AS BLOB))), 0) FROM outbox"
                f" WHERE conversation_id = ? AND {_UNDELIVERED_SQL}",
                (conversation_id, *_UNDELIVERED_VALUES),
            ).fetchone()
        return int(row[0]), int(row[1])

    # --- internals -----------------------------------------------------------------

    def _move(self, client_id: str, target: OutboxState) -> OutboxEntry:
        with self._transaction() as conn:
            entry = self._require(conn, client_id)
            if entry.state not in _SOURCES[target]:
                raise self._refused(client_id, entry.state, f"mark {target.value}")
            if target is OutboxState.DELIVERED:
                conn.execute(
                    "UPDATE outbox SET state = ?, text = '', text_sha256 = ? WHERE seq = ?",
                    (target.value, _sha256(entry.text), entry.seq),
                )
            elif target is OutboxState.SENT:
                conn.execute(
                    "UPDATE outbox SET state = ?, attempts = attempts + 1 WHERE seq = ?",
                    (target.value, entry.seq),
                )
            else:
                conn.execute("UPDATE outbox SET state = ? WHERE seq = ?", (target.value, entry.seq))
            moved = _fetch(conn, client_id)
        assert moved is not None
        if target is OutboxState.DELIVERED:
            self._drop_old_wal_frames()
        logger.debug(
            "Outbox %s: %s -> %s (attempts %d)",
            client_id,
            entry.state.value,
            moved.state.value,
            moved.attempts,
        )
        return moved

    def _require(self, conn: sqlite3.Connection, client_id: str) -> OutboxEntry:
        entry = _fetch(conn, client_id)
        if entry is None:
            raise OutboxError(
                f"{self._name} has no message {client_id}", path=self.path, client_id=client_id
            )
        return entry

    def _refused(self, client_id: str, state: OutboxState, action: str) -> OutboxError:
        return OutboxError(
            f"{self._name}: cannot {action} message {client_id}, it is {state.value}",
            path=self.path,
            client_id=client_id,
            state=state.value,
        )

    def _drop_old_wal_frames(self) -> None:
        """Checkpoint and empty the write-ahead log, which still holds erased text."""
        if self.path is None:
            return
        # The change is committed: a failed checkpoint is not the caller's error, and
        # the next erasure (or close) truncates the log again.
        try:
            busy, _, _ = self._connection().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.Error as exc:
            logger.warning("Outbox: WAL checkpoint failed (%s)", exc)
            return
        if busy:
            logger.debug("Outbox: WAL checkpoint postponed, the database is in use")

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise OutboxError(f"{self._name} is closed", path=self.path)
        return self._conn

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        conn = self._connection()
        try:
            yield conn
        except sqlite3.Error as exc:
            raise self._storage_error(exc) from exc

    @contextmanager
    def _transaction(self, *, new_message: bool = False) -> Iterator[sqlite3.Connection]:
        conn = self._connection()
        try:
            # IMMEDIATE: take the write lock before reading the row to change.
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.rollback()
                raise
        except sqlite3.Error as exc:
            refused = _REFUSED_WRITE.get(getattr(exc, "sqlite_errorcode", 0) & 0xFF)
            if refused is not None:
                logger.warning("Outbox: the disk refused a change (%s)", exc)
                raise OutboxWriteError(refused, path=self.path, new_message=new_message) from exc
            raise self._storage_error(exc) from exc

    def _storage_error(self, exc: sqlite3.Error) -> OutboxError:
        # SQLite's messages never contain bound values, so no message text leaks here.
        return OutboxError(f"{self._name}: {exc}", path=self.path)


#: SQLite's primary result codes of a write the disk refused, in words for a person.
_REFUSED_WRITE = {
    sqlite3.SQLITE_FULL: DISK_FULL,
    sqlite3.SQLITE_READONLY: "the outbox file or its folder is read-only",
    sqlite3.SQLITE_IOERR: "the disk reported an error",
    sqlite3.SQLITE_CANTOPEN: "the outbox file cannot be opened",
}


def _fetch(conn: sqlite3.Connection, client_id: str) -> OutboxEntry | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM outbox WHERE client_id = ?", (client_id,)
    ).fetchone()
    return None if row is None else _entry(row)


def _entry(row: tuple[Any, ...]) -> OutboxEntry:
    client_id, conversation_id, text, created_at, state, attempts, seq = row
    return OutboxEntry(
        client_id=str(client_id),
        conversation_id=str(conversation_id),
        text=str(text),
        created_at=str(created_at),
        state=OutboxState(state),
        attempts=int(attempts),
        seq=int(seq),
    )


# --- opening -------------------------------------------------------------------------


def _open(
    path: Path | None, name: str, connect: Callable[..., sqlite3.Connection]
) -> sqlite3.Connection:
    """A connection to a ready outbox: file prepared, pragmas set, schema current."""
    try:
        if path is not None:
            _create_private_file(path)
        # Autocommit mode: transactions are explicit (BEGIN IMMEDIATE ... COMMIT).
        conn = connect(
            ":memory:" if path is None else path, isolation_level=None, check_same_thread=False
        )
    except (OSError, sqlite3.Error) as exc:
        raise OutboxError(f"cannot open the {name}: {exc}", path=path) from exc
    try:
        _configure(conn, path, name)
        _migrate(conn, path, name)
    except sqlite3.Error as exc:
        conn.close()
        if is_damaged(exc):
            raise OutboxDamaged(
                f"cannot open the {name}: it is damaged or not an outbox ({exc}). Move the"
                " file away to start with an empty outbox; its unsent messages are lost",
                path=path,
            ) from exc
        raise OutboxError(f"cannot open the {name}: {exc}", path=path) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def _create_private_file(path: Path) -> None:
    """Create ``path`` (and missing parents) for its owner only, before SQLite opens it.

    SQLite gives its ``-wal`` and ``-shm`` files the database file's permissions.
    """
    missing = []
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        missing.append(parent)
        parent = parent.parent
    for directory in reversed(missing):
        directory.mkdir(mode=0o700, exist_ok=True)
        os.chmod(directory, 0o700)  # mkdir's mode is reduced by the umask
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    os.chmod(path, 0o600)  # an existing file keeps its mode through os.open


def _configure(conn: sqlite3.Connection, path: Path | None, name: str) -> None:
    # The first statement reads the header: a file that is not a database fails here.
    if path is not None:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            logger.warning("The %s runs in journal mode %s, not WAL", name, mode)
    # WAL with NORMAL survives a killed process (not a power cut), without an fsync
    # per message.
    conn.execute("PRAGMA synchronous = NORMAL")
    # Zero the bytes of erased text and deleted rows instead of leaving them in free space.
    conn.execute("PRAGMA secure_delete = ON")


def _migrate(conn: sqlite3.Connection, path: Path | None, name: str) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise OutboxError(
                f"the {name} has schema version {version}, newer than this version of"
                f" SDM Desktop understands ({SCHEMA_VERSION}): update SDM Desktop",
                path=path,
            )
        if version == 0:
            tables = int(conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0])
            if tables:
                raise OutboxError(
                    f"the {name} is a database of another program (no outbox schema"
                    " version): choose another file",
                    path=path,
                )
            for statement in _SCHEMA:
                conn.execute(statement)
            # PRAGMA takes no parameters; the value is this module's constant.
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise
