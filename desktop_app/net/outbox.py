"""Delivers the outbox over the chat socket: in order, one at a time, each exactly once.

Theory of operation: a message is written to the outbox (QUEUED) before
anything else happens. When the chat socket of its conversation is open, the
oldest QUEUED message is sent (SENT) with its client id, and nothing else is
sent until it is known to have arrived (DELIVERED): by its echo, or, after a
reconnect or a silence of ``echo_timeout`` seconds, by the history endpoint
(:func:`desktop_app.core.outbox.arrived_in_history`). Not in the history →
QUEUED again and resent; after ``max_attempts`` sends → FAILED, until the user
retries or deletes it. Because a message only leaves when the previous one has
arrived, the server's history holds them in the order typed.

Nothing leaves while ``may_send()`` says no: the session layer
(:mod:`desktop_app.control.session`) allows a message only on a socket opened with
a session the server confirmed as signed in. A message that cannot be resolved
becomes FAILED with a reason a person can act on (:meth:`OutboxSender.failure_reason`):
the conversation is gone (history 404), or the history kept failing
``max_history_failures`` times, or it was sent ``max_attempts`` times in vain.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable

from desktop_app.core import machine as m
from desktop_app.core.errors import OutboxWriteError, SdmError
from desktop_app.core.frames import ChatMessage, Frame
from desktop_app.core.outbox import OutboxLimits, admission_refusal, arrived_in_history, is_echo_of
from desktop_app.net.chat import ChatWebSocketManager
from desktop_app.net.http import HttpError, SignInRequired
from desktop_app.store.outbox import OutboxEntry, OutboxState, OutboxStore

logger = logging.getLogger("desktop_app.net.outbox")

History = Callable[[str], Awaitable[list[ChatMessage]]]

#: Why a message is FAILED, in words for the person who wrote it.
GONE = "This conversation no longer exists on the server."
UNCONFIRMED = "The server did not confirm this message, and its history could not be checked."
NOT_ACCEPTED = "The server did not take this message after several tries."
FAILED_EARLIER = "This message could not be sent."


class OutboxFull(SdmError):
    """A message refused because its conversation's outbox is at its bounds."""


@dataclasses.dataclass(frozen=True)
class Confirmation:
    """The echo ``frame`` proved the outbox message ``client_id`` arrived."""

    client_id: str
    frame: ChatMessage


class OutboxSender:
    """Sends the open conversation's outbox over ``chat``; see the module docstring."""

    def __init__(
        self,
        store: OutboxStore,
        chat: ChatWebSocketManager,
        history: History,
        *,
        limits: OutboxLimits | None = None,
        echo_timeout: float = 20.0,
        max_history_failures: int = 3,
        may_send: Callable[[], bool] = lambda: True,
        verify_on_open: bool = False,
        on_change: Callable[[OutboxEntry], object] | None = None,
    ) -> None:
        self.store = store
        self.chat = chat
        self._history = history
        self.limits = limits or OutboxLimits()
        self._echo_timeout = echo_timeout
        self._max_history_failures = max_history_failures
        # Ask the history each time the socket opens: also proves the session signed in
        # after the socket opened (for a sender whose window loads no history).
        self._verify_on_open = verify_on_open
        #: Whether a message may leave now (the session layer's rule); pump() asks it.
        self.may_send = may_send
        self._held = False  # pump() found a message but may_send() said no (logged once)
        self._history_failures: dict[str, int] = {}  # conversation -> failures in a row
        self._reasons: dict[str, str] = {}  # client id -> why it failed
        #: Called with every entry that changed state (the window shows it).
        self.on_change = on_change
        self._in_flight: OutboxEntry | None = None
        self._echo_timer: asyncio.TimerHandle | None = None
        self._resolving: asyncio.Task[None] | None = None
        # The last echo that confirmed an outbox message: the window updates the queued
        # entry instead of showing the echo a second time. The frame itself is kept (not
        # its id()): a freed frame's id can be reused by the next one, which would then
        # "confirm" a message it has nothing to do with.
        self.last_confirmation: Confirmation | None = None
        self._unsubscribes = [
            chat.on_connection_event(self._on_connection_event),
            chat.on_frame(self._on_frame),
        ]

    # --- what the window calls -----------------------------------------------------

    def submit(self, conversation_id: str, text: str) -> OutboxEntry:
        """Queue ``text``; it is sent as soon as its conversation's socket is open."""
        waiting, size = self.store.usage(conversation_id)
        refusal = admission_refusal(waiting, size, text, self.limits)
        if refusal is not None:
            logger.warning("Outbox of %s full: message refused", conversation_id)
            raise OutboxFull(refusal)
        entry = self.store.add(conversation_id, text)
        logger.info("Queued %s (%d chars) for %s", entry.client_id, len(text), conversation_id)
        self._changed(entry)
        self.pump()
        return entry

    def retry(self, client_id: str) -> None:
        """Queue a failed message again."""
        self._reasons.pop(client_id, None)
        entry = self.store.get(client_id)
        if entry is not None:
            self._history_failures.pop(entry.conversation_id, None)
        self._changed(self.store.mark_queued(client_id))
        self.pump()

    def failure_reason(self, client_id: str) -> str:
        """Why a FAILED message failed (a generic reason for one failed before a restart)."""
        return self._reasons.get(client_id, FAILED_EARLIER)

    def conversation_gone(self, conversation_id: str) -> None:
        """The server no longer knows the conversation: its messages fail, kept for the user."""
        if self._in_flight is not None and self._in_flight.conversation_id == conversation_id:
            self._clear_in_flight()
        for entry in self.store.undelivered(conversation_id):
            if entry.state is not OutboxState.FAILED:
                self._fail(entry, GONE)
            elif entry.client_id not in self._reasons:
                # Failed before a restart, for a reason not kept: this one is known now.
                self._reasons[entry.client_id] = GONE
                self._changed(entry)

    def delete(self, client_id: str) -> None:
        """Forget a message that will not be sent (the user's choice)."""
        if self._in_flight is not None and self._in_flight.client_id == client_id:
            self._clear_in_flight()
        self.store.delete(client_id)
        logger.info("Deleted %s from the outbox", client_id)

    def undelivered(self, conversation_id: str) -> list[OutboxEntry]:
        return self.store.undelivered(conversation_id)

    def confirmed_by(self, frame: ChatMessage) -> str | None:
        """The client id of the outbox message that ``frame`` (as decoded once, by the
        chat manager, for every listener) confirmed; None when it confirmed none."""
        confirmation = self.last_confirmation
        if confirmation is not None and confirmation.frame is frame:
            return confirmation.client_id
        return None

    async def aclose(self) -> None:
        for unsubscribe in self._unsubscribes:
            unsubscribe()
        self._unsubscribes.clear()
        self._cancel_echo_timer()
        if self._resolving is not None:
            self._resolving.cancel()
            await asyncio.gather(self._resolving, return_exceptions=True)

    # --- sending -------------------------------------------------------------------

    def pump(self) -> None:
        """Send the next message if the socket is open and nothing is in flight."""
        conversation = self.chat.current_conversation_id
        if conversation is None or not self.chat.is_connected or self._busy():
            return
        pending = self.store.undelivered(conversation)
        if any(e.state is OutboxState.SENT for e in pending):
            # Sent before a reconnect or a restart: find out whether it arrived first.
            self._resolve(conversation)
            return
        entry = next((e for e in pending if e.state is OutboxState.QUEUED), None)
        if entry is None:
            return
        if not self.may_send():
            if not self._held:
                logger.info("Outbox of %s held: not signed in on this socket", conversation)
                self._held = True
            return
        self._held = False
        # Written down before it leaves: a message that may be on the wire is SENT, so
        # a crash or a full disk can cost a look at the history, never a duplicate.
        try:
            sent = self.store.mark_sent(entry.client_id)
        except OutboxWriteError as exc:
            logger.warning(
                "Outbox: %s not sent, the disk refused (%s)", entry.client_id, exc.reason
            )
            return  # still QUEUED: the next connection or message pumps again
        if not self.chat.send_message(sent.text, client_message_id=sent.client_id):
            # Not on the wire after all (pump() checked the socket, so hardly ever).
            self._changed(self.store.mark_queued(sent.client_id))
            return
        entry = sent
        logger.info("Sent %s (attempt %d)", entry.client_id, entry.attempts)
        self._in_flight = entry
        self._echo_timer = asyncio.get_event_loop().call_later(
            self._echo_timeout, self._on_echo_timeout
        )
        self._changed(entry)

    def _busy(self) -> bool:
        return self._in_flight is not None or (
            self._resolving is not None and not self._resolving.done()
        )

    def _on_connection_event(self, event: m.ConnectionEvent) -> None:
        if isinstance(event, m.ConnectionEstablished):
            self._clear_in_flight()  # whatever was in flight is resolved from history
            conversation = self.chat.current_conversation_id
            if self._verify_on_open and conversation is not None and not self._busy():
                self._resolve(conversation)
            else:
                self.pump()
        elif isinstance(event, m.Disconnected):
            self._cancel_echo_timer()

    def _on_frame(self, frame: Frame) -> None:
        entry = self._in_flight
        if (
            entry is not None
            and isinstance(frame, ChatMessage)
            and is_echo_of(frame, entry.client_id, entry.text)
        ):
            self.last_confirmation = Confirmation(entry.client_id, frame)
            self._delivered(entry)

    def _delivered(self, entry: OutboxEntry) -> None:
        self._clear_in_flight()
        try:
            delivered = self.store.mark_delivered(entry.client_id)
        except OutboxWriteError as exc:
            # Still SENT on disk: the next pump() finds it in the history instead.
            logger.warning("Outbox: %s arrived, the disk refused (%s)", entry.client_id, exc.reason)
            return
        logger.info("Delivered %s", entry.client_id)
        self._changed(delivered)
        self.pump()

    def _on_echo_timeout(self) -> None:
        self._echo_timer = None
        entry = self._in_flight
        if entry is not None:
            logger.warning("No echo for %s: checking the history", entry.client_id)
            self._in_flight = None
            self._resolve(entry.conversation_id)

    # --- resolving from the history ----------------------------------------------------

    def _resolve(self, conversation_id: str) -> None:
        self._resolving = asyncio.get_event_loop().create_task(
            self._resolve_from_history(conversation_id), name="outbox: resolve from history"
        )

    async def _resolve_from_history(self, conversation_id: str) -> None:
        try:
            history = await self._history(conversation_id)
        except SdmError as exc:
            self._resolving = None
            self._history_unavailable(conversation_id, exc)
            return
        self._history_failures.pop(conversation_id, None)
        try:
            self._settle(conversation_id, history)
        except OutboxWriteError as exc:
            self._resolving = None
            logger.warning("Outbox: the disk refused a change (%s); trying again later", exc.reason)
            self._echo_timer = asyncio.get_event_loop().call_later(self._echo_timeout, self.pump)
            return
        self._resolving = None
        self.pump()

    def _settle(self, conversation_id: str, history: list[ChatMessage]) -> None:
        """Decide each SENT message of ``conversation_id`` from its ``history``."""
        for entry in self.store.undelivered(conversation_id):
            if entry.state is not OutboxState.SENT:
                continue
            delivered_same = self.store.delivered_count(conversation_id, entry.text)
            if arrived_in_history(history, entry.client_id, entry.text, delivered_same):
                logger.info("History holds %s: delivered", entry.client_id)
                self._changed(self.store.mark_delivered(entry.client_id))
            elif entry.attempts >= self.limits.max_attempts:
                logger.warning(
                    "%s not delivered after %d sends: failed", entry.client_id, entry.attempts
                )
                self._fail(entry, NOT_ACCEPTED)
            else:
                logger.info("History lacks %s: sending again", entry.client_id)
                self._changed(self.store.mark_queued(entry.client_id))

    def _history_unavailable(self, conversation_id: str, exc: SdmError) -> None:
        if isinstance(exc, HttpError) and exc.status == 404:
            logger.warning("Outbox: conversation %s is gone (history 404)", conversation_id)
            self.conversation_gone(conversation_id)
            return
        if isinstance(exc, SignInRequired):
            # The session layer now says "expired": pump() waits for the next sign-in.
            logger.info("Outbox: history needs a sign-in; waiting")
            return
        failures = self._history_failures.get(conversation_id, 0) + 1
        self._history_failures[conversation_id] = failures
        logger.warning(
            "Outbox: history unavailable (%s, %d/%d)",
            type(exc).__name__,
            failures,
            self._max_history_failures,
        )
        if failures >= self._max_history_failures:
            self._history_failures.pop(conversation_id, None)
            for entry in self.store.undelivered(conversation_id):
                if entry.state is OutboxState.SENT:
                    self._fail(entry, UNCONFIRMED)
            self.pump()
            return
        # Stays SENT: try again after a while, or at the next connection.
        self._echo_timer = asyncio.get_event_loop().call_later(self._echo_timeout, self.pump)

    # --- helpers -----------------------------------------------------------------------

    def _fail(self, entry: OutboxEntry, reason: str) -> None:
        self._reasons[entry.client_id] = reason
        self._changed(self.store.mark_failed(entry.client_id))

    def _clear_in_flight(self) -> None:
        self._in_flight = None
        self._cancel_echo_timer()

    def _cancel_echo_timer(self) -> None:
        if self._echo_timer is not None:
            self._echo_timer.cancel()
            self._echo_timer = None

    def _changed(self, entry: OutboxEntry) -> None:
        if self.on_change is not None:
            self.on_change(entry)
