"""Keepalive: the ping schedule, the dead-connection deadline, probes and latency.

Times are plain numbers: the socket opens at t=100 s, pings every 30 s, a ping
must be answered within 10 s, a probe within 5 s. The server's heartbeat is
played on a :class:`ManualClock` driving the keepalive as the manager does.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from desktop_app.core.clock import ManualClock, Timer
from desktop_app.core.keepalive import Keepalive, KeepaliveAction

PING = KeepaliveAction.SEND_PING
DEAD = KeepaliveAction.DEAD


def started(at: float = 100.0, *, interval_s: float = 30.0, timeout_s: float = 10.0) -> Keepalive:
    keepalive = Keepalive(interval_s=interval_s, timeout_s=timeout_s, probe_timeout_s=5.0)
    keepalive.start(at)
    return keepalive


def pinged_at_130() -> Keepalive:
    keepalive = started()
    assert keepalive.poll(130.0) is PING
    return keepalive


# --- validation ---------------------------------------------------------------

VALID = {"interval_s": 30.0, "timeout_s": 10.0, "probe_timeout_s": 5.0}


@pytest.mark.parametrize("name", list(VALID))
@pytest.mark.parametrize("value", [0.0, -1.0])
def test_non_positive_durations_are_rejected(name: str, value: float) -> None:
    with pytest.raises(ValueError, match=f"{name} must be a number > 0, got {value}"):
        Keepalive(**{**VALID, name: value})


@pytest.mark.parametrize("name", list(VALID))
def test_nan_durations_are_rejected(name: str) -> None:
    # NaN passes "value <= 0"; a NaN deadline never passes, so a dead connection is never found.
    with pytest.raises(ValueError, match=name):
        Keepalive(**{**VALID, name: math.nan})


def test_a_new_keepalive_has_no_deadline_and_no_latency() -> None:
    keepalive = Keepalive(**VALID)

    assert keepalive.deadline is None
    assert keepalive.latency_s is None
    assert (keepalive.interval_s, keepalive.timeout_s, keepalive.probe_timeout_s) == (30, 10, 5)


# --- the ping schedule ----------------------------------------------------------


def test_first_ping_is_one_interval_after_start() -> None:
    keepalive = started(100.0)

    assert keepalive.next_wakeup() == 130.0
    assert keepalive.poll(100.0) is None
    assert keepalive.poll(129.9) is None
    assert keepalive.poll(130.0) is PING


def test_a_ping_sets_the_deadline_and_schedules_the_next_ping() -> None:
    keepalive = pinged_at_130()

    assert keepalive.deadline == 140.0
    assert keepalive.next_wakeup() == 140.0  # the deadline comes before the next ping (160)
    assert keepalive.poll(135.0) is None


def test_a_late_poll_schedules_the_next_ping_one_interval_after_it() -> None:
    keepalive = started(100.0)

    assert keepalive.poll(131.5) is PING
    keepalive.frame_received(131.6, pong=True)

    assert keepalive.next_wakeup() == 161.5


def test_start_forgets_the_previous_socket() -> None:
    keepalive = pinged_at_130()

    keepalive.start(200.0)

    assert keepalive.deadline is None
    assert keepalive.next_wakeup() == 230.0
    keepalive.frame_received(200.5, pong=True)
    assert keepalive.latency_s is None  # the old socket's ping is not this socket's


# --- the deadline ---------------------------------------------------------------


def test_silence_until_the_deadline_means_dead() -> None:
    keepalive = pinged_at_130()

    assert keepalive.poll(139.999) is None
    assert keepalive.poll(140.0) is DEAD
    assert keepalive.poll(500.0) is DEAD  # and it stays dead


@pytest.mark.parametrize("pong", [True, False])
def test_any_frame_clears_the_deadline(pong: bool) -> None:
    keepalive = pinged_at_130()

    keepalive.frame_received(135.0, pong=pong)

    assert keepalive.deadline is None
    assert keepalive.next_wakeup() == 160.0
    assert keepalive.poll(140.0) is None
    assert keepalive.poll(160.0) is PING


def test_a_ping_while_an_earlier_deadline_is_pending_keeps_that_deadline() -> None:
    # A probe at 128 s demands an answer by 133 s; the scheduled ping at 130 s
    # must not push that deadline out to 140 s.
    keepalive = started()
    assert keepalive.probe(128.0) is True

    assert keepalive.poll(130.0) is PING

    assert keepalive.deadline == 133.0
    assert keepalive.poll(133.0) is DEAD


# --- latency --------------------------------------------------------------------


def test_a_pong_measures_the_round_trip() -> None:
    keepalive = pinged_at_130()

    keepalive.frame_received(130.25, pong=True)

    assert keepalive.latency_s == 0.25


def test_a_frame_that_is_not_a_pong_does_not_measure_latency() -> None:
    keepalive = pinged_at_130()

    keepalive.frame_received(130.25, pong=False)
    assert keepalive.latency_s is None

    keepalive.frame_received(130.5, pong=True)  # the answer to the 130 s ping, late
    assert keepalive.latency_s == 0.5


def test_a_second_pong_does_not_change_the_measured_latency() -> None:
    keepalive = pinged_at_130()
    keepalive.frame_received(130.25, pong=True)

    keepalive.frame_received(135.0, pong=True)

    assert keepalive.latency_s == 0.25


def test_a_pong_without_a_ping_out_measures_nothing() -> None:
    keepalive = started()

    keepalive.frame_received(110.0, pong=True)

    assert keepalive.latency_s is None


def test_latency_is_never_negative() -> None:
    keepalive = pinged_at_130()

    keepalive.frame_received(129.0, pong=True)

    assert keepalive.latency_s == 0.0


# --- probes -----------------------------------------------------------------------


def test_a_probe_asks_for_a_ping_and_a_short_deadline() -> None:
    keepalive = started()

    assert keepalive.probe(110.0) is True

    assert keepalive.deadline == 115.0
    assert keepalive.next_wakeup() == 115.0
    assert keepalive.poll(114.9) is None
    assert keepalive.poll(115.0) is DEAD


def test_an_answered_probe_measures_latency_from_the_probe() -> None:
    keepalive = started()
    keepalive.probe(110.0)

    keepalive.frame_received(110.75, pong=True)

    assert keepalive.latency_s == 0.75
    assert keepalive.deadline is None
    assert keepalive.next_wakeup() == 130.0  # probes do not move the ping schedule


@pytest.mark.parametrize("probe_at", [135.0, 136.0])
def test_no_probe_when_a_sooner_deadline_is_pending(probe_at: float) -> None:
    keepalive = pinged_at_130()  # deadline 140

    assert keepalive.probe(probe_at) is False  # would be due at 140 or 141

    assert keepalive.deadline == 140.0


def test_a_probe_shortens_a_later_pending_deadline() -> None:
    keepalive = pinged_at_130()  # deadline 140

    assert keepalive.probe(131.0) is True

    assert keepalive.deadline == 136.0


def test_repeated_probes_do_not_send_repeated_pings() -> None:
    keepalive = started()

    answers = [keepalive.probe(t) for t in (110.0, 110.5, 111.0, 114.9)]

    assert answers == [True, False, False, False]
    assert keepalive.deadline == 115.0


# --- next_wakeup --------------------------------------------------------------------


def test_next_wakeup_is_the_next_ping_when_the_deadline_is_later() -> None:
    keepalive = started(0.0, interval_s=10.0, timeout_s=25.0)
    assert keepalive.poll(10.0) is PING  # deadline 35

    assert keepalive.next_wakeup() == 20.0
    assert keepalive.poll(20.0) is PING
    assert keepalive.deadline == 35.0
    assert keepalive.next_wakeup() == 30.0


# --- the server's heartbeat ---------------------------------------------------------


def test_a_server_ping_clears_the_deadline_and_restarts_the_schedule() -> None:
    keepalive = pinged_at_130()  # deadline 140, next ping 160

    keepalive.server_pinged(135.0)

    assert keepalive.deadline is None
    assert keepalive.next_wakeup() == 165.0
    assert keepalive.poll(160.0) is None
    assert keepalive.poll(165.0) is PING


def test_a_server_ping_measures_no_latency_and_the_pong_still_does() -> None:
    keepalive = pinged_at_130()

    keepalive.server_pinged(130.1)
    assert keepalive.latency_s is None

    keepalive.frame_received(130.25, pong=True)
    assert keepalive.latency_s == 0.25


def test_a_server_ping_after_our_ping_was_due_spares_it() -> None:
    keepalive = started()  # ping due at 130; the timer has not fired yet

    keepalive.server_pinged(131.0)

    assert keepalive.poll(131.0) is None
    assert keepalive.next_wakeup() == 161.0


def test_silence_after_the_last_server_ping_is_dead_one_interval_and_timeout_later() -> None:
    keepalive = started()
    keepalive.server_pinged(120.0)

    assert keepalive.poll(149.9) is None
    assert keepalive.poll(150.0) is PING
    assert keepalive.poll(159.9) is None
    assert keepalive.poll(160.0) is DEAD  # 120 + 30 + 10


def test_a_probe_still_demands_an_answer_while_the_server_pings() -> None:
    keepalive = started()
    keepalive.server_pinged(120.0)

    assert keepalive.probe(125.0) is True
    assert keepalive.deadline == 130.0
    assert keepalive.poll(130.0) is DEAD


def test_a_server_ping_answers_a_probe() -> None:
    keepalive = started()
    assert keepalive.probe(125.0) is True

    keepalive.server_pinged(127.0)

    assert keepalive.deadline is None
    assert keepalive.poll(130.0) is None  # the schedule restarted at 127
    assert keepalive.next_wakeup() == 157.0


class Socket:
    """A keepalive driven like the manager drives it: one timer at its next wake-up."""

    def __init__(self, clock: ManualClock, keepalive: Keepalive) -> None:
        self.clock = clock
        self.keepalive = keepalive
        self.pings: list[float] = []  # when we sent a ping
        self.dead_at: float | None = None
        self.link_up = True  # False: a black hole, nothing gets through either way
        self.last_proof: float = clock.monotonic()
        self._timer: Timer | None = None
        keepalive.start(clock.monotonic())
        self._arm()

    def _arm(self) -> None:
        delay = max(0.0, self.keepalive.next_wakeup() - self.clock.monotonic())
        self._timer = self.clock.call_later(delay, self._fire)

    def _fire(self) -> None:
        now = self.clock.monotonic()
        action = self.keepalive.poll(now)
        if action is DEAD:
            self.dead_at = now
            return
        if action is PING:
            self.pings.append(now)
            if self.link_up:
                self.clock.call_later(0.05, self._pong)  # the server answers 50 ms later
        self._arm()

    def _pong(self) -> None:
        if self.link_up and self.dead_at is None:
            self.last_proof = self.clock.monotonic()
            self.keepalive.frame_received(self.last_proof, pong=True)

    def heartbeat(self, every_s: float) -> Callable[[], None]:
        """The server's protocol pings every ``every_s`` (those that get through)."""

        def ping() -> None:
            if self.dead_at is not None:
                return
            if self.link_up:
                self.last_proof = self.clock.monotonic()
                self.keepalive.server_pinged(self.last_proof)
            self.clock.call_later(every_s, ping)

        return ping


@pytest.mark.parametrize("server_every_s", [5.0, 20.0, 29.9])
def test_no_ping_of_ours_while_the_server_pings_more_often(server_every_s: float) -> None:
    clock = ManualClock(start=100.0)
    sock = Socket(clock, Keepalive(interval_s=30.0, timeout_s=10.0, probe_timeout_s=5.0))
    clock.call_later(server_every_s, sock.heartbeat(server_every_s))

    clock.advance(3600.0)

    assert sock.pings == []
    assert sock.dead_at is None


def test_our_pings_go_on_when_the_server_never_pings() -> None:
    clock = ManualClock(start=100.0)
    sock = Socket(clock, Keepalive(interval_s=30.0, timeout_s=10.0, probe_timeout_s=5.0))

    clock.advance(125.0)

    assert sock.pings == [130.0, 160.0, 190.0, 220.0]
    assert sock.dead_at is None


def test_our_pings_fill_the_gaps_of_a_server_that_pings_less_often() -> None:
    clock = ManualClock(start=100.0)
    sock = Socket(clock, Keepalive(interval_s=30.0, timeout_s=10.0, probe_timeout_s=5.0))
    clock.call_later(45.0, sock.heartbeat(45.0))  # server pings at 145, 190, 235 ...

    clock.advance(140.0)

    assert sock.pings == [130.0, 175.0, 220.0]  # 30 s after the start, then each server ping


@pytest.mark.parametrize("server_every_s", [None, 20.0])
@pytest.mark.parametrize("black_hole_at", [100.5, 117.0, 129.0, 139.0, 150.0, 163.0])
def test_a_black_hole_is_noticed_within_interval_and_timeout_of_the_last_proof(
    server_every_s: float | None, black_hole_at: float
) -> None:
    clock = ManualClock(start=100.0)
    sock = Socket(clock, Keepalive(interval_s=30.0, timeout_s=10.0, probe_timeout_s=5.0))
    if server_every_s is not None:
        clock.call_later(server_every_s, sock.heartbeat(server_every_s))
    clock.advance(black_hole_at - 100.0)
    sock.link_up = False

    clock.advance(100.0)

    assert sock.dead_at is not None
    assert sock.dead_at - sock.last_proof <= 30.0 + 10.0
    assert sock.dead_at - black_hole_at <= 30.0 + 10.0


# --- frames noted in `heard` (the owner's per-frame store) ------------------------


def _each_way(note: Callable[[Keepalive], None]) -> list[object]:
    """What a keepalive answers after a ping at 130 s and a frame at 135 s, noted by ``note``."""
    answers: list[object] = []
    for ask in (
        lambda k: k.deadline,
        lambda k: k.next_wakeup(),
        lambda k: (k.poll(140.0), k.poll(160.0)),
        lambda k: (k.probe(136.0), k.deadline),
    ):
        keepalive = pinged_at_130()
        note(keepalive)
        answers.append(ask(keepalive))
    return answers


def test_a_frame_noted_in_heard_counts_as_a_frame_received() -> None:
    def heard(keepalive: Keepalive) -> None:
        keepalive.heard = True

    def received(keepalive: Keepalive) -> None:
        keepalive.frame_received(135.0, pong=False)

    expected = [None, 160.0, (None, PING), (True, 141.0)]  # 141: the probe asks anew
    assert _each_way(received) == expected
    assert _each_way(heard) == expected


def test_a_frame_heard_before_a_ping_does_not_answer_it() -> None:
    keepalive = started()
    keepalive.heard = True
    assert keepalive.poll(130.0) is PING  # takes in the frame before sending the ping

    assert keepalive.deadline == 140.0
    assert keepalive.poll(140.0) is DEAD


def test_a_pong_or_a_server_ping_takes_in_what_was_heard() -> None:
    keepalive = pinged_at_130()
    keepalive.heard = True
    keepalive.frame_received(131.0, pong=True)
    assert not keepalive.heard

    keepalive.heard = True
    keepalive.server_pinged(132.0)
    assert not keepalive.heard
    assert keepalive.deadline is None


def test_start_forgets_what_the_previous_socket_heard() -> None:
    keepalive = started()
    keepalive.heard = True

    keepalive.start(200.0)

    assert not keepalive.heard
    assert keepalive.poll(230.0) is PING
    assert keepalive.poll(240.0) is DEAD
