"""The browser baseline with ``window``'s ``online`` event: it reconnects when the event fires.

Its retry timer is set far beyond the test's deadline (60 s), or it has given up:
a socket open again within the deadline was opened by the event, not the timer.
"""

from __future__ import annotations

import time

from bench.baselines import OnlineEventBrowserClient
from bench.net_fixtures import (
    Gate,
    close_all,
    connect_all,
    demo_server,
    first_after,
    origin,
    wait_until,
    ws_url,
)

DEADLINE_S = 10.0  # generous: a busy two-core machine


async def test_the_online_event_reconnects_a_waiting_and_a_given_up_client_at_once() -> None:
    async with demo_server() as server:
        gate = Gate(server.port)
        await gate.open()
        conversation = server.create_conversation()
        waiting = OnlineEventBrowserClient(
            ws_url(gate.port, "chat", conversation), origin(gate.port), reconnect_delay_s=60.0
        )
        given_up = OnlineEventBrowserClient(
            ws_url(gate.port, "status", conversation),
            origin(gate.port),
            max_reconnect_attempts=0,
        )
        clients = [waiting, given_up]
        try:
            connect_all(clients)
            assert await wait_until(lambda: all(c.connected for c in clients), DEADLINE_S)

            await gate.close()  # every connection reset, the port closed
            assert await wait_until(
                lambda: waiting.next_retry_at is not None and given_up.gave_up, DEADLINE_S
            )

            await gate.open()
            back = time.monotonic()
            for client in clients:
                client.on_online()
            assert await wait_until(
                lambda: all(first_after(c.opened_at, back) is not None for c in clients),
                DEADLINE_S,
            )
            assert not given_up.gave_up
            assert [len(c.online_at) for c in clients] == [1, 1]
        finally:
            await gate.close()
            await close_all([], clients)
