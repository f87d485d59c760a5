"""What a screen reader is told, and when (desktop_app.core.announcements): no clock,
no Qt; times are plain numbers of seconds."""

from __future__ import annotations

import pytest

from desktop_app.core.announcements import (
    SUMMARIZING,
    SUMMARY_READY,
    THINKING,
    Announcement,
    AnnouncementRules,
    Kind,
    Phase,
    connection_text,
    first_words,
    phase_of,
)
from desktop_app.core.presence import Presence

P = Presence


def texts(rules: AnnouncementRules, now: float) -> list[str]:
    return [a.text for a in rules.due(now)]


def test_settle_time_must_be_positive() -> None:
    with pytest.raises(ValueError, match="settle_s"):
        AnnouncementRules(settle_s=0)


@pytest.mark.parametrize(
    ("presence", "current", "phase"),
    [
        (P.CONNECTED, Phase.STARTING, Phase.UP),
        (P.IDLE, Phase.UP, None),
        (P.CONNECTING, Phase.STARTING, Phase.STARTING),
        (P.CONNECTING, Phase.UP, Phase.DOWN),
        (P.CONNECTING, Phase.DOWN, Phase.DOWN),
        (P.RECONNECTING, Phase.UP, Phase.DOWN),
        (P.OFFLINE, Phase.UP, Phase.OFFLINE),
        (P.FAILED, Phase.DOWN, Phase.FAILED),
    ],
)
def test_phase_of_presence(presence: Presence, current: Phase, phase: Phase | None) -> None:
    assert phase_of(presence, current) is phase


def test_connection_sentences() -> None:
    assert connection_text(Phase.UP, Phase.STARTING, None) == "Connected."
    assert connection_text(Phase.UP, Phase.DOWN, None) == "The connection is back."
    assert connection_text(Phase.DOWN, Phase.UP, None) == "The connection was lost. Reconnecting…"
    assert connection_text(Phase.DOWN, Phase.STARTING, None).startswith("Cannot reach the server")
    assert connection_text(Phase.OFFLINE, Phase.UP, None).startswith("This computer is offline")
    assert connection_text(Phase.FAILED, Phase.DOWN, "server refused").startswith(
        "Connection failed: server refused."
    )
    assert "unknown reason" in connection_text(Phase.FAILED, Phase.DOWN, None)


def test_first_words_cuts_long_texts() -> None:
    assert first_words("  one\ntwo  three ") == "one two three"
    assert first_words("a b c d", words=2) == "a b…"
    long_word = "x" * 150
    assert first_words(long_word) == "x" * 99 + "…"


def test_a_drop_and_return_are_said_once_each_not_per_countdown_tick() -> None:
    rules = AnnouncementRules(settle_s=1.0)
    rules.connection(P.CONNECTING, None, 0.0)  # starting: nothing to say
    assert rules.next_deadline() is None
    rules.connection(P.CONNECTED, None, 0.5)
    assert rules.next_deadline() == 1.5
    assert texts(rules, 1.4) == []  # not settled yet
    assert texts(rules, 1.5) == ["Connected."]
    assert rules.next_deadline() is None

    # 10 s: the server goes; the countdown ticks and the retries flip the state.
    rules.connection(P.RECONNECTING, None, 10.0)
    assert texts(rules, 11.0) == ["The connection was lost. Reconnecting…"]
    for tick in range(20):
        rules.connection(P.CONNECTING if tick % 2 else P.RECONNECTING, None, 12.0 + tick)
        rules.connection(P.RECONNECTING, None, 12.0 + tick)  # same phase: no news
    assert texts(rules, 40.0) == []  # DOWN again after the flips: said already
    rules.connection(P.IDLE, None, 41.0)  # no conversation open: no news either
    rules.connection(P.CONNECTED, None, 50.0)
    assert texts(rules, 51.0) == ["The connection is back."]


def test_a_drop_shorter_than_the_settle_time_is_never_said() -> None:
    rules = AnnouncementRules(settle_s=1.0)
    rules.connection(P.CONNECTED, None, 0.0)
    assert texts(rules, 1.0) == ["Connected."]
    rules.connection(P.RECONNECTING, None, 5.0)
    rules.connection(P.CONNECTED, None, 5.5)  # back before the loss settled
    assert rules.next_deadline() == 6.5
    assert texts(rules, 6.5) == []


def test_each_kind_of_trouble_is_said_once_per_outage() -> None:
    rules = AnnouncementRules(settle_s=1.0)
    rules.connection(P.CONNECTED, None, 0.0)
    rules.due(1.0)
    rules.connection(P.OFFLINE, None, 2.0)
    assert texts(rules, 3.0)[0].startswith("This computer is offline")
    rules.connection(P.FAILED, "server refused", 4.0)
    assert texts(rules, 5.0) == ["Connection failed: server refused. The app keeps trying."]
    for start in (10.0, 20.0):  # it keeps retrying and failing: nothing new
        rules.connection(P.CONNECTING, None, start)
        assert (
            texts(rules, start + 1) == ["The connection was lost. Reconnecting…"][: start == 10.0]
        )
        rules.connection(P.FAILED, "server refused", start + 2)
        assert texts(rules, start + 3) == []
    rules.connection(P.CONNECTED, None, 30.0)
    assert texts(rules, 31.0) == ["The connection is back."]
    rules.connection(P.FAILED, "server refused", 40.0)  # a new outage: said again
    assert texts(rules, 41.0) == ["Connection failed: server refused. The app keeps trying."]


def test_never_connected_says_it_cannot_reach_the_server() -> None:
    rules = AnnouncementRules(settle_s=1.0)
    rules.connection(P.CONNECTING, None, 0.0)
    rules.connection(P.RECONNECTING, None, 1.0)
    assert texts(rules, 2.0) == ["Cannot reach the server yet. Trying again…"]
    rules.connection(P.CONNECTED, None, 3.0)
    assert texts(rules, 4.0) == ["The connection is back."]


def test_a_burst_of_replies_is_said_once() -> None:
    rules = AnnouncementRules(settle_s=1.0)
    rules.reply("Assistant", "Here are your options: surgery or physiotherapy", 0.0)
    assert texts(rules, 1.0) == [
        "Reply from Assistant: Here are your options: surgery or physiotherapy"
    ]
    rules.reply("Assistant", "first", 2.0)
    rules.reply("Dr Who", "second one", 2.5)
    rules.reply("Assistant", "third one", 2.9)
    assert rules.next_deadline() == 3.0  # from the first of the burst, not extended
    assert texts(rules, 3.0) == ["3 new replies. The last from Assistant: third one"]
    assert texts(rules, 10.0) == []
    rules.reply("Assistant", "the last visitor's answer", 11.0)
    rules.forget_replies()  # the kiosk starts over
    assert rules.next_deadline() is None
    assert texts(rules, 20.0) == []


def test_assistant_flags_are_said_when_they_come_on() -> None:
    rules = AnnouncementRules(settle_s=1.0)
    rules.assistant(thinking=True, summarizing=False, summary_ready=False, now=0.0)
    rules.assistant(thinking=True, summarizing=False, summary_ready=False, now=0.5)  # no news
    assert texts(rules, 1.0) == [THINKING]
    rules.assistant(thinking=False, summarizing=False, summary_ready=False, now=2.0)
    # Thinking again, but over before it settled (the reply came at once): not said.
    rules.assistant(thinking=True, summarizing=False, summary_ready=False, now=3.0)
    rules.assistant(thinking=False, summarizing=False, summary_ready=False, now=3.2)
    assert rules.next_deadline() is None
    # The summary: generating, then ready (ready is not said while generating).
    rules.assistant(thinking=False, summarizing=True, summary_ready=True, now=4.0)
    assert texts(rules, 5.0) == [SUMMARIZING]
    rules.assistant(thinking=False, summarizing=False, summary_ready=True, now=6.0)
    assert texts(rules, 7.0) == [SUMMARY_READY]
    # Thinking again for the next message: the summary stays ready, and is not said again.
    rules.assistant(thinking=True, summarizing=False, summary_ready=True, now=8.0)
    assert texts(rules, 9.0) == [THINKING]
    rules.assistant(thinking=False, summarizing=False, summary_ready=True, now=10.0)
    assert texts(rules, 20.0) == []


def test_a_flag_not_yet_settled_waits_while_an_older_one_is_said() -> None:
    rules = AnnouncementRules(settle_s=1.0)
    rules.assistant(thinking=False, summarizing=True, summary_ready=False, now=0.0)
    rules.assistant(thinking=True, summarizing=True, summary_ready=False, now=0.5)
    assert texts(rules, 1.0) == [SUMMARIZING]
    assert rules.next_deadline() == 1.5
    assert texts(rules, 1.5) == [THINKING]


def test_due_announcements_come_oldest_first() -> None:
    rules = AnnouncementRules(settle_s=1.0)
    rules.reply("Assistant", "hello", 0.2)
    rules.connection(P.CONNECTED, None, 0.0)
    rules.assistant(thinking=True, summarizing=False, summary_ready=False, now=0.1)
    said = rules.due(5.0)
    assert [a.kind for a in said] == [Kind.CONNECTION, Kind.ASSISTANT, Kind.REPLY]


def test_an_announcement_keeps_its_text_out_of_its_repr() -> None:
    announcement = Announcement(Kind.REPLY, "Reply from Assistant: patient words")
    assert "patient" not in repr(announcement)
    assert repr(announcement) == "Announcement(reply, 35 chars)"


def test_every_sentence_goes_through_translate_whole() -> None:
    def marking(context: str, text: str) -> str:
        return f"<{context}:{text}>"

    rules = AnnouncementRules(settle_s=1.0, translate=marking)
    rules.connection(P.CONNECTED, None, 0.0)
    rules.assistant(thinking=True, summarizing=False, summary_ready=False, now=0.0)
    rules.reply("Assistant", "hello", 0.0)
    assert texts(rules, 1.0) == [
        "<announcements:Connected.>",
        "<announcements:Reply from Assistant: hello>",  # the template, then filled in
        "<announcements:The assistant is thinking…>",
    ]
    rules.connection(P.FAILED, None, 2.0)
    assert texts(rules, 3.0) == [
        "<announcements:Connection failed: <presence:unknown reason>. The app keeps trying.>"
    ]
