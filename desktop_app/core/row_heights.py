"""The heights of a list's rows and where each row starts: a Fenwick tree of heights.

A list view of rows of different heights needs, at every paint and click, the
row at a given height and the top of a given row; and when rows come in, their
heights added. A plain list of each row's top answers in O(1) and O(log n), but
one row growing (a delivery badge, an estimate replaced by the laid-out height)
moves the top of every row below it: O(n). A Fenwick (binary indexed) tree
keeps partial sums instead, so that every question and every change is
O(log n), and rows appended at the end cost O(1) each (:meth:`RowHeights.extend`).

Theory of operation: ``_tree`` is 1-based; ``_tree[i]`` holds the sum of the
``i & -i`` heights that end with row ``i - 1``. The top of row ``r`` is the sum
of the nodes met walking down from ``r`` by dropping its lowest bit; a change of
row ``r`` updates the nodes met walking up from ``r + 1`` by adding it. Inserting
or removing anywhere but at the end rebuilds the tree in O(n).

Heights are pixels: non-negative integers. A row of height 0 takes no room:
:meth:`RowHeights.row_at` never answers it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator


class RowHeights:
    """The heights of rows 0 to ``len - 1``, top to bottom (see above)."""

    def __init__(self, heights: Iterable[int] = ()) -> None:
        self._heights: list[int] = []
        self._tree: list[int] = [0]
        self._total = 0
        self.reset(heights)

    def __len__(self) -> int:
        return len(self._heights)

    def __iter__(self) -> Iterator[int]:
        return iter(self._heights)

    @property
    def total(self) -> int:
        """The height of all the rows."""
        return self._total

    def height(self, row: int) -> int:
        return self._heights[row]

    def top(self, row: int) -> int:
        """Where row ``row`` starts: the height of the rows above it (``row`` from 0 to len)."""
        if not 0 <= row <= len(self._heights):
            raise IndexError(f"no row {row} (of {len(self._heights)})")
        tree, top = self._tree, 0
        while row:
            top += tree[row]
            row &= row - 1  # drop the lowest bit
        return top

    def row_at(self, y: int) -> int | None:
        """The row that covers height ``y``; None above the first row or below the last."""
        if not 0 <= y < self._total:
            return None
        # Binary lifting: the longest run of rows from the top that ends at or above y.
        tree, count = self._tree, len(self._heights)
        row, step = 0, 1 << (count.bit_length() - 1)
        while step:
            node = row + step
            if node <= count and tree[node] <= y:
                row = node
                y -= tree[node]
            step >>= 1
        return row

    def set(self, row: int, height: int) -> None:
        """Row ``row`` is now ``height`` high (the rows below it move)."""
        delta = height - self._heights[row]
        if not delta:
            return
        self._heights[row] = height
        self._total += delta
        tree, count, node = self._tree, len(self._heights), row + 1
        while node <= count:
            tree[node] += delta
            node += node & -node

    def extend(self, heights: Iterable[int]) -> None:
        """Append rows at the bottom: O(1) each (and O(log² n) once)."""
        added = list(heights)
        if not added:
            return
        first = len(self._heights) + 1  # the first new node
        self._heights += added
        # tops[k]: the top of row first - 1 + k, i.e. the sum of the heights before it.
        tops = list(itertools.accumulate(added, initial=self._total))
        tree = self._tree
        for node in range(first, first + len(added)):
            start = node - (node & -node)  # the node sums the rows from start to node - 1
            above = tops[start - first + 1] if start >= first - 1 else self.top(start)
            tree.append(tops[node - first + 1] - above)
        self._total = tops[-1]

    def insert(self, row: int, heights: Iterable[int]) -> None:
        """Insert rows before row ``row`` (``row == len``: append)."""
        if row == len(self._heights):
            self.extend(heights)
        else:
            self.reset(itertools.chain(self._heights[:row], heights, self._heights[row:]))

    def remove(self, row: int, count: int = 1) -> None:
        """Remove ``count`` rows from row ``row`` on."""
        if row < 0 or count < 0 or row + count > len(self._heights):
            raise IndexError(f"no rows {row} to {row + count - 1} (of {len(self._heights)})")
        if row + count == len(self._heights):
            # From the bottom: the nodes that remain sum only rows that remain.
            self._total = self.top(row)
            del self._heights[row:]
            del self._tree[row + 1 :]
        else:
            self.reset(self._heights[:row] + self._heights[row + count :])

    def reset(self, heights: Iterable[int]) -> None:
        """Replace every row (O(n))."""
        self._heights = list(heights)
        tree = self._tree = [0, *self._heights]
        count = len(self._heights)
        for node in range(1, count + 1):
            parent = node + (node & -node)
            if parent <= count:
                tree[parent] += tree[node]
        self._total = sum(self._heights)
