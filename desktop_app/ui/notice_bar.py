"""The notice above the message box: what is wrong in words, and the one button that helps."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from desktop_app.core.conversation import Notice

COUNTDOWN_MS = 250  # the countdown shows whole seconds


class NoticeBar(QFrame):
    """Shows a :class:`Notice` (hidden when there is none); its button emits the action."""

    action_requested = Signal(object)  # NoticeAction

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticeBar")
        self.setStyleSheet(
            "QFrame#noticeBar { background: #fff4ce; border: 1px solid #e0c45c;"
            " border-radius: 4px; } QFrame#noticeBar QLabel { color: #3b2f00; }"
        )
        self.notice: Notice | None = None
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.label.setAccessibleName("Notice")
        self.button = QPushButton(self)
        self.button.clicked.connect(self._on_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)
        self._timer = QTimer(self)
        self._timer.setInterval(COUNTDOWN_MS)
        self._timer.timeout.connect(self._show_text)
        self.setVisible(False)

    def set_notice(self, notice: Notice | None) -> None:
        self.notice = notice
        self.setVisible(notice is not None)
        if notice is None:
            self._timer.stop()
            return
        self.button.setVisible(notice.action is not None)
        if notice.action is not None:
            self.button.setText(notice.action.value)
        if notice.retry_due is not None:
            self._timer.start()
        else:
            self._timer.stop()
        self._show_text()

    def text(self) -> str:
        return self.label.text() if self.notice is not None else ""

    def _show_text(self) -> None:
        if self.notice is not None:
            self.label.setText(self.notice.text_at(time.monotonic()))

    def _on_clicked(self) -> None:
        if self.notice is not None and self.notice.action is not None:
            self.action_requested.emit(self.notice.action)
