"""The banner above the conversation that says what kind of server this is, when it matters.

Two facts a person must keep in mind for as long as they hold, so the banner
stays (it has no close button):

- the embedded **demo server** keeps its conversations in a file on this
  computer, with a published password: no place for patient data;
- a plain **http://** server on another computer (``--allow-insecure``): the
  password and the conversation cross the network unencrypted.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QWidget

from desktop_app.core.translation import Translate, english
from desktop_app.ui.appearance import current_colours, follow_palette, set_style_sheet


def demo_warning(translate: Translate = QCoreApplication.translate) -> str:
    """The demo server's warning, in the person's language."""
    return translate("ServerBanner", "Demo server — do not enter patient data")


def insecure_warning(translate: Translate = QCoreApplication.translate) -> str:
    """The warning for a plain http:// server, in the person's language."""
    return translate(
        "ServerBanner",
        "Not secure: this server address uses http://, your password is sent unencrypted",
    )


# The warnings in English (the source text): for logs and tests.
DEMO_WARNING = demo_warning(english)
INSECURE_WARNING = insecure_warning(english)


def server_warnings(*, demo: bool, password_in_clear: bool) -> list[str]:
    """The banner's lines for this server, most important first, in the person's language."""
    lines = []
    if password_in_clear:
        lines.append(insecure_warning())
    if demo:
        lines.append(demo_warning())
    return lines


class ServerBanner(QLabel):
    """A red-on-pale strip with the server's warnings; hidden when there are none."""

    def __init__(self, lines: list[str], parent: QWidget | None = None) -> None:
        super().__init__("\n".join(lines), parent)
        self.setObjectName("serverBanner")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAccessibleName(self.tr("Server warning"))
        # A label's text is not its own in AT-SPI once it has a name: the words go here.
        self.setAccessibleDescription("\n".join(lines))
        follow_palette(self, self._colour)
        self.setVisible(bool(lines))

    def _colour(self) -> None:
        c = current_colours()
        set_style_sheet(
            self,
            f"QLabel#serverBanner {{ background: {c.server_background}; color: {c.server_text};"
            f" font-weight: bold; border: 1px solid {c.server_border}; border-radius: 4px;"
            " padding: 4px 8px; }",
        )
