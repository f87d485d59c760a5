"""Noticing that the machine slept: the wall clock jumped ahead of the monotonic one.

While a laptop sleeps, the monotonic clock stands still (Linux, Windows, and
macOS's ``time.monotonic``) and the wall clock does not. A socket that was
open before the sleep is very likely dead after it, but no error says so:
noticing the sleep lets the app probe its sockets at once instead of waiting
for the next keepalive ping.
"""

from __future__ import annotations

from desktop_app.core.validation import require_positive


class SleepDetector:
    """Compares how far each clock moved between two checks (times in seconds)."""

    def __init__(self, *, threshold_s: float = 5.0) -> None:
        require_positive("threshold_s", threshold_s)
        self.threshold_s = threshold_s
        self._last: tuple[float, float] | None = None

    def check(self, wall: float, monotonic: float) -> float | None:
        """Record a sample; return how long the machine slept, or None.

        A wall clock set backwards, or forwards by less than the threshold
        (NTP), is not a sleep.
        """
        last, self._last = self._last, (wall, monotonic)
        if last is None:
            return None
        gap = (wall - last[0]) - (monotonic - last[1])
        return gap if gap >= self.threshold_s else None
