"""The kiosk's idle rule (:mod:`desktop_app.core.visitor`), on a manual clock."""

from __future__ import annotations

import math

import pytest

from desktop_app.core.clock import ManualClock
from desktop_app.core.visitor import (
    DEFAULT_IDLE_START_OVER_S,
    IdleCheck,
    IdleDecision,
    VisitorIdle,
)


def test_the_default_is_a_few_minutes() -> None:
    assert 60 <= DEFAULT_IDLE_START_OVER_S <= 600


def test_idle_for_the_limit_with_an_empty_outbox_starts_over() -> None:
    clock = ManualClock(100.0)
    rule = VisitorIdle(180.0, clock=clock)
    clock.advance(179.0)
    assert rule.check(waiting=0, visitor_content=True) == IdleCheck(IdleDecision.NOT_YET, 1.0)
    clock.advance(1.0)
    assert rule.check(waiting=0, visitor_content=True) == IdleCheck(IdleDecision.START_OVER)


def test_activity_starts_the_idle_time_again() -> None:
    clock = ManualClock()
    rule = VisitorIdle(10.0, clock=clock)
    clock.advance(8.0)
    rule.touch()
    assert rule.last_activity == 8.0
    clock.advance(8.0)
    assert rule.idle_for() == 8.0
    assert rule.check(waiting=0, visitor_content=True) == IdleCheck(IdleDecision.NOT_YET, 2.0)
    clock.advance(2.0)
    assert rule.check(waiting=0, visitor_content=True).decision is IdleDecision.START_OVER


def test_a_message_waiting_in_the_outbox_holds_the_kiosk() -> None:
    clock = ManualClock()
    rule = VisitorIdle(10.0, clock=clock)
    clock.advance(60.0)
    assert rule.check(waiting=1, visitor_content=True) == IdleCheck(
        IdleDecision.OUTBOX_WAITING, 10.0
    )
    # Delivered: the next look starts over.
    assert rule.check(waiting=0, visitor_content=True).decision is IdleDecision.START_OVER


def test_an_empty_screen_is_not_started_over_again_and_again() -> None:
    clock = ManualClock()
    rule = VisitorIdle(10.0, clock=clock)
    clock.advance(3600.0)
    assert rule.check(waiting=0, visitor_content=False) == IdleCheck(
        IdleDecision.NOTHING_TO_CLEAR, None
    )


def test_zero_turns_the_rule_off() -> None:
    clock = ManualClock()
    rule = VisitorIdle(0.0, clock=clock)
    assert not rule.enabled
    clock.advance(1e6)
    assert rule.check(waiting=0, visitor_content=True) == IdleCheck(IdleDecision.OFF)


def test_a_clock_going_backwards_counts_as_no_idle_time() -> None:
    clock = ManualClock(50.0)
    rule = VisitorIdle(10.0, clock=clock)
    rule.last_activity = 60.0  # as if touched by a clock ahead of this one
    assert rule.idle_for() == 0.0


@pytest.mark.parametrize("limit", [-1.0, math.nan, math.inf])
def test_a_limit_that_is_no_duration_is_refused(limit: float) -> None:
    with pytest.raises(ValueError, match="idle_limit_s"):
        VisitorIdle(limit, clock=ManualClock())
