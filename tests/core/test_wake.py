"""Noticing a sleep from the two clocks."""

from __future__ import annotations

import pytest

from desktop_app.core.wake import SleepDetector


def test_a_wall_clock_jump_beyond_the_threshold_is_a_sleep() -> None:
    detector = SleepDetector(threshold_s=5.0)
    assert detector.check(1000.0, 10.0) is None  # the first sample only sets the baseline
    assert detector.check(1002.0, 12.0) is None  # both moved 2 s: awake
    assert detector.check(1064.0, 14.0) == 60.0  # wall +62 s, monotonic +2 s: slept 60 s
    assert detector.check(1066.0, 16.0) is None  # and awake again


@pytest.mark.parametrize(("wall", "monotonic"), [(1003.0, 12.0), (900.0, 12.0), (1006.9, 12.0)])
def test_ntp_steps_and_backwards_clocks_are_not_sleeps(wall: float, monotonic: float) -> None:
    detector = SleepDetector(threshold_s=5.0)
    detector.check(1000.0, 10.0)
    assert detector.check(wall, monotonic) is None


def test_threshold_is_validated() -> None:
    with pytest.raises(ValueError, match="threshold_s"):
        SleepDetector(threshold_s=0)
