"""Text from the server or a library, shown as exactly the characters it holds.

Qt guesses whether a string is rich text: a label in its default ``AutoText``
format, a message box and every tooltip render a string as HTML when
``Qt.mightBeRichText`` says it looks like some, and rich text loads images
(a ``file:`` name is read from disk, a Windows ``file://host/`` one over SMB),
draws headings and tables, and can paint a fake button or phone number into a
dialog. A close reason, a citation title or an error a library quotes from the
server's bytes is the server's to choose, so none of them may reach Qt as markup.

The rules, one helper each:

- a label or message box shows plain text: :func:`make_plain` before it is first
  shown (Qt lays rich text out, and loads its images, only then), or
  :func:`plain_label`;
- a tooltip has no plain-text switch, so its text is escaped and wrapped:
  :func:`tooltip`. It then renders as exactly the characters given, line breaks
  and spaces kept, cut to :data:`TOOLTIP_MAX_CHARS` (a tooltip is a glance, and
  laying out a megabyte of it would freeze the window).

Qt's own constant texts (a button's label, a menu entry) are not rich and need
none of this; tests/security walks the windows and checks the rules hold.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

if TYPE_CHECKING:
    # Not with the main window, which is painted before any message box (B6).
    from PySide6.QtWidgets import QMessageBox

#: A longer tooltip is cut and ends with an ellipsis.
TOOLTIP_MAX_CHARS = 2_000

#: What :func:`tooltip` wraps escaped text in: rich text, so that the escapes are read
#: back as the characters they stand for, with spaces and line breaks as they are.
TOOLTIP_START = "<p style='white-space:pre-wrap'>"
TOOLTIP_END = "</p>"


def tooltip(text: str) -> str:
    """``text`` as a tooltip that shows exactly its characters; ``""`` stays no tooltip."""
    if not text:
        return ""
    if len(text) > TOOLTIP_MAX_CHARS:
        text = text[: TOOLTIP_MAX_CHARS - 1] + "…"
    escaped = html.escape(text.replace("\r\n", "\n"), quote=False)
    if escaped.startswith("\n"):  # Qt's parser drops a line break right after a start tag
        escaped = "&#10;" + escaped[1:]
    return TOOLTIP_START + escaped + TOOLTIP_END


def make_plain(widget: QLabel | QMessageBox) -> None:
    """Show ``widget``'s text (a message box's informative text too) as plain text."""
    widget.setTextFormat(Qt.TextFormat.PlainText)


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label showing ``text`` as plain text (the format is set before the text)."""
    label = QLabel(parent)
    make_plain(label)
    label.setText(text)
    return label
