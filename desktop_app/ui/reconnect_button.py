"""The status bar's Reconnect button: shown whenever a socket is not connected."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtWidgets import QPushButton, QWidget

from desktop_app.core.presence import Presence
from desktop_app.net.manager import WebSocketManager

logger = logging.getLogger("desktop_app.ui")


class ReconnectButton(QPushButton):
    """Cancels the backoff wait of every manager and connects now."""

    def __init__(self, managers: Sequence[WebSocketManager], parent: QWidget | None = None) -> None:
        super().__init__("&Reconnect", parent)
        self._managers = list(managers)
        self.setToolTip("Try to connect now instead of waiting (Alt+R)")
        self.clicked.connect(self.on_reconnect_clicked)
        self.setVisible(False)

    def on_presence_changed(self, presence: Presence) -> None:
        # Nothing to reconnect before a conversation is open (IDLE) or while connected.
        self.setVisible(presence not in (Presence.CONNECTED, Presence.IDLE))

    def on_reconnect_clicked(self) -> None:
        logger.info("Reconnect clicked")
        for manager in self._managers:
            manager.reconnect_now()
