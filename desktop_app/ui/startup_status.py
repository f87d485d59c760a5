"""The status bar's piece while the app starts: the step under way, or why it stopped.

It stands where the connection indicator will stand (the window swaps them once
the sockets exist: :meth:`desktop_app.ui.main_window.MainWindow.attach`), with
the same look, so the status bar speaks from the first paint.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QWidget

from desktop_app.core.startup import StartupStep, failure_text, step_text
from desktop_app.ui.appearance import current_colours, follow_palette, set_style_sheet
from desktop_app.ui.plain_text import tooltip

#: The indicator's colours (:mod:`desktop_app.ui.connection_indicator`), fields of
#: core.contrast.Colours: on its way, failed.
WORKING_TONE = "warning"
FAILED_TONE = "error"


class StartupStatus(QLabel):
    """``● Starting the demo server…``; ``● Could not start`` with the reason in its tooltip."""

    def __init__(self, step: StartupStep, server_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startupStatus")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.failed = False
        self.tone = WORKING_TONE
        self.show_step(step, server_label)
        follow_palette(self, self._colour)

    def show_step(self, step: StartupStep, server_label: str) -> None:
        self._show(
            step_text(step, server_label, translate=QCoreApplication.translate), WORKING_TONE
        )

    def show_failure(self, reason: str) -> None:
        self.failed = True
        self._show(self.tr("Could not start"), FAILED_TONE)
        # The reason may name a file.
        self.setToolTip(tooltip(failure_text(reason, translate=QCoreApplication.translate)))

    def _show(self, text: str, tone: str) -> None:
        self.setText(self.tr("● {state}").format(state=text))
        self.tone = tone
        self._colour()
        # A few steps, no countdown: the name may change with each.
        self.setAccessibleName(self.tr("Connection status: {state}").format(state=text))
        self.setAccessibleDescription(text)

    def _colour(self) -> None:
        colour = getattr(current_colours(), self.tone)
        set_style_sheet(self, f"QLabel#startupStatus {{ color: {colour}; }}")
