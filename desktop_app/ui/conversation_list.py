"""The side list of conversations used on this machine, with "New conversation"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from desktop_app.ui.plain_text import tooltip
from desktop_app.ui.settings import ConversationRecord
from desktop_app.ui.translation import message_time


class ConversationList(QWidget):
    """Lists conversations; emits the chosen id, or a request for a new one."""

    conversation_selected = Signal(str)
    new_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.new_button = QPushButton(self.tr("&New conversation"), self)
        self.new_button.setToolTip(self.tr("Start a new conversation (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_requested.emit)
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Conversations"))
        self.list.itemActivated.connect(self._on_item)
        self.list.itemClicked.connect(self._on_item)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.new_button)
        layout.addWidget(self.list, 1)

    def set_conversations(self, records: Sequence[ConversationRecord], current: str | None) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for record in records:
            item = QListWidgetItem(record.title or self.tr("Conversation"))
            item.setData(Qt.ItemDataRole.UserRole, record.id)
            # The title may come from the server: the tooltip shows it as plain text.
            item.setToolTip(
                tooltip(
                    self.tr("{title}\nLast used {when}\n{id}").format(
                        title=record.title, when=_last_used(record.last_used), id=record.id
                    )
                )
            )
            self.list.addItem(item)
            if record.id == current:
                item.setSelected(True)
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)

    def ids(self) -> list[str]:
        return [
            str(self.list.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.list.count())
        ]

    def _on_item(self, item: QListWidgetItem) -> None:
        self.conversation_selected.emit(str(item.data(Qt.ItemDataRole.UserRole)))


def _last_used(stamp: str) -> str:
    """``last_used`` (ISO 8601, UTC) as the locale writes a time: the stamp itself if it
    is not one (written by another version)."""
    try:
        moment = datetime.fromisoformat(stamp).astimezone()
    except ValueError:
        return stamp
    return message_time(moment, today=date.today())
