"""The app's clock: real monotonic time and the timers of one asyncio loop."""

from __future__ import annotations

import asyncio
import time

import pytest

from desktop_app.core.clock import Clock
from desktop_app.net.clock import LoopClock


def test_a_loop_clock_reads_the_monotonic_clock() -> None:
    clock: Clock = LoopClock()  # checked by mypy: the protocol is met
    before = time.monotonic()
    now = clock.monotonic()
    assert before <= now <= time.monotonic()


def test_a_loop_clock_used_first_outside_a_loop_says_so() -> None:
    clock = LoopClock()
    with pytest.raises(RuntimeError, match="running on an asyncio event loop"):
        clock.call_later(0.0, lambda: None)


async def test_timers_fire_on_the_loop_it_was_first_used_on_in_order() -> None:
    clock = LoopClock()
    fired: list[str] = []
    done = asyncio.Event()
    clock.call_later(0.02, lambda: fired.append("second"))
    clock.call_later(0.0, lambda: fired.append("first"))
    dropped = clock.call_later(0.01, lambda: fired.append("cancelled"))
    dropped.cancel()
    clock.call_later(0.03, done.set)
    assert clock.loop is asyncio.get_running_loop()
    await asyncio.wait_for(done.wait(), 10)
    # The cancelled timer was due before the last one: had it fired, it would be listed.
    assert fired == ["first", "second"]


async def test_the_loop_stays_bound_outside_its_context() -> None:
    loop = asyncio.get_running_loop()
    given = LoopClock(loop)
    assert await asyncio.to_thread(lambda: given.loop) is loop
    first_use = LoopClock()
    first_use.call_later(0.0, lambda: None).cancel()
    assert await asyncio.to_thread(lambda: first_use.loop) is loop
