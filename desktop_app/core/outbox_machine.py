"""The outbox's delivery rules as one machine: inputs in, actions out, no I/O.

Theory of operation
-------------------
The outbox holds every message the user typed until the server has it
(:mod:`desktop_app.core.outbox` has the rules for what counts as arrived). This
machine decides everything about delivering them; the I/O layer
(:mod:`desktop_app.net.outbox`) feeds it *inputs* (a message typed, a write to
the outbox file done or refused, a socket opened or closed, a frame that may be
an echo, the history's verdict, a timer) and carries out the *actions* it
returns, in order: write a state change to the file, send a message, start or
cancel a timer, fetch a history, tell listeners about an entry.

The machine keeps the outbox's undelivered entries in memory (bounded by
:class:`~desktop_app.core.outbox.OutboxLimits` per conversation), loaded once
from the file at start; its entries are what the file holds once every write
asked for is done. It can therefore answer the window's questions (what is
waiting in this conversation, the text of a failed message) without touching
the disk.

Messages travel on *lanes*: one per chat socket (the window's, the background
delivery's). Each lane sends its socket's conversation, stop-and-wait::

    CLOSED ──opened──▶ READY ──pump: oldest QUEUED──▶ WRITING (SENT, on disk first)
                         ▲  ▲                              │ written
                         │  └──── written / refused ◀──┐   ▼
                         │                 WRITING ◀──echo── AWAITING_ECHO
                         │                     ▲           │ echo timer
                         └── history failed ── RESOLVING ◀─┘
                                              (opened with SENT messages, too)

Written down before it leaves: a message is sent only once the file says SENT,
so a crash or a full disk can cost a look at the history, never a duplicate.
A SENT message whose echo did not come (a reconnect, a silence of
``echo_timeout_s``) is looked up in the history: there → DELIVERED; not there →
QUEUED again, or FAILED after ``max_attempts`` sends. A history that keeps
failing (``max_history_failures`` in a row) fails the SENT messages
(:data:`UNCONFIRMED`); a history that answers 404 fails every message of the
conversation (:data:`GONE`). Nothing leaves a lane that is not allowed to send
(:class:`SendingAllowed`: the session layer's gate).

An entry with a write on its way is left alone until the write is done, so two
decisions about one message never race. A refused write (a full disk) leaves
the entry as it was on disk, and the lane tries again after ``echo_timeout_s``.
"""

from __future__ import annotations

import enum
import hashlib
import itertools
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.errors import Words
from desktop_app.core.frames import ChatMessage
from desktop_app.core.outbox import (
    OutboxEntry,
    OutboxLimits,
    OutboxState,
    admission_refusal,
    arrived_in_history,
    is_echo_of,
)

logger = logging.getLogger("desktop_app.core.outbox_machine")

#: Why a message is FAILED, in words for the person who wrote it.
GONE = "This conversation no longer exists on the server."
UNCONFIRMED = "The server did not confirm this message, and its history could not be checked."
NOT_ACCEPTED = "The server did not take this message after several tries."
FAILED_EARLIER = "This message could not be sent."


def text_digest(text: str) -> str:
    """The SHA-256 the outbox file keeps of a delivered message's text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class LanePhase(enum.Enum):
    """Where one lane (one chat socket) stands."""

    CLOSED = "closed"  # its socket is not open
    READY = "ready"  # open; sends the next message when there is one
    WRITING = "writing"  # waits for a write it asked for (before sending, after an echo)
    AWAITING_ECHO = "awaiting echo"  # a message is on the wire
    RESOLVING = "resolving"  # waits for the history


# --- inputs: one lane's socket ----------------------------------------------------


@dataclass(frozen=True)
class SocketOpened:
    """The lane's socket opened on ``conversation_id``."""

    lane: str
    conversation_id: str


@dataclass(frozen=True)
class SocketClosed:
    lane: str


@dataclass(frozen=True)
class Echo:
    """A chat message arrived on the lane's socket (an echo of ours, maybe)."""

    lane: str
    frame: ChatMessage


@dataclass(frozen=True)
class NotSent:
    """The socket did not take the message :class:`Send` asked for (it closed just now)."""

    lane: str
    client_id: str


@dataclass(frozen=True)
class TimerFired:
    """The lane's timer (echo timeout, or try again later) is due."""

    lane: str


@dataclass(frozen=True)
class Pump:
    """Look for something to send (the session may have been confirmed meanwhile)."""

    lane: str


@dataclass(frozen=True)
class SendingAllowed:
    """The session layer's gate for the lane: whether user text may leave on it now."""

    lane: str
    allowed: bool


@dataclass(frozen=True)
class HistoryArrived:
    """The history of ``conversation_id`` that :class:`FetchHistory` asked for."""

    lane: str
    conversation_id: str
    messages: tuple[ChatMessage, ...]


@dataclass(frozen=True)
class HistoryGone:
    """The history answered 404: the conversation no longer exists."""

    lane: str
    conversation_id: str


@dataclass(frozen=True)
class HistoryNeedsSignIn:
    """The history asked for a sign-in (the session layer handles it)."""

    lane: str
    conversation_id: str


@dataclass(frozen=True)
class HistoryUnavailable:
    """The history could not be had (network, server error)."""

    lane: str
    conversation_id: str


LaneInput = (
    SocketOpened
    | SocketClosed
    | Echo
    | NotSent
    | TimerFired
    | Pump
    | SendingAllowed
    | HistoryArrived
    | HistoryGone
    | HistoryNeedsSignIn
    | HistoryUnavailable
)


# --- inputs: the outbox as a whole --------------------------------------------------


@dataclass(frozen=True)
class Typed:
    """The user typed ``text`` in ``conversation_id``: admit it, then write it."""

    conversation_id: str
    text: str = field(repr=False)


@dataclass(frozen=True)
class NewWritten:
    """The file holds the message of :class:`WriteNew` ``token`` now (QUEUED)."""

    token: int
    entry: OutboxEntry


@dataclass(frozen=True)
class NewRefused:
    """The file refused the message of :class:`WriteNew` ``token``: nothing stored."""

    token: int


@dataclass(frozen=True)
class WriteDone:
    """The change of :class:`WriteState` (or :class:`WriteDelete`) is on disk; ``entry``
    as stored now (None after a delete)."""

    client_id: str
    entry: OutboxEntry | None


@dataclass(frozen=True)
class WriteRefused:
    """The file refused the change asked for ``client_id``: it is as it was."""

    client_id: str


@dataclass(frozen=True)
class Retry:
    """The user's Retry of a failed message."""

    client_id: str


@dataclass(frozen=True)
class Delete:
    """The user's Delete of a queued or failed message."""

    client_id: str


@dataclass(frozen=True)
class ConversationGone:
    """The conversation no longer exists on the server: its messages fail, kept."""

    conversation_id: str


@dataclass(frozen=True)
class Forget:
    """Forget every message of these conversations but the SENT ones (the demo data was
    wiped; a SENT one may be in flight, and is resolved, then failed, by its lane)."""

    conversation_ids: tuple[str, ...]


OutboxInput = (
    Typed | NewWritten | NewRefused | WriteDone | WriteRefused | Retry | Delete | ConversationGone
)
Input = LaneInput | OutboxInput | Forget


# --- actions ------------------------------------------------------------------------


@dataclass(frozen=True)
class WriteNew:
    """Add the message to the file (QUEUED); answer :class:`NewWritten` or :class:`NewRefused`."""

    token: int
    conversation_id: str
    text: str = field(repr=False)


@dataclass(frozen=True)
class Refuse:
    """The message of ``token`` is not admitted: ``reason``, for the person."""

    token: int
    reason: Words


@dataclass(frozen=True)
class WriteState:
    """Move ``client_id`` to ``state`` in the file; answer :class:`WriteDone` or
    :class:`WriteRefused`."""

    client_id: str
    state: OutboxState


@dataclass(frozen=True)
class WriteDelete:
    """Delete ``client_id`` from the file; answer :class:`WriteDone` or :class:`WriteRefused`."""

    client_id: str


@dataclass(frozen=True)
class WriteForget:
    """Delete the unsent messages of these conversations from the file (no answer)."""

    conversation_ids: tuple[str, ...]


@dataclass(frozen=True)
class Send:
    """Send ``entry`` on the lane's socket; answer :class:`NotSent` if it did not leave."""

    lane: str
    entry: OutboxEntry


@dataclass(frozen=True)
class StartTimer:
    """(Re)start the lane's timer: :class:`TimerFired` after ``delay_s``."""

    lane: str
    delay_s: float


@dataclass(frozen=True)
class CancelTimer:
    lane: str


@dataclass(frozen=True)
class FetchHistory:
    """Ask for the history of ``conversation_id``; answer with one of the History inputs."""

    lane: str
    conversation_id: str


@dataclass(frozen=True)
class Changed:
    """``entry`` is new or in a new state (DELIVERED: its text is gone); tell the view."""

    entry: OutboxEntry


@dataclass(frozen=True)
class Confirmed:
    """``frame`` was the echo of ``client_id``: the view updates that message in place."""

    client_id: str
    frame: ChatMessage


Action = (
    WriteNew
    | Refuse
    | WriteState
    | WriteDelete
    | WriteForget
    | Send
    | StartTimer
    | CancelTimer
    | FetchHistory
    | Changed
    | Confirmed
)


# --- the machine --------------------------------------------------------------------


@dataclass
class Lane:
    """One chat socket's share of the work."""

    name: str
    echo_timeout_s: float
    #: Look at the history each time the socket opens (also proves the session signed
    #: in after it opened, for a lane whose socket loads no history of its own).
    verify_on_open: bool
    phase: LanePhase = LanePhase.CLOSED
    conversation_id: str | None = None
    allowed: bool = False
    in_flight: str | None = None  # on the wire, waiting for its echo
    sending: str | None = None  # written SENT, to be sent once the write is done
    held: bool = False  # a message waits for the gate (logged once)
    history_failures: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class _Pending:
    """A write on its way: its target (None: a delete) and the lane that asked."""

    state: OutboxState | None
    lane: str | None


class OutboxMachine:
    """Decides what the outbox does next; see the module docstring."""

    def __init__(
        self,
        *,
        limits: OutboxLimits,
        entries: Iterable[OutboxEntry] = (),
        delivered: Counter[tuple[str, str]] | None = None,
        max_history_failures: int = 3,
    ) -> None:
        """``entries``: the file's undelivered ones; ``delivered``: how many delivered
        messages each (conversation, :func:`text_digest`) has in the file."""
        if max_history_failures < 1:
            raise ValueError(f"max_history_failures must be >= 1, got {max_history_failures}")
        self.limits = limits
        self.max_history_failures = max_history_failures
        self._entries = {e.client_id: e for e in sorted(entries, key=lambda e: e.seq)}
        self._delivered: Counter[tuple[str, str]] = Counter(delivered or {})
        self._reasons: dict[str, str] = {}
        self._pending: dict[str, _Pending] = {}
        self._reserved: dict[int, tuple[str, int]] = {}  # token -> (conversation, bytes)
        self._gone: set[str] = set()  # conversations the server no longer has
        self._tokens = itertools.count(1)
        self.lanes: dict[str, Lane] = {}
        self._actions: list[Action] = []

    def add_lane(self, name: str, *, echo_timeout_s: float, verify_on_open: bool = False) -> Lane:
        if name in self.lanes:
            raise ValueError(f"the outbox has a lane {name!r} already")
        if not echo_timeout_s > 0:
            raise ValueError(f"echo_timeout_s must be > 0, got {echo_timeout_s!r}")
        lane = Lane(name, echo_timeout_s, verify_on_open)
        self.lanes[name] = lane
        return lane

    # --- questions (the view's, answered from memory) ---------------------------------

    def undelivered(self, conversation_id: str | None = None) -> list[OutboxEntry]:
        """QUEUED, SENT and FAILED entries in the order typed (of every conversation if None)."""
        return [
            e
            for e in self._entries.values()
            if conversation_id is None or e.conversation_id == conversation_id
        ]

    def get(self, client_id: str) -> OutboxEntry | None:
        """The undelivered entry with this id, or None."""
        return self._entries.get(client_id)

    def delivered_count(self, conversation_id: str, text: str) -> int:
        """How many delivered messages of the conversation had exactly ``text``."""
        return self._delivered[conversation_id, text_digest(text)]

    def failure_reason(self, client_id: str) -> str:
        """Why a FAILED message failed (a generic reason for one failed before a restart)."""
        return self._reasons.get(client_id, FAILED_EARLIER)

    def next_conversation(self, *, exclude: str | None) -> str | None:
        """The conversation of the oldest message that may still leave (not FAILED),
        other than ``exclude``."""
        for entry in self._entries.values():
            if entry.conversation_id != exclude and entry.state is not OutboxState.FAILED:
                return entry.conversation_id
        return None

    # --- inputs -----------------------------------------------------------------------

    def handle(self, inp: Input) -> list[Action]:
        """Feed one input; return the actions to carry out, in order."""
        self._actions = []
        lane_name = getattr(inp, "lane", None)
        if lane_name is None:
            OUTBOX_TRANSITIONS[type(inp)](self, inp)
        else:
            lane = self.lanes[lane_name]
            transition = TRANSITIONS.get((lane.phase, type(inp)))
            if transition is None:
                logger.debug("[%s] %s ignored in %s", lane.name, type(inp).__name__, lane.phase)
            else:
                transition(self, lane, inp)
        actions, self._actions = self._actions, []
        return actions

    def _do(self, *actions: Action) -> None:
        self._actions.extend(actions)

    def _set_phase(self, lane: Lane, phase: LanePhase) -> None:
        """Move ``lane`` to another phase (callers check that it is another)."""
        logger.debug("[%s] %s -> %s", lane.name, lane.phase.name, phase.name)
        lane.phase = phase

    # --- the outbox as a whole ----------------------------------------------------------

    def _typed(self, inp: Typed) -> None:
        waiting = self.undelivered(inp.conversation_id)
        reserved = [size for conv, size in self._reserved.values() if conv == inp.conversation_id]
        size = sum(len(e.text.encode("utf-8")) for e in waiting) + sum(reserved)
        token = next(self._tokens)
        refusal = admission_refusal(len(waiting) + len(reserved), size, inp.text, self.limits)
        if refusal is not None:
            logger.warning("Outbox of %s full: message refused", inp.conversation_id)
            self._do(Refuse(token, refusal))
            return
        self._reserved[token] = (inp.conversation_id, len(inp.text.encode("utf-8")))
        self._do(WriteNew(token, inp.conversation_id, inp.text))

    def _new_written(self, inp: NewWritten) -> None:
        self._reserved.pop(inp.token, None)
        self._entries[inp.entry.client_id] = inp.entry
        logger.info(
            "Queued %s (%d chars) for %s",
            inp.entry.client_id,
            len(inp.entry.text),
            inp.entry.conversation_id,
        )
        self._do(Changed(inp.entry))
        self._pump_all()

    def _new_refused(self, inp: NewRefused) -> None:
        self._reserved.pop(inp.token, None)

    def _write_done(self, inp: WriteDone) -> None:
        pending = self._pending.pop(inp.client_id, None)
        entry = inp.entry
        if entry is None:
            logger.info("Deleted %s from the outbox", inp.client_id)
        elif entry.state is OutboxState.DELIVERED:
            before = self._entries.pop(entry.client_id, None)
            if before is not None:
                self._delivered[entry.conversation_id, text_digest(before.text)] += 1
            self._reasons.pop(entry.client_id, None)
            logger.info("Delivered %s", entry.client_id)
            self._do(Changed(entry))
        else:
            self._entries[entry.client_id] = entry
            self._do(Changed(entry))
            if entry.conversation_id in self._gone and entry.state is not OutboxState.FAILED:
                self._fail(entry, GONE, None)  # was being written when the 404 came
                return
        lane = self._lane_of(pending)
        if lane is not None and entry is not None and lane.sending == entry.client_id:
            lane.sending = None
            if lane.phase is LanePhase.WRITING and lane.conversation_id == entry.conversation_id:
                self._send(lane, entry)
        self._pump_all()

    def _write_refused(self, inp: WriteRefused) -> None:
        pending = self._pending.pop(inp.client_id, None)
        logger.warning("Outbox: the disk refused a change of %s; trying again later", inp.client_id)
        lane = self._lane_of(pending)
        if lane is not None:
            if lane.sending == inp.client_id:
                lane.sending = None
            if lane.phase is LanePhase.WRITING and not self._waits(lane):
                self._set_phase(lane, LanePhase.READY)
                self._do(StartTimer(lane.name, lane.echo_timeout_s))

    def _retry(self, inp: Retry) -> None:
        entry = self._entries.get(inp.client_id)
        if entry is None or entry.state is not OutboxState.FAILED or self._busy(entry):
            return
        self._reasons.pop(entry.client_id, None)
        for lane in self.lanes.values():
            del lane.history_failures[entry.conversation_id]
        self._write(entry, OutboxState.QUEUED, None)

    def _delete(self, inp: Delete) -> None:
        entry = self._entries.get(inp.client_id)
        if entry is None or entry.state is OutboxState.SENT or self._busy(entry):
            # A SENT message may have arrived: only the history can tell.
            return
        del self._entries[entry.client_id]
        self._reasons.pop(entry.client_id, None)
        self._pending[entry.client_id] = _Pending(None, None)
        self._do(WriteDelete(entry.client_id))

    def _conversation_gone(self, inp: ConversationGone) -> None:
        self._gone.add(inp.conversation_id)
        for lane in self.lanes.values():
            in_flight = self._entries.get(lane.in_flight or "")
            if in_flight is not None and in_flight.conversation_id == inp.conversation_id:
                lane.in_flight = None
                self._set_phase(lane, LanePhase.READY)
                self._do(CancelTimer(lane.name))
        for entry in self.undelivered(inp.conversation_id):
            if self._busy(entry):
                continue
            if entry.state is not OutboxState.FAILED:
                self._fail(entry, GONE, None)
            elif entry.client_id not in self._reasons:
                # Failed before a restart, for a reason not kept: this one is known now.
                self._reasons[entry.client_id] = GONE
                self._do(Changed(entry))

    def _forget(self, inp: Forget) -> None:
        forgotten = set(inp.conversation_ids)
        for entry in self.undelivered():
            if (
                entry.conversation_id in forgotten
                and entry.state is not OutboxState.SENT
                and not self._busy(entry)
            ):
                del self._entries[entry.client_id]
                self._reasons.pop(entry.client_id, None)
        for key in [key for key in self._delivered if key[0] in forgotten]:
            del self._delivered[key]
        self._do(WriteForget(inp.conversation_ids))

    # --- one lane -------------------------------------------------------------------

    def _opened(self, lane: Lane, inp: SocketOpened) -> None:
        lane.conversation_id = inp.conversation_id
        lane.in_flight = None
        lane.sending = None  # whatever was on its way is resolved from the history
        self._do(CancelTimer(lane.name))
        sent = any(e.state is OutboxState.SENT for e in self.undelivered(inp.conversation_id))
        if lane.verify_on_open or sent:
            self._resolve(lane)
        else:
            self._set_phase(lane, LanePhase.READY)
            self._pump(lane)

    def _closed(self, lane: Lane, _inp: SocketClosed) -> None:
        lane.in_flight = None
        self._set_phase(lane, LanePhase.CLOSED)
        self._do(CancelTimer(lane.name))

    def _allowed(self, lane: Lane, inp: SendingAllowed) -> None:
        lane.allowed = inp.allowed

    def _pump_input(self, lane: Lane, _inp: Pump | TimerFired) -> None:
        self._pump(lane)

    def _echo(self, lane: Lane, inp: Echo) -> None:
        entry = self._entries.get(lane.in_flight or "")
        if entry is None or not is_echo_of(inp.frame, entry.client_id, entry.text):
            return
        lane.in_flight = None
        self._do(CancelTimer(lane.name), Confirmed(entry.client_id, inp.frame))
        self._write(entry, OutboxState.DELIVERED, lane)

    def _not_sent(self, lane: Lane, inp: NotSent) -> None:
        entry = self._entries.get(inp.client_id)
        if entry is None or lane.in_flight != inp.client_id:
            return
        lane.in_flight = None
        self._do(CancelTimer(lane.name))
        self._write(entry, OutboxState.QUEUED, lane)

    def _echo_timeout(self, lane: Lane, _inp: TimerFired) -> None:
        logger.warning("No echo for %s: checking the history", lane.in_flight)
        lane.in_flight = None
        self._resolve(lane)

    def _history(self, lane: Lane, inp: HistoryArrived) -> None:
        del lane.history_failures[inp.conversation_id]
        self._gone.discard(inp.conversation_id)  # there after all (opened again, say)
        for entry in self.undelivered(inp.conversation_id):
            if entry.state is not OutboxState.SENT or self._busy(entry):
                continue
            delivered_same = self.delivered_count(inp.conversation_id, entry.text)
            if arrived_in_history(inp.messages, entry.client_id, entry.text, delivered_same):
                logger.info("History holds %s: delivered", entry.client_id)
                self._write(entry, OutboxState.DELIVERED, lane)
            elif entry.attempts >= self.limits.max_attempts:
                logger.warning(
                    "%s not delivered after %d sends: failed", entry.client_id, entry.attempts
                )
                self._fail(entry, NOT_ACCEPTED, lane)
            else:
                logger.info("History lacks %s: sending again", entry.client_id)
                self._write(entry, OutboxState.QUEUED, lane)
        self._after_history(lane)

    def _history_gone(self, lane: Lane, inp: HistoryGone) -> None:
        logger.warning("Outbox: conversation %s is gone (history 404)", inp.conversation_id)
        self._conversation_gone(ConversationGone(inp.conversation_id))
        self._after_history(lane, pump=False)

    def _history_needs_sign_in(self, lane: Lane, _inp: HistoryNeedsSignIn) -> None:
        # The session layer now says "expired": a Pump after the next sign-in goes on.
        logger.info("Outbox: history needs a sign-in; waiting")
        self._after_history(lane, pump=False)

    def _history_unavailable(self, lane: Lane, inp: HistoryUnavailable) -> None:
        failures = lane.history_failures[inp.conversation_id] + 1
        logger.warning("Outbox: history unavailable (%d/%d)", failures, self.max_history_failures)
        if failures < self.max_history_failures:
            lane.history_failures[inp.conversation_id] = failures
            # Stays SENT: try again after a while, or at the next connection.
            self._after_history(lane, pump=False)
            if lane.phase is LanePhase.READY:
                self._do(StartTimer(lane.name, lane.echo_timeout_s))
            return
        del lane.history_failures[inp.conversation_id]
        for entry in self.undelivered(inp.conversation_id):
            if entry.state is OutboxState.SENT and not self._busy(entry):
                self._fail(entry, UNCONFIRMED, lane)
        self._after_history(lane)

    # --- helpers ------------------------------------------------------------------------

    def _pump_all(self) -> None:
        for lane in self.lanes.values():
            if lane.phase is LanePhase.READY:
                self._pump(lane)
            elif lane.phase is LanePhase.WRITING and not self._waits(lane):
                self._set_phase(lane, LanePhase.READY)
                self._pump(lane)

    def _pump(self, lane: Lane) -> None:
        """Send the lane's next message, if it has one and may (READY only)."""
        assert lane.conversation_id is not None
        if lane.conversation_id in self._gone:
            return
        waiting = self.undelivered(lane.conversation_id)
        if any(self._busy(e) for e in waiting):
            return  # a write decides first; its WriteDone pumps again
        if any(e.state is OutboxState.SENT for e in waiting):
            # Sent before a reconnect or a restart: find out whether it arrived first.
            self._resolve(lane)
            return
        entry = next((e for e in waiting if e.state is OutboxState.QUEUED), None)
        if entry is None:
            return
        if not lane.allowed:
            if not lane.held:
                logger.info(
                    "[%s] outbox of %s held: not signed in on this socket",
                    lane.name,
                    lane.conversation_id,
                )
                lane.held = True
            return
        lane.held = False
        lane.sending = entry.client_id
        self._do(CancelTimer(lane.name))
        self._write(entry, OutboxState.SENT, lane)

    def _send(self, lane: Lane, entry: OutboxEntry) -> None:
        logger.info("[%s] sent %s (attempt %d)", lane.name, entry.client_id, entry.attempts)
        lane.in_flight = entry.client_id
        self._set_phase(lane, LanePhase.AWAITING_ECHO)
        self._do(Send(lane.name, entry), StartTimer(lane.name, lane.echo_timeout_s))

    def _resolve(self, lane: Lane) -> None:
        assert lane.conversation_id is not None
        self._set_phase(lane, LanePhase.RESOLVING)
        self._do(FetchHistory(lane.name, lane.conversation_id))

    def _after_history(self, lane: Lane, *, pump: bool = True) -> None:
        """The history answered: the lane writes what it decided, or goes on."""
        if lane.phase is not LanePhase.RESOLVING:
            return  # the socket closed (or moved) meanwhile
        if self._waits(lane):
            self._set_phase(lane, LanePhase.WRITING)
            return
        self._set_phase(lane, LanePhase.READY)
        if pump:
            self._pump(lane)

    def _write(self, entry: OutboxEntry, state: OutboxState, lane: Lane | None) -> None:
        self._pending[entry.client_id] = _Pending(state, None if lane is None else lane.name)
        if lane is not None and lane.phase in (LanePhase.READY, LanePhase.AWAITING_ECHO):
            self._set_phase(lane, LanePhase.WRITING)
        self._do(WriteState(entry.client_id, state))

    def _fail(self, entry: OutboxEntry, reason: str, lane: Lane | None) -> None:
        self._reasons[entry.client_id] = reason
        self._write(entry, OutboxState.FAILED, lane)

    def _busy(self, entry: OutboxEntry) -> bool:
        """A write of ``entry`` is on its way."""
        return entry.client_id in self._pending

    def _waits(self, lane: Lane) -> bool:
        """A write that ``lane`` asked for is on its way."""
        return any(p.lane == lane.name for p in self._pending.values())

    def _lane_of(self, pending: _Pending | None) -> Lane | None:
        return None if pending is None or pending.lane is None else self.lanes.get(pending.lane)


_LaneTransition = Callable[[OutboxMachine, Lane, Any], None]
P = LanePhase
M = OutboxMachine

_ANY_PHASE: dict[type, _LaneTransition] = {
    SocketOpened: M._opened,
    SendingAllowed: M._allowed,
    HistoryArrived: M._history,
    HistoryGone: M._history_gone,
    HistoryNeedsSignIn: M._history_needs_sign_in,
    HistoryUnavailable: M._history_unavailable,
}

#: Every transition of a lane, ``(phase, input type) -> handler``. Pairs not listed are
#: ignored (a Pump while a message is on the wire: stop-and-wait). The history's answers
#: are heard in every phase: what it says about SENT messages holds whatever the socket
#: did meanwhile.
TRANSITIONS: dict[tuple[LanePhase, type], _LaneTransition] = {
    **{(phase, kind): handler for phase in P for kind, handler in _ANY_PHASE.items()},
    (P.READY, SocketClosed): M._closed,
    (P.READY, Pump): M._pump_input,
    (P.READY, TimerFired): M._pump_input,
    (P.WRITING, SocketClosed): M._closed,
    (P.AWAITING_ECHO, SocketClosed): M._closed,
    (P.AWAITING_ECHO, Echo): M._echo,
    (P.AWAITING_ECHO, NotSent): M._not_sent,
    (P.AWAITING_ECHO, TimerFired): M._echo_timeout,
    (P.RESOLVING, SocketClosed): M._closed,
}

#: What the outbox as a whole does with each input that concerns no one lane.
OUTBOX_TRANSITIONS: dict[type, Callable[[OutboxMachine, Any], None]] = {
    Typed: M._typed,
    NewWritten: M._new_written,
    NewRefused: M._new_refused,
    WriteDone: M._write_done,
    WriteRefused: M._write_refused,
    Retry: M._retry,
    Delete: M._delete,
    ConversationGone: M._conversation_gone,
    Forget: M._forget,
}
del P, M
