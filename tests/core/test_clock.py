"""The manual clock the timing tests drive: what fires, in which order, at what time."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from desktop_app.core.clock import Clock, ManualClock


class Log:
    """Records which callback fired, and what the clock showed then."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.fired: list[tuple[str, float]] = []

    def callback(self, name: str) -> Callable[[], None]:
        def fire() -> None:
            self.fired.append((name, self.clock.monotonic()))

        return fire


def test_time_starts_where_told_and_moves_only_when_advanced() -> None:
    clock = ManualClock(start=100.0)
    assert clock.monotonic() == 100.0
    assert clock.monotonic() == 100.0
    clock.advance(2.5)
    assert clock.monotonic() == 102.5
    assert ManualClock().monotonic() == 0.0


def test_a_manual_clock_is_a_clock() -> None:
    clock: Clock = ManualClock()  # checked by mypy: the protocol is met
    timer = clock.call_later(1.0, lambda: None)
    timer.cancel()


def test_timers_fire_in_the_order_they_are_due_each_at_its_own_time() -> None:
    clock = ManualClock()
    log = Log(clock)
    clock.call_later(3.0, log.callback("c"))
    clock.call_later(1.0, log.callback("a"))
    clock.call_later(2.0, log.callback("b"))
    clock.advance(10.0)
    assert log.fired == [("a", 1.0), ("b", 2.0), ("c", 3.0)]
    assert clock.monotonic() == 10.0


def test_timers_due_at_the_same_time_fire_in_the_order_they_were_set() -> None:
    clock = ManualClock()
    log = Log(clock)
    for name in "xyzw":
        clock.call_later(1.0, log.callback(name))
    clock.advance(1.0)
    assert [name for name, _ in log.fired] == ["x", "y", "z", "w"]


def test_a_timer_fires_when_its_due_time_is_reached_not_before() -> None:
    clock = ManualClock()
    log = Log(clock)
    clock.call_later(1.0, log.callback("a"))
    clock.advance(0.999)
    assert log.fired == []
    clock.advance(0.001)
    assert log.fired == [("a", 1.0)]


def test_advancing_in_steps_fires_each_timer_once() -> None:
    clock = ManualClock()
    log = Log(clock)
    clock.call_later(0.5, log.callback("a"))
    clock.call_later(1.5, log.callback("b"))
    for _ in range(4):
        clock.advance(0.5)
    assert log.fired == [("a", 0.5), ("b", 1.5)]
    assert clock.pending == 0


def test_a_cancelled_timer_never_fires() -> None:
    clock = ManualClock()
    log = Log(clock)
    clock.call_later(1.0, log.callback("kept"))
    dropped = clock.call_later(0.5, log.callback("dropped"))
    dropped.cancel()
    clock.advance(2.0)
    assert log.fired == [("kept", 1.0)]


def test_cancelling_a_timer_that_fired_changes_nothing() -> None:
    clock = ManualClock()
    log = Log(clock)
    timer = clock.call_later(1.0, log.callback("a"))
    clock.advance(1.0)
    timer.cancel()
    timer.cancel()
    clock.advance(5.0)
    assert log.fired == [("a", 1.0)]


def test_a_timer_set_during_an_advance_fires_in_it_when_due_within_it() -> None:
    clock = ManualClock()
    log = Log(clock)

    def rearm() -> None:
        log.fired.append(("tick", clock.monotonic()))
        clock.call_later(1.0, rearm)  # as a periodic tick re-arms itself

    clock.call_later(1.0, rearm)
    clock.advance(3.5)
    assert log.fired == [("tick", 1.0), ("tick", 2.0), ("tick", 3.0)]
    assert clock.next_due == 4.0  # set during the advance, due after it: still waiting


def test_a_timer_set_by_a_callback_for_now_fires_after_the_ones_already_due() -> None:
    clock = ManualClock()
    log = Log(clock)

    def first() -> None:
        log.fired.append(("first", clock.monotonic()))
        clock.call_later(0.0, log.callback("set by first"))

    clock.call_later(1.0, first)
    clock.call_later(1.0, log.callback("second"))
    clock.advance(1.0)
    assert log.fired == [("first", 1.0), ("second", 1.0), ("set by first", 1.0)]


def test_a_callback_can_cancel_a_later_timer() -> None:
    clock = ManualClock()
    log = Log(clock)
    later = clock.call_later(2.0, log.callback("later"))

    def cancel_later() -> None:
        log.fired.append(("canceller", clock.monotonic()))
        later.cancel()

    clock.call_later(1.0, cancel_later)
    clock.advance(5.0)
    assert log.fired == [("canceller", 1.0)]


def test_run_due_fires_what_is_due_now_and_does_not_move_time() -> None:
    clock = ManualClock(start=5.0)
    log = Log(clock)
    clock.call_later(0.0, log.callback("now"))
    clock.call_later(0.1, log.callback("soon"))
    clock.run_due()
    assert log.fired == [("now", 5.0)]
    assert clock.monotonic() == 5.0
    assert clock.pending == 1


def test_next_due_and_pending_skip_cancelled_timers() -> None:
    clock = ManualClock()
    assert (clock.next_due, clock.pending) == (None, 0)
    first = clock.call_later(1.0, lambda: None)
    clock.call_later(3.0, lambda: None)
    middle = clock.call_later(2.0, lambda: None)
    assert (clock.next_due, clock.pending) == (1.0, 3)
    first.cancel()
    assert (clock.next_due, clock.pending) == (2.0, 2)
    middle.cancel()
    assert (clock.next_due, clock.pending) == (3.0, 1)
    clock.advance(3.0)
    assert (clock.next_due, clock.pending) == (None, 0)


def test_next_due_is_clock_time() -> None:
    clock = ManualClock(start=50.0)
    clock.call_later(2.0, lambda: None)
    assert clock.next_due == 52.0


def test_every_timer_cancelled_leaves_nothing_due() -> None:
    clock = ManualClock()
    timers = [clock.call_later(delay, lambda: None) for delay in (1.0, 2.0)]
    for timer in timers:
        timer.cancel()
    assert clock.next_due is None
    assert clock.pending == 0


@pytest.mark.parametrize("delay", [-0.001, -5.0, math.nan])
def test_a_negative_or_nan_delay_is_refused(delay: float) -> None:
    clock = ManualClock()
    with pytest.raises(ValueError, match="delay_s must be >= 0"):
        clock.call_later(delay, lambda: None)
    assert clock.pending == 0


@pytest.mark.parametrize("seconds", [-1.0, math.nan])
def test_time_cannot_go_back_or_become_nan(seconds: float) -> None:
    clock = ManualClock(start=1.0)
    with pytest.raises(ValueError, match="seconds must be >= 0"):
        clock.advance(seconds)
    assert clock.monotonic() == 1.0


def test_a_raising_callback_stops_the_advance_where_it_fired() -> None:
    # The exception reaches the test (a bug must not pass unseen); the timers after
    # it are still set, and the clock shows the time the failing timer fired.
    clock = ManualClock()
    log = Log(clock)

    def broken() -> None:
        raise RuntimeError("bug in a timer")

    clock.call_later(1.0, broken)
    clock.call_later(2.0, log.callback("after"))
    with pytest.raises(RuntimeError, match="bug in a timer"):
        clock.advance(5.0)
    assert clock.monotonic() == 1.0
    assert clock.pending == 1
    clock.advance(1.0)
    assert log.fired == [("after", 2.0)]
