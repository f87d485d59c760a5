"""An independent, minimal implementation of the WebSocket part of ``shared/PROTOCOL.md``.

It shares no code with the demo server (``desktop_app.demo``, aiohttp): it runs on
``websockets`` and imitates the real Django Channels server under uvicorn, so that the
conformance tests can show the client is not coupled to the demo server's quirks.

- Handshake: Origin checked against allowed hosts (missing or foreign: 403), then the
  route ``/ws/(chat|status)/<uuid>/`` (anything else: 500), then, with
  ``require_session``, a ``sessionid`` cookie from ``sessions`` (otherwise 403).
- Both sockets answer ``{"type": "ping"}`` with ``{"type": "pong"}``.
- Chat: ``{"message": text}`` is broadcast as a user message, then a scripted reply runs
  in the background: ``thinking_start`` → bot message (one citation) → ``thinking_end``
  → ``extraction_start`` → ``extraction_complete``. Any other frame drops the TCP
  connection (uvicorn: the client sees 1006). Binary frames are ignored.
- :meth:`ReferenceServer.stop` closes with 1012 like uvicorn, or drops TCP with ``abort``;
  :meth:`ReferenceServer.start` again listens on the same port.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import uuid
from collections.abc import Collection
from datetime import datetime
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import urlsplit

from websockets.asyncio.server import Server, ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

__all__ = ["ReferenceServer"]

_ROUTE = re.compile(
    r"/ws/(chat|status)/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/"
)
SERVICE_RESTART = 1012  # what uvicorn sends to open WebSockets when it shuts down
BOT_NAME = "Reference Assistant"
CITATION = {
    "index": 1,
    "url": "https://ref.example/1",
    "title": "Reference document",
    "excerpt": "An excerpt.",
    "doc_id": "r1",
}


def _now() -> str:
    """Live frames carry the server's local offset."""
    return datetime.now().astimezone().isoformat()


class ReferenceServer:
    """The reference server on ``host``; ``port`` 0 picks a free one, kept across restarts."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        allowed_hosts: Collection[str] = ("127.0.0.1", "localhost", "::1"),
        require_session: bool = False,
        sessions: Collection[str] = (),
        reply_delay_s: float = 0.05,
        step_delay_s: float = 0.02,
        ping_interval: float | None = 5.0,
        ping_timeout: float | None = 20.0,
    ) -> None:
        self.host = host
        self._port = port
        self.allowed_hosts = tuple(h.lower() for h in allowed_hosts)
        self.require_session = require_session
        self.sessions = set(sessions)
        self.reply_delay_s = reply_delay_s
        self.step_delay_s = step_delay_s
        self._ping = (ping_interval, ping_timeout)
        self._server: Server | None = None
        self._sockets: dict[tuple[str, str], set[ServerConnection]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.handshakes: list[int] = []  # the HTTP status of every handshake, in order

    @property
    def port(self) -> int:
        if not self._port:
            raise RuntimeError("the reference server picks its port at start()")
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def create_conversation(self) -> str:
        """Any UUID is a conversation here; this only makes one up."""
        return str(uuid.uuid4())

    async def start(self) -> None:
        if self._server is not None:
            raise RuntimeError("already running")
        self._server = await serve(
            self._handle,
            self.host,
            self._port,
            process_request=self._gate,
            ping_interval=self._ping[0],
            ping_timeout=self._ping[1],
            close_timeout=2.0,
            max_size=16 * 1024 * 1024,  # uvicorn's ws_max_size
            reuse_address=True,
        )
        self._port = self._server.sockets[0].getsockname()[1]

    def keepalive_latencies(self) -> list[float]:
        """Each open socket's round trip for the server's last protocol-level ping.

        websockets measures it from the client's pong; 0.0 until one answered a ping.
        """
        server = self._server
        return [connection.latency for connection in server.connections] if server else []

    async def stop(self, *, abort: bool = False) -> None:
        """Stop listening and end every socket: a 1012 close frame, or a TCP drop (abort)."""
        server, self._server = self._server, None
        if server is None:
            return
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if abort:
            for connection in list(server.connections):
                connection.transport.abort()
        server.close(close_connections=not abort, code=SERVICE_RESTART, reason="service restart")
        await server.wait_closed()

    # --- the handshake ------------------------------------------------------------------

    def _gate(self, connection: ServerConnection, request: Request) -> Response | None:
        """AllowedHostsOriginValidator (403), URLRouter (500), then the consumer (403)."""
        status: HTTPStatus | None = None
        if not self._origin_allowed(request.headers.get("Origin")):
            status = HTTPStatus.FORBIDDEN
        elif _ROUTE.fullmatch(urlsplit(request.path).path) is None:
            status = HTTPStatus.INTERNAL_SERVER_ERROR
        elif self.require_session and _session(request) not in self.sessions:
            status = HTTPStatus.FORBIDDEN
        self.handshakes.append(int(status or HTTPStatus.SWITCHING_PROTOCOLS))
        return None if status is None else connection.respond(status, f"{status.phrase}\n")

    def _origin_allowed(self, origin: str | None) -> bool:
        if not origin:
            return "*" in self.allowed_hosts
        try:
            host = urlsplit(origin).hostname
        except ValueError:
            return False
        if host is None:
            return False
        return any(
            pattern in ("*", host)
            or (pattern.startswith(".") and (host.endswith(pattern) or host == pattern[1:]))
            for pattern in self.allowed_hosts
        )

    # --- the consumers ------------------------------------------------------------------

    async def _handle(self, ws: ServerConnection) -> None:
        match = _ROUTE.fullmatch(urlsplit(ws.request.path if ws.request else "").path)
        assert match is not None  # _gate let it through
        kind, conversation = match.group(1), match.group(2)
        group = self._sockets.setdefault((kind, conversation), set())
        group.add(ws)
        try:
            async for data in ws:
                if isinstance(data, bytes):
                    continue  # binary frames are ignored
                frame = _decode(data)
                if frame.get("type") == "ping":
                    await ws.send(json.dumps({"type": "pong"}))
                elif kind == "chat" and isinstance(frame.get("message"), str):
                    self._user_message(conversation, frame["message"])
                elif kind == "chat":
                    # The consumer raises; uvicorn just ends the TCP connection.
                    ws.transport.abort()
                    return
                # The status socket ignores everything but pings.
        except ConnectionClosed:
            pass  # lost without a close frame: nothing to clean up but the group
        finally:
            group.discard(ws)

    def _user_message(self, conversation: str, text: str) -> None:
        self._send("chat", conversation, _chat_message("user", "Anonymous", text, []))
        task = asyncio.get_running_loop().create_task(self._reply(conversation, text))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _reply(self, conversation: str, text: str) -> None:
        self._status(conversation, "thinking_start", trigger="autonomous")
        await asyncio.sleep(self.reply_delay_s)  # real time: the assistant's thinking
        content = f"A reference answer to {len(text)} characters [1]."
        self._send("chat", conversation, _chat_message("bot", BOT_NAME, content, [CITATION]))
        self._status(conversation, "thinking_end")
        await asyncio.sleep(self.step_delay_s)  # real time: the pace of the status events
        self._status(conversation, "extraction_start")
        await asyncio.sleep(self.step_delay_s)  # real time: as above
        self._status(conversation, "extraction_complete", summary_triggered=False)

    def _status(self, conversation: str, event: str, **extra: Any) -> None:
        self._send("status", conversation, {"type": event, "timestamp": _now(), **extra})

    def _send(self, kind: str, conversation: str, frame: dict[str, Any]) -> None:
        # broadcast() skips sockets that are closing; it never raises for them.
        broadcast(self._sockets.get((kind, conversation), set()), json.dumps(frame))


def _decode(data: str) -> dict[str, Any]:
    """The frame as an object; ``{}`` (neither ping nor message) when it is not one."""
    with contextlib.suppress(ValueError):
        frame = json.loads(data)
        if isinstance(frame, dict):
            return frame
    return {}


def _session(request: Request) -> str | None:
    cookie = SimpleCookie()
    try:
        cookie.load(request.headers.get("Cookie", ""))
    except CookieError:
        return None
    morsel = cookie.get("sessionid")
    return None if morsel is None else morsel.value


def _chat_message(role: str, name: str, content: str, citations: list[Any]) -> dict[str, Any]:
    return {
        "role": role,
        "name": name,
        "content": content,
        "timestamp": _now(),
        "citations": citations,
        "decision_aids": [],
    }
