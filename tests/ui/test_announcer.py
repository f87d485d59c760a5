"""The window's announcer in process: what it hands to Qt's accessibility, and when.

What a screen reader receives through AT-SPI is tested in ``tests/a11y``.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop_app.core.announcements import THINKING, AnnouncementRules
from desktop_app.core.frames import Role
from desktop_app.core.presence import Presence
from desktop_app.core.transcript import TranscriptEntry
from desktop_app.ui.announcer import Announcer

SETTLE_S = 0.05  # scaled down: the real settle time is a second


def _entry(role: Role, content: str) -> TranscriptEntry:
    return TranscriptEntry(role=role, name="", content=content, timestamp="2026-01-01T10:00:00")


def test_changes_are_sent_once_each_after_settling(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    sent: list[tuple[QObject, str]] = []
    announcer = Announcer(
        window,
        rules=AnnouncementRules(settle_s=SETTLE_S),
        send=lambda target, text: sent.append((target, text)),
    )
    announcer.on_presence(Presence.CONNECTING)
    announcer.on_presence(Presence.CONNECTED)
    qtbot.waitUntil(lambda: len(sent) == 1, timeout=10_000)
    assert sent == [(window, "Connected.")]

    announcer.on_live(_entry(Role.USER, "my own words"))  # the user's echo: not said
    announcer.on_assistant(thinking=True, summarizing=False, summary_ready=False)
    announcer.on_live(_entry(Role.BOT, "**Two** options"))  # Markdown read as text
    qtbot.waitUntil(lambda: len(sent) == 3, timeout=10_000)
    assert [text for _target, text in sent[1:]] == [THINKING, "Reply from Assistant: Two options"]


def test_a_reply_not_yet_said_is_dropped_when_a_kiosk_starts_over(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    sent: list[str] = []
    announcer = Announcer(
        window,
        rules=AnnouncementRules(settle_s=SETTLE_S),
        send=lambda _target, text: sent.append(text),
    )
    announcer.on_live(_entry(Role.BOT, "the last visitor's answer"))
    announcer.forget_replies()
    # A later change proves the timer ran past the reply's settle time.
    announcer.on_presence(Presence.CONNECTED)
    qtbot.waitUntil(lambda: sent != [], timeout=10_000)
    assert sent == ["Connected."]
