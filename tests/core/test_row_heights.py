"""RowHeights: every answer equals the one from a plain list of heights, whatever was done."""

from __future__ import annotations

import itertools
import random

import pytest

from desktop_app.core.row_heights import RowHeights


def tops(heights: list[int]) -> list[int]:
    return list(itertools.accumulate(heights, initial=0))


def naive_row_at(heights: list[int], y: int) -> int | None:
    for row, (top, height) in enumerate(zip(tops(heights), heights, strict=False)):
        if top <= y < top + height:
            return row
    return None


def assert_same(rows: RowHeights, heights: list[int]) -> None:
    assert list(rows) == heights
    assert len(rows) == len(heights)
    assert rows.total == sum(heights)
    assert [rows.top(row) for row in range(len(heights) + 1)] == tops(heights)
    assert [rows.height(row) for row in range(len(heights))] == heights
    for y in range(-2, sum(heights) + 2):
        assert rows.row_at(y) == naive_row_at(heights, y), y


def test_empty() -> None:
    rows = RowHeights()
    assert_same(rows, [])
    assert rows.row_at(0) is None
    assert rows.top(0) == 0


def test_rows_are_found_by_height_and_zero_height_rows_take_no_room() -> None:
    heights = [3, 0, 5, 0, 0, 2, 7]
    rows = RowHeights(heights)
    assert_same(rows, heights)
    assert [rows.row_at(y) for y in (0, 2, 3, 7, 8, 9, 10, 16)] == [0, 0, 2, 2, 5, 5, 6, 6]
    assert rows.row_at(-1) is None
    assert rows.row_at(17) is None


def test_a_changed_height_moves_the_rows_below_it() -> None:
    heights = [10] * 9
    rows = RowHeights(heights)
    rows.set(4, 25)
    heights[4] = 25
    assert_same(rows, heights)
    assert rows.top(5) == 65
    assert rows.row_at(64) == 4
    rows.set(4, 25)  # unchanged
    assert_same(rows, heights)


def test_rows_appended_in_batches_match_a_tree_built_at_once() -> None:
    rng = random.Random(7)
    heights: list[int] = []
    rows = RowHeights()
    for size in [1, 2, 3, 0, 5, 8, 13, 1, 1, 40, 100, 7]:
        batch = [rng.randrange(0, 60) for _ in range(size)]
        rows.extend(batch)
        heights += batch
        assert rows._tree == RowHeights(heights)._tree
    assert_same(rows, heights)


def test_insert_and_remove_anywhere() -> None:
    rows = RowHeights([1, 2, 3])
    rows.insert(3, [4, 5])  # at the end
    rows.insert(0, [9])
    rows.insert(2, [7, 8])
    assert_same(rows, [9, 1, 7, 8, 2, 3, 4, 5])
    rows.remove(6, 2)  # from the bottom
    assert_same(rows, [9, 1, 7, 8, 2, 3])
    rows.remove(1)
    assert_same(rows, [9, 7, 8, 2, 3])
    rows.remove(0, 0)
    assert_same(rows, [9, 7, 8, 2, 3])
    rows.remove(0, 5)
    assert_same(rows, [])
    rows.extend([6])
    assert_same(rows, [6])


@pytest.mark.parametrize(("row", "count"), [(-1, 1), (2, 2), (0, -1), (4, 0)])
def test_removing_rows_that_are_not_there_is_an_error(row: int, count: int) -> None:
    rows = RowHeights([1, 2, 3])
    with pytest.raises(IndexError):
        rows.remove(row, count)
    assert_same(rows, [1, 2, 3])


@pytest.mark.parametrize("row", [-1, 4])
def test_the_top_of_a_row_that_is_not_there_is_an_error(row: int) -> None:
    with pytest.raises(IndexError):
        RowHeights([1, 2, 3]).top(row)


def test_random_operations_match_a_plain_list() -> None:
    rng = random.Random(2024)
    heights: list[int] = []
    rows = RowHeights()
    for _ in range(400):
        choice = rng.random()
        if choice < 0.35:
            batch = [rng.randrange(0, 40) for _ in range(rng.randrange(1, 6))]
            rows.extend(batch)
            heights += batch
        elif choice < 0.6 and heights:
            row, height = rng.randrange(len(heights)), rng.randrange(0, 40)
            rows.set(row, height)
            heights[row] = height
        elif choice < 0.75:
            row, batch = rng.randrange(len(heights) + 1), [rng.randrange(0, 40)]
            rows.insert(row, batch)
            heights[row:row] = batch
        elif heights:
            row = rng.randrange(len(heights))
            count = rng.randrange(0, len(heights) - row + 1)
            rows.remove(row, count)
            del heights[row : row + count]
        assert list(rows) == heights
        assert rows.total == sum(heights)
    assert_same(rows, heights)
