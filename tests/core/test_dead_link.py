"""is_dead_link: which connection events say the link to the server is dead (issue 13, B11)."""

from __future__ import annotations

import random

import pytest

from desktop_app.core.backoff import BackoffPolicy
from desktop_app.core.machine import (
    Closed,
    ConnectionEstablished,
    ConnectionEvent,
    ConnectionMachine,
    ConnectRequested,
    Disconnect,
    Disconnected,
    Input,
    KeepaliveMissed,
    NetworkLost,
    Notify,
    Opened,
    is_dead_link,
)


def events_after(inp: Input) -> list[ConnectionEvent]:
    """The events an open socket's machine notifies for ``inp``."""
    machine = ConnectionMachine(
        BackoffPolicy(jitter=False), max_attempts=3, clock=lambda: 0.0, rng=random.Random(1)
    )
    machine.handle(ConnectRequested())
    machine.handle(Opened())
    return [action.event for action in machine.handle(inp) if isinstance(action, Notify)]


@pytest.mark.parametrize(
    "inp",
    [KeepaliveMissed(), NetworkLost(), Closed(1006, "connection lost")],
    ids=["keepalive missed", "network lost", "no close frame"],
)
def test_a_link_lost_without_a_close_frame_is_dead(inp: Input) -> None:
    assert any(is_dead_link(event) for event in events_after(inp))


@pytest.mark.parametrize(
    "inp",
    [Closed(1000, "bye"), Closed(1012, "restart"), Disconnect()],
    ids=["normal close", "server restart", "user disconnect"],
)
def test_a_closing_handshake_proves_the_link_alive(inp: Input) -> None:
    events = events_after(inp)
    assert any(isinstance(event, Disconnected) for event in events)
    assert not any(is_dead_link(event) for event in events)


def test_other_events_say_nothing_about_the_link() -> None:
    assert not is_dead_link(ConnectionEstablished())
