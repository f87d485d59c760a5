"""The window never says a plain "Connected" it cannot stand behind, and never leaves a
person without a way on: sign-in cancelled, a session that ended, no server at all."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog

from desktop_app.core.conversation import NoticeAction
from desktop_app.core.presence import Presence
from desktop_app.demo.server import DEMO_EMAIL, DemoServer
from desktop_app.ui.appearance import current_colours
from desktop_app.ui.main_window import MainWindow, _suggested_summary_path
from tests.ui.conftest import LoopDriver, open_connected, sign_in_as_a_person

WindowFactory = Callable[..., MainWindow]


def test_cancelling_the_sign_in_says_what_to_do_and_offers_it_again(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory
) -> None:
    window = make_window(signed_in=False)
    driver.call(window.open_conversation, demo.create_conversation())
    driver.wait_until(
        lambda: window.sign_in_dialog is not None and window.sign_in_dialog.isVisible()
    )
    dialog = window.sign_in_dialog
    assert dialog is not None
    driver.call(QTest.keyClick, dialog, Qt.Key.Key_Escape)
    driver.wait_until(lambda: not dialog.isVisible())

    # No green "Connected" beside "not signed in": nothing is connected, and it says why.
    assert window.indicator.presence is not Presence.CONNECTED
    assert window.notice_bar.isVisible()
    assert window.notice_bar.text().startswith("You are not signed in.")
    assert window.notice_bar.button.text() == NoticeAction.SIGN_IN.value
    assert window.sign_in_action.isEnabled()  # File → Sign in…
    assert window.composer.hasFocus() or window.composer.isEnabled()

    driver.call(window.notice_bar.button.click)
    sign_in_as_a_person(driver, window)
    driver.wait_until(lambda: window.indicator.presence is Presence.CONNECTED)
    driver.wait_until(lambda: not window.notice_bar.isVisible())
    assert not window.sign_in_action.isEnabled()
    assert window.indicator.attention is None


def test_a_session_that_ends_turns_connected_amber_and_holds_the_messages(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory
) -> None:
    window = make_window()
    conversation = demo.create_conversation()
    open_connected(driver, window, conversation)
    driver.wait_until(lambda: window.indicator.attention is None)
    green = f"color: {current_colours().success}"
    assert green in window.indicator.styleSheet()

    demo.expire_sessions()
    driver.call(window.controller.reload)  # any request now finds the session ended
    driver.wait_until(lambda: window.indicator.attention == "not signed in")
    assert window.indicator.text().endswith("Connected — not signed in")
    assert f"color: {current_colours().warning}" in window.indicator.styleSheet()
    driver.wait_until(lambda: window.sign_in_dialog is not None)
    assert window.sign_in_dialog is not None
    driver.call(window.sign_in_dialog.reject)

    window.composer.setPlainText("written after the session ended")
    driver.call(window.on_send)
    driver.wait_until(lambda: "1 waiting message" in window.notice_bar.text())
    assert window.notice_bar.text().startswith("Your session has ended.")
    assert [m["role"] for m in demo.history(conversation)] == []


def test_the_sign_in_dialog_grows_for_its_error_line(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory
) -> None:
    window = make_window(signed_in=False)
    driver.call(window.on_sign_in_requested)
    dialog = window.sign_in_dialog
    assert dialog is not None
    driver.wait_until(dialog.isVisible)
    field_height = dialog.email.height()
    dialog.email.setText(DEMO_EMAIL)
    dialog.password.setText("wrong")
    driver.call(QTest.keyClick, dialog.password, Qt.Key.Key_Return)
    driver.wait_until(dialog.error.isVisible)
    driver.wait_until(lambda: dialog.height() >= dialog.sizeHint().height())
    assert dialog.email.height() >= field_height  # not squashed to make room
    assert dialog.password.height() >= field_height
    assert dialog.error.height() >= dialog.error.heightForWidth(dialog.error.width())
    driver.call(dialog.reject)
    assert dialog.result() == QDialog.DialogCode.Rejected


@pytest.mark.parametrize("documents", [False, True])
def test_the_summary_is_suggested_in_documents_or_else_the_home_folder(
    documents: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    if documents:
        (tmp_path / "Documents").mkdir()
    suggested = _suggested_summary_path("0f1e2d3c-aaaa-4bbb-8ccc-123456789abc")
    assert suggested.parent == (tmp_path / "Documents" if documents else tmp_path)
    assert suggested.name == "SDM summary 0f1e2d3c.pdf"
