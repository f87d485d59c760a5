"""The status bar's connection indicator: both sockets' state in words and colour."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLabel, QToolTip, QWidget

from desktop_app.core.presence import Presence, Summary, summarize
from desktop_app.ui.appearance import current_colours, follow_palette, set_style_sheet
from desktop_app.ui.bridge import SessionBridge
from desktop_app.ui.plain_text import tooltip

#: The colour of each state, a field of core.contrast.Colours: the scheme's value
#: (text is always there too: colour is never the only signal).
TONES = {
    Presence.CONNECTED: "success",
    Presence.IDLE: "muted",
    Presence.CONNECTING: "warning",
    Presence.RECONNECTING: "warning",
    Presence.OFFLINE: "muted",
    Presence.FAILED: "error",
}

#: "Connected", but not everything is well (not signed in, messages waiting).
ATTENTION_TONE = "warning"

REFRESH_MS = 250  # the countdown shows whole seconds; four refreshes a second keep it exact


class ConnectionIndicator(QLabel):
    """Shows the combined state of the sockets; click or hover for each socket's details.

    It reads the sockets' state from the bridge (snapshots) on every change of state,
    on every pong (a new latency) and, only while a retry counts down ("Reconnecting
    in 4 s", or "Connection failed — … · trying again in 24 s" once the attempts are
    used up), on a timer: it keeps no copy of the connection state, and an idle window
    never wakes for it.
    """

    presence_changed = Signal(object)  # Presence

    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._presence: Presence | None = None
        self.summary = summarize(bridge.snapshots(), translate=QCoreApplication.translate)
        self.setObjectName("connectionIndicator")
        self.setAccessibleName(self.tr("Connection status"))
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.attention: str | None = None  # what qualifies "Connected" (set_attention)
        self._timer = QTimer(self)  # started by refresh() while a countdown is shown
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        bridge.state_changed.connect(self.on_state_changed)
        bridge.latency_changed.connect(self.on_latency_changed)
        bridge.ended.connect(self._timer.stop)
        self.tone = TONES[self.summary.presence]  # the colour's name (core.contrast.Colours)
        self.refresh()
        follow_palette(self, self._colour)  # a new scheme: the same state in its colour

    @property
    def presence(self) -> Presence:
        return self.summary.presence

    @property
    def counting_down(self) -> bool:
        """Whether the timer runs: a retry is scheduled, so the text changes by itself."""
        return self._timer.isActive()

    def on_state_changed(self, _name: str, _state: object) -> None:
        self.refresh()

    def on_latency_changed(self, _name: str) -> None:
        self.refresh()

    def refresh(self) -> None:
        snapshots = self._bridge.snapshots()
        if any(s.retry_in_s is not None for s in snapshots) and not self._bridge.closed:
            if not self._timer.isActive():
                self._timer.start()
        else:
            self._timer.stop()
        summary = summarize(snapshots, translate=QCoreApplication.translate)
        if summary == self.summary and self._presence is not None:
            return
        self.summary = summary
        self._show(summary)
        if summary.presence is not self._presence:
            self._presence = summary.presence
            self.presence_changed.emit(summary.presence)

    def set_attention(self, attention: str | None) -> None:
        """Qualify "Connected" (not signed in, messages waiting): amber, never plain green."""
        if attention != self.attention:
            self.attention = attention
            self._show(self.summary)

    def _show(self, summary: Summary) -> None:
        text, self.tone = summary.text, TONES[summary.presence]
        if summary.presence is Presence.CONNECTED and self.attention is not None:
            #: The status line ("Connected"), then what qualifies it ("not signed in").
            text = self.tr("{status} — {attention}").format(status=text, attention=self.attention)
            self.tone = ATTENTION_TONE
        self.setText(f"● {text}")
        self._colour()
        self.setToolTip(tooltip(summary.details))  # details hold the server's close reason
        self.setAccessibleDescription(text)
        state = self._state_words(summary.presence)
        if summary.presence is Presence.CONNECTED and self.attention is not None:
            state = self.tr("{state}, {attention}").format(state=state, attention=self.attention)
        name = self.tr("Connection status: {state}").format(state=state)
        if self.accessibleName() != name:
            self.setAccessibleName(name)

    def _state_words(self, presence: Presence) -> str:
        """The state in a word or two, for the accessible name: it changes with the state,
        never with a countdown's tick (the description has the whole line)."""
        return {
            Presence.CONNECTED: self.tr("Connected"),
            Presence.IDLE: self.tr("Not connected"),
            Presence.CONNECTING: self.tr("Connecting"),
            Presence.RECONNECTING: self.tr("Reconnecting"),
            Presence.OFFLINE: self.tr("Offline"),
            Presence.FAILED: self.tr("Connection failed"),
        }[presence]

    def _colour(self) -> None:
        colour = getattr(current_colours(), self.tone)
        set_style_sheet(self, f"QLabel#connectionIndicator {{ color: {colour}; }}")

    def mousePressEvent(self, event: QMouseEvent) -> None:
        details = tooltip(self.summary.details)
        QToolTip.showText(event.globalPosition().toPoint(), details, self)
        super().mousePressEvent(event)
