"""A list view that lays out only the rows that change: the transcript's geometry.

:class:`QListView` lays every row out again (a size hint per row, a Python call
each for our delegate) whenever a row is inserted, removed or changed: with ten
thousand messages, about 60 ms at every batch of a burst. :class:`IncrementalListView`
keeps the rows' heights in a :class:`~desktop_app.core.row_heights.RowHeights`
(a Fenwick tree) instead, and measures only the rows that change:

- rows inserted: those rows (O(rows inserted); at the bottom the tree grows in
  O(1) a row);
- a row changed (a delivery badge): that row; the rows below it move, O(log n);
- rows removed: none (a removal at the bottom is O(rows removed), elsewhere the
  tree is rebuilt from the heights it holds, O(n) additions);
- a new width, font or style, a reset: every row (:meth:`doItemsLayout`).

Where a row is and which row is at a point (``visualRect``, ``indexAt``,
scrolling, painting, selection, keyboard moves) are O(log n) questions to the
tree. It is still a QListView, whose own layout never runs: accessibility
exposes a list of items, and selection, the delegate, tooltips and the keyboard
are handled by Qt, with the answers (rows, rectangles, moves) from here.

Rows have two heights: exact (laid out) and estimated. Laying out a long history
exactly would take seconds, so a row gets its exact height when it is needed: in
the rows that fill the bottom of the viewport (so that following the bottom lands
right), and when it is painted (a row painted with an estimate is measured, and
the view corrects its geometry at the next turn of the event loop). The rest are
estimated. Subclasses measure rows in :meth:`IncrementalListView.measure_rows`.

The view follows the bottom (a chat transcript): while the reader is at the
bottom, new rows scroll into view; once the reader scrolls up, it stays put.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractItemModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import QPainter, QPaintEvent, QRegion
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from desktop_app.core.row_heights import RowHeights

_Index = QModelIndex | QPersistentModelIndex
_Action = QAbstractItemView.CursorAction
_Hint = QAbstractItemView.ScrollHint

BOTTOM_SLACK = 4  # "at the bottom" tolerates this many pixels
_SCROLL_LINES = 2  # lines of text per scroll step (the wheel moves three steps)


class IncrementalListView(QListView):
    """A one-column list of rows of any height, laid out row by row (see the module)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows = RowHeights()
        self._width = 0  # the viewport width the rows were measured at
        self._laying_out = False
        self._follow_bottom = True
        self._geometry_updates = 0  # nesting depth: scrolling can lay out again
        # Rows painted with an estimated height, measured exactly as they were painted.
        self._remeasure: list[QPersistentModelIndex] = []
        self._remeasure_timer = QTimer(self)
        self._remeasure_timer.setSingleShot(True)
        self._remeasure_timer.setInterval(0)
        self._remeasure_timer.timeout.connect(self._apply_measured)
        self.setUniformItemSizes(False)
        # Every resize lays the rows out again, after 100 ms (QListView.resizeEvent).
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setWordWrap(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)

    # --- for subclasses ----------------------------------------------------------------

    def measure_rows(self, first: int, last: int, exact_from: int) -> list[int]:
        """The heights of rows ``first`` to ``last`` at the width :attr:`rows_width`.

        Rows from ``exact_from`` on must be measured exactly (they are shown); the
        others may be estimated. This one asks the delegate's ``sizeHint`` for each.
        """
        from PySide6.QtWidgets import QStyleOptionViewItem  # see paintEvent

        model, root = self.model(), self.rootIndex()
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        option.rect = QRect(0, 0, self._width, 0)
        heights = []
        for row in range(first, last + 1):
            index = model.index(row, 0, root)
            heights.append(self.itemDelegateForIndex(index).sizeHint(option, index).height())
        return heights

    @property
    def rows_width(self) -> int:
        """The width the rows are measured at: the viewport's at the last layout."""
        return self._width

    @property
    def row_heights(self) -> RowHeights:
        """The rows' heights as laid out (read them; the view changes them)."""
        return self._rows

    # --- laying out ------------------------------------------------------------------

    def doItemsLayout(self) -> None:
        """Measure every row (a new model, width, font or style)."""
        self._laying_out = True
        try:
            self._width = self._viewport_size().width()
            self._rows.reset(self._measure_new(0, self._row_count() - 1, below=0))
            self._remeasure.clear()
        finally:
            self._laying_out = False
        # Not QListView's: its layout of every row is what this class replaces. This
        # ends the layout Qt may have scheduled, sets the scroll range and repaints.
        QAbstractItemView.doItemsLayout(self)

    def rowsInserted(self, parent: _Index, start: int, end: int) -> None:
        QAbstractItemView.rowsInserted(self, parent, start, end)  # QListView's lays out all
        if parent != self.rootIndex():
            return
        if not self._in_step(self._row_count() - (end - start + 1)):
            self.scheduleDelayedItemsLayout()  # a full layout is due anyway
            return
        below = self._rows.total - self._rows.top(start)  # the rows after the new ones
        self._rows.insert(start, self._measure_new(start, end, below))
        self.updateGeometries()
        self._repaint_from(start)

    def rowsAboutToBeRemoved(self, parent: _Index, start: int, end: int) -> None:
        QAbstractItemView.rowsAboutToBeRemoved(self, parent, start, end)  # not QListView's
        if parent != self.rootIndex():
            return
        if not self._in_step(self._row_count()):
            self.scheduleDelayedItemsLayout()
            return
        # The model still holds the rows, the tree no longer: the scroll range is for
        # after, and so is the repaint (it comes later).
        self._rows.remove(start, end - start + 1)
        self.updateGeometries()
        self._repaint_from(start)

    def dataChanged(self, topLeft: _Index, bottomRight: _Index, roles: Sequence[int] = ()) -> None:
        # Only these rows are measured again (QListView's would lay out every row).
        first, last = topLeft.row(), bottomRight.row()
        if (
            topLeft.parent() == self.rootIndex()
            and self._in_step(self._row_count())
            and 0 <= first <= last < len(self._rows)
        ):
            exact_from = self._exact_from()
            changed = False
            for row in range(first, last + 1):
                exact = row if row >= exact_from or self._is_shown(row) else row + 1
                [height] = self._measure(row, row, exact)
                if height != self._rows.height(row):
                    self._rows.set(row, height)
                    changed = True
            if changed:
                self.updateGeometries()
                self._repaint_from(first)
        QAbstractItemView.dataChanged(self, topLeft, bottomRight, list(roles))

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)  # a layout is scheduled; until then, no row is known
        self._forget_rows()

    def reset(self) -> None:
        super().reset()  # a layout is scheduled; until then, no row is known
        self._forget_rows()

    def updateGeometries(self) -> None:
        # The scroll range is set in here; a value clamped by a shorter range is not
        # the reader scrolling, so it must not change whether we follow the bottom.
        self._geometry_updates += 1
        try:
            QAbstractItemView.updateGeometries(self)  # QListView's reads its own layout
            bar, height = self.verticalScrollBar(), self._viewport_size().height()
            bar.setSingleStep(_SCROLL_LINES * self.fontMetrics().lineSpacing())
            bar.setPageStep(height)
            bar.setRange(0, max(0, self._rows.total - height))
            self.horizontalScrollBar().setRange(0, 0)
        finally:
            self._geometry_updates -= 1
        if self._follow_bottom:
            bar.setValue(bar.maximum())

    def viewportSizeHint(self) -> QSize:
        return QSize(self._width, self._rows.total)

    # --- geometry ----------------------------------------------------------------------

    def visualRect(self, index: _Index) -> QRect:
        row = self._row_of(index)
        if row is None:
            return QRect()
        top = self._rows.top(row) - self.verticalScrollBar().value()
        return QRect(0, top, self.viewport().width(), self._rows.height(row))

    def indexAt(self, point: QPoint) -> QModelIndex:
        self._settle()
        row = self._rows.row_at(point.y() + self.verticalScrollBar().value())
        if row is None or not 0 <= point.x() < self.viewport().width():
            return QModelIndex()
        return self.model().index(row, 0, self.rootIndex())

    def scrollTo(self, index: _Index, hint: _Hint = _Hint.EnsureVisible) -> None:
        rect = self.visualRect(index)
        if not rect.isValid():
            return
        area = self.viewport().rect()
        if hint == _Hint.EnsureVisible and area.contains(rect):
            self.viewport().update(rect)
            return
        above = hint == _Hint.EnsureVisible and rect.top() < area.top()
        below = hint == _Hint.EnsureVisible and rect.bottom() > area.bottom()
        bar = self.verticalScrollBar()
        value = bar.value()
        if hint == _Hint.PositionAtTop or above:
            value += rect.top()
        elif hint == _Hint.PositionAtBottom or below:
            value += min(rect.top(), rect.bottom() - area.height() + 1)
        elif hint == _Hint.PositionAtCenter:
            value += rect.top() - (area.height() - rect.height()) // 2
        bar.setValue(value)

    def horizontalOffset(self) -> int:
        return 0  # the rows are as wide as the viewport

    def verticalOffset(self) -> int:
        return self.verticalScrollBar().value()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        # Not QListView's: it scrolls by its own layout, which is empty here.
        self.viewport().scroll(dx, dy)

    def moveCursor(
        self, cursorAction: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        self._settle()
        count = min(self._row_count(), len(self._rows))
        if not count:
            return QModelIndex()
        current = self.currentIndex()
        if not current.isValid():
            return self.model().index(0, 0, self.rootIndex())
        row = min(current.row(), count - 1)
        if cursorAction in (_Action.MoveUp, _Action.MovePrevious):
            row -= 1
        elif cursorAction in (_Action.MoveDown, _Action.MoveNext):
            row += 1
        elif cursorAction == _Action.MoveHome:
            row = 0
        elif cursorAction == _Action.MoveEnd:
            row = count - 1
        elif cursorAction == _Action.MovePageDown:
            row = self._page_down(row)
        elif cursorAction == _Action.MovePageUp:
            row = self._page_up(row)
        return self.model().index(min(max(row, 0), count - 1), 0, self.rootIndex())

    def _page_down(self, row: int) -> int:
        """The last row that fits in a page starting at ``row``'s top (at least the next)."""
        rows = self._rows
        end = rows.top(row) + self.viewport().height()  # the page's end
        target = rows.row_at(min(end, rows.total) - 1)
        if target is not None and rows.top(target) + rows.height(target) > end:
            target -= 1  # only partly on the page
        return max(target if target is not None else row, row + 1)

    def _page_up(self, row: int) -> int:
        """The first row that fits in a page ending at ``row``'s bottom (at least the one
        before)."""
        rows = self._rows
        start = rows.top(row) + rows.height(row) - self.viewport().height()  # the page's start
        target = rows.row_at(max(start, 0))
        if target is not None and rows.top(target) < start:
            target += 1  # only partly on the page
        return min(target if target is not None else row, row - 1)

    def setSelection(self, rect: QRect, command: QItemSelectionModel.SelectionFlag) -> None:
        self._settle()
        area = rect.normalized()
        offset, total = self.verticalScrollBar().value(), self._rows.total
        selection = QItemSelection()
        count = min(self._row_count(), len(self._rows))
        top, bottom = area.top() + offset, area.bottom() + offset
        if count and top < total and bottom >= 0 and area.intersects(self.viewport().rect()):
            first = self._rows.row_at(max(top, 0))
            last = self._rows.row_at(min(bottom, total - 1))
            if first is not None and last is not None and first < count:
                model, root = self.model(), self.rootIndex()
                selection.select(
                    model.index(first, 0, root), model.index(min(last, count - 1), 0, root)
                )
        self.selectionModel().select(selection, command)

    def visualRegionForSelection(self, selection: QItemSelection) -> QRegion:
        region = QRegion()
        area = self.viewport().rect()
        model, root = self.model(), self.rootIndex()
        for selected in (selection.at(i) for i in range(selection.count())):
            if not selected.isValid() or selected.parent() != root:
                continue
            top = self.visualRect(model.index(selected.top(), 0, root))
            bottom = self.visualRect(model.index(selected.bottom(), 0, root))
            rect = top.united(bottom)
            if area.intersects(rect):
                region = region.united(rect)
        return region

    # --- painting ----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        model, rows = self.model(), self._rows
        count = min(self._row_count(), len(rows))
        offset, area = self.verticalScrollBar().value(), event.rect()
        first = rows.row_at(max(area.top() + offset, 0))
        last = rows.row_at(min(area.bottom() + offset, rows.total - 1))
        if model is None or not count or first is None or first >= count:
            return
        # Imported once there are rows to paint: PySide sets up QStyle's Python class
        # (some 8 ms) when it is first named, and the window's first paint has no rows
        # (B6).
        from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

        last = count - 1 if last is None else min(last, count - 1)
        root, width = self.rootIndex(), self.viewport().width()
        if width == self._width:
            self._measure_painted(first, last)
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        state = option.state
        selections, current = self.selectionModel(), self.currentIndex()
        focus = (self.hasFocus() or self.viewport().hasFocus()) and current.isValid()
        painter = QPainter(self.viewport())
        try:
            for row in range(first, last + 1):
                index = model.index(row, 0, root)
                option.rect = QRect(0, rows.top(row) - offset, width, rows.height(row))
                row_state = state
                if selections is not None and selections.isSelected(index):
                    row_state |= QStyle.StateFlag.State_Selected
                if focus and current == index:
                    row_state |= QStyle.StateFlag.State_HasFocus
                option.state = row_state
                self.itemDelegateForIndex(index).paint(painter, option, index)
        finally:
            painter.end()

    def _measure_painted(self, first: int, last: int) -> None:
        """Measure the rows about to be painted exactly; those whose height was an
        estimate move at the next turn of the loop (not during the paint)."""
        heights = self._measure(first, last, first)
        model, root = self.model(), self.rootIndex()
        for row, height in enumerate(heights, first):
            if height != self._rows.height(row):
                self._remeasure.append(QPersistentModelIndex(model.index(row, 0, root)))
        if self._remeasure:
            self._remeasure_timer.start()

    def _apply_measured(self) -> None:
        pending, self._remeasure = self._remeasure, []
        top = None
        for index in pending:
            row = self._row_of(index)
            if row is None:
                continue
            [height] = self._measure(row, row, row)
            if height != self._rows.height(row):
                self._rows.set(row, height)
                top = row if top is None else min(top, row)
        if top is not None:
            self.updateGeometries()
            self._repaint_from(top)

    # --- following the bottom ----------------------------------------------------------

    def _on_scrolled(self) -> None:
        # Read the bar rather than the signal's value: a nested layout may have moved
        # it (and the range) before this slot sees the older value.
        if not self._geometry_updates:
            bar = self.verticalScrollBar()
            self._follow_bottom = bar.value() >= bar.maximum() - BOTTOM_SLACK

    # --- helpers -----------------------------------------------------------------------

    def _viewport_size(self) -> QSize:
        """The viewport's size; empty while there is no model (no row to lay out).

        The view is built, shown and laid out before it has a model (B6: the main
        window is painted first), and the first ``viewport()`` call of a process
        costs some 10 ms: PySide sets up every widget class it has to find the type
        of that C++-made QWidget. Without a model no row needs its size.
        """
        return QSize(0, 0) if self.model() is None else self.viewport().size()

    def _forget_rows(self) -> None:
        self._rows.reset([])
        self._remeasure.clear()

    def _row_count(self) -> int:
        model = self.model()
        return 0 if model is None else model.rowCount(self.rootIndex())

    def _in_step(self, rows: int) -> bool:
        """Whether the tree holds ``rows`` rows (else a full layout is on its way)."""
        return len(self._rows) == rows and not self._laying_out

    def _measure_new(self, first: int, last: int, below: int) -> list[int]:
        """The heights of new rows ``first`` to ``last``, followed by ``below`` pixels of
        rows: those that fill the bottom of the viewport measured exactly, from the last
        up (following the bottom lands right), the others estimated."""
        exact_from, filled, bottom = last + 1, below, []
        while exact_from > first and filled < self.viewport().height():
            exact_from -= 1
            [height] = self._measure(exact_from, exact_from, exact_from)
            bottom.append(height)
            filled += height
        return self._measure(first, exact_from - 1, exact_from) + bottom[::-1]

    def _measure(self, first: int, last: int, exact_from: int) -> list[int]:
        if last < first:
            return []
        heights = self.measure_rows(first, last, exact_from)
        return heights if min(heights) >= 0 else [max(0, height) for height in heights]

    def _settle(self) -> None:
        """Lay out now if Qt has a layout scheduled (a new model, a resize), as QListView
        does before answering where a row is."""
        if not self._laying_out:
            self.executeDelayedItemsLayout()

    def _row_of(self, index: _Index) -> int | None:
        """The row of ``index`` in the tree, or None if it is not one of this view's rows."""
        if not index.isValid() or index.column() != 0 or index.parent() != self.rootIndex():
            return None
        if index.model() is not self.model():
            return None
        self._settle()
        row = index.row()
        return row if row < len(self._rows) else None

    def _exact_from(self) -> int:
        """The first of the rows that fill the bottom of the viewport."""
        rows = self._rows
        found = rows.row_at(rows.total - self.viewport().height())
        return 0 if found is None else found

    def _is_shown(self, row: int) -> bool:
        top = self._rows.top(row) - self.verticalScrollBar().value()
        return top < self.viewport().height() and top + self._rows.height(row) > 0

    def _repaint_from(self, row: int) -> None:
        """Repaint what lies from row ``row`` down (what an insertion or a new height moved)."""
        top = self._rows.top(min(row, len(self._rows))) - self.verticalScrollBar().value()
        viewport = self.viewport()
        if top < viewport.height():
            viewport.update(QRect(0, max(top, 0), viewport.width(), viewport.height()))
