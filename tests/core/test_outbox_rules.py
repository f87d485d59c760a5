"""The outbox's rules: admission within bounds, echo matching, delivery found in history."""

from __future__ import annotations

import pytest

from desktop_app.core.frames import ChatMessage, Role
from desktop_app.core.outbox import (
    OutboxLimits,
    admission_refusal,
    arrived_in_history,
    is_echo_of,
)

ID = "7d1c1d2e-5b7c-4a44-9d6f-0c4b8c1f9a10"
OTHER_ID = "0f7a9f54-1a9d-4d1b-9a0b-2b8f35f4f2a7"


def message(content: str, role: Role = Role.USER, client_id: str | None = None) -> ChatMessage:
    return ChatMessage(
        role=role,
        name="x",
        content=content,
        timestamp="2026-11-25T10:00:00+00:00",
        citations=(),
        decision_aids=(),
        client_message_id=client_id,
        raw={},
    )


LIMITS = OutboxLimits(max_messages=3, max_bytes=100)


def test_admission_within_the_bounds() -> None:
    assert admission_refusal(0, 0, "hello", LIMITS) is None
    assert admission_refusal(2, 90, "x" * 10, LIMITS) is None  # exactly at the byte limit


@pytest.mark.parametrize(
    ("messages", "size", "text", "says"),
    [
        (3, 10, "x", "3 messages are already waiting"),
        (1, 95, "é" * 3, "already use 95 bytes of 100 bytes"),  # é is 2 bytes: 95 + 6 > 100
        (0, 0, "x" * 101, "too long to send (101 bytes; the limit is 100 bytes)"),
    ],
)
def test_admission_refusals_say_why(messages: int, size: int, text: str, says: str) -> None:
    reason = admission_refusal(messages, size, text, LIMITS)
    assert reason is not None
    assert says in str(reason)
    assert text not in str(reason) or len(text) == 1


def test_sizes_read_naturally() -> None:
    limits = OutboxLimits()
    reason = admission_refusal(0, 0, "x" * (6 * 1024 * 1024), limits)
    assert reason is not None
    assert "(6.0 MB; the limit is 5.0 MB)" in str(reason)
    assert "already use 2 KB" in str(admission_refusal(1, 2048, "x" * (5 * 1024 * 1024), limits))


def test_limits_are_validated() -> None:
    with pytest.raises(ValueError, match="max_messages"):
        OutboxLimits(max_messages=0)
    assert OutboxLimits().max_bytes == 5 * 1024 * 1024


def test_echo_matches_by_id_when_the_server_echoes_ids_else_by_text() -> None:
    assert is_echo_of(message("hi", client_id=ID), ID, "hi")
    assert not is_echo_of(message("hi", client_id=OTHER_ID), ID, "hi")  # someone else's "hi"
    assert is_echo_of(message("hi"), ID, "hi")  # the real server echoes no id
    assert not is_echo_of(message("hello"), ID, "hi")
    assert not is_echo_of(message("hi", role=Role.BOT), ID, "hi")


def test_history_with_ids_is_matched_by_id() -> None:
    history = [message("hi", client_id=OTHER_ID), message("hi", client_id=ID)]
    assert arrived_in_history(history, ID, "hi", delivered_same_text=5)
    assert not arrived_in_history(history[:1], ID, "hi", delivered_same_text=0)


@pytest.mark.parametrize(
    ("history", "delivered_same_text", "arrived"),
    [
        ([], 0, False),
        (["hi"], 0, True),
        (["hi"], 1, False),  # the one "hi" there is the earlier, delivered one
        (["hi", "ok", "hi"], 1, True),  # sent twice on purpose: both arrived
        (["hi", "ok"], 1, False),  # ...only the first did: send the second again
    ],
)
def test_history_without_ids_is_matched_by_count(
    history: list[str], delivered_same_text: int, arrived: bool
) -> None:
    entries = [message(text) for text in history] + [message("hi", role=Role.BOT)]
    assert arrived_in_history(entries, ID, "hi", delivered_same_text) is arrived
