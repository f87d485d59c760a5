"""Real time on the asyncio loop: the app's :class:`~desktop_app.core.clock.Clock`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from desktop_app.core.clock import Timer


class LoopClock:
    """``time.monotonic`` and the timers of one asyncio loop.

    The loop is the one given, or else the one running at the first
    :meth:`call_later`: later calls from a Qt callback outside the loop's own
    context still schedule on that loop (qasync runs both in one thread).
    """

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._loop = loop

    def monotonic(self) -> float:
        return time.monotonic()

    def call_later(self, delay_s: float, callback: Callable[[], object]) -> Timer:
        return self.loop.call_later(delay_s, callback)

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The loop this clock schedules on (bound on first use)."""
        if self._loop is None:
            try:
                self._loop = asyncio.get_running_loop()
            except RuntimeError:
                raise RuntimeError(
                    "a LoopClock is first used from code running on an asyncio event loop"
                ) from None
        return self._loop
