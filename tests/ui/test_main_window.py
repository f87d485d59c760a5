"""The window against the demo server: chat, connection status, network, sign-in, summary."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.core.presence import Presence
from desktop_app.demo.server import DEMO_EMAIL, DEMO_PASSWORD, DemoConfig, DemoServer
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.network import ManualNetworkSource
from desktop_app.ui.plain_text import tooltip
from desktop_app.ui.transcript import TranscriptModel
from tests.ui.conftest import LoopDriver, open_connected, type_file_name

WindowFactory = Callable[..., MainWindow]


def contents(model: TranscriptModel) -> list[tuple[str, str]]:
    return [(e.role.value, e.content) for e in model.entries()]


def send(driver: LoopDriver, window: MainWindow, qtbot: QtBot, text: str) -> None:
    window.composer.setPlainText(text)
    # Inside the loop: Qt events processed outside it would run asyncio callbacks
    # with no running loop.
    driver.call(qtbot.keyClick, window.composer, Qt.Key.Key_Return)
    if window.sending is not None:  # the composer lets go once the outbox has it on disk
        driver.run(window.sending)


def test_a_sent_message_appears_with_its_echo_and_the_reply(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window()
    open_connected(driver, window, demo.create_conversation())
    assert window.indicator.text().startswith("● Connected")
    assert window.composer.isEnabled()
    assert not window.reconnect_button.isVisible()

    send(driver, window, qtbot, "Should I have the operation?")
    assert window.composer.text() == ""  # taken
    driver.wait_until(lambda: len(window.transcript.entries()) == 2)

    entries = window.transcript.entries()
    assert contents(window.transcript)[0] == ("user", "Should I have the operation?")
    assert entries[1].role.value == "bot"
    assert entries[1].citations[0].url.startswith("https://")
    assert window.composer.hasFocus() or not QApplication.focusWidget()


def test_server_outage_shows_a_countdown_and_keeps_the_composer(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory
) -> None:
    window = make_window(
        reconnect_delay=2.0, max_reconnect_delay=4.0, max_reconnect_attempts=None, jitter=False
    )
    open_connected(driver, window, demo.create_conversation())
    assert not window.indicator.counting_down  # an idle window has no timer running

    driver.run(demo.stop())
    driver.wait_until(lambda: window.indicator.presence is Presence.RECONNECTING)
    assert window.indicator.text().startswith("● Reconnecting in ")
    assert "(attempt 1)" in window.indicator.text()
    assert window.composer.isEnabled()  # messages wait in the outbox
    assert window.reconnect_button.isVisible()
    # In a list: mypy would narrow the property for good.
    assert [window.indicator.counting_down] == [True]
    first = window.indicator.text()
    driver.wait_until(lambda: window.indicator.text() != first, timeout=3)  # it counts down

    driver.run(demo.start())
    driver.wait_until(lambda: window.indicator.presence is Presence.CONNECTED)
    assert window.composer.isEnabled()
    assert not window.reconnect_button.isVisible()
    assert not window.indicator.counting_down


def test_reconnect_button_reconnects_before_the_timer(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window(reconnect_delay=30.0, max_reconnect_delay=60.0, jitter=False)
    open_connected(driver, window, demo.create_conversation())
    driver.run(demo.stop())
    driver.wait_until(lambda: window.indicator.presence is Presence.RECONNECTING)
    assert "Reconnecting in 30 s" in window.indicator.text()
    driver.run(demo.start())

    driver.call(qtbot.mouseClick, window.reconnect_button, Qt.MouseButton.LeftButton)
    driver.wait_until(lambda: window.indicator.presence is Presence.CONNECTED, timeout=10)


def test_network_offline_shows_offline_and_back_online_reconnects(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory
) -> None:
    window = make_window(reconnect_delay=30.0, max_reconnect_delay=60.0)
    open_connected(driver, window, demo.create_conversation())
    network = window.services.network
    assert isinstance(network, ManualNetworkSource)

    network.set_online(False)
    driver.wait_until(lambda: window.indicator.presence is Presence.OFFLINE)
    assert window.indicator.text() == "● Offline — waiting for the network"
    assert window.composer.isEnabled()

    network.set_online(True)  # no 30 s backoff wait
    driver.wait_until(lambda: window.indicator.presence is Presence.CONNECTED, timeout=10)


def test_sign_in_with_a_wrong_then_the_right_password(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window(signed_in=False)
    conversation = demo.create_conversation()
    driver.call(window.open_conversation, conversation)
    driver.wait_until(lambda: getattr(window, "sign_in_dialog", None) is not None)
    dialog = window.sign_in_dialog
    assert dialog is not None
    driver.wait_until(dialog.isVisible)
    # Without a session nothing connects: an anonymous socket's messages would be
    # stored as "Anonymous".
    assert window.services.chat.state.value == "idle"
    assert "not signed in" in window.notice_bar.text()
    assert DEMO_EMAIL in dialog.findChild(QWidget, "demoAccountHint").text()  # type: ignore[union-attr]

    dialog.email.setText(DEMO_EMAIL)
    dialog.password.setText("not the password")
    driver.call(qtbot.keyClick, dialog.password, Qt.Key.Key_Return)
    driver.wait_until(dialog.error.isVisible)
    assert "Wrong email or password" in dialog.error.text()
    assert dialog.password.text() == ""
    assert dialog.isVisible()

    dialog.password.setText(DEMO_PASSWORD)
    driver.call(qtbot.keyClick, dialog.password, Qt.Key.Key_Return)
    driver.wait_until(lambda: not dialog.isVisible())
    assert window.services.client.is_signed_in
    # The sockets open now, carrying the session...
    driver.wait_until(lambda: window.indicator.presence is Presence.CONNECTED)
    handshake = window.services.chat.handshake
    assert handshake is not None
    assert handshake.cookies == window.services.client.websocket_cookies()
    window.composer.setPlainText("hello")
    driver.call(window.on_send)
    driver.wait_until(lambda: window.transcript.entries())  # on disk, then shown
    assert window.transcript.entries()[0].name == "You"  # queued
    # ...and the server stores it under the signed-in user: still "You" on screen,
    # echoed and after a reload (the name the server uses is remembered).
    driver.wait_until(lambda: [m["name"] for m in demo.history(conversation)] == ["Demo User"])
    driver.wait_until(lambda: window.controller.own_name == "Demo User")
    assert window.transcript.entries()[0].name == "You"
    assert window.services.settings.own_name("test") == "Demo User"
    driver.call(window.controller.reload)
    driver.wait_until(lambda: len(window.transcript.entries()) == 2)  # with the reply
    assert window.transcript.entries()[0].name == "You"


def test_summary_download_saves_a_pdf(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory, qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window()
    open_connected(driver, window, demo.create_conversation())
    send(driver, window, qtbot, "Please write my summary")
    driver.wait_until(window.ai_status.download_button.isVisible)

    driver.call(qtbot.mouseClick, window.ai_status.download_button, Qt.MouseButton.LeftButton)
    saved = tmp_path / "summary.pdf"
    driver.wait_until(lambda: window.save_dialog.isVisible())
    type_file_name(driver, window.save_dialog, saved)
    driver.wait_until(lambda: getattr(window, "summary_saved_box", None) is not None)
    assert saved.read_bytes().startswith(b"%PDF")
    box = window.summary_saved_box
    driver.call(box.button(QMessageBox.StandardButton.Open).click)
    assert window.opened_urls == [QUrl.fromLocalFile(str(saved))]  # type: ignore[attr-defined]


def test_switching_conversations_loads_history(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window()
    first, second = demo.create_conversation("First"), demo.create_conversation("Second")
    open_connected(driver, window, first, "First")
    send(driver, window, qtbot, "in the first conversation")
    driver.wait_until(lambda: len(window.transcript.entries()) == 2)

    driver.call(window.open_conversation, second, "Second")
    driver.wait_until(lambda: window.services.chat.current_conversation_id == second)
    assert window.transcript.entries() == []
    assert window.conversations.ids()[:2] == [second, first]

    driver.call(window.open_conversation, first)
    driver.wait_until(lambda: len(window.transcript.entries()) == 2)
    assert contents(window.transcript)[0] == ("user", "in the first conversation")
    assert window.services.status.current_conversation_id == first


def test_new_conversation_is_created_on_the_server_and_opened(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window()
    driver.call(qtbot.mouseClick, window.conversations.new_button, Qt.MouseButton.LeftButton)
    driver.wait_until(lambda: window.conversation_id is not None)
    conversation = window.conversation_id
    assert conversation is not None
    assert demo.history(conversation) == []  # it exists on the server
    assert window.conversations.ids() == [conversation]
    driver.wait_until(lambda: window.indicator.presence is Presence.CONNECTED)
    assert window.services.chat.current_conversation_id == conversation


@pytest.mark.parametrize("demo_config", [DemoConfig(reply_delay_s=30.0)])  # a slow assistant
def test_thinking_shows_while_the_assistant_works_and_clears_on_disconnect(
    driver: LoopDriver, make_window: WindowFactory, demo: DemoServer, qtbot: QtBot
) -> None:
    from desktop_app.ui.ai_status_banner import THINKING

    window = make_window(max_reconnect_attempts=None)
    open_connected(driver, window, demo.create_conversation())
    send(driver, window, qtbot, "A hard question")
    driver.wait_until(lambda: window.ai_status.label.text() == THINKING)
    assert window.ai_status.isVisible()

    driver.run(demo.stop(abort=True))
    driver.wait_until(lambda: not window.services.status.is_thinking)
    assert window.ai_status.label.text() != THINKING


def test_indicator_shows_latency_and_details_per_socket(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory
) -> None:
    window = make_window(ping_interval=0.1)
    conversation = demo.create_conversation()
    driver.call(window.open_conversation, conversation)
    driver.wait_until(lambda: " ms" in window.indicator.text())
    assert window.indicator.text().startswith("● Connected · ")
    assert window.indicator.toolTip() == tooltip(window.indicator.summary.details)
    details = window.indicator.summary.details.splitlines()
    assert details[0].startswith("Chat: open")
    assert details[1].startswith("Status: open")
    assert "latency" in details[0]


def test_help_menu_opens_the_connection_diagnostics(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory
) -> None:
    window = make_window()
    conversation = demo.create_conversation()
    open_connected(driver, window, conversation)
    driver.call(window.diagnostics_action.trigger)
    dialog = window.diagnostics
    assert dialog is not None
    driver.wait_until(lambda: conversation in dialog.as_text())
    assert "State: open" in dialog.as_text()
    assert "Sign-in: signed in" in dialog.as_text()
    assert "Kept in: not kept (signed in at each start)" in dialog.as_text()
    assert "sessionid" not in dialog.as_text()
    assert [kind for _, kind in ((n, e["type"]) for n, e in window.connection_log.entries())] == [
        "connection_established",
        "connection_established",
    ]
