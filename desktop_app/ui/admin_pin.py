"""The kiosk's exit PIN dialog: after the exit keys, an administrator types the PIN.

Window-modal and opened with ``open()`` (no nested event loop). The digits are
masked; Enter checks them, Escape closes the dialog. The rule against guessing
is :class:`desktop_app.core.pin.PinAttempts`, kept by the kiosk, so closing the
dialog does not reset it. A dialog left alone closes by itself after
``idle_close_s``: a visitor who finds it is not left facing it.

Only "accepted" or "refused" is logged, never the PIN (nor its length).
"""

from __future__ import annotations

import logging
import math

from PySide6.QtCore import QCoreApplication, QRegularExpression, Qt, QTimer
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.pin import MAX_PIN_LENGTH, PinAttempts, PinVerdict
from desktop_app.core.translation import QT_TRANSLATE_NOOP

logger = logging.getLogger("desktop_app.ui.kiosk")

#: The dialog closes by itself after this long without a key pressed in it.
IDLE_CLOSE_S = 30.0
COUNTDOWN_MS = 250  # the lockout's countdown shows whole seconds

#: The dialog's words in English (it shows them translated: :meth:`AdminPinDialog.ask_text`).
ASK = QT_TRANSLATE_NOOP("AdminPinDialog", "Enter the administrator PIN to leave kiosk mode.")
WRONG = QT_TRANSLATE_NOOP("AdminPinDialog", "That PIN is not right.")


def locked_text(seconds: float) -> str:
    """The lockout's countdown, in whole seconds (rounded up)."""
    return QCoreApplication.translate(
        "AdminPinDialog", "Too many wrong PINs. Try again in {seconds} s."
    ).format(seconds=math.ceil(seconds))


class AdminPinDialog(QDialog):
    """Asks for the administrator PIN; ``accepted`` once it is right."""

    def __init__(
        self,
        attempts: PinAttempts,
        parent: QWidget,
        *,
        idle_close_s: float = IDLE_CLOSE_S,
    ) -> None:
        super().__init__(parent)
        self._attempts = attempts
        self.setObjectName("adminPinDialog")
        self.setWindowTitle(self.tr("Leave kiosk mode"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAccessibleName(self.tr("Leave kiosk mode"))
        self.setAccessibleDescription(self.ask_text())
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)

        self.message = QLabel(self.ask_text(), self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setObjectName("adminPinMessage")
        self.message.setAccessibleName(self.tr("PIN message"))
        self.pin_field = QLineEdit(self)
        self.pin_field.setObjectName("adminPin")
        self.pin_field.setAccessibleName(self.tr("Administrator PIN"))
        self.pin_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_field.setMaxLength(MAX_PIN_LENGTH)
        self.pin_field.setValidator(
            QRegularExpressionValidator(QRegularExpression(f"[0-9]{{0,{MAX_PIN_LENGTH}}}"), self)
        )
        self.pin_field.setInputMethodHints(
            Qt.InputMethodHint.ImhDigitsOnly
            | Qt.InputMethodHint.ImhSensitiveData
            | Qt.InputMethodHint.ImhNoPredictiveText
        )
        # Its standard menu pastes, selects... and nothing more, but none is needed here.
        self.pin_field.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        label = QLabel(self.tr("&PIN:"), self)
        label.setBuddy(self.pin_field)

        self.buttons = QDialogButtonBox(self)
        self.leave_button = self.buttons.addButton(
            self.tr("&Leave kiosk mode"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.leave_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.on_submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(label)
        layout.addWidget(self.pin_field)
        layout.addWidget(self.buttons)

        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.setInterval(round(idle_close_s * 1000))
        self.idle_timer.timeout.connect(self.on_idle)
        self._countdown = QTimer(self)
        self._countdown.setInterval(COUNTDOWN_MS)
        self._countdown.timeout.connect(self.refresh_lockout)
        self.pin_field.textEdited.connect(lambda _text: self.idle_timer.start())
        self.finished.connect(self.on_finished)

    def ask_text(self) -> str:
        """What the dialog asks (:data:`ASK`, translated)."""
        return self.tr("Enter the administrator PIN to leave kiosk mode.")

    def open(self) -> None:
        self.pin_field.clear()
        self.message.setText(self.ask_text())
        self.idle_timer.start()
        self.refresh_lockout()
        super().open()
        self.pin_field.setFocus()

    def on_submit(self) -> None:
        self.idle_timer.start()
        pin = self.pin_field.text()
        self.pin_field.clear()  # whatever the verdict: nothing typed stays in the field
        if not pin:
            return
        verdict = self._attempts.try_pin(pin)
        if verdict is PinVerdict.ACCEPTED:
            logger.warning("Exit PIN accepted")
            self.accept()
            return
        logger.warning("Exit PIN refused (%d wrong in a row)", self._attempts.wrong_in_a_row)
        self._say(self.tr("That PIN is not right."))
        self.refresh_lockout()

    def refresh_lockout(self) -> None:
        """While PINs are refused: the countdown, the field off; then the field back."""
        left = self._attempts.locked_for()
        locked = left > 0
        self.pin_field.setEnabled(not locked)
        self.leave_button.setEnabled(not locked)
        if locked:
            self._say(locked_text(left))
            if not self._countdown.isActive():
                self._countdown.start()
            return
        if self._countdown.isActive():
            self._countdown.stop()
            self._say(self.ask_text())
            self.pin_field.setFocus()

    def on_idle(self) -> None:
        logger.info(
            "The exit PIN dialog closed itself after %.0f s without input",
            self.idle_timer.interval() / 1000,
        )
        self.reject()

    def on_finished(self, _result: int) -> None:
        self.pin_field.clear()
        self.idle_timer.stop()
        self._countdown.stop()

    def _say(self, text: str) -> None:
        if text != self.message.text():
            self.message.setText(text)
        self.setAccessibleDescription(text)
