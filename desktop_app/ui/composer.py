"""The message composer: multi-line; Enter sends, Shift+Enter starts a new line."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QPlainTextEdit, QWidget


class Composer(QPlainTextEdit):
    """Emits :attr:`submit_requested` on Enter; the window clears it once the message is taken.

    The text stays until then, so a message that could not be sent is never lost.
    """

    submit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        self.setAccessibleName(self.tr("Message"))
        self.setPlaceholderText(self.tr("Type a message — Enter sends, Shift+Enter adds a line"))
        self.setTabChangesFocus(True)
        self.setMaximumHeight(120)

    def text(self) -> str:
        return self.toPlainText()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            if self.toPlainText().strip():
                self.submit_requested.emit()
            event.accept()
            return
        if enter:
            # Shift+Enter: a plain new line, not Qt's line separator (U+2028).
            self.insertPlainText("\n")
            event.accept()
            return
        super().keyPressEvent(event)
