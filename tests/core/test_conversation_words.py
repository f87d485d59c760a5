"""The conversation's words go through the ``translate`` they are given, whole."""

from __future__ import annotations

from datetime import datetime

from desktop_app.core.conversation import (
    Creation,
    Notice,
    NoticeAction,
    Phase,
    conversation_notice,
    new_conversation_title,
)
from desktop_app.core.session import SessionState
from tests.marking import marked

IN = SessionState.SIGNED_IN


def notice(phase: Phase, **kwargs: object) -> Notice:
    shown = conversation_notice(phase, IN, translate=marked, **kwargs)  # type: ignore[arg-type]
    assert shown is not None
    return shown


def test_a_gone_conversation_is_said_in_whole_sentences() -> None:
    assert notice(Phase.GONE, waiting=2).text == (
        "<conversation|This conversation no longer exists on the server (it may have been"
        " deleted).> <conversation|Its {count} messages not sent are kept.>"
        " <conversation|Right-click a message to send it in a new conversation.>"
    ).replace("{count}", "2")
    assert notice(Phase.GONE, waiting=1, message_menus=False).text == (
        "<conversation|This conversation no longer exists on the server (it may have been"
        " deleted).> <conversation|Its 1 message not sent is kept.>"
        " <conversation|Start a new conversation to go on.>"
    )


def test_creating_waiting_unavailable_and_typed_are_translated() -> None:
    assert notice(Phase.NONE, creation=Creation.CREATING).text == (
        "<conversation|Starting a new conversation…>"
    )
    assert notice(Phase.NONE, creation=Creation.WAITING, typed_without_conversation=True).text == (
        "<conversation|Cannot reach the server to start a new conversation.>"
        " <conversation|What you wrote stays in the message box.>"
    )
    assert notice(Phase.NONE, creation=Creation.WAITING).text == (
        "<conversation|Cannot reach the server to start a new conversation.>"
    )
    assert notice(Phase.UNAVAILABLE).text.startswith("<conversation|The conversation could not")
    assert notice(Phase.NONE, typed_without_conversation=True).text.startswith(
        "<conversation|No conversation is open"
    )


def test_the_countdown_and_the_button_use_the_notice_s_translate() -> None:
    shown = notice(Phase.UNAVAILABLE, retry_due=4.0)
    assert shown.text_at(0.0).endswith(" Trying again in 4 s.>")
    assert shown.text_at(0.0).startswith("<conversation|<conversation|The conversation")
    assert shown.action_text == "<conversation|Try again now>"
    assert notice(Phase.NONE, creation=Creation.CREATING).action_text is None
    assert NoticeAction.SIGN_IN.label() == "Sign in…"
    assert NoticeAction.SIGN_IN.label(marked) == "<conversation|Sign in…>"


def test_the_session_s_notice_is_translated_too() -> None:
    shown = conversation_notice(Phase.READY, SessionState.EXPIRED, translate=marked)
    assert shown is not None
    assert shown.text.startswith("<session|")
    assert shown.action_text == "<conversation|Sign in…>"


def test_a_new_title_is_worded_in_the_person_s_language_with_an_iso_date() -> None:
    now = datetime(2026, 12, 6, 10, 42)
    assert new_conversation_title(now, [], translate=marked) == (
        "<conversation|Conversation 2026-12-06 10:42>"
    )
