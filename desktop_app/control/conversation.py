"""The open conversation: what the window shows, decided without a window.

Theory of operation. :class:`ConversationController` owns one conversation at a
time. Opening one moves both sockets to it; each time the chat socket opens (the
first time and after every reconnect) the history is loaded, because the server
does not replay what a client missed. Live messages that arrive while a history
request is on its way are kept and merged (:func:`desktop_app.core.reconcile.merge_history`),
then the outbox's undelivered messages follow: the transcript is always the
server's order, then what is still on its way.

Every failure becomes a state the window can show (:mod:`desktop_app.core.conversation`):

- no session, or an expired one: the window is asked to offer sign-in; once the
  session is signed in the history loads again and the outbox is sent;
- the history answers 404: the conversation is GONE, its unsent messages become
  Failed with that reason, and stay for the person to send elsewhere;
- the history or a new conversation cannot be had from the server: tried again
  by itself, with growing delays, and at once on :meth:`retry_now`. A new
  conversation is also tried at once when the network comes back
  (:meth:`set_network_available`) or the session becomes signed in: the server
  may be reachable again, and no socket brings the news (none is open before
  there is a conversation). Its timer stays, in case that news never comes.

The window implements :class:`ConversationView`; tests implement it with a list.
The words the controller makes (notices, "You", a new conversation's title) go
through the ``translate`` it is given: the window passes ``QCoreApplication.translate``,
tests keep the English default.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any, Protocol

from desktop_app.control.session import SessionController
from desktop_app.control.tasks import BackgroundTasks
from desktop_app.core import machine as m
from desktop_app.core.clock import Clock, Timer
from desktop_app.core.conversation import (
    Creation,
    Notice,
    Phase,
    conversation_notice,
    new_conversation_title,
    retry_delay_s,
)
from desktop_app.core.endpoints import validate_conversation_id
from desktop_app.core.errors import SdmError
from desktop_app.core.frames import ChatMessage, Frame, Role
from desktop_app.core.outbox import OutboxEntry, OutboxState, arrived_in_history
from desktop_app.core.reconcile import merge_history
from desktop_app.core.session import SessionState
from desktop_app.core.transcript import DeliveryState, TranscriptEntry, message_key
from desktop_app.core.translation import QT_TRANSLATE_NOOP, Translate, english
from desktop_app.net.background import BackgroundDelivery
from desktop_app.net.chat import ChatWebSocketManager
from desktop_app.net.clock import LoopClock
from desktop_app.net.http import HttpError, PlatformClient, SignInRequired
from desktop_app.net.outbox import OutboxSender
from desktop_app.net.status import StatusWebSocketManager

logger = logging.getLogger("desktop_app.control.conversation")

#: How this person's own messages are named in the transcript (translated where made).
YOU = QT_TRANSLATE_NOOP("conversation", "You")

#: How the outbox's states show in the transcript.
DISPLAY_STATE = {
    OutboxState.QUEUED: DeliveryState.QUEUED,
    OutboxState.SENT: DeliveryState.SENDING,
    OutboxState.DELIVERED: DeliveryState.DELIVERED,
    OutboxState.FAILED: DeliveryState.FAILED,
}


class ConversationView(Protocol):
    """What the controller tells the window (all calls on the loop's thread)."""

    def conversation_opened(self, conversation_id: str, title: str | None) -> None: ...

    def show_transcript(self, entries: list[TranscriptEntry]) -> None:
        """Replace the whole transcript."""

    def show_live(self, entry: TranscriptEntry, confirmed: str | None) -> None:
        """A message arrived; ``confirmed``: the client id of the queued message it echoes."""

    def show_delivery(self, entry: TranscriptEntry) -> None:
        """A message of the outbox, new or in a new state (matched by its client id)."""

    def remove_message(self, client_id: str) -> None: ...

    def show_summary_ready(self, ready: bool) -> None: ...

    def show_notice(self, notice: Notice | None) -> None: ...

    def ask_sign_in(self) -> None:
        """Offer the sign-in dialog (the window opens it, unless it is open already)."""

    def finish_stale_thinking(self) -> None:
        """The history ends with a reply: a "thinking" shown from before is over."""

    def show_problem(self, action: str, exc: BaseException) -> None:
        """``action`` ("new conversation", ...) failed unexpectedly."""


class ConversationController:
    """One conversation over ``chat`` and ``status``; see the module docstring."""

    def __init__(
        self,
        *,
        client: PlatformClient,
        chat: ChatWebSocketManager,
        status: StatusWebSocketManager,
        outbox: OutboxSender,
        session: SessionController,
        view: ConversationView,
        background: BackgroundDelivery | None = None,
        titles: Callable[[], list[str]] = list,
        own_name: str | None = None,
        on_own_name: Callable[[str], object] = lambda _name: None,
        retry_initial_s: float = 1.0,
        retry_max_s: float = 30.0,
        clock: Clock | None = None,
        message_menus: bool = True,
        translate: Translate = english,
    ) -> None:
        self.client = client
        #: Words for the person: notices, "You", new titles (docs/TRANSLATING.md).
        self.translate = translate
        #: A message's context menu can resend it (a kiosk's lockdown has none).
        self.message_menus = message_menus
        self.chat = chat
        self.status = status
        self.outbox = outbox
        self.session = session
        self.view = view
        self.background = background
        self._titles = titles  # titles in use, so that a new one differs
        #: The name the server gives this person's messages (learned from an echo of
        #: ours); their messages show as "You" under it, queued, echoed or reloaded.
        self.own_name = own_name
        self._on_own_name = on_own_name
        self._retry_initial_s = retry_initial_s
        self._retry_max_s = retry_max_s
        self._clock: Clock = clock if clock is not None else LoopClock()

        self.conversation_id: str | None = None
        self.phase = Phase.NONE
        self._title: str | None = None
        self._failures = 0  # history loads that failed in a row
        self._retry: Timer | None = None
        self._retry_due: float | None = None
        self.creation: Creation | None = None
        self._create_failures = 0
        self._create_retry: Timer | None = None
        self._create_retry_due: float | None = None
        self._create_after_sign_in = False
        self._network_available = True  # until told otherwise: see set_network_available
        self._detached = False  # the network source may still call after detach()
        self._asked_sign_in = False
        self._typed_without_conversation = False
        self._notice: Notice | None = None
        self._session_state = session.state
        self._live_buffers: list[list[TranscriptEntry]] = []  # one per history request
        self._tasks = BackgroundTasks(lambda name, exc: self.view.show_problem(name, exc))
        self._creating: asyncio.Task[Any] | None = None

        outbox.on_change = self._on_outbox_change
        outbox.may_send = lambda: session.may_send(chat)
        self._unsubscribes = [
            chat.on_connection_event(self._on_chat_connection_event),
            chat.on_frame(self._on_chat_frame),
            session.on_change(self._on_session_change),
        ]

    # --- what the window calls -------------------------------------------------------

    def open(self, conversation_id: str, title: str | None = None) -> None:
        """Show ``conversation_id``: both sockets move to it, its history loads."""
        conversation_id = validate_conversation_id(conversation_id)
        if conversation_id != self.conversation_id:
            logger.info("Opening conversation %s", conversation_id)
            self.conversation_id = conversation_id
            self._title = title
            self._failures = 0
            self._cancel_retry()
            self._live_buffers = []
            self.phase = Phase.LOADING
            self.view.show_summary_ready(False)
            # What is still on its way shows at once, before the history arrives.
            self.view.show_transcript(self._outbox_entries(conversation_id))
        self.view.conversation_opened(conversation_id, title)
        self._connect()
        if self.background is not None:
            # Off this conversation; on to the one left behind, if it has mail.
            self.background.set_foreground(conversation_id)
        self._refresh_notice()

    def new_conversation(self) -> None:
        """Create a conversation on the server and open it (tried again until it works)."""
        if self._creating is not None and not self._creating.done():
            return
        self._cancel_create_retry()
        self.creation = Creation.CREATING
        self._refresh_notice()
        self._creating = self._start(self._create(), "new conversation")

    def start_over(self) -> None:
        """Leave the open conversation for a new one at once (a kiosk's next visitor).

        The view is emptied before the new conversation exists, and nothing of the one
        left is shown again (its late frames and history are dropped); what it still
        has in the outbox is delivered in the background.
        """
        if self.conversation_id is not None:
            logger.info("Starting over: leaving conversation %s", self.conversation_id)
        self.conversation_id = None
        self._title = None
        self.phase = Phase.NONE
        self._failures = 0
        self._cancel_retry()
        self._live_buffers = []
        self._typed_without_conversation = False
        self.view.show_summary_ready(False)
        self.view.show_transcript([])
        self.new_conversation()

    async def send(self, text: str) -> bool:
        """Queue ``text`` in the open conversation's outbox; False when none is open.

        Returns once the message is on disk (the composer may let go of it then).
        OutboxFull (with a reason for the person) when the outbox is at its bounds,
        OutboxWriteError when the disk refused it: nothing stored either way.
        """
        if self.conversation_id is None or self.phase is Phase.GONE:
            self._typed_without_conversation = True
            self._refresh_notice()
            return False
        # Shown (as Queued) by _on_outbox_change, once it is written.
        await self.outbox.submit(self.conversation_id, text)
        self._refresh_notice()
        return True

    def retry(self, client_id: str) -> None:
        """Send a failed message again."""
        self.outbox.retry(client_id)

    def delete(self, client_id: str) -> None:
        """Forget a failed message (the person's choice)."""
        self.outbox.delete(client_id)
        self.view.remove_message(client_id)
        self._refresh_notice()

    def failed_text(self, client_id: str) -> str | None:
        """The text of a message still in the outbox (for Copy), or None."""
        entry = self.outbox.get(client_id)
        return None if entry is None else entry.text

    def send_in_new_conversation(self, client_id: str) -> None:
        """Move a failed message to a new conversation, created now, and open that."""
        entry = self.outbox.get(client_id)
        if entry is None or entry.state is not OutboxState.FAILED:
            return
        self._start(self._move_to_new(entry), "send in a new conversation")

    def retry_now(self) -> None:
        """The person asked to try again (Reconnect, or the notice's button)."""
        if self.creation is Creation.WAITING:
            self.new_conversation()
        if self.phase is Phase.UNAVAILABLE and self.conversation_id is not None:
            self._cancel_retry()
            self._load(self.conversation_id)

    def set_network_available(self, available: bool) -> None:
        """The operating system's view of the network; a new conversation that could not
        be created is tried at once when it comes back (its timer stays the fallback)."""
        back = available and not self._network_available
        self._network_available = available
        if back and self.creation is Creation.WAITING and not self._detached:
            logger.info("Network back: creating the new conversation now")
            self.new_conversation()

    def reload(self) -> None:
        """Load the history again (after a sign-in, say)."""
        if self.conversation_id is not None and self.chat.is_connected:
            self._load(self.conversation_id)

    def unsent(self) -> tuple[int, int]:
        """(messages on their way, messages that failed) of the open conversation."""
        if self.conversation_id is None:
            return 0, 0
        pending = self.outbox.undelivered(self.conversation_id)
        failed = sum(e.state is OutboxState.FAILED for e in pending)
        return len(pending) - failed, failed

    @property
    def waiting(self) -> int:
        """Messages of the open conversation not yet delivered (failed included)."""
        return sum(self.unsent())

    def detach(self) -> None:
        """Stop telling the view anything (its window closed); tasks end in :meth:`aclose`."""
        self._detached = True
        self._cancel_retry()
        self._cancel_create_retry()
        for unsubscribe in self._unsubscribes:
            unsubscribe()
        self._unsubscribes.clear()
        if self.outbox.on_change == self._on_outbox_change:
            self.outbox.on_change = None

    async def aclose(self) -> None:
        self.detach()
        await self._tasks.cancel_all()

    # --- sockets and session ------------------------------------------------------------

    def _connect(self) -> None:
        if self.conversation_id is None or self.phase is Phase.GONE:
            return
        if self.session.state is SessionState.SIGNED_OUT:
            # An anonymous socket would be answered, and what it sends stored as
            # "Anonymous": wait for a session.
            self._ask_sign_in()
            return
        already_open = (
            self.chat.is_connected and self.chat.current_conversation_id == self.conversation_id
        )
        self.chat.connect(self.conversation_id)
        self.status.connect(self.conversation_id)
        if already_open:
            self._load(self.conversation_id)  # no connection event will come: load now

    def _on_session_change(self, state: SessionState) -> None:
        """A new session state, or a new confirmation of it (which may free the outbox)."""
        before, self._session_state = self._session_state, state
        entered = state is not before
        if state is SessionState.SIGNED_IN and not entered:
            self.outbox.pump()  # a confirmation after the socket opened frees it
            if self.background is not None:
                self.background.reconsider()
        elif state is SessionState.SIGNED_IN:
            self._asked_sign_in = False
            # Waiting for the session, or for a server the session layer just reached.
            if self._create_after_sign_in or self.creation is Creation.WAITING:
                self._create_after_sign_in = False
                self.new_conversation()
            if before is not SessionState.UNKNOWN:
                # Signed in just now. Sockets opened without the session are reopened by
                # the session layer; none open yet: open them. Each opening loads the
                # history. (From UNKNOWN, a history request itself confirmed it.)
                self._connect()
            self.outbox.pump()
            if self.background is not None:
                self.background.reconsider()
        elif state in (SessionState.EXPIRED, SessionState.SIGNED_OUT):
            self._ask_sign_in()
        self._refresh_notice()

    def _ask_sign_in(self) -> None:
        if not self._asked_sign_in:
            self._asked_sign_in = True
            self.view.ask_sign_in()
        self._refresh_notice()

    def _on_chat_connection_event(self, event: m.ConnectionEvent) -> None:
        if isinstance(event, m.ConnectionEstablished) and self.conversation_id is not None:
            # The server does not replay what we missed: the history fills the gap.
            self._load(self.conversation_id)

    def _on_chat_frame(self, frame: Frame) -> None:
        if not isinstance(frame, ChatMessage):
            return
        confirmed = self.outbox.confirmed_by(frame)
        if confirmed is None and self.outbox.repeats_a_delivery(frame):
            # Shown once already (or in the history): shown again, it would be a double.
            logger.info("Echo of message %s again: not shown twice", frame.client_message_id)
            return
        if confirmed is not None and frame.name and frame.name != self.own_name:
            logger.info("Own messages are named by the server (%d chars)", len(frame.name))
            self.own_name = frame.name
            self._on_own_name(frame.name)
        if self.conversation_id is None:
            return  # late news of a conversation left (start_over): not shown
        entry = self._as_shown(TranscriptEntry.from_message(frame))
        for live in self._live_buffers:
            live.append(entry)
        self.view.show_live(entry, confirmed)

    # --- history ----------------------------------------------------------------------

    def _load(self, conversation_id: str) -> None:
        self._cancel_retry()
        self._start(self._load_history(conversation_id), "load history")

    async def _load_history(self, conversation_id: str) -> None:
        # Live messages that arrive while the request is on its way are kept here.
        live: list[TranscriptEntry] = []
        self._live_buffers.append(live)
        try:
            messages = await self.client.history(conversation_id)
        except SignInRequired:
            self._ask_sign_in()  # the session layer says EXPIRED; a sign-in reloads
            return
        except HttpError as exc:
            if conversation_id == self.conversation_id:
                if exc.status == 404:
                    self._gone(conversation_id)
                else:
                    self._history_failed(conversation_id, exc)
            return
        except SdmError as exc:
            if conversation_id == self.conversation_id:
                self._history_failed(conversation_id, exc)
            return
        finally:
            # By identity: two empty buffers are equal, and list.remove() would take either.
            self._live_buffers = [b for b in self._live_buffers if b is not live]
        if conversation_id != self.conversation_id:
            return  # the person moved on meanwhile
        self._failures = 0
        self._cancel_retry()
        self.phase = Phase.READY
        history = [self._as_shown(TranscriptEntry.from_message(m)) for m in messages]
        entries = merge_history(history, live, key=message_key)
        self.view.show_transcript(entries + self._outbox_entries(conversation_id, messages))
        if messages and messages[-1].role is Role.BOT:
            self.view.finish_stale_thinking()
        logger.info(
            "History of %s: %d messages, %d live ones arrived meanwhile, %d of them added",
            conversation_id,
            len(messages),
            len(live),
            len(entries) - len(history),
        )
        self._refresh_notice()
        try:
            summary = await self.client.summary_status(conversation_id)
        except SdmError as exc:
            logger.warning(
                "Summary status of %s unavailable (%s)", conversation_id, type(exc).__name__
            )
            return
        if conversation_id == self.conversation_id:
            self.view.show_summary_ready(summary.ready)

    def _outbox_entries(
        self, conversation_id: str, history: list[ChatMessage] | None = None
    ) -> list[TranscriptEntry]:
        """The outbox's undelivered messages, without those the history already holds
        (sent just before a drop: the outbox marks them delivered in a moment)."""
        entries = []
        shown = {m.client_message_id for m in history or () if m.client_message_id}
        for pending in self.outbox.undelivered(conversation_id):
            if history is not None:
                same = self.outbox.delivered_count(conversation_id, pending.text)
                if pending.client_id in shown or arrived_in_history(
                    history, pending.client_id, pending.text, same
                ):
                    continue
            entries.append(self._display(pending))
        return entries

    def _gone(self, conversation_id: str) -> None:
        logger.warning("Conversation %s no longer exists on the server", conversation_id)
        self.phase = Phase.GONE
        self._cancel_retry()
        self.chat.disconnect()
        self.status.disconnect()
        self.outbox.conversation_gone(conversation_id)
        self._refresh_notice()

    def _history_failed(self, conversation_id: str, exc: SdmError) -> None:
        self._failures += 1
        logger.warning(
            "History of %s unavailable (%s, %d in a row)",
            conversation_id,
            type(exc).__name__,
            self._failures,
        )
        self.phase = Phase.UNAVAILABLE
        self._retry_due, self._retry = self._schedule(
            self._failures, lambda: self._load(conversation_id), self._retry
        )
        self._refresh_notice()

    # --- creating ---------------------------------------------------------------------

    async def _create(self) -> None:
        title = new_conversation_title(datetime.now(), self._titles(), translate=self.translate)
        try:
            conversation_id = await self.client.create_conversation(title)
        except SignInRequired:
            self._create_after_sign_in = True
            self.creation = None
            self._ask_sign_in()
            return
        except SdmError as exc:
            self._create_failures += 1
            logger.warning(
                "New conversation failed (%s, %d in a row)",
                type(exc).__name__,
                self._create_failures,
            )
            self.creation = Creation.WAITING
            self._create_retry_due, self._create_retry = self._schedule(
                self._create_failures, self.new_conversation, self._create_retry
            )
            self._refresh_notice()
            return
        self._create_failures = 0
        self.creation = None
        self._typed_without_conversation = False
        self.open(conversation_id, title)

    async def _move_to_new(self, entry: OutboxEntry) -> None:
        title = new_conversation_title(datetime.now(), self._titles(), translate=self.translate)
        try:
            conversation_id = await self.client.create_conversation(title)
        except SignInRequired:
            self._ask_sign_in()
            return
        # Queued in the new conversation (on disk) before it leaves the old one: never lost.
        await self.outbox.submit(conversation_id, entry.text)
        self.outbox.delete(entry.client_id)
        self.open(conversation_id, title)

    # --- retrying ---------------------------------------------------------------------

    def _schedule(
        self, failures: int, action: Callable[[], object], previous: Timer | None
    ) -> tuple[float, Timer]:
        """Run ``action`` after the delay for ``failures``; (when it runs, its timer)."""
        if previous is not None:
            previous.cancel()
        delay = retry_delay_s(failures, initial_s=self._retry_initial_s, max_s=self._retry_max_s)
        return self._clock.monotonic() + delay, self._clock.call_later(delay, action)

    def _cancel_retry(self) -> None:
        if self._retry is not None:
            self._retry.cancel()
        self._retry = None
        self._retry_due = None

    def _cancel_create_retry(self) -> None:
        if self._create_retry is not None:
            self._create_retry.cancel()
        self._create_retry = None
        self._create_retry_due = None

    # --- the outbox ---------------------------------------------------------------------

    def _on_outbox_change(self, entry: OutboxEntry) -> None:
        if entry.conversation_id == self.conversation_id:
            self.view.show_delivery(self._display(entry))
            self._refresh_notice()

    def _you(self) -> str:
        """ "You" in the person's language (YOU is marked for lupdate where defined)."""
        look_up = self.translate
        return look_up("conversation", YOU)

    def _as_shown(self, entry: TranscriptEntry) -> TranscriptEntry:
        """This person's own messages show as "You", as they did while queued."""
        if entry.role is Role.USER and self.own_name is not None and entry.name == self.own_name:
            return dataclasses.replace(entry, name=self._you())
        return entry

    def _display(self, entry: OutboxEntry) -> TranscriptEntry:
        """A message of the outbox as the transcript shows it before its echo."""
        failed = entry.state is OutboxState.FAILED
        return TranscriptEntry(
            role=Role.USER,
            name=self._you(),
            content=entry.text,
            timestamp=entry.created_at,
            client_message_id=entry.client_id,
            state=DISPLAY_STATE[entry.state],
            failure=self.outbox.failure_reason(entry.client_id) if failed else None,
        )

    # --- helpers ----------------------------------------------------------------------

    def _refresh_notice(self) -> None:
        notice = conversation_notice(
            self.phase,
            self.session.state,
            creation=self.creation,
            waiting=self.waiting,
            retry_due=self._retry_due if self.phase is Phase.UNAVAILABLE else None,
            create_retry_due=self._create_retry_due,
            typed_without_conversation=self._typed_without_conversation,
            unattended=self.session.signs_in_by_itself,
            message_menus=self.message_menus,
            translate=self.translate,
        )
        if notice != self._notice:
            self._notice = notice
            self.view.show_notice(notice)

    def _start(self, coroutine: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        return self._tasks.start(coroutine, name=name)
