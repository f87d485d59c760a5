"""What a screen reader is told, and when: the rules behind the window's announcements.

Theory of operation. The window reports three kinds of change, each with the time
(``now``, seconds on any monotonic clock): the connection's :class:`Presence`, a
reply that arrived, and the assistant's flags. Nothing is said at once: a change
waits :attr:`AnnouncementRules.settle_s`, so a burst is said once, as it ended:

- **Connection**: the presence is reduced to a :class:`Phase` (a countdown tick
  or a retry's CONNECTING ↔ RECONNECTING flip is no change of phase). When the
  phase settles, one sentence is said for it — and only if it differs from the
  last phase said: a drop and return inside the settle time is never said. During
  one outage (from a loss until the connection is back) each of "lost",
  "offline" and "failed" is said at most once, however often the sockets retry.
- **Replies**: those arriving within the settle time of the first are said
  together ("3 new replies…"), with who sent the last and its first words.
- **Assistant**: a flag that comes on (thinking, generating the summary, summary
  ready) is said once; one that goes off before the settle time is not said.

Announcements carry patient words (a reply's start): they are for the screen
reader only; the caller may log their :attr:`Announcement.kind`, never the text.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from desktop_app.core.presence import Presence
from desktop_app.core.translation import Translate, english
from desktop_app.core.validation import require_positive

#: How many words of a reply are said (the reader moves to the transcript for more).
FIRST_WORDS = 12
_MAX_FIRST_CHARS = 100


class Kind(enum.Enum):
    CONNECTION = "connection"
    REPLY = "reply"
    ASSISTANT = "assistant"


class Phase(enum.Enum):
    """The connection as a listener cares about it."""

    STARTING = "starting"  # not connected yet since the window opened
    UP = "up"
    DOWN = "down"  # lost; reconnecting
    OFFLINE = "offline"
    FAILED = "failed"


@dataclass(frozen=True)
class Announcement:
    """One sentence for the screen reader (``text`` may hold patient words)."""

    kind: Kind
    text: str

    def __repr__(self) -> str:
        return f"Announcement({self.kind.value}, {len(self.text)} chars)"


#: The assistant's flags, by what is said in English (:func:`assistant_text` translates).
THINKING = "The assistant is thinking…"
SUMMARIZING = "Generating your summary…"
SUMMARY_READY = "Your summary is ready."


def assistant_text(flag: str, translate: Translate = english) -> str:
    """What is said when ``flag`` (:data:`THINKING`, …) comes on, in the person's language."""
    if flag == THINKING:
        return translate("announcements", "The assistant is thinking…")
    if flag == SUMMARIZING:
        return translate("announcements", "Generating your summary…")
    return translate("announcements", "Your summary is ready.")


def phase_of(presence: Presence, current: Phase) -> Phase | None:
    """The phase after ``presence`` is seen in ``current`` (None: no news, e.g. no
    conversation is open)."""
    if presence is Presence.CONNECTED:
        return Phase.UP
    if presence is Presence.IDLE:
        return None
    if presence is Presence.CONNECTING:
        # Connecting before the first success is starting; after it, a retry of a loss.
        return Phase.STARTING if current is Phase.STARTING else Phase.DOWN
    if presence is Presence.RECONNECTING:
        return Phase.DOWN
    if presence is Presence.OFFLINE:
        return Phase.OFFLINE
    return Phase.FAILED


def connection_text(
    phase: Phase, spoken: Phase, reason: str | None, translate: Translate = english
) -> str:
    """The sentence for reaching ``phase`` when ``spoken`` was the last phase said."""
    if phase is Phase.UP:
        if spoken is Phase.STARTING:
            return translate("announcements", "Connected.")
        return translate("announcements", "The connection is back.")
    if phase is Phase.DOWN:
        if spoken is Phase.STARTING:
            return translate("announcements", "Cannot reach the server yet. Trying again…")
        return translate("announcements", "The connection was lost. Reconnecting…")
    if phase is Phase.OFFLINE:
        return translate(
            "announcements",
            "This computer is offline. The app reconnects when the network is back.",
        )
    # FAILED (STARTING is never said: the caller checks)
    return translate("announcements", "Connection failed: {reason}. The app keeps trying.").format(
        reason=reason or translate("presence", "unknown reason")
    )


def first_words(text: str, words: int = FIRST_WORDS) -> str:
    """The start of ``text`` on one line: ``words`` words at most, "…" when cut."""
    parts = text.split()
    shown = " ".join(parts[:words])
    cut = len(parts) > words
    if len(shown) > _MAX_FIRST_CHARS:
        shown, cut = shown[: _MAX_FIRST_CHARS - 1].rstrip(), True
    return shown + "…" if cut else shown


class AnnouncementRules:
    """Collects changes and hands out what to say once each has settled (Sans-I/O:
    the caller passes the time and asks :meth:`due` at :meth:`next_deadline`)."""

    def __init__(self, *, settle_s: float = 1.0, translate: Translate = english) -> None:
        require_positive("settle_s", settle_s)
        self.settle_s = settle_s
        self._translate = translate
        # Connection: the latest phase, the last one said, and what this outage said.
        self._phase = Phase.STARTING
        self._spoken = Phase.STARTING
        self._outage: set[Phase] = set()
        self._reason: str | None = None
        self._connection_due: float | None = None
        # Replies since the last one said: count, last sender, its words.
        self._replies = 0
        self._reply: tuple[str, str] = ("", "")
        self._reply_due: float | None = None
        # Assistant: flags on now, and the ones to say when settled.
        self._flags: dict[str, bool] = {THINKING: False, SUMMARIZING: False, SUMMARY_READY: False}
        self._rising: dict[str, float] = {}

    def connection(self, presence: Presence, reason: str | None, now: float) -> None:
        """The connection indicator shows ``presence`` (``reason``: why it failed)."""
        phase = phase_of(presence, self._phase)
        if phase is None or phase is self._phase:
            return
        self._phase, self._reason = phase, reason
        self._connection_due = now + self.settle_s  # a newer change waits for quiet again

    def reply(self, sender: str, text: str, now: float) -> None:
        """A reply from ``sender`` arrived while the window is open (not a history load)."""
        self._replies += 1
        self._reply = (sender, text)
        if self._reply_due is None:
            self._reply_due = now + self.settle_s  # a burst is said when its first settles

    def forget_replies(self) -> None:
        """Drop the replies not yet said, their words with them (a kiosk starts over)."""
        self._replies, self._reply, self._reply_due = 0, ("", ""), None

    def assistant(
        self, *, thinking: bool, summarizing: bool, summary_ready: bool, now: float
    ) -> None:
        """The assistant's flags now (each is said when it comes on)."""
        for text, on in ((THINKING, thinking), (SUMMARIZING, summarizing)):
            self._flag(text, on, now)
        self._flag(SUMMARY_READY, summary_ready and not summarizing, now)

    def _flag(self, text: str, on: bool, now: float) -> None:
        if on and not self._flags[text]:
            self._rising[text] = now + self.settle_s
        elif not on:
            self._rising.pop(text, None)  # off before it was said: never said
        self._flags[text] = on

    def next_deadline(self) -> float | None:
        """When :meth:`due` next has something to say (None: nothing pending)."""
        deadlines = [
            d
            for d in (self._connection_due, self._reply_due, *self._rising.values())
            if d is not None
        ]
        return min(deadlines, default=None)

    def due(self, now: float) -> list[Announcement]:
        """What to say now, oldest change first; each is handed out once."""
        timed: list[tuple[float, Announcement]] = []
        if self._connection_due is not None and now >= self._connection_due:
            timed.append((self._connection_due, self._settled_connection()))
        if self._reply_due is not None and now >= self._reply_due:
            timed.append((self._reply_due, self._settled_replies()))
        for text, due in list(self._rising.items()):
            if now >= due:
                del self._rising[text]
                said = assistant_text(text, self._translate)
                timed.append((due, Announcement(Kind.ASSISTANT, said)))
        timed.sort(key=lambda pair: pair[0])
        return [announcement for _due, announcement in timed if announcement.text]

    def _settled_connection(self) -> Announcement:
        self._connection_due = None
        phase, spoken = self._phase, self._spoken
        if phase is spoken or phase is Phase.STARTING or phase in self._outage:
            return Announcement(Kind.CONNECTION, "")  # nothing new to say
        self._spoken = phase
        if phase is Phase.UP:
            self._outage.clear()
        else:
            self._outage.add(phase)
        text = connection_text(phase, spoken, self._reason, self._translate)
        return Announcement(Kind.CONNECTION, text)

    def _settled_replies(self) -> Announcement:
        count, (sender, text) = self._replies, self._reply
        self._replies, self._reply_due = 0, None
        words, translate = first_words(text), self._translate
        if count == 1:
            said = translate("announcements", "Reply from {sender}: {words}")
        else:
            said = translate(
                "announcements", "{count} new replies. The last from {sender}: {words}"
            )
        return Announcement(Kind.REPLY, said.format(count=count, sender=sender, words=words))
