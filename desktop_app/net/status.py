"""The status socket: what the assistant is doing (thinking, extraction, summary PDF)."""

from __future__ import annotations

import asyncio
import time
from typing import Any, ClassVar

from desktop_app.core import machine as m
from desktop_app.core.ai_status import REPLY_IN_HISTORY, AiStatusTracker
from desktop_app.core.frames import Frame, StatusEvent
from desktop_app.net.manager import Listener, Unsubscribe, WebSocketManager, now_iso, subscribe


class StatusWebSocketManager(WebSocketManager):
    """``/ws/status/<conversation id>/``, with the AI-status flags and their stale timeouts."""

    kind: ClassVar[str] = "status"
    log_prefix: ClassVar[str] = "[StatusWS]"

    def __init__(
        self,
        base_url: str,
        *,
        stale_timeout: float = 30.0,
        extraction_stale_timeout: float = 60.0,
        **options: Any,
    ) -> None:
        super().__init__(base_url, **options)
        self._tracker = AiStatusTracker(
            stale_timeout_s=stale_timeout,
            extraction_stale_timeout_s=extraction_stale_timeout,
            now_iso=now_iso,
        )
        self._status_listeners: list[Listener] = []
        self._stale_timer: asyncio.TimerHandle | None = None

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
            self._deliver(self._tracker.handle(frame, time.monotonic()))

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
            self._stale_timer = self._owner_loop().call_later(
                max(0.0, deadline - time.monotonic()), self._on_stale_timer
            )

    def _on_stale_timer(self) -> None:
        self._stale_timer = None
        self._deliver(self._tracker.poll(time.monotonic()))
