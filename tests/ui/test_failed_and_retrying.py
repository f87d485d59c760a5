"""Issue 13, B3: after its attempts the status bar says "Connection failed", when the
app tries again by itself, and still offers Reconnect."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop_app.core.machine import ConnectionState
from desktop_app.core.presence import Presence
from desktop_app.net.chat import ChatWebSocketManager
from desktop_app.net.status import StatusWebSocketManager
from desktop_app.ui.bridge import SessionBridge
from desktop_app.ui.connection_indicator import ConnectionIndicator
from desktop_app.ui.reconnect_button import ReconnectButton
from tests.net.conftest import FAST
from tests.ui.conftest import LoopDriver

CONVERSATION = "2f67d6e4-0982-4e92-8e2b-dc03d250ce9f"


@pytest.fixture
def refused(driver: LoopDriver) -> Iterator[tuple[ChatWebSocketManager, StatusWebSocketManager]]:
    """Managers that use up their (no) attempts at the first refusal, then try every
    30 s exactly (no jitter): a bound port nobody listens on."""
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{bound.getsockname()[1]}"
        options = {
            **FAST,
            "max_reconnect_attempts": 0,
            "max_reconnect_delay": 30.0,
            "jitter": False,
        }
        chat = ChatWebSocketManager(url, **options)
        status = StatusWebSocketManager(url, **options)
        yield chat, status
        driver.run(chat.aclose())
        driver.run(status.aclose())


def test_failed_counts_down_to_the_next_try_and_offers_reconnect(
    driver: LoopDriver,
    qtbot: QtBot,
    refused: tuple[ChatWebSocketManager, StatusWebSocketManager],
) -> None:
    chat, status = refused
    bridge = SessionBridge(chat, status)
    bar = QWidget()
    qtbot.addWidget(bar)
    indicator = ConnectionIndicator(bridge, bar)
    button = ReconnectButton(bar)
    indicator.presence_changed.connect(button.on_presence_changed)
    button.on_presence_changed(indicator.presence)
    bar.show()

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
