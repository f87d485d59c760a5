"""Kiosk lockdown, offscreen: the exit PIN dialog, links shown in the app, no summary
download, no context menu. The journey on a real X server is
tests/journeys/test_kiosk_escapes.py."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QContextMenuEvent, QKeySequence, QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.core.clock import ManualClock
from desktop_app.core.pin import LOCKOUT_S, MAX_WRONG_PINS, PinAttempts, parse_pin_hash
from desktop_app.demo.server import DemoServer
from desktop_app.ui.admin_pin import ASK, WRONG, AdminPinDialog, locked_text
from desktop_app.ui.main_window import MainWindow
from tests.faultproxy import FaultProxy
from tests.kiosk_pin import TEST_PIN, TEST_PIN_HASH
from tests.ui.conftest import LoopDriver
from tests.ui.test_kiosk import EXIT_KEYS, start_kiosk

# --- the PIN dialog, alone -----------------------------------------------------------


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def pin_dialog(parent: QWidget, clock: ManualClock, idle_close_s: float = 30.0) -> AdminPinDialog:
    attempts = PinAttempts(parse_pin_hash(TEST_PIN_HASH), clock=clock)
    dialog = AdminPinDialog(attempts, parent, idle_close_s=idle_close_s)
    dialog.open()
    return dialog


def type_pin(dialog: AdminPinDialog, pin: str) -> None:
    QTest.keyClicks(dialog.pin_field, pin)
    QTest.keyClick(dialog.pin_field, Qt.Key.Key_Return)


def test_the_dialog_is_window_modal_masked_named_and_typed_into_at_once(
    parent: QWidget,
) -> None:
    dialog = pin_dialog(parent, ManualClock())
    assert dialog.isVisible()
    assert dialog.windowModality() is Qt.WindowModality.WindowModal
    assert dialog.pin_field.echoMode() is QLineEdit.EchoMode.Password
    assert dialog.focusWidget() is dialog.pin_field  # typed into at once
    assert dialog.message.text() == ASK
    assert dialog.pin_field.accessibleName() == "Administrator PIN"
    assert dialog.message.accessibleName() == "PIN message"
    # Only digits go in.
    QTest.keyClicks(dialog.pin_field, "12ab34")
    assert dialog.pin_field.text() == "1234"


def test_a_wrong_pin_says_so_and_stays_and_the_right_one_accepts(
    parent: QWidget, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    dialog = pin_dialog(parent, ManualClock())
    with caplog.at_level(logging.INFO, logger="desktop_app"):
        type_pin(dialog, "11112222")
        assert dialog.isVisible()
        assert dialog.message.text() == WRONG
        assert dialog.pin_field.text() == ""
        with qtbot.waitSignal(dialog.accepted, timeout=2000):
            type_pin(dialog, TEST_PIN)
    assert not dialog.isVisible()
    logged = caplog.text
    assert "Exit PIN refused" in logged
    assert "Exit PIN accepted" in logged
    assert TEST_PIN not in logged
    assert "11112222" not in logged


def test_escape_closes_the_dialog_without_leaving(parent: QWidget, qtbot: QtBot) -> None:
    dialog = pin_dialog(parent, ManualClock())
    with qtbot.waitSignal(dialog.rejected, timeout=2000):
        QTest.keyClick(dialog.pin_field, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_five_wrong_pins_refuse_every_pin_for_a_minute_with_a_countdown(
    parent: QWidget, qtbot: QtBot
) -> None:
    clock = ManualClock(1000.0)
    dialog = pin_dialog(parent, clock)
    accepted: list[bool] = []
    dialog.accepted.connect(lambda: accepted.append(True))
    for _ in range(MAX_WRONG_PINS):
        type_pin(dialog, "99990000")
    assert (
        dialog.message.text() == locked_text(LOCKOUT_S) == "Too many wrong PINs. Try again in 60 s."
    )
    assert not dialog.pin_field.isEnabled()
    assert not dialog.leave_button.isEnabled()
    # The countdown moves with the clock (refreshed by a timer while locked).
    clock.advance(15.2)
    qtbot.waitUntil(lambda: dialog.message.text() == locked_text(44.8), timeout=2000)
    # Closed and opened again: still locked, the count belongs to the kiosk.
    dialog.reject()
    dialog.open()
    assert not dialog.pin_field.isEnabled()
    clock.advance(LOCKOUT_S)
    qtbot.waitUntil(dialog.pin_field.isEnabled, timeout=2000)
    assert dialog.message.text() == ASK
    type_pin(dialog, TEST_PIN)
    assert accepted == [True]


def test_a_dialog_left_alone_closes_by_itself(parent: QWidget, qtbot: QtBot) -> None:
    dialog = pin_dialog(parent, ManualClock(), idle_close_s=0.3)
    QTest.keyClicks(dialog.pin_field, "12")  # typing restarts the wait
    with qtbot.waitSignal(dialog.rejected, timeout=5000):
        pass
    assert not dialog.isVisible()
    assert dialog.pin_field.text() == ""  # nothing typed is kept


# --- the whole kiosk window ----------------------------------------------------------


@pytest.fixture
def kiosk(
    driver: LoopDriver, qapp: QApplication, tmp_path: Path, server: DemoServer, proxy: FaultProxy
) -> Iterator[tuple[asyncio.Task[int], MainWindow]]:
    task, window = start_kiosk(driver, qapp, tmp_path, server, proxy)
    yield task, window
    if not task.done():
        driver.call(window.quit_app)
        assert driver.run(task) == 0


def visible_menus() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu) and w.isVisible()]


def test_a_link_is_shown_in_the_app_as_plain_text_and_never_opened(
    kiosk: tuple[asyncio.Task[int], MainWindow], driver: LoopDriver
) -> None:
    _, window = kiosk
    assert window.chrome.lockdown
    opened: list[QUrl] = []
    window.transcript_view._open_url = opened.append  # what a desktop would call
    title = "<b>Three-talk</b> <img src='file:///etc/passwd'>"
    window.transcript_view.on_anchor_clicked("https://evidence.sdm.example/a?b=<c>", title)
    panel = window.link_panel
    assert panel is not None
    driver.wait_until(panel.isVisible)
    assert panel.windowModality() is Qt.WindowModality.NonModal
    assert panel.title.textFormat() is Qt.TextFormat.PlainText
    assert panel.title.text() == title
    assert panel.address.textFormat() is Qt.TextFormat.PlainText
    assert panel.address.text().startswith("https://evidence.sdm.example/a")
    assert opened == []
    QTest.keyClick(panel.close_button, Qt.Key.Key_Space)
    driver.wait_until(lambda: not panel.isVisible())
    # A scheme that is not a web address is not even shown.
    window.transcript_view.on_anchor_clicked("file:///etc/passwd", "")
    assert not panel.isVisible()
    assert opened == []


def test_the_summary_is_not_offered_and_its_command_refuses(
    kiosk: tuple[asyncio.Task[int], MainWindow], caplog: pytest.LogCaptureFixture
) -> None:
    _, window = kiosk
    window.ai_status.set_summary_ready(True)
    assert window.ai_status.isVisible()  # "Your summary is ready." is said...
    assert window.ai_status.download_button.isHidden()  # ...but not offered
    with caplog.at_level(logging.INFO, logger="desktop_app"):
        window.on_download_summary()
    assert "Summary download refused" in caplog.text
    assert getattr(window, "save_dialog", None) is None
    # Its mnemonic (Alt+D) leads nowhere either.
    QTest.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    assert getattr(window, "save_dialog", None) is None


def test_no_context_menu_opens_anywhere(
    kiosk: tuple[asyncio.Task[int], MainWindow], driver: LoopDriver
) -> None:
    _, window = kiosk
    window.composer.setPlainText("some text")
    targets: list[QWidget] = [
        window.transcript_view.viewport(),
        window.composer.viewport(),
        window.composer,
        window.notice_bar,
        window.statusBar(),
    ]
    for target in targets:
        for reason in (QContextMenuEvent.Reason.Mouse, QContextMenuEvent.Reason.Keyboard):
            event = QContextMenuEvent(reason, QPoint(5, 5), target.mapToGlobal(QPoint(5, 5)))
            QApplication.sendEvent(target, event)
    driver.call(lambda: None)  # a turn of the loop: a menu would be shown by now
    assert visible_menus() == []
    assert window.transcript_view.contextMenuPolicy() is Qt.ContextMenuPolicy.NoContextMenu
    assert window.composer.contextMenuPolicy() is Qt.ContextMenuPolicy.NoContextMenu


def test_the_exit_keys_ask_for_the_pin_and_only_the_right_one_ends_the_kiosk(
    kiosk: tuple[asyncio.Task[int], MainWindow], driver: LoopDriver
) -> None:
    task, window = kiosk
    assert window.kiosk is not None
    window.activateWindow()
    QTest.keySequence(window, QKeySequence(EXIT_KEYS))
    dialog = window.kiosk.pin_dialog
    assert dialog is not None
    assert dialog.isVisible()
    type_pin(dialog, "24242424")
    driver.call(lambda: None)
    assert dialog.isVisible()
    assert dialog.message.text() == WRONG
    assert not task.done()
    QTest.keyClick(dialog.pin_field, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    driver.call(lambda: None)
    assert not task.done()
    assert window.isVisible()
    # Again: the keys, the right PIN.
    window.activateWindow()
    driver.wait_until(window.isActiveWindow)
    QTest.keySequence(window, QKeySequence(EXIT_KEYS))
    driver.wait_until(dialog.isVisible)
    type_pin(dialog, TEST_PIN)
    assert driver.run(task) == 0


def test_without_lockdown_a_kiosk_opens_links_and_offers_the_summary(
    driver: LoopDriver, qapp: QApplication, tmp_path: Path, server: DemoServer, proxy: FaultProxy
) -> None:
    task, window = start_kiosk(
        driver, qapp, tmp_path, server, proxy, "--set", "kiosk_lockdown=false"
    )
    try:
        assert not window.chrome.lockdown
        opened: list[QUrl] = []
        window.transcript_view._open_url = opened.append
        window.transcript_view.on_anchor_clicked("https://evidence.sdm.example/a", "A")
        assert opened == [QUrl("https://evidence.sdm.example/a")]
        assert window.link_panel is None
        window.ai_status.set_summary_ready(True)
        assert not window.ai_status.download_button.isHidden()
        assert window.transcript_view.contextMenuPolicy() is Qt.ContextMenuPolicy.CustomContextMenu
    finally:
        driver.call(window.quit_app)
        assert driver.run(task) == 0


def test_the_only_commands_a_kiosk_keyboard_reaches_stay_in_the_app(
    kiosk: tuple[asyncio.Task[int], MainWindow],
) -> None:
    """The audit of what a key can reach: every enabled action attached to a widget
    (the only way a QAction's shortcut works) and every QShortcut."""
    _, window = kiosk
    widgets: list[QWidget] = [window, *window.findChildren(QWidget)]
    reachable = {
        action.text()
        for widget in widgets
        for action in widget.actions()
        if action.isEnabled() and not action.shortcut().isEmpty()
    }
    # Ctrl+R: reconnect. Quit, New conversation, About (links), diagnostics: none.
    assert reachable == {window.reconnect_action.text()}
    for action in (window.about_action, window.diagnostics_action, window.quit_action):
        assert not any(action in widget.actions() for widget in widgets)
    assert window.kiosk is not None
    shortcuts = [s for s in window.findChildren(QShortcut) if s.isEnabled()]
    assert window.kiosk.exit_shortcut in shortcuts
    assert all(s.key().toString() != "F1" for s in shortcuts)
