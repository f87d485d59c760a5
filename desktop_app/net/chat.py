"""The chat socket: user messages out, echoes and AI replies (with citations) in."""

from __future__ import annotations

import random
import ssl
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Unpack

from desktop_app.core import machine as m
from desktop_app.core.clock import Clock
from desktop_app.core.config import ConnectionConfig, ConnectionKeywords
from desktop_app.core.endpoints import ServerEndpoints
from desktop_app.core.frames import encode_chat_message
from desktop_app.net.manager import WebSocketManager, event_dict, public_arguments

ChatCallback = Callable[[dict[str, Any]], object]


class ChatWebSocketManager(WebSocketManager):
    """``/ws/chat/<conversation id>/``.

    ``ChatWebSocketManager(endpoints, config)`` as the app builds it, or issue 2's
    contract, ``ChatWebSocketManager("https://sdm.example.org", reconnect_delay=1.0,
    ...)``: a base URL (``allow_insecure`` lets plain http reach another computer)
    and the connection settings as keywords, applied on top of ``config``.
    """

    kind: ClassVar[str] = "chat"
    log_prefix: ClassVar[str] = "[ChatWS]"

    def __init__(
        self,
        server: ServerEndpoints | str,
        config: ConnectionConfig | None = None,
        *,
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
        self._on_open: Callable[[], object] | None = None
        self._on_close: ChatCallback | None = None

    def send_message(self, text: str, *, client_message_id: str | None = None) -> bool:
        """Send a user message; also probes the connection, so a dead one is found quickly."""
        if not isinstance(text, str):
            raise TypeError(f"message text must be a str, got {type(text).__name__}")
        sent = self._send_text(encode_chat_message(text, client_message_id))
        if sent:
            self._log.debug("%s Sent message (%d chars)", self.log_prefix, len(text))
            self._probe()
        return sent

    def set_on_open_callback(self, callback: Callable[[], object] | None) -> None:
        self._on_open = callback

    def set_on_close_callback(self, callback: ChatCallback | None) -> None:
        """Called with the ``disconnected`` event (code, reason)."""
        self._on_close = callback

    def set_on_chat_message_callback(self, callback: ChatCallback | None) -> None:
        """Called with every user message (the echo of ours and others')."""
        self._on_chat_message = callback

    def set_on_chat_reply_callback(self, callback: ChatCallback | None) -> None:
        """Called with every assistant reply."""
        self._on_chat_reply = callback

    def _check_outbound(self, frame: object) -> None:
        if isinstance(frame, Mapping) and (
            frame.get("type") == "ping" or isinstance(frame.get("message"), str)
        ):
            return
        # The server drops the socket on anything else (PROTOCOL.md).
        raise ValueError(
            f'{self.log_prefix} a chat frame must be {{"type": "ping"}} or {{"message": <text>}}'
        )

    def _handle_connection_event(self, event: m.ConnectionEvent) -> None:
        super()._handle_connection_event(event)
        if isinstance(event, m.ConnectionEstablished) and self._on_open is not None:
            on_open = self._on_open
            self._call(lambda _event: on_open(), {})
        elif isinstance(event, m.Disconnected):
            self._call(self._on_close, event_dict(event))

    def _call(self, callback: ChatCallback | None, data: dict[str, Any]) -> None:
        if callback is not None:
            self._emit(data, [callback])
