"""When a kiosk starts over for the next visitor: the idle rule, without a clock of its own.

A clinic's kiosk is used by one visitor after another, and nobody clears the
screen between them. The kiosk starts a new conversation once nobody has used
it for ``idle_limit_s`` (the previous one leaves the screen), unless:

- the rule is off (``idle_limit_s`` of 0);
- the screen holds nothing of a visitor (an empty transcript, an empty
  composer): starting over would only make another empty conversation;
- a message still waits in the outbox: it is delivered first (the kiosk looks
  again a while later; each delivery and reply counts as activity anyway).

Activity is whatever the window counts (a key, a click, a message sent or
delivered, a reply or the assistant's status arriving); the window calls
:meth:`VisitorIdle.touch` for each. Text left in the composer does not hold
the kiosk: it belongs to the visitor who walked away, and goes with the rest.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from desktop_app.core.clock import Clock
from desktop_app.core.validation import require_non_negative

#: The default idle limit: long enough for a visitor to read a reply, think and type.
DEFAULT_IDLE_START_OVER_S = 180.0


class IdleDecision(enum.Enum):
    """What :meth:`VisitorIdle.check` decided."""

    OFF = "off"  # the rule is off: never look again
    NOTHING_TO_CLEAR = "nothing to clear"  # look again after the next activity
    NOT_YET = "not yet"  # look again in ``check_in_s``
    OUTBOX_WAITING = "outbox waiting"  # idle, but a message waits: look again later
    START_OVER = "start over"


@dataclass(frozen=True)
class IdleCheck:
    decision: IdleDecision
    check_in_s: float | None = None  # when to look again; None: only after the next activity


class VisitorIdle:
    """The kiosk's idle rule: the time of the last activity, and what to do about it."""

    def __init__(self, idle_limit_s: float, *, clock: Clock) -> None:
        require_non_negative("idle_limit_s", idle_limit_s)
        self.idle_limit_s = idle_limit_s
        self._clock = clock
        self.last_activity = clock.monotonic()

    @property
    def enabled(self) -> bool:
        return self.idle_limit_s > 0

    def touch(self) -> None:
        """The visitor (or the conversation) did something: the idle time starts again."""
        self.last_activity = self._clock.monotonic()

    def idle_for(self) -> float:
        return max(0.0, self._clock.monotonic() - self.last_activity)

    def check(self, *, waiting: int, visitor_content: bool) -> IdleCheck:
        """Whether to start over now.

        ``waiting``: messages of the open conversation not yet delivered (failed
        ones included: they wait for a decision); ``visitor_content``: whether the
        screen shows anything of a visitor (messages, text in the composer).
        """
        if not self.enabled:
            return IdleCheck(IdleDecision.OFF)
        if not visitor_content:
            return IdleCheck(IdleDecision.NOTHING_TO_CLEAR)
        remaining = self.idle_limit_s - self.idle_for()
        if remaining > 0:
            return IdleCheck(IdleDecision.NOT_YET, remaining)
        if waiting > 0:
            # No event says reliably when the outbox empties (a delivery counts as
            # activity, a message that failed for good does not): look again later.
            return IdleCheck(IdleDecision.OUTBOX_WAITING, self.idle_limit_s)
        return IdleCheck(IdleDecision.START_OVER)
