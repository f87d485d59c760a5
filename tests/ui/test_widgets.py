"""The window's pieces on their own: composer, AI status, status bar, bridge, network, settings."""

from __future__ import annotations

import contextlib
import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QSettings, Qt
from PySide6.QtNetwork import QNetworkInformation
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop_app.core.machine import ConnectionState
from desktop_app.core.presence import Presence
from desktop_app.net.chat import ChatWebSocketManager
from desktop_app.net.status import StatusWebSocketManager
from desktop_app.ui.ai_status_banner import (
    EXTRACTING,
    SUMMARIZING,
    SUMMARY_READY,
    THINKING,
    AiStatusBanner,
)
from desktop_app.ui.bridge import AssistantStatus, SessionBridge
from desktop_app.ui.composer import Composer
from desktop_app.ui.connection_indicator import ConnectionIndicator
from desktop_app.ui.network import ManualNetworkSource, SystemNetworkSource, drive_managers
from desktop_app.ui.plain_text import tooltip
from desktop_app.ui.reconnect_button import ReconnectButton
from desktop_app.ui.settings import Settings
from tests.net.conftest import FAST
from tests.ui.conftest import LoopDriver

CONVERSATION = "2f67d6e4-0982-4e92-8e2b-dc03d250ce9f"


def test_enter_submits_and_shift_enter_adds_a_line(qtbot: QtBot) -> None:
    composer = Composer()
    qtbot.addWidget(composer)
    submitted: list[str] = []
    composer.submit_requested.connect(lambda: submitted.append(composer.text()))

    QTest.keyClicks(composer, "first line")
    QTest.keyClick(composer, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClicks(composer, "second")
    assert composer.text() == "first line\nsecond"
    QTest.keyClick(composer, Qt.Key.Key_Return)
    assert submitted == ["first line\nsecond"]
    assert composer.text() == "first line\nsecond"  # the window clears it once it is sent

    composer.clear()
    QTest.keyClick(composer, Qt.Key.Key_Enter)  # an empty message is not submitted
    assert submitted == ["first line\nsecond"]


@contextlib.contextmanager
def refusing_pair(
    driver: LoopDriver, **options: Any
) -> Iterator[tuple[ChatWebSocketManager, StatusWebSocketManager]]:
    """A chat and a status manager whose server refuses every connection (a bound port
    nobody listens on), closed at the end."""
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{bound.getsockname()[1]}"
        chat = ChatWebSocketManager(url, **{**FAST, **options})
        status = StatusWebSocketManager(url, **{**FAST, **options})
        yield chat, status
        driver.run(chat.aclose())
        driver.run(status.aclose())


@pytest.fixture
def unreachable(
    driver: LoopDriver,
) -> Iterator[tuple[ChatWebSocketManager, StatusWebSocketManager]]:
    with refusing_pair(driver, max_reconnect_delay=30.0, reconnect_delay=30.0) as pair:
        yield pair


@pytest.fixture
def refused(driver: LoopDriver) -> Iterator[tuple[ChatWebSocketManager, StatusWebSocketManager]]:
    """Managers that use up their (no) attempts at the first refusal, then try every
    30 s exactly (no jitter)."""
    with refusing_pair(
        driver, max_reconnect_attempts=0, max_reconnect_delay=30.0, jitter=False
    ) as pair:
        yield pair


def status_bar(
    qtbot: QtBot, bridge: SessionBridge
) -> tuple[QWidget, ConnectionIndicator, ReconnectButton]:
    """A bar with the status bar's indicator and Reconnect button on ``bridge``, shown
    (the caller keeps the bar: its children live as long as it does)."""
    bar = QWidget()
    qtbot.addWidget(bar)
    indicator = ConnectionIndicator(bridge, bar)
    button = ReconnectButton(bar)
    indicator.presence_changed.connect(button.on_presence_changed)
    button.on_presence_changed(indicator.presence)
    bar.show()
    return bar, indicator, button


def test_ai_status_banner_shows_what_the_bridge_reports(
    qtbot: QtBot, unreachable: tuple[ChatWebSocketManager, StatusWebSocketManager]
) -> None:
    bridge = SessionBridge(*unreachable)
    window = QWidget()  # the banner shows and hides itself inside a window
    qtbot.addWidget(window)
    banner = AiStatusBanner(bridge, window)
    window.show()
    assert not banner.isVisible()  # nothing to say

    bridge.assistant_changed.emit(AssistantStatus(thinking=True))
    assert banner.isVisible()
    assert banner.label.text() == THINKING
    bridge.assistant_changed.emit(AssistantStatus(thinking=True, extracting=True))
    assert banner.label.text() == THINKING  # the reply comes first
    bridge.assistant_changed.emit(AssistantStatus(extracting=True))
    assert banner.label.text() == EXTRACTING
    bridge.assistant_changed.emit(AssistantStatus(extracting=True, summary_generating=True))
    bridge.status_event.emit({"type": "extraction_complete", "summary_triggered": True})
    assert banner.label.text() == SUMMARIZING
    assert not banner.download_button.isVisible()

    bridge.assistant_changed.emit(AssistantStatus())
    bridge.status_event.emit({"type": "summary_complete"})
    assert banner.label.text() == SUMMARY_READY
    assert banner.download_button.isVisible()
    with qtbot.waitSignal(banner.download_requested):
        QTest.mouseClick(banner.download_button, Qt.MouseButton.LeftButton)

    # A new summary under way hides the old one's download.
    bridge.status_event.emit({"type": "extraction_complete", "summary_triggered": True})
    assert not banner.download_button.isVisible()
    assert not banner.isVisible()


def test_indicator_and_reconnect_button_follow_the_sockets(
    driver: LoopDriver,
    qtbot: QtBot,
    unreachable: tuple[ChatWebSocketManager, StatusWebSocketManager],
) -> None:
    chat, status = unreachable
    bridge = SessionBridge(chat, status)
    _bar, indicator, button = status_bar(qtbot, bridge)
    assert indicator.text() == "● Not connected"
    assert indicator.toolTip() == tooltip("Chat: idle\nStatus: idle")  # escaped: plain text
    # The state is in the name (a reader says it with the label), the countdown is not.
    assert indicator.accessibleName() == "Connection status: Not connected"
    assert indicator.presence is Presence.IDLE
    assert not button.isVisible()  # nothing to reconnect before a conversation is open

    # The server refuses: the chat socket waits 30 s before its next attempt.
    driver.call(chat.connect, CONVERSATION)
    driver.wait_until(lambda: indicator.presence is Presence.RECONNECTING)
    assert indicator.text().startswith("● Reconnecting in ")
    assert indicator.accessibleName() == "Connection status: Reconnecting"
    assert indicator.counting_down
    assert button.isVisible()

    driver.call(chat.disconnect)
    driver.wait_until(lambda: indicator.presence is Presence.IDLE)
    # In a list: mypy would keep the properties narrowed to True from above.
    assert [indicator.counting_down, button.isVisible()] == [False, False]


def test_the_bridge_subscribes_once_and_unsubscribes_in_one_place(
    driver: LoopDriver,
    qtbot: QtBot,
    unreachable: tuple[ChatWebSocketManager, StatusWebSocketManager],
) -> None:
    chat, status = unreachable
    before = (chat.listener_count, status.listener_count, status.status_listener_count)
    bridge = SessionBridge(chat, status)
    banner = AiStatusBanner(bridge)
    qtbot.addWidget(banner)
    indicator = ConnectionIndicator(bridge)  # deleted below, so not left to qtbot
    # Frames and connection events of each socket, status events: once, whatever listens.
    assert (chat.listener_count, status.listener_count, status.status_listener_count) == (
        before[0] + 2,
        before[1] + 2,
        before[2] + 1,
    )
    states: list[tuple[str, ConnectionState]] = []
    bridge.state_changed.connect(lambda name, state: states.append((name, state)))

    # A widget that dies is disconnected by Qt: the next signal does not reach it.
    shiboken6.delete(indicator)
    driver.call(chat.connect, CONVERSATION)
    driver.wait_until(lambda: ("Chat", ConnectionState.RECONNECTING) in states)

    with qtbot.waitSignal(bridge.ended):
        bridge.close()
    assert (chat.listener_count, status.listener_count, status.status_listener_count) == before
    with qtbot.assertNotEmitted(bridge.ended):
        bridge.close()  # once is enough
    states.clear()
    driver.call(chat.reconnect_now)
    driver.wait_until(lambda: chat.state is ConnectionState.RECONNECTING and chat.retry_in)
    assert states == []  # the session ended: the managers are not heard any more


def test_manual_network_source_drives_the_managers(qtbot: QtBot) -> None:
    source = ManualNetworkSource()
    chat = ChatWebSocketManager("http://127.0.0.1:9")
    drive_managers(source, [chat])
    assert chat.network_available
    with qtbot.waitSignal(source.online_changed) as signal:
        source.set_online(False)
    assert signal.args == [False]
    assert [chat.network_available] == [False]  # in a list: mypy would narrow the property for good
    source.set_online(False)  # no change, no signal
    source.set_online(True)
    assert chat.network_available


def test_system_network_source_uses_a_backend_or_says_there_is_none(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    source = SystemNetworkSource()
    assert source.backend in QNetworkInformation.availableBackends() or source.backend == "none"

    monkeypatch.setattr(QNetworkInformation, "loadBackendByFeatures", lambda _features: False)
    caplog.set_level(logging.WARNING)
    without = SystemNetworkSource()
    assert without.backend == "none"
    assert without.is_online()
    assert "No network-information backend" in caplog.text


def test_settings_remember_conversations_and_ignore_broken_values(tmp_path: Path) -> None:
    qsettings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings = Settings(qsettings)
    assert settings.last_server() is None
    assert settings.last_conversation("https://a.example") is None
    settings.set_last_server("https://a.example")
    settings.remember_conversation("https://a.example", CONVERSATION, "Knee")
    assert settings.last_server() == "https://a.example"
    assert settings.last_conversation("https://a.example") == CONVERSATION
    assert settings.conversations("https://b.example") == []

    qsettings.setValue("conversations/https:||a.example", '[{"id": "not-a-uuid"}]')
    assert settings.conversations("https://a.example") == []
    qsettings.setValue("conversations/https:||a.example", "{not json")
    assert settings.conversations("https://a.example") == []


# Issue 13, B3: after its attempts the status bar says "Connection failed", when the
# app tries again by itself, and still offers Reconnect.
def test_failed_counts_down_to_the_next_try_and_offers_reconnect(
    driver: LoopDriver,
    qtbot: QtBot,
    refused: tuple[ChatWebSocketManager, StatusWebSocketManager],
) -> None:
    chat, status = refused
    bridge = SessionBridge(chat, status)
    _bar, indicator, button = status_bar(qtbot, bridge)

    driver.call(chat.connect, CONVERSATION)
    driver.wait_until(lambda: indicator.presence is Presence.FAILED)

    assert chat.state is ConnectionState.FAILED
    assert chat.retry_in is not None
    text, _, seconds = indicator.text().rpartition(" · trying again in ")
    assert text == "● Connection failed — the server is not accepting connections"
    assert 1 <= int(seconds.removesuffix(" s")) <= 30  # 30 s at first, then counting down
    assert indicator.counting_down  # the seconds go down by themselves
    assert button.isVisible()  # "try now" stays offered

    driver.call(chat.disconnect)
    driver.wait_until(lambda: indicator.presence is Presence.IDLE)
    assert [indicator.counting_down, button.isVisible()] == [False, False]
