"""Time, injected: what the I/O shells need of a clock, and a manual one for tests.

Everything in ``net/`` that waits (retry timers, keepalive, the outbox's echo
timeout, background delivery, the sleep watcher) asks a :class:`Clock` for the
time and for a timer, never ``time.monotonic`` or the event loop directly
(trio's injected ``Clock`` is the model). The app passes
:class:`desktop_app.net.clock.LoopClock`, real time on the asyncio loop; a test
passes :class:`ManualClock` and moves time itself, so "the retry fires after
2 s" is checked by advancing 2 s, not by sleeping them, and "nothing happens
for 30 s" is checked by advancing 30 s and looking.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from typing import Protocol


class Timer(Protocol):
    """A callback scheduled by :meth:`Clock.call_later`."""

    def cancel(self) -> None:
        """Never call the callback (no effect once it ran)."""


class Clock(Protocol):
    """Monotonic time in seconds, and callbacks after a delay."""

    def monotonic(self) -> float: ...

    def call_later(self, delay_s: float, callback: Callable[[], object]) -> Timer:
        """Call ``callback()`` once, ``delay_s`` seconds from now (0: as soon as possible)."""
        ...


class _ManualTimer:
    __slots__ = ("callback", "cancelled", "due")

    def __init__(self, due: float, callback: Callable[[], object]) -> None:
        self.due = due
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class ManualClock:
    """A clock that moves only when told to (:meth:`advance`); for tests and simulations.

    Timers fire in the order they are due (those due at the same time in the
    order they were set), each with the clock showing its due time. A timer set
    by a callback during :meth:`advance` fires in the same call if it falls
    within the advance.
    """

    def __init__(self, start: float = 0.0) -> None:
        self._now = start
        self._timers: list[tuple[float, int, _ManualTimer]] = []
        self._order = itertools.count()

    def monotonic(self) -> float:
        return self._now

    def call_later(self, delay_s: float, callback: Callable[[], object]) -> Timer:
        if not delay_s >= 0:  # also refuses NaN
            raise ValueError(f"delay_s must be >= 0, got {delay_s!r}")
        timer = _ManualTimer(self._now + delay_s, callback)
        heapq.heappush(self._timers, (timer.due, next(self._order), timer))
        return timer

    def advance(self, seconds: float) -> None:
        """Move time on by ``seconds``, firing every timer due on the way."""
        if not seconds >= 0:
            raise ValueError(f"seconds must be >= 0, got {seconds!r}")
        end = self._now + seconds
        while self._timers and self._timers[0][0] <= end:
            due, _, timer = heapq.heappop(self._timers)
            if timer.cancelled:
                continue
            self._now = max(self._now, due)
            timer.callback()
        self._now = end

    def run_due(self) -> None:
        """Fire the timers due now (those set with a delay of 0, say)."""
        self.advance(0.0)

    @property
    def next_due(self) -> float | None:
        """When the next live timer fires, or None when none is set."""
        while self._timers and self._timers[0][2].cancelled:
            heapq.heappop(self._timers)
        return self._timers[0][0] if self._timers else None

    @property
    def pending(self) -> int:
        """How many timers are set and not cancelled."""
        return sum(1 for _, _, timer in self._timers if not timer.cancelled)
