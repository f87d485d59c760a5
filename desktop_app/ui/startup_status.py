"""The status bar's piece while the app starts: the step under way, or why it stopped.

It stands where the connection indicator will stand (the window swaps them once
the sockets exist: :meth:`desktop_app.ui.main_window.MainWindow.attach`), with
the same look, so the status bar speaks from the first paint.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from desktop_app.core.startup import StartupStep, failure_text, step_text
from desktop_app.ui.plain_text import tooltip

#: The indicator's colours (:mod:`desktop_app.ui.connection_indicator`): on its way, failed.
WORKING_COLOUR = "#9a6700"
FAILED_COLOUR = "#b3261e"


class StartupStatus(QLabel):
    """``● Starting the demo server…``; ``● Could not start`` with the reason in its tooltip."""

    def __init__(self, step: StartupStep, server_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startupStatus")
        self.setAccessibleName("Connection status")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.failed = False
        self.show_step(step, server_label)

    def show_step(self, step: StartupStep, server_label: str) -> None:
        self._show(step_text(step, server_label), WORKING_COLOUR)

    def show_failure(self, reason: str) -> None:
        self.failed = True
        self._show("Could not start", FAILED_COLOUR)
        self.setToolTip(tooltip(failure_text(reason)))  # the reason may name a file

    def _show(self, text: str, colour: str) -> None:
        self.setText(f"● {text}")
        self.setStyleSheet(f"QLabel#startupStatus {{ color: {colour}; }}")
        self.setAccessibleDescription(text)
