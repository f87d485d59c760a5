"""Whether the server session is signed in, from evidence; and when user text may leave.

Theory of operation. The platform's consumers accept anonymous sockets and
store what arrives on them under the name "Anonymous" (PROTOCOL.md): nothing on
a socket says whether it is signed in. Only the HTTP endpoints do, since they
require a session: a 200 proves the session cookie that was sent is signed in,
a redirect to the login page proves it is not (expired, revoked, or never
valid). So the session's state is decided by evidence, never assumed:

=============  ===============================================================
state          meaning
=============  ===============================================================
SIGNED_OUT     no session cookie at all
UNKNOWN        a session cookie nobody has checked yet (restored at start-up)
SIGNED_IN      an authenticated request (or the sign-in itself) confirmed it,
               and nothing since has found it expired
EXPIRED        a request carrying it was sent to the login page
=============  ===============================================================

Transitions (one table, :data:`_NEXT`; evidence about a cookie other than the
current one is stale and ignored)::

    cookie_changed(None)        EXPIRED    -> EXPIRED (the server deleted the dead cookie)
    cookie_changed(None)        others     -> SIGNED_OUT
    cookie_changed(new value)   any        -> UNKNOWN
    signed_out()                any        -> SIGNED_OUT
    confirmed(current)          UNKNOWN, SIGNED_IN, EXPIRED -> SIGNED_IN
    refused(current)            UNKNOWN, SIGNED_IN          -> EXPIRED
    signed_in(value)            any        -> SIGNED_IN (a fresh session)

The one rule that protects patient text, :func:`may_send_user_text`: a
message leaves only on a socket whose handshake carried the very session
cookie that is SIGNED_IN now, and only once a request sent *after* that socket
opened has confirmed the session. A session cannot come back to life, so a
session valid after the handshake was valid at the handshake: the server
attached the socket to the signed-in user, not to "Anonymous". A socket opened
before sign-in (anonymous) or with an older cookie must be reopened first; a
socket opened with a session that expired meanwhile stays held, whatever the
client believed when it opened.
"""

from __future__ import annotations

import enum
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass

from desktop_app.core.translation import Translate, english

logger = logging.getLogger("desktop_app.core.session")


class SessionState(enum.Enum):
    SIGNED_OUT = "signed out"
    UNKNOWN = "not yet checked"
    SIGNED_IN = "signed in"
    EXPIRED = "expired"


class _Evidence(enum.Enum):
    CONFIRMED = "confirmed"
    REFUSED = "refused"


# (state, evidence about the current cookie) -> next state; missing pairs: no change.
_NEXT: dict[tuple[SessionState, _Evidence], SessionState] = {
    (SessionState.UNKNOWN, _Evidence.CONFIRMED): SessionState.SIGNED_IN,
    (SessionState.EXPIRED, _Evidence.CONFIRMED): SessionState.SIGNED_IN,
    (SessionState.UNKNOWN, _Evidence.REFUSED): SessionState.EXPIRED,
    (SessionState.SIGNED_IN, _Evidence.REFUSED): SessionState.EXPIRED,
}


@dataclass
class SessionTracker:
    """The session's state and the cookie value it is about (never logged)."""

    state: SessionState = SessionState.SIGNED_OUT
    cookie: str | None = None
    #: When the latest request that confirmed the current cookie was sent (the
    #: caller's monotonic clock); -inf when none has.
    confirmed_at: float = -math.inf

    def cookie_changed(self, cookie: str | None) -> SessionState:
        """The jar's session cookie is now ``cookie`` (restored, cleared, replaced)."""
        if cookie is None:
            if self.state is not SessionState.EXPIRED:
                self._move(SessionState.SIGNED_OUT, "no session cookie")
        elif cookie != self.cookie:
            self._move(SessionState.UNKNOWN, "new session cookie")
        if cookie != self.cookie:
            self.confirmed_at = -math.inf
        self.cookie = cookie
        return self.state

    def signed_out(self) -> SessionState:
        """The person signed out: the cookie is gone on purpose."""
        self.cookie = None
        self.confirmed_at = -math.inf
        self._move(SessionState.SIGNED_OUT, "signed out")
        return self.state

    def signed_in(self, cookie: str, at: float) -> SessionState:
        """The sign-in form, posted at ``at``, accepted the password and set ``cookie``."""
        if cookie != self.cookie:
            self.confirmed_at = -math.inf
        self.cookie = cookie
        self.confirmed_at = max(self.confirmed_at, at)
        self._move(SessionState.SIGNED_IN, "signed in")
        return self.state

    def confirmed(self, cookie: str | None, at: float) -> SessionState:
        """A request sent at ``at`` carrying ``cookie`` was answered as signed in."""
        if cookie is not None and cookie == self.cookie:
            self.confirmed_at = max(self.confirmed_at, at)
        return self._evidence(cookie, _Evidence.CONFIRMED)

    def refused(self, cookie: str | None) -> SessionState:
        """A request that carried ``cookie`` (None: no cookie) was sent to sign in."""
        return self._evidence(cookie, _Evidence.REFUSED)

    def _evidence(self, cookie: str | None, evidence: _Evidence) -> SessionState:
        if cookie is None or cookie != self.cookie:
            return self.state  # about another (older) cookie, or about none: stale
        target = _NEXT.get((self.state, evidence))
        if target is not None:
            self._move(target, f"the server {evidence.value} the session")
        return self.state

    def _move(self, target: SessionState, why: str) -> None:
        if target is not self.state:
            logger.info("Session: %s -> %s (%s)", self.state.value, target.value, why)
            self.state = target


#: The session cookie's name ends with this: ``sessionid`` in development,
#: ``__Secure-sessionid`` in production (PROTOCOL.md: never hard-code the name).
SESSION_COOKIE_SUFFIX = "sessionid"


def session_cookie_of(cookies: Mapping[str, str]) -> str | None:
    """The value of the session cookie among ``cookies``, or None."""
    for name, value in cookies.items():
        if name.endswith(SESSION_COOKIE_SUFFIX):
            return value
    return None


def may_send_user_text(
    session: SessionTracker, socket_cookie: str | None, socket_opened_at: float
) -> bool:
    """Whether a message may be written on a socket whose handshake sent ``socket_cookie``
    and that opened at ``socket_opened_at`` (the clock of ``confirmed_at``)."""
    return (
        session.state is SessionState.SIGNED_IN
        and socket_cookie is not None
        and socket_cookie == session.cookie
        and session.confirmed_at >= socket_opened_at
    )


def session_notice(
    state: SessionState,
    waiting: int,
    *,
    unattended: bool = False,
    translate: Translate = english,
) -> str | None:
    """What the window says about the session, or None when it is signed in.

    ``waiting``: the messages of this conversation that are not yet delivered;
    ``unattended``: a kiosk's account signs in by itself (nobody is asked to).
    Whole sentences, one per case and count (docs/TRANSLATING.md: plurals in the core).
    """
    if state in (SessionState.SIGNED_IN, SessionState.UNKNOWN):
        return None  # UNKNOWN: the first answer of the server tells, in a moment
    if unattended:
        if state is SessionState.EXPIRED:
            headline = translate(
                "session", "The kiosk's session has ended: it is signing in again by itself."
            )
        else:
            headline = translate(
                "session", "The kiosk is not signed in: it is signing in by itself."
            )
        if not waiting:
            return headline
        if waiting == 1:
            kept = translate("session", "1 waiting message will be sent then.")
        else:
            kept = translate("session", "{count} waiting messages will be sent then.")
        return f"{headline} {kept.format(count=waiting)}"
    if state is SessionState.EXPIRED:
        headline = translate("session", "Your session has ended.")
    else:
        headline = translate("session", "You are not signed in.")
    if not waiting:
        advice = translate("session", "Sign in to see this conversation and send messages.")
    elif waiting == 1:
        advice = translate(
            "session", "Sign in to send 1 waiting message: they are kept until then."
        )
    else:
        advice = translate(
            "session", "Sign in to send {count} waiting messages: they are kept until then."
        )
    return f"{headline} {advice.format(count=waiting)}"


def unattended_sign_in_problem(
    reason: str, retry_in_s: float, *, translate: Translate = english
) -> str:
    """What a kiosk's banner says when signing in by itself failed for ``reason`` (words)."""
    return translate(
        "session",
        "Not signed in: {reason}. Trying again by itself in {seconds} s; "
        "messages typed meanwhile are kept.",
    ).format(reason=reason.rstrip("."), seconds=math.ceil(retry_in_s))
