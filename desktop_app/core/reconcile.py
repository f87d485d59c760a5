"""History is the truth: merging it with the live messages that raced it.

The server does not replay what a client missed, so the window reloads the
history after opening a conversation and after every reconnect. Live messages
keep arriving while that request is on its way; each one is in the answer
only if the server stored it before answering. Live frames arrive in the
order the server stores them, so the answer ends with some first part of them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

T = TypeVar("T")


def merge_history(history: Sequence[T], live: Sequence[T], key: Callable[[T], Hashable]) -> list[T]:
    """``history`` plus the messages of ``live`` (received since it was requested) it lacks.

    Messages are matched by ``key`` (role and content: history timestamps differ
    from live ones), so two identical texts sent on purpose both stay.
    """
    history_keys = [key(item) for item in history]
    live_keys = [key(item) for item in live]
    for stored in range(min(len(live), len(history)), 0, -1):
        if history_keys[len(history) - stored :] == live_keys[:stored]:
            return [*history, *live[stored:]]
    return [*history, *live]
