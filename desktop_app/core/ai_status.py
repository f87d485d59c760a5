"""What the assistant is doing, from the status socket's events.

The browser client's semantics: ``thinking_start``/``thinking_end`` bracket a
reply, ``extraction_start``/``extraction_complete`` bracket memory extraction,
and ``extraction_complete`` with ``summary_triggered`` starts a summary PDF
that ``summary_complete`` announces. A server that dies mid-reply never sends
the closing event, so a flag left on too long is cleared by a *synthetic*
closing event with ``reason: "stale_timeout"``, and losing the connection
clears the flags with ``reason: "disconnected"``. The summary flag survives a
disconnect: the server finishes the PDF whether or not we are listening.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from desktop_app.core.frames import StatusEvent
from desktop_app.core.validation import require_positive

logger = logging.getLogger("desktop_app.core.ai_status")

STALE_TIMEOUT = "stale_timeout"
DISCONNECTED = "disconnected"
REPLY_IN_HISTORY = "reply_in_history"

#: Events that only pass through to listeners.
PASS_THROUGH = frozenset({"thinking_progress", "thinking_stream"})
KNOWN_EVENTS = PASS_THROUGH | {
    "thinking_start",
    "thinking_end",
    "extraction_start",
    "extraction_complete",
    "summary_complete",
}


class AiStatusTracker:
    """Thinking / extracting / summary flags with stale timeouts (times in seconds)."""

    def __init__(
        self,
        *,
        stale_timeout_s: float = 30.0,
        extraction_stale_timeout_s: float = 60.0,
        now_iso: Callable[[], str],
    ) -> None:
        require_positive("stale_timeout_s", stale_timeout_s)
        require_positive("extraction_stale_timeout_s", extraction_stale_timeout_s)
        self.stale_timeout_s = stale_timeout_s
        self.extraction_stale_timeout_s = extraction_stale_timeout_s
        self._now_iso = now_iso
        self._thinking_until: float | None = None
        self._extracting_until: float | None = None
        self.is_summary_generating = False

    @property
    def is_thinking(self) -> bool:
        return self._thinking_until is not None

    @property
    def is_extracting(self) -> bool:
        return self._extracting_until is not None

    def next_deadline(self) -> float | None:
        """When :meth:`poll` may next have a stale flag to clear (None: nothing pending)."""
        deadlines = [d for d in (self._thinking_until, self._extracting_until) if d is not None]
        return min(deadlines, default=None)

    def handle(self, event: StatusEvent, now: float) -> list[dict[str, Any]]:
        """Apply one event from the server; return the events for listeners."""
        kind = event.type
        if kind not in KNOWN_EVENTS:
            logger.info("Ignoring unknown status event type %r", kind[:40])
            return []
        if kind == "thinking_start":
            self._thinking_until = now + self.stale_timeout_s
        elif kind == "thinking_end":
            self._thinking_until = None
        elif kind in PASS_THROUGH:
            if self._thinking_until is not None:
                # Progress proves the assistant is still at work: not stale.
                self._thinking_until = now + self.stale_timeout_s
        elif kind == "extraction_start":
            self._extracting_until = now + self.extraction_stale_timeout_s
        elif kind == "extraction_complete":
            self._extracting_until = None
            if event.extra.get("summary_triggered") is True:
                self.is_summary_generating = True
        else:  # summary_complete
            self.is_summary_generating = False
        return [event.raw]

    def poll(self, now: float) -> list[dict[str, Any]]:
        """Clear flags whose closing event is overdue; return the synthetic events."""
        events = []
        if self._thinking_until is not None and now >= self._thinking_until:
            self._thinking_until = None
            events.append(self._synthetic("thinking_end", STALE_TIMEOUT))
        if self._extracting_until is not None and now >= self._extracting_until:
            self._extracting_until = None
            events.append(self._synthetic("extraction_complete", STALE_TIMEOUT))
        return events

    def finish_thinking(self, reason: str) -> list[dict[str, Any]]:
        """The reply is known to have arrived (the history holds it): thinking is over."""
        if self._thinking_until is None:
            return []
        self._thinking_until = None
        return [self._synthetic("thinking_end", reason)]

    def clear(self) -> list[dict[str, Any]]:
        """The connection is gone: clear the in-progress flags; return the synthetic events."""
        events = []
        if self._thinking_until is not None:
            self._thinking_until = None
            events.append(self._synthetic("thinking_end", DISCONNECTED))
        if self._extracting_until is not None:
            self._extracting_until = None
            events.append(self._synthetic("extraction_complete", DISCONNECTED))
        return events

    def _synthetic(self, kind: str, reason: str) -> dict[str, Any]:
        logger.info("AI status %s cleared (%s)", kind, reason)
        event: dict[str, Any] = {"type": kind, "timestamp": self._now_iso(), "reason": reason}
        if kind == "extraction_complete":
            event["summary_triggered"] = False
        return event
