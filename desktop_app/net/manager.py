"""The WebSocket manager: drives :mod:`desktop_app.core.machine` with a real socket.

Every decision (when to retry, when to give up, what the network flag means)
is made by :class:`~desktop_app.core.machine.ConnectionMachine`; this module
carries the decisions out on asyncio with ``websockets``: it opens sockets,
reads and writes frames, runs the keepalive and retry timers, and tells
listeners. It imports no Qt, so it runs on plain asyncio as well as on qasync.

Each socket gets a :class:`_Connection` with a generation number. Everything a
connection reports (opened, frame, closed) is dropped unless it is still the
current connection, so a socket replaced by a reconnect or a conversation
switch can never disturb its successor.

Inputs are processed run-to-completion: a listener that calls back into the
manager (``disconnect()`` from a ``disconnected`` listener, say) is queued and
handled after the current batch of actions, never in the middle of it.

Time comes from an injected :class:`~desktop_app.core.clock.Clock` (the app's
:class:`~desktop_app.net.clock.LoopClock` by default): every reading of the
time and every timer (retry, keepalive, the status socket's stale timeouts), so
a test with a :class:`~desktop_app.core.clock.ManualClock` moves the schedule
itself. The sockets' tasks run on the loop bound at the first :meth:`connect`.

The settings are one :class:`~desktop_app.core.config.ConnectionConfig`, passed
whole. The public managers (chat, status) also take them as issue 2's keywords
(``reconnect_delay=1.0``, :class:`~desktop_app.core.config.ConnectionKeywords`),
a thin way of building that object.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import dataclasses
import functools
import json
import logging
import random
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar, TypeVar

import websockets
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.frames import Opcode
from websockets.protocol import Event as WireEvent
from websockets.typing import Origin
from websockets.version import version as websockets_version

from desktop_app import __version__
from desktop_app.core import machine as m
from desktop_app.core.clock import Clock, Timer
from desktop_app.core.config import ConnectionConfig, ConnectionKeywords
from desktop_app.core.endpoints import (
    ServerEndpoints,
    is_loopback_host,
    validate_conversation_id,
)
from desktop_app.core.frames import (
    ChatMessage,
    Frame,
    Pong,
    ProtocolError,
    Role,
    decode_frame,
    encode_ping,
)
from desktop_app.core.keepalive import Keepalive, KeepaliveAction
from desktop_app.core.presence import SocketSnapshot
from desktop_app.net.clock import LoopClock

T = TypeVar("T")
#: Hears every decoded frame of the socket (pongs included), each decoded once.
FrameListener = Callable[[Frame], object]
#: Hears what happens to the connection, as the state machine decided it.
EventListener = Callable[[m.ConnectionEvent], object]
#: The browser client's listener: frames and connection events as one stream of dicts.
Listener = Callable[[dict[str, Any]], object]
StateListener = Callable[[m.ConnectionState], object]
Unsubscribe = Callable[[], None]

#: Frames are handled in slices of at most about this long before the loop gets a turn.
READ_SLICE_S = 0.005


def now_iso() -> str:
    """The wall-clock time with the local offset, like the server's live frames."""
    return datetime.now().astimezone().isoformat(timespec="milliseconds")


_default_ssl_context: ssl.SSLContext | None = None


def system_ssl_context() -> ssl.SSLContext:
    """A TLS context that verifies servers against the operating system's trust store."""
    global _default_ssl_context
    if _default_ssl_context is None:
        # Imported here: only wss:// needs it, and start-up stays light.
        import truststore

        _default_ssl_context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    return _default_ssl_context


class _FramelessLogger(logging.LoggerAdapter[logging.Logger]):
    """The logger handed to ``websockets``: never at DEBUG, where it prints frame contents.

    Frames carry patient text; websockets logs them (truncated) at DEBUG.
    """

    def isEnabledFor(self, level: int) -> bool:
        return level > logging.DEBUG and self.logger.isEnabledFor(level)


_wire_logger = _FramelessLogger(logging.getLogger("desktop_app.net.wire"))


#: Handshake answers of a proxy whose server is down or restarting (for every client).
SERVER_DOWN_STATUSES = frozenset({502, 503, 504})


#: The ``type`` of each connection event on the dict stream (:func:`event_dict`).
CONNECTION_EVENT_TYPES: Mapping[type[m.ConnectionEvent], str] = {
    m.ConnectionEstablished: "connection_established",
    m.Disconnected: "disconnected",
    m.Reconnecting: "reconnecting",
    m.ConnectionFailed: "connection_failed",
    m.WentOffline: "offline",
    m.CameOnline: "online",
}
_RESERVED_TYPES = frozenset(CONNECTION_EVENT_TYPES.values())


def event_dict(event: m.ConnectionEvent) -> dict[str, Any]:
    """A connection event as the browser client's listeners get it."""
    data: dict[str, Any] = {"type": CONNECTION_EVENT_TYPES[type(event)]}
    if isinstance(event, m.Disconnected):
        data.update(code=event.code, reason=event.reason)
    elif isinstance(event, m.Reconnecting):
        data.update(attempt=event.attempt, max=event.max_attempts, delay=event.delay_s)
    elif isinstance(event, m.ConnectionFailed):
        data["reason"] = event.reason
        if event.retry_in_s is not None:  # the attempts were used up: it tries again
            data["delay"] = event.retry_in_s
    data["timestamp"] = now_iso()
    return data


def loggable(text: str, limit: int = 123) -> str:
    """``text`` (a close reason, say: the server's words) safe for one log line.

    Quoted with its control characters escaped, so a reason cannot forge log lines.
    """
    return ascii(text[:limit])


def _handshake_refusal(status: int) -> str:
    """A reason a person can act on, for a handshake refused with HTTP ``status``."""
    if status in (401, 403):
        return (
            f"the server refused the connection (HTTP {status}): sign in again, or ask "
            "the administrator whether this server address is allowed"
        )
    if status == 404:
        return f"no conversation service at this address (HTTP {status}): check the server URL"
    if 300 <= status < 400:
        # Never followed: the handshake carries the session cookie.
        return (
            f"the server redirected the connection elsewhere (HTTP {status}), which this "
            "app does not follow: check the server URL"
        )
    if m.is_retryable_handshake_status(status):
        return f"the server is unavailable (HTTP {status})"
    return f"the server could not open the conversation (HTTP {status})"


def _attempt_failure(exc: BaseException) -> str:
    """Why an attempt failed, in words (the exception's own text goes to the diagnostics)."""
    if isinstance(exc, ConnectionRefusedError):
        return "the server is not accepting connections"
    if isinstance(exc, websockets.InvalidURI):
        return "the server address is not valid"
    if isinstance(exc, websockets.InvalidMessage):
        return "the connection closed before the server answered"
    if isinstance(exc, websockets.InvalidHandshake):
        return "the server's answer was not understood"
    if isinstance(exc, ssl.SSLError):
        return "a secure connection to the server could not be set up"
    return "the server cannot be reached"


def _close_details(exc: ConnectionClosed) -> tuple[int | None, str, bool]:
    """(code, reason, retryable) for a closed connection."""
    if exc.sent is not None and exc.sent.code == 1009:
        return 1009, "inbound frame above the size limit", True
    if exc.rcvd is None:
        return 1006, "connection lost", True
    code = exc.rcvd.code
    return code, exc.rcvd.reason[:123], m.is_retryable_close(code)


@dataclasses.dataclass(frozen=True)
class Handshake:
    """What an open socket's handshake carried, and when it completed (the manager's clock:
    the app's is ``time.monotonic``, as the HTTP client's)."""

    cookies: dict[str, str]
    opened_at: float


class _Connection:
    """One socket's lifetime: its task, its outbox, its keepalive."""

    def __init__(
        self, generation: int, url: str, keepalive: Keepalive, cookies: Mapping[str, str]
    ) -> None:
        self.generation = generation
        self.url = url
        self.keepalive = keepalive
        self.cookies = dict(cookies)  # what the handshake carries
        self.opened_at: float | None = None  # clock time once the handshake succeeded
        self.ws: ClientConnection | None = None
        self.task: asyncio.Task[None] | None = None
        self.outbox: collections.deque[str] = collections.deque()
        self.outbox_ready = asyncio.Event()
        self.timer: Timer | None = None  # the keepalive's
        self.close_request: m.CloseSocket | None = None

    def enqueue(self, text: str) -> None:
        self.outbox.append(text)
        self.outbox_ready.set()

    def close(self, request: m.CloseSocket) -> None:
        """Ask the connection to end; its task closes the socket and finishes."""
        self.close_request = request
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if request.abort and self.ws is not None:
            # A dead connection never answers a closing handshake: don't wait for one.
            self.ws.transport.abort()
        if self.task is not None:
            self.task.cancel()


class WebSocketManager:
    """One reconnecting WebSocket to a conversation (the base of the chat and status managers).

    Construct it anywhere, with the server's ``endpoints`` and the ``config``
    whole; call :meth:`connect` from code running on the asyncio loop that
    should own it. All times are in seconds.
    """

    kind: ClassVar[str] = ""  # the path segment: /ws/<kind>/<conversation id>/
    log_prefix: ClassVar[str] = "[WS]"

    def __init__(
        self,
        endpoints: ServerEndpoints,
        config: ConnectionConfig,
        *,
        cookies: Mapping[str, str] | None = None,
        ssl_context: ssl.SSLContext | None = None,
        # injected for tests
        rng: random.Random | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.endpoints = endpoints
        self._config = config
        self._clock: Clock = clock if clock is not None else LoopClock()
        self._machine = m.ConnectionMachine(
            config.backoff_policy(),
            max_attempts=config.max_reconnect_attempts,
            clock=self._clock.monotonic,
            rng=rng or random.Random(),
            name=self.log_prefix.strip("[]"),
        )
        self._ssl_context = ssl_context
        self._cookies: dict[str, str] = dict(cookies or {})
        self._log = logging.getLogger(f"desktop_app.net.{self.kind or 'ws'}")

        # The loop that owns this manager's tasks, from the first connect(): they go there
        # even when a call comes from a Qt callback outside the loop's context.
        self._loop: asyncio.AbstractEventLoop | None = None
        self._conversation_id: str | None = None
        self._generation = 0
        self._conn: _Connection | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._retry_timer: Timer | None = None
        self._retry_due: float | None = None  # clock time when the retry fires
        self._pending: collections.deque[m.Input] = collections.deque()
        self._feeding = False
        self._open_event = asyncio.Event()
        self._frame_listeners: list[FrameListener] = []
        self._event_listeners: list[EventListener] = []
        self._listeners: list[Listener] = []  # the browser client's dict stream
        # The chat manager's callbacks for user messages and replies, after the listeners.
        self._on_chat_message: Listener | None = None
        self._on_chat_reply: Listener | None = None
        self._log_messages = False  # each chat message at DEBUG (as the read loop last saw)
        self._state_listeners: list[StateListener] = []
        self.latency: float | None = None  # round trip of the last answered ping
        #: The last failed attempt's technical detail (exception, errno), for diagnostics.
        self.last_error: str | None = None

    # --- public API --------------------------------------------------------------

    def connect(self, conversation_id: str) -> None:
        """Connect to ``conversation_id`` (a UUID); returns at once.

        Connecting to another conversation closes the current socket first.
        Raises ValueError (InvalidConversationId) before any I/O for a non-UUID.
        """
        conversation_id = validate_conversation_id(conversation_id)
        if self._loop is None:
            self._loop = self._bind_loop()
        if conversation_id == self._conversation_id and self.state in (
            m.ConnectionState.CONNECTING,
            m.ConnectionState.OPEN,
        ):
            return
        self._conversation_id = conversation_id
        self._feed(m.ConnectRequested())

    def disconnect(self) -> None:
        """Close for good: no reconnect afterwards; the socket task ends shortly."""
        self._feed(m.Disconnect())

    async def aclose(self) -> None:
        """Disconnect and wait until no task of this manager is left."""
        self.disconnect()
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        # An aborted transport closes its socket in a callback on the next loop
        # iteration: let it run, in case the loop stops right after this.
        await asyncio.sleep(0)

    def reconnect_now(self) -> None:
        """Cancel the backoff wait, forget past failures and connect now."""
        self._log.info("%s Reconnect requested", self.log_prefix)
        self._feed(m.ReconnectNow())

    def probe_now(self) -> None:
        """Check the connection at once (after a sleep): an open socket must answer a
        ping within ``send_probe_timeout``, a pending retry happens now."""
        if self.state is m.ConnectionState.OPEN:
            self._log.info("%s Probing the connection", self.log_prefix)
            self._probe()
        elif self.state is m.ConnectionState.RECONNECTING or self._retry_due is not None:
            self.reconnect_now()  # FAILED with its attempts used up waits for a retry too

    def peer_opened(self) -> None:
        """Another socket to this server just opened: if this one waits in a window of the
        longest delay (its attempts used up, or a kiosk's past the growing windows), it
        tries now (see :func:`retry_together`)."""
        self._feed(m.PeerOpened())

    def set_network_available(self, available: bool) -> None:
        """The operating system's view of the network: pause retries, or resume at once."""
        if available == self._machine.network_available:
            return
        self._log.info("%s Network %s", self.log_prefix, "available" if available else "lost")
        self._feed(m.NetworkBack() if available else m.NetworkLost())

    @property
    def config(self) -> ConnectionConfig:
        """The settings this manager was made with."""
        return self._config

    def set_cookies(self, cookies: Mapping[str, str]) -> None:
        """Cookies (the session) for the next handshakes."""
        self._cookies = dict(cookies)

    @property
    def handshake(self) -> Handshake | None:
        """The open socket's handshake: its cookies, and when it opened; None when closed.

        The server resolved the user from these cookies once, at the handshake: what
        the socket sends is stored under that user, whatever the cookies are now.
        """
        conn = self._conn
        if conn is None or conn.opened_at is None or self.state is not m.ConnectionState.OPEN:
            return None
        return Handshake(dict(conn.cookies), conn.opened_at)

    def send(self, data: Mapping[str, Any] | str) -> bool:
        """Queue one frame on the open socket; False (and a warning) when it is not open."""
        if isinstance(data, str):
            text = data
            try:
                frame: object = json.loads(data)
            except ValueError:
                frame = None
        else:
            frame, text = data, json.dumps(data, ensure_ascii=False)
        self._check_outbound(frame)
        return self._send_text(text)

    def _send_text(self, text: str) -> bool:
        """Queue a frame known to be valid (built by this package)."""
        conn = self._conn
        if conn is None or self.state is not m.ConnectionState.OPEN:
            self._log.warning("%s Cannot send - socket not open", self.log_prefix)
            return False
        conn.enqueue(text)
        return True

    def on_frame(self, callback: FrameListener) -> Unsubscribe:
        """Call ``callback`` with every decoded frame of the socket (pongs included)."""
        return subscribe(self._frame_listeners, callback)

    def on_connection_event(self, callback: EventListener) -> Unsubscribe:
        """Call ``callback`` with every connection event (opened, closed, retrying...)."""
        return subscribe(self._event_listeners, callback)

    def on_message(self, callback: Listener) -> Unsubscribe:
        """The browser client's ``onMessage``: frames and connection events as dicts.

        Made from the same typed values as :meth:`on_frame` and :meth:`on_connection_event`,
        for the console client and callers of the browser-style API. A frame is its JSON
        object; an event is :func:`event_dict`. A server frame whose ``type`` names a connection
        event is not passed on here: on this one stream it would pass for the event.
        """
        return subscribe(self._listeners, callback)

    def on_state_change(self, callback: StateListener) -> Unsubscribe:
        """Call ``callback`` with the new :class:`ConnectionState` after each change."""
        return subscribe(self._state_listeners, callback)

    async def wait_connected(self, timeout: float) -> bool:  # noqa: ASYNC109 - the public API
        """True when the socket is open within ``timeout`` seconds."""
        if self.is_connected:
            return True
        try:
            await asyncio.wait_for(self._open_event.wait(), timeout)
        except TimeoutError:
            return False
        return self.is_connected

    @property
    def state(self) -> m.ConnectionState:
        return self._machine.state

    @property
    def is_connected(self) -> bool:
        return self.state is m.ConnectionState.OPEN

    @property
    def is_connecting(self) -> bool:
        return self.state is m.ConnectionState.CONNECTING

    @property
    def reconnect_attempts(self) -> int:
        return self._machine.attempts

    @property
    def max_reconnect_attempts(self) -> int | None:
        return self._machine.max_attempts

    @property
    def current_conversation_id(self) -> str | None:
        return self._conversation_id

    @property
    def network_available(self) -> bool:
        return self._machine.network_available

    @property
    def last_close(self) -> tuple[int | None, str] | None:
        close = self._machine.last_close
        return None if close is None else (close.code, close.reason)

    @property
    def failure_reason(self) -> str | None:
        return self._machine.failure_reason

    @property
    def retry_in(self) -> float | None:
        """Seconds until the pending reconnect attempt, or None when none is pending."""
        if self._retry_due is None:
            return None
        return max(0.0, self._retry_due - self._clock.monotonic())

    def snapshot(self, name: str) -> SocketSnapshot:
        """This manager's state now, for the status bar (:mod:`desktop_app.core.presence`)."""
        return SocketSnapshot(
            name=name,
            state=self.state,
            attempts=self.reconnect_attempts,
            max_attempts=self.max_reconnect_attempts,
            retry_in_s=self.retry_in,
            latency_s=self.latency,
            failure_reason=self.failure_reason,
            last_close=self.last_close,
        )

    @property
    def listener_count(self) -> int:
        """Subscriptions to frames, connection events and the dict stream."""
        return len(self._frame_listeners) + len(self._event_listeners) + len(self._listeners)

    # --- hooks for the chat and status managers ----------------------------------

    def _check_outbound(self, frame: object) -> None:
        """Refuse a frame (parsed; None when not JSON) the server would drop the socket for."""
        if not (isinstance(frame, Mapping) and frame.get("type") == "ping"):
            raise ValueError(f"{self.log_prefix} only ping frames may be sent on this socket")

    def _handle_frame(self, frame: Frame) -> None:
        """A decoded frame of the current socket (pongs included)."""
        # Every frame of a flood comes here: the listeners are called inline (as
        # _emit does), not through another call.
        listeners = self._frame_listeners
        if listeners:
            for listener in listeners[:]:  # a copy: a listener may unsubscribe
                try:
                    listener(frame)
                except Exception as exc:
                    self._listener_failed(listener, exc)
        dict_listeners = self._listeners
        if dict_listeners:
            raw = frame.raw
            kind = raw.get("type")
            if kind is not None and isinstance(kind, str) and kind in _RESERVED_TYPES:
                self._log.warning(
                    "%s Frame posing as a connection event (%r) kept off the dict stream",
                    self.log_prefix,
                    kind,
                )
            else:
                for dict_listener in dict_listeners[:]:
                    try:
                        dict_listener(raw)
                    except Exception as exc:
                        self._listener_failed(dict_listener, exc)
        if type(frame) is ChatMessage:
            if self._log_messages:
                self._log.debug(
                    "%s Received %s message (%d chars, %d citations)",
                    self.log_prefix,
                    frame.role.value,
                    len(frame.content),
                    len(frame.citations),
                )
            role = frame.role  # compared by identity: an enum's hash is a Python call
            callback = (
                self._on_chat_message
                if role is _USER
                else self._on_chat_reply
                if role is _BOT
                else None
            )
            if callback is not None:
                self._emit(frame.raw, [callback])

    def _handle_connection_event(self, event: m.ConnectionEvent) -> None:
        """A connection event, after the machine decided on it."""
        self._emit(event, self._event_listeners)
        if self._listeners:
            self._emit(event_dict(event), self._listeners)

    def _probe(self) -> None:
        """Demand proof of life soon (after a user's send)."""
        conn = self._conn
        if conn is None or self.state is not m.ConnectionState.OPEN:
            return
        if conn.keepalive.probe(self._clock.monotonic()):
            conn.enqueue(encode_ping())
        self._arm_keepalive(conn)

    def _emit(self, value: T, listeners: list[Callable[[T], object]]) -> None:
        """Call every listener; one that raises is logged and the others still run."""
        for listener in listeners[:]:  # a copy: a listener may unsubscribe
            try:
                listener(value)
            except Exception as exc:
                self._listener_failed(listener, exc)

    def _listener_failed(self, listener: object, exc: Exception) -> None:
        """Log a listener's exception: where it was raised, not what it says."""
        # The exception's text may quote a message.
        tb = exc.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        where = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}" if tb else "?"
        # No exc_info: the traceback would print the exception's text.
        self._log.error(
            "%s Listener error: %s in %s at %s",
            self.log_prefix,
            type(exc).__name__,
            getattr(listener, "__qualname__", type(listener).__name__),
            where,
        )

    # --- the machine ---------------------------------------------------------------

    def _feed(self, inp: m.Input) -> None:
        self._pending.append(inp)
        if self._feeding:
            return  # run to completion: handled after the current batch
        self._feeding = True
        try:
            while self._pending:
                before = self.state
                for action in self._machine.handle(self._pending.popleft()):
                    self._apply(action)
                if self.state is not before:
                    self._state_changed()
        finally:
            self._feeding = False

    def _feed_from(self, conn: _Connection, inp: m.Input) -> None:
        """Feed an input reported by ``conn``, unless a newer socket replaced it."""
        if conn is not self._conn:
            return
        if isinstance(inp, m.Closed):
            self._drop_connection(conn)
        self._feed(inp)

    def _state_changed(self) -> None:
        state = self.state
        if state is m.ConnectionState.OPEN:
            self._open_event.set()
        else:
            self._open_event.clear()
        for listener in list(self._state_listeners):
            try:
                listener(state)
            except Exception:
                self._log.exception("%s State listener error", self.log_prefix)

    def _apply(self, action: m.Action) -> None:
        if isinstance(action, m.OpenSocket):
            self._open_socket()
        elif isinstance(action, m.CloseSocket):
            if self._conn is not None:
                self._conn.close(action)
                self._drop_connection(self._conn)
        elif isinstance(action, m.ScheduleRetry):
            self._cancel_retry()
            if self.state is m.ConnectionState.FAILED:
                self._log.info(
                    "%s Trying again in %dms (attempts used up)",
                    self.log_prefix,
                    round(action.delay_s * 1000),
                )
            else:
                self._log.info(
                    "%s Reconnecting in %dms (attempt %d/%s)",
                    self.log_prefix,
                    round(action.delay_s * 1000),
                    self._machine.attempts,
                    self._machine.max_attempts if self._machine.max_attempts is not None else "∞",
                )
            self._retry_timer = self._clock.call_later(action.delay_s, self._on_retry_timer)
            self._retry_due = self._clock.monotonic() + action.delay_s
        elif isinstance(action, m.CancelRetry):
            self._cancel_retry()
        else:
            self._notify(action.event)

    def _notify(self, event: m.ConnectionEvent) -> None:
        if isinstance(event, m.ConnectionEstablished):
            self._log.info("%s Connected successfully", self.log_prefix)
        elif isinstance(event, m.Disconnected):
            self._log.info(
                "%s Connection closed: %s%s",
                self.log_prefix,
                event.code if event.code is not None else 1006,
                f" ({loggable(event.reason)})" if event.reason else "",
            )
        elif isinstance(event, m.ConnectionFailed):
            self._log.error("%s Connection failed: %s", self.log_prefix, loggable(event.reason))
        elif isinstance(event, m.WentOffline):
            self._log.info("%s Offline - waiting for the network", self.log_prefix)
        self._handle_connection_event(event)

    # --- timers ------------------------------------------------------------------------

    def _on_retry_timer(self) -> None:
        self._retry_timer = None
        self._retry_due = None
        self._feed(m.RetryTimerFired())

    def _cancel_retry(self) -> None:
        self._retry_due = None
        if self._retry_timer is not None:
            self._retry_timer.cancel()
            self._retry_timer = None

    def _arm_keepalive(self, conn: _Connection) -> None:
        if conn.timer is not None:
            conn.timer.cancel()
        delay = max(0.0, conn.keepalive.next_wakeup() - self._clock.monotonic())
        conn.timer = self._clock.call_later(
            delay, functools.partial(self._on_keepalive_timer, conn)
        )

    def _on_keepalive_timer(self, conn: _Connection) -> None:
        conn.timer = None
        if conn is not self._conn:
            return
        action = conn.keepalive.poll(self._clock.monotonic())
        if action is KeepaliveAction.DEAD:
            self._log.warning(
                "%s No answer within the keepalive deadline: connection is dead", self.log_prefix
            )
            self._feed(m.KeepaliveMissed())
            return
        if action is KeepaliveAction.SEND_PING:
            conn.enqueue(encode_ping())
        self._arm_keepalive(conn)

    def _on_server_ping(self, conn: _Connection) -> None:
        """A protocol-level ping from the server (websockets answered it): proof of life.

        The keepalive timer is not re-armed: it fires at the old time, finds nothing to
        do and re-arms for the new one.
        """
        if conn is self._conn:
            conn.keepalive.server_pinged(self._clock.monotonic())

    # --- sockets -------------------------------------------------------------------------

    def _open_socket(self) -> None:
        assert self._conversation_id is not None
        self._generation += 1
        url = self.endpoints.websocket_url(self.kind, self._conversation_id)
        conn = _Connection(self._generation, url, self._config.keepalive(), self._cookies)
        self._conn = conn
        self._log.info("%s Connecting to: %s", self.log_prefix, url)
        task = self._owner_loop().create_task(
            self._run_connection(conn), name=f"{self.log_prefix} #{conn.generation}"
        )
        conn.task = task
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _drop_connection(self, conn: _Connection) -> None:
        if conn.timer is not None:
            conn.timer.cancel()
            conn.timer = None
        if self._conn is conn:
            self._conn = None

    @staticmethod
    def _handshake_headers(conn: _Connection) -> dict[str, str]:
        headers = {}
        if conn.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in conn.cookies.items())
        return headers

    async def _run_connection(self, conn: _Connection) -> None:
        try:
            ws = await self._open(conn)
            if ws is None:
                return
            conn.ws = ws
            conn.opened_at = self._clock.monotonic()
            conn.keepalive.start(conn.opened_at)
            if isinstance(ws, _HeartbeatAwareConnection):
                ws.on_ping = functools.partial(self._on_server_ping, conn)
            self._feed_from(conn, m.Opened())
            if conn is self._conn:
                self._arm_keepalive(conn)
            writer = self._owner_loop().create_task(self._write(conn, ws))
            try:
                code, reason, retryable = await self._read(conn, ws)
            finally:
                writer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await writer
            self._feed_from(conn, m.Closed(code, reason, retryable))
        except asyncio.CancelledError:
            pass  # close() asked us to end; the finally below closes the socket
        finally:
            await self._close_socket(conn)

    async def _open(self, conn: _Connection) -> ClientConnection | None:
        """The handshake; None (after telling the machine why) when it fails."""
        server_down = False  # the server is away for every client (see m.Closed)
        self.last_error = None
        try:
            return await _ConnectWithoutRedirects(
                conn.url,
                origin=Origin(self.endpoints.origin),
                additional_headers=self._handshake_headers(conn),
                user_agent_header=f"SDM-Desktop/{__version__} websockets/{websockets_version}",
                ssl=(self._ssl_context or system_ssl_context()) if self.endpoints.secure else None,
                open_timeout=self._config.open_timeout_s,
                close_timeout=self._config.close_timeout_s,
                max_size=self._config.max_frame_bytes,
                logger=_wire_logger,
                # An HTTP(S)_PROXY from the environment is used, except for this
                # machine (the embedded server): no proxy can reach our loopback.
                proxy=None if is_loopback_host(self.endpoints.host) else True,
                # Keepalive is ours (application-level pings, which the server answers);
                # protocol-level pings from the server are answered by websockets and
                # reported to the keepalive, where they stand in for ours.
                ping_interval=None,
                create_connection=_HeartbeatAwareConnection,
            )
        except InvalidStatus as exc:
            status = exc.response.status_code
            reason = _handshake_refusal(status)
            retryable = m.is_retryable_handshake_status(status)
            server_down = status in SERVER_DOWN_STATUSES
        except ssl.SSLCertVerificationError as exc:
            reason = f"the server's certificate could not be verified ({exc.verify_message})"
            retryable = False
        except TimeoutError:
            reason = f"the server did not answer within {self._config.open_timeout_s:g} s"
            retryable = True
        except (OSError, websockets.InvalidHandshake, websockets.InvalidURI) as exc:
            # The library's text (errno, host, port) is for the diagnostics, not a label.
            self.last_error = f"{type(exc).__name__}: {exc}"
            reason = _attempt_failure(exc)
            retryable = True
            # Nothing listens: the server (not this client's network) is down.
            server_down = isinstance(exc, ConnectionRefusedError)
        self._log.warning(
            "%s Connection attempt failed: %s",
            self.log_prefix,
            loggable(self.last_error or reason, 300),
        )
        self._feed_from(conn, m.Closed(None, reason, retryable, server_down=server_down))
        return None

    async def _read(self, conn: _Connection, ws: ClientConnection) -> tuple[int | None, str, bool]:
        # A flood brings a frame every few microseconds: what the loop needs per frame
        # is looked up once, here.
        recv, handle, keepalive = ws.recv, self._handle_frame, conn.keepalive
        perf_counter = time.perf_counter  # real time whatever the clock: how long we hold the loop
        busy = READ_SLICE_S + 1.0  # seconds spent on frames since the loop last had a turn
        while True:
            if busy > READ_SLICE_S:
                # ws.recv() does not suspend while frames are queued: a burst would
                # otherwise hold the loop (timers, the other socket, the window) until
                # the whole burst is handled. (Counting recv()'s time in the slice too,
                # with one clock reading a frame, made the window's lag worse: B5.)
                busy = 0.0
                # Asking the logger costs more than handing a message on: once a slice.
                self._log_messages = self._log.isEnabledFor(logging.DEBUG)
                await asyncio.sleep(0)
            try:
                data = await recv()
            except ConnectionClosed as exc:
                code, reason, retryable = _close_details(exc)
                if code == 1009:
                    self._log.warning(
                        "%s Closing: inbound frame above %d bytes",
                        self.log_prefix,
                        self._config.max_frame_bytes,
                    )
                return code, reason, retryable
            if conn is not self._conn:
                continue  # replaced; the close is on its way
            # Any frame, even a malformed one, proves the connection alive: noted for
            # the keepalive, which takes it in when it next runs (a store, not a call).
            # Its timer is not re-armed: firing early is harmless (it re-arms).
            keepalive.heard = True
            started = perf_counter()
            frame = decode_frame(data)
            if type(frame) is ChatMessage:  # most frames: straight to the listeners
                handle(frame)
            else:
                self._receive(conn, frame)
            busy += perf_counter() - started

    def _receive(self, conn: _Connection, frame: Frame | ProtocolError) -> None:
        """Any other decoded frame of the current socket (not a chat message)."""
        if isinstance(frame, ProtocolError):
            self._log.warning("%s Ignoring malformed frame: %s", self.log_prefix, frame.describe())
            return
        if isinstance(frame, Pong):
            conn.keepalive.frame_received(self._clock.monotonic(), pong=True)
            self.latency = conn.keepalive.latency_s
        self._handle_frame(frame)

    async def _write(self, conn: _Connection, ws: ClientConnection) -> None:
        while True:
            await conn.outbox_ready.wait()
            while conn.outbox:
                text = conn.outbox.popleft()
                try:
                    await ws.send(text)
                except ConnectionClosed:
                    return  # the reader reports the close
            conn.outbox_ready.clear()

    async def _close_socket(self, conn: _Connection) -> None:
        ws = conn.ws
        if ws is None:
            return
        request = conn.close_request
        if request is not None and request.abort:
            ws.transport.abort()
        else:
            code = request.code if request is not None else 1000
            reason = request.reason if request is not None else ""
            with contextlib.suppress(Exception):
                await ws.close(code, reason)

    # --- helpers -------------------------------------------------------------------------

    def _bind_loop(self) -> asyncio.AbstractEventLoop:
        """The loop for this manager's tasks: the clock's when it is a loop's, so timers and
        tasks share one; else the running one."""
        try:
            if isinstance(self._clock, LoopClock):
                return self._clock.loop
            return asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError(
                f"{type(self).__name__}.connect() must first be called from code running "
                "on an asyncio event loop"
            ) from None

    def _owner_loop(self) -> asyncio.AbstractEventLoop:
        # A socket is only opened after connect(), which bound the loop.
        if self._loop is None:
            raise RuntimeError(f"{type(self).__name__}: connect() was never called")
        return self._loop


def public_arguments(
    server: ServerEndpoints | str,
    config: ConnectionConfig | None,
    allow_insecure: bool,
    keywords: ConnectionKeywords,
) -> tuple[ServerEndpoints, ConnectionConfig]:
    """What the public managers' constructors were given, as :class:`WebSocketManager` takes it.

    ``server``: a base URL (``allow_insecure`` lets plain http go to another
    computer) or endpoints already checked; ``keywords`` (issue 2's contract)
    apply on top of ``config`` (default: the defaults).
    """
    if isinstance(server, ServerEndpoints):
        endpoints = server
    else:
        endpoints = ServerEndpoints.from_base_url(server, allow_insecure=allow_insecure)
    return endpoints, (config or ConnectionConfig()).with_keywords(keywords)


_PING = Opcode.PING
_USER, _BOT = Role.USER, Role.BOT


class _HeartbeatAwareConnection(ClientConnection):
    """websockets' client connection that also tells of the server's protocol-level pings.

    websockets answers a ping by itself and has no public way to hear of it (its
    maintainer suggests a subclass: python-websockets/websockets#884). The subclass
    is passed as ``connect(create_connection=...)``, documented "to customize
    connection handling"; :meth:`process_event` is not documented (the source files
    it under private methods; ``ClientConnection`` overrides it for the handshake).
    Checked against websockets 17.4. Should a later version stop passing control
    frames through it, server pings go unseen and our own pings go on as with a
    server that never pings: ``tests/net/test_server_pings.py`` fails then.
    """

    #: Called for every ping frame from the server, after websockets sent the pong.
    on_ping: Callable[[], object] | None = None

    def process_event(self, event: WireEvent) -> None:
        # Runs for every frame of a flood: the parent named (no super() object), then
        # the cheapest test first (the handshake's response, the one event that is
        # not a frame, has no opcode).
        ClientConnection.process_event(self, event)
        if getattr(event, "opcode", None) is _PING and self.on_ping is not None:
            self.on_ping()


class _ConnectWithoutRedirects(ws_connect):
    """websockets' ``connect`` that never follows a redirect.

    The handshake carries the session cookie, and a redirect could lead a socket
    to another host or to clear text; the HTTP client does not follow them either.
    A 3xx answer fails the attempt like any other refused handshake.
    """

    def process_redirect(self, exc: Exception) -> Exception | str:
        return exc


def retry_together(managers: Sequence[WebSocketManager]) -> list[Unsubscribe]:
    """When one of ``managers`` (sockets to one server) opens, the others waiting in a
    window of the longest delay (``max_reconnect_delay_s``: their attempts used up) try
    at once instead of waiting out the rest of it: the window is not left half connected.

    Those still in the shorter, growing windows keep them
    (:class:`~desktop_app.core.machine.PeerOpened`). The functions returned undo it.
    """

    group = tuple(managers)

    def on_event(opened: WebSocketManager, event: m.ConnectionEvent) -> None:
        if isinstance(event, m.ConnectionEstablished):
            for manager in group:
                if manager is not opened:
                    manager.peer_opened()

    return [manager.on_connection_event(functools.partial(on_event, manager)) for manager in group]


def subscribe(registry: list[T], callback: T) -> Unsubscribe:
    """Add ``callback`` to ``registry``; the function returned takes it out again (once)."""
    registry.append(callback)

    def unsubscribe() -> None:
        with contextlib.suppress(ValueError):
            registry.remove(callback)

    return unsubscribe
