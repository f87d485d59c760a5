"""BackoffPolicy: the capped exponential schedule and its full jitter."""

from __future__ import annotations

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


def test_defaults() -> None:
    assert BackoffPolicy() == BackoffPolicy(
        initial_delay_s=1.0, factor=2.0, max_delay_s=30.0, jitter=True, stable_after_s=10.0
    )


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


# --- jitter -----------------------------------------------------------------


def test_without_jitter_the_delay_is_the_step_and_draws_nothing() -> None:
    policy = exact(max_delay_s=16.0)
    rng = random.Random(1)
    state = rng.getstate()

    assert [policy.delay(n, rng) for n in range(1, 7)] == [1.0, 2.0, 4.0, 8.0, 16.0, 16.0]
    assert rng.getstate() == state


@pytest.mark.parametrize("attempt", range(1, 9))
def test_jittered_delays_stay_within_zero_and_the_step(attempt: int) -> None:
    policy = BackoffPolicy(max_delay_s=30.0)
    rng = random.Random(attempt)

    delays = [policy.delay(attempt, rng) for _ in range(200)]

    assert all(0.0 <= d <= policy.step(attempt) for d in delays)
    assert len(set(delays)) == 200  # really drawn, not a constant


def test_jittered_delays_spread_over_the_whole_window() -> None:
    policy = BackoffPolicy(max_delay_s=30.0)
    rng = random.Random(20240501)

    delays = [policy.delay(5, rng) for _ in range(1000)]  # step 16 s

    assert min(delays) < 0.5
    assert max(delays) > 15.5
    assert 7.0 < sum(delays) / len(delays) < 9.0
    quarters = [sum(1 for d in delays if q * 4 <= d < (q + 1) * 4) for q in range(4)]
    assert all(count > 200 for count in quarters), quarters


def test_same_seed_gives_the_same_delays() -> None:
    policy = BackoffPolicy()

    rng_a, rng_b = random.Random(7), random.Random(7)

    first = [policy.delay(n, rng_a) for n in range(1, 6)]
    second = [policy.delay(n, rng_b) for n in range(1, 6)]

    assert first == second
