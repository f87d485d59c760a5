"""Delivers the outbox of conversations the window is not showing, one at a time.

Messages typed in a conversation and still waiting when the user moves to
another one (or when the app starts with a non-empty outbox) must not wait
until that conversation is opened again. A second chat socket, owned by this
class, visits the conversations that have messages to send, oldest first, one
at a time, and an :class:`~desktop_app.net.outbox.OutboxSender` of its own
delivers them. The window's conversation always belongs to the window: the
window calls :meth:`BackgroundDelivery.poll` whenever it opens a conversation,
which moves the background socket off it (two sockets sending one
conversation's outbox could send a message twice).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import ClassVar

from desktop_app.core.machine import ConnectionState
from desktop_app.net.chat import ChatWebSocketManager
from desktop_app.net.outbox import History, OutboxSender
from desktop_app.store.outbox import OutboxEntry, OutboxState, OutboxStore

logger = logging.getLogger("desktop_app.net.background")

RECHECK_S = 5.0  # also look for work now and then (a retry after the user's Retry, say)


class BackgroundChatWebSocketManager(ChatWebSocketManager):
    """The background's own chat socket; its log lines say which socket they are about."""

    log_prefix: ClassVar[str] = "[OutboxWS]"


class BackgroundDelivery:
    """Keeps a second chat socket on the oldest conversation (not the window's) with mail."""

    def __init__(
        self,
        store: OutboxStore,
        chat: ChatWebSocketManager,
        history: History,
        *,
        foreground: Callable[[], str | None],
        echo_timeout: float = 20.0,
        may_send: Callable[[], bool] = lambda: True,
    ) -> None:
        self.store = store
        self.chat = chat
        self._foreground = foreground
        self.sender = OutboxSender(
            store,
            chat,
            history,
            echo_timeout=echo_timeout,
            may_send=may_send,
            verify_on_open=True,
            on_change=self._on_change,
        )
        self._timer: asyncio.TimerHandle | None = None
        self._closed = False

    def start(self) -> None:
        self.poll()

    def poll(self) -> None:
        """Move the background socket to where there is something to send, or close it.

        Never the window's conversation, also not while waiting to retry or for
        the network.
        """
        if self._closed:
            return
        self._schedule_recheck()
        target = self._next_conversation()
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
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        await self.sender.aclose()
        await self.chat.aclose()

    def _next_conversation(self) -> str | None:
        foreground = self._foreground()
        for entry in self.store.undelivered():
            # FAILED messages wait for the user's Retry or Delete.
            if entry.conversation_id != foreground and entry.state is not OutboxState.FAILED:
                return entry.conversation_id
        return None

    def _on_change(self, entry: OutboxEntry) -> None:
        if entry.state is OutboxState.DELIVERED:
            # Done here? Then on to the next conversation (soon: not from inside a listener).
            asyncio.get_event_loop().call_soon(self.poll)

    def _schedule_recheck(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = asyncio.get_event_loop().call_later(RECHECK_S, self.poll)
