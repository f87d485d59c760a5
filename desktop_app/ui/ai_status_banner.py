"""What the assistant is doing, above the composer: thinking, analysing, summarising."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from desktop_app.ui.bridge import AssistantStatus, SessionBridge
from desktop_app.ui.plain_text import make_plain

# The banner's texts in English (tests compare with them); refresh() translates them.
THINKING = "The assistant is thinking…"
EXTRACTING = "Analyzing the conversation (you may continue the dialogue)…"
SUMMARIZING = "Generating your summary…"
SUMMARY_READY = "Your summary is ready."


class AiStatusBanner(QWidget):
    """Shows the assistant's flags, as the session's bridge reports them; offers the
    summary download when it is ready."""

    download_requested = Signal()
    changed = Signal()  # after every refresh: read assistant and summary_ready

    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.assistant = bridge.assistant()
        self.summary_ready = False
        self.download_offered = True  # False: kiosk lockdown, no file dialog
        self.label = QLabel(self)
        make_plain(self.label)
        self.label.setObjectName("aiStatus")
        self.label.setAccessibleName(self.tr("Assistant status"))
        self.download_button = QPushButton(self.tr("&Download summary (PDF)"), self)
        self.download_button.setVisible(False)
        self.download_button.clicked.connect(self.download_requested.emit)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.download_button)
        bridge.assistant_changed.connect(self.on_assistant_changed)
        bridge.status_event.connect(self.on_status_event)
        self.refresh()

    def on_assistant_changed(self, assistant: AssistantStatus) -> None:
        self.assistant = assistant
        self.refresh()

    def on_status_event(self, event: dict[str, Any]) -> None:
        if event.get("type") == "summary_complete":
            self.summary_ready = True
        elif event.get("type") == "extraction_complete" and event.get("summary_triggered"):
            self.summary_ready = False
        self.refresh()

    def set_summary_ready(self, ready: bool) -> None:
        """Set from the server's summary status (after opening a conversation)."""
        self.summary_ready = ready
        self.refresh()

    def set_download_offered(self, offered: bool) -> None:
        """Whether "Download summary (PDF)" is offered when a summary is ready."""
        self.download_offered = offered
        self.refresh()

    def refresh(self) -> None:
        assistant = self.assistant
        if assistant.thinking:
            text = self.tr("The assistant is thinking…")
        elif assistant.summary_generating:
            text = self.tr("Generating your summary…")
        elif assistant.extracting:
            text = self.tr("Analyzing the conversation (you may continue the dialogue)…")
        elif self.summary_ready:
            text = self.tr("Your summary is ready.")
        else:
            text = ""
        self.label.setText(text)
        self.label.setAccessibleDescription(text)  # a named label's text is not read out
        self.download_button.setVisible(
            self.download_offered and self.summary_ready and not assistant.summary_generating
        )
        self.setVisible(bool(text))
        self.changed.emit()
