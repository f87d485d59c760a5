"""The notice above the message box: what is wrong in words, and the one button that helps."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from desktop_app.core.conversation import Notice
from desktop_app.ui.appearance import current_colours, follow_palette, set_style_sheet

COUNTDOWN_MS = 250  # the countdown shows whole seconds


class NoticeBar(QFrame):
    """Shows a :class:`Notice` (hidden when there is none); its button emits the action."""

    action_requested = Signal(object)  # NoticeAction

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticeBar")
        self.notice: Notice | None = None
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.label.setAccessibleName(self.tr("Notice"))
        self.button = QPushButton(self)
        # Hidden without an action, but still in the accessibility tree: never nameless.
        self.button.setAccessibleName(self.tr("Notice action"))
        self.button.clicked.connect(self._on_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)
        self._timer = QTimer(self)
        self._timer.setInterval(COUNTDOWN_MS)
        self._timer.timeout.connect(self._show_text)
        self.setVisible(False)
        follow_palette(self, self._colour)

    def set_notice(self, notice: Notice | None) -> None:
        self.notice = notice
        self.setVisible(notice is not None)
        if notice is None:
            self._timer.stop()
            return
        self.button.setVisible(notice.action is not None)
        if notice.action is not None:
            label = notice.action.label(QCoreApplication.translate)
            self.button.setText(label)
            self.button.setAccessibleName(label)
        if notice.retry_due is not None:
            self._timer.start()
        else:
            self._timer.stop()
        self._show_text()

    def text(self) -> str:
        return self.label.text() if self.notice is not None else ""

    def _show_text(self) -> None:
        if self.notice is not None:
            text = self.notice.text_at(time.monotonic())
            if text != self.label.text():
                self.label.setText(text)
                self.label.setAccessibleDescription(text)  # a named label's text is not read

    def _on_clicked(self) -> None:
        if self.notice is not None and self.notice.action is not None:
            self.action_requested.emit(self.notice.action)

    def _colour(self) -> None:
        c = current_colours()
        set_style_sheet(
            self,
            f"QFrame#noticeBar {{ background: {c.notice_background};"
            f" border: 1px solid {c.notice_border}; border-radius: 4px; }}"
            f" QFrame#noticeBar QLabel {{ color: {c.notice_text}; }}",
        )
