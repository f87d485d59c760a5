"""The outbox file on a thread of its own, so that no disk write waits on the event loop.

Theory of operation: one worker thread owns the :class:`~desktop_app.store.outbox.OutboxStore`
(its SQLite connection) and runs every call on it, one at a time, in the order they
were made: a change asked for before another is on disk before it. Each call
returns a :class:`concurrent.futures.Future`; the I/O layer
(:mod:`desktop_app.net.outbox`) awaits it on the event loop. The durability is the
store's own: a message is committed before its future completes, and a refused
write (a full disk) fails the future with
:class:`~desktop_app.core.errors.OutboxWriteError`, nothing stored.

The truncating WAL checkpoint stays once per erasure (delivered or deleted text),
now on this thread: the erased text leaves the write-ahead log at once rather than
at some later batch, and the loop no longer waits for it; a checkpoint costs
about a millisecond, far less than a message's round trip.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from desktop_app.store.outbox import OutboxStore

logger = logging.getLogger("desktop_app.store.outbox_writer")

T = TypeVar("T")


class OutboxWriter:
    """Runs calls on ``store`` in one worker thread, in order; see the module docstring.

    ``store`` is handed over: from now on only the writer's thread may use it,
    until :meth:`close` has returned.
    """

    def __init__(self, store: OutboxStore) -> None:
        self.store = store
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-writer")
        self.closed = False

    def submit(self, work: Callable[[OutboxStore], T]) -> Future[T]:
        """Run ``work(store)`` on the writer's thread after every call submitted before.

        RuntimeError once the writer is closed.
        """
        return self._executor.submit(work, self.store)

    def close(self) -> None:
        """Finish the calls submitted, then stop the thread (idempotent).

        The store stays open: its owner closes it.
        """
        if not self.closed:
            self.closed = True
            self._executor.shutdown(wait=True)
            logger.debug("Outbox writer stopped")
