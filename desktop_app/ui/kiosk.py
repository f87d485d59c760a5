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
- an administrator leaves with the configured key sequence and the PIN
  (:class:`~desktop_app.ui.admin_pin.AdminPinDialog`);
- the next visitor finds a fresh screen: after ``idle_start_over_s`` without
  activity, or at once with the Start over button, a new conversation opens
  and the previous one leaves every widget (:class:`VisitorReset`, the rule in
  :mod:`desktop_app.core.visitor`).

Nothing here touches a window: the pieces hear the session's bridge and the
status bar's indicator, and say what they want (``exit_requested``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QEvent,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from desktop_app.core.clock import Clock
from desktop_app.core.machine import ConnectionState
from desktop_app.core.pin import PinAttempts, parse_pin_hash
from desktop_app.core.presence import Presence, banner_text
from desktop_app.core.visitor import DEFAULT_IDLE_START_OVER_S, IdleDecision, VisitorIdle
from desktop_app.net.clock import LoopClock
from desktop_app.ui.admin_pin import AdminPinDialog
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
    #: Idle this long, nothing in the outbox: a new conversation for the next visitor (0: never).
    idle_start_over_s: float = DEFAULT_IDLE_START_OVER_S
    #: The administrator PIN's hash (core.pin's text form); the exit needs the keys and the PIN.
    admin_pin_hash: str | None = None
    lockdown: bool = True  # no link leaves the app, no file dialog, no system menus
    clinic_name: str | None = None  # the heading; None: the app's name
    text_scale: float = 1.5  # the kiosk's text, times the desktop's


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
        self.setAccessibleName(self.tr("Connection problem"))
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
        self._sign_in_problem: str | None = None  # the unattended sign-in's failure, in words
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
        text = banner_text(summary, restart_in, translate=QCoreApplication.translate)
        if self._sign_in_problem is not None:
            text = self._sign_in_problem if text is None else f"{self._sign_in_problem}\n{text}"
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
        shown = Presence.FAILED if self._sign_in_problem is not None else summary.presence
        colour, background = BANNER_STYLES[shown]
        self.setStyleSheet(
            f"QLabel#offlineBanner {{ color: {colour}; background: {background}; "
            "padding: 18px; border-radius: 6px; }"
        )
        self.setVisible(True)

    def on_session_ended(self) -> None:
        self._ended = True
        self._timer.stop()

    def show_sign_in_problem(self, problem: str | None) -> None:
        """Say why the kiosk is not signed in (the unattended sign-in's words); None: it is."""
        self._sign_in_problem = problem
        self.refresh()


class KioskMode(QObject):
    """The kiosk's pieces for one window: banner, failure watchdog, exit key sequence.

    The window places :attr:`banner` above its transcript and connects
    :attr:`exit_requested` to its quit.
    """

    exit_requested = Signal()  # the administrator's key sequence, then the PIN

    def __init__(
        self,
        options: KioskOptions,
        bridge: SessionBridge,
        indicator: ConnectionIndicator,
        parent: QWidget,
        *,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(parent)
        self._window = parent
        #: The rule against guessing the PIN; None: no PIN configured, nobody leaves.
        self.pin_attempts = (
            None
            if options.admin_pin_hash is None
            else PinAttempts(
                parse_pin_hash(options.admin_pin_hash),
                clock=clock if clock is not None else LoopClock(),
            )
        )
        self.pin_dialog: AdminPinDialog | None = None
        self.watchdog = FailureWatchdog(bridge, options.retry_failed_after_s, self)
        self.banner = OfflineBanner(indicator, self.watchdog, parent)
        bridge.ended.connect(self.banner.on_session_ended)
        # An application shortcut: it works whatever has the focus, a dialog included.
        self.exit_shortcut = QShortcut(QKeySequence.fromString(options.exit_keys), parent)
        self.exit_shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        self.exit_shortcut.activated.connect(self.on_exit_keys)
        self.banner.refresh()

    def on_exit_keys(self) -> None:
        """The exit keys ask for the administrator PIN (a window-modal dialog)."""
        if self.pin_attempts is None:
            logger.warning("Exit keys pressed, but no administrator PIN is configured")
            return
        if self.pin_dialog is None:
            self.pin_dialog = AdminPinDialog(self.pin_attempts, self._window)
            self.pin_dialog.accepted.connect(self.on_pin_accepted)
        if self.pin_dialog.isVisible():
            self.pin_dialog.raise_()
            self.pin_dialog.activateWindow()
            return
        logger.info("Exit keys pressed: asking for the administrator PIN")
        self.pin_dialog.open()

    def on_pin_accepted(self) -> None:
        logger.warning("Kiosk mode left with the administrator key sequence and PIN")
        self.exit_requested.emit()


#: What counts as a visitor using the kiosk, besides messages and replies.
_ACTIVITY_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
    }
)


class VisitorReset(QObject):
    """Asks for a fresh screen (:attr:`start_over_requested`) when the idle rule says so.

    Activity: a key, a click, the mouse or a touch anywhere in ``window``; the
    transcript changing (a message sent or delivered, a reply arriving); the
    composer's text changing; :meth:`touch` (the assistant's status). The window
    does the starting over; this object only decides when.
    """

    start_over_requested = Signal()

    def __init__(
        self,
        idle_limit_s: float,
        *,
        window: QWidget,
        transcript: QAbstractItemModel,
        composer: QPlainTextEdit,
        waiting: Callable[[], int],
        clock: Clock | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._transcript = transcript
        self._composer = composer
        self._waiting = waiting
        self.rule = VisitorIdle(idle_limit_s, clock=clock if clock is not None else LoopClock())
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.on_timeout)
        if not self.rule.enabled:
            return
        transcript.modelReset.connect(self.touch)
        transcript.rowsInserted.connect(self.touch)
        transcript.rowsRemoved.connect(self.touch)
        transcript.dataChanged.connect(self.touch)
        composer.textChanged.connect(self.touch)
        # On the application: key and mouse events go to the widget under them, not the window.
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.touch()

    @property
    def armed(self) -> bool:
        """Whether a check is scheduled (an empty screen or the rule off: none)."""
        return self._timer.isActive()

    def touch(self, *_args: object) -> None:
        self.rule.touch()
        if self.rule.enabled and not self._timer.isActive():
            self._timer.start(round(self.rule.idle_limit_s * 1000))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() in _ACTIVITY_EVENTS
            and isinstance(watched, QWidget)
            and watched.window() is self._window
        ):
            self.touch()
        return False

    def on_timeout(self) -> None:
        check = self.rule.check(
            waiting=self._waiting(),
            visitor_content=self._transcript.rowCount() > 0 or bool(self._composer.toPlainText()),
        )
        if check.decision is IdleDecision.START_OVER:
            logger.info("Idle for %.0f s: starting over for the next visitor", self.rule.idle_for())
            self.start_over_requested.emit()
        elif check.decision is IdleDecision.OUTBOX_WAITING:
            logger.info(
                "Idle, but %d messages wait in the outbox: not starting over", self._waiting()
            )
        if check.check_in_s is not None:
            self._timer.start(max(1, round(check.check_in_s * 1000)))

    def stop(self) -> None:
        """The window closes: no more checks."""
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class StartOverButton(QPushButton):
    """The kiosk's visible "Start over": a new conversation, the screen cleared, at once.

    No confirmation: a visitor presses it on purpose, and nothing is lost (what
    is still on its way is delivered in the background).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText(self.tr("Start &over"))
        self.setObjectName("startOver")
        self.setAccessibleName(self.tr("Start over"))
        self.setAccessibleDescription(
            self.tr("Clear the screen and start a new conversation for the next person")
        )
        #: The shortcut in the brackets is the one the button's "&" makes.
        self.setToolTip(self.tr("Clear the screen and start a new conversation (Alt+O)"))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 9.0) * 1.5)
        self.setFont(font)
