"""The reconnect schedule: exponential backoff, capped, with full jitter.

The browser client waits 1, 2, 4, 8, 16 s and gives up; every client that
lost the server at the same moment comes back at the same moment. Here the
exponential step is capped first and then *full jitter* draws the real delay
uniformly from ``[0, capped step]``, which spreads a fleet of clients over
the whole window (the "Full Jitter" scheme of the AWS Architecture Blog's
"Exponential Backoff And Jitter").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop_app.core.validation import require_non_negative, require_positive

if TYPE_CHECKING:
    import random


@dataclass(frozen=True, kw_only=True)
class BackoffPolicy:
    """How long to wait before each reconnect attempt, and when to forget failures."""

    initial_delay_s: float = 1.0
    factor: float = 2.0
    max_delay_s: float = 30.0
    jitter: bool = True
    # A connection must stay open this long before the attempt counter resets,
    # so a server that accepts and closes at once cannot cause a hot loop.
    stable_after_s: float = 10.0

    def __post_init__(self) -> None:
        require_positive("initial_delay_s", self.initial_delay_s)
        require_positive("max_delay_s", self.max_delay_s)
        require_non_negative("stable_after_s", self.stable_after_s)
        if not self.factor >= 1 or math.isinf(self.factor):
            raise ValueError(f"factor must be a number >= 1, got {self.factor!r}")
        if self.max_delay_s < self.initial_delay_s:
            raise ValueError(
                f"max_delay_s ({self.max_delay_s}) must be >= initial_delay_s "
                f"({self.initial_delay_s})"
            )

    def step(self, attempt: int) -> float:
        """The capped delay before ``attempt`` (1-based), before jitter."""
        if attempt < 1:
            raise ValueError(f"attempt is 1-based, got {attempt}")
        try:
            raw = self.initial_delay_s * self.factor ** (attempt - 1)
        except OverflowError:  # kiosks retry forever: attempt numbers grow without bound
            return self.max_delay_s
        return min(raw, self.max_delay_s)

    def delay(self, attempt: int, rng: random.Random) -> float:
        """The delay to wait before ``attempt``: the capped step, jittered."""
        step = self.step(attempt)
        return rng.uniform(0.0, step) if self.jitter else step
