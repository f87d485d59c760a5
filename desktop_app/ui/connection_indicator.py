"""The status bar's connection indicator: both sockets' state in words and colour."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLabel, QToolTip, QWidget

from desktop_app.core.presence import Presence, Summary, summarize
from desktop_app.net.manager import WebSocketManager

#: Colour of each state (text is always there too: colour is never the only signal).
COLOURS = {
    Presence.CONNECTED: "#1b7f3b",
    Presence.IDLE: "#5f6368",
    Presence.CONNECTING: "#9a6700",
    Presence.RECONNECTING: "#9a6700",
    Presence.OFFLINE: "#5f6368",
    Presence.FAILED: "#b3261e",
}

REFRESH_MS = 250  # the countdown shows whole seconds; four refreshes a second keep it exact


class ConnectionIndicator(QLabel):
    """Shows the combined state of the managers; click or hover for each socket's details.

    It reads the managers' own state (snapshots) on every change and on a timer
    for the countdown: it keeps no copy of the connection state.
    """

    presence_changed = Signal(object)  # Presence

    def __init__(
        self, managers: Sequence[tuple[str, WebSocketManager]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._managers = list(managers)
        self._presence: Presence | None = None
        self.summary = summarize([m.snapshot(name) for name, m in self._managers])
        self.setObjectName("connectionIndicator")
        self.setAccessibleName("Connection status")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._unsubscribes = [
            m.on_state_change(lambda _s: self.refresh()) for _, m in self._managers
        ]
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    @property
    def presence(self) -> Presence:
        return self.summary.presence

    def refresh(self) -> None:
        summary = summarize([m.snapshot(name) for name, m in self._managers])
        if summary == self.summary and self._presence is not None:
            return
        self.summary = summary
        self._show(summary)
        if summary.presence is not self._presence:
            self._presence = summary.presence
            self.presence_changed.emit(summary.presence)

    def detach(self) -> None:
        """Stop following the managers (before they are replaced or the window closes)."""
        self._timer.stop()
        for unsubscribe in self._unsubscribes:
            unsubscribe()
        self._unsubscribes.clear()

    def _show(self, summary: Summary) -> None:
        self.setText(f"● {summary.text}")
        self.setStyleSheet(f"QLabel#connectionIndicator {{ color: {COLOURS[summary.presence]}; }}")
        self.setToolTip(summary.details)
        self.setAccessibleDescription(summary.text)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        QToolTip.showText(event.globalPosition().toPoint(), self.summary.details, self)
        super().mousePressEvent(event)
