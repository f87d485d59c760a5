"""A least-recently-used cache bounded by a total weight (characters, bytes) and a count.

A count alone does not bound memory when one value can be a thousand times
another: 512 laid-out replies are 10 MB or 8 GB depending on what they hold. Each
value is weighed once, when it is put (with its key, which the cache keeps alive
too); the cache then drops the least recently used values until both the total
weight and the count are within their bounds. The newest value is never dropped
by its own ``put``: a value heavier than the whole bound is kept, alone, so that
a caller asking for it again at once (a paint after a layout) does not build it
twice.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class WeightedLru(Generic[K, V]):
    """At most ``max_items`` values weighing at most ``max_weight`` in all (see above)."""

    def __init__(self, *, max_weight: int, max_items: int, weigh: Callable[[K, V], int]) -> None:
        if max_weight < 0 or max_items < 1:
            raise ValueError(f"bounds must allow one value, not {max_weight=}, {max_items=}")
        self.max_weight = max_weight
        self.max_items = max_items
        self._weigh = weigh
        self._values: OrderedDict[K, tuple[V, int]] = OrderedDict()  # oldest first
        self._weight = 0

    @property
    def weight(self) -> int:
        """The total weight of the values held now."""
        return self._weight

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, key: K) -> bool:
        return key in self._values

    def get(self, key: K) -> V | None:
        """The value kept for ``key`` (now the most recently used), or None."""
        held = self._values.get(key)
        if held is None:
            return None
        self._values.move_to_end(key)
        return held[0]

    def put(self, key: K, value: V) -> None:
        """Keep ``value`` for ``key`` as the most recently used; drop the oldest to fit."""
        self.pop(key)
        weight = self._weigh(key, value)
        self._values[key] = (value, weight)
        self._weight += weight
        while len(self._values) > 1 and (
            self._weight > self.max_weight or len(self._values) > self.max_items
        ):
            _key, (_value, dropped) = self._values.popitem(last=False)
            self._weight -= dropped

    def pop(self, key: K) -> V | None:
        """Forget ``key``; its value, or None."""
        held = self._values.pop(key, None)
        if held is None:
            return None
        self._weight -= held[1]
        return held[0]

    def clear(self) -> None:
        self._values.clear()
        self._weight = 0
