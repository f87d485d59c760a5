"""The transcript model and view: signals, rendering, links, layout and scrolling."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QEvent, QModelIndex, QPoint, QSize, Qt, QUrl
from PySide6.QtGui import QGuiApplication, QHelpEvent, QImage, QTextDocument
from PySide6.QtTest import QAbstractItemModelTester, QTest
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from desktop_app.core.frames import ChatMessage, Citation, Role, decode_frame
from desktop_app.core.transcript import DeliveryState, TranscriptEntry
from desktop_app.ui import transcript
from desktop_app.ui.plain_text import tooltip
from desktop_app.ui.transcript import (
    TranscriptModel,
    TranscriptView,
    build_document,
    format_timestamp,
)
from desktop_app.ui.translation import message_time

GUIDE = Citation(index=1, url="https://www.example.org/guide", title="Knee guideline")
STAMP = "2024-01-01T10:00:00+00:00"


def user(text: str, **kwargs: object) -> TranscriptEntry:
    return TranscriptEntry(Role.USER, "Pat", text, STAMP, **kwargs)  # type: ignore[arg-type]


def bot(text: str, **kwargs: object) -> TranscriptEntry:
    return TranscriptEntry(Role.BOT, "Assistant", text, STAMP, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def model(qapp: QApplication) -> Iterator[TranscriptModel]:
    model = TranscriptModel()
    # Reports any broken model contract as a Qt warning, which fails the test.
    tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning)
    yield model
    del tester


@pytest.fixture
def opened() -> list[QUrl]:
    return []


@pytest.fixture
def view(qtbot: QtBot, model: TranscriptModel, opened: list[QUrl]) -> TranscriptView:
    view = TranscriptView(open_url=opened.append)
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(500, 400)
    return view


def show(qtbot: QtBot, view: TranscriptView) -> None:
    view.show()
    qtbot.waitExposed(view)
    QApplication.processEvents()


def anchor_point(view: TranscriptView, row: int, href: str) -> QPoint:
    """A viewport point over the link to ``href`` in ``row``, found on the painted layout."""
    rect = view.visualRect(view.model().index(row, 0))
    for y in range(rect.top(), rect.bottom(), 2):
        for x in range(rect.left(), rect.right(), 2):
            if view.anchor_at(QPoint(x, y)) == href:
                return QPoint(x, y)
    raise AssertionError(f"no link to {href} painted in row {row}")


def document(view: TranscriptView, row: int) -> QTextDocument:
    index = view.model().index(row, 0)
    entry = view.model().data(index, TranscriptModel.EntryRole)
    return build_document(entry, 400, view.font(), view.palette())


# --- model -------------------------------------------------------------------


def test_append_and_extend_insert_rows_in_one_batch(qtbot: QtBot, model: TranscriptModel) -> None:
    with qtbot.waitSignal(model.rowsInserted, check_params_cb=lambda p, a, b: (a, b) == (0, 0)):
        model.append(user("one"))
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    model.extend(user(str(n)) for n in range(3))
    model.extend([])  # nothing to insert: no signal
    assert inserted == [(1, 3)]
    assert model.rowCount() == 4
    assert model.rowCount(model.index(0)) == 0  # a list: no children


def test_insert_many_inserts_a_batch_in_place_in_one_insertion(model: TranscriptModel) -> None:
    model.extend([user("a"), user("d")])
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    model.insert_many(1, [user("b"), user("c")])
    model.insert_many(4, [])  # nothing to insert: no signal
    assert inserted == [(1, 2)]
    assert [e.content for e in model.entries()] == ["a", "b", "c", "d"]
    with pytest.raises(IndexError):
        model.insert_many(9, [user("x")])


def test_replace_all_and_clear_reset_the_model(qtbot: QtBot, model: TranscriptModel) -> None:
    model.extend([user("a"), user("b")])
    with qtbot.waitSignal(model.modelReset):
        model.replace_all([bot("c")])
    assert [e.content for e in model.entries()] == ["c"]
    with qtbot.waitSignal(model.modelReset):
        model.clear()
    assert model.rowCount() == 0


def test_entries_is_a_copy(model: TranscriptModel) -> None:
    model.extend([user("a"), user("b"), user("c")])
    model.entries().clear()
    model.entries(1, 2).clear()
    assert model.rowCount() == 3
    assert [e.content for e in model.entries(1, 3)] == ["b", "c"]


def test_set_state_replaces_the_entry_and_emits_data_changed(
    qtbot: QtBot, model: TranscriptModel
) -> None:
    model.extend([user("a", client_message_id="c1"), user("b")])
    with qtbot.waitSignal(
        model.dataChanged, check_params_cb=lambda tl, br, _roles: tl.row() == br.row() == 1
    ):
        model.set_state(1, DeliveryState.QUEUED)
    assert model.entries()[1].state is DeliveryState.QUEUED
    assert model.entries()[1].content == "b"
    with qtbot.assertNotEmitted(model.dataChanged):
        model.set_state(1, DeliveryState.QUEUED)  # unchanged
    with pytest.raises(IndexError):
        model.set_state(2, DeliveryState.FAILED)


def test_data_gives_the_entry_and_a_plain_summary(model: TranscriptModel) -> None:
    today = datetime.now().astimezone().replace(hour=9, minute=5).isoformat()
    model.extend(
        [
            TranscriptEntry(Role.USER, "Pat", "Is it\nsafe?", today),
            TranscriptEntry(Role.BOT, "", "It is **usually** safe [1].", today, (GUIDE,)),
        ]
    )
    first, second = model.index(0), model.index(1)
    assert model.data(first, TranscriptModel.EntryRole) is model.entries()[0]
    assert model.data(first) == "Pat, 09:05: Is it safe?"
    assert model.data(second) == "Assistant, 09:05: It is usually safe [1]."
    assert model.data(first, Qt.ItemDataRole.DecorationRole) is None
    assert model.data(QModelIndex()) is None
    model.set_state(0, DeliveryState.FAILED)
    assert model.data(first) == "Pat, 09:05, failed: Is it safe?"


def test_entry_from_a_decoded_chat_frame() -> None:
    frame = {
        "role": "bot",
        "name": "Assistant",
        "content": "See [1].",
        "timestamp": STAMP,
        "citations": [{"index": 1, "url": GUIDE.url, "title": GUIDE.title}],
        "decision_aids": [{"title": "Aid", "url": "https://aid.example"}],
    }
    message = decode_frame(json.dumps(frame))
    assert isinstance(message, ChatMessage)
    entry = TranscriptEntry.from_message(message)
    assert entry.role is Role.BOT
    assert entry.citations[0].url == GUIDE.url
    assert entry.decision_aids == ({"title": "Aid", "url": "https://aid.example"},)
    assert entry.state is DeliveryState.DELIVERED
    assert "See" not in repr(entry)  # patient text stays out of reprs


def test_timestamps_show_local_time_and_the_date_when_not_today() -> None:
    # In the locale's short format (ui.translation.message_time, tested with the locales).
    now = datetime.now().astimezone()
    today = now.date()
    moment = now.replace(hour=14, minute=2)
    shown_today = format_timestamp(moment.isoformat(), now=now)
    assert shown_today == message_time(moment, today=today)
    earlier = moment - timedelta(days=3)
    shown = format_timestamp(earlier.isoformat(), now=now)
    assert shown == message_time(earlier, today=today)
    assert shown.endswith(" " + shown_today)  # the date, then the same time
    utc = datetime(2024, 5, 6, 7, 8, tzinfo=UTC)  # shown in local time, DST included
    assert format_timestamp(utc.isoformat(), now=now) == message_time(utc.astimezone(), today=today)
    assert format_timestamp("yesterday-ish", now=now) == "yesterday-ish"


# --- rendering ---------------------------------------------------------------


def test_citation_marker_becomes_a_link_with_the_title_as_tooltip(
    qtbot: QtBot, view: TranscriptView, model: TranscriptModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []

    class ToolTip:  # the offscreen platform warns when a real tooltip window is raised
        @staticmethod
        def showText(_pos: QPoint, text: str, _widget: object) -> None:
            shown.append(text)

    monkeypatch.setattr(transcript, "QToolTip", ToolTip)
    model.append(bot("Knees heal [1] but [2] has no source.", citations=(GUIDE,)))
    show(qtbot, view)
    html = document(view, 0).toHtml()
    assert f'<a href="{GUIDE.url}">' in html
    assert "[2]" in document(view, 0).toPlainText()
    assert html.count("<a href=") == 2  # the marker and the Sources entry; [2] stays plain
    point = anchor_point(view, 0, GUIDE.url)
    event = QHelpEvent(QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point))
    QApplication.sendEvent(view.viewport(), event)
    assert shown == [tooltip(GUIDE.title)]  # escaped: the server's text, never markup


def test_existing_links_and_code_are_left_alone(
    view: TranscriptView, model: TranscriptModel
) -> None:
    content = "[1](https://other.example) and `x[1]`\n\n```\ny[1]\n```\n\n    z[1]\n"
    model.append(bot(content, citations=(GUIDE,)))
    html = document(view, 0).toHtml()
    assert '<a href="https://other.example">' in html
    assert html.count(f'<a href="{GUIDE.url}">') == 1  # only the Sources entry


def test_user_text_is_never_markup(view: TranscriptView, model: TranscriptModel) -> None:
    model.append(user("<b>bold?</b> **stars** [1]\nsecond line"))
    doc = document(view, 0)
    text = doc.toPlainText()
    assert "<b>bold?</b> **stars** [1]\nsecond line" in text
    assert "<a " not in doc.toHtml()
    assert 'font-weight:700;">bold' not in doc.toHtml()


def test_sources_and_decision_aids_are_listed_as_links(
    view: TranscriptView, model: TranscriptModel
) -> None:
    @dataclass
    class Aid:
        title: str
        url: str

    aids: tuple[object, ...] = (
        {"title": "Knee options", "url": "https://aids.example/knee"},
        {"title": "No link"},
        {"url": "https://aids.example/bare"},
        "https://aids.example/string",
        Aid("As object", "https://aids.example/object"),
        {},
        None,
    )
    model.append(bot("Answer [1].", citations=(GUIDE,), decision_aids=aids))
    doc = document(view, 0)
    text = doc.toPlainText()
    assert "Sources\n[1] Knee guideline — example.org" in text
    assert (
        "Decision aids: Knee options · No link · https://aids.example/bare"
        " · https://aids.example/string · As object"
    ) in text
    html = doc.toHtml()
    for href in ["knee", "bare", "string", "object"]:
        assert f'<a href="https://aids.example/{href}">' in html


def test_remote_images_are_not_fetched(
    qtbot: QtBot, view: TranscriptView, model: TranscriptModel
) -> None:
    model.append(bot("![pixel](https://tracker.example/p.png) hello"))
    show(qtbot, view)  # painting it must not warn either
    doc = document(view, 0)
    assert "[image: pixel] hello" in doc.toPlainText()
    image = QTextDocument.ResourceType.ImageResource.value
    for name in ("https://tracker.example/p.png", "file:///etc/passwd", "qrc:/x.png"):
        blank = doc.loadResource(image, QUrl(name))
        assert isinstance(blank, QImage)
        assert blank.size() == QSize(1, 1)


def test_badges_show_in_the_header_of_undelivered_messages(
    view: TranscriptView, model: TranscriptModel
) -> None:
    model.extend([user("a"), user("b"), user("c")])
    model.set_state(1, DeliveryState.QUEUED)
    model.set_state(2, DeliveryState.FAILED)
    docs = [document(view, row) for row in range(3)]  # a block must not outlive its document
    headers = [doc.begin().text() for doc in docs]
    assert headers[0] == f"Pat  {format_timestamp(STAMP)}"
    assert headers[1].endswith("Queued")
    # A failure says why and what can be done (the generic reason: none was given).
    assert "Failed — This message could not be sent. Right-click for Retry" in headers[2]
    model.replace_entry(2, dataclasses.replace(model.entry(2), failure="It is gone."))
    failed = document(view, 2)
    assert "Failed — It is gone. Right-click" in failed.begin().text()


# --- links -------------------------------------------------------------------


def test_clicking_a_link_opens_it_outside_and_emits(
    qtbot: QtBot, view: TranscriptView, model: TranscriptModel, opened: list[QUrl]
) -> None:
    model.append(bot("Knees heal [1].", citations=(GUIDE,)))
    show(qtbot, view)
    point = anchor_point(view, 0, GUIDE.url)
    with qtbot.waitSignal(view.link_activated) as signal:
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert opened == [QUrl(GUIDE.url)]
    assert signal.args == [QUrl(GUIDE.url)]
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(2, 2))
    assert len(opened) == 1  # not on a link


def test_unsafe_links_are_ignored_and_logged_without_text(
    qtbot: QtBot,
    view: TranscriptView,
    model: TranscriptModel,
    opened: list[QUrl],
    caplog: pytest.LogCaptureFixture,
) -> None:
    model.append(bot("Secret words [here](javascript:alert(1))"))
    show(qtbot, view)
    point = anchor_point(view, 0, "javascript:alert(1)")
    with qtbot.assertNotEmitted(view.link_activated):
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert opened == []
    records = [r for r in caplog.records if r.name == "desktop_app.ui.transcript"]
    assert any("javascript" in r.getMessage() for r in records)
    assert not any("Secret" in r.getMessage() or "alert" in r.getMessage() for r in records)


def test_the_pointer_becomes_a_hand_over_links(
    qtbot: QtBot, view: TranscriptView, model: TranscriptModel
) -> None:
    model.append(bot("Knees heal [1].", citations=(GUIDE,)))
    show(qtbot, view)
    QTest.mouseMove(view.viewport(), anchor_point(view, 0, GUIDE.url))
    assert view.viewport().cursor().shape() == Qt.CursorShape.PointingHandCursor
    QTest.mouseMove(view.viewport(), QPoint(2, 2))
    assert view.viewport().cursor().shape() == Qt.CursorShape.ArrowCursor


@pytest.mark.parametrize("href", ["file:///etc/passwd", "data:text/html,x", "mailto:a@b.example"])
def test_only_web_and_mail_schemes_open(
    view: TranscriptView, opened: list[QUrl], href: str
) -> None:
    view.on_anchor_clicked(href)
    assert opened == ([QUrl(href)] if href.startswith("mailto:") else [])


# --- layout and scrolling ----------------------------------------------------


def test_row_height_follows_text_length_and_view_width(
    qtbot: QtBot, view: TranscriptView, model: TranscriptModel
) -> None:
    model.extend([user("short"), user("a rather long message " * 20)])
    view.resize(400, 600)
    show(qtbot, view)
    short, long = view.model().index(0, 0), view.model().index(1, 0)
    assert view.visualRect(long).height() > view.visualRect(short).height()
    narrow = view.visualRect(long).height()
    view.resize(900, 600)
    qtbot.waitUntil(lambda: view.visualRect(long).height() < narrow)
    assert view.visualRect(long).width() == view.viewport().width()


def test_the_delegates_size_hint_is_the_laid_out_row(
    qtbot: QtBot, view: TranscriptView, model: TranscriptModel
) -> None:
    # The view measures rows itself (only those that change); a delegate's sizeHint()
    # still answers anyone who asks, with the same laid-out size.
    model.extend([user("short"), bot("a longer reply that wraps " * 20)])
    show(qtbot, view)
    delegate = view.itemDelegate()
    option = QStyleOptionViewItem()
    short, long = (delegate.sizeHint(option, model.index(row)) for row in (0, 1))
    assert short.width() == long.width() == view.viewport().width()
    assert long.height() > short.height() > 0
    assert view.visualRect(model.index(1)).height() == long.height()
    assert model.data(model.index(0), Qt.ItemDataRole.SizeHintRole) is None


def test_rows_far_from_the_end_get_exact_heights_once_shown(
    qtbot: QtBot, view: TranscriptView, model: TranscriptModel
) -> None:
    # Only the newest rows are laid out up front; older ones are estimated until painted.
    first = bot("# A heading\n\n- one\n- two\n- three\n\nSome text that wraps. " * 3)
    model.extend([first, *(user(f"message {n}") for n in range(300))])
    reference_model = TranscriptModel()
    reference_model.append(first)  # alone, so laid out exactly
    reference = TranscriptView()
    qtbot.addWidget(reference)
    reference.setModel(reference_model)
    for each in (view, reference):
        each.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)  # same widths
        each.resize(500, 400)
        show(qtbot, each)
    exact = reference.visualRect(reference_model.index(0)).height()
    view.scrollToTop()
    qtbot.waitUntil(lambda: view.visualRect(model.index(0)).height() == exact)


def test_appending_follows_the_bottom_unless_scrolled_up(
    qtbot: QtBot, view: TranscriptView, model: TranscriptModel
) -> None:
    model.extend(user(f"message {n}") for n in range(40))
    show(qtbot, view)
    view.scrollToBottom()
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())
    before = bar.maximum()
    model.append(bot("a new reply\n\nwith two paragraphs"))
    qtbot.waitUntil(lambda: bar.maximum() > before and bar.value() == bar.maximum())

    bar.setValue(0)  # the reader scrolls up
    before = bar.maximum()
    model.append(bot("another reply"))
    qtbot.waitUntil(lambda: bar.maximum() > before)
    QApplication.processEvents()
    assert bar.value() == 0


def test_five_thousand_messages_stay_responsive(
    qtbot: QtBot, view: TranscriptView, model: TranscriptModel
) -> None:
    entries = [
        bot(
            f"Reply **{n}** citing [1], long enough to wrap once or twice. " * 2, citations=(GUIDE,)
        )
        if n % 2
        else user(f"Question {n}?")
        for n in range(5000)
    ]
    started = time.monotonic()
    model.extend(entries)
    show(qtbot, view)
    view.scrollToBottom()
    QApplication.processEvents()
    model.append(user("one more"))
    QApplication.processEvents()
    view.resize(700, 400)  # every row's height depends on the width
    QApplication.processEvents()
    elapsed = time.monotonic() - started
    assert elapsed < 5.0, f"{elapsed:.1f} s"  # a guard against O(n^2), not a benchmark
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.value() == bar.maximum())
    last = view.visualRect(model.index(model.rowCount() - 1))
    assert view.viewport().rect().intersects(last)


# --- keyboard and accessibility ----------------------------------------------


def test_keyboard_moves_between_messages_and_copies_plain_text(
    qtbot: QtBot, view: TranscriptView, model: TranscriptModel
) -> None:
    model.extend([user("first"), bot("It is **safe** [1].", citations=(GUIDE,))])
    show(qtbot, view)
    assert view.accessibleName() == "Conversation transcript"
    assert view.focusPolicy() & Qt.FocusPolicy.TabFocus
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, 0))
    QTest.keyClick(view, Qt.Key.Key_Down)
    assert view.currentIndex().row() == 1
    QTest.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "It is safe [1]."
    QTest.keyClick(view, Qt.Key.Key_Up)
    assert view.currentIndex().row() == 0
