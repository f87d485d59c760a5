"""Keepalive: the ping schedule, the dead-connection deadline, probes and latency.

Times are plain numbers: the socket opens at t=100 s, pings every 30 s, a ping
must be answered within 10 s, a probe within 5 s.
"""

from __future__ import annotations

import math

import pytest

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
