"""The transcript's list view: it lays out only the rows that change, and its geometry
(where a row is, which row is at a point, scrolling, keys, selection, accessibility) is
the running sum of the row heights it keeps."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator

import pytest
from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    QStringListModel,
    Qt,
)
from PySide6.QtGui import QAccessible, QGuiApplication, QPainter
from PySide6.QtTest import QAbstractItemModelTester, QTest
from PySide6.QtWidgets import (
    QApplication,
    QListView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop_app.core.frames import Citation, Role
from desktop_app.core.transcript import DeliveryState, TranscriptEntry
from desktop_app.ui.transcript import TranscriptDelegate, TranscriptModel, TranscriptView
from desktop_app.ui.transcript_view import IncrementalListView

STAMP = "2024-01-01T10:00:00+00:00"
GUIDE = Citation(index=1, url="https://www.example.org/guide", title="Knee guideline")


def user(text: str) -> TranscriptEntry:
    return TranscriptEntry(Role.USER, "Pat", text, STAMP)


def bot(text: str) -> TranscriptEntry:
    return TranscriptEntry(Role.BOT, "Assistant", text, STAMP, (GUIDE,))


def history(count: int) -> list[TranscriptEntry]:
    return [
        bot(f"Reply **{n}** citing [1], long enough to wrap once. " * (1 + n % 3))
        if n % 2
        else user(f"Question {n}?")
        for n in range(count)
    ]


@pytest.fixture
def model(qapp: QApplication) -> Iterator[TranscriptModel]:
    model = TranscriptModel()
    tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning)
    yield model
    del tester


@dataclasses.dataclass
class DelegateSpy:
    """What Qt asked of the transcript's delegate: size hints (Qt's own layout asks one
    per row), and the rows painted with their rectangles."""

    size_hints: int = 0
    painted: list[tuple[int, QRect]] = dataclasses.field(default_factory=list)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> DelegateSpy:
    # On the class, before any delegate exists: PySide looks a Python override up once
    # per object, at the first call from Qt.
    spy = DelegateSpy()
    size_hint, paint = TranscriptDelegate.sizeHint, TranscriptDelegate.paint

    def counted_size_hint(
        delegate: TranscriptDelegate, option: QStyleOptionViewItem, index: QModelIndex
    ) -> QSize:
        spy.size_hints += 1
        return size_hint(delegate, option, index)

    def counted_paint(
        delegate: TranscriptDelegate,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex,
    ) -> None:
        spy.painted.append((index.row(), QRect(option.rect)))
        paint(delegate, painter, option, index)

    monkeypatch.setattr(TranscriptDelegate, "sizeHint", counted_size_hint)
    monkeypatch.setattr(TranscriptDelegate, "paint", counted_paint)
    return spy


@pytest.fixture
def view(qtbot: QtBot, model: TranscriptModel, spy: DelegateSpy) -> TranscriptView:
    view = TranscriptView(open_url=lambda _url: None)
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(500, 400)
    return view


def show(qtbot: QtBot, view: QWidget) -> None:
    view.show()
    qtbot.waitExposed(view)
    QApplication.processEvents()


def measured_rows(view: IncrementalListView, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The rows the view measures from now on (each time it measures one)."""
    rows: list[int] = []
    measure = view.measure_rows

    def counting(first: int, last: int, exact_from: int) -> list[int]:
        rows.extend(range(first, last + 1))
        return measure(first, last, exact_from)

    monkeypatch.setattr(view, "measure_rows", counting)
    return rows


def geometry_is_the_running_sum(view: IncrementalListView, model: TranscriptModel) -> None:
    rows = view.row_heights
    assert len(rows) == model.rowCount()
    offset = view.verticalScrollBar().value()
    top = 0
    for row, height in enumerate(rows):
        rect = view.visualRect(model.index(row))
        assert rect == QRect(0, top - offset, view.viewport().width(), height), row
        assert rows.top(row) == top
        top += height
    assert rows.total == top
    assert view.verticalScrollBar().maximum() == max(0, top - view.viewport().height())


# --- only the rows that change are measured ------------------------------------------------


def test_appending_to_ten_thousand_rows_measures_only_the_new_row(
    view: TranscriptView, model: TranscriptModel, spy: DelegateSpy, monkeypatch: pytest.MonkeyPatch
) -> None:
    model.extend(history(10_000))
    view.doItemsLayout()
    measured = measured_rows(view, monkeypatch)

    model.append(user("one more"))
    QApplication.processEvents()
    assert measured == [10_000]  # not every row again, as QListView does

    model.extend([user("two"), user("three")])
    model.set_state(5_000, DeliveryState.FAILED)  # a badge, far up
    QApplication.processEvents()
    assert measured == [10_000, 10_002, 10_001, 5_000]
    assert spy.size_hints == 0  # Qt's own layout (a size hint per row) never ran
    geometry_is_the_running_sum(view, model)

    QListView.doItemsLayout(view)  # what QListView does at each insertion (and the spy works)
    assert spy.size_hints >= model.rowCount()


def test_a_shown_view_measures_the_new_row_and_the_rows_it_paints(
    qtbot: QtBot,
    view: TranscriptView,
    model: TranscriptModel,
    spy: DelegateSpy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model.extend(history(10_000))
    show(qtbot, view)
    measured = measured_rows(view, monkeypatch)
    spy.painted.clear()

    model.append(bot("a new reply"))
    view.viewport().repaint()
    shown = [view.indexAt(QPoint(1, y)).row() for y in range(view.viewport().height())]
    on_screen = {row for row in shown if row >= 0}
    assert 10_000 in on_screen  # following the bottom
    assert spy.painted
    assert {row for row, _rect in spy.painted} <= on_screen
    assert set(measured) <= on_screen
    assert spy.size_hints == 0


def test_a_burst_is_laid_out_once_per_batch(
    view: TranscriptView, model: TranscriptModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    model.extend(history(2_000))
    view.doItemsLayout()
    measured = measured_rows(view, monkeypatch)
    model.extend(history(500))
    assert sorted(measured) == list(range(2_000, 2_500))
    geometry_is_the_running_sum(view, model)


# --- geometry ------------------------------------------------------------------------------


def test_rects_and_hits_are_the_running_sum_of_the_heights(
    qtbot: QtBot, view: TranscriptView, model: TranscriptModel
) -> None:
    model.extend(history(300))
    show(qtbot, view)
    bar = view.verticalScrollBar()
    for value in (0, bar.maximum() // 3, bar.maximum()):
        bar.setValue(value)
        geometry_is_the_running_sum(view, model)
        for y in range(0, view.viewport().height(), 7):
            expected = view.row_heights.row_at(y + bar.value())
            assert view.indexAt(QPoint(10, y)).row() == expected
    assert not view.indexAt(QPoint(-1, 5)).isValid()
    assert not view.indexAt(QPoint(view.viewport().width(), 5)).isValid()
    assert view.visualRect(QModelIndex()) == QRect()
    assert view.visualRect(model.index(0).siblingAtColumn(1)) == QRect()


def test_below_the_last_row_there_is_no_row(
    qtbot: QtBot, view: TranscriptView, model: TranscriptModel
) -> None:
    model.extend([user("only one")])
    show(qtbot, view)
    assert view.indexAt(QPoint(10, 2)).row() == 0
    assert not view.indexAt(QPoint(10, view.viewport().height() - 2)).isValid()
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(10, 2))
    assert view.selectedIndexes() == [model.index(0)]
    below = QRect(10, view.viewport().height() - 2, 1, 1)
    view.setSelection(below, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    assert view.selectedIndexes() == []


def test_a_taller_middle_row_moves_the_rows_below_it(
    qtbot: QtBot, view: TranscriptView, model: TranscriptModel
) -> None:
    model.extend(user(f"message {n}") for n in range(20))
    show(qtbot, view)
    view.scrollToTop()
    before = [view.visualRect(model.index(row)) for row in range(20)]
    failed = dataclasses.replace(
        model.entry(7), state=DeliveryState.FAILED, failure="The server refused it. " * 8
    )
    model.replace_entry(7, failed)
    after = [view.visualRect(model.index(row)) for row in range(20)]
    grown = after[7].height() - before[7].height()
    assert grown > 0
    assert after[:7] == before[:7]
    assert after[7].top() == before[7].top()
    assert after[8:] == [rect.translated(0, grown) for rect in before[8:]]
    geometry_is_the_running_sum(view, model)


def test_rows_removed_and_a_reset(
    qtbot: QtBot, view: TranscriptView, model: TranscriptModel
) -> None:
    model.extend(user(f"message {n}") for n in range(30))
    show(qtbot, view)
    heights = list(view.row_heights)
    model.remove(29)  # at the bottom
    model.remove(3)
    assert list(view.row_heights) == heights[:3] + heights[4:29]
    geometry_is_the_running_sum(view, model)
    model.replace_all(history(12))
    assert view.visualRect(model.index(11)).isValid()  # laid out when asked
    geometry_is_the_running_sum(view, model)
    model.clear()
    assert len(view.row_heights) == 0 or view.row_heights.total == 0
    QApplication.processEvents()
    assert view.verticalScrollBar().maximum() == 0


def test_a_new_width_lays_every_row_out_again(
    qtbot: QtBot, view: TranscriptView, model: TranscriptModel
) -> None:
    model.extend(history(40))
    view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
    show(qtbot, view)
    narrow = view.row_heights.total
    view.resize(900, 400)
    qtbot.waitUntil(lambda: view.rows_width == view.viewport().width())
    assert view.row_heights.total < narrow
    geometry_is_the_running_sum(view, model)


# --- scrolling -----------------------------------------------------------------------------


def test_the_view_follows_the_bottom_until_the_reader_scrolls_up(
    qtbot: QtBot, view: TranscriptView, model: TranscriptModel
) -> None:
    model.extend(history(200))
    show(qtbot, view)
    bar = view.verticalScrollBar()
    assert bar.value() == bar.maximum() > 0
    for batch in range(3):
        model.extend(history(25 + batch))
        QApplication.processEvents()
        assert bar.value() == bar.maximum()
        last = view.visualRect(model.index(model.rowCount() - 1))
        assert last.bottom() == view.viewport().height() - 1  # flush with the bottom

    bar.setValue(bar.maximum() // 2)  # the reader scrolls up
    value = bar.value()
    model.extend(history(10))
    QApplication.processEvents()
    assert bar.value() == value
    assert bar.maximum() > value

    view.scrollToBottom()
    model.append(user("and follows again"))
    QApplication.processEvents()
    assert bar.value() == bar.maximum()


@pytest.mark.parametrize(
    ("hint", "where"),
    [
        (IncrementalListView.ScrollHint.PositionAtTop, "top"),
        (IncrementalListView.ScrollHint.PositionAtBottom, "bottom"),
        (IncrementalListView.ScrollHint.PositionAtCenter, "centre"),
        (IncrementalListView.ScrollHint.EnsureVisible, "bottom"),  # it was above
    ],
)
def test_scroll_to_a_row(
    qtbot: QtBot, view: TranscriptView, model: TranscriptModel, hint: object, where: str
) -> None:
    model.extend(user(f"message {n}") for n in range(200))
    show(qtbot, view)
    view.verticalScrollBar().setValue(0)
    if hint == IncrementalListView.ScrollHint.EnsureVisible:
        view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
        where = "top"
    index = model.index(100)
    view.scrollTo(index, hint)  # type: ignore[arg-type]
    rect, height = view.visualRect(index), view.viewport().height()
    if where == "top":
        assert rect.top() == 0
    elif where == "bottom":
        assert rect.bottom() == height - 1
    else:
        assert abs(rect.center().y() - height // 2) <= 1
    view.scrollTo(index)  # already visible: nothing moves
    assert view.visualRect(index) == rect


# --- keys, selection, accessibility, painting ------------------------------------------------


def test_keys_move_between_messages(
    qtbot: QtBot, view: TranscriptView, model: TranscriptModel
) -> None:
    model.extend(user(f"message {n}") for n in range(100))
    show(qtbot, view)
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Home)
    assert view.currentIndex().row() == 0
    QTest.keyClick(view, Qt.Key.Key_Up)
    assert view.currentIndex().row() == 0  # stays at the first
    QTest.keyClick(view, Qt.Key.Key_Down)
    assert view.currentIndex().row() == 1
    page = view.viewport().height() // view.visualRect(model.index(1)).height()
    QTest.keyClick(view, Qt.Key.Key_PageDown)
    assert abs(view.currentIndex().row() - (1 + page)) <= 1
    assert view.viewport().rect().contains(view.visualRect(view.currentIndex()))
    QTest.keyClick(view, Qt.Key.Key_PageUp)
    assert view.currentIndex().row() == 1
    QTest.keyClick(view, Qt.Key.Key_End)
    assert view.currentIndex().row() == 99
    assert view.viewport().rect().contains(view.visualRect(view.currentIndex()))
    QTest.keyClick(view, Qt.Key.Key_Down)
    assert view.currentIndex().row() == 99
    QTest.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "message 99"


def test_clicking_selects_a_message_and_the_selection_is_repainted(
    qtbot: QtBot, view: TranscriptView, model: TranscriptModel
) -> None:
    model.extend(user(f"message {n}") for n in range(10))
    show(qtbot, view)
    view.scrollToTop()
    rect = view.visualRect(model.index(2))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.selectedIndexes() == [model.index(2)]
    selection = view.selectionModel().selection()
    assert view.visualRegionForSelection(selection).boundingRect() == rect
    view.setSelection(QRect(0, 0, 10, 10_000), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    assert {index.row() for index in view.selectionModel().selectedIndexes()} == set(range(10))


def test_accessibility_sees_a_list_of_messages_where_they_are_drawn(
    qtbot: QtBot, view: TranscriptView, model: TranscriptModel
) -> None:
    model.extend(user(f"message {n}") for n in range(30))
    show(qtbot, view)
    accessible = QAccessible.queryAccessibleInterface(view)
    assert accessible.role() == QAccessible.Role.List
    assert accessible.text(QAccessible.Text.Name) == "Conversation transcript"
    assert accessible.childCount() == 30
    item = accessible.child(29)
    assert item.role() == QAccessible.Role.ListItem
    assert item.text(QAccessible.Text.Name).endswith(": message 29")
    rect = view.visualRect(model.index(29))
    assert item.rect() == QRect(view.viewport().mapToGlobal(rect.topLeft()), rect.size())
    centre = item.rect().center()
    assert accessible.childAt(centre.x(), centre.y()).text(QAccessible.Text.Name) == item.text(
        QAccessible.Text.Name
    )


def test_painting_draws_only_the_rows_in_sight(
    qtbot: QtBot, view: TranscriptView, model: TranscriptModel, spy: DelegateSpy
) -> None:
    model.extend(history(1_000))
    show(qtbot, view)
    spy.painted.clear()
    view.viewport().repaint()
    rows = [row for row, _rect in spy.painted]
    assert rows == list(range(rows[0], 1_000))
    for row, rect in spy.painted:
        assert rect == view.visualRect(model.index(row))
        assert rect.intersects(view.viewport().rect())
    assert view.visualRect(model.index(rows[0] - 1)).bottom() < 0


# --- any delegate ----------------------------------------------------------------------------


class FixedDelegate(QStyledItemDelegate):
    """Rows as high as their number, plus one, in tens."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(option.rect.width(), 10 * (index.row() % 4 + 1))


def test_the_view_works_with_any_delegate_through_its_size_hints(qtbot: QtBot) -> None:
    view = IncrementalListView()
    qtbot.addWidget(view)
    delegate = FixedDelegate(view)
    view.setItemDelegate(delegate)
    model = QStringListModel([str(n) for n in range(50)])
    view.setModel(model)
    view.resize(200, 100)
    show(qtbot, view)
    expected = [10 * (row % 4 + 1) for row in range(50)]
    assert list(view.row_heights) == expected
    assert view.row_heights.total == sum(expected)
    assert view.verticalScrollBar().value() == view.verticalScrollBar().maximum()
    tops = list(itertools.accumulate(expected, initial=0))
    view.verticalScrollBar().setValue(0)
    assert [view.visualRect(model.index(row)).top() for row in range(50)] == tops[:50]
