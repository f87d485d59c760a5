"""Watches for the machine waking from sleep, and then has the sockets probed at once."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

from desktop_app.core.clock import Clock, Timer
from desktop_app.core.machine import ConnectionState
from desktop_app.core.wake import SleepDetector
from desktop_app.net.clock import LoopClock
from desktop_app.net.manager import WebSocketManager

logger = logging.getLogger("desktop_app.net.wake")


class SleepWatcher:
    """Samples both clocks every ``interval_s``; calls ``on_wake(slept_s)`` after a sleep.

    ``wall``: the wall clock (it runs on while the machine sleeps); ``clock``: the
    monotonic one (it stands still) and the tick's timer.
    """

    def __init__(
        self,
        on_wake: Callable[[float], object],
        *,
        interval_s: float = 2.0,
        threshold_s: float = 5.0,
        wall: Callable[[], float] = time.time,
        clock: Clock | None = None,
    ) -> None:
        self._on_wake = on_wake
        self._interval_s = interval_s
        self._detector = SleepDetector(threshold_s=threshold_s)
        self._wall = wall
        self._clock: Clock = clock if clock is not None else LoopClock()
        self._timer: Timer | None = None

    def start(self) -> None:
        self._detector.check(self._wall(), self._clock.monotonic())
        self._timer = self._clock.call_later(self._interval_s, self._tick)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _tick(self) -> None:
        self._timer = self._clock.call_later(self._interval_s, self._tick)
        slept = self._detector.check(self._wall(), self._clock.monotonic())
        if slept is not None:
            logger.info("The machine slept for about %.0f s: probing the connections", slept)
            self._on_wake(slept)


def probe_after_sleep(managers: Iterable[WebSocketManager]) -> Callable[[float], None]:
    """An ``on_wake`` that probes every manager (a dead socket is then reconnected)."""
    targets = list(managers)

    def on_wake(_slept: float) -> None:
        for manager in targets:
            manager.probe_now()

    return on_wake


def reconnect_after_sleep(managers: Iterable[WebSocketManager]) -> Callable[[float], None]:
    """An ``on_wake`` for kiosks: probe every manager, and start failed ones again.

    An unattended machine has nobody to press Reconnect after a night asleep.
    """
    targets = list(managers)

    def on_wake(_slept: float) -> None:
        for manager in targets:
            if manager.state is ConnectionState.FAILED:
                manager.reconnect_now()
            else:
                manager.probe_now()

    return on_wake
