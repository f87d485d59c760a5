"""Issue 13, B3: no outage of up to ten minutes ever needs a click.

A desktop uses up its five attempts, says "Connection failed", and keeps trying
at its place in windows of the longest delay (30 s). Here whole outages are
simulated on a :class:`~desktop_app.core.clock.ManualClock`: sockets made of the
real machine and policy, a server that is down and comes back, and the sibling
rule (a socket that opens tells the other one of its pair, :class:`PeerOpened`),
as :func:`desktop_app.net.manager.retry_together` wires it. No sleep, no socket:
every figure is exact for its seed.
"""

from __future__ import annotations

import bisect
import functools
import logging
import random
import statistics

import pytest

from desktop_app.core.backoff import BackoffPolicy
from desktop_app.core.clock import ManualClock, Timer
from desktop_app.core.machine import (
    CancelRetry,
    Closed,
    ConnectionEstablished,
    ConnectionMachine,
    ConnectionState,
    ConnectRequested,
    Input,
    Notify,
    Opened,
    OpenSocket,
    PeerOpened,
    RetryTimerFired,
    ScheduleRetry,
)
from desktop_app.core.presence import (
    Presence,
    SocketSnapshot,
    Summary,
    banner_text,
    summarize,
)

S = ConnectionState
DESKTOP = BackoffPolicy()  # the app's defaults: 1 s doubling, capped at 30 s
CAP_S = DESKTOP.max_delay_s
HANDSHAKE_S = 0.005


@pytest.fixture(autouse=True)
def quiet_machines(caplog: pytest.LogCaptureFixture) -> None:
    """Thousands of simulated transitions: their DEBUG lines would only cost time."""
    caplog.set_level(logging.INFO, logger="desktop_app.core.machine")


class Server:
    def __init__(self) -> None:
        self.up = True
        self.sockets: list[Socket] = []


class Socket:
    """The I/O layer of one socket, reduced to what the machine asks of it."""

    def __init__(
        self,
        clock: ManualClock,
        server: Server,
        rng: random.Random,
        max_attempts: int | None = 5,
    ) -> None:
        self.clock = clock
        self.server = server
        self.machine = ConnectionMachine(
            DESKTOP, max_attempts=max_attempts, clock=clock.monotonic, rng=rng, name="sim"
        )
        self.peers: list[Socket] = []
        self.attempts_at: list[float] = []
        self.opened_at: list[float] = []
        self._timer: Timer | None = None
        self._generation = 0
        server.sockets.append(self)

    def feed(self, inp: Input) -> None:
        for action in self.machine.handle(inp):
            if isinstance(action, OpenSocket):
                self._generation += 1
                self.attempts_at.append(self.clock.monotonic())
                self.clock.call_later(
                    HANDSHAKE_S, functools.partial(self._answered, self._generation)
                )
            elif isinstance(action, ScheduleRetry):
                self._timer = self.clock.call_later(action.delay_s, self._retry)
            elif isinstance(action, CancelRetry) and self._timer is not None:
                self._timer.cancel()
                self._timer = None
            elif isinstance(action, Notify) and isinstance(action.event, ConnectionEstablished):
                self.opened_at.append(self.clock.monotonic())
                for peer in self.peers:
                    peer.feed(PeerOpened())

    def _retry(self) -> None:
        self._timer = None
        self.feed(RetryTimerFired())

    def _answered(self, generation: int) -> None:
        if generation != self._generation or self.machine.state is not S.CONNECTING:
            return
        if self.server.up:
            self.feed(Opened())
        else:  # nothing listens: refused, the server is away for everyone
            self.feed(Closed(None, "the server is not accepting connections", server_down=True))

    def crash_seen(self) -> None:
        if self.machine.state is S.OPEN:
            self.feed(Closed(1006, "connection lost"))


def pair(
    clock: ManualClock, server: Server, rng: random.Random, max_attempts: int | None = 5
) -> tuple[Socket, Socket]:
    chat = Socket(clock, server, rng, max_attempts)
    status = Socket(clock, server, rng, max_attempts)
    chat.peers, status.peers = [status], [chat]
    return chat, status


def outage(clock: ManualClock, server: Server, seconds: float) -> float:
    """Everyone connected; the server crashes for ``seconds``; when it is back."""
    for socket in server.sockets:
        socket.feed(ConnectRequested())
    clock.advance(1.0)
    assert all(s.machine.state is S.OPEN for s in server.sockets)
    server.up = False
    for socket in server.sockets:
        socket.crash_seen()
    clock.advance(seconds)
    server.up = True
    return clock.monotonic()


def back_after(sockets: tuple[Socket, ...], back_at: float) -> float:
    """From "server back" until every socket of ``sockets`` opened again."""
    return max(next(t for t in s.opened_at if t >= back_at) for s in sockets) - back_at


def pairs_back(outage_s: float, seeds: range, max_attempts: int | None = 5) -> list[float]:
    figures = []
    for seed in seeds:
        clock, server = ManualClock(), Server()
        sockets = pair(clock, server, random.Random(seed), max_attempts)
        back_at = outage(clock, server, outage_s)
        clock.advance(CAP_S + 1.0)  # timers only: nobody clicks
        figures.append(back_after(sockets, back_at))
    return figures


# --- one pair -----------------------------------------------------------------------


@pytest.mark.parametrize("outage_s", [3.0, 10.0, 30.0, 120.0, 600.0])
def test_no_outage_of_up_to_ten_minutes_needs_a_click(outage_s: float) -> None:
    back = pairs_back(outage_s, range(100))

    assert max(back) <= CAP_S + 2 * HANDSHAKE_S


@pytest.mark.parametrize("max_attempts", [5, None], ids=["desktop", "kiosk"])
@pytest.mark.parametrize("outage_s", [120.0, 600.0])
def test_after_a_long_outage_a_pair_waits_half_the_cap_at_the_median(
    outage_s: float, max_attempts: int | None
) -> None:
    """Past the growing windows (37 s after a crash), each socket tries every 30 s at
    its own place, "failed" on a desktop or not on a kiosk; the first of a pair to
    open brings the other: the pair waits for the sooner of two uniform places,
    (1 - 1/√2) × 30 s ≈ 8.8 s at the median."""
    back = pairs_back(outage_s, range(250), max_attempts)

    assert statistics.median(back) <= CAP_S / 2
    assert 6.0 < statistics.median(back) < 12.0  # the sooner of two, not one place
    assert max(back) <= CAP_S + 2 * HANDSHAKE_S


def test_the_pair_gave_up_said_failed_and_came_back_by_itself() -> None:
    clock, server = ManualClock(), Server()
    chat, status = pair(clock, server, random.Random(7))
    states: list[ConnectionState] = []
    back_at = outage(clock, server, 0.0)  # connected, then the crash
    server.up = False
    clock.advance(60.0)  # past the five attempts (at most 37 s after the crash)
    states.append(chat.machine.state)
    failed_tries = len(chat.attempts_at)
    clock.advance(4 * CAP_S)
    assert len(chat.attempts_at) - failed_tries in (4, 5)  # one every 30 s, still failing
    server.up = True
    back_at = clock.monotonic()
    clock.advance(CAP_S + 1.0)

    assert states == [S.FAILED]
    assert chat.machine.state is status.machine.state is S.OPEN
    assert back_after((chat, status), back_at) <= CAP_S + 2 * HANDSHAKE_S


# --- a fleet --------------------------------------------------------------------------


def busiest_share(times: list[float], clients: int, window_s: float = 0.1) -> float:
    ordered = sorted(times)
    most = max(
        (bisect.bisect_left(ordered, t + window_s, lo=i) - i for i, t in enumerate(ordered)),
        default=0,
    )
    return most / clients


def test_a_fleet_that_gave_up_together_stays_spread_and_comes_back_spread() -> None:
    """B4's measure (at most 5 % of 500 clients attempting in any 100 ms), for a fleet
    that lost its server for ten minutes: in the tries after the attempts, and from
    "server back" on. A client is its pair; it attempts when either socket does."""
    clock, server = ManualClock(), Server()
    rng = random.Random(13)
    clients = [pair(clock, server, rng) for _ in range(500)]
    back_at = outage(clock, server, 600.0)
    clock.advance(CAP_S + 1.0)

    def attempts(since: float, until: float) -> list[float]:
        times = []
        for chat, status in clients:
            own = sorted(t for s in (chat, status) for t in s.attempts_at if since <= t < until)
            # A pair's two attempts within 100 ms are one client attempting once.
            times += [t for i, t in enumerate(own) if i == 0 or t - own[i - 1] >= 0.1]
        return times

    assert all(s.machine.state is S.OPEN for c in clients for s in c)
    assert busiest_share(attempts(back_at - 500.0, back_at), 500) <= 0.05
    assert busiest_share(attempts(back_at, back_at + CAP_S + 1.0), 500) <= 0.05


# --- what the status bar says ---------------------------------------------------------


def chat(state: ConnectionState, **fields: object) -> SocketSnapshot:
    return SocketSnapshot("Chat", state, **fields)  # type: ignore[arg-type]


def status(state: ConnectionState, **fields: object) -> SocketSnapshot:
    return SocketSnapshot("Status", state, **fields)  # type: ignore[arg-type]


REFUSED = "the server is not accepting connections"


@pytest.mark.parametrize(("retry_in", "shown"), [(23.2, "24 s"), (0.2, "1 s"), (0.0, "1 s")])
def test_failed_says_when_it_tries_again(retry_in: float, shown: str) -> None:
    summary = summarize(
        [
            chat(S.FAILED, failure_reason=REFUSED, retry_in_s=retry_in),
            status(S.FAILED, failure_reason=REFUSED, retry_in_s=retry_in + 7.0),
        ]
    )

    assert summary.presence is Presence.FAILED  # the Reconnect button stays offered
    assert summary.text == f"Connection failed — {REFUSED} · trying again in {shown}"
    assert summary.reason == REFUSED


def test_a_socket_refused_for_good_speaks_first() -> None:
    """It will not try again by itself: no countdown that would promise otherwise."""
    summary = summarize(
        [
            chat(S.FAILED, failure_reason=REFUSED, retry_in_s=12.0),
            status(S.FAILED, failure_reason="HTTP 403"),
        ]
    )

    assert summary.text == "Connection failed — HTTP 403"


def test_the_kiosk_banner_names_the_reason_without_the_countdown_twice() -> None:
    summary = summarize([chat(S.FAILED, failure_reason=REFUSED, retry_in_s=3.0)])

    text = banner_text(summary, restart_in_s=9.5)

    assert text is not None
    assert text.startswith(f"Cannot connect ({REFUSED}). Trying again in 10 s.")
    assert banner_text(Summary(Presence.FAILED, "Connection failed", "")) is not None
