"""Merging a history answer with the live messages that arrived while it was on its way."""

from __future__ import annotations

import pytest

from desktop_app.core.reconcile import merge_history


def merge(history: str, live: str) -> str:
    """Messages as letters: 'abc' is three messages a, b, c."""
    return "".join(merge_history(list(history), list(live), key=lambda m: m))


@pytest.mark.parametrize(
    ("history", "live", "expected"),
    [
        ("", "", ""),
        ("ab", "", "ab"),  # nothing raced the request
        ("", "x", "x"),  # new conversation: the live message was stored after the answer
        ("ab", "cd", "abcd"),  # neither live message was stored yet
        ("abc", "cd", "abcd"),  # the first one was stored before the answer
        ("abcd", "cd", "abcd"),  # both were
        ("ab", "a", "aba"),  # an identical earlier text does not swallow a new one...
        ("aa", "a", "aa"),  # ...unless the answer ends with it: then it counts as stored
        ("abab", "ab", "abab"),
        ("xab", "abab", "xabab"),  # a repeated pair: the first copy stored, the second not
    ],
)
def test_merge(history: str, live: str, expected: str) -> None:
    assert merge(history, live) == expected
