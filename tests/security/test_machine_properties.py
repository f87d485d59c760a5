"""Properties of the connection state machine (core/machine.py) under any order of events.

The machine is driven the way the I/O layer drives it: it carries out every action
(opens and closes the one socket, sets and cancels the one retry timer, tells the
listeners), and reports only what can happen to that socket and timer. Whatever the
order of the user's clicks, the network and the server, there is never a second
socket or a second timer, listeners hear "connected" and "disconnected" in turn, and
a server that accepts and at once closes cannot make it retry without end.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from hypothesis import given, note
from hypothesis import strategies as st

from desktop_app.core import machine as m
from desktop_app.core.backoff import BackoffPolicy

S = m.ConnectionState


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@st.composite
def policies(draw: st.DrawFn, *, min_stable_s: float = 0.0) -> BackoffPolicy:
    initial = draw(st.floats(0.05, 5.0))
    return BackoffPolicy(
        initial_delay_s=initial,
        factor=draw(st.floats(1.0, 3.0)),
        max_delay_s=initial * draw(st.floats(1.0, 40.0)),
        jitter=draw(st.booleans()),
        stable_after_s=draw(st.floats(min_stable_s, 20.0)),
        restart_spread=draw(st.floats(1.0, 8.0)),
    )


MAX_ATTEMPTS = st.none() | st.integers(0, 6)
CLOSE_CODES = st.sampled_from([None, 1000, 1001, 1005, 1006, 1008, 1011, 1012, 1013, 4000])
EVENTS = st.one_of(
    st.sampled_from(
        [
            ("connect",),
            ("opened",),
            ("keepalive missed",),
            ("retry timer",),
            ("network lost",),
            ("network back",),
            ("reconnect now",),
            ("peer opened",),
            ("disconnect",),
        ]
    ),
    st.tuples(st.just("closed"), CLOSE_CODES, st.booleans(), st.booleans()),
    st.tuples(st.just("time passes"), st.floats(0.0, 60.0)),
)


@dataclass
class World:
    """What the I/O layer holds, built only from the machine's actions."""

    socket: str | None = None  # None, "handshake" or "open"
    retry_in: float | None = None  # the pending retry timer
    connected: bool = False  # what listeners were told last


def carry_out(world: World, machine: m.ConnectionMachine, actions: list[m.Action]) -> None:
    scheduled: float | None = None
    for action in actions:
        if isinstance(action, m.OpenSocket):
            assert world.socket is None, "a second socket"
            world.socket = "handshake"
        elif isinstance(action, m.CloseSocket):
            assert world.socket is not None, "closing a socket that is not there"
            world.socket = None
        elif isinstance(action, m.ScheduleRetry):
            assert world.retry_in is None, "a second retry timer"
            # Within the capped window (a blend of two windows may round one ulp over).
            assert 0.0 <= action.delay_s <= machine.policy.max_delay_s * (1 + 1e-12)
            world.retry_in = scheduled = action.delay_s
        elif isinstance(action, m.CancelRetry):
            world.retry_in = None
        elif isinstance(action.event, m.ConnectionEstablished):
            assert not world.connected, "connected twice"
            world.connected = True
        elif isinstance(action.event, m.Disconnected):
            assert world.connected, "disconnected without having connected"
            world.connected = False
        elif isinstance(action.event, m.Reconnecting):
            event = action.event
            assert event.attempt >= 1
            assert event.max_attempts == machine.max_attempts
            assert event.max_attempts is None or event.attempt <= event.max_attempts
            assert event.delay_s == scheduled
        elif isinstance(action.event, m.ConnectionFailed):
            # The next try it announces is the one scheduled; none after a refusal.
            assert action.event.retry_in_s == scheduled


def step(
    world: World, machine: m.ConnectionMachine, clock: Clock, event: tuple[object, ...]
) -> None:
    """Feed ``event`` if the world allows it: a socket reports only while it exists, a
    timer fires only while it is set."""
    name = event[0]
    inp: m.Input
    if name == "time passes":
        clock.now += float(event[1])  # type: ignore[arg-type]
        return
    if name == "opened":
        if world.socket != "handshake":
            return
        world.socket, inp = "open", m.Opened()
    elif name == "closed":
        if world.socket is None:
            return
        _, code, retryable, server_down = event
        world.socket = None
        inp = m.Closed(code, "closed", retryable=retryable, server_down=server_down)  # type: ignore[arg-type]
    elif name == "keepalive missed":
        if world.socket != "open":
            return
        inp = m.KeepaliveMissed()
    elif name == "retry timer":
        if world.retry_in is None:
            return
        clock.now += world.retry_in
        world.retry_in, inp = None, m.RetryTimerFired()
    else:
        commands: dict[str, m.Input] = {
            "connect": m.ConnectRequested(),
            "network lost": m.NetworkLost(),
            "network back": m.NetworkBack(),
            "reconnect now": m.ReconnectNow(),
            "peer opened": m.PeerOpened(),
            "disconnect": m.Disconnect(),
        }
        inp = commands[str(name)]
    note(f"{machine.state.name} <- {type(inp).__name__}")
    carry_out(world, machine, machine.handle(inp))


def check_invariants(world: World, machine: m.ConnectionMachine) -> None:
    assert (world.socket is not None) is (machine.state in (S.CONNECTING, S.OPEN))
    assert (world.socket == "open") is (machine.state is S.OPEN) is world.connected
    # A timer waits in RECONNECTING, and in FAILED once the attempts are used up (it
    # keeps trying); a refusal for good waits for a person.
    retrying = machine.state is S.FAILED and not machine.failed_for_good
    assert (world.retry_in is not None) is (machine.state is S.RECONNECTING or retrying)
    assert machine.attempts >= 0
    assert machine.max_attempts is None or machine.attempts <= machine.max_attempts


@given(policies(), MAX_ATTEMPTS, st.integers(0, 2**32), st.lists(EVENTS, max_size=40))
def test_one_socket_one_timer_and_listeners_told_in_turn(
    policy: BackoffPolicy, max_attempts: int | None, seed: int, events: list[tuple[object, ...]]
) -> None:
    clock = Clock()
    machine = m.ConnectionMachine(
        policy, max_attempts=max_attempts, clock=clock, rng=random.Random(seed)
    )
    world = World()
    for event in events:
        step(world, machine, clock, event)
        check_invariants(world, machine)


@given(
    policies(min_stable_s=0.5),
    st.integers(0, 6),
    st.integers(0, 2**32),
    st.floats(0.0, 0.99),
    CLOSE_CODES.filter(m.is_retryable_close),
)
def test_a_server_that_accepts_and_closes_at_once_is_retried_a_bounded_number_of_times(
    policy: BackoffPolicy, max_attempts: int, seed: int, open_share: float, code: int | None
) -> None:
    """Each connection stays open less than ``stable_after_s``: the attempts are not
    forgiven, and after ``max_attempts`` retries the machine says it failed (and tries
    again only every ``max_delay_s``)."""
    clock = Clock()
    machine = m.ConnectionMachine(
        policy, max_attempts=max_attempts, clock=clock, rng=random.Random(seed)
    )
    world = World()
    opens = 0
    carry_out(world, machine, machine.handle(m.ConnectRequested()))
    for _ in range(4 * (max_attempts + 2)):
        opens += 1
        step(world, machine, clock, ("opened",))
        clock.now += open_share * policy.stable_after_s
        step(world, machine, clock, ("closed", code, True, False))
        check_invariants(world, machine)
        if machine.state is S.FAILED:
            break
        step(world, machine, clock, ("retry timer",))
        check_invariants(world, machine)
    assert machine.state is S.FAILED
    assert opens == max_attempts + 1
    assert world.retry_in is not None
    assert world.retry_in <= policy.max_delay_s * (1 + 1e-12)


INPUTS = st.one_of(
    st.builds(m.Closed, CLOSE_CODES, st.text(max_size=5), st.booleans(), st.booleans()),
    st.sampled_from(
        [
            m.ConnectRequested(),
            m.Opened(),
            m.KeepaliveMissed(),
            m.RetryTimerFired(),
            m.NetworkLost(),
            m.NetworkBack(),
            m.ReconnectNow(),
            m.PeerOpened(),
            m.Disconnect(),
        ]
    ),
)


@given(policies(), MAX_ATTEMPTS, st.lists(INPUTS, max_size=40))
def test_any_input_in_any_state_never_raises(
    policy: BackoffPolicy, max_attempts: int | None, inputs: list[m.Input]
) -> None:
    """Even reports the I/O layer should not make (a close with no socket, a timer
    that was cancelled): each is a transition of the table or ignored."""
    machine = m.ConnectionMachine(
        policy, max_attempts=max_attempts, clock=Clock(), rng=random.Random(0)
    )
    for inp in inputs:
        before = machine.state
        actions = machine.handle(inp)
        if (before, type(inp)) not in m.TRANSITIONS:
            assert (actions, machine.state) == ([], before)
        assert machine.max_attempts is None or 0 <= machine.attempts <= machine.max_attempts
