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
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from desktop_app.core.errors import SdmError
from desktop_app.core.frames import ChatMessage, decode_object
from desktop_app.core.outbox import OutboxLimits, admission_refusal, arrived_in_history, is_echo_of
from desktop_app.net.chat import ChatWebSocketManager
from desktop_app.store.outbox import OutboxEntry, OutboxState, OutboxStore

logger = logging.getLogger("desktop_app.net.outbox")

History = Callable[[str], Awaitable[list[ChatMessage]]]


class OutboxFull(SdmError):
    """A message refused because its conversation's outbox is at its bounds."""


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
        on_change: Callable[[OutboxEntry], object] | None = None,
    ) -> None:
        self.store = store
        self.chat = chat
        self._history = history
        self.limits = limits or OutboxLimits()
        self._echo_timeout = echo_timeout
        #: Called with every entry that changed state (the window shows it).
        self.on_change = on_change
        self._in_flight: OutboxEntry | None = None
        self._echo_timer: asyncio.TimerHandle | None = None
        self._resolving: asyncio.Task[None] | None = None
        # The frame that last confirmed an outbox message, and the message's id: the
        # window updates the queued entry instead of showing the echo a second time.
        # The frame itself is kept (not its id()): a freed frame's id can be reused by
        # the next one, which would then "confirm" a message it has nothing to do with.
        self._confirmation: tuple[dict[str, Any], str] | None = None
        self._unsubscribe = chat.on_message(self._on_chat_event)

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
        self._changed(self.store.mark_queued(client_id))
        self.pump()

    def delete(self, client_id: str) -> None:
        """Forget a message that will not be sent (the user's choice)."""
        if self._in_flight is not None and self._in_flight.client_id == client_id:
            self._clear_in_flight()
        self.store.delete(client_id)
        logger.info("Deleted %s from the outbox", client_id)

    def undelivered(self, conversation_id: str) -> list[OutboxEntry]:
        return self.store.undelivered(conversation_id)

    def confirmed_by(self, frame: dict[str, Any]) -> str | None:
        """The client id that ``frame`` (a chat listener's dict) confirmed, if any."""
        if self._confirmation is not None and self._confirmation[0] is frame:
            return self._confirmation[1]
        return None

    async def aclose(self) -> None:
        self._unsubscribe()
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
        if not self.chat.send_message(entry.text, client_message_id=entry.client_id):
            return  # the socket just closed: the next connection_established pumps again
        entry = self.store.mark_sent(entry.client_id)
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

    def _on_chat_event(self, data: dict[str, Any]) -> None:
        kind = data.get("type")
        if kind == "connection_established":
            self._clear_in_flight()  # whatever was in flight is resolved from history
            self.pump()
        elif kind == "disconnected":
            self._cancel_echo_timer()
        elif "role" in data and self._in_flight is not None:
            frame = decode_object(data)
            entry = self._in_flight
            if isinstance(frame, ChatMessage) and is_echo_of(frame, entry.client_id, entry.text):
                self._confirmation = (data, entry.client_id)
                self._delivered(entry)

    def _delivered(self, entry: OutboxEntry) -> None:
        self._clear_in_flight()
        delivered = self.store.mark_delivered(entry.client_id)
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
            # Stays SENT: try again after a while, or at the next connection.
            logger.warning("Outbox: history unavailable (%s)", type(exc).__name__)
            self._resolving = None
            self._echo_timer = asyncio.get_event_loop().call_later(self._echo_timeout, self.pump)
            return
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
                self._changed(self.store.mark_failed(entry.client_id))
            else:
                logger.info("History lacks %s: sending again", entry.client_id)
                self._changed(self.store.mark_queued(entry.client_id))
        self._resolving = None
        self.pump()

    # --- helpers -----------------------------------------------------------------------

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
