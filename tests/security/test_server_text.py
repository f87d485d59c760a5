"""Finding 2 of issue 11: text from the server or a library is shown as plain text.

Qt renders a label in its default format, a message box and any tooltip as HTML
when the string looks like some, and HTML loads ``file:`` images and draws what
it likes (a large "call 555" heading in the sign-in dialog). Three places did:
the WebSocket close reason in the connection light's tooltip, citation titles in
the ``[N]`` tooltips, and an HTTP library's parse error (which quotes the
server's bytes) in the sign-in dialog.

The structural test walks the real window after hostile text went in wherever
the server can put some (a close reason, a conversation title, a citation title,
a link), with the sign-in, diagnostics, About, About Qt and message boxes open,
and fails on any label that is not plain text and on any tooltip that Qt would
render as markup other than the one escaped paragraph of
:func:`desktop_app.ui.plain_text.tooltip`.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st
from PySide6 import QtGui
from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QPoint, QPointF, Qt
from PySide6.QtGui import QAction, QHelpEvent, QMouseEvent, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QMessageBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop_app.control.session import SessionController
from desktop_app.core.frames import Citation, Role
from desktop_app.core.outbox import OutboxLimits
from desktop_app.core.transcript import TranscriptEntry
from desktop_app.demo.server import DemoServer
from desktop_app.net.http import HttpError, PlatformClient
from desktop_app.ui import connection_indicator, transcript
from desktop_app.ui.about import AboutDialog
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.plain_text import tooltip
from desktop_app.ui.sign_in_dialog import UNREACHABLE, SignInDialog
from tests.ui.conftest import LoopDriver, open_connected

WindowFactory = Callable[..., MainWindow]

#: What a hostile server writes: an image read from disk, and a heading of its own.
CALL = "Call 555-0100"
HOSTILE = f"<img src='file:///nonexistent/sdm-canary.png'><h1>{CALL}</h1>"
STAMP = "2024-01-01T10:00:00+00:00"

#: The only markup a tooltip may hold: one paragraph of escaped text.
_ESCAPED_PARAGRAPH = re.compile(r"<p style='[^'<>]*'>[^<>]*</p>", re.DOTALL)


def renders_as_plain(tip: str) -> bool:
    """Whether Qt shows ``tip`` as exactly its characters, with no markup of the text's own:
    it does not look like rich text to Qt, or it is one paragraph of escaped text."""
    return not QtGui.Qt.mightBeRichText(tip) or _ESCAPED_PARAGRAPH.fullmatch(tip) is not None


def shown_text(tip: str) -> str:
    """The characters a tooltip shows."""
    if not QtGui.Qt.mightBeRichText(tip):
        return tip
    document = QTextDocument()
    document.setHtml(tip)
    return document.toPlainText()


class Problems:
    """What the walk found: one line per label or tooltip that breaks the rules."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def tooltip(self, where: str, tip: str) -> None:
        if tip and not renders_as_plain(tip):
            self.lines.append(f"{where}: tooltip rendered as markup: {tip[:120]!r}")


def _name(widget: QWidget) -> str:
    label = widget.text()[:40] if isinstance(widget, QLabel) else ""
    return f"{type(widget).__name__}({widget.objectName() or widget.accessibleName() or label!r})"


def _plain(label: QLabel) -> bool:
    if label.textFormat() == Qt.TextFormat.PlainText:
        return True
    # Qt's own image-only labels (a message box's icon) hold no text at all.
    return not label.text() and label.objectName().startswith("qt_")


def _columns(model: QAbstractItemModel) -> int:
    try:
        return model.columnCount(QModelIndex())
    except TypeError:  # a list model's columnCount() is private: one column
        return 1


def walk(root: QWidget) -> list[str]:
    """Every label, widget tooltip, item tooltip and action tooltip under ``root``."""
    problems = Problems()
    for widget in [root, *root.findChildren(QWidget)]:
        problems.tooltip(_name(widget), widget.toolTip())
        if isinstance(widget, QLabel) and not _plain(widget):
            problems.lines.append(f"{_name(widget)}: {widget.textFormat()} label")
        if isinstance(widget, QAbstractItemView) and (model := widget.model()) is not None:
            for row in range(min(model.rowCount(), 200)):
                for column in range(_columns(model)):
                    tip = model.data(model.index(row, column), Qt.ItemDataRole.ToolTipRole)
                    if isinstance(tip, str):
                        problems.tooltip(f"{_name(widget)} row {row}", tip)
    for action in root.findChildren(QAction):
        problems.tooltip(f"action {action.text()!r}", action.toolTip())
    return problems.lines


class ToolTips:
    """Stands in for QToolTip in a module: records what would be shown (the offscreen
    platform warns when a real tooltip window opens)."""

    def __init__(self) -> None:
        self.shown: list[str] = []

    def showText(self, _pos: QPoint, text: str, *_args: Any) -> None:
        self.shown.append(text)


# --- the tooltip helper ------------------------------------------------------------------


def _visible(text: str) -> str:
    """``text`` as any label shows it: line ends as line breaks, a no-break space as a
    space (in the plain text Qt gives back), no line break at the very end."""
    for line_end in ("\r\n", "\r", "\u2028", "\u2029"):
        text = text.replace(line_end, "\n")
    return text.replace("\xa0", " ").rstrip("\n")


@given(text=st.text(max_size=300))
def test_a_tooltip_shows_exactly_the_characters_it_was_given(qapp: QApplication, text: str) -> None:
    tip = tooltip(text)
    note(repr(tip))
    if not text:
        assert tip == ""
        return
    assert renders_as_plain(tip)
    assert QtGui.Qt.mightBeRichText(tip)  # or Qt would show the escapes themselves
    assert _visible(shown_text(tip)) == _visible(text)


def test_a_huge_tooltip_is_cut(qapp: QApplication) -> None:
    tip = tooltip("x" * 1_000_000)
    assert len(shown_text(tip)) <= 2_000
    assert shown_text(tip).endswith("…")


# --- the whole window ----------------------------------------------------------------


def test_no_label_or_tooltip_of_the_window_renders_server_text_as_markup(
    driver: LoopDriver,
    demo: DemoServer,
    make_window: WindowFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # No room in the outbox: sending opens the "not queued" message box.
    window = make_window(limits=OutboxLimits(max_bytes=1))
    # A conversation title, which the server may name.
    open_connected(driver, window, demo.create_conversation(), HOSTILE)
    # A reply with a hostile citation title and link.
    citation = Citation(index=1, url="https://example.org/guide", title=HOSTILE)
    reply = TranscriptEntry(
        Role.BOT, "Assistant", f"See [1] and [{HOSTILE}](javascript:x).", STAMP, (citation,)
    )
    driver.call(window.show_transcript, [reply])
    # A close reason, which the server writes.
    assert driver.run(demo.close_websockets("chat", 4000, HOSTILE)) == 1
    driver.wait_until(lambda: CALL in window.indicator.summary.details)
    # Every dialog open at once, a message box with the server's words among them.
    driver.call(window.on_sign_in_requested)
    driver.call(window.on_show_diagnostics)
    driver.call(window.on_about)
    about = window.findChild(AboutDialog)
    assert about is not None
    driver.call(about.on_about_qt_clicked)
    driver.call(window.composer.setPlainText, HOSTILE)
    driver.call(window.on_send)
    driver.wait_until(
        lambda: "Message not queued" in [b.windowTitle() for b in window.findChildren(QMessageBox)]
    )
    QApplication.processEvents()

    # The tooltips that appear on demand: a citation marker's, and the light's on a click.
    marker_tips, light_tips = ToolTips(), ToolTips()
    monkeypatch.setattr(transcript, "QToolTip", marker_tips)
    monkeypatch.setattr(connection_indicator, "QToolTip", light_tips)
    view = window.transcript_view
    view.scrollToTop()
    QApplication.processEvents()
    point = _link_point(view, citation.url)
    QApplication.sendEvent(
        view.viewport(),
        QHelpEvent(QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point)),
    )
    press = QMouseEvent(
        QEvent.Type.MouseButtonPress,
        QPointF(2, 2),
        window.indicator.mapToGlobal(QPointF(2, 2)),
        Qt.MouseButton.LeftButton,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window.indicator, press)

    problems = walk(window)
    problems += [
        f"a citation marker's tooltip: {t!r}" for t in marker_tips.shown if not renders_as_plain(t)
    ]
    problems += [f"the light's tooltip: {t!r}" for t in light_tips.shown if not renders_as_plain(t)]
    assert problems == []
    # The hostile text got everywhere it should, as text.
    item_tip = window.conversations.list.item(0).data(Qt.ItemDataRole.ToolTipRole)
    for where, tip in [
        ("the connection light", window.indicator.toolTip()),
        ("the connection light, clicked", light_tips.shown[0]),
        ("a citation marker", marker_tips.shown[0]),
        ("the conversation list", item_tip),
    ]:
        assert HOSTILE in shown_text(tip), where


def _link_point(view: QAbstractItemView, href: str) -> QPoint:
    rect = view.visualRect(view.model().index(0, 0))
    for y in range(rect.top(), rect.bottom(), 2):
        for x in range(rect.left(), rect.right(), 2):
            if view.anchor_at(QPoint(x, y)) == href:  # type: ignore[attr-defined]
                return QPoint(x, y)
    raise AssertionError(f"no link to {href} painted")


# --- the sign-in dialog against a hostile server ------------------------------------------


async def _hostile_http_server() -> asyncio.Server:
    """Answers every request with a status line of HTML: the HTTP library's parse error
    then quotes it."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(f"HTTP/1.1 {HOSTILE}\r\n\r\n".encode())
            await writer.drain()
        finally:
            writer.close()

    return await asyncio.start_server(answer, "127.0.0.1", 0)


def test_a_sign_in_error_quoting_the_servers_html_shows_plain_words(
    driver: LoopDriver, qtbot: QtBot
) -> None:
    server = driver.run(_hostile_http_server())
    port = server.sockets[0].getsockname()[1]
    client = PlatformClient(f"http://127.0.0.1:{port}")
    session = SessionController(client, [], server_key="hostile", store=None)
    try:
        # What the label must never show: the library's error quotes the server's bytes.
        with pytest.raises(HttpError) as caught:
            driver.run(client.sign_in("pat@example.org", "secret"))
        assert f"<h1>{CALL}</h1>" in str(caught.value.__cause__)

        dialog = SignInDialog(session, f"http://127.0.0.1:{port}")
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.email.setText("pat@example.org")
        dialog.password.setText("secret")
        driver.call(dialog.on_sign_in_clicked)
        driver.wait_until(dialog.error.isVisible)
        assert dialog.error.text() == UNREACHABLE
        assert walk(dialog) == []
        driver.call(dialog.reject)
    finally:
        driver.run(session.aclose())
        driver.run(client.aclose())
        server.close()
        driver.run(server.wait_closed())


def test_every_label_of_the_about_box_is_plain(driver: LoopDriver, qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    about = AboutDialog(HOSTILE, parent)  # the server's address as the user typed it
    driver.call(about.on_about_qt_clicked)
    assert about.about_qt_box is not None
    assert isinstance(about.about_qt_box, QMessageBox)
    assert walk(parent) == []
    driver.call(about.about_qt_box.close)
    driver.call(about.reject)
