"""Properties of the session's state and the rule for patient text (core/session.py).

The promise that protects patient text: a message leaves only on a socket whose
handshake carried the very session cookie that is SIGNED_IN now, and only once a
request sent *after* that socket opened confirmed the session. Whatever order the
evidence arrives in (late answers, stale cookies, sign-outs), that holds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from hypothesis import given
from hypothesis import strategies as st

from desktop_app.core.session import (
    SESSION_COOKIE_SUFFIX,
    SessionState,
    SessionTracker,
    may_send_user_text,
    session_cookie_of,
)

S = SessionState
COOKIES = st.sampled_from(["c1", "c2", "c3"])
MAYBE_COOKIE = COOKIES | st.none()
TIMES = st.integers(0, 20).map(float)

EVENTS = st.one_of(
    st.tuples(st.just("cookie_changed"), MAYBE_COOKIE),
    st.tuples(st.just("signed_out")),
    st.tuples(st.just("signed_in"), COOKIES, TIMES),
    st.tuples(st.just("confirmed"), MAYBE_COOKIE, TIMES),
    st.tuples(st.just("refused"), MAYBE_COOKIE),
)


@dataclass
class Model:
    """The documented transition table, written out again, and the evidence so far."""

    state: SessionState = S.SIGNED_OUT
    cookie: str | None = None
    #: When requests that confirmed the current cookie were sent, since it became current.
    confirmations: list[float] = field(default_factory=list)

    def apply(self, event: tuple[object, ...]) -> None:
        name, *args = event
        if name == "cookie_changed":
            (cookie,) = args
            if cookie is None:
                self.state = S.EXPIRED if self.state is S.EXPIRED else S.SIGNED_OUT
            elif cookie != self.cookie:
                self.state = S.UNKNOWN
            self._current(cookie)  # type: ignore[arg-type]
        elif name == "signed_out":
            self.state = S.SIGNED_OUT
            self._current(None)
        elif name == "signed_in":
            cookie, at = args
            self._current(cookie)  # type: ignore[arg-type]
            self.confirmations.append(at)  # type: ignore[arg-type]
            self.state = S.SIGNED_IN
        elif args[0] is not None and args[0] == self.cookie:  # evidence about the current one
            if name == "confirmed":
                self.confirmations.append(args[1])  # type: ignore[arg-type]
                if self.state in (S.UNKNOWN, S.SIGNED_IN, S.EXPIRED):
                    self.state = S.SIGNED_IN
            elif self.state in (S.UNKNOWN, S.SIGNED_IN):
                self.state = S.EXPIRED

    def _current(self, cookie: str | None) -> None:
        if cookie != self.cookie:
            self.confirmations = []
        self.cookie = cookie


def apply(tracker: SessionTracker, event: tuple[object, ...]) -> SessionState:
    name, *args = event
    returned: SessionState = getattr(tracker, str(name))(*args)
    return returned


@given(st.lists(EVENTS, max_size=25))
def test_the_state_follows_the_documented_table(events: list[tuple[object, ...]]) -> None:
    tracker, model = SessionTracker(), Model()
    for event in events:
        returned = apply(tracker, event)
        model.apply(event)
        assert returned is tracker.state
        assert (tracker.state, tracker.cookie) == (model.state, model.cookie)
        assert tracker.confirmed_at == max(model.confirmations, default=-math.inf)
        # No cookie: never signed in or unchecked. Signed in: a cookie the server confirmed.
        if tracker.cookie is None:
            assert tracker.state in (S.SIGNED_OUT, S.EXPIRED)
        if tracker.state is S.SIGNED_IN:
            assert tracker.cookie is not None
            assert tracker.confirmed_at > -math.inf


@given(st.lists(EVENTS, max_size=25), MAYBE_COOKIE, TIMES)
def test_text_leaves_only_on_a_socket_a_later_request_proved_signed_in(
    events: list[tuple[object, ...]], socket_cookie: str | None, opened_at: float
) -> None:
    """``may_send_user_text`` holds exactly when the socket's cookie is the current one,
    SIGNED_IN, and a request sent at or after the socket opened confirmed it (since it
    became the current cookie: a confirmation of an earlier cookie proves nothing)."""
    tracker, model = SessionTracker(), Model()
    for event in events:
        apply(tracker, event)
        model.apply(event)
        allowed = may_send_user_text(tracker, socket_cookie, opened_at)
        proven = (
            model.state is S.SIGNED_IN
            and socket_cookie is not None
            and socket_cookie == model.cookie
            and any(at >= opened_at for at in model.confirmations)
        )
        assert allowed is proven


@given(st.lists(EVENTS, max_size=25), COOKIES, TIMES)
def test_no_evidence_about_another_cookie_changes_anything(
    events: list[tuple[object, ...]], other: str, at: float
) -> None:
    tracker = SessionTracker()
    for event in events:
        apply(tracker, event)
    if other == tracker.cookie:
        return
    before = (tracker.state, tracker.cookie, tracker.confirmed_at)
    tracker.confirmed(other, at)
    tracker.refused(other)
    tracker.confirmed(None, at)
    tracker.refused(None)
    assert (tracker.state, tracker.cookie, tracker.confirmed_at) == before


NAMES = st.sampled_from(["csrftoken", "sessionid", "__Secure-sessionid", "x", "sessionid2"])


@given(st.dictionaries(NAMES, st.text(max_size=5)))
def test_the_session_cookie_is_found_by_its_name_suffix(cookies: dict[str, str]) -> None:
    sessions = [value for name, value in cookies.items() if name.endswith(SESSION_COOKIE_SUFFIX)]
    assert session_cookie_of(cookies) == (sessions[0] if sessions else None)
