"""What the status bar says about the connection: both sockets summed up in words.

Pure presentation logic: the window's connection indicator feeds it snapshots
of the managers (their own state, not a second copy of it) and shows the result.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.core.machine import ConnectionState
from desktop_app.core.session import SessionState
from desktop_app.core.translation import Translate, english


class Presence(enum.Enum):
    """The indicator's states, from best to worst; several sockets show the worst."""

    CONNECTED = 0
    IDLE = 1  # no conversation open
    CONNECTING = 2
    RECONNECTING = 3
    OFFLINE = 4
    FAILED = 5


_PRESENCE = {
    ConnectionState.IDLE: Presence.IDLE,
    ConnectionState.CLOSED: Presence.IDLE,
    ConnectionState.CONNECTING: Presence.CONNECTING,
    ConnectionState.OPEN: Presence.CONNECTED,
    ConnectionState.RECONNECTING: Presence.RECONNECTING,
    ConnectionState.OFFLINE: Presence.OFFLINE,
    ConnectionState.FAILED: Presence.FAILED,
}


@dataclass(frozen=True)
class SocketSnapshot:
    """One manager's state at one moment (times in seconds)."""

    name: str
    state: ConnectionState
    attempts: int = 0
    max_attempts: int | None = None
    retry_in_s: float | None = None
    latency_s: float | None = None
    failure_reason: str | None = None
    last_close: tuple[int | None, str] | None = None


@dataclass(frozen=True)
class Summary:
    presence: Presence
    text: str  # one line for the status bar
    details: str  # one line per socket, for the tooltip
    reason: str | None = None  # FAILED: why, in words (the text adds when it tries again)


def _ms(seconds: float, translate: Translate = english) -> str:
    return translate("presence", "{milliseconds} ms").format(milliseconds=round(seconds * 1000))


def _attempts(socket: SocketSnapshot, translate: Translate = english) -> str:
    if socket.max_attempts is None:
        return translate("presence", "attempt {attempt}").format(attempt=socket.attempts)
    return translate("presence", "attempt {attempt}/{max_attempts}").format(
        attempt=socket.attempts, max_attempts=socket.max_attempts
    )


def state_word(state: ConnectionState, translate: Translate = english) -> str:
    """One socket's state in a word (the tooltip's details, the diagnostics)."""
    return {
        ConnectionState.IDLE: translate("presence", "idle"),
        ConnectionState.CONNECTING: translate("presence", "connecting"),
        ConnectionState.OPEN: translate("presence", "open"),
        ConnectionState.RECONNECTING: translate("presence", "reconnecting"),
        ConnectionState.OFFLINE: translate("presence", "offline"),
        ConnectionState.FAILED: translate("presence", "failed"),
        ConnectionState.CLOSED: translate("presence", "closed"),
    }[state]


def describe(socket: SocketSnapshot, *, translate: Translate = english) -> str:
    """One line about one socket: state, attempts, last close, latency.

    The socket's name, the server's close reason and the failure reason are shown as
    they come (``Chat`` and ``Status`` read the same in German).
    """
    parts = [
        #: A socket's name ("Chat"), then its state ("open").
        translate("presence", "{name}: {state}").format(
            name=socket.name, state=state_word(socket.state, translate)
        )
    ]
    if socket.attempts:
        parts.append(_attempts(socket, translate))
    if socket.last_close is not None:
        code, reason = socket.last_close
        code = code if code is not None else 1006
        if reason:
            #: The WebSocket close code, and the reason the server gave (in its words).
            close = translate("presence", "last close {code} ({reason})")
        else:
            close = translate("presence", "last close {code}")
        parts.append(close.format(code=code, reason=reason))
    if socket.latency_s is not None:
        latency = _ms(socket.latency_s, translate)
        parts.append(translate("presence", "latency {latency}").format(latency=latency))
    if socket.state is ConnectionState.FAILED and socket.failure_reason:
        parts.append(socket.failure_reason)
    return " · ".join(parts)


def summarize(sockets: Sequence[SocketSnapshot], *, translate: Translate = english) -> Summary:
    """The combined state of ``sockets`` (at least one), as the status bar shows it.

    ``translate``: the ui's ``QCoreApplication.translate`` for the status line, the
    failure reason's fallback and the tooltip's details.
    """
    if not sockets:
        raise ValueError("summarize() needs at least one socket")
    presence = max((_PRESENCE[s.state] for s in sockets), key=lambda p: p.value)
    worst = [s for s in sockets if _PRESENCE[s.state] is presence]
    if presence is Presence.CONNECTED:
        latencies = [s.latency_s for s in sockets if s.latency_s is not None]
        text = (
            translate("presence", "Connected · {latency}").format(
                latency=_ms(max(latencies), translate)
            )
            if latencies
            else translate("presence", "Connected")
        )
    elif presence is Presence.IDLE:
        text = translate("presence", "Not connected")
    elif presence is Presence.CONNECTING:
        text = translate("presence", "Connecting…")
    elif presence is Presence.RECONNECTING:
        waiting = [s for s in worst if s.retry_in_s is not None]
        if waiting:
            # The last of the sockets' retries: when the first one fires, the countdown
            # goes on from where it was instead of jumping back to the other's.
            latest = max(waiting, key=lambda s: s.retry_in_s or 0.0)
            seconds = max(1, math.ceil(latest.retry_in_s or 0.0))
            text = translate("presence", "Reconnecting in {seconds} s ({attempt})").format(
                seconds=seconds, attempt=_attempts(latest, translate)
            )
        else:
            text = translate("presence", "Reconnecting…")
    elif presence is Presence.OFFLINE:
        text = translate("presence", "Offline — waiting for the network")
    else:
        # A socket refused for good (no retry of its own) needs a person: it speaks first.
        shown = min(worst, key=lambda s: (s.retry_in_s is not None, s.failure_reason is None))
        reason = shown.failure_reason or translate("presence", "unknown reason")
        if shown.retry_in_s is None:
            text = translate("presence", "Connection failed — {reason}").format(reason=reason)
        else:
            # The attempts were used up; the sockets keep trying, the first one soonest.
            soonest = min(s.retry_in_s for s in worst if s.retry_in_s is not None)
            text = translate(
                "presence", "Connection failed — {reason} · trying again in {seconds} s"
            ).format(reason=reason, seconds=max(1, math.ceil(soonest)))
        return Summary(presence, text, _details(sockets, translate), reason)
    return Summary(presence, text, _details(sockets, translate))


def _details(sockets: Sequence[SocketSnapshot], translate: Translate) -> str:
    return "\n".join(describe(s, translate=translate) for s in sockets)


def connected_attention(
    session: SessionState, unsent: tuple[int, int], *, translate: Translate = english
) -> str | None:
    """What qualifies "Connected" (None: nothing; connected and all is well).

    ``unsent``: (messages on their way, messages that failed) in the open conversation.
    A green "Connected" beside messages that cannot leave would be a lie. A count is
    said in whole sentences, one and many (docs/TRANSLATING.md: plurals in the core).
    """
    waiting, failed = unsent
    if session is SessionState.UNKNOWN:
        return translate("presence", "checking your sign-in")
    if session is not SessionState.SIGNED_IN:
        return translate("presence", "not signed in")
    if failed == 1:
        return translate("presence", "1 message not sent")
    if failed:
        return translate("presence", "{count} messages not sent").format(count=failed)
    if waiting == 1:
        return translate("presence", "sending 1 message")
    if waiting:
        return translate("presence", "sending {count} messages").format(count=waiting)
    return None


def keep_writing(translate: Translate = english) -> str:
    """The kiosk banner's second line: whatever is wrong, nothing typed is lost."""
    return translate(
        "presence",
        "You can keep writing: your messages are kept on this computer and sent "
        "as soon as the connection is back.",
    )


# :func:`keep_writing` in English (tests, logs).
KEEP_WRITING = keep_writing()


def banner_text(
    summary: Summary, restart_in_s: float | None = None, *, translate: Translate = english
) -> str | None:
    """The kiosk's large banner for ``summary``, or None when there is nothing to say.

    It never shows an end state: a failure names its reason and when the app
    tries again (``restart_in_s``, counted by the kiosk's watchdog). ``summary``
    was made with the same ``translate``: its status line is part of the banner.
    """
    presence = summary.presence
    if presence in (Presence.CONNECTED, Presence.IDLE):
        return None
    if presence is Presence.CONNECTING:
        headline = translate("presence", "Connecting to the server…")
    elif presence is Presence.RECONNECTING:
        #: {status} is the status bar's line, e.g. "Reconnecting in 4 s (attempt 2)".
        headline = translate("presence", "The connection was lost. {status}.").format(
            status=summary.text
        )
    elif presence is Presence.OFFLINE:
        headline = translate(
            "presence",
            "This computer is offline. The app reconnects as soon as the network is back.",
        )
    else:
        reason = summary.reason or translate("presence", "unknown reason")
        if restart_in_s is None:
            headline = translate("presence", "Cannot connect ({reason}). Trying again…").format(
                reason=reason
            )
        else:
            seconds = max(1, math.ceil(restart_in_s))
            headline = translate(
                "presence", "Cannot connect ({reason}). Trying again in {seconds} s."
            ).format(reason=reason, seconds=seconds)
    return f"{headline}\n{keep_writing(translate)}"
