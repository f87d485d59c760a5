"""Delivers the outbox of conversations the window is not showing, one at a time.

Messages typed in a conversation and still waiting when the user moves to
another one (or when the app starts with a non-empty outbox) must not wait
until that conversation is opened again. A second chat socket, owned by this
class, visits the conversations that have messages to send, oldest first, one
at a time, and an :class:`~desktop_app.net.outbox.OutboxSender` of its own (a
second lane of the same outbox) delivers them.

Event-driven, never polled: where the socket should be is decided again when
the outbox changes (a message queued, retried, failed, delivered), when the
window opens a conversation (:meth:`BackgroundDelivery.set_foreground`), when
the session is confirmed (:meth:`BackgroundDelivery.reconsider`), and when the
socket gives up (once more after ``retry_failed_s``). The window's conversation
always belongs to the window: setting it moves the background socket off it at
once (two sockets sending one conversation's outbox could send a message twice).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import ClassVar

from desktop_app.core import machine as m
from desktop_app.core.clock import Clock, Timer
from desktop_app.core.machine import ConnectionState
from desktop_app.core.outbox import OutboxEntry
from desktop_app.net.chat import ChatWebSocketManager
from desktop_app.net.outbox import History, Outbox, OutboxSender

logger = logging.getLogger("desktop_app.net.background")

#: After the socket gave up (refused, say), how long until it is tried again.
RETRY_FAILED_S = 5.0


class BackgroundChatWebSocketManager(ChatWebSocketManager):
    """The background's own chat socket; its log lines say which socket they are about."""

    log_prefix: ClassVar[str] = "[OutboxWS]"


class BackgroundDelivery:
    """Keeps a second chat socket on the oldest conversation (not the window's) with mail."""

    def __init__(
        self,
        outbox: Outbox,
        chat: ChatWebSocketManager,
        history: History,
        *,
        echo_timeout: float = 20.0,
        may_send: Callable[[], bool] = lambda: True,
        clock: Clock | None = None,
        retry_failed_s: float = RETRY_FAILED_S,
    ) -> None:
        self.outbox = outbox
        self.chat = chat
        self._clock = clock or outbox.clock
        self._retry_failed_s = retry_failed_s
        self.foreground: str | None = None
        self.sender = OutboxSender(
            outbox,
            chat,
            history,
            echo_timeout=echo_timeout,
            may_send=may_send,
            verify_on_open=True,
            clock=self._clock,
            lane="background",
        )
        self._soon: Timer | None = None
        self._started = False
        self._closed = False
        self._unsubscribes = [
            outbox.on_change(self._on_change),
            chat.on_connection_event(self._on_connection_event),
        ]

    def start(self) -> None:
        self._started = True
        self.reconsider()

    def set_foreground(self, conversation_id: str | None) -> None:
        """The window shows ``conversation_id`` now: leave it to the window, at once."""
        self.foreground = conversation_id
        self.reconsider()

    def reconsider(self) -> None:
        """Move the background socket to where there is something to send, or close it.

        Never the window's conversation, also not while waiting to retry or for
        the network.
        """
        self._cancel_soon()
        if self._closed or not self._started:
            return
        target = self.outbox.machine.next_conversation(exclude=self.foreground)
        if target is None:
            if self._active():
                logger.info("Background delivery idle")
                self.chat.disconnect()
            return
        if target != self.chat.current_conversation_id or not self._active():
            logger.info("Background delivery for conversation %s", target)
            self.chat.connect(target)
        else:
            self.sender.pump()

    def _active(self) -> bool:
        """The socket is open, opening, or waiting to (not idle, closed or failed)."""
        return self.chat.state not in (
            ConnectionState.IDLE,
            ConnectionState.CLOSED,
            ConnectionState.FAILED,
        )

    async def aclose(self) -> None:
        self._closed = True
        self._cancel_soon()
        for unsubscribe in self._unsubscribes:
            unsubscribe()
        self._unsubscribes.clear()
        await self.sender.aclose()
        await self.chat.aclose()

    def _on_change(self, _entry: OutboxEntry) -> None:
        # Soon, not from inside the outbox's listener: the outbox is still at work.
        self._reconsider_after(0.0)

    def _on_connection_event(self, event: m.ConnectionEvent) -> None:
        if isinstance(event, m.ConnectionFailed):
            self._reconsider_after(self._retry_failed_s)

    def _reconsider_after(self, delay_s: float) -> None:
        if self._closed or (self._soon is not None and delay_s > 0):
            return
        self._cancel_soon()
        self._soon = self._clock.call_later(delay_s, self.reconsider)

    def _cancel_soon(self) -> None:
        if self._soon is not None:
            self._soon.cancel()
            self._soon = None
