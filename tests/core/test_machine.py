"""ConnectionMachine: every entry of the transition table, and every guard.

The machine is driven with a fake clock (advanced by hand) and a seeded random
generator; the policy has no jitter, so every delay is exact:
1, 2, 4, 8, 16, 16, ... seconds (16 s between the tries once the attempts are used
up), and a connection is stable after 10 s.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence

import pytest

from desktop_app.core.backoff import BackoffPolicy
from desktop_app.core.machine import (
    TRANSITIONS,
    Action,
    CameOnline,
    CancelRetry,
    Closed,
    CloseSocket,
    ConnectionEstablished,
    ConnectionFailed,
    ConnectionMachine,
    ConnectionState,
    ConnectRequested,
    Disconnect,
    Disconnected,
    Input,
    KeepaliveMissed,
    NetworkBack,
    NetworkLost,
    Notify,
    Opened,
    OpenSocket,
    PeerOpened,
    Reconnecting,
    ReconnectNow,
    RetryTimerFired,
    ScheduleRetry,
    WentOffline,
    is_restart_close,
    is_retryable_close,
    is_retryable_handshake_status,
)

S = ConnectionState
EXACT = BackoffPolicy(
    initial_delay_s=1.0, factor=2.0, max_delay_s=16.0, jitter=False, stable_after_s=10.0
)
KEEPALIVE_REASON = "keepalive timeout: no answer from the server"
ABNORMAL = Closed(1006, "abnormal closure")
REFUSED = Closed(1008, "policy violation", retryable=False)


class FakeClock:
    """A monotonic clock that only moves when the test says so."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_machine(
    clock: FakeClock | None = None,
    *,
    max_attempts: int | None = 3,
    policy: BackoffPolicy = EXACT,
    seed: int = 1234,
) -> ConnectionMachine:
    return ConnectionMachine(
        policy,
        max_attempts=max_attempts,
        clock=clock or FakeClock(),
        rng=random.Random(seed),
        name="test",
    )


def drive(machine: ConnectionMachine, *inputs: Input) -> list[Action]:
    """Feed inputs in order; return the actions of the last one."""
    actions: list[Action] = []
    for inp in inputs:
        actions = machine.handle(inp)
    return actions


def machine_in(state: ConnectionState, **kwargs: object) -> ConnectionMachine:
    """A machine brought to ``state`` through real inputs.

    RECONNECTING has used one attempt; FAILED was refused for good (1008).
    """
    machine = make_machine(**kwargs)  # type: ignore[arg-type]
    path: dict[ConnectionState, list[Input]] = {
        S.IDLE: [],
        S.CONNECTING: [ConnectRequested()],
        S.OPEN: [ConnectRequested(), Opened()],
        S.RECONNECTING: [ConnectRequested(), ABNORMAL],
        S.OFFLINE: [ConnectRequested(), NetworkLost()],
        S.FAILED: [ConnectRequested(), REFUSED],
        S.CLOSED: [Disconnect()],
    }
    drive(machine, *path[state])
    assert machine.state is state
    return machine


def exhausted_machine() -> ConnectionMachine:
    """FAILED because its one attempt was used up, not because it was refused: its
    next try is due in 16 s."""
    machine = make_machine(max_attempts=1)
    drive(machine, ConnectRequested(), ABNORMAL, RetryTimerFired(), ABNORMAL)
    assert machine.failure_reason == "abnormal closure"
    assert not machine.failed_for_good
    return machine


def scheduled_delays(actions: Sequence[Action]) -> list[float]:
    return [a.delay_s for a in actions if isinstance(a, ScheduleRetry)]


# --- the table, entry by entry ------------------------------------------------

OPEN_SOCKET = [CancelRetry(), OpenSocket()]
FIRST_RETRY = [ScheduleRetry(1.0), Notify(Reconnecting(1, 3, 1.0))]

EXPECTED = [
    (S.IDLE, ConnectRequested(), S.CONNECTING, OPEN_SOCKET),
    (S.IDLE, Disconnect(), S.CLOSED, [CancelRetry()]),
    (
        S.CONNECTING,
        ConnectRequested(),
        S.CONNECTING,
        [CloseSocket(1000, "switching conversation"), *OPEN_SOCKET],
    ),
    (S.CONNECTING, Opened(), S.OPEN, [Notify(ConnectionEstablished())]),
    (S.CONNECTING, ABNORMAL, S.RECONNECTING, FIRST_RETRY),
    (
        S.CONNECTING,
        NetworkLost(),
        S.OFFLINE,
        [CloseSocket(1001, "network lost", abort=True), CancelRetry(), Notify(WentOffline())],
    ),
    (
        S.CONNECTING,
        Disconnect(),
        S.CLOSED,
        [CloseSocket(1000, "client disconnect"), CancelRetry()],
    ),
    (
        S.OPEN,
        ConnectRequested(),
        S.CONNECTING,
        [
            CloseSocket(1000, "switching conversation"),
            Notify(Disconnected(1000, "switching conversation")),
            *OPEN_SOCKET,
        ],
    ),
    (
        S.OPEN,
        ABNORMAL,
        S.RECONNECTING,
        [Notify(Disconnected(1006, "abnormal closure")), *FIRST_RETRY],
    ),
    (
        S.OPEN,
        KeepaliveMissed(),
        S.RECONNECTING,
        [
            CloseSocket(1006, KEEPALIVE_REASON, abort=True),
            Notify(Disconnected(None, KEEPALIVE_REASON)),
            *FIRST_RETRY,
        ],
    ),
    (
        S.OPEN,
        NetworkLost(),
        S.OFFLINE,
        [
            CloseSocket(1001, "network lost", abort=True),
            Notify(Disconnected(None, "network lost")),
            CancelRetry(),
            Notify(WentOffline()),
        ],
    ),
    (
        S.OPEN,
        Disconnect(),
        S.CLOSED,
        [
            CloseSocket(1000, "client disconnect"),
            Notify(Disconnected(1000, "client disconnect")),
            CancelRetry(),
        ],
    ),
    (S.RECONNECTING, ConnectRequested(), S.CONNECTING, OPEN_SOCKET),
    (S.RECONNECTING, RetryTimerFired(), S.CONNECTING, [OpenSocket()]),
    (S.RECONNECTING, NetworkLost(), S.OFFLINE, [CancelRetry(), Notify(WentOffline())]),
    (S.RECONNECTING, ReconnectNow(), S.CONNECTING, OPEN_SOCKET),
    # In the first window: the schedule stands (a window of the cap: see below).
    (S.RECONNECTING, PeerOpened(), S.RECONNECTING, []),
    (S.RECONNECTING, Disconnect(), S.CLOSED, [CancelRetry()]),
    # The network is still down: a new conversation waits offline too.
    (S.OFFLINE, ConnectRequested(), S.OFFLINE, [CancelRetry(), Notify(WentOffline())]),
    (S.OFFLINE, NetworkBack(), S.CONNECTING, [Notify(CameOnline()), *OPEN_SOCKET]),
    (S.OFFLINE, ReconnectNow(), S.CONNECTING, OPEN_SOCKET),
    (S.OFFLINE, Disconnect(), S.CLOSED, [CancelRetry()]),
    (S.FAILED, ConnectRequested(), S.CONNECTING, OPEN_SOCKET),
    (S.FAILED, ReconnectNow(), S.CONNECTING, OPEN_SOCKET),
    # Refused for good: no timer was set, and one that fired as it was cancelled, a
    # peer that opened or losing the network change nothing (the attempts used up are
    # the other FAILED: see "after the attempts are used up" below).
    (S.FAILED, RetryTimerFired(), S.FAILED, []),
    (S.FAILED, PeerOpened(), S.FAILED, []),
    (S.FAILED, NetworkLost(), S.FAILED, []),
    (S.FAILED, Disconnect(), S.CLOSED, [CancelRetry()]),
    (S.CLOSED, ConnectRequested(), S.CONNECTING, OPEN_SOCKET),
]


@pytest.mark.parametrize(
    ("state", "inp", "next_state", "actions"),
    EXPECTED,
    ids=[f"{state.name}-{type(inp).__name__}" for state, inp, _, _ in EXPECTED],
)
def test_transition(
    state: ConnectionState, inp: Input, next_state: ConnectionState, actions: list[Action]
) -> None:
    machine = machine_in(state)

    assert machine.handle(inp) == actions
    assert machine.state is next_state


def test_every_table_entry_is_tested_above() -> None:
    assert {(state, type(inp)) for state, inp, _, _ in EXPECTED} == set(TRANSITIONS)


ALL_INPUTS: list[Input] = [
    ConnectRequested(),
    Opened(),
    ABNORMAL,
    KeepaliveMissed(),
    RetryTimerFired(),
    NetworkLost(),
    NetworkBack(),
    ReconnectNow(),
    PeerOpened(),
    Disconnect(),
]
IGNORED = [
    (state, inp)
    for state in ConnectionState
    for inp in ALL_INPUTS
    if (state, type(inp)) not in TRANSITIONS
]


@pytest.mark.parametrize(
    ("state", "inp"),
    IGNORED,
    ids=[f"{state.name}-{type(inp).__name__}" for state, inp in IGNORED],
)
def test_inputs_not_in_the_table_are_ignored(state: ConnectionState, inp: Input) -> None:
    machine = machine_in(state)
    attempts = machine.attempts

    assert machine.handle(inp) == []
    assert machine.state is state
    assert machine.attempts == attempts


def test_ignored_input_is_logged_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    machine = machine_in(S.OPEN)
    caplog.clear()

    with caplog.at_level(logging.DEBUG, logger="desktop_app.core.machine"):
        machine.handle(ReconnectNow())

    assert caplog.messages == ["[test] ReconnectNow ignored in OPEN"]


def test_state_changes_are_logged_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    machine = make_machine()

    with caplog.at_level(logging.DEBUG, logger="desktop_app.core.machine"):
        machine.handle(ConnectRequested())
        machine.handle(Opened())

    assert caplog.messages == [
        "[test] state IDLE -> CONNECTING",
        "[test] state CONNECTING -> OPEN",
    ]


# --- construction -------------------------------------------------------------


def test_a_new_machine_is_idle_with_no_history() -> None:
    machine = make_machine()

    assert machine.state is S.IDLE
    assert machine.attempts == 0
    assert machine.network_available is True
    assert machine.opened_at is None
    assert machine.last_close is None
    assert machine.failure_reason is None


@pytest.mark.parametrize("max_attempts", [-1, -5])
def test_negative_max_attempts_is_rejected(max_attempts: int) -> None:
    with pytest.raises(ValueError, match=f"max_attempts must be >= 0 or None, got {max_attempts}"):
        make_machine(max_attempts=max_attempts)


# --- retryable and permanent closes -------------------------------------------


def test_retryable_failures_back_off_then_give_up_when_attempts_are_used_up() -> None:
    machine = make_machine(max_attempts=3)
    machine.handle(ConnectRequested())

    assert drive(machine, ABNORMAL) == [ScheduleRetry(1.0), Notify(Reconnecting(1, 3, 1.0))]
    assert drive(machine, RetryTimerFired(), ABNORMAL) == [
        ScheduleRetry(2.0),
        Notify(Reconnecting(2, 3, 2.0)),
    ]
    assert drive(machine, RetryTimerFired(), ABNORMAL) == [
        ScheduleRetry(4.0),
        Notify(Reconnecting(3, 3, 4.0)),
    ]
    # Used up: "failed", and the next try in a window of the longest delay.
    assert drive(machine, RetryTimerFired(), ABNORMAL) == [
        ScheduleRetry(16.0),
        Notify(ConnectionFailed("abnormal closure", 16.0)),
    ]
    assert machine.state is S.FAILED
    assert machine.failure_reason == "abnormal closure"
    assert not machine.failed_for_good
    assert machine.attempts == 3


def test_zero_max_attempts_gives_up_at_the_first_loss() -> None:
    machine = machine_in(S.OPEN, max_attempts=0)

    assert machine.handle(ABNORMAL) == [
        Notify(Disconnected(1006, "abnormal closure")),
        ScheduleRetry(16.0),
        Notify(ConnectionFailed("abnormal closure", 16.0)),
    ]
    assert machine.state is S.FAILED


def test_permanent_close_fails_for_good_without_a_retry() -> None:
    machine = machine_in(S.OPEN)

    actions = machine.handle(REFUSED)

    assert actions == [
        Notify(Disconnected(1008, "policy violation")),
        Notify(ConnectionFailed("policy violation")),
    ]
    assert machine.state is S.FAILED
    assert machine.failed_for_good
    assert machine.failure_reason == "policy violation"
    assert machine.last_close == Disconnected(1008, "policy violation")
    assert machine.attempts == 0


def test_refused_handshake_fails_without_a_disconnected_event() -> None:
    # The socket never opened: listeners never heard "connected", so no "disconnected".
    machine = machine_in(S.CONNECTING)

    actions = machine.handle(Closed(None, "HTTP 403", retryable=False))

    assert actions == [Notify(ConnectionFailed("HTTP 403"))]
    assert machine.last_close is None


def test_unlimited_attempts_retry_forever_with_capped_delays() -> None:
    machine = make_machine(max_attempts=None)
    machine.handle(ConnectRequested())
    delays = []

    for attempt in range(1, 201):
        actions = machine.handle(ABNORMAL)
        delay = actions[0].delay_s  # type: ignore[union-attr]
        assert actions == [ScheduleRetry(delay), Notify(Reconnecting(attempt, None, delay))]
        delays.append(delay)
        assert machine.handle(RetryTimerFired()) == [OpenSocket()]

    assert delays[:6] == [1.0, 2.0, 4.0, 8.0, 16.0, 16.0]
    assert set(delays[4:]) == {16.0}
    assert machine.attempts == 200
    assert machine.state is S.CONNECTING


JITTERED = BackoffPolicy(max_delay_s=16.0)
HANDSHAKE_FAILED = Closed(None, "ConnectionRefusedError")


def test_jittered_delay_is_announced_as_scheduled_and_drawn_from_the_injected_rng() -> None:
    machine = machine_in(S.CONNECTING, policy=JITTERED, seed=99)
    expected = JITTERED.delay(1, random.Random(99).random())

    actions = machine.handle(ABNORMAL)

    assert actions == [ScheduleRetry(expected), Notify(Reconnecting(1, 3, expected))]
    assert 0.0 <= expected <= 1.0


def retry_delays(machine: ConnectionMachine, *closes: Closed) -> list[float]:
    """The delays scheduled after each close; the retry timer fires between them."""
    delays: list[float] = []
    for close in closes:
        if delays:
            machine.handle(RetryTimerFired())
        delays += scheduled_delays(machine.handle(close))
    return delays


def places(seed: int, count: int) -> list[float]:
    """The places a machine seeded with ``seed`` draws, outage after outage."""
    rng = random.Random(seed)
    return [rng.random() for _ in range(count)]


def test_one_place_is_drawn_per_outage_and_kept_for_every_attempt() -> None:
    machine = make_machine(policy=JITTERED, max_attempts=None, seed=5)
    first, second = places(5, 2)
    machine.handle(ConnectRequested())

    delays = retry_delays(machine, ABNORMAL, HANDSHAKE_FAILED, HANDSHAKE_FAILED)

    assert delays == [JITTERED.delay(n, first) for n in (1, 2, 3)]
    machine.handle(ReconnectNow())  # a new outage from here: a new place
    assert retry_delays(machine, ABNORMAL) == [JITTERED.delay(1, second)]


@pytest.mark.parametrize("code", [1001, 1012, 1013])
def test_a_restart_the_server_announced_widens_the_windows_for_the_whole_outage(
    code: int,
) -> None:
    machine = make_machine(policy=JITTERED, max_attempts=None, seed=5)
    (place,) = places(5, 1)
    drive(machine, ConnectRequested(), Opened())

    delays = retry_delays(machine, Closed(code, "restart"), HANDSHAKE_FAILED, HANDSHAKE_FAILED)

    assert delays == [JITTERED.delay(n, place, restart=True) for n in (1, 2, 3)]
    assert delays[0] == 6.0 * place


def test_a_server_found_down_widens_the_windows_after_the_one_already_behind() -> None:
    """A crash sends no close frame (1006): the first retry is fast, and finds nothing
    listening. From then on the windows are a restart's, but the first one was 1 s,
    so the fleet's second attempts spread over 1 + 6 s, not 6 s + the first place."""
    machine = make_machine(policy=JITTERED, max_attempts=None, seed=5)
    (place,) = places(5, 1)
    drive(machine, ConnectRequested(), Opened())
    refused = Closed(None, "ConnectionRefusedError", server_down=True)

    delays = retry_delays(machine, ABNORMAL, refused, refused)

    assert delays[0] == JITTERED.delay(1, place)  # 1 s window: a lone client's loss
    assert delays[1] == pytest.approx((1 - place) * 1.0 + place * 6.0)
    assert delays[2] == pytest.approx(JITTERED.delay(3, place, restart=True))
    assert delays[2] == pytest.approx(6.0)  # 6 s windows now: exactly one window apart


def test_other_closes_keep_the_fast_first_window() -> None:
    machine = make_machine(policy=JITTERED, max_attempts=None, seed=5)
    (place,) = places(5, 1)
    drive(machine, ConnectRequested(), Opened())

    assert retry_delays(machine, ABNORMAL) == [JITTERED.delay(1, place)]


@pytest.mark.parametrize(
    "forget",
    [[ReconnectNow()], [NetworkLost(), NetworkBack()], [RetryTimerFired(), Opened(), "stable"]],
    ids=["reconnect now", "network back", "stable connection"],
)
def test_the_restart_is_forgotten_with_the_attempts(forget: list[Input | str]) -> None:
    clock = FakeClock()
    machine = make_machine(clock, policy=JITTERED, max_attempts=None, seed=5)
    _, second = places(5, 2)
    drive(machine, ConnectRequested(), Opened(), Closed(1012, "service restart"))
    for step in forget:
        if step == "stable":
            clock.advance(JITTERED.stable_after_s)
        else:
            machine.handle(step)  # type: ignore[arg-type]
    if machine.state is S.CONNECTING:
        machine.handle(Opened())

    actions = machine.handle(ABNORMAL)

    assert machine.attempts == 1
    assert scheduled_delays(actions) == [JITTERED.delay(1, second)]  # not restart=True


@pytest.mark.parametrize(
    ("code", "restart"),
    [(1001, True), (1012, True), (1013, True), (1000, False), (1006, False), (None, False)],
)
def test_is_restart_close(code: int | None, restart: bool) -> None:
    assert is_restart_close(code) is restart


@pytest.mark.parametrize(
    ("code", "retryable"),
    [
        (None, True),
        (1000, True),
        (1001, True),
        (1005, True),
        (1006, True),
        (1011, True),
        (1012, True),
        (1013, True),
        (1014, True),
        (1002, False),
        (1003, False),
        (1008, False),
        (1009, False),
        (4000, False),
        (4403, False),
    ],
)
def test_is_retryable_close(code: int | None, retryable: bool) -> None:
    assert is_retryable_close(code) is retryable


@pytest.mark.parametrize(
    ("status", "retryable"),
    [
        (408, True),
        (429, True),
        (502, True),
        (503, True),
        (504, True),
        (400, False),
        (401, False),
        (403, False),
        (404, False),
        (500, False),
    ],
)
def test_is_retryable_handshake_status(status: int, retryable: bool) -> None:
    assert is_retryable_handshake_status(status) is retryable


# --- after the attempts are used up ---------------------------------------------


def test_after_the_attempts_it_says_failed_and_keeps_trying_at_the_longest_delay() -> None:
    clock = FakeClock()
    machine = exhausted_machine()
    failed_again = [ScheduleRetry(16.0), Notify(ConnectionFailed("abnormal closure", 16.0))]

    for _ in range(3):
        clock.advance(16.0)
        assert machine.handle(RetryTimerFired()) == [OpenSocket()]
        tried = machine.state
        assert machine.handle(ABNORMAL) == failed_again  # tried, failed: the next is set
        assert (tried, machine.state) == (S.CONNECTING, S.FAILED)
        assert machine.attempts == 1  # the count of the backoff windows, never above it


def test_a_try_after_the_attempts_that_opens_is_connected_and_forgets_the_failure() -> None:
    clock = FakeClock()
    machine = make_machine(clock, max_attempts=1)
    drive(machine, ConnectRequested(), ABNORMAL, RetryTimerFired(), ABNORMAL)

    assert drive(machine, RetryTimerFired(), Opened()) == [Notify(ConnectionEstablished())]
    assert (machine.state, machine.failure_reason) == (S.OPEN, None)
    # Dropped before it proved stable: straight back to FAILED at the longest delay,
    # not to the 1 s window (a server that accepts and closes makes no hot loop) ...
    clock.advance(1.0)
    assert machine.handle(ABNORMAL) == [
        Notify(Disconnected(1006, "abnormal closure")),
        ScheduleRetry(16.0),
        Notify(ConnectionFailed("abnormal closure", 16.0)),
    ]
    # ... and once it stayed up, a loss starts from the first window again.
    drive(machine, RetryTimerFired(), Opened())
    clock.advance(EXACT.stable_after_s)
    assert scheduled_delays(machine.handle(ABNORMAL)) == [1.0]
    assert machine.state is S.RECONNECTING


def test_a_refusal_met_while_trying_after_the_attempts_ends_the_tries() -> None:
    machine = exhausted_machine()
    machine.handle(RetryTimerFired())

    assert machine.handle(Closed(None, "HTTP 403", retryable=False)) == [
        Notify(ConnectionFailed("HTTP 403"))
    ]
    assert machine.failed_for_good
    assert machine.handle(RetryTimerFired()) == []  # a late timer does not undo it


def test_a_peer_that_opened_ends_the_wait_after_the_attempts() -> None:
    machine = exhausted_machine()

    assert machine.handle(PeerOpened()) == [CancelRetry(), OpenSocket()]
    assert machine.state is S.CONNECTING
    assert machine.attempts == 1  # not forgotten: the server only seemed back
    assert scheduled_delays(machine.handle(ABNORMAL)) == [16.0]


@pytest.mark.parametrize("state", [S.RECONNECTING, S.OPEN, S.OFFLINE, S.CONNECTING])
def test_a_peer_that_opened_changes_nothing_elsewhere(state: ConnectionState) -> None:
    """In the growing windows the schedule stands: a fleet's second sockets must not
    all follow their first at a window's start."""
    machine = machine_in(state)

    assert machine.handle(PeerOpened()) == []
    assert machine.state is state


def test_a_peer_that_opened_ends_a_wait_in_a_window_of_the_cap_without_a_limit() -> None:
    """A kiosk never says "failed": past the growing windows it retries every 16 s
    here, and a peer that opened ends that wait as it ends one after the attempts."""
    machine = make_machine(max_attempts=None)
    drive(machine, ConnectRequested(), ABNORMAL)
    for _ in range(3):  # windows of 1, 2, 4 and 8 s: the peer changes nothing
        assert machine.handle(PeerOpened()) == []
        drive(machine, RetryTimerFired(), ABNORMAL)
    assert machine.handle(PeerOpened()) == []
    drive(machine, RetryTimerFired(), ABNORMAL)  # the fifth window is the cap's

    assert machine.handle(PeerOpened()) == [CancelRetry(), OpenSocket()]
    assert machine.attempts == 5


def test_disconnect_after_the_attempts_cancels_the_next_try() -> None:
    machine = exhausted_machine()

    assert machine.handle(Disconnect()) == [CancelRetry()]
    assert machine.state is S.CLOSED
    assert machine.handle(RetryTimerFired()) == []


def test_after_the_attempts_the_tries_keep_the_outage_place_in_windows_of_the_cap() -> None:
    """Each client keeps its place: the first try after the attempts falls at it in the
    next max_delay_s window, and the tries are exactly max_delay_s apart from then on."""
    machine = make_machine(policy=JITTERED, max_attempts=2, seed=5)
    (place,) = places(5, 1)
    machine.handle(ConnectRequested())

    delays = retry_delays(machine, ABNORMAL, ABNORMAL, ABNORMAL, ABNORMAL, ABNORMAL)

    assert delays[:2] == [JITTERED.delay(1, place), JITTERED.delay(2, place)]
    assert delays[2] == pytest.approx((1 - place) * JITTERED.window(2) + place * 16.0)
    assert delays[3:] == pytest.approx([16.0, 16.0])


def test_no_attempt_at_all_still_draws_a_place_for_the_tries() -> None:
    machine = make_machine(policy=JITTERED, max_attempts=0, seed=5)
    (place,) = places(5, 1)
    drive(machine, ConnectRequested())

    assert scheduled_delays(machine.handle(ABNORMAL)) == [pytest.approx(place * 16.0)]
    machine.handle(RetryTimerFired())
    assert scheduled_delays(machine.handle(ABNORMAL)) == [pytest.approx(16.0)]


# --- the attempt counter and stable connections -----------------------------


def failing_twice(clock: FakeClock) -> ConnectionMachine:
    """A machine that has used two attempts and is connecting for the third time."""
    machine = make_machine(clock, max_attempts=None)
    drive(machine, ConnectRequested(), ABNORMAL, RetryTimerFired(), ABNORMAL, RetryTimerFired())
    assert machine.attempts == 2
    return machine


@pytest.mark.parametrize(
    ("open_for_s", "next_attempt", "next_delay"),
    [
        (0.0, 3, 4.0),
        (9.999, 3, 4.0),
        (10.0, 1, 1.0),  # stable_after_s reached: the server proved healthy
        (3600.0, 1, 1.0),
    ],
)
def test_attempt_counter_resets_only_after_a_stable_connection(
    open_for_s: float, next_attempt: int, next_delay: float
) -> None:
    clock = FakeClock()
    machine = failing_twice(clock)
    machine.handle(Opened())
    assert machine.opened_at == clock.now

    clock.advance(open_for_s)
    actions = machine.handle(Closed(1001, "going away"))

    assert actions == [
        Notify(Disconnected(1001, "going away")),
        ScheduleRetry(next_delay),
        Notify(Reconnecting(next_attempt, None, next_delay)),
    ]
    assert machine.opened_at is None


def test_opening_alone_does_not_reset_the_attempt_counter() -> None:
    machine = failing_twice(FakeClock())

    machine.handle(Opened())

    assert machine.attempts == 2


def test_server_that_accepts_and_closes_at_once_gets_growing_delays_not_a_hot_loop() -> None:
    clock = FakeClock()
    machine = make_machine(clock, max_attempts=None)
    machine.handle(ConnectRequested())
    delays = []

    for _ in range(8):
        machine.handle(Opened())
        clock.advance(0.05)
        delays += scheduled_delays(machine.handle(Closed(1000, "")))
        clock.advance(delays[-1])
        machine.handle(RetryTimerFired())

    assert delays == [1.0, 2.0, 4.0, 8.0, 16.0, 16.0, 16.0, 16.0]


def test_keepalive_missed_after_a_stable_connection_retries_from_the_first_delay() -> None:
    clock = FakeClock()
    machine = failing_twice(clock)
    machine.handle(Opened())
    clock.advance(60.0)

    actions = machine.handle(KeepaliveMissed())

    assert scheduled_delays(actions) == [1.0]
    assert machine.last_close == Disconnected(None, KEEPALIVE_REASON)
    assert machine.handle(RetryTimerFired()) == [OpenSocket()]


def test_keepalive_missed_on_a_young_connection_keeps_counting() -> None:
    clock = FakeClock()
    machine = failing_twice(clock)
    machine.handle(Opened())
    clock.advance(2.0)

    assert scheduled_delays(machine.handle(KeepaliveMissed())) == [4.0]


# --- the network ----------------------------------------------------------------


def test_network_lost_while_reconnecting_cancels_the_timer_and_keeps_the_count() -> None:
    machine = machine_in(S.RECONNECTING)

    assert machine.handle(NetworkLost()) == [CancelRetry(), Notify(WentOffline())]
    assert machine.attempts == 1
    assert machine.network_available is False
    assert machine.handle(RetryTimerFired()) == []  # a timer that fired anyway does nothing


def test_network_lost_while_open_records_the_close() -> None:
    machine = machine_in(S.OPEN)

    machine.handle(NetworkLost())

    assert machine.last_close == Disconnected(None, "network lost")
    assert machine.opened_at is None


def test_network_state_is_tracked_even_where_the_input_is_ignored() -> None:
    machine = make_machine()

    assert machine.handle(NetworkLost()) == []
    assert (machine.state, machine.network_available) == (S.IDLE, False)
    assert machine.handle(ConnectRequested()) == [CancelRetry(), Notify(WentOffline())]
    assert machine.state is S.OFFLINE


def test_network_back_in_an_ignoring_state_is_remembered() -> None:
    machine = make_machine()
    drive(machine, NetworkLost(), NetworkBack())

    assert machine.network_available is True
    assert machine.handle(ConnectRequested()) == [CancelRetry(), OpenSocket()]


def test_network_back_reconnects_at_once_with_the_attempts_forgotten() -> None:
    machine = make_machine(max_attempts=None)
    drive(machine, ConnectRequested(), ABNORMAL, RetryTimerFired(), ABNORMAL, NetworkLost())
    assert machine.attempts == 2

    actions = machine.handle(NetworkBack())

    assert actions == [Notify(CameOnline()), CancelRetry(), OpenSocket()]
    assert machine.state is S.CONNECTING
    assert machine.attempts == 0
    assert scheduled_delays(machine.handle(ABNORMAL)) == [1.0]


def test_network_lost_after_giving_up_waits_offline_to_try_again() -> None:
    machine = exhausted_machine()

    assert machine.handle(NetworkLost()) == [CancelRetry(), Notify(WentOffline())]
    assert machine.state is S.OFFLINE
    assert machine.handle(NetworkBack()) == [Notify(CameOnline()), CancelRetry(), OpenSocket()]
    assert machine.failure_reason is None


def test_network_lost_after_a_refusal_stays_failed() -> None:
    machine = machine_in(S.FAILED)

    assert machine.handle(NetworkLost()) == []
    assert machine.state is S.FAILED
    assert machine.failure_reason == "policy violation"
    assert machine.handle(NetworkBack()) == []
    assert machine.state is S.FAILED


def test_reconnect_now_while_offline_tries_once_then_waits_offline_again() -> None:
    machine = machine_in(S.OFFLINE)

    assert machine.handle(ReconnectNow()) == [CancelRetry(), OpenSocket()]
    assert machine.network_available is False  # the user overrode the report, not changed it
    assert machine.handle(ABNORMAL) == [Notify(WentOffline())]
    assert machine.state is S.OFFLINE
    assert machine.attempts == 0


def test_a_connection_that_opened_proves_the_network_is_there() -> None:
    # The OS said "offline" (Wi-Fi off, server on 127.0.0.1 or on a network the OS
    # does not count); the user pressed Reconnect and the socket opened. When that
    # socket later drops (server restart), the machine should retry, not wait for
    # a NetworkBack that may never come: the manager only feeds NetworkBack when
    # the OS report changes.
    machine = machine_in(S.OFFLINE)
    drive(machine, ReconnectNow(), Opened())

    actions = machine.handle(Closed(1012, "service restart"))

    assert actions == [
        Notify(Disconnected(1012, "service restart")),
        ScheduleRetry(1.0),
        Notify(Reconnecting(1, 3, 1.0)),
    ]
    assert machine.state is S.RECONNECTING


# --- reconnect now ----------------------------------------------------------------


@pytest.mark.parametrize(
    "make", [lambda: machine_in(S.RECONNECTING), exhausted_machine], ids=["waiting", "gave-up"]
)
def test_reconnect_now_cancels_the_wait_and_forgets_failures(make: object) -> None:
    machine = make()  # type: ignore[operator]

    assert machine.handle(ReconnectNow()) == [CancelRetry(), OpenSocket()]
    assert machine.state is S.CONNECTING
    assert machine.attempts == 0
    assert machine.failure_reason is None
    assert scheduled_delays(machine.handle(ABNORMAL)) == [1.0]


def test_reconnect_now_after_a_refusal_forgets_the_refusal() -> None:
    machine = machine_in(S.FAILED, max_attempts=0)
    drive(machine, ReconnectNow(), ABNORMAL)
    assert machine.failure_reason == "abnormal closure"
    assert not machine.failed_for_good

    # Now it only gave up, so losing the network is worth waiting out.
    assert machine.handle(NetworkLost()) == [CancelRetry(), Notify(WentOffline())]
    assert machine.state is S.OFFLINE


@pytest.mark.parametrize("state", [S.CONNECTING, S.OPEN])
def test_reconnect_now_never_opens_a_second_socket(state: ConnectionState) -> None:
    machine = machine_in(state)

    assert machine.handle(ReconnectNow()) == []
    assert machine.state is state


# --- disconnect -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "actions"),
    [
        (S.IDLE, [CancelRetry()]),
        (S.CONNECTING, [CloseSocket(1000, "client disconnect"), CancelRetry()]),
        (
            S.OPEN,
            [
                CloseSocket(1000, "client disconnect"),
                Notify(Disconnected(1000, "client disconnect")),
                CancelRetry(),
            ],
        ),
        (S.RECONNECTING, [CancelRetry()]),
        (S.OFFLINE, [CancelRetry()]),
        (S.FAILED, [CancelRetry()]),
    ],
)
def test_disconnect_closes_for_good_from_every_state(
    state: ConnectionState, actions: list[Action]
) -> None:
    machine = machine_in(state)

    assert machine.handle(Disconnect()) == actions
    assert machine.state is S.CLOSED
    for late in (
        RetryTimerFired(),
        Opened(),
        ABNORMAL,
        KeepaliveMissed(),
        NetworkLost(),
        NetworkBack(),
        ReconnectNow(),
        PeerOpened(),
        Disconnect(),
    ):
        assert machine.handle(late) == []
    assert machine.state is S.CLOSED


def test_connect_after_disconnect_starts_afresh() -> None:
    machine = machine_in(S.RECONNECTING)
    machine.handle(Disconnect())

    assert machine.handle(ConnectRequested()) == [CancelRetry(), OpenSocket()]
    assert machine.attempts == 0


# --- switching conversation -----------------------------------------------------


def test_switching_conversation_while_open_closes_before_opening() -> None:
    clock = FakeClock()
    machine = failing_twice(clock)
    machine.handle(Opened())

    actions = machine.handle(ConnectRequested())

    close_at = actions.index(CloseSocket(1000, "switching conversation"))
    assert close_at < actions.index(OpenSocket())
    assert actions == [
        CloseSocket(1000, "switching conversation"),
        Notify(Disconnected(1000, "switching conversation")),
        CancelRetry(),
        OpenSocket(),
    ]
    assert machine.attempts == 0
    assert machine.opened_at is None
    assert machine.last_close == Disconnected(1000, "switching conversation")
