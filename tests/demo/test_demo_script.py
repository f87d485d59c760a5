"""The demo server's pure parts: client frame parsing and the scripted assistant."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from desktop_app.demo import assistant
from desktop_app.demo.frames import ChatFrame, ChatMessage, PingFrame, parse_client_frame


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ('{"type": "ping"}', PingFrame()),
        ('{"type": "ping", "message": "x"}', PingFrame()),
        ('{"message": "hi"}', ChatFrame("hi")),
        ('{"message": "", "extra": 1}', ChatFrame("")),
        ('{"message": "hi", "client_message_id": "c1"}', ChatFrame("hi", "c1")),
        ('{"message": "hi", "client_message_id": 1}', ChatFrame("hi")),
        ("not json", None),
        ("[]", None),
        ("{}", None),
        ('{"message": ["hi"]}', None),
    ],
)
def test_parse_client_frame(data: str, expected: PingFrame | ChatFrame | None) -> None:
    assert parse_client_frame(data) == expected


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("please make a summary", True),
        ("Summary, please", True),
        ("A SUMMARY.", True),
        ("summarise it", False),
        ("summaryless", False),
        ("", False),
    ],
)
def test_wants_summary_looks_for_the_word(text: str, wanted: bool) -> None:
    assert assistant.wants_summary(text) is wanted


@pytest.mark.parametrize("sequence", [1, 2, 3, 4, 10])
def test_every_reply_cites_what_its_markers_name(sequence: int) -> None:
    reply = assistant.compose_reply(sequence, 42)
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", reply.content)}
    assert markers == {citation.index for citation in reply.citations} == {1}
    assert f"message {sequence}" in reply.content
    assert "42 characters" in reply.content
    assert reply.decision_aids


def test_a_chat_message_frame_in_history_and_live_form() -> None:
    moment = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2)))
    message = ChatMessage("user", "Anonymous", "hi", moment, client_message_id="c1")
    history = message.to_frame(local_time=False, include_client_id=True)
    assert history == {
        "role": "user",
        "name": "Anonymous",
        "content": "hi",
        "timestamp": "2024-01-02T01:04:05+00:00",
        "citations": [],
        "decision_aids": [],
        "client_message_id": "c1",
    }
    live = message.to_frame(local_time=True, include_client_id=False)
    assert "client_message_id" not in live
    assert datetime.fromisoformat(live["timestamp"]) == moment.astimezone(UTC)
