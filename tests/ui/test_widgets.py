"""The window's pieces on their own: composer, AI status, network source, settings."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtNetwork import QNetworkInformation
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from desktop_app.core.presence import Presence
from desktop_app.net.chat import ChatWebSocketManager
from desktop_app.net.status import StatusWebSocketManager
from desktop_app.ui.ai_status_banner import EXTRACTING, SUMMARIZING, THINKING, AiStatusBanner
from desktop_app.ui.composer import Composer
from desktop_app.ui.connection_indicator import ConnectionIndicator
from desktop_app.ui.network import ManualNetworkSource, SystemNetworkSource, drive_managers
from desktop_app.ui.plain_text import tooltip
from desktop_app.ui.reconnect_button import ReconnectButton
from desktop_app.ui.settings import Settings

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


def test_ai_status_banner_follows_the_status_flags(qtbot: QtBot) -> None:
    status = StatusWebSocketManager("http://127.0.0.1:9")
    banner = AiStatusBanner(status)
    qtbot.addWidget(banner)
    banner.show()
    banner.refresh()
    assert not banner.isVisible()  # nothing to say

    status._tracker._thinking_until = 1e18  # as after thinking_start
    banner.refresh()
    assert banner.label.text() == THINKING
    status._tracker._thinking_until = None
    status._tracker._extracting_until = 1e18
    banner.refresh()
    assert banner.label.text() == EXTRACTING
    status._tracker._extracting_until = None
    banner.on_status_event({"type": "extraction_complete", "summary_triggered": True})
    status._tracker.is_summary_generating = True
    banner.refresh()
    assert banner.label.text() == SUMMARIZING
    assert not banner.download_button.isVisible()

    status._tracker.is_summary_generating = False
    banner.on_status_event({"type": "summary_complete"})
    assert banner.download_button.isVisible()
    with qtbot.waitSignal(banner.download_requested):
        QTest.mouseClick(banner.download_button, Qt.MouseButton.LeftButton)


def test_indicator_and_reconnect_button_before_any_conversation(qtbot: QtBot) -> None:
    chat = ChatWebSocketManager("http://127.0.0.1:9")
    status = StatusWebSocketManager("http://127.0.0.1:9")
    indicator = ConnectionIndicator([("Chat", chat), ("Status", status)])
    button = ReconnectButton([chat, status])
    indicator.presence_changed.connect(button.on_presence_changed)
    qtbot.addWidget(indicator)
    qtbot.addWidget(button)
    assert indicator.text() == "● Not connected"
    assert indicator.toolTip() == tooltip("Chat: idle\nStatus: idle")  # escaped: plain text
    assert indicator.accessibleName() == "Connection status"
    assert indicator.presence is Presence.IDLE
    assert not button.isVisibleTo(button.parentWidget() or button)
    indicator.detach()


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
