"""The session's state from the server's evidence, and the rule for patient text."""

from __future__ import annotations

import math

import pytest

from desktop_app.core.session import (
    SessionState,
    SessionTracker,
    may_send_user_text,
    session_cookie_of,
    session_notice,
    unattended_sign_in_problem,
)
from tests.marking import marked

S = SessionState


def restored(cookie: str = "abc") -> SessionTracker:
    tracker = SessionTracker()
    tracker.cookie_changed(cookie)
    return tracker


def test_a_new_tracker_is_signed_out() -> None:
    tracker = SessionTracker()
    assert (tracker.state, tracker.cookie, tracker.confirmed_at) == (S.SIGNED_OUT, None, -math.inf)


def test_a_restored_cookie_is_unknown_until_the_server_answers() -> None:
    tracker = restored()
    assert tracker.state is S.UNKNOWN
    assert tracker.confirmed("abc", at=5.0) is S.SIGNED_IN
    assert tracker.confirmed_at == 5.0


def test_a_refused_cookie_is_expired_and_a_later_confirmation_revives_the_state() -> None:
    tracker = restored()
    assert tracker.refused("abc") is S.EXPIRED
    # The server deletes the dead cookie: still "expired", not "never signed in".
    assert tracker.cookie_changed(None) is S.EXPIRED
    assert tracker.cookie is None
    tracker = restored()
    tracker.refused("abc")
    assert tracker.confirmed("abc", at=1.0) is S.SIGNED_IN  # an answer that raced it


def test_evidence_about_another_cookie_or_none_is_stale() -> None:
    tracker = restored("new")
    assert tracker.refused("old") is S.UNKNOWN
    assert tracker.refused(None) is S.UNKNOWN
    assert tracker.confirmed("old", at=1.0) is S.UNKNOWN
    assert tracker.confirmed_at == -math.inf


def test_confirmations_only_move_confirmed_at_forward() -> None:
    tracker = restored()
    tracker.confirmed("abc", at=5.0)
    tracker.confirmed("abc", at=3.0)  # an earlier request answered late
    assert tracker.confirmed_at == 5.0


def test_signing_in_sets_a_fresh_confirmed_session() -> None:
    tracker = restored("old")
    tracker.confirmed("old", at=9.0)
    assert tracker.signed_in("new", at=10.0) is S.SIGNED_IN
    assert (tracker.cookie, tracker.confirmed_at) == ("new", 10.0)
    assert tracker.signed_in("new", at=11.0) is S.SIGNED_IN
    assert tracker.confirmed_at == 11.0


def test_a_changed_cookie_forgets_its_confirmation_and_the_same_one_keeps_it() -> None:
    tracker = restored("abc")
    tracker.confirmed("abc", at=2.0)
    assert tracker.cookie_changed("abc") is S.SIGNED_IN
    assert tracker.confirmed_at == 2.0
    assert tracker.cookie_changed("xyz") is S.UNKNOWN
    assert tracker.confirmed_at == -math.inf
    assert tracker.cookie_changed(None) is S.SIGNED_OUT


def test_signing_out_is_signed_out_whatever_came_before() -> None:
    tracker = restored()
    tracker.refused("abc")
    assert tracker.signed_out() is S.SIGNED_OUT
    assert (tracker.cookie, tracker.confirmed_at) == (None, -math.inf)


def confirmed_at(at: float, cookie: str = "abc") -> SessionTracker:
    tracker = restored(cookie)
    tracker.confirmed(cookie, at=at)
    return tracker


@pytest.mark.parametrize(
    ("tracker", "socket_cookie", "opened_at", "allowed"),
    [
        (confirmed_at(5.0), "abc", 4.0, True),  # confirmed after the socket opened
        (confirmed_at(5.0), "abc", 5.0, True),
        (confirmed_at(5.0), "abc", 6.0, False),  # opened after: it may have expired since
        (confirmed_at(5.0), None, 4.0, False),  # an anonymous socket
        (confirmed_at(5.0), "other", 4.0, False),  # opened with an older session
        (restored(), "abc", -math.inf, False),  # not confirmed at all
    ],
)
def test_user_text_leaves_only_on_a_socket_of_the_confirmed_session(
    tracker: SessionTracker, socket_cookie: str | None, opened_at: float, allowed: bool
) -> None:
    assert may_send_user_text(tracker, socket_cookie, opened_at) is allowed


def test_an_expired_session_sends_nothing() -> None:
    tracker = confirmed_at(5.0)
    tracker.refused("abc")
    assert not may_send_user_text(tracker, "abc", 1.0)


def test_the_session_cookie_is_found_by_its_suffix() -> None:
    assert session_cookie_of({"csrftoken": "t", "sessionid": "a"}) == "a"
    assert session_cookie_of({"__Secure-sessionid": "b"}) == "b"
    assert session_cookie_of({"csrftoken": "t"}) is None


@pytest.mark.parametrize(
    ("state", "waiting", "text"),
    [
        (S.SIGNED_IN, 3, None),
        (S.UNKNOWN, 3, None),
        (
            S.SIGNED_OUT,
            0,
            "You are not signed in. Sign in to see this conversation and send messages.",
        ),
        (
            S.EXPIRED,
            1,
            "Your session has ended. Sign in to send 1 waiting message: they are kept until then.",
        ),
        (
            S.SIGNED_OUT,
            2,
            "You are not signed in. Sign in to send 2 waiting messages: they are kept until then.",
        ),
    ],
)
def test_the_notice_says_what_to_do(state: SessionState, waiting: int, text: str | None) -> None:
    assert session_notice(state, waiting) == text


@pytest.mark.parametrize(
    ("state", "waiting", "text"),
    [
        (S.SIGNED_IN, 3, None),
        (S.UNKNOWN, 0, None),
        (S.EXPIRED, 0, "The kiosk's session has ended: it is signing in again by itself."),
        (
            S.EXPIRED,
            2,
            "The kiosk's session has ended: it is signing in again by itself. "
            "2 waiting messages will be sent then.",
        ),
        (S.SIGNED_OUT, 0, "The kiosk is not signed in: it is signing in by itself."),
    ],
)
def test_an_unattended_kiosk_asks_nobody_to_sign_in(
    state: SessionState, waiting: int, text: str | None
) -> None:
    assert session_notice(state, waiting, unattended=True) == text


@pytest.mark.parametrize(
    ("state", "waiting", "unattended", "shown"),
    [
        (S.SIGNED_IN, 1, False, None),
        (
            S.EXPIRED,
            0,
            False,
            "<session|Your session has ended.> "
            "<session|Sign in to see this conversation and send messages.>",
        ),
        (
            S.SIGNED_OUT,
            1,
            False,
            "<session|You are not signed in.> "
            "<session|Sign in to send 1 waiting message: they are kept until then.>",
        ),
        (
            S.SIGNED_OUT,
            3,
            False,
            "<session|You are not signed in.> "
            "<session|Sign in to send 3 waiting messages: they are kept until then.>",
        ),
        (
            S.EXPIRED,
            0,
            True,
            "<session|The kiosk's session has ended: it is signing in again by itself.>",
        ),
        (
            S.SIGNED_OUT,
            1,
            True,
            "<session|The kiosk is not signed in: it is signing in by itself.> "
            "<session|1 waiting message will be sent then.>",
        ),
        (
            S.EXPIRED,
            4,
            True,
            "<session|The kiosk's session has ended: it is signing in again by itself.> "
            "<session|4 waiting messages will be sent then.>",
        ),
    ],
)
def test_every_notice_is_translated_in_whole_sentences(
    state: SessionState, waiting: int, unattended: bool, shown: str | None
) -> None:
    assert session_notice(state, waiting, unattended=unattended, translate=marked) == shown


def test_the_sign_in_problem_is_translated_whole_then_filled_in() -> None:
    assert unattended_sign_in_problem("the server is down.", 0.5, translate=marked) == (
        "<session|Not signed in: the server is down. Trying again by itself in 1 s; "
        "messages typed meanwhile are kept.>"
    )
