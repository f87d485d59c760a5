"""After a sleep, both sockets are probed at once and a dead one is replaced.

The watcher and the managers share a :class:`ManualClock`: a test moves the
monotonic time (and, apart from it, the wall clock) and looks at what happened,
instead of sleeping.
"""

from __future__ import annotations

from typing import Any

import pytest

from desktop_app.core.clock import ManualClock
from desktop_app.core.machine import ConnectionState
from desktop_app.demo.server import DemoServer
from desktop_app.net.wake import SleepWatcher, probe_after_sleep, reconnect_after_sleep
from tests.faultproxy import FaultProxy
from tests.net.conftest import Recorder, connected_pair, until


class WallClock:
    """The wall clock of a machine on ``clock``: it moves with the monotonic one, and jumps
    ahead of it by ``offset`` (while the machine sleeps the monotonic clock stands still)."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.offset = 0.0

    def __call__(self) -> float:
        return 1_000.0 + self.clock.monotonic() + self.offset


def test_the_watcher_reports_each_sleep_once_and_nothing_while_awake() -> None:
    clock = ManualClock()
    wall = WallClock(clock)
    wakes: list[float] = []
    watcher = SleepWatcher(wakes.append, interval_s=2.0, threshold_s=5.0, wall=wall, clock=clock)
    watcher.start()

    clock.advance(60.0)  # awake: 30 ticks, both clocks together
    assert wakes == []
    wall.offset += 4.0  # NTP steps the wall clock, by less than the threshold
    clock.advance(2.0)
    assert wakes == []
    wall.offset += 600.0  # ten minutes asleep
    clock.advance(2.0)  # the next tick notices
    assert wakes == [pytest.approx(600.0)]
    clock.advance(60.0)
    assert len(wakes) == 1  # once per sleep

    watcher.stop()
    assert clock.pending == 0  # no tick left
    wall.offset += 600.0
    clock.advance(60.0)
    assert len(wakes) == 1


async def test_waking_up_probes_both_sockets_and_replaces_dead_ones(
    proxy: FaultProxy, demo: DemoServer, make: Any
) -> None:
    clock = ManualClock()
    # Pings are 30 s apart: without the wake-up probe, nothing would notice for a while.
    chat, status = await connected_pair(
        make,
        proxy.url(),
        demo.create_conversation(),
        ping_interval=30.0,
        pong_timeout=10.0,
        send_probe_timeout=0.5,
        jitter=False,
        clock=clock,
    )
    events = Recorder()
    chat.on_message(events)
    wall = WallClock(clock)
    wakes: list[float] = []
    probe = probe_after_sleep([chat, status])

    def on_wake(slept: float) -> None:
        wakes.append(slept)
        probe(slept)

    watcher = SleepWatcher(on_wake, interval_s=2.0, threshold_s=5.0, wall=wall, clock=clock)
    watcher.start()
    try:
        clock.advance(10.0)  # awake (within one ping interval): no probe, nothing happens
        assert wakes == []
        assert (chat.state, status.state) == (ConnectionState.OPEN,) * 2

        proxy.blackhole()  # the sleep killed the connections silently
        wall.offset = 3600.0  # an hour passed on the wall clock, none on the monotonic one
        clock.advance(2.0)  # the next tick: both sockets probed, a ping out on each
        assert wakes == [pytest.approx(3600.0)]
        assert events.of("disconnected") == []
        clock.advance(0.5)  # the probe's deadline: no answer through the black hole
        assert (chat.state, status.state) == (ConnectionState.RECONNECTING,) * 2
        assert "keepalive" in events.of("disconnected")[0]["reason"]

        proxy.blackhole(False)
        clock.advance(1.0)  # past the first retry delay (0.05 s)
        assert await chat.wait_connected(10)
        assert await status.wait_connected(10)
    finally:
        watcher.stop()


async def test_waking_up_retries_a_pending_reconnect_at_once(
    proxy: FaultProxy, demo: DemoServer, make: Any
) -> None:
    # On a clock that never moves, the backoff's retry can never fire by itself.
    chat, _ = await connected_pair(
        make, proxy.url(), demo.create_conversation(), clock=ManualClock()
    )
    proxy.reset()
    await until(lambda: chat.state is ConnectionState.RECONNECTING)
    chat.probe_now()  # what the watcher does after a sleep
    assert await chat.wait_connected(5)


async def test_a_kiosk_waking_up_starts_a_failed_socket_again_and_probes_the_open_one(
    proxy: FaultProxy, demo: DemoServer, make: Any
) -> None:
    """Nobody presses Reconnect on a kiosk: a socket that gave up is started again."""
    chat, status = await connected_pair(
        make,
        proxy.url(),
        demo.create_conversation(),
        max_reconnect_attempts=1,
        ping_interval=30.0,
        send_probe_timeout=0.3,
    )
    proxy.refuse()
    proxy.reset()
    await until(lambda: chat.state is ConnectionState.FAILED)
    await until(lambda: status.state is ConnectionState.FAILED)
    proxy.refuse(False)
    status.reconnect_now()
    assert await status.wait_connected(5)
    events = Recorder()
    status.on_message(events)

    on_wake = reconnect_after_sleep([chat, status])
    proxy.blackhole()  # the open one died in its sleep
    on_wake(3600.0)
    await events.wait_for("disconnected", timeout=5)  # probed, found dead
    proxy.blackhole(False)
    assert await chat.wait_connected(10)  # started again from FAILED
    assert await status.wait_connected(10)
