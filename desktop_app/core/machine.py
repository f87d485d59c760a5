"""The connection state machine of one WebSocket: one transition table.

Theory of operation
-------------------
The I/O layer (:mod:`desktop_app.net.manager`) owns the socket and the timers;
this module owns every decision. The I/O layer feeds *inputs* (the user asked
to connect, the socket opened, it closed with a code, the keepalive deadline
passed, the retry timer fired, the network went away or came back, the user
pressed Reconnect or disconnected) to :meth:`ConnectionMachine.handle`, which
looks the pair ``(state, input type)`` up in :data:`TRANSITIONS`, moves to the
next state and returns *actions* for the I/O layer to carry out in order:
open a socket, close it, schedule or cancel the retry timer, notify listeners.
A pair missing from the table is ignored (for example ``ReconnectNow`` while a
socket is already being opened: it must not open a second one).

::

    IDLE ──connect──▶ CONNECTING ──opened──▶ OPEN
                        ▲ ▲  │                │ closed (retryable) / keepalive missed
                        │ │  │ failed         ▼
                        │ └──┴─ retry timer ─ RECONNECTING
                        │                       │ failed, the attempts used up
                        │                       ▼
                        └── retry timer, ──── FAILED, trying again every max_delay_s
                            a peer opened
    any active state ──network lost──▶ OFFLINE ──network back──▶ CONNECTING
    any state ──disconnect──▶ CLOSED
    refused for good (401/403/404, bad certificate, close 1008) ──▶ FAILED, final

FAILED says "Connection failed" in two cases. The attempts were used up: the
machine keeps trying, in windows of the policy's ``max_delay_s`` at this outage's
place in them (each failed try comes back to FAILED with the next one scheduled,
and announces it in :class:`ConnectionFailed`), so no outage ever needs a click;
another socket to the same server that opens (:class:`PeerOpened`) ends such a wait
at once. Or the server refused in a way waiting cannot fix: nothing is scheduled, and
only a person starts it again (Reconnect, another conversation; on a kiosk, its
watchdog).

The attempt counter only resets once a connection has stayed open for
``BackoffPolicy.stable_after_s``, on ``reconnect_now`` and when the network
comes back, so a server that accepts and at once closes cannot make a hot loop.
An outage's place in the backoff windows (drawn at its first retry) and whether
the server announced a restart (:data:`RESTART_CLOSE_CODES`) last as long as
the counter: see :mod:`desktop_app.core.backoff`.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop_app.core.backoff import BackoffPolicy

if TYPE_CHECKING:
    import random

logger = logging.getLogger("desktop_app.core.machine")


class ConnectionState(enum.Enum):
    """Where one socket stands, as a person would describe it."""

    IDLE = "idle"  # never asked to connect
    CONNECTING = "connecting"  # a handshake is under way
    OPEN = "open"
    RECONNECTING = "reconnecting"  # waiting for the retry timer
    OFFLINE = "offline"  # waiting for the network to come back
    FAILED = "failed"  # the attempts are used up (still trying), or refused for good
    CLOSED = "closed"  # the user disconnected


# --- inputs ------------------------------------------------------------------


@dataclass(frozen=True)
class ConnectRequested:
    """Connect (or switch to another conversation): a fresh start."""


@dataclass(frozen=True)
class Opened:
    """The handshake of the current socket succeeded."""


@dataclass(frozen=True)
class Closed:
    """The current socket closed or failed to open.

    ``code`` is the WebSocket close code (``None`` for a network error or a
    handshake that failed); ``retryable`` says whether waiting can help.
    """

    code: int | None
    reason: str
    retryable: bool = True
    #: The server is away for every client, not just this one: it refused the
    #: connection, or a proxy in front of it answered 502/503/504. Like a restart
    #: close, it widens the backoff windows so that a fleet does not return at once.
    server_down: bool = False


@dataclass(frozen=True)
class KeepaliveMissed:
    """No frame arrived within the pong deadline: the connection is dead."""


@dataclass(frozen=True)
class RetryTimerFired:
    """The backoff wait is over."""


@dataclass(frozen=True)
class NetworkLost:
    """The operating system reports no network."""


@dataclass(frozen=True)
class NetworkBack:
    """The operating system reports the network again."""


@dataclass(frozen=True)
class ReconnectNow:
    """The user pressed Reconnect: skip the wait, forget past failures."""


@dataclass(frozen=True)
class PeerOpened:
    """Another socket to the same server opened: the server is back.

    A socket waiting in a window of the longest delay (``max_delay_s``: after its
    attempts were used up, or a kiosk's retries past the growing windows) tries at
    once instead of waiting out up to 30 s more. One in the shorter windows before
    keeps its schedule: a fleet's second sockets must not all follow their first at
    a window's start.
    """


@dataclass(frozen=True)
class Disconnect:
    """The user (or the app) closes the connection for good."""


Input = (
    ConnectRequested
    | Opened
    | Closed
    | KeepaliveMissed
    | RetryTimerFired
    | NetworkLost
    | NetworkBack
    | ReconnectNow
    | PeerOpened
    | Disconnect
)


# --- actions -----------------------------------------------------------------


@dataclass(frozen=True)
class OpenSocket:
    """Open a new socket (the I/O layer starts the handshake)."""


@dataclass(frozen=True)
class CloseSocket:
    """Close the current socket; ``abort`` drops it without a closing handshake."""

    code: int = 1000
    reason: str = ""
    abort: bool = False


@dataclass(frozen=True)
class ScheduleRetry:
    """Fire :class:`RetryTimerFired` after ``delay_s`` seconds."""

    delay_s: float


@dataclass(frozen=True)
class CancelRetry:
    """Cancel a pending retry timer, if any."""


@dataclass(frozen=True)
class Notify:
    """Tell listeners: ``event`` is one of the connection events below."""

    event: ConnectionEvent


@dataclass(frozen=True)
class ConnectionEstablished:
    pass


@dataclass(frozen=True)
class Disconnected:
    code: int | None
    reason: str


@dataclass(frozen=True)
class Reconnecting:
    attempt: int
    max_attempts: int | None
    delay_s: float


@dataclass(frozen=True)
class ConnectionFailed:
    reason: str
    #: When the machine tries again by itself (the attempts were used up); None: refused
    #: for good, it waits for a person.
    retry_in_s: float | None = None


@dataclass(frozen=True)
class WentOffline:
    pass


@dataclass(frozen=True)
class CameOnline:
    pass


ConnectionEvent = (
    ConnectionEstablished
    | Disconnected
    | Reconnecting
    | ConnectionFailed
    | WentOffline
    | CameOnline
)
Action = OpenSocket | CloseSocket | ScheduleRetry | CancelRetry | Notify


# --- close classification ----------------------------------------------------

# Close codes after which waiting and retrying can help: going away, abnormal
# closure (no close frame: the network), server error, service restart, try again
# later, bad gateway; and the normal/no-status closes a restarting server sends.
RETRYABLE_CLOSE_CODES = frozenset({1000, 1001, 1005, 1006, 1011, 1012, 1013, 1014})
# Handshake answers after which waiting can help: the proxy or server is
# overloaded or restarting. Anything else (403 refused origin, 401, 404, 500 for
# a path the server does not know) will be the same next time.
RETRYABLE_HANDSHAKE_STATUSES = frozenset({408, 429, 502, 503, 504})


# Close codes with which a server announces that it goes away for every client at
# once: going away (a server shutting down), service restart, try again later.
RESTART_CLOSE_CODES = frozenset({1001, 1012, 1013})


def is_restart_close(code: int | None) -> bool:
    """Whether a close with ``code`` announces a restart of the server (all its clients)."""
    return code in RESTART_CLOSE_CODES


def is_retryable_close(code: int | None) -> bool:
    """Whether a socket closed with ``code`` (None: no close frame) should be retried."""
    return code is None or code in RETRYABLE_CLOSE_CODES


def is_dead_link(event: ConnectionEvent) -> bool:
    """Whether ``event`` says an open socket found its link to the server dead: lost
    without a close frame (keepalive deadline missed, network lost, connection broken).

    Every other connection to that server (pooled HTTP ones) went through the same
    link, and is as dead.
    """
    return isinstance(event, Disconnected) and event.code in (None, 1006)


def is_retryable_handshake_status(status: int) -> bool:
    """Whether a handshake refused with HTTP ``status`` should be retried."""
    return status in RETRYABLE_HANDSHAKE_STATUSES


# --- the machine -------------------------------------------------------------


class ConnectionMachine:
    """Decides what one socket does next; see the module docstring."""

    def __init__(
        self,
        policy: BackoffPolicy,
        *,
        max_attempts: int | None,
        clock: Callable[[], float],
        rng: random.Random,
        name: str = "ws",
    ) -> None:
        if max_attempts is not None and max_attempts < 0:
            raise ValueError(f"max_attempts must be >= 0 or None, got {max_attempts}")
        self.policy = policy
        self.max_attempts = max_attempts
        self._clock = clock
        self._rng = rng
        self._name = name
        self._state = ConnectionState.IDLE
        self.attempts = 0  # reconnect attempts since the last stable connection
        # This outage's place in the backoff windows, and whether the server announced
        # a restart: both last until the attempt counter resets.
        self._place = 0.0
        self._restart_announced = False
        self._last_window = 0.0  # the window of the previous attempt of this outage
        self.network_available = True
        self.opened_at: float | None = None
        self.last_close: Disconnected | None = None
        self.failure_reason: str | None = None
        self._failed_for_good = False
        self._actions: list[Action] = []

    @property
    def state(self) -> ConnectionState:
        return self._state

    @property
    def failed_for_good(self) -> bool:
        """FAILED after a refusal that waiting cannot fix: no attempt is scheduled."""
        return self._state is ConnectionState.FAILED and self._failed_for_good

    def _set_state(self, state: ConnectionState) -> None:
        if state is not self._state:
            logger.debug("[%s] state %s -> %s", self._name, self._state.name, state.name)
            self._state = state

    def handle(self, inp: Input) -> list[Action]:
        """Feed one input; return the actions to carry out, in order."""
        # The network flag is a fact about the world, kept in every state.
        if isinstance(inp, NetworkLost):
            self.network_available = False
        elif isinstance(inp, NetworkBack):
            self.network_available = True
        transition = TRANSITIONS.get((self._state, type(inp)))
        if transition is None:
            logger.debug("[%s] %s ignored in %s", self._name, type(inp).__name__, self._state.name)
            return []
        self._actions = []
        transition(self, inp)
        actions, self._actions = self._actions, []
        return actions

    # -- transitions (each is named in TRANSITIONS below) ---------------------

    def _do(self, *actions: Action) -> None:
        self._actions.extend(actions)

    def _start(self, _inp: Any = None) -> None:
        """A fresh start: forget failures; open unless the network is known to be down."""
        self._forget_failures()
        if self.network_available:
            self._open()
        else:
            self._go_offline()

    def _open(self, _inp: Any = None) -> None:
        self._set_state(ConnectionState.CONNECTING)
        self._do(OpenSocket())

    def _restart(self, inp: Input) -> None:
        """A new conversation while a socket exists: close it, then start afresh."""
        reason = "switching conversation"
        was_open = self._state is ConnectionState.OPEN
        self._leave_socket(
            CloseSocket(1000, reason), Disconnected(1000, reason) if was_open else None
        )
        self._start(inp)

    def _restart_now(self, _inp: Input) -> None:
        """Reconnect at once, even if the network was reported down (the user knows best)."""
        self._forget_failures()
        self._open()

    def _opened(self, _inp: Input) -> None:
        # A socket that opened proves the network is there, whatever the operating
        # system said (it may only mean "no default route", with a server on the LAN).
        self.network_available = True
        self.failure_reason = None  # a try after the attempts were used up succeeded
        self._set_state(ConnectionState.OPEN)
        self.opened_at = self._clock()
        self._do(Notify(ConnectionEstablished()))

    def _closed(self, inp: Input) -> None:
        assert isinstance(inp, Closed)
        was_open = self._state is ConnectionState.OPEN
        self._leave_socket(None, Disconnected(inp.code, inp.reason) if was_open else None)
        if is_restart_close(inp.code) or inp.server_down:
            self._restart_announced = True
        self._after_loss(inp.reason, retryable=inp.retryable)

    def _keepalive_missed(self, _inp: Input) -> None:
        reason = "keepalive timeout: no answer from the server"
        self._leave_socket(CloseSocket(1006, reason, abort=True), Disconnected(None, reason))
        self._after_loss(reason, retryable=True)

    def _network_lost(self, _inp: Input) -> None:
        reason = "network lost"
        if self._state in (ConnectionState.CONNECTING, ConnectionState.OPEN):
            was_open = self._state is ConnectionState.OPEN
            self._leave_socket(
                CloseSocket(1001, reason, abort=True),
                Disconnected(None, reason) if was_open else None,
            )
        self._do(CancelRetry())
        self._go_offline()

    def _network_back(self, _inp: Input) -> None:
        self._do(Notify(CameOnline()))
        self._start()

    def _retry_timer_fired(self, _inp: Input) -> None:
        self._open()

    def _retry_after_failure(self, _inp: Input) -> None:
        # The attempts were used up: the next try is due. After a refusal for good no
        # timer was set; one reported anyway (cancelled as it fired) must not undo it.
        if not self._failed_for_good:
            self._open()

    def _peer_opened(self, _inp: Input) -> None:
        # The server is back: why wait out the rest of a window of the longest delay.
        if self._failed_for_good or self._last_window < self.policy.max_delay_s:
            return
        self._do(CancelRetry())
        self._open()

    def _disconnect(self, _inp: Input) -> None:
        if self._state in (ConnectionState.CONNECTING, ConnectionState.OPEN):
            was_open = self._state is ConnectionState.OPEN
            self._leave_socket(
                CloseSocket(1000, "client disconnect"),
                Disconnected(1000, "client disconnect") if was_open else None,
            )
        self._do(CancelRetry())
        self._set_state(ConnectionState.CLOSED)

    # -- helpers ---------------------------------------------------------------

    def _forget_failures(self) -> None:
        self._reset_attempts()
        self.failure_reason = None
        self._failed_for_good = False
        self._do(CancelRetry())

    def _leave_socket(self, close: CloseSocket | None, event: Disconnected | None) -> None:
        """The current socket is gone (or about to be): close it, remember why."""
        if close is not None:
            self._do(close)
        if event is not None:
            self.last_close = event
            self._do(Notify(event))
        if self.opened_at is not None:
            # Only a connection that stayed up a while proves the server healthy.
            if self._clock() - self.opened_at >= self.policy.stable_after_s:
                self._reset_attempts()
            self.opened_at = None

    def _reset_attempts(self) -> None:
        self.attempts = 0
        self._restart_announced = False
        self._last_window = 0.0

    def _after_loss(self, reason: str, *, retryable: bool) -> None:
        if not retryable:
            self._fail(reason)
        elif not self.network_available:
            self._go_offline()
        elif self.max_attempts is not None and self.attempts >= self.max_attempts:
            # "Connection failed", and the next try at this outage's place in the next
            # max_delay_s window: no outage needs a click, and a fleet stays spread.
            place = self._outage_place()
            delay = self.policy.delay_after_giving_up(place, previous_window=self._last_window)
            self._last_window = self.policy.max_delay_s
            self._fail(reason, retry_in_s=delay)
        else:
            place = self._outage_place()
            self.attempts += 1
            restart = self._restart_announced
            # The previous attempt's window as it was: a restart noticed mid-outage
            # widens the windows from now on, not the one already behind.
            delay = self.policy.delay(
                self.attempts, place, restart=restart, previous_window=self._last_window
            )
            self._last_window = self.policy.window(self.attempts, restart=restart)
            self._set_state(ConnectionState.RECONNECTING)
            self._do(
                ScheduleRetry(delay),
                Notify(Reconnecting(self.attempts, self.max_attempts, delay)),
            )

    def _outage_place(self) -> float:
        """This outage's place in the windows: drawn before its first retry, then kept."""
        if self._last_window == 0.0:  # no retry yet since the attempts were reset
            self._place = self.policy.draw_place(self._rng)
        return self._place

    def _fail(self, reason: str, *, retry_in_s: float | None = None) -> None:
        """FAILED; trying again after ``retry_in_s``, or (None) refused for good."""
        self.failure_reason = reason
        self._failed_for_good = retry_in_s is None
        self._set_state(ConnectionState.FAILED)
        if retry_in_s is not None:
            self._do(ScheduleRetry(retry_in_s))
        self._do(Notify(ConnectionFailed(reason, retry_in_s)))

    def _go_offline(self) -> None:
        self._set_state(ConnectionState.OFFLINE)
        self._do(Notify(WentOffline()))

    def _network_lost_after_failure(self, inp: Input) -> None:
        # After the attempts were used up, the pending try waits for the network
        # instead; a refusal (403, bad request) stays what it is.
        if not self._failed_for_good:
            self._network_lost(inp)


_Transition = Callable[[ConnectionMachine, Any], None]
S = ConnectionState
M = ConnectionMachine

#: Every transition, ``(state, input type) -> handler``. Pairs not listed are ignored.
TRANSITIONS: dict[tuple[ConnectionState, type], _Transition] = {
    (S.IDLE, ConnectRequested): M._start,
    (S.IDLE, Disconnect): M._disconnect,
    (S.CONNECTING, ConnectRequested): M._restart,
    (S.CONNECTING, Opened): M._opened,
    (S.CONNECTING, Closed): M._closed,
    (S.CONNECTING, NetworkLost): M._network_lost,
    (S.CONNECTING, Disconnect): M._disconnect,
    (S.OPEN, ConnectRequested): M._restart,
    (S.OPEN, Closed): M._closed,
    (S.OPEN, KeepaliveMissed): M._keepalive_missed,
    (S.OPEN, NetworkLost): M._network_lost,
    (S.OPEN, Disconnect): M._disconnect,
    (S.RECONNECTING, ConnectRequested): M._start,
    (S.RECONNECTING, RetryTimerFired): M._retry_timer_fired,
    (S.RECONNECTING, NetworkLost): M._network_lost,
    (S.RECONNECTING, ReconnectNow): M._restart_now,
    (S.RECONNECTING, PeerOpened): M._peer_opened,
    (S.RECONNECTING, Disconnect): M._disconnect,
    (S.OFFLINE, ConnectRequested): M._start,
    (S.OFFLINE, NetworkBack): M._network_back,
    (S.OFFLINE, ReconnectNow): M._restart_now,
    (S.OFFLINE, Disconnect): M._disconnect,
    (S.FAILED, ConnectRequested): M._start,
    (S.FAILED, ReconnectNow): M._restart_now,
    (S.FAILED, RetryTimerFired): M._retry_after_failure,
    (S.FAILED, PeerOpened): M._peer_opened,
    (S.FAILED, NetworkLost): M._network_lost_after_failure,
    (S.FAILED, Disconnect): M._disconnect,
    (S.CLOSED, ConnectRequested): M._start,
}
del S, M
