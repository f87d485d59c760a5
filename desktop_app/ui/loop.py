"""The app's asyncio loop over Qt: qasync's, with timers that never fire early.

Checked against qasync 0.28.0. Its loop schedules every callback (``call_later``,
so also ``call_at``, ``call_soon``, ``asyncio.sleep`` and ``asyncio.timeout``)
through one hook, ``_add_callback``, which starts ``QObject.startTimer(int(delay *
1000))`` on its ``_timer``: Qt's default coarse timer, which Qt may fire up to 5 %
of the interval early or late, for a delay truncated to the millisecond below.
Measured offscreen (Qt 6.11.3): a 1 s ``call_later`` fired 49 ms early in one run
and 51 ms late in another, a 5 s one 252 ms late, a 10 s one 57 ms early (a plain
asyncio loop: 1 to 3 ms late). asyncio's contract is "not before": a pong
deadline, a send probe or a retry that fires early is a behaviour bug.

:class:`AppEventLoop` replaces that ``_timer`` with :class:`PreciseCallbackTimer`;
the app, its tests and the benchmarks all run on it. Check both names (and that
``call_later`` still goes through them) again when qasync changes.
"""

from __future__ import annotations

import asyncio
import math

import qasync
from PySide6.QtCore import QObject, Qt, QTimerEvent
from PySide6.QtWidgets import QApplication


class PreciseCallbackTimer(QObject):
    """Runs each asyncio handle once from a precise Qt timer, never before its delay.

    What qasync's ``_SimpleTimer`` does (its interface: ``add_callback``, ``stop``,
    ``set_debug``), with ``Qt.TimerType.PreciseTimer`` and the delay rounded up to
    the next millisecond, Qt's unit.
    """

    def __init__(self) -> None:
        super().__init__()
        self._handles: dict[int, asyncio.Handle] = {}
        self._stopped = False

    def add_callback(self, handle: asyncio.Handle, delay: float = 0) -> asyncio.Handle:
        interval_ms = math.ceil(max(0.0, delay) * 1000)
        timer_id = self.startTimer(interval_ms, Qt.TimerType.PreciseTimer)
        self._handles[timer_id] = handle
        return handle

    def timerEvent(self, event: QTimerEvent) -> None:
        timer_id = event.timerId()
        self.killTimer(timer_id)  # one shot, like asyncio's callbacks
        handle = self._handles.pop(timer_id, None)
        # After the loop closed, timers still due are dropped, as qasync does.
        if handle is not None and not self._stopped and not handle.cancelled():
            handle._run()  # asyncio's way to run a handle: it reports what the callback raises

    def stop(self) -> None:
        self._stopped = True

    def set_debug(self, enabled: bool) -> None:
        """qasync logs each timer and slow callbacks in debug mode: not kept here."""


class AppEventLoop(qasync.QEventLoop):  # type: ignore[misc]  # qasync has no types
    """qasync's ``QEventLoop`` whose timers fire no earlier than asked (see the module)."""

    _timer: PreciseCallbackTimer  # qasync's attribute: each callback goes through it

    def __init__(self, app: QApplication, *, already_running: bool = False) -> None:
        super().__init__(app, already_running=already_running)
        self._timer.stop()  # qasync's coarse one: nothing was scheduled on it yet
        self._timer = PreciseCallbackTimer()
