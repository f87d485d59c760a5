"""Background tasks started from Qt slots and controllers: kept alive, failures reported.

A task started with ``loop.create_task`` and dropped can be garbage-collected
mid-flight, and its exception is only printed when it is. This keeps a strong
reference to each task and hands any failure to one handler (the window shows
it), like qasync's ``asyncSlot``. No Qt here: controllers use it too.

asyncio is imported when the first task starts: the window, which owns one of
these, is painted before asyncio is loaded (B6).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import asyncio

logger = logging.getLogger("desktop_app.control.tasks")


class BackgroundTasks:
    """Starts coroutines on the running loop and routes their failures to ``on_error``."""

    def __init__(self, on_error: Callable[[str, BaseException], object]) -> None:
        self._on_error = on_error
        self._tasks: set[asyncio.Task[Any]] = set()

    def start(self, coroutine: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]:
        import asyncio  # loaded by now: a loop runs

        # The loop of this thread (qasync's), also for a slot called outside its context.
        task = asyncio.get_event_loop().create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            # The type and the task's name only: an exception's text may quote a message.
            logger.error("Task %s failed: %s", task.get_name(), type(exc).__name__)
            self._on_error(task.get_name(), exc)

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def cancel_all(self) -> None:
        import asyncio

        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
