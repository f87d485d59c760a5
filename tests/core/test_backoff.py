"""BackoffPolicy: the capped exponential windows and each client's place in them."""

from __future__ import annotations

import itertools
import math
import random
import re

import pytest

from desktop_app.core.backoff import BackoffPolicy


def exact(**overrides: float) -> BackoffPolicy:
    """A policy without jitter, so that delays are the steps themselves."""
    return BackoffPolicy(jitter=False, **overrides)


# --- validation -------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"initial_delay_s": 0.0}, "initial_delay_s must be a number > 0, got 0.0"),
        ({"initial_delay_s": -1.0}, "initial_delay_s must be a number > 0, got -1.0"),
        ({"factor": 0.5}, "factor must be a number >= 1, got 0.5"),
        (
            {"initial_delay_s": 5.0, "max_delay_s": 4.0},
            "max_delay_s (4.0) must be >= initial_delay_s (5.0)",
        ),
        ({"stable_after_s": -0.1}, "stable_after_s must be a number >= 0, got -0.1"),
    ],
)
def test_invalid_settings_are_rejected_with_the_setting_named(
    settings: dict[str, float], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        BackoffPolicy(**settings)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["initial_delay_s", "factor", "max_delay_s", "stable_after_s"])
def test_nan_settings_are_rejected(name: str) -> None:
    # NaN compares False with everything, so "value <= 0" lets it through; a NaN
    # delay would then reach the retry timer (ScheduleRetry(nan)).
    with pytest.raises(ValueError, match=name):
        BackoffPolicy(**{name: math.nan})  # type: ignore[arg-type]


def test_boundary_settings_are_accepted() -> None:
    policy = BackoffPolicy(initial_delay_s=2.0, factor=1.0, max_delay_s=2.0, stable_after_s=0.0)

    assert [policy.step(n) for n in (1, 2, 10)] == [2.0, 2.0, 2.0]


def attempt_times(policy: BackoffPolicy, place: float, attempts: int, **kw: bool) -> list[float]:
    """When each attempt fires, in seconds after the connection was lost."""
    return list(itertools.accumulate(policy.delay(n, place, **kw) for n in range(1, attempts + 1)))


def test_by_default_five_attempts_fit_in_the_browser_clients_31_seconds() -> None:
    # The seed (websocket-base.js) retries after 1, 2, 4, 8 and 16 s: its fifth attempt
    # at 31 s. A default client keeps those windows and fires somewhere inside each one.
    policy = BackoffPolicy()

    assert attempt_times(policy, 1.0, 5) == [1, 3, 7, 15, 31]  # the last place: the seed's times
    assert attempt_times(policy, 0.0, 5) == [0, 1, 3, 7, 15]  # the first: one window earlier
    assert attempt_times(policy, 0.5, 5) == [0.5, 2, 5, 11, 23]


def test_by_default_later_attempts_come_every_30_seconds() -> None:
    policy = BackoffPolicy()

    times = attempt_times(policy, 0.5, 9)

    assert [b - a for a, b in itertools.pairwise(times[5:])] == [30, 30, 30]
    assert times[5] == 31 + 15  # halfway through the first 30 s window, which opens at 31 s


def test_by_default_two_clients_of_one_outage_do_not_retry_together() -> None:
    policy = BackoffPolicy()
    places = [policy.draw_place(random.Random(seed)) for seed in (1, 2)]

    first, second = (attempt_times(policy, place, 5) for place in places)

    assert all(abs(a - b) > 0.1 for a, b in zip(first, second, strict=True))


def test_by_default_an_announced_restart_spreads_the_first_attempts_over_six_seconds() -> None:
    policy = BackoffPolicy()

    assert attempt_times(policy, 1.0, 5, restart=True) == [6, 12, 18, 26, 42]
    assert attempt_times(policy, 0.0, 3, restart=True) == [0, 6, 12]


# --- the schedule -----------------------------------------------------------


def test_steps_double_from_one_second_up_to_the_cap() -> None:
    policy = exact(max_delay_s=16.0)

    assert [policy.step(n) for n in range(1, 8)] == [1.0, 2.0, 4.0, 8.0, 16.0, 16.0, 16.0]


def test_default_schedule_is_capped_at_thirty_seconds() -> None:
    assert [BackoffPolicy().step(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]


def test_initial_delay_and_factor_shape_the_schedule() -> None:
    policy = exact(initial_delay_s=0.5, factor=3.0, max_delay_s=10.0)

    assert [policy.step(n) for n in range(1, 6)] == [0.5, 1.5, 4.5, 10.0, 10.0]


@pytest.mark.parametrize("attempt", [0, -1])
def test_attempts_are_one_based(attempt: int) -> None:
    with pytest.raises(ValueError, match=f"attempt is 1-based, got {attempt}"):
        BackoffPolicy().step(attempt)


@pytest.mark.parametrize("attempt", [65, 1_000, 10**9, 2**100])
def test_huge_attempt_numbers_stay_at_the_cap(attempt: int) -> None:
    # A kiosk that retries forever reaches attempt numbers whose power overflows a float.
    assert BackoffPolicy().step(attempt) == 30.0
    assert BackoffPolicy(factor=10.0, max_delay_s=60.0).step(attempt) == 60.0


def test_huge_attempt_numbers_with_a_large_factor_stay_at_the_cap() -> None:
    # factor is only checked to be >= 1, but factor**64 overflows a float once
    # factor > ~65,000: step() raises OverflowError instead of returning the cap.
    assert BackoffPolicy(factor=1e5, max_delay_s=60.0).step(100) == 60.0


# --- windows and places ------------------------------------------------------


def test_without_jitter_the_delay_is_the_step_and_draws_nothing() -> None:
    policy = exact(max_delay_s=16.0)
    rng = random.Random(1)
    state = rng.getstate()

    place = policy.draw_place(rng)
    delays = [policy.delay(n, place, restart=True) for n in range(1, 7)]

    assert place == 0.0
    assert delays == [1.0, 2.0, 4.0, 8.0, 16.0, 16.0]  # a restart widens nothing either
    assert rng.getstate() == state


def test_a_place_is_drawn_uniformly_from_the_injected_rng() -> None:
    policy = BackoffPolicy()

    places = [policy.draw_place(random.Random(seed)) for seed in range(1000)]

    assert places[7] == random.Random(7).random()
    assert all(0.0 <= p < 1.0 for p in places)
    assert all(sum(1 for p in places if q / 4 <= p < (q + 1) / 4) > 200 for q in range(4))


@pytest.mark.parametrize("place", [0.0, 0.25, 0.5, 0.99, 1.0])
def test_every_attempt_fires_at_the_same_place_in_its_window(place: float) -> None:
    policy = BackoffPolicy(max_delay_s=30.0)
    windows = [policy.window(n) for n in range(1, 9)]  # 1, 2, 4, 8, 16, 30, 30, 30

    fired = list(itertools.accumulate(policy.delay(n, place) for n in range(1, 9)))

    opens = [0.0, *itertools.accumulate(windows)][:-1]
    assert fired == pytest.approx([o + place * w for o, w in zip(opens, windows, strict=True)])


def test_one_client_waits_as_long_as_full_jitter_on_average() -> None:
    # The first retry is uniform in [0, 1 s]; the later ones wait 1-2, 2-4, 4-8 s.
    policy = BackoffPolicy()

    assert (policy.delay(1, 0.0), policy.delay(1, 1.0)) == (0.0, 1.0)
    assert (policy.delay(2, 0.0), policy.delay(2, 1.0)) == (1.0, 2.0)
    assert (policy.delay(4, 0.0), policy.delay(4, 0.5), policy.delay(4, 1.0)) == (4.0, 6.0, 8.0)
    assert policy.delay(9, 0.3) == 30.0  # at the cap, windows are equal: exactly one apart


def test_a_fleet_is_spread_evenly_over_every_window() -> None:
    # 1000 clients lost the server together: each window holds every client once,
    # half of them in its first half.
    policy = BackoffPolicy()
    rng = random.Random(20240501)
    places = [policy.draw_place(rng) for _ in range(1000)]

    for attempt in range(1, 6):
        opens = sum(policy.window(n) for n in range(1, attempt))
        window = policy.window(attempt)
        fired = [sum(policy.delay(n, p) for n in range(1, attempt + 1)) for p in places]
        assert all(opens <= t <= opens + window for t in fired)
        first_half = sum(1 for t in fired if t - opens < window / 2)
        assert 450 < first_half < 550, (attempt, first_half)


@pytest.mark.parametrize("place", [-0.1, 1.1, math.nan])
def test_a_place_outside_the_window_is_rejected(place: float) -> None:
    with pytest.raises(ValueError, match="place must be within"):
        BackoffPolicy().delay(1, place)


# --- a restart the server announced --------------------------------------------


def test_after_an_announced_restart_the_windows_are_at_least_six_initial_delays() -> None:
    policy = BackoffPolicy()

    assert [policy.window(n, restart=True) for n in range(1, 8)] == [6, 6, 6, 8, 16, 30, 30]
    assert [policy.window(n) for n in range(1, 4)] == [1, 2, 4]
    assert policy.delay(1, 0.5, restart=True) == 3.0
    assert policy.delay(4, 0.5, restart=True) == 7.0  # the rest of 6 s, half of 8 s


def test_the_restart_spread_scales_with_the_initial_delay_and_stays_within_the_cap() -> None:
    scaled_down = BackoffPolicy(initial_delay_s=0.05, max_delay_s=0.4)
    assert scaled_down.window(1, restart=True) == pytest.approx(0.3)
    assert BackoffPolicy(initial_delay_s=2.0, max_delay_s=4.0).window(1, restart=True) == 4.0
    assert BackoffPolicy(restart_spread=1.0).window(1, restart=True) == 1.0


@pytest.mark.parametrize("spread", [0.5, math.inf, math.nan])
def test_a_restart_spread_below_one_initial_delay_is_rejected(spread: float) -> None:
    with pytest.raises(ValueError, match="restart_spread must be a number >= 1"):
        BackoffPolicy(restart_spread=spread)


def test_the_previous_window_as_it_really_was_replaces_the_computed_one() -> None:
    policy = BackoffPolicy()
    # The previous attempt had a 1 s window; this one is a restart's 6 s window.
    assert policy.delay(2, 0.5, restart=True, previous_window=1.0) == pytest.approx(3.5)
    assert policy.delay(2, 0.5, restart=True) == pytest.approx(6.0)


# --- after the attempts are used up ----------------------------------------------


@pytest.mark.parametrize("place", [0.0, 0.25, 0.5, 0.99, 1.0])
def test_after_the_attempts_a_client_keeps_its_place_in_windows_of_the_cap(place: float) -> None:
    policy = BackoffPolicy()  # the fifth window is 16 s; then 30 s windows

    first = policy.delay_after_giving_up(place, previous_window=16.0)
    later = policy.delay_after_giving_up(place, previous_window=30.0)

    assert first == pytest.approx((1 - place) * 16.0 + place * 30.0)
    assert later == pytest.approx(30.0)  # exactly one cap apart, at the same place


def test_after_the_attempts_a_fleet_spreads_over_the_cap() -> None:
    # 1000 clients gave up together: their next tries spread over one 30 s window.
    policy = BackoffPolicy()
    rng = random.Random(20240502)
    tries = sorted(
        policy.delay_after_giving_up(policy.draw_place(rng), previous_window=0.0)
        for _ in range(1000)
    )

    assert tries[0] >= 0.0
    assert tries[-1] <= 30.0
    busiest = max(sum(1 for t in tries if start <= t < start + 0.1) for start in tries)
    assert busiest <= 15  # 3.3 per 100 ms on average: no crowd


def test_after_the_attempts_without_jitter_the_tries_are_the_cap_apart() -> None:
    assert exact(max_delay_s=16.0).delay_after_giving_up(0.0, previous_window=8.0) == 16.0


@pytest.mark.parametrize("place", [-0.1, 1.1, math.nan])
def test_after_the_attempts_a_place_outside_the_window_is_rejected(place: float) -> None:
    with pytest.raises(ValueError, match="place must be within"):
        BackoffPolicy().delay_after_giving_up(place, previous_window=1.0)
