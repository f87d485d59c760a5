"""Kiosk mode: one conversation, full screen, unattended, never a dead end.

On a clinic's kiosk nobody is there to press Reconnect or to restart the app,
and a visitor must not close it by accident. :func:`enter_kiosk_mode` turns a
:class:`~desktop_app.ui.main_window.MainWindow` into that:

- no window chrome, menus or conversation list; full screen (the app shows it);
- a large banner says what is wrong with the connection and that typed
  messages are kept (:func:`desktop_app.core.presence.banner_text`);
- a socket that failed for good (refused, say) is started again after
  ``retry_failed_after_s`` by a :class:`FailureWatchdog`; retryable losses are
  retried forever by the managers themselves (the config's kiosk rules);
- closing the window and Ctrl+Q do nothing; an administrator leaves with the
  configured key sequence.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from desktop_app.core.machine import ConnectionState
from desktop_app.core.presence import Presence, banner_text
from desktop_app.net.manager import WebSocketManager
from desktop_app.ui.connection_indicator import ConnectionIndicator

if TYPE_CHECKING:
    from desktop_app.ui.main_window import MainWindow

logger = logging.getLogger("desktop_app.ui.kiosk")

REFRESH_MS = 250  # the banner's countdown shows whole seconds; refreshed only while shown
#: Dark text on amber while the app is on it; white on dark red when it waits to try again.
BANNER_STYLES = {
    Presence.CONNECTING: ("#3d2e00", "#ffd75e"),
    Presence.RECONNECTING: ("#3d2e00", "#ffd75e"),
    Presence.OFFLINE: ("#ffffff", "#44474e"),
    Presence.FAILED: ("#ffffff", "#8c1d18"),
}


class FailureWatchdog(QObject):
    """Starts failed sockets again after ``delay_s``: a kiosk never stays failed.

    The managers give up only on refusals that a person would normally fix
    (a 403, a bad address); on a kiosk the fix comes from elsewhere (a server
    redeployed, a session renewed), so trying again now and then is right.
    """

    schedule_changed = Signal()  # a restart was scheduled or is no longer needed

    def __init__(
        self, managers: Sequence[WebSocketManager], delay_s: float, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._managers = list(managers)
        self._delay_s = delay_s
        self._due: float | None = None  # monotonic time of the next restart
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.on_timeout)
        self._unsubscribes = [m.on_state_change(lambda _s: self.check()) for m in self._managers]

    def restart_in(self) -> float | None:
        """Seconds until failed sockets are started again (None: none failed)."""
        return None if self._due is None else max(0.0, self._due - time.monotonic())

    def check(self) -> None:
        failed = any(m.state is ConnectionState.FAILED for m in self._managers)
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
        for manager in self._managers:
            if manager.state is ConnectionState.FAILED:
                manager.reconnect_now()
        self.check()  # still failed (a listener may have failed it again): wait once more

    def detach(self) -> None:
        self._timer.stop()
        for unsubscribe in self._unsubscribes:
            unsubscribe()
        self._unsubscribes.clear()


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
        self._detached = False
        self._timer = QTimer(self)  # started by refresh() while a countdown is shown
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        indicator.presence_changed.connect(lambda _p: self.refresh())
        watchdog.schedule_changed.connect(self.refresh)

    @property
    def counting_down(self) -> bool:
        return self._timer.isActive()

    def refresh(self) -> None:
        summary = self._indicator.summary
        restart_in = self._watchdog.restart_in()
        text = banner_text(summary, restart_in)
        # Only a countdown changes the text by itself; every other change calls refresh().
        counting = text is not None and (
            summary.presence is Presence.RECONNECTING or restart_in is not None
        )
        if counting and not self._detached:
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

    def detach(self) -> None:
        self._detached = True
        self._timer.stop()


class KioskMode:
    """What kiosk mode added to a window, kept so that it can be taken down on quit."""

    def __init__(self, window: MainWindow, exit_keys: str, retry_failed_after_s: float) -> None:
        services = window.services
        self.watchdog = FailureWatchdog(
            [services.chat, services.status], retry_failed_after_s, window
        )
        self.banner = OfflineBanner(window.indicator, self.watchdog, window)
        self.exit_shortcut = QShortcut(QKeySequence.fromString(exit_keys), window)
        self.exit_shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        self.exit_shortcut.activated.connect(self.on_exit_keys)
        self._window = window

    def on_exit_keys(self) -> None:
        logger.warning("Kiosk mode left with the administrator key sequence")
        self._window.quit_app()

    def detach(self) -> None:
        self.watchdog.detach()
        self.banner.detach()


def enter_kiosk_mode(window: MainWindow, exit_keys: str, retry_failed_after_s: float) -> KioskMode:
    """Turn ``window`` into a kiosk (before it is shown full screen)."""
    kiosk = KioskMode(window, exit_keys, retry_failed_after_s)
    window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
    window.menuBar().setVisible(False)
    window.conversations.setVisible(False)
    # Shortcuts of a hidden menu bar's actions could still fire: switch off the exits.
    window.quit_action.setEnabled(False)
    window.new_conversation_action.setEnabled(False)
    window.centre_layout.insertWidget(0, kiosk.banner)
    # Reconnect stays at hand (Ctrl+R), without the menu bar that carried it.
    window.addAction(window.reconnect_action)
    kiosk.banner.refresh()
    return kiosk
