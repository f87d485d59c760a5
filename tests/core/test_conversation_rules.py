"""The conversation's notices, retry delays and titles."""

from __future__ import annotations

from datetime import datetime

import pytest

from desktop_app.core.conversation import (
    Creation,
    Notice,
    NoticeAction,
    Phase,
    conversation_notice,
    new_conversation_title,
    retry_delay_s,
)
from desktop_app.core.frames import Role
from desktop_app.core.session import SessionState
from desktop_app.core.transcript import TranscriptEntry, message_key

IN = SessionState.SIGNED_IN


def test_nothing_to_say_when_all_is_well() -> None:
    for phase in (Phase.NONE, Phase.LOADING, Phase.READY):
        assert conversation_notice(phase, IN) is None


def test_a_gone_conversation_wins_and_offers_a_new_one() -> None:
    notice = conversation_notice(Phase.GONE, SessionState.EXPIRED, waiting=2)
    assert notice is not None
    assert notice.action is NoticeAction.NEW_CONVERSATION
    assert "Its 2 messages not sent are kept." in notice.text
    lone = conversation_notice(Phase.GONE, IN, waiting=1)
    assert lone is not None
    assert "Its 1 message not sent is kept." in lone.text
    assert "kept" not in (conversation_notice(Phase.GONE, IN) or Notice("")).text


def test_the_session_comes_before_the_server() -> None:
    notice = conversation_notice(
        Phase.UNAVAILABLE, SessionState.EXPIRED, creation=Creation.WAITING, waiting=1
    )
    assert notice is not None
    assert notice.action is NoticeAction.SIGN_IN
    assert notice.text.startswith("Your session has ended.")


def test_creating_and_waiting_to_create() -> None:
    creating = conversation_notice(Phase.NONE, IN, creation=Creation.CREATING)
    assert creating == Notice("Starting a new conversation…")
    waiting = conversation_notice(
        Phase.NONE,
        IN,
        creation=Creation.WAITING,
        create_retry_due=12.0,
        typed_without_conversation=True,
    )
    assert waiting == Notice(
        "Cannot reach the server to start a new conversation. "
        "What you wrote stays in the message box.",
        NoticeAction.RETRY,
        12.0,
    )
    assert waiting.text_at(10.2).endswith("Trying again in 2 s.")
    assert waiting.text_at(13.0).endswith("Trying again in 1 s.")


def test_an_unavailable_history_counts_down() -> None:
    notice = conversation_notice(Phase.UNAVAILABLE, IN, retry_due=4.0)
    assert notice is not None
    assert notice.action is NoticeAction.RETRY
    assert notice.text_at(0.0) == (
        "The conversation could not be loaded from the server. Messages you write are kept."
        " Trying again in 4 s."
    )


def test_typing_without_a_conversation_offers_one() -> None:
    notice = conversation_notice(Phase.NONE, IN, typed_without_conversation=True)
    assert notice is not None
    assert notice.action is NoticeAction.NEW_CONVERSATION
    assert notice.text_at(0.0) == notice.text


@pytest.mark.parametrize(
    ("failures", "delay"), [(0, 1.0), (1, 1.0), (2, 2.0), (3, 4.0), (6, 30.0), (500, 30.0)]
)
def test_retry_delays_double_up_to_the_cap(failures: int, delay: float) -> None:
    assert retry_delay_s(failures) == delay


def test_titles_are_numbered_when_taken() -> None:
    now = datetime(2026, 12, 6, 10, 42)
    base = "Conversation 2026-12-06 10:42"
    assert new_conversation_title(now, []) == base
    assert new_conversation_title(now, [base]) == f"{base} (2)"
    assert new_conversation_title(now, [base, f"{base} (2)"]) == f"{base} (3)"


def test_live_messages_match_the_history_by_role_and_text() -> None:
    entry = TranscriptEntry(role=Role.USER, name="x", content="hi", timestamp="t")
    assert message_key(entry) == ("user", "hi")


def test_an_entry_is_made_from_a_message() -> None:
    from desktop_app.core.frames import ChatMessage, decode_object

    message = decode_object(
        {"role": "bot", "name": "A", "content": "c", "timestamp": "t", "citations": []}
    )
    assert isinstance(message, ChatMessage)
    entry = TranscriptEntry.from_message(message)
    assert (entry.role, entry.content, entry.failure) == (Role.BOT, "c", None)


def test_an_unattended_kiosk_offers_no_sign_in() -> None:
    notice = conversation_notice(Phase.READY, SessionState.EXPIRED, waiting=1, unattended=True)
    assert notice is not None
    assert notice.action is None  # nobody to press it: the kiosk signs in by itself
    assert notice.text.startswith("The kiosk's session has ended")


def test_a_gone_conversation_without_message_menus_names_no_right_click() -> None:
    notice = conversation_notice(Phase.GONE, IN, waiting=2, message_menus=False)
    assert notice is not None
    assert notice.action is NoticeAction.NEW_CONVERSATION
    assert notice.text == (
        "This conversation no longer exists on the server (it may have been deleted). "
        "Its 2 messages not sent are kept. Start a new conversation to go on."
    )
