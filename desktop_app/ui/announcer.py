"""Tells a screen reader what changed: Qt accessibility announcements, politely.

A status label's changed text or description is spoken only when the label has
the focus, which it never has; an announcement is spoken wherever the focus is
(AT-SPI's ``object:announcement``). What to say and when is decided by
:class:`~desktop_app.core.announcements.AnnouncementRules`; this module feeds it
and sends what it hands out. The text may hold a reply's first words: it is sent
to the screen reader only, and the log gets its kind and length.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent

from desktop_app.core.announcements import AnnouncementRules
from desktop_app.core.frames import Role
from desktop_app.core.presence import Presence
from desktop_app.core.transcript import TranscriptEntry
from desktop_app.ui.transcript import plain_text, sender_name

logger = logging.getLogger("desktop_app.ui.announcer")


def send_announcement(target: QObject, text: str) -> None:
    """Ask the screen reader to say ``text`` when it is done speaking (polite)."""
    event = QAccessibleAnnouncementEvent(target, text)
    event.setPoliteness(QAccessible.AnnouncementPoliteness.Polite)
    QAccessible.updateAccessibility(event)


class Announcer(QObject):
    """Announces connection changes, new replies and the assistant's status for
    ``target`` (the main window), once each has settled."""

    def __init__(
        self,
        target: QObject,
        *,
        rules: AnnouncementRules | None = None,
        clock: Callable[[], float] = time.monotonic,
        send: Callable[[QObject, str], None] = send_announcement,
    ) -> None:
        super().__init__(target)
        self._target = target
        self.rules = rules or AnnouncementRules(translate=QCoreApplication.translate)
        self._clock = clock
        self._send = send
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.on_due)

    def on_presence(self, presence: Presence, reason: str | None = None) -> None:
        self.rules.connection(presence, reason, self._clock())
        self._schedule()

    def on_live(self, entry: TranscriptEntry) -> None:
        """A live message arrived: only replies (not the user's own echoes) are said."""
        if entry.role is Role.BOT:
            self.rules.reply(sender_name(entry), plain_text(entry), self._clock())
            self._schedule()

    def forget_replies(self) -> None:
        """Say nothing of the replies not yet announced (a kiosk starts over)."""
        self.rules.forget_replies()
        self._schedule()

    def on_assistant(self, *, thinking: bool, summarizing: bool, summary_ready: bool) -> None:
        """The assistant's flags now (each is said when it comes on)."""
        self.rules.assistant(
            thinking=thinking,
            summarizing=summarizing,
            summary_ready=summary_ready,
            now=self._clock(),
        )
        self._schedule()

    def on_due(self) -> None:
        for announcement in self.rules.due(self._clock()):
            logger.debug(
                "Announcing %s (%d chars)", announcement.kind.value, len(announcement.text)
            )
            self._send(self._target, announcement.text)
        self._schedule()

    def _schedule(self) -> None:
        deadline = self.rules.next_deadline()
        if deadline is None:
            self._timer.stop()
            return
        wait_ms = max(0, math.ceil((deadline - self._clock()) * 1000))
        self._timer.start(wait_ms)
