"""Delivers the outbox over chat sockets: carries out what the outbox machine decides.

Theory of operation: :class:`~desktop_app.core.outbox_machine.OutboxMachine`
decides everything (stop-and-wait sending, echo timeout, the history's verdict,
write-ahead SENT, failure reasons); this module only feeds it inputs and does its
actions with real things: the outbox file on its writer thread
(:class:`~desktop_app.store.outbox_writer.OutboxWriter`), the chat socket, the
history endpoint, timers from the injected :class:`~desktop_app.core.clock.Clock`.

:class:`Outbox` is the app's one outbox: the machine, the file, and the listeners
told about every entry that changed. Each chat socket that delivers it is an
:class:`OutboxSender`, one *lane* of the machine (the window's; the background
delivery's). Nothing leaves a lane while its ``may_send()`` says no: the session
layer (:mod:`desktop_app.control.session`) allows a message only on a socket opened
with a session the server confirmed as signed in.

Writes run off the event loop; their results come back to it as inputs
(``WriteDone``, ``WriteRefused``...). :meth:`OutboxSender.submit` completes only once
the message is committed: the window clears its composer then, not before.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from desktop_app.core import machine as m
from desktop_app.core import outbox_machine as om
from desktop_app.core.clock import Clock, Timer
from desktop_app.core.errors import OutboxError, SdmError
from desktop_app.core.frames import ChatMessage, Frame
from desktop_app.core.lru import WeightedLru
from desktop_app.core.outbox import OutboxEntry, OutboxLimits, OutboxState
from desktop_app.core.outbox_machine import FAILED_EARLIER, GONE, NOT_ACCEPTED, UNCONFIRMED
from desktop_app.net.chat import ChatWebSocketManager
from desktop_app.net.clock import LoopClock
from desktop_app.net.http import HttpError, SignInRequired
from desktop_app.store.outbox import OutboxStore
from desktop_app.store.outbox_writer import OutboxWriter

__all__ = [
    "FAILED_EARLIER",
    "GONE",
    "NOT_ACCEPTED",
    "UNCONFIRMED",
    "Confirmation",
    "History",
    "Outbox",
    "OutboxFull",
    "OutboxSender",
]

logger = logging.getLogger("desktop_app.net.outbox")

History = Callable[[str], Awaitable[list[ChatMessage]]]
Unsubscribe = Callable[[], None]
T = TypeVar("T")


class OutboxFull(SdmError):
    """A message refused because its conversation's outbox is at its bounds."""


@dataclasses.dataclass(frozen=True)
class Confirmation:
    """The echo ``frame`` proved the outbox message ``client_id`` arrived."""

    client_id: str
    frame: ChatMessage


#: How many delivered messages' client ids are remembered to recognise an echo that
#: repeats one (a resend's); far more than can be on their way at once.
REMEMBERED_DELIVERIES = 1000


class Outbox:
    """The outbox in ``store``: its machine, its file (on a thread of its own), listeners.

    The undelivered entries are read from the file once, here (bounded by the
    outbox's limits); from then on the machine's memory answers every question
    and the file is only written.
    """

    def __init__(
        self,
        store: OutboxStore,
        *,
        limits: OutboxLimits | None = None,
        max_history_failures: int = 3,
        clock: Clock | None = None,
    ) -> None:
        undelivered, delivered = store.snapshot()  # before the hand-over to the writer
        self.writer = OutboxWriter(store)
        self.machine = om.OutboxMachine(
            limits=limits or OutboxLimits(),
            entries=undelivered,
            delivered=delivered,
            max_history_failures=max_history_failures,
        )
        self.clock: Clock = clock or LoopClock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._senders: dict[str, OutboxSender] = {}
        self._listeners: list[Callable[[OutboxEntry], object]] = []
        self._queue: deque[om.Input] = deque()
        self._handling = False
        self._submits: dict[int, asyncio.Future[OutboxEntry]] = {}
        self._writes: set[asyncio.Future[Any]] = set()
        # The last echo that confirmed an outbox message: the window updates the queued
        # entry instead of showing the echo a second time. The frame itself is kept (not
        # its id()): a freed frame's id can be reused by the next one, which would then
        # "confirm" a message it has nothing to do with.
        self.last_confirmation: Confirmation | None = None
        # The client ids of the messages delivered lately: a server that stores a
        # message once echoes it again when it is sent again (a resend whose echo the
        # drop swallowed, settled by the history meanwhile). That echo is no news.
        self._delivered_ids: WeightedLru[str, None] = WeightedLru(
            max_weight=REMEMBERED_DELIVERIES,
            max_items=REMEMBERED_DELIVERIES,
            weigh=lambda _id, _none: 1,
        )

    @property
    def limits(self) -> OutboxLimits:
        return self.machine.limits

    # --- questions, from memory ----------------------------------------------------

    def repeats_a_delivery(self, frame: ChatMessage) -> bool:
        """Whether ``frame`` echoes again a message of ours delivered before (not the
        echo that confirmed it): the same message, not a new one."""
        confirmation = self.last_confirmation
        if confirmation is not None and confirmation.frame is frame:
            return False
        client_id = frame.client_message_id
        return client_id is not None and client_id in self._delivered_ids

    def undelivered(self, conversation_id: str | None = None) -> list[OutboxEntry]:
        return self.machine.undelivered(conversation_id)

    def get(self, client_id: str) -> OutboxEntry | None:
        """The undelivered entry ``client_id`` (for Copy), or None."""
        return self.machine.get(client_id)

    def delivered_count(self, conversation_id: str, text: str) -> int:
        return self.machine.delivered_count(conversation_id, text)

    def failure_reason(self, client_id: str) -> str:
        return self.machine.failure_reason(client_id)

    # --- changes ---------------------------------------------------------------------

    async def submit(self, conversation_id: str, text: str) -> OutboxEntry:
        """Queue ``text``; returns once it is committed to disk.

        OutboxFull when the conversation's outbox is at its bounds;
        :class:`~desktop_app.core.errors.OutboxWriteError` when the disk refused it
        (nothing stored).
        """
        actions = self._feed(om.Typed(conversation_id, text))
        token = next(a.token for a in actions if isinstance(a, om.WriteNew | om.Refuse))
        return await self._submits.pop(token)

    def retry(self, client_id: str) -> None:
        """Queue a failed message again."""
        self._feed(om.Retry(client_id))

    def delete(self, client_id: str) -> None:
        """Forget a queued or failed message (the user's choice)."""
        self._feed(om.Delete(client_id))

    def conversation_gone(self, conversation_id: str) -> None:
        """The server no longer knows the conversation: its messages fail, kept for the user."""
        self._feed(om.ConversationGone(conversation_id))

    def forget_conversations(self, conversation_ids: list[str]) -> None:
        """Forget what the outbox holds of these conversations (the demo data was wiped)."""
        self._feed(om.Forget(tuple(conversation_ids)))

    def on_change(self, listener: Callable[[OutboxEntry], object]) -> Unsubscribe:
        """Call ``listener`` with every entry that is new or changed state."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    async def aclose(self) -> None:
        """Let the writes asked for finish, then stop the writer (the store stays open)."""
        if self.writer.closed:
            return
        await asyncio.gather(*self._writes, return_exceptions=True)
        self.writer.close()

    # --- the machine's inputs and actions ------------------------------------------

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            clock_loop = getattr(self.clock, "loop", None)
            self._loop = clock_loop if clock_loop is not None else asyncio.get_running_loop()
        return self._loop

    def _add_sender(self, sender: OutboxSender, *, echo_timeout_s: float, verify: bool) -> None:
        self.machine.add_lane(sender.lane, echo_timeout_s=echo_timeout_s, verify_on_open=verify)
        self._senders[sender.lane] = sender

    def _remove_sender(self, sender: OutboxSender) -> None:
        if self._senders.get(sender.lane) is sender:
            self._feed(om.SocketClosed(sender.lane))
            del self._senders[sender.lane]

    def _feed(self, inp: om.Input) -> list[om.Action]:
        """Handle ``inp`` and what its actions lead to; the actions of ``inp`` itself.

        An input fed while actions are carried out waits for them (in order).
        """
        if self._handling:
            self._queue.append(inp)
            return []
        self._handling = True
        try:
            first = self._handle(inp)
            while self._queue:
                self._handle(self._queue.popleft())
        finally:
            self._handling = False
        return first

    def _handle(self, inp: om.Input) -> list[om.Action]:
        # The session layer's gate, as it is now: asked before every decision.
        for lane, sender in self._senders.items():
            self.machine.handle(om.SendingAllowed(lane, sender.may_send()))
        actions = self.machine.handle(inp)
        for action in actions:
            self._carry_out(action)
        return actions

    def _carry_out(self, action: om.Action) -> None:
        if isinstance(action, om.Changed):
            if action.entry.state is OutboxState.DELIVERED:
                self._delivered_ids.put(action.entry.client_id, None)
            for listener in list(self._listeners):
                listener(action.entry)
        elif isinstance(action, om.Confirmed):
            self.last_confirmation = Confirmation(action.client_id, action.frame)
            self._delivered_ids.put(action.client_id, None)
        elif isinstance(action, om.WriteNew):
            self._write_new(action)
        elif isinstance(action, om.Refuse):
            refused: asyncio.Future[OutboxEntry] = self.loop.create_future()
            refused.set_exception(OutboxFull(words=action.reason))
            self._submits[action.token] = refused
        elif isinstance(action, om.WriteState):
            self._write_state(action.client_id, action.state)
        elif isinstance(action, om.WriteDelete):
            self._write(
                lambda store: store.delete(action.client_id),
                lambda _none: om.WriteDone(action.client_id, None),
                lambda _exc: om.WriteRefused(action.client_id),
            )
        elif isinstance(action, om.WriteForget):
            self._write(
                lambda store: store.forget_conversations(list(action.conversation_ids)),
                lambda _count: None,
                lambda _exc: None,
            )
        else:
            sender = self._senders.get(action.lane)
            if sender is not None:
                sender._carry_out(action)

    def _write_new(self, action: om.WriteNew) -> None:
        submitted: asyncio.Future[OutboxEntry] = self.loop.create_future()
        self._submits[action.token] = submitted

        def written(entry: OutboxEntry) -> om.Input:
            if not submitted.done():
                submitted.set_result(entry)
            return om.NewWritten(action.token, entry)

        def refused(exc: BaseException) -> om.Input:
            if not submitted.done():
                submitted.set_exception(exc)
            return om.NewRefused(action.token)

        self._write(lambda store: store.add(action.conversation_id, action.text), written, refused)

    def _write_state(self, client_id: str, state: OutboxState) -> None:
        moves: dict[OutboxState, Callable[[OutboxStore], OutboxEntry]] = {
            OutboxState.SENT: lambda store: store.mark_sent(client_id),
            OutboxState.QUEUED: lambda store: store.mark_queued(client_id),
            OutboxState.FAILED: lambda store: store.mark_failed(client_id),
            OutboxState.DELIVERED: lambda store: store.mark_delivered(client_id),
        }
        self._write(
            moves[state],
            lambda entry: om.WriteDone(client_id, entry),
            lambda _exc: om.WriteRefused(client_id),
        )

    def _write(
        self,
        work: Callable[[OutboxStore], T],
        done: Callable[[T], om.Input | None],
        refused: Callable[[BaseException], om.Input | None],
    ) -> None:
        """Run ``work`` on the writer's thread; feed ``done(result)`` or ``refused(exc)`` back."""
        if self.writer.closed:
            logger.debug("Outbox closed: a change is not written")
            return
        written = asyncio.wrap_future(self.writer.submit(work), loop=self.loop)
        self._writes.add(written)

        def finished(future: asyncio.Future[T]) -> None:
            self._writes.discard(future)
            if future.cancelled():
                return
            exc = future.exception()
            if exc is None:
                follow = done(future.result())
            else:
                if isinstance(exc, OutboxError):
                    # A full disk (OutboxWriteError), or a file changed behind our back.
                    logger.warning("Outbox: a change was not written (%s)", type(exc).__name__)
                else:
                    self.loop.call_exception_handler(
                        {"message": "outbox write failed", "exception": exc}
                    )
                follow = refused(exc)
            if follow is not None:
                self._feed(follow)

        written.add_done_callback(finished)


class OutboxSender:
    """Delivers ``outbox`` over ``chat``: one lane of the outbox machine.

    ``outbox`` is the app's :class:`Outbox`, shared with the other senders; given
    an :class:`~desktop_app.store.outbox.OutboxStore` instead, the sender makes one
    of its own (and closes it in :meth:`aclose`; the store stays open).
    """

    def __init__(
        self,
        outbox: Outbox | OutboxStore,
        chat: ChatWebSocketManager,
        history: History,
        *,
        limits: OutboxLimits | None = None,
        echo_timeout: float = 20.0,
        max_history_failures: int = 3,
        may_send: Callable[[], bool] = lambda: True,
        verify_on_open: bool = False,
        on_change: Callable[[OutboxEntry], object] | None = None,
        clock: Clock | None = None,
        lane: str = "window",
    ) -> None:
        self._owns_outbox = isinstance(outbox, OutboxStore)
        if isinstance(outbox, OutboxStore):
            outbox = Outbox(
                outbox, limits=limits, max_history_failures=max_history_failures, clock=clock
            )
        self.outbox = outbox
        self.chat = chat
        self.lane = lane
        self._history = history
        self._clock = clock or outbox.clock
        #: Whether a message may leave now (the session layer's rule), asked before
        #: every decision.
        self.may_send = may_send
        #: Called with every entry that changed state (the window shows it).
        self.on_change = on_change
        self._timer: Timer | None = None
        self._fetches: set[asyncio.Task[None]] = set()
        outbox._add_sender(self, echo_timeout_s=echo_timeout, verify=verify_on_open)
        self._unsubscribes = [
            outbox.on_change(self._changed),
            chat.on_connection_event(self._on_connection_event),
            chat.on_frame(self._on_frame),
        ]
        if chat.is_connected and chat.current_conversation_id is not None:
            self.outbox._feed(om.SocketOpened(lane, chat.current_conversation_id))

    # --- what the window calls -------------------------------------------------------

    @property
    def limits(self) -> OutboxLimits:
        return self.outbox.limits

    async def submit(self, conversation_id: str, text: str) -> OutboxEntry:
        """Queue ``text``; returns once it is on disk. It is sent as soon as its
        conversation's socket is open. OutboxFull or OutboxWriteError: nothing stored."""
        return await self.outbox.submit(conversation_id, text)

    def retry(self, client_id: str) -> None:
        self.outbox.retry(client_id)

    def delete(self, client_id: str) -> None:
        self.outbox.delete(client_id)

    def conversation_gone(self, conversation_id: str) -> None:
        self.outbox.conversation_gone(conversation_id)

    def failure_reason(self, client_id: str) -> str:
        """Why a FAILED message failed (a generic reason for one failed before a restart)."""
        return self.outbox.failure_reason(client_id)

    def undelivered(self, conversation_id: str | None = None) -> list[OutboxEntry]:
        return self.outbox.undelivered(conversation_id)

    def get(self, client_id: str) -> OutboxEntry | None:
        return self.outbox.get(client_id)

    def delivered_count(self, conversation_id: str, text: str) -> int:
        return self.outbox.delivered_count(conversation_id, text)

    def pump(self) -> None:
        """Send the next message if the socket is open and nothing is in flight."""
        self.outbox._feed(om.Pump(self.lane))

    def confirmed_by(self, frame: ChatMessage) -> str | None:
        """The client id of the outbox message that ``frame`` (as decoded once, by the
        chat manager, for every listener) confirmed; None when it confirmed none."""
        confirmation = self.outbox.last_confirmation
        if confirmation is not None and confirmation.frame is frame:
            return confirmation.client_id
        return None

    def repeats_a_delivery(self, frame: ChatMessage) -> bool:
        """Whether ``frame`` echoes again a message delivered before (:class:`Outbox`)."""
        return self.outbox.repeats_a_delivery(frame)

    @property
    def last_confirmation(self) -> Confirmation | None:
        return self.outbox.last_confirmation

    async def aclose(self) -> None:
        for unsubscribe in self._unsubscribes:
            unsubscribe()
        self._unsubscribes.clear()
        self.outbox._remove_sender(self)
        self._cancel_timer()
        for task in self._fetches:
            task.cancel()
        await asyncio.gather(*self._fetches, return_exceptions=True)
        if self._owns_outbox:
            await self.outbox.aclose()

    # --- the socket ------------------------------------------------------------------

    def _on_connection_event(self, event: m.ConnectionEvent) -> None:
        if isinstance(event, m.ConnectionEstablished):
            conversation = self.chat.current_conversation_id
            if conversation is not None:
                self.outbox._feed(om.SocketOpened(self.lane, conversation))
        elif isinstance(event, m.Disconnected):
            self.outbox._feed(om.SocketClosed(self.lane))

    def _on_frame(self, frame: Frame) -> None:
        if isinstance(frame, ChatMessage):
            self.outbox._feed(om.Echo(self.lane, frame))

    def _changed(self, entry: OutboxEntry) -> None:
        if self.on_change is not None:
            self.on_change(entry)

    # --- the machine's actions for this lane -----------------------------------------

    def _carry_out(self, action: om.Action) -> None:
        if isinstance(action, om.Send):
            entry = action.entry
            if not self.chat.send_message(entry.text, client_message_id=entry.client_id):
                # Not on the wire after all (the socket closed a moment ago).
                self.outbox._feed(om.NotSent(self.lane, entry.client_id))
        elif isinstance(action, om.StartTimer):
            self._cancel_timer()
            self._timer = self._clock.call_later(action.delay_s, self._on_timer)
        elif isinstance(action, om.CancelTimer):
            self._cancel_timer()
        elif isinstance(action, om.FetchHistory):
            task = self.outbox.loop.create_task(
                self._fetch_history(action.conversation_id), name="outbox: history"
            )
            self._fetches.add(task)
            task.add_done_callback(self._fetches.discard)

    def _on_timer(self) -> None:
        self._timer = None
        self.outbox._feed(om.TimerFired(self.lane))

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    async def _fetch_history(self, conversation_id: str) -> None:
        verdict: om.Input
        try:
            messages = await self._history(conversation_id)
        except HttpError as exc:
            if exc.status == 404:
                verdict = om.HistoryGone(self.lane, conversation_id)
            else:
                verdict = om.HistoryUnavailable(self.lane, conversation_id)
        except SignInRequired:
            verdict = om.HistoryNeedsSignIn(self.lane, conversation_id)
        except SdmError as exc:
            logger.warning("Outbox: history unavailable (%s)", type(exc).__name__)
            verdict = om.HistoryUnavailable(self.lane, conversation_id)
        else:
            verdict = om.HistoryArrived(self.lane, conversation_id, tuple(messages))
        if self.lane in self.outbox._senders:
            self.outbox._feed(verdict)
