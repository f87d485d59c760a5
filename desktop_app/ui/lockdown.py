"""Kiosk lockdown: nothing on the kiosk's screen leads out of the app.

A visitor at a clinic's kiosk must not reach the rest of the computer. With
``kiosk_lockdown`` (the default in kiosk mode) the window is built with:

- :class:`LinkPanel` instead of the system browser: a citation or decision-aid
  link shows its title and address as plain text, and nothing is loaded;
- no "Download summary (PDF)": its file dialog can browse, rename and delete
  files and its "Open" starts a PDF viewer (the window hides the button and
  refuses the command);
- :class:`ContextMenuBlock`: no context menu anywhere in the app. The
  transcript's own menu (retry or delete a failed message, copy its text) is
  not needed on a kiosk, which keeps trying by itself; the text fields'
  standard menus (composer, sign-in, PIN) and selectable labels offer
  clipboard and Unicode-control entries a visitor has no use for; and no menu
  at all is simpler to check than "only harmless ones".

The menus, the conversation list and the About and diagnostics dialogs (which
hold links) are not built or reachable in kiosk mode
(:meth:`desktop_app.ui.main_window.WindowChrome.kiosk_mode`).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, QUrl
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.translation import QT_TRANSLATE_NOOP
from desktop_app.ui.plain_text import plain_label

logger = logging.getLogger("desktop_app.ui.kiosk")

#: A title or an address longer than this is cut: the panel is a glance, not a page.
MAX_SHOWN_CHARS = 500
#: The panel's note (its English; the panel shows it translated).
NOT_OPENED = QT_TRANSLATE_NOOP(
    "LinkPanel", "Links are not opened on this kiosk. Write the address down to read it later."
)


def _cut(text: str) -> str:
    return text if len(text) <= MAX_SHOWN_CHARS else text[: MAX_SHOWN_CHARS - 1] + "…"


class LinkPanel(QDialog):
    """A link's title and address, as plain text, with a Close button (not modal)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("linkPanel")
        self.setWindowTitle(self.tr("Link"))
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.setAccessibleName(self.tr("Link"))
        self.title = plain_label("", self)
        self.title.setObjectName("linkTitle")
        self.title.setAccessibleName(self.tr("Link title"))
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.address = plain_label("", self)
        self.address.setObjectName("linkAddress")
        self.address.setAccessibleName(self.tr("Link address"))
        self.address.setWordWrap(True)
        note = plain_label(
            self.tr("Links are not opened on this kiosk. Write the address down to read it later."),
            self,
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.address)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(480, 0)

    def show_link(self, url: QUrl, title: str) -> None:
        """Show ``url`` (and ``title``, its citation's, if it has one); nothing is loaded."""
        address = url.toDisplayString()
        # The title shown for a link that has none (a citation's title is not translated).
        untitled = self.tr("Link")
        self.title.setText(_cut(title if title and title != address else untitled))
        self.address.setText(_cut(address))
        # Tall enough for the wrapped lines at this width (a longer language wraps more).
        self.resize(self.width(), max(self.height(), self.heightForWidth(self.width())))
        logger.info("A %s link was shown in the app, not opened", url.scheme()[:20])
        self.show()
        self.raise_()
        self.activateWindow()
        self.close_button.setFocus()

    def clear(self) -> None:
        """Close, and forget the link shown (the kiosk starts over for a new visitor)."""
        self.close()
        self.title.clear()
        self.address.clear()


class ContextMenuBlock(QObject):
    """Swallows every context-menu request in the application (mouse or Menu key)."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        return event.type() == QEvent.Type.ContextMenu

    def stop(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
