"""A fresh screen per visitor: the kiosk starts over when idle, or at once on Start over.

The whole app runs in kiosk mode (:func:`desktop_app.app.run`) against a demo
server behind a fault proxy, the idle limit scaled down from minutes to
1.5 s. After starting over, every widget of the window is read (texts,
tooltips, accessible names, item models for every role): nothing of the
previous visitor's conversation may be left.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from desktop_app.core.conversation import Phase
from desktop_app.core.frames import Role
from desktop_app.core.presence import Presence
from desktop_app.demo.server import DemoServer
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.transcript import plain_text
from tests.faultproxy import FaultProxy
from tests.ui.conftest import LoopDriver
from tests.ui.test_kiosk import start_kiosk as start_whole_kiosk

IDLE_S = 1.5  # three minutes, scaled down
SENT = "Visitor one asks about knee surgery 4711"
LEFT_IN_COMPOSER = "Half a question visitor one never sent 0815"
#: Roles read from an item model: Qt's own and the first custom ones.
USER_ROLE = Qt.ItemDataRole.UserRole.value
ROLES = [*range(16), *range(USER_ROLE, USER_ROLE + 32)]


def start_kiosk(
    driver: LoopDriver,
    qapp: QApplication,
    tmp_path: Path,
    server: DemoServer,
    proxy: FaultProxy,
    idle_s: float,
) -> tuple[asyncio.Task[int], MainWindow]:
    task, window = start_whole_kiosk(
        driver, qapp, tmp_path, server, proxy, "--set", f"kiosk_idle_start_over_s={idle_s}"
    )
    driver.wait_until(lambda: window.controller.phase is Phase.READY)
    return task, window


@pytest.fixture
def kiosk(
    driver: LoopDriver, qapp: QApplication, tmp_path: Path, server: DemoServer, proxy: FaultProxy
) -> Iterator[MainWindow]:
    task, window = start_kiosk(driver, qapp, tmp_path, server, proxy, IDLE_S)
    yield window
    if not task.done():
        driver.call(window.quit_app)
        assert driver.run(task) == 0


@pytest.fixture
def kiosk_without_idle_rule(
    driver: LoopDriver, qapp: QApplication, tmp_path: Path, server: DemoServer, proxy: FaultProxy
) -> Iterator[MainWindow]:
    task, window = start_kiosk(driver, qapp, tmp_path, server, proxy, 0)
    yield window
    if not task.done():
        driver.call(window.quit_app)
        assert driver.run(task) == 0


def model_texts(model: QAbstractItemModel) -> Iterator[str]:
    # A list model's columnCount() is private in PySide: it has one column.
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(QModelIndex())
    for row in range(model.rowCount(QModelIndex())):
        for column in range(columns):
            index = model.index(row, column)
            for role in ROLES:
                value = model.data(index, role)
                if value is not None:
                    yield str(value)


def texts_on_screen(window: MainWindow) -> list[str]:
    """Every text the window and its widgets hold, as a person or a screen reader finds it."""
    found = [window.windowTitle(), window.statusBar().currentMessage()]
    for widget in [window, *window.findChildren(QWidget)]:
        found += [
            widget.toolTip(),
            widget.statusTip(),
            widget.whatsThis(),
            widget.accessibleName(),
            widget.accessibleDescription(),
            widget.windowTitle(),
        ]
        if isinstance(widget, QLabel | QLineEdit | QAbstractButton):
            found.append(widget.text())
        if isinstance(widget, QTextEdit | QPlainTextEdit):
            found.append(widget.toPlainText())
            assert not widget.document().isUndoAvailable(), "Ctrl+Z would bring text back"
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            found += model_texts(widget.model())
    found += model_texts(window.transcript)
    return found


def assert_nowhere(window: MainWindow, texts: list[str]) -> None:
    on_screen = texts_on_screen(window)
    for text in texts:
        assert not [shown for shown in on_screen if text in shown], f"{text[:20]!r} still shown"


def send_and_wait_for_reply(driver: LoopDriver, window: MainWindow) -> list[str]:
    """Send ``SENT``; return the texts the visitor saw (the message, the reply)."""
    window.composer.setPlainText(SENT)
    driver.call(window.on_send)
    driver.wait_until(
        lambda: (
            any(e.role is Role.BOT for e in window.transcript.entries())
            and any(e.content == SENT for e in window.transcript.entries())
        )
    )
    reply = next(e for e in window.transcript.entries() if e.role is Role.BOT)
    first_line = plain_text(reply).strip().splitlines()[0][:40]
    assert first_line
    on_screen = texts_on_screen(window)  # the walk finds them while they are shown
    assert [text for text in [SENT, first_line] if any(text in t for t in on_screen)] == [
        SENT,
        first_line,
    ]
    return [SENT, first_line]


def queue_while_away(driver: LoopDriver, window: MainWindow, proxy: FaultProxy) -> None:
    """The server goes away; the visitor sends ``SENT``, which waits in the outbox."""
    proxy.refuse(True)
    proxy.reset()
    driver.wait_until(lambda: window.indicator.presence is not Presence.CONNECTED)
    window.composer.setPlainText(SENT)
    driver.call(window.on_send)
    driver.wait_until(lambda: window.controller.waiting == 1)


def test_an_idle_kiosk_opens_a_fresh_conversation_and_shows_nothing_of_the_old_one(
    driver: LoopDriver, kiosk: MainWindow, server: DemoServer, caplog: pytest.LogCaptureFixture
) -> None:
    window = kiosk
    old = window.conversation_id
    assert old is not None
    seen = send_and_wait_for_reply(driver, window)
    window.composer.setPlainText(LEFT_IN_COMPOSER)  # the visitor walks away mid-sentence

    driver.wait_until(lambda: window.conversation_id not in (None, old))
    new = window.conversation_id
    assert new is not None
    driver.wait_until(lambda: window.controller.phase is Phase.READY)
    assert window.transcript.rowCount() == 0
    assert window.composer.toPlainText() == ""
    assert_nowhere(window, [*seen, LEFT_IN_COMPOSER])
    assert server.history(new) == []
    assert [m["content"] for m in server.history(old) if m["role"] == "user"] == [SENT]

    # An empty screen is not started over again and again (no new conversation each time).
    driver.sleep(IDLE_S * 3)  # waiting for nothing to happen: the idle limit, thrice
    assert window.conversation_id == new
    assert window.visitor_reset is not None
    assert not window.visitor_reset.armed
    assert not [text for text in [*seen, LEFT_IN_COMPOSER] if text in caplog.text]


def test_a_message_waiting_in_the_outbox_holds_the_kiosk_until_it_is_delivered(
    driver: LoopDriver, kiosk: MainWindow, server: DemoServer, proxy: FaultProxy
) -> None:
    window = kiosk
    old = window.conversation_id
    assert old is not None
    queue_while_away(driver, window, proxy)

    driver.sleep(IDLE_S * 3)  # idle, thrice the limit: the message holds the screen
    assert window.conversation_id == old
    assert [e.content for e in window.transcript.entries()] == [SENT]

    proxy.refuse(False)  # delivered, answered, then idle: the kiosk starts over
    driver.wait_until(lambda: window.conversation_id not in (None, old))
    assert [m["content"] for m in server.history(old) if m["role"] == "user"] == [SENT]
    driver.wait_until(lambda: window.controller.phase is Phase.READY)
    assert_nowhere(window, [SENT])


def test_start_over_clears_the_screen_at_once_and_opens_a_new_conversation(
    driver: LoopDriver, kiosk_without_idle_rule: MainWindow, server: DemoServer
) -> None:
    window = kiosk_without_idle_rule
    assert window.visitor_reset is not None
    assert not window.visitor_reset.armed  # 0: the idle rule is off
    button = window.start_over_button
    assert button.isVisible()
    assert button.accessibleName() == "Start over"
    assert button.focusPolicy() & Qt.FocusPolicy.TabFocus
    old = window.conversation_id
    seen = send_and_wait_for_reply(driver, window)
    window.composer.setPlainText(LEFT_IN_COMPOSER)
    # The visitor opened one of the reply's citations: the link panel shows its title.
    reply = next(e for e in window.transcript.entries() if e.role is Role.BOT)
    assert reply.citations
    citation = reply.citations[0]
    window.transcript_view.on_anchor_clicked(citation.url, citation.title)
    assert window.link_panel is not None
    assert window.link_panel.isVisible()
    seen.append(citation.title)

    driver.call(QTest.mouseClick, button, Qt.MouseButton.LeftButton)
    assert not window.link_panel.isVisible()
    # At once, before the new conversation exists: nothing of the old one is shown.
    assert window.transcript.rowCount() == 0
    assert_nowhere(window, [*seen, LEFT_IN_COMPOSER])

    driver.wait_until(lambda: window.conversation_id not in (None, old))
    driver.wait_until(lambda: window.controller.phase is Phase.READY)
    assert_nowhere(window, [*seen, LEFT_IN_COMPOSER])

    # Keyboard: Alt+O, from the composer.
    second = window.conversation_id
    window.composer.setPlainText(LEFT_IN_COMPOSER)
    window.activateWindow()
    driver.call(QTest.keyClick, window.composer, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    driver.wait_until(lambda: window.conversation_id not in (None, second))
    assert window.composer.toPlainText() == ""


def test_start_over_with_a_message_waiting_delivers_it_to_the_old_conversation_unseen(
    driver: LoopDriver, kiosk_without_idle_rule: MainWindow, server: DemoServer, proxy: FaultProxy
) -> None:
    window = kiosk_without_idle_rule
    old = window.conversation_id
    assert old is not None
    queue_while_away(driver, window, proxy)

    # The visitor presses Start over with the message still on its way.
    driver.call(QTest.mouseClick, window.start_over_button, Qt.MouseButton.LeftButton)
    assert window.transcript.rowCount() == 0
    assert_nowhere(window, [SENT])

    # The server comes back: the message reaches the conversation it was written in,
    # and the new conversation's screen never shows it.
    proxy.refuse(False)
    driver.wait_until(lambda: window.conversation_id not in (None, old))
    new = window.conversation_id
    assert new is not None
    driver.wait_until(
        lambda: [m["content"] for m in server.history(old) if m["role"] == "user"] == [SENT]
    )
    driver.wait_until(lambda: window.controller.phase is Phase.READY)
    assert server.history(new) == []
    assert_nowhere(window, [SENT])
