"""After a sleep, both sockets are probed at once and a dead one is replaced."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from desktop_app.core.machine import ConnectionState
from desktop_app.demo.server import DemoServer
from desktop_app.net.wake import SleepWatcher, probe_after_sleep, reconnect_after_sleep
from tests.faultproxy import FaultProxy
from tests.net.conftest import Recorder, connected_pair, until


class JumpingWallClock:
    """time.time() plus an offset a test can jump forward (the machine "slept")."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


async def test_waking_up_probes_both_sockets_and_replaces_dead_ones(
    proxy: FaultProxy, demo: DemoServer, make: Any
) -> None:
    # Pings are 30 s apart: without the wake-up probe, nothing would notice for a while.
    chat, status = await connected_pair(
        make,
        proxy.url(),
        demo.create_conversation(),
        ping_interval=30.0,
        pong_timeout=10.0,
        send_probe_timeout=0.3,
    )
    events = Recorder()
    chat.on_message(events)
    wall = JumpingWallClock()
    watcher = SleepWatcher(
        probe_after_sleep([chat, status]), interval_s=0.05, threshold_s=5.0, wall=wall
    )
    watcher.start()
    try:
        await asyncio.sleep(0.2)
        assert events.of("disconnected") == []  # awake: no probe, nothing happens

        proxy.blackhole()  # the sleep killed the connections silently
        wall.offset = 3600.0  # an hour passed on the wall clock, none on the monotonic one
        await events.wait_for("disconnected", timeout=5)
        proxy.blackhole(False)
        assert await chat.wait_connected(10)
        assert await status.wait_connected(10)
        assert "keepalive" in events.of("disconnected")[0]["reason"]
    finally:
        watcher.stop()


async def test_waking_up_retries_a_pending_reconnect_at_once(
    proxy: FaultProxy, demo: DemoServer, make: Any
) -> None:
    chat, _ = await connected_pair(
        make,
        proxy.url(),
        demo.create_conversation(),
        reconnect_delay=30.0,
        max_reconnect_delay=60.0,
    )
    proxy.reset()
    await until(lambda: chat.state is ConnectionState.RECONNECTING)
    chat.probe_now()  # what the watcher does after a sleep
    assert await chat.wait_connected(5)  # not after the 30 s backoff step


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
