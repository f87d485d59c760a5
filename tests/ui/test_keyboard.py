"""Everything without a mouse: the Tab order, the pane keys, the focus after a dialog,
the list of shortcuts (Help → Keyboard shortcuts) and the transcript's visible focus.

The keys are pressed on the focused widget, as Qt delivers a person's key press; the
window is active (offscreen Qt activates a window on request).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.core.conversation import Notice, NoticeAction
from desktop_app.core.frames import Role
from desktop_app.core.presence import Presence
from desktop_app.core.transcript import TranscriptEntry
from desktop_app.demo.server import DemoServer
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.shortcuts_dialog import WIDGET_KEYS, ShortcutsDialog
from tests.ui.conftest import LoopDriver, open_connected, sign_in_as_a_person

WindowFactory = Callable[..., MainWindow]

STAMP = "2024-01-01T10:00:00+00:00"


def _active(driver: LoopDriver, window: MainWindow, qtbot: QtBot) -> None:
    driver.call(window.activateWindow)
    qtbot.waitUntil(window.isActiveWindow)


def _press(driver: LoopDriver, key: Qt.Key, modifier: Qt.KeyboardModifier | None = None) -> None:
    """Press ``key`` where the focus is, as the keyboard would."""
    focused = QApplication.focusWidget()
    assert focused is not None, "nothing has the keyboard focus"
    modifiers = modifier if modifier is not None else Qt.KeyboardModifier.NoModifier
    driver.call(QTest.keyClick, focused, key, modifiers)


def _name(widget: QWidget | None) -> str:
    if widget is None:
        return "nothing"
    return widget.accessibleName() or widget.objectName() or type(widget).__name__


def test_tab_goes_from_the_conversations_to_the_message_box_send_and_reconnect(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window()
    conversation = demo.create_conversation()
    # Every stop of the order on screen: a summary to download (the server says so when
    # the conversation opens), a notice with its button, and the Reconnect button (shown
    # whenever a socket is not connected).
    demo.write_summary(conversation)
    open_connected(driver, window, conversation)
    driver.wait_until(lambda: not window.ai_status.download_button.isHidden())
    driver.call(window.notice_bar.set_notice, Notice("Try again", NoticeAction.RETRY))
    driver.call(window.reconnect_button.on_presence_changed, Presence.RECONNECTING)
    _active(driver, window, qtbot)
    expected = [
        window.conversations.new_button,
        window.conversations.list,
        window.transcript_view,
        window.ai_status.download_button,
        window.notice_bar.button,
        window.composer,
        window.send_button,
        window.reconnect_button,
    ]
    assert window.tab_order() == expected
    driver.call(window.conversations.new_button.setFocus, Qt.FocusReason.TabFocusReason)
    visited = [QApplication.focusWidget()]
    for _stop in expected[1:]:
        _press(driver, Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())
    assert [_name(w) for w in visited] == [_name(w) for w in expected]
    assert visited == expected

    # And back, with Shift+Tab: from the message box to the notice's button.
    driver.call(window.composer.setFocus, Qt.FocusReason.TabFocusReason)
    _press(driver, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is window.notice_bar.button


def test_f6_moves_between_the_panes_and_ctrl_digits_go_to_one(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window()
    open_connected(driver, window, demo.create_conversation())
    _active(driver, window, qtbot)
    driver.call(window.focus_composer)
    seen = []
    for _pane in range(3):
        _press(driver, Qt.Key.Key_F6)
        seen.append(QApplication.focusWidget())
    assert seen == [window.conversations.list, window.transcript_view, window.composer]
    _press(driver, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is window.transcript_view

    # From a button, F6 goes on to the message box's neighbour, Shift+F6 back to it.
    driver.call(window.send_button.setFocus)
    _press(driver, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is window.transcript_view

    for key, pane in (
        (Qt.Key.Key_1, window.conversations.list),
        (Qt.Key.Key_3, window.composer),
        (Qt.Key.Key_2, window.transcript_view),
    ):
        _press(driver, key, Qt.KeyboardModifier.ControlModifier)
        assert QApplication.focusWidget() is pane, f"Ctrl+{key.name[-1]}"


def test_the_message_box_has_the_focus_after_the_sign_in_dialog_either_way(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window(signed_in=False)
    _active(driver, window, qtbot)
    driver.call(window.open_conversation, demo.create_conversation())
    driver.wait_until(
        lambda: window.sign_in_dialog is not None and window.sign_in_dialog.isVisible()
    )
    dialog = window.sign_in_dialog
    assert dialog is not None
    driver.wait_until(lambda: dialog.isActiveWindow())
    driver.call(QTest.keyClick, dialog, Qt.Key.Key_Escape)  # cancelled
    driver.wait_until(lambda: not dialog.isVisible())
    driver.wait_until(lambda: QApplication.focusWidget() is window.composer)

    # The notice offers the sign-in again; this time it succeeds.
    driver.call(window.transcript_view.setFocus)
    driver.call(window.notice_bar.button.click)
    sign_in_as_a_person(driver, window)
    driver.wait_until(lambda: QApplication.focusWidget() is window.composer)
    assert window.isActiveWindow()


@pytest.mark.parametrize("open_dialog", ["on_about", "on_show_diagnostics", "on_show_shortcuts"])
def test_the_message_box_has_the_focus_after_a_dialog_closes(
    driver: LoopDriver,
    demo: DemoServer,
    make_window: WindowFactory,
    qtbot: QtBot,
    open_dialog: str,
) -> None:
    window = make_window()
    open_connected(driver, window, demo.create_conversation())
    _active(driver, window, qtbot)
    driver.call(window.transcript_view.setFocus)  # not where the focus goes back to
    driver.call(getattr(window, open_dialog))
    driver.wait_until(lambda: isinstance(QApplication.activeWindow(), QDialog))
    _press(driver, Qt.Key.Key_Escape)  # About deletes itself once closed
    driver.wait_until(lambda: QApplication.activeWindow() is window)
    driver.wait_until(lambda: QApplication.focusWidget() is window.composer)


def test_the_shortcuts_dialog_lists_every_key_of_the_window_and_is_not_modal(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window()
    open_connected(driver, window, demo.create_conversation())
    # A command added later is listed without touching the dialog.
    later = QAction("&Later command", window)
    later.setShortcut(QKeySequence("Ctrl+Shift+L"))
    window.addAction(later)
    in_a_menu = QAction("&Print", window.help_menu)  # a menu's own command
    in_a_menu.setShortcut(QKeySequence("Ctrl+Shift+P"))
    window.help_menu.addAction(in_a_menu)
    _active(driver, window, qtbot)
    driver.call(window.focus_composer)
    _press(driver, Qt.Key.Key_F1)
    dialog = window.shortcuts_dialog
    assert isinstance(dialog, ShortcutsDialog)
    driver.wait_until(dialog.isVisible)
    assert not dialog.isModal()
    assert dialog.windowModality() == Qt.WindowModality.NonModal
    assert dialog.accessibleName() == "Keyboard shortcuts"
    assert dialog.table.accessibleName() == "Keyboard shortcuts"

    listed = {(row.keys, row.action) for row in dialog.rows()}
    native = QKeySequence.SequenceFormat.NativeText
    expected = set()
    for action in window.findChildren(QAction):
        for sequence in action.shortcuts():
            if not sequence.isEmpty():
                words = action.text().replace("&", "").rstrip("…").strip()
                expected.add((sequence.toString(native), words))
    assert {
        ("Ctrl+R", "Reconnect now"),
        ("F1", "Keyboard shortcuts"),
        ("F6", "Next pane"),
        ("Ctrl+Shift+L", "Later command"),
        ("Ctrl+Shift+P", "Print"),
    } <= expected
    assert {"Ctrl+0", "Ctrl+-"} <= {keys for keys, _action in expected}  # the text size's
    assert expected - listed == set(), "shortcuts of the window missing from the list"
    # The keys no command carries, and the buttons' Alt+letters.
    assert set(WIDGET_KEYS) <= listed
    assert ("Alt+S", "Send (button)") in listed
    assert ("Alt+D", "Download summary (PDF) (button)") in listed

    # Closed with Escape: not modal, so the window took keys meanwhile; back to writing.
    driver.wait_until(dialog.isActiveWindow)
    driver.call(QTest.keyClick, dialog.table, Qt.Key.Key_Escape)
    driver.wait_until(lambda: not dialog.isVisible())
    driver.wait_until(lambda: QApplication.focusWidget() is window.composer)


def test_the_transcript_shows_where_the_keyboard_is(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window()
    open_connected(driver, window, demo.create_conversation())
    entries = [
        TranscriptEntry(Role.USER, "Pat", f"Message number {number}", STAMP) for number in range(3)
    ]
    driver.call(window.show_transcript, entries)
    _active(driver, window, qtbot)
    view = window.transcript_view
    driver.call(window.focus_composer)
    driver.run_scheduled_callbacks()
    unfocused = view.viewport().grab().toImage()
    assert not view.currentIndex().isValid()

    _press(driver, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert view.hasFocus()
    assert view.currentIndex().row() == 2, "the keyboard starts at the last message in view"
    focused = view.viewport().grab().toImage()
    assert focused != unfocused, "the focused transcript looks the same as an unfocused one"

    _press(driver, Qt.Key.Key_Up)
    assert view.currentIndex().row() == 1
    moved = view.viewport().grab().toImage()
    assert moved != focused, "the focus frame did not move with the current message"
