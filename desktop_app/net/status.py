"""The status socket: what the assistant is doing (thinking, extraction, summary PDF)."""

from __future__ import annotations

import random
import ssl
from collections.abc import Mapping
from typing import Any, ClassVar, Unpack

from desktop_app.core import machine as m
from desktop_app.core.ai_status import REPLY_IN_HISTORY, AiStatusTracker
from desktop_app.core.clock import Clock, Timer
from desktop_app.core.config import ConnectionConfig, ConnectionKeywords
from desktop_app.core.endpoints import ServerEndpoints
from desktop_app.core.frames import Frame, StatusEvent
from desktop_app.net.manager import (
    Listener,
    Unsubscribe,
    WebSocketManager,
    now_iso,
    public_arguments,
    subscribe,
)


class StatusWebSocketManager(WebSocketManager):
    """``/ws/status/<conversation id>/``, with the AI-status flags and their stale timeouts.

    Built like :class:`~desktop_app.net.chat.ChatWebSocketManager` (endpoints and a
    config, or a base URL and issue 2's keywords); ``stale_timeout`` and
    ``extraction_stale_timeout`` (seconds) clear a flag whose end never came.
    """

    kind: ClassVar[str] = "status"
    log_prefix: ClassVar[str] = "[StatusWS]"

    def __init__(
        self,
        server: ServerEndpoints | str,
        config: ConnectionConfig | None = None,
        *,
        stale_timeout: float = 30.0,
        extraction_stale_timeout: float = 60.0,
        cookies: Mapping[str, str] | None = None,
        allow_insecure: bool = False,
        ssl_context: ssl.SSLContext | None = None,
        rng: random.Random | None = None,
        clock: Clock | None = None,
        **keywords: Unpack[ConnectionKeywords],
    ) -> None:
        endpoints, config = public_arguments(server, config, allow_insecure, keywords)
        super().__init__(
            endpoints, config, cookies=cookies, ssl_context=ssl_context, rng=rng, clock=clock
        )
        self._tracker = AiStatusTracker(
            stale_timeout_s=stale_timeout,
            extraction_stale_timeout_s=extraction_stale_timeout,
            now_iso=now_iso,
        )
        self._status_listeners: list[Listener] = []
        self._stale_timer: Timer | None = None

    def on_status_change(self, callback: Listener) -> Unsubscribe:
        """Call ``callback`` with every status event, the synthetic stale/disconnect ones too."""
        return subscribe(self._status_listeners, callback)

    @property
    def is_thinking(self) -> bool:
        return self._tracker.is_thinking

    @property
    def is_extracting(self) -> bool:
        return self._tracker.is_extracting

    @property
    def is_summary_generating(self) -> bool:
        return self._tracker.is_summary_generating

    @property
    def status_listener_count(self) -> int:
        return len(self._status_listeners)

    def finish_thinking(self) -> None:
        """The history already holds the reply: clear a thinking flag left on."""
        self._deliver(self._tracker.finish_thinking(REPLY_IN_HISTORY))

    def _handle_frame(self, frame: Frame) -> None:
        super()._handle_frame(frame)
        if isinstance(frame, StatusEvent):
            self._deliver(self._tracker.handle(frame, self._clock.monotonic()))

    def _handle_connection_event(self, event: m.ConnectionEvent) -> None:
        if isinstance(event, (m.Disconnected, m.ConnectionFailed, m.WentOffline)):
            self._deliver(self._tracker.clear())
        super()._handle_connection_event(event)

    def _deliver(self, events: list[dict[str, Any]]) -> None:
        for event in events:
            self._emit(event, self._status_listeners)
        self._arm_stale_timer()

    def _arm_stale_timer(self) -> None:
        if self._stale_timer is not None:
            self._stale_timer.cancel()
            self._stale_timer = None
        deadline = self._tracker.next_deadline()
        if deadline is not None:
            self._stale_timer = self._clock.call_later(
                max(0.0, deadline - self._clock.monotonic()), self._on_stale_timer
            )

    def _on_stale_timer(self) -> None:
        self._stale_timer = None
        self._deliver(self._tracker.poll(self._clock.monotonic()))
