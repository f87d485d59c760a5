"""The weighted LRU cache: bounded by total weight and by count, oldest dropped first."""

from __future__ import annotations

import pytest

from desktop_app.core.lru import WeightedLru


def by_length(max_weight: int = 10, max_items: int = 100) -> WeightedLru[str, str]:
    return WeightedLru(
        max_weight=max_weight, max_items=max_items, weigh=lambda _key, value: len(value)
    )


def test_values_come_back_and_count_their_weight() -> None:
    cache = by_length()
    assert cache.get("a") is None
    cache.put("a", "xxx")
    cache.put("b", "yy")
    assert cache.get("a") == "xxx"
    assert "b" in cache
    assert "c" not in cache
    assert len(cache) == 2
    assert cache.weight == 5


def test_the_least_recently_used_go_first_when_the_weight_is_exceeded() -> None:
    cache = by_length(max_weight=10)
    cache.put("a", "xxxx")
    cache.put("b", "xxxx")
    cache.get("a")  # now b is the oldest
    cache.put("c", "xxxx")  # 12 > 10: b goes
    assert "b" not in cache
    assert cache.get("a") == "xxxx"
    assert cache.get("c") == "xxxx"
    assert cache.weight == 8


def test_the_count_is_bounded_too() -> None:
    cache = by_length(max_weight=1000, max_items=2)
    for key in "abc":
        cache.put(key, "x")
    assert [key for key in "abc" if key in cache] == ["b", "c"]
    assert cache.weight == 2


def test_a_value_heavier_than_the_bound_is_kept_alone() -> None:
    cache = by_length(max_weight=10)
    cache.put("a", "x")
    cache.put("huge", "x" * 50)
    assert len(cache) == 1
    assert cache.get("huge") == "x" * 50
    assert cache.weight == 50
    cache.put("b", "x")  # the huge one is the oldest now, and goes
    assert "huge" not in cache
    assert cache.weight == 1


def test_putting_a_key_again_replaces_its_value_and_weight() -> None:
    cache = by_length()
    cache.put("a", "xxxx")
    cache.put("a", "x")
    assert cache.get("a") == "x"
    assert cache.weight == 1
    assert len(cache) == 1


def test_pop_and_clear_give_the_weight_back() -> None:
    cache = by_length()
    cache.put("a", "xxx")
    cache.put("b", "yy")
    assert cache.pop("a") == "xxx"
    assert cache.pop("a") is None
    assert cache.weight == 2
    cache.clear()
    assert len(cache) == 0
    assert cache.weight == 0


def test_the_weight_function_sees_the_key() -> None:
    cache: WeightedLru[str, str] = WeightedLru(
        max_weight=100, max_items=10, weigh=lambda key, value: len(key) + len(value)
    )
    cache.put("key", "value")
    assert cache.weight == 8


@pytest.mark.parametrize(("max_weight", "max_items"), [(-1, 1), (10, 0)])
def test_bounds_that_allow_nothing_are_refused(max_weight: int, max_items: int) -> None:
    with pytest.raises(ValueError, match="bounds"):
        by_length(max_weight, max_items)
