"""The conversation transcript: a list model of messages and the view that paints them.

Model/view rather than one big QTextEdit, so thousands of messages stay cheap: each
row is a :class:`TranscriptEntry`, :class:`TranscriptDelegate` lays out and paints only
the rows the view asks for, from a small cache of per-row QTextDocuments, and the view
(:class:`~desktop_app.ui.transcript_view.IncrementalListView`) asks only for the rows
that changed: a message arriving costs that message, not the whole transcript.

Message text is patient information: nothing here logs it (links are logged by
scheme only). Bot replies are Markdown with raw HTML disabled; user text is always
inserted as plain text, never interpreted.

A reply is the server's text, and the server relays what a model wrote, so it is
rendered as hostile:

- Nothing is loaded to draw it. Qt draws a Markdown image by asking the document
  for it and, when that gives nothing, by reading the image's name as a file
  itself (a FIFO hangs the window, a Windows ``file://host/`` path is an SMB
  request). Every image becomes its alt text, as text, right after parsing
  (:func:`_insert_markdown`), and the document answers any resource with a blank
  image should one ever get in. Links are followed only when clicked, and only
  for :data:`OPENABLE_SCHEMES`.
- The work is bounded. At most the prefix within :data:`RENDER_BUDGET` is rendered
  (Qt's text engine is quadratic in a list's items, a table's rows and a word's
  length; see :mod:`desktop_app.core.render_budget`), with a line saying so;
  markers are linked in one pass over the blocks, at most
  :data:`MAX_LINKED_MARKERS`; unbroken runs get a break opportunity every
  :data:`_RUN_BREAK` characters; names and titles are cut. Copying a message
  copies all of it.
- Laid-out documents and plain texts are cached by weight (characters), not only
  by count.
- Tooltips with a citation's title or a link are escaped
  (:func:`desktop_app.ui.plain_text.tooltip`).
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import logging
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QCoreApplication,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QDesktopServices,
    QFocusEvent,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QHelpEvent,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPalette,
    QPen,
    QTextBlock,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QStyledItemDelegate,
    QToolTip,
    QWidget,
)

from desktop_app.core.frames import Citation, Role
from desktop_app.core.lru import WeightedLru
from desktop_app.core.render_budget import RenderBudget, rendered_part
from desktop_app.core.transcript import DeliveryState, TranscriptEntry
from desktop_app.core.translation import QT_TRANSLATE_NOOP
from desktop_app.ui.appearance import colours_for
from desktop_app.ui.plain_text import tooltip as escaped_tooltip
from desktop_app.ui.transcript_view import IncrementalListView
from desktop_app.ui.translation import message_time

if TYPE_CHECKING:
    # Imported where rows are painted or hovered, not with the window, which is painted
    # before it has any row (B6): PySide sets up QStyle's Python class (some 8 ms) when
    # it is first named.
    from PySide6.QtWidgets import QStyleOptionViewItem

logger = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex

#: Only these schemes leave the app, and only to the system's handler.
OPENABLE_SCHEMES = frozenset({"http", "https", "mailto"})

_MARKDOWN = (
    QTextDocument.MarkdownFeature.MarkdownDialectGitHub
    | QTextDocument.MarkdownFeature.MarkdownNoHTML  # model output is not trusted markup
)
_MARKER = re.compile(r"\[(\d{1,6})\]")
_CODE_BLOCK = QTextFormat.Property.BlockCodeLanguage  # set on fenced and indented code

#: How much of a message is rendered (the rest is kept, and copied).
RENDER_BUDGET = RenderBudget()
_USER_BUDGET = RenderBudget(max_pipes=None, max_images=None)  # user text is never Markdown
#: Citation markers (of a known citation) looked at in one reply; later ones stay plain.
MAX_LINKED_MARKERS = 2_000
_MAX_SOURCES = 200  # listed under "Sources"; the markers link to every citation
_MAX_AIDS = 50
_MAX_LABEL_CHARS = 300  # a sender's name, a source's or decision aid's title
#: Qt's line breaking is quadratic in the length of a word: an unbroken run of text gets
#: an (invisible) break opportunity every this many characters. A run ends only at a space
#: or a tab: Python's other whitespace (a no-break space, U+001F) does not break a line.
_RUN_BREAK = 200
_LONG_RUN = re.compile(rf"[^ \t]{{{_RUN_BREAK + 1},}}")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # two UTF-16 units in Qt's text
_SURROGATE = re.compile("[\ud800-\udfff]")
_BREAK = "\u200b"  # zero-width space
#: Qt's markers in a block's text: an image, a frame's start and end. Never in a label.
_NOT_TEXT = dict.fromkeys(map(ord, "\ufffc\ufdd0\ufdd1"))
_IMAGE_PROPERTIES = (
    QTextFormat.Property.ObjectType,
    QTextFormat.Property.ImageName,
    QTextFormat.Property.ImageAltText,
    QTextFormat.Property.ImageTitle,
    QTextFormat.Property.ImageWidth,
    QTextFormat.Property.ImageHeight,
    QTextFormat.Property.ImageQuality,
    QTextFormat.Property.ImageMaxWidth,
)

# Row geometry, in pixels.
_MARGIN_V = 4  # above and below each bubble
_MARGIN_H = 8  # left and right of each bubble
_PADDING = 8  # inside the bubble, around the text
_INDENT_MAX = 96  # user bubbles are pushed right, bot bubbles stop short of the right
_MIN_TEXT_WIDTH = 40
#: Laid-out documents kept: a laid-out character holds about 60 bytes, so the weight
#: bound (characters) is what bounds memory; it holds several fully rendered replies.
_DOCUMENT_CACHE_SIZE = 512
_DOCUMENT_CACHE_CHARS = 1 << 20
#: Plain texts of replies kept (for the accessible summary and copying), by characters
#: of the reply and of its plain text.
_PLAIN_CACHE_SIZE = 4096
_PLAIN_CACHE_CHARS = 4 << 20


#: The badge shown in the header of a message that is not delivered: its English text
#: (shown translated: :func:`badge_text`), and its colour's name in core.contrast.Colours
#: (the word says the state; colour repeats it).
BADGES: dict[DeliveryState, tuple[str, str]] = {
    DeliveryState.QUEUED: (QT_TRANSLATE_NOOP("Transcript", "Queued"), "warning"),
    DeliveryState.SENDING: (QT_TRANSLATE_NOOP("Transcript", "Sending…"), "muted"),
    DeliveryState.FAILED: (QT_TRANSLATE_NOOP("Transcript", "Failed"), "error"),
}


def badge_text(state: DeliveryState) -> str:
    """The badge of a message in ``state`` (:data:`BADGES`), translated; "" when delivered."""
    if state is DeliveryState.QUEUED:
        return QCoreApplication.translate("Transcript", "Queued")
    if state is DeliveryState.SENDING:
        return QCoreApplication.translate("Transcript", "Sending…")
    if state is DeliveryState.FAILED:
        return QCoreApplication.translate("Transcript", "Failed")
    return ""


def _spoken_state(state: DeliveryState) -> str:
    """The state as the accessible summary says it, within a sentence."""
    if state is DeliveryState.QUEUED:
        return QCoreApplication.translate("Transcript", "queued")
    if state is DeliveryState.SENDING:
        return QCoreApplication.translate("Transcript", "sending…")
    return QCoreApplication.translate("Transcript", "failed")


def format_timestamp(timestamp: str, *, now: datetime | None = None) -> str:
    """The time in the locale's short format (with the date when not today,
    :func:`~desktop_app.ui.translation.message_time`); an unparsable timestamp as is."""
    try:
        moment = datetime.fromisoformat(timestamp).astimezone()  # naive: taken as local
    except (ValueError, OverflowError, OSError):
        return timestamp
    today = (now or datetime.now()).astimezone().date()
    return message_time(moment, today=today)


def sender_name(entry: TranscriptEntry) -> str:
    """The sender's name from the server, or the app's word for its role."""
    name = entry.name.strip()
    if name:
        return name
    if entry.role is Role.USER:
        return QCoreApplication.translate("Transcript", "You")
    if entry.role is Role.BOT:
        return QCoreApplication.translate("Transcript", "Assistant")
    return QCoreApplication.translate("Transcript", "Unknown sender")


def plain_text(entry: TranscriptEntry) -> str:
    """The message text as a reader sees it (Markdown rendered away for bot replies).

    A reply too large to render (:data:`RENDER_BUDGET`) is given whole, as it came:
    rendering all of it would take Qt minutes.
    """
    return _markdown_to_plain(entry.content) if entry.role is Role.BOT else entry.content


_PLAIN_CACHE: WeightedLru[str, str] = WeightedLru(
    max_weight=_PLAIN_CACHE_CHARS,
    max_items=_PLAIN_CACHE_SIZE,
    weigh=lambda markdown, plain: len(markdown) + len(plain),
)


def _markdown_to_plain(markdown: str) -> str:
    plain = _PLAIN_CACHE.get(markdown)
    if plain is None:
        shown, shortened = rendered_part(markdown, RENDER_BUDGET)
        if shortened:
            return markdown
        document = QTextDocument()
        _insert_markdown(QTextCursor(document), _displayable(shown))
        plain = document.toPlainText()
        _PLAIN_CACHE.put(markdown, plain)
    return plain


def _displayable(text: str) -> str:
    """``text`` with any lone surrogate (JSON allows them) replaced: Qt keeps them in a
    document, but reading its text back into Python drops them, and positions would shift."""
    if _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _label(text: str, max_chars: int = _MAX_LABEL_CHARS) -> str:
    """A name or title for the header or the sources: displayable, one line, cut."""
    if len(text) > max_chars:
        text = text[: max_chars - 1] + "…"
    return " ".join(_displayable(text).translate(_NOT_TEXT).split())


def summary(entry: TranscriptEntry) -> str:
    """The accessible one-line summary: ``<sender>, <time>[, <state>]: <text>``.

    The message text (and a failure's reason, from the server) is never translated.
    """
    fields = {
        "sender": sender_name(entry),
        "time": format_timestamp(entry.timestamp),
        "text": " ".join(plain_text(entry).split()),
    }
    if entry.state not in BADGES:
        template = QCoreApplication.translate("Transcript", "{sender}, {time}: {text}")
    elif entry.state is DeliveryState.FAILED and entry.failure:
        template = QCoreApplication.translate(
            "Transcript", "{sender}, {time}, {state} ({reason}): {text}"
        )
    else:
        template = QCoreApplication.translate("Transcript", "{sender}, {time}, {state}: {text}")
    return template.format(state=_spoken_state(entry.state), reason=entry.failure, **fields)


class TranscriptModel(QAbstractListModel):
    """The messages of one conversation, oldest first."""

    EntryRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[TranscriptEntry] = []

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()  # -1 for an invalid index
        if not 0 <= row < len(self._entries):
            return None
        entry = self._entries[row]
        if role == self.EntryRole:
            return entry
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return summary(entry)
        return None

    def append(self, entry: TranscriptEntry) -> None:
        self.extend([entry])

    def extend(self, entries: Iterable[TranscriptEntry]) -> None:
        """Append a batch with one insertion, so the view lays out once."""
        self.insert_many(len(self._entries), entries)

    def insert(self, row: int, entry: TranscriptEntry) -> None:
        """Insert ``entry`` before row ``row`` (``row == len``: append)."""
        self.insert_many(row, [entry])

    def insert_many(self, row: int, entries: Iterable[TranscriptEntry]) -> None:
        """Insert a batch before row ``row`` with one insertion, so the view lays out once."""
        if not 0 <= row <= len(self._entries):
            raise IndexError(f"no transcript row {row} (of {len(self._entries)})")
        batch = list(entries)
        if not batch:
            return
        self.beginInsertRows(QModelIndex(), row, row + len(batch) - 1)
        self._entries[row:row] = batch
        self.endInsertRows()

    def remove(self, row: int) -> None:
        if not 0 <= row < len(self._entries):
            raise IndexError(f"no transcript row {row} (of {len(self._entries)})")
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._entries[row]
        self.endRemoveRows()

    def replace_all(self, entries: Iterable[TranscriptEntry]) -> None:
        """Swap in a whole history (a model reset)."""
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def clear(self) -> None:
        self.replace_all([])

    def entries(self, first: int = 0, stop: int | None = None) -> list[TranscriptEntry]:
        """The entries of rows ``first`` to ``stop - 1`` (a copy; all of them by default)."""
        return self._entries[first:stop]

    def entry(self, row: int) -> TranscriptEntry:
        return self._entries[row]

    def set_state(self, row: int, state: DeliveryState) -> None:
        if not 0 <= row < len(self._entries):
            raise IndexError(f"no transcript row {row} (of {len(self._entries)})")
        if self._entries[row].state is not state:
            self.replace_entry(row, dataclasses.replace(self._entries[row], state=state))

    def replace_entry(self, row: int, entry: TranscriptEntry) -> None:
        """Show ``entry`` in place of row ``row`` (a queued message confirmed by its echo)."""
        if not 0 <= row < len(self._entries):
            raise IndexError(f"no transcript row {row} (of {len(self._entries)})")
        self._entries[row] = entry
        index = self.index(row)
        self.dataChanged.emit(index, index, [self.EntryRole, Qt.ItemDataRole.DisplayRole])

    def row_of(self, client_message_id: str) -> int | None:
        """The row of the message sent with ``client_message_id`` (searched from the end)."""
        for row in range(len(self._entries) - 1, -1, -1):
            if self._entries[row].client_message_id == client_message_id:
                return row
        return None


def _blank_image() -> QImage:
    image = QImage(1, 1, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    return image


_BLANK = _blank_image()


class _TranscriptDocument(QTextDocument):
    """A row's document; it never fetches what a message points at (images, tracking).

    It holds no images (:func:`_insert_markdown` turns them into text). Should one
    ever get in, every resource is a blank image: given nothing, Qt would read the
    image's name as a file itself. Nothing in a row needs a resource, not even qrc.
    """

    def loadResource(self, type: int, name: QUrl | str) -> Any:
        return _BLANK


def _bubble_rect(rect: QRect, role: Role) -> QRect:
    indent = min(_INDENT_MAX, rect.width() // 6)
    left = rect.left() + _MARGIN_H + (indent if role is Role.USER else 0)
    right = rect.right() - _MARGIN_H - (0 if role is Role.USER else indent)
    return QRect(QPoint(left, rect.top() + _MARGIN_V), QPoint(right, rect.bottom() - _MARGIN_V))


def _text_width(row_width: int) -> int:
    """The width of a row's text: its bubble's (:func:`_bubble_rect`, either role) less
    the padding. Arithmetic, not rectangles: an estimate of every row needs it."""
    bubble = row_width - 2 * _MARGIN_H - min(_INDENT_MAX, row_width // 6)
    return max(_MIN_TEXT_WIDTH, bubble - 2 * _PADDING)


def _link_format(href: str, tooltip: str, palette: QPalette) -> QTextCharFormat:
    link = QTextCharFormat()
    link.setAnchor(True)
    link.setAnchorHref(href)
    link.setForeground(palette.link())
    link.setFontUnderline(True)
    if tooltip:
        link.setToolTip(tooltip)
    return link


def _decision_aid(aid: object) -> tuple[str, str]:
    """(title, url) of a decision aid: an object or mapping, or a bare string."""
    if isinstance(aid, str):
        is_url = QUrl(aid).scheme() in ("http", "https")
        return (aid, aid if is_url else "")
    if isinstance(aid, dict):
        title, url = aid.get("title"), aid.get("url")
    else:
        title, url = getattr(aid, "title", None), getattr(aid, "url", None)
    url = url if isinstance(url, str) else ""
    title = title if isinstance(title, str) and title.strip() else url
    return (title, url)


def _insert_markdown(cursor: QTextCursor, markdown: str) -> None:
    """Insert Markdown at ``cursor`` with every image replaced by its alt text, as text.

    An image is shown as ``[image: <alt>]`` rather than its bare alt text, so that a
    reader knows something was left out and does not read the alt text as the reply's.
    """
    document = cursor.document()
    start = cursor.position()
    cursor.beginEditBlock()  # see build_document
    cursor.insertMarkdown(markdown, _MARKDOWN)
    block = document.findBlock(start)
    while block.isValid():
        if "\ufffc" in block.text():  # the character of every image (and of nothing else)
            _replace_images(block)
        block = block.next()
    cursor.endEditBlock()


def _replace_images(block: QTextBlock) -> None:
    images: list[tuple[int, int, QTextCharFormat]] = []
    fragments = block.begin()
    while not fragments.atEnd():
        fragment = fragments.fragment()
        fmt = fragment.charFormat()
        if fmt.isImageFormat():
            images.append((fragment.position(), fragment.length(), fmt))
        fragments += 1
    cursor = QTextCursor(block.document())
    for position, length, image in reversed(images):  # from the end: positions stay right
        alt = _label(str(image.property(QTextFormat.Property.ImageAltText) or ""))
        text = QTextCharFormat(image)
        for image_property in _IMAGE_PROPERTIES:
            text.clearProperty(image_property)
        cursor.setPosition(position)
        cursor.setPosition(position + length, QTextCursor.MoveMode.KeepAnchor)
        if alt:
            shown = QCoreApplication.translate("Transcript", "[image: {alt}]").format(alt=alt)
        else:
            shown = QCoreApplication.translate("Transcript", "[image]")
        cursor.insertText(shown * length, text)


def _utf16(text: str, length: int) -> Callable[[int], int] | None:
    """Maps an index into ``text`` (a block's text) to its offset in Qt's UTF-16 text of
    ``length`` units; None if the two do not match."""
    astral = [match.start() for match in _ASTRAL.finditer(text)]
    if len(text) + len(astral) != length:
        return None
    if not astral:
        return lambda index: index
    return lambda index: index + bisect.bisect_left(astral, index)


def _link_markers(
    document: QTextDocument, start: int, entry: TranscriptEntry, pal: QPalette
) -> None:
    """Turn each ``[N]`` of the rendered reply into a link to citation N (if there is one).

    One pass over the blocks from ``start``: a regular expression over each block's
    text, the formats from its fragments. Up to :data:`MAX_LINKED_MARKERS`.
    """
    by_index: dict[int, Citation] = {}
    for known in entry.citations:
        by_index.setdefault(known.index, known)
    if not by_index:
        return
    links: list[tuple[int, int, Citation]] = []
    looked_at = 0
    block = document.findBlock(start)
    while block.isValid() and looked_at < MAX_LINKED_MARKERS:
        text = block.text()
        if "[" in text and not block.blockFormat().hasProperty(_CODE_BLOCK):
            markers = (
                (match.start(), match.end(), citation)
                for match in _MARKER.finditer(text)
                if (citation := by_index.get(int(match[1]))) is not None
            )
            found = list(itertools.islice(markers, MAX_LINKED_MARKERS - looked_at))
            if found:
                looked_at += len(found)
                links += _linkable(block, text, found)
        block = block.next()
    formats: dict[int, QTextCharFormat] = {}
    cursor = QTextCursor(document)
    cursor.beginEditBlock()  # see build_document
    for first, last, citation in links:
        link = formats.get(citation.index)
        if link is None:
            link = formats[citation.index] = _link_format(
                citation.url, citation.title or citation.url, pal
            )
        cursor.setPosition(first)
        cursor.setPosition(last, QTextCursor.MoveMode.KeepAnchor)
        cursor.mergeCharFormat(link)
    cursor.endEditBlock()


def _linkable(
    block: QTextBlock, text: str, found: list[tuple[int, int, Citation]]
) -> list[tuple[int, int, Citation]]:
    """The markers of ``found`` (indexes into ``text``) that are not in a link or code,
    as document positions."""
    utf16 = _utf16(text, block.length() - 1)
    if utf16 is None:
        return []
    plain: list[tuple[int, int, bool]] = []  # fragments: start, end, neither link nor code
    fragments = block.begin()
    while not fragments.atEnd():
        fragment = fragments.fragment()
        fmt = fragment.charFormat()
        begin = fragment.position()
        plain.append(
            (begin, begin + fragment.length(), not fmt.isAnchor() and not fmt.fontFixedPitch())
        )
        fragments += 1
    linkable = []
    base, i = block.position(), 0
    for start, end, citation in found:  # both in order: one walk over the fragments
        first, last = base + utf16(start), base + utf16(end)
        while plain[i][1] <= first:
            i += 1
        j = i
        while j < len(plain) and plain[j][0] < last and plain[j][2]:
            j += 1
        if j == len(plain) or plain[j][0] >= last:
            linkable.append((first, last, citation))
    return linkable


def _break_long_runs(document: QTextDocument) -> None:
    """Put a zero-width space every :data:`_RUN_BREAK` characters of a longer unbroken
    run (never before a combining mark): Qt then lays a long "word" out in linear time."""
    breaks: list[int] = []
    block = document.begin()
    while block.isValid():
        text = block.text()
        if len(text) > _RUN_BREAK and (runs := list(_LONG_RUN.finditer(text))):
            utf16 = _utf16(text, block.length() - 1)
            if utf16 is not None:
                base = block.position()
                for run in runs:
                    index = run.start() + _RUN_BREAK
                    while index < run.end():
                        while index < run.end() and _joins(text[index]):
                            index += 1
                        if index < run.end():
                            breaks.append(base + utf16(index))
                        index += _RUN_BREAK
        block = block.next()
    cursor = QTextCursor(document)
    cursor.beginEditBlock()  # see build_document
    for position in reversed(breaks):  # from the end: positions stay right
        cursor.setPosition(position)
        cursor.insertText(_BREAK)
    cursor.endEditBlock()


def _joins(char: str) -> bool:
    """Whether ``char`` belongs to the character before it (a mark, a joiner)."""
    return char == "\u200d" or unicodedata.category(char).startswith("M")


def _size_kib(text: str) -> str:
    kib = math.ceil(len(text.encode("utf-8", "surrogatepass")) / 1024)
    return QCoreApplication.translate("Transcript", "{size} KiB").format(size=f"{kib:,}")


def _and_more(count: int) -> str:
    """The line under a list cut at its limit (``count`` is always more than one)."""
    return QCoreApplication.translate("Transcript", "… and {count} more").format(count=f"{count:,}")


def build_document(
    entry: TranscriptEntry, text_width: int, font: QFont, pal: QPalette
) -> QTextDocument:
    """Lay out one message: header line, body, then sources and decision aids."""
    document = _TranscriptDocument()
    document.setUndoRedoEnabled(False)
    document.setDocumentMargin(0)
    document.setDefaultFont(font)
    cursor = QTextCursor(document)
    # One edit block for all of it: outside one, every cursor move lays out the block it
    # lands in (to know its x), and a reply can be one long block: quadratic.
    cursor.beginEditBlock()
    bold = QTextCharFormat()
    bold.setFontWeight(QFont.Weight.Bold)
    muted = QTextCharFormat()
    muted.setForeground(pal.placeholderText())
    cursor.insertText(_label(sender_name(entry)), bold)
    cursor.insertText("  " + _label(format_timestamp(entry.timestamp)), muted)
    if badge := BADGES.get(entry.state):
        badge_format = QTextCharFormat(bold)
        badge_colour = QColor(getattr(colours_for(pal), badge[1]))
        badge_format.setForeground(badge_colour)
        cursor.insertText("  " + badge_text(entry.state), badge_format)
        if entry.state is DeliveryState.FAILED:
            failed = QTextCharFormat()
            failed.setForeground(badge_colour)
            # The server's reason as it came; the app's own when it gave none.
            reason = _label(
                entry.failure
                or QCoreApplication.translate("Transcript", "This message could not be sent.")
            )
            #: After a failed message's "Failed" badge. Retry, Delete and Copy: the message
            #: menu's items.
            advice = QCoreApplication.translate(
                "Transcript", "— {reason} Right-click for Retry, Delete, Copy."
            )
            cursor.insertText(" " + advice.format(reason=reason), failed)
    cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
    spaced = QTextBlockFormat()
    spaced.setTopMargin(6)
    if entry.role is Role.BOT:
        shown, shortened = rendered_part(entry.content, RENDER_BUDGET)
        body_start = cursor.position()
        _insert_markdown(cursor, _displayable(shown))
        _link_markers(document, body_start, entry, pal)
    else:
        shown, shortened = rendered_part(entry.content, _USER_BUDGET)
        cursor.insertText(_displayable(shown), QTextCharFormat())  # literal: never markup
    if shortened:
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertBlock(spaced, QTextCharFormat())
        shortened_note = QCoreApplication.translate(
            "Transcript",
            "… Shortened on screen: the first {shown} of {total} are shown. "
            "Select the message and press Ctrl+C to copy all of it.",
        )
        cursor.insertText(
            shortened_note.format(shown=_size_kib(shown), total=_size_kib(entry.content)), muted
        )
    citations = sorted(entry.citations, key=lambda c: c.index)
    if citations:
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertBlock(spaced, QTextCharFormat())
        cursor.insertText(QCoreApplication.translate("Transcript", "Sources"), bold)
        for citation in citations[:_MAX_SOURCES]:
            domain = _label(QUrl(citation.url).host().removeprefix("www."))
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
            cursor.insertText(f"[{citation.index}] ", QTextCharFormat())
            title = _label(citation.title or domain or citation.url)
            cursor.insertText(title, _link_format(citation.url, "", pal))
            if domain:
                cursor.insertText(f" — {domain}", muted)
        if len(citations) > _MAX_SOURCES:
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
            cursor.insertText(_and_more(len(citations) - _MAX_SOURCES), muted)
    aids = [aid for aid in map(_decision_aid, entry.decision_aids) if aid[0]]
    if aids:
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertBlock(spaced, QTextCharFormat())
        cursor.insertText(QCoreApplication.translate("Transcript", "Decision aids:") + " ", bold)
        for position, (title, url) in enumerate(aids[:_MAX_AIDS]):
            if position:
                cursor.insertText(" · ", QTextCharFormat())
            text_format = _link_format(url, "", pal) if url else QTextCharFormat()
            cursor.insertText(_label(title), text_format)
        if len(aids) > _MAX_AIDS:
            cursor.insertText(" · " + _and_more(len(aids) - _MAX_AIDS), muted)
    _break_long_runs(document)
    cursor.endEditBlock()
    document.setTextWidth(text_width)
    return document


def _entry_at(index: _Index) -> TranscriptEntry | None:
    model = index.model()
    if isinstance(model, TranscriptModel):  # the fast path: no QVariant round trip
        return model.entry(index.row()) if index.isValid() else None
    value = index.data(TranscriptModel.EntryRole)
    return value if isinstance(value, TranscriptEntry) else None


def estimated_height(entry: TranscriptEntry, text_width: int, metrics: QFontMetrics) -> int:
    """The height of ``entry``'s row before it is laid out: from its length, in lines.

    Rows out of sight get this instead of an exact layout, so its cost must stay
    linear in the (budgeted) text whatever the text holds.
    """
    per_line = max(1, text_width // max(1, metrics.averageCharWidth()))
    return _estimate(entry, per_line, metrics.lineSpacing())


def _estimate(entry: TranscriptEntry, per_line: int, line_spacing: int) -> int:
    shown = entry.content[: RENDER_BUDGET.max_chars]
    if "\n" in shown:
        lines = 1 + sum(1 + len(paragraph) // per_line for paragraph in shown.split("\n"))
    else:  # the same sum, for one paragraph (every row of a burst is estimated)
        lines = 2 + len(shown) // per_line
    sources = min(len(entry.citations), _MAX_SOURCES + 1)
    lines += (1 + sources if sources else 0) + bool(entry.decision_aids)
    return lines * line_spacing + 2 * (_PADDING + _MARGIN_V)


class TranscriptDelegate(QStyledItemDelegate):
    """Paints a message as a tinted bubble holding its laid-out document, and measures it.

    Laying out every document of a long history would stall each resize for
    seconds, so rows are measured exactly (their document laid out) only where the
    view asks for it, the rows it shows; the others are estimated from their length
    (:func:`estimated_height`). :meth:`heights` measures a batch of rows for the view
    (:class:`~desktop_app.ui.transcript_view.IncrementalListView`), which asks only
    for the rows that changed.
    """

    #: The href of a link the user clicked (not yet checked: the view decides).
    anchor_clicked = Signal(str, str)  # href, and its tooltip (a citation's title)

    def __init__(self, view: QAbstractScrollArea) -> None:
        super().__init__(view)
        self._view = view
        # Entries are immutable and both caches hold them, so an id() is never reused.
        # One document per entry: at another width it is laid out again, not built again.
        self._documents: WeightedLru[int, tuple[TranscriptEntry, QTextDocument]]
        self._documents = WeightedLru(
            max_weight=_DOCUMENT_CACHE_CHARS,
            max_items=_DOCUMENT_CACHE_SIZE,
            weigh=lambda _id, held: held[1].characterCount(),
        )
        # id(entry): the entry, the row width, its height there, whether laid out.
        self._heights: dict[int, tuple[TranscriptEntry, int, int, bool]] = {}
        self._pressed_anchor = ""

    def invalidate(self) -> None:
        """Forget every layout (the rows, font or palette changed)."""
        self._documents.clear()
        self._heights.clear()

    def forget(self, entries: Iterable[TranscriptEntry]) -> None:
        """Forget the heights of rows that are gone (their documents age out of the cache)."""
        for entry in entries:
            self._heights.pop(id(entry), None)

    def heights(self, entries: Sequence[TranscriptEntry], width: int, exact_from: int) -> list[int]:
        """The heights of rows holding ``entries`` at ``width``: laid out exactly from
        ``entries[exact_from]`` on, estimated before unless they were laid out already."""
        # One loop per kind, with what each needs read once: a burst estimates thousands.
        known, view = self._heights, self._view
        heights: list[int] = []
        if exact_from > 0:
            metrics = view.fontMetrics()
            per_line = max(1, _text_width(width) // max(1, metrics.averageCharWidth()))
            line_spacing = metrics.lineSpacing()
            for entry in entries[:exact_from]:
                cached = known.get(id(entry))
                if cached is not None and cached[0] is entry and cached[1] == width:
                    heights.append(cached[2])  # laid out or estimated: either does
                    continue
                height = _estimate(entry, per_line, line_spacing)
                known[id(entry)] = (entry, width, height, False)
                heights.append(height)
        if exact_from < len(entries):
            font, palette = view.font(), view.palette()
            for entry in entries[max(exact_from, 0) :]:
                cached = known.get(id(entry))
                if cached is not None and cached[0] is entry and cached[1] == width and cached[3]:
                    heights.append(cached[2])
                    continue
                height = self._exact_height(entry, width, font, palette)
                known[id(entry)] = (entry, width, height, True)
                heights.append(height)
        return heights

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        """The laid-out size of the row at ``index`` as wide as the viewport (the view
        itself measures through :meth:`heights`)."""
        entry = _entry_at(index)
        if entry is None:
            return super().sizeHint(option, index)
        width = self._view.viewport().width()
        return QSize(width, self.heights([entry], width, 0)[0])

    def document(
        self, entry: TranscriptEntry, row_width: int, font: QFont, palette: QPalette
    ) -> QTextDocument:
        text_width = _text_width(row_width)
        cached = self._documents.get(id(entry))
        if cached is not None and cached[0] is entry:
            document = cached[1]
            if document.textWidth() != text_width:
                document.setTextWidth(text_width)
            return document
        document = build_document(entry, text_width, font, palette)
        self._documents.put(id(entry), (entry, document))
        return document

    def _exact_height(
        self, entry: TranscriptEntry, width: int, font: QFont, palette: QPalette
    ) -> int:
        height = self.document(entry, width, font, palette).size().height()
        return math.ceil(height) + 2 * (_PADDING + _MARGIN_V)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        entry = _entry_at(index)
        if entry is None:
            super().paint(painter, option, index)
            return
        from PySide6.QtWidgets import QStyle  # see TYPE_CHECKING above

        rect, palette, width = option.rect, option.palette, self._view.viewport().width()
        document = self.document(entry, width, option.font, palette)
        bubble = _bubble_rect(rect, entry.role)
        user = entry.role is Role.USER
        tint = palette.color(QPalette.ColorRole.Highlight if user else QPalette.ColorRole.Text)
        tint.setAlpha(45 if user else 18)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if option.state & QStyle.StateFlag.State_Selected:
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 2))
        else:
            painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(tint)
        painter.drawRoundedRect(QRectF(bubble).adjusted(1, 1, -1, -1), 8, 8)
        if option.state & QStyle.StateFlag.State_HasFocus:
            # Where the keyboard is: a dashed frame in the margin round the bubble, seen
            # beside the selection's solid one.
            pen = QPen(palette.color(QPalette.ColorRole.Highlight), 2, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(bubble).adjusted(-2, -2, 2, 2), 10, 10)
        origin = QPointF(bubble.left() + _PADDING, bubble.top() + _PADDING)
        painter.translate(origin)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette = palette
        # Only what the viewport shows: a long reply is many screens tall.
        shown = QRectF(self._view.viewport().rect()).translated(-origin)
        context.clip = shown.intersected(
            QRectF(0, 0, document.textWidth(), document.size().height())
        )
        document.documentLayout().draw(painter, context)
        painter.restore()

    def link_at(self, option: QStyleOptionViewItem, index: _Index, pos: QPointF) -> tuple[str, str]:
        """(href, tooltip) of the link under ``pos`` (viewport coordinates), or ``("", "")``.

        The tooltip is the citation's title over a marker, the destination elsewhere.
        """
        entry = _entry_at(index)
        if entry is None:
            return ("", "")
        bubble = _bubble_rect(option.rect, entry.role)
        width = self._view.viewport().width()
        layout = self.document(entry, width, option.font, option.palette).documentLayout()
        local = pos - QPointF(bubble.left() + _PADDING, bubble.top() + _PADDING)
        href = layout.anchorAt(local)
        if not href:
            return ("", "")
        return (href, layout.formatAt(local).toCharFormat().toolTip() or href)

    def editorEvent(
        self, event: QEvent, model: QAbstractItemModel, option: QStyleOptionViewItem, index: _Index
    ) -> bool:
        # A link opens when pressed and released on the same link, like in a browser.
        if isinstance(event, QMouseEvent) and event.button() == Qt.MouseButton.LeftButton:
            anchor, title = self.link_at(option, index, event.position())
            if event.type() == QEvent.Type.MouseButtonPress:
                self._pressed_anchor = anchor
            elif event.type() == QEvent.Type.MouseButtonRelease:
                pressed, self._pressed_anchor = self._pressed_anchor, ""
                if anchor and anchor == pressed:
                    self.anchor_clicked.emit(anchor, title)
                    return True
        return super().editorEvent(event, model, option, index)

    def helpEvent(
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: _Index,
    ) -> bool:
        if event.type() == QEvent.Type.ToolTip and index.isValid():
            text = self.link_at(option, index, QPointF(event.pos()))[1]
            if text:
                QToolTip.showText(event.globalPos(), escaped_tooltip(text), view.viewport())
                return True
        return super().helpEvent(event, view, option, index)


_RELAYOUT_EVENTS = (QEvent.Type.FontChange, QEvent.Type.PaletteChange, QEvent.Type.StyleChange)


class TranscriptView(IncrementalListView):
    """The scrolling transcript: follows new messages while the reader is at the bottom.

    Its rows are laid out by :class:`~desktop_app.ui.transcript_view.IncrementalListView`
    (only the rows that change) and measured and painted by :class:`TranscriptDelegate`.
    """

    #: A link the user clicked, after the scheme check, as it is handed to ``open_url``.
    link_activated = Signal(QUrl)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        open_url: Callable[[QUrl], object] = QDesktopServices.openUrl,
        show_link: Callable[[QUrl, str], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self._open_url = open_url
        #: Kiosk lockdown: a link is shown in the app by this (url, title), never opened.
        self._show_link = show_link
        self._pointing = False
        self._delegate = TranscriptDelegate(self)
        self._delegate.anchor_clicked.connect(self.on_anchor_clicked)
        self.setItemDelegate(self._delegate)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAccessibleName(self.tr("Conversation transcript"))

    def measure_rows(self, first: int, last: int, exact_from: int) -> list[int]:
        model = self.model()
        if not isinstance(model, TranscriptModel):
            return super().measure_rows(first, last, exact_from)
        entries = model.entries(first, last + 1)
        return self._delegate.heights(entries, self.rows_width, exact_from - first)

    def anchor_at(self, pos: QPoint) -> str:
        """The href of the link at ``pos`` (viewport coordinates), or ``""``."""
        index = self.indexAt(pos)
        if not index.isValid():
            return ""
        from PySide6.QtWidgets import QStyleOptionViewItem

        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        option.rect = self.visualRect(index)
        return self._delegate.link_at(option, index, QPointF(pos))[0]

    def on_anchor_clicked(self, href: str, title: str = "") -> None:
        url = QUrl(href)
        scheme = url.scheme().lower()
        if not url.isValid() or scheme not in OPENABLE_SCHEMES:
            logger.warning("ignored a click on a link with scheme %r", scheme[:20])
            return
        if self._show_link is not None:
            self._show_link(url, title)
        else:
            logger.debug("opening a %s link in the system browser", scheme)
            self._open_url(url)
        self.link_activated.emit(url)

    def copy_selection(self) -> None:
        """Put the selected messages' plain text on the clipboard."""
        entries = [_entry_at(index) for index in sorted(self.selectedIndexes())]
        texts = [plain_text(entry) for entry in entries if entry is not None]
        if texts:
            QGuiApplication.clipboard().setText("\n\n".join(texts))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            event.accept()
            return
        menu_key = event.key() == Qt.Key.Key_Menu or (
            event.key() == Qt.Key.Key_F10 and event.modifiers() == Qt.KeyboardModifier.ShiftModifier
        )
        current = self.currentIndex()
        if (
            menu_key
            and current.isValid()
            and self.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
        ):
            # The message menu of the current row, not of the row under the pointer.
            self.scrollTo(current)
            self.customContextMenuRequested.emit(self.visualRect(current).center())
            event.accept()
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        # The keyboard needs a current row to show and move from: the last one in view.
        if not self.currentIndex().isValid() and self.model() is not None:
            viewport = self.viewport()
            index = self.indexAt(QPoint(viewport.width() // 2, viewport.height() - 1))
            rows = self.model().rowCount()
            if not index.isValid() and rows:
                index = self.model().index(rows - 1, 0)
            if index.isValid():
                self.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.NoUpdate
                )
        super().focusInEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        pointing = bool(self.anchor_at(event.position().toPoint()))
        if pointing != self._pointing:
            self._pointing = pointing
            if pointing:
                self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
            else:
                self.viewport().unsetCursor()

    def reset(self) -> None:
        self._delegate.invalidate()
        super().reset()

    def rowsAboutToBeRemoved(self, parent: _Index, start: int, end: int) -> None:
        model = self.model()
        if isinstance(model, TranscriptModel) and not parent.isValid():
            self._delegate.forget(model.entry(row) for row in range(start, end + 1))
        super().rowsAboutToBeRemoved(parent, start, end)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in _RELAYOUT_EVENTS:
            self._delegate.invalidate()
            self.scheduleDelayedItemsLayout()
        super().changeEvent(event)
