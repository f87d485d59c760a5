"""Checks for configuration numbers, shared by the core's value classes."""

from __future__ import annotations

import math


def require_positive(name: str, value: float) -> None:
    """ValueError unless ``value`` is a finite number above 0 (NaN included)."""
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a number > 0, got {value!r}")


def require_non_negative(name: str, value: float) -> None:
    """ValueError unless ``value`` is a finite number of 0 or more (NaN included)."""
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a number >= 0, got {value!r}")
