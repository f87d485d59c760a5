"""The bridge between the managers (net) and the widgets (ui): the one ui module that knows them.

Theory of operation. A conversation session is a chat and a status manager.
:class:`SessionBridge` subscribes to them once, when the session begins, and
re-emits what it hears as Qt signals; widgets connect to those signals, so Qt
disconnects a widget by itself when it dies, and no widget needs a ``detach()``
that the window's ``closeEvent`` must remember. What a widget asks of the
sockets (reconnect now, the sockets' state for the status bar and the
diagnostics dialog) it asks of the bridge, as values. When the session ends,
:meth:`SessionBridge.close` unsubscribes from the managers, in this one place.

The managers run on the qasync loop, in Qt's thread: the signals are emitted
(and their slots run) in the listener's own call, as before, only decoupled.

:class:`WindowServices`, what the composition root hands the window, lives here
too: it carries the managers from the composition root to the window's
controller (:mod:`desktop_app.control`, which may talk to them) and its bridge.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices

from desktop_app.control.session import SessionController
from desktop_app.core import machine as m
from desktop_app.core.frames import Frame, Pong
from desktop_app.core.presence import SocketSnapshot
from desktop_app.net.background import BackgroundDelivery
from desktop_app.net.chat import ChatWebSocketManager
from desktop_app.net.http import PlatformClient
from desktop_app.net.manager import Unsubscribe, WebSocketManager, event_dict
from desktop_app.net.outbox import OutboxSender
from desktop_app.net.status import StatusWebSocketManager
from desktop_app.ui.network import NetworkSource, drive_managers
from desktop_app.ui.settings import Settings

#: The sockets' names, as the status bar, the diagnostics and the kiosk banner say them.
CHAT = "Chat"
STATUS = "Status"


@dataclass
class WindowServices:
    """What the window works with; tests replace the parts that would need a person."""

    server_label: str  # "https://sdm.example.org", or "the demo server"
    settings_key: str  # under which the conversations of this server are remembered
    chat: ChatWebSocketManager
    status: StatusWebSocketManager
    client: PlatformClient
    network: NetworkSource
    settings: Settings
    outbox: OutboxSender
    session: SessionController
    background: BackgroundDelivery | None = None  # the outbox of the other conversations
    demo_account: tuple[str, str] | None = None
    open_url: Callable[[QUrl], object] = QDesktopServices.openUrl
    #: The embedded demo server's data can be wiped with this; set only on that server,
    #: whose window is marked as a demo.
    wipe_demo_data: Callable[[], object] | None = None


@dataclass(frozen=True)
class AssistantStatus:
    """What the assistant is doing, from the status socket's flags."""

    thinking: bool = False
    extracting: bool = False
    summary_generating: bool = False


@dataclass(frozen=True)
class SocketDetails:
    """One socket's state for the diagnostics dialog: ids, states and counts only."""

    snapshot: SocketSnapshot  # state, attempts, retry, latency, failure, last close
    conversation_id: str | None
    listeners: int  # subscriptions to frames, connection events and the dict stream
    status_listeners: int | None  # the status socket's status-event subscriptions
    last_error: str | None
    network_available: bool


class SessionBridge(QObject):
    """One conversation session's managers, as Qt signals and a few commands."""

    #: A socket's new state: (socket name, :class:`~desktop_app.core.machine.ConnectionState`).
    state_changed = Signal(str, object)
    #: A socket measured a new round trip (a pong): (socket name).
    latency_changed = Signal(str)
    #: A typed connection event, as a dict without message text: (socket name, event).
    connection_event = Signal(str, object)
    #: A status event (a dict), the synthetic stale and disconnect ones too.
    status_event = Signal(object)
    #: The assistant's flags, after every status event and change of the status socket.
    assistant_changed = Signal(object)  # AssistantStatus
    #: The session ended (:meth:`close`): no signal follows; timers that count down stop.
    ended = Signal()

    def __init__(
        self,
        chat: ChatWebSocketManager,
        status: StatusWebSocketManager,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._chat = chat
        self._status = status
        self._sockets: tuple[tuple[str, WebSocketManager], ...] = ((CHAT, chat), (STATUS, status))
        self._unsubscribes: list[Unsubscribe] = []
        for name, manager in self._sockets:
            self._unsubscribes += [
                manager.on_state_change(functools.partial(self._on_state, name)),
                manager.on_frame(functools.partial(self._on_frame, name)),
                manager.on_connection_event(functools.partial(self._on_event, name)),
            ]
        self._unsubscribes.append(status.on_status_change(self._on_status_event))

    @property
    def names(self) -> tuple[str, ...]:
        """The sockets' names, in the order :meth:`snapshots` gives them."""
        return tuple(name for name, _ in self._sockets)

    @property
    def closed(self) -> bool:
        return not self._unsubscribes

    def close(self) -> None:
        """Stop listening to the managers: the session ended (the managers may live on)."""
        if self.closed:
            return
        for unsubscribe in self._unsubscribes:
            unsubscribe()
        self._unsubscribes.clear()
        self.ended.emit()

    # --- what widgets read ---------------------------------------------------------------

    def snapshots(self) -> list[SocketSnapshot]:
        """Each socket's state now, for the status bar (:mod:`desktop_app.core.presence`)."""
        return [manager.snapshot(name) for name, manager in self._sockets]

    def details(self) -> list[SocketDetails]:
        """Each socket's state now, in more detail, for the diagnostics dialog."""
        return [
            SocketDetails(
                snapshot=manager.snapshot(name),
                conversation_id=manager.current_conversation_id,
                listeners=manager.listener_count,
                status_listeners=(
                    manager.status_listener_count
                    if isinstance(manager, StatusWebSocketManager)
                    else None
                ),
                last_error=manager.last_error,
                network_available=manager.network_available,
            )
            for name, manager in self._sockets
        ]

    def assistant(self) -> AssistantStatus:
        status = self._status
        return AssistantStatus(
            thinking=status.is_thinking,
            extracting=status.is_extracting,
            summary_generating=status.is_summary_generating,
        )

    @property
    def chat_connected(self) -> bool:
        return self._chat.is_connected

    # --- what widgets ask for ------------------------------------------------------------

    def reconnect_now(self) -> None:
        """Cancel every socket's backoff wait and connect now."""
        for _name, manager in self._sockets:
            manager.reconnect_now()

    def restart_failed(self) -> None:
        """Start again the sockets that gave up (FAILED); the others are left alone."""
        for _name, manager in self._sockets:
            if manager.state is m.ConnectionState.FAILED:
                manager.reconnect_now()

    def finish_stale_thinking(self) -> None:
        """The history ends with a reply: a "thinking" shown from before is over."""
        if self._status.is_thinking:
            self._status.finish_thinking()

    def follow_network(self, source: NetworkSource) -> None:
        """Keep the sockets' network flag equal to what ``source`` says, from now on."""
        drive_managers(source, [manager for _name, manager in self._sockets])

    # --- listeners -------------------------------------------------------------------------

    def _on_state(self, name: str, state: m.ConnectionState) -> None:
        self.state_changed.emit(name, state)
        if name == STATUS:
            self.assistant_changed.emit(self.assistant())

    def _on_frame(self, name: str, frame: Frame) -> None:
        # A pong brings a new latency: the one change that comes without a state change.
        if isinstance(frame, Pong):
            self.latency_changed.emit(name)

    def _on_event(self, name: str, event: m.ConnectionEvent) -> None:
        self.connection_event.emit(name, event_dict(event))

    def _on_status_event(self, event: dict[str, Any]) -> None:
        # The flags first: a slot of the event then sees them as the event left them.
        self.assistant_changed.emit(self.assistant())
        self.status_event.emit(event)
