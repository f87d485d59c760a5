"""The status bar's Reconnect button: shown whenever a socket is not connected."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QWidget

from desktop_app.core.presence import Presence


class ReconnectButton(QPushButton):
    """Asks to connect now instead of waiting; the window connects ``clicked`` to it.

    Also after "Connection failed": the app then tries again by itself every
    ``max_reconnect_delay_s`` (unless the server refused for good), and this skips the wait.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Each language picks its own accelerator: "&Reconnect" is "&Neu verbinden".
        self.setText(self.tr("&Reconnect"))
        #: The shortcut in the brackets is the one the button's "&" makes.
        self.setToolTip(self.tr("Try to connect now instead of waiting (Alt+R)"))
        self.setVisible(False)

    def on_presence_changed(self, presence: Presence) -> None:
        # Nothing to reconnect before a conversation is open (IDLE) or while connected.
        self.setVisible(presence not in (Presence.CONNECTED, Presence.IDLE))
