"""Properties of merging a history answer with the live messages that raced it
(core/reconcile.py).

The module's model of the server: it stores messages in the order it sends them
live, and the history answer holds what was stored before it answered. So the
live messages received since the request are, in order, partly in the answer (a
first part of them, stored before it answered) and partly not; the answer is
``old + live[:stored]`` for some ``stored``. Messages are matched by a key (role
and content), never by identity: the history's copy of a message is another
object, with another timestamp.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from desktop_app.core.reconcile import merge_history


@dataclass(frozen=True, eq=False)
class Message:
    """A message as one source saw it: compared by identity, matched by ``text``."""

    text: str
    source: str

    def copy_from(self, source: str) -> Message:
        return Message(self.text, source)


def key(message: Message) -> str:
    return message.text


def texts(messages: list[Message]) -> list[str]:
    return [m.text for m in messages]


# Few texts, so that repeated and shared texts are common ("ok", "yes", "thanks").
FEW_TEXTS = st.lists(st.sampled_from("abc"), max_size=8)
UNIQUE_TEXTS = st.lists(st.text(max_size=4), unique=True, max_size=16)


@st.composite
def races(
    draw: st.DrawFn, text_lists: st.SearchStrategy[list[str]] = FEW_TEXTS
) -> tuple[list[Message], list[Message], list[Message]]:
    """What the server stored before the request (``old``), the live messages received
    since, and the history answer: ``old`` and the live messages stored before it answered."""
    old = [Message(text, "history") for text in draw(text_lists)]
    live = [Message(text, "live") for text in draw(text_lists)]
    stored = draw(st.integers(0, len(live)))
    return old, live, old + [m.copy_from("history") for m in live[:stored]]


def check_shape(history: list[Message], live: list[Message], merged: list[Message]) -> int:
    """``merged`` is the history, whole and first, then the live messages it lacks; returns
    how many live messages were taken as already stored."""
    assert merged[: len(history)] == history  # the same objects: history is the truth
    taken = len(history) + len(live) - len(merged)
    assert 0 <= taken <= min(len(history), len(live))
    assert merged[len(history) :] == live[taken:]
    # ... and it took as stored only what the history ends with.
    assert texts(history[len(history) - taken :]) == texts(live[:taken])
    return taken


@given(races())
def test_every_live_message_is_there_in_order_and_the_history_is_kept_whole(
    race: tuple[list[Message], list[Message], list[Message]],
) -> None:
    _, live, history = race
    merged = merge_history(history, live, key=key)
    check_shape(history, live, merged)
    # Every live message shows, in the order received: the merge ends with them.
    assert texts(merged[len(merged) - len(live) :]) == texts(live)


@given(races())
def test_a_merge_never_shows_a_message_twice(
    race: tuple[list[Message], list[Message], list[Message]],
) -> None:
    """Never more messages than the server stored: a live message already in the
    answer is never added again. (With repeated texts it may show fewer: the answer
    ending with the same text as a live message counts it as stored.)"""
    old, live, history = race
    merged = merge_history(history, live, key=key)
    assert len(merged) <= len(old) + len(live)


@st.composite
def races_of_distinct_texts(draw: st.DrawFn) -> tuple[list[Message], list[Message], list[Message]]:
    """A race in which no text repeats: every message can be told from every other."""
    all_texts = draw(UNIQUE_TEXTS)
    split = draw(st.integers(0, len(all_texts)))
    old = [Message(text, "history") for text in all_texts[:split]]
    live = [Message(text, "live") for text in all_texts[split:]]
    stored = draw(st.integers(0, len(live)))
    return old, live, old + [m.copy_from("history") for m in live[:stored]]


@given(races_of_distinct_texts())
def test_with_distinct_texts_the_merge_is_exactly_what_the_server_stored(
    race: tuple[list[Message], list[Message], list[Message]],
) -> None:
    """No message lost, none twice, the server's order, whatever part of the live
    messages raced the answer."""
    old, live, history = race
    merged = merge_history(history, live, key=key)
    assert texts(merged) == texts(old) + texts(live)
    assert merged[: len(history)] == history
    assert merged[len(history) :] == live[len(history) - len(old) :]


@given(st.lists(st.sampled_from("ab"), max_size=8), st.lists(st.sampled_from("ab"), max_size=8))
def test_any_two_lists_merge_into_history_plus_a_part_of_live(
    history_texts: list[str], live_texts: list[str]
) -> None:
    """Even for an answer that does not fit the server model, the shape holds."""
    history = [Message(t, "history") for t in history_texts]
    live = [Message(t, "live") for t in live_texts]
    check_shape(history, live, merge_history(history, live, key=key))


@given(races())
def test_merging_again_changes_nothing(
    race: tuple[list[Message], list[Message], list[Message]],
) -> None:
    """A merged transcript merged again with the same live messages stays as it is: a
    reload that raced nothing new adds nothing."""
    _, live, history = race
    merged = merge_history(history, live, key=key)
    assert merge_history(merged, live, key=key) == merged
