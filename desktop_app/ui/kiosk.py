"""Kiosk mode's own pieces: one conversation, full screen, unattended, never a dead end.

On a clinic's kiosk nobody is there to press Reconnect or to restart the app,
and a visitor must not close it by accident. The window is built for that
from the start (:meth:`desktop_app.ui.main_window.WindowChrome.kiosk_mode`:
no window frame, menus or conversation list; full screen; closing and Ctrl+Q
do nothing) and adds :class:`KioskMode`, the pieces kept here:

- a large banner says what is wrong with the connection and that typed
  messages are kept (:func:`desktop_app.core.presence.banner_text`);
- a socket that failed for good (refused, say) is started again after
  ``retry_failed_after_s`` by a :class:`FailureWatchdog`; retryable losses are
  retried forever by the managers themselves (the config's kiosk rules);
- an administrator leaves with the configured key sequence.

Nothing here touches a window: the pieces hear the session's bridge and the
status bar's indicator, and say what they want (``exit_requested``).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from desktop_app.core.machine import ConnectionState
from desktop_app.core.presence import Presence, banner_text
from desktop_app.ui.bridge import SessionBridge
from desktop_app.ui.connection_indicator import ConnectionIndicator

logger = logging.getLogger("desktop_app.ui.kiosk")

REFRESH_MS = 250  # the banner's countdown shows whole seconds; refreshed only while shown
#: Dark text on amber while the app is on it; white on dark red when it waits to try again.
BANNER_STYLES = {
    Presence.CONNECTING: ("#3d2e00", "#ffd75e"),
    Presence.RECONNECTING: ("#3d2e00", "#ffd75e"),
    Presence.OFFLINE: ("#ffffff", "#44474e"),
    Presence.FAILED: ("#ffffff", "#8c1d18"),
}


@dataclass(frozen=True)
class KioskOptions:
    """What a kiosk is configured with (a new kiosk rule is a new field)."""

    exit_keys: str  # the key sequence that leaves kiosk mode (QKeySequence's text form)
    retry_failed_after_s: float = 30.0  # a socket that failed for good is started again


class FailureWatchdog(QObject):
    """Starts failed sockets again after ``delay_s``: a kiosk never stays failed.

    The managers give up only on refusals that a person would normally fix
    (a 403, a bad address); on a kiosk the fix comes from elsewhere (a server
    redeployed, a session renewed), so trying again now and then is right.
    """

    schedule_changed = Signal()  # a restart was scheduled or is no longer needed

    def __init__(
        self, bridge: SessionBridge, delay_s: float, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._delay_s = delay_s
        self._due: float | None = None  # monotonic time of the next restart
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.on_timeout)
        bridge.state_changed.connect(self.on_state_changed)
        bridge.ended.connect(self.on_session_ended)

    def restart_in(self) -> float | None:
        """Seconds until failed sockets are started again (None: none failed)."""
        return None if self._due is None else max(0.0, self._due - time.monotonic())

    def on_state_changed(self, _name: str, _state: object) -> None:
        self.check()

    def check(self) -> None:
        failed = not self._bridge.closed and any(
            s.state is ConnectionState.FAILED for s in self._bridge.snapshots()
        )
        if failed and self._due is None:
            logger.info("A socket failed: starting it again in %.1f s", self._delay_s)
            self._due = time.monotonic() + self._delay_s
            self._timer.start(round(self._delay_s * 1000))
            self.schedule_changed.emit()
        elif not failed and self._due is not None:
            self._due = None
            self._timer.stop()
            self.schedule_changed.emit()

    def on_timeout(self) -> None:
        self._due = None
        self._bridge.restart_failed()
        self.check()  # still failed (a listener may have failed it again): wait once more

    def on_session_ended(self) -> None:
        self.check()  # nothing to restart any more: the timer stops


class OfflineBanner(QLabel):
    """A large, plain-words banner over the transcript whenever the app is not connected."""

    def __init__(
        self,
        indicator: ConnectionIndicator,
        watchdog: FailureWatchdog,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._indicator = indicator
        self._watchdog = watchdog
        self.setObjectName("offlineBanner")
        self.setAccessibleName("Connection problem")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 9.0) * 2)
        font.setBold(True)
        self.setFont(font)
        self.setVisible(False)
        self._ended = False
        self._timer = QTimer(self)  # started by refresh() while a countdown is shown
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        indicator.presence_changed.connect(self.on_presence_changed)
        watchdog.schedule_changed.connect(self.refresh)

    @property
    def counting_down(self) -> bool:
        return self._timer.isActive()

    def on_presence_changed(self, _presence: Presence) -> None:
        self.refresh()

    def refresh(self) -> None:
        summary = self._indicator.summary
        restart_in = self._watchdog.restart_in()
        text = banner_text(summary, restart_in)
        # Only a countdown changes the text by itself; every other change calls refresh().
        counting = text is not None and (
            summary.presence is Presence.RECONNECTING or restart_in is not None
        )
        if counting and not self._ended:
            if not self._timer.isActive():
                self._timer.start()
        else:
            self._timer.stop()
        if text is None:
            self.setVisible(False)
            return
        if text != self.text():
            self.setText(text)
            self.setAccessibleDescription(text)
        colour, background = BANNER_STYLES[summary.presence]
        self.setStyleSheet(
            f"QLabel#offlineBanner {{ color: {colour}; background: {background}; "
            "padding: 18px; border-radius: 6px; }"
        )
        self.setVisible(True)

    def on_session_ended(self) -> None:
        self._ended = True
        self._timer.stop()


class KioskMode(QObject):
    """The kiosk's pieces for one window: banner, failure watchdog, exit key sequence.

    The window places :attr:`banner` above its transcript and connects
    :attr:`exit_requested` to its quit.
    """

    exit_requested = Signal()  # the administrator's key sequence was pressed

    def __init__(
        self,
        options: KioskOptions,
        bridge: SessionBridge,
        indicator: ConnectionIndicator,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.watchdog = FailureWatchdog(bridge, options.retry_failed_after_s, self)
        self.banner = OfflineBanner(indicator, self.watchdog, parent)
        bridge.ended.connect(self.banner.on_session_ended)
        # An application shortcut: it works whatever has the focus, a dialog included.
        self.exit_shortcut = QShortcut(QKeySequence.fromString(options.exit_keys), parent)
        self.exit_shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        self.exit_shortcut.activated.connect(self.on_exit_keys)
        self.banner.refresh()

    def on_exit_keys(self) -> None:
        logger.warning("Kiosk mode left with the administrator key sequence")
        self.exit_requested.emit()
