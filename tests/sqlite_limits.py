"""A real SQLite refusal for the outbox, through the connection the test gave it.

The store opens its connection with the ``connect`` it is given
(``OutboxStore(path, connect=kept)``); :class:`KeptConnection` opens it like
:func:`sqlite3.connect` and keeps it, so a test can then limit it as a full or a
read-only disk would, and SQLite itself refuses the store's next write.
"""

from __future__ import annotations

import sqlite3
from typing import Any


class KeptConnection:
    """Opens like :func:`sqlite3.connect` and keeps the connection it opened.

    Its connection is the store's, opened with ``check_same_thread=False``: change it
    when no write is in progress, on the writer's thread for a store handed to an
    :class:`~desktop_app.store.outbox_writer.OutboxWriter`
    (``writer.submit(lambda _store: kept.fill_up()).result()``).
    """

    def __init__(self) -> None:
        self._connection: sqlite3.Connection | None = None
        self._page_limit: int | None = None  # SQLite's own, before fill_up()

    def __call__(self, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        assert self._connection is None, "one store per KeptConnection"
        self._connection = sqlite3.connect(*args, **kwargs)
        return self._connection

    @property
    def connection(self) -> sqlite3.Connection:
        assert self._connection is not None, "no store has opened it yet"
        return self._connection

    def fill_up(self) -> None:
        """No page more for the database: SQLITE_FULL, as on a full disk."""
        # max_page_count is a setting of one connection: the store's own.
        conn = self.connection
        self._page_limit = int(conn.execute("PRAGMA max_page_count").fetchone()[0])
        pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
        conn.execute(f"PRAGMA max_page_count = {pages}")

    def make_room(self) -> None:
        """Space again: SQLite's own page limit back."""
        assert self._page_limit is not None, "make_room() after fill_up()"
        self.connection.execute(f"PRAGMA max_page_count = {self._page_limit}")

    def read_only(self, read_only: bool) -> None:
        """Every write refused with SQLITE_READONLY (True), or allowed again (False)."""
        self.connection.execute(f"PRAGMA query_only = {int(read_only)}")
