"""The embedded demo server: the SDM platform protocol (``shared/PROTOCOL.md``) on aiohttp.

It stands in for the Django Channels server so that the desktop client can be tried
and tested without it: the same routes, the same handshake rules (Origin check, HTTP
500 for a path without a route, Django-style session login with CSRF), the same frame
shapes and status events, with a scripted assistant instead of the AI. Conversations,
messages, login sessions and summary PDFs live in SQLite (:mod:`desktop_app.demo.store`),
in memory or in a file that survives a restart.

For tests of the awkward cases, the server can also do what happens to a client out of
its sight: end every login session (:meth:`DemoServer.revoke_sessions`), let them expire
(:meth:`DemoServer.expire_sessions`), or delete a conversation
(:meth:`DemoServer.delete_conversation`), each as the real server would show it.

Theory of operation, following the real server's ``ProtocolTypeRouter``:

- every request first has its ``Host`` checked, like Django's ``ALLOWED_HOSTS``: it must
  name the address the server is bound to (for a loopback address: ``localhost``,
  ``127.0.0.1``, ``::1``) or match ``allowed_hosts``, else HTTP 400 (a handshake: 403).
  A web page whose name its owner points at 127.0.0.1 (DNS rebinding) would otherwise
  reach the server as its own origin and sign in with the published demo password.
  The port is not compared (Django does not either): a rebinding page keeps its own
  name, and the tests' fault proxies forward under ports of their own;
- every WebSocket handshake, whatever its path, goes through :meth:`DemoServer._ws_gate`:
  Origin check (403), then the route (500 when none matches), then the consumer
  (:meth:`DemoServer._serve_chat` or :meth:`DemoServer._serve_status`);
- every other request goes through the HTTP router (404 when nothing matches);
- a user message is stored and broadcast by the chat consumer itself, then
  :meth:`DemoServer._run_assistant` plays the scripted reply in a background task,
  one reply at a time per conversation;
- a session that ended (signed out, revoked, expired) is no session: HTTP endpoints
  redirect to the login page and a handshake carrying it is anonymous. A socket keeps
  the user it was opened with, like Channels' ``AuthMiddleware``;
- a chat socket creates a conversation it does not know, except a deleted one: a user
  message for a deleted conversation makes the real consumer raise, so the connection
  is dropped (1006) and nothing is stored.

Message text is patient information: it is stored and sent, never logged.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import logging
import math
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import quote, urlparse, urlsplit

from aiohttp import WSCloseCode, WSMsgType, hdrs, web

from desktop_app.demo import assistant, pages
from desktop_app.demo.frames import (
    CLIENT_MESSAGE_ID_KEY,
    ChatFrame,
    ChatMessage,
    PingFrame,
    is_ping,
    parse_client_frame,
    pong_frame,
    status_frame,
)
from desktop_app.demo.pdf import build_pdf
from desktop_app.demo.store import DemoStore

if TYPE_CHECKING:
    from collections.abc import Coroutine
    from types import TracebackType

    from aiohttp.typedefs import Handler

__all__ = [
    "CLIENT_MESSAGE_ID_KEY",
    "DEMO_DISPLAY_NAME",
    "DEMO_EMAIL",
    "DEMO_PASSWORD",
    "DemoConfig",
    "DemoServer",
]

logger = logging.getLogger("desktop_app.demo")

DEMO_EMAIL = "demo@sdm.example"
DEMO_PASSWORD = "demo-password"
DEMO_DISPLAY_NAME = "Demo User"
ANONYMOUS_NAME = "Anonymous"

# Local-development cookie names of the real server (production prefixes __Secure-).
SESSION_COOKIE = "sessionid"
CSRF_COOKIE = "csrftoken"
CSRF_HEADER = "X-CSRFToken"
CSRF_FIELD = "csrfmiddlewaretoken"
SESSION_AGE = timedelta(weeks=2)  # Django's SESSION_COOKIE_AGE
CSRF_COOKIE_AGE = timedelta(weeks=52)  # Django's CSRF_COOKIE_AGE
LOGIN_PATH = "/accounts/login/"
LOGOUT_PATH = "/accounts/logout/"

# uvicorn pings every 20 s and gives up 20 s later; aiohttp waits heartbeat / 2 for a pong.
WS_HEARTBEAT_S = 20.0
# How long stop() waits for clients to answer the 1001 close frame before dropping them.
WS_CLOSE_TIMEOUT_S = 2.0
# How long the runner waits for HTTP handlers still running at stop().
HTTP_SHUTDOWN_TIMEOUT_S = 2.0

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_UUID_RE = re.compile(_UUID)
_WS_ROUTE_RE = re.compile(rf"/ws/(chat|status)/({_UUID})/")
#: The names of this machine's loopback addresses, all accepted in ``Host`` when the
#: server is bound to one of them (or to every address).
_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
_WILDCARD_ADDRESSES = ("", "0.0.0.0", "::")


@dataclass(frozen=True)
class DemoConfig:
    """How the demo server listens and behaves."""

    host: str = "127.0.0.1"
    port: int = 0  # 0 = pick a free port (kept across restarts of the same server)
    data_path: Path | None = None  # SQLite file; None = in memory
    require_login: bool = True  # HTTP endpoints need a session, like the real server
    echo_client_ids: bool = True  # echo the client message id back (the real server does not)
    reply_delay_s: float = 0.5  # scripted assistant "thinking" time before the reply
    step_delay_s: float = 0.1  # delay between the later status events (extraction, summary)
    session_age_s: float = SESSION_AGE.total_seconds()  # lifetime of a new login session
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "::1")


@dataclass(eq=False)
class _Client:
    """One open WebSocket: its kind (``chat`` / ``status``) and conversation."""

    id: int  # in opening order, for logs and a stable broadcast order
    kind: str
    conversation_id: str
    ws: web.WebSocketResponse
    transport: asyncio.Transport | None
    user_name: str | None

    def abort(self) -> None:
        """Drop the TCP connection without a close frame: the client sees 1006."""
        if self.transport is not None:
            self.transport.abort()


class DemoServer:
    """The demo server; start it with :meth:`start` or ``async with``."""

    def __init__(self, config: DemoConfig = DemoConfig()) -> None:
        self._config = config
        self._port: int | None = config.port or None
        self._runner: web.AppRunner | None = None
        self._stopping = False
        self._store_instance: DemoStore | None = None
        self._clients: set[_Client] = set()
        self._client_ids = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._reply_locks: dict[str, asyncio.Lock] = {}

    # --- lifecycle ---------------------------------------------------------------

    async def start(self) -> None:
        """Listen; on a restart, on the port chosen at the first start."""
        if self._runner is not None:
            raise RuntimeError("the demo server is already running")
        self._store.ensure_open()  # a bad data file fails here, not at the first request
        runner = web.AppRunner(
            self._make_app(), access_log=None, shutdown_timeout=HTTP_SHUTDOWN_TIMEOUT_S
        )
        await runner.setup()
        site = web.TCPSite(runner, self._config.host, self._port or 0, reuse_address=True)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._port = int(runner.addresses[0][1])
        self._runner = runner
        self._stopping = False
        self._reply_locks.clear()
        logger.info("demo server listening on %s", self.base_url)

    async def stop(self, *, abort: bool = False) -> None:
        """Stop listening, end the assistant's work, close every WebSocket, shut down.

        The WebSockets get a 1001 "going away" close frame, or with ``abort`` their
        TCP connections are just dropped (the clients see 1006).
        """
        runner = self._runner
        if runner is None:
            return
        self._runner = None
        self._stopping = True
        # Stop listening first, so that a client reconnecting at once cannot slip in
        # after the sockets are closed.
        for site in list(runner.sites):
            await site.stop()
        # Cancelled replies still send thinking_end, so do it while the sockets are open.
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        clients = list(self._clients)
        if abort:
            for client in clients:
                client.abort()
        else:
            await self._close_clients(clients)
        await runner.cleanup()
        if self._config.data_path is not None and self._store_instance is not None:
            # The data is on disk: release the file until the next use.
            self._store_instance.close()
            self._store_instance = None
        logger.info(
            "demo server on port %s stopped (%d websockets %s)",
            self._port,
            len(clients),
            "dropped" if abort else "closed",
        )

    async def _close_clients(self, clients: list[_Client]) -> None:
        closing = [
            client.ws.close(code=WSCloseCode.GOING_AWAY, message=b"going away")
            for client in clients
        ]
        try:
            async with asyncio.timeout(WS_CLOSE_TIMEOUT_S):
                await asyncio.gather(*closing, return_exceptions=True)
        except TimeoutError:
            logger.warning("some websockets did not answer the close frame; dropping them")
        for client in clients:
            # A client that did not answer in time still holds its connection.
            if client in self._clients:
                client.abort()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def data_path(self) -> Path | None:
        """The SQLite file of the conversations (None: in memory)."""
        return self._config.data_path

    @property
    def port(self) -> int:
        """The listening port (known after the first :meth:`start`)."""
        if self._port is None:
            raise RuntimeError("the demo server picks its port at start(): start it first")
        return self._port

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT``, for example ``http://127.0.0.1:8765``."""
        host = self._config.host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def websocket_count(self) -> int:
        """How many WebSockets (chat and status) are open right now."""
        return len(self._clients)

    # --- helpers for tests and the app's first start -------------------------------

    def create_conversation(self, title: str = "Demo conversation") -> str:
        """Create a conversation and return its id (a UUID string)."""
        conversation_id = str(uuid.uuid4())
        self._store.add_conversation(conversation_id, title, _now())
        logger.info("conversation %s created", conversation_id)
        return conversation_id

    def delete_conversation(self, conversation_id: str) -> bool:
        """Delete a conversation with its messages and summary; whether it existed.

        The id stays deleted (also across restarts with a data file): a chat socket
        does not create it again. Open sockets of the conversation stay open; a user
        message on a chat socket then drops that connection (1006).
        """
        existed = self._store.delete_conversation(conversation_id, _now())
        logger.info(
            "conversation %s deleted%s", conversation_id, "" if existed else " (it did not exist)"
        )
        return existed

    async def close_websockets(self, kind: str, code: int, reason: str) -> int:
        """Close every open ``kind`` ("chat" or "status") socket with ``code`` and ``reason``.

        As a server ending its consumers does; the reason is the server's own text,
        which a client may show. How many sockets were closed.
        """
        closing = [client for client in self._clients if client.kind == kind]
        for client in closing:
            await client.ws.close(code=code, message=reason.encode())
        return len(closing)

    def revoke_sessions(self) -> int:
        """End every login session now, as a sign-out elsewhere would; how many were live.

        Open sockets keep their user; the next request or handshake has no session.
        """
        ended = self._store.delete_sessions(_now())
        logger.info("%d login sessions revoked", ended)
        return ended

    def expire_sessions(self) -> int:
        """Let every login session expire now; how many were live.

        Open sockets keep their user; the next request or handshake has no session.
        """
        expired = self._store.expire_sessions(_now())
        logger.info("%d login sessions expired", expired)
        return expired

    def wipe_data(self) -> list[str]:
        """Delete every conversation with its messages and summary, for good; their ids.

        The ids stay deleted (a chat socket does not create them again); login
        sessions are kept, so signed-in clients can go on in a new conversation.
        The freed space is zeroed and the file compacted: nothing of the text stays.
        """
        wiped = self._store.wipe(_now())
        logger.info("demo data wiped: %d conversations", len(wiped))
        return wiped

    def history(self, conversation_id: str) -> list[dict[str, Any]]:
        """What ``GET /conversation/<id>/history/`` answers under ``messages``."""
        if not self._store.has_conversation(conversation_id):
            raise KeyError(f"conversation {conversation_id} is unknown to the demo server")
        return [
            message.to_frame(local_time=False, include_client_id=self._config.echo_client_ids)
            for message in self._store.messages(conversation_id)
        ]

    @property
    def _store(self) -> DemoStore:
        if self._store_instance is None:
            self._store_instance = DemoStore(self._config.data_path)
        return self._store_instance

    # --- application ---------------------------------------------------------------

    def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._host_middleware, self._ws_middleware])
        app.router.add_get("/", self._index)
        app.router.add_get("/health/", self._health)
        app.router.add_get(LOGIN_PATH, self._login_form)
        app.router.add_post(LOGIN_PATH, self._login_submit)
        app.router.add_get(LOGOUT_PATH, self._logout_form)
        app.router.add_post(LOGOUT_PATH, self._logout_submit)
        app.router.add_post("/conversation/", self._create_conversation)
        app.router.add_get("/conversation/{conversation_id}/history/", self._history)
        app.router.add_get(
            "/memory/conversation/{conversation_id}/summary/status/", self._summary_status
        )
        app.router.add_get(
            "/memory/conversation/{conversation_id}/summary/download/", self._summary_download
        )
        return app

    @web.middleware
    async def _host_middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        # Django's ALLOWED_HOSTS: a request for a host this server is not is refused.
        if not self._host_allowed(request.headers.get(hdrs.HOST, "")):
            if _is_websocket_handshake(request):
                logger.info("websocket handshake refused (403): Host not allowed")
                return web.Response(status=403, text="403 Forbidden")
            logger.info("request refused (400): Host not allowed")
            return web.Response(status=400, text="Bad Request (400)")
        return await handler(request)

    def _host_allowed(self, host: str) -> bool:
        """Whether a ``Host`` header names this server: its bound address, or a name of it."""
        try:
            hostname = urlsplit(f"//{host}").hostname
        except ValueError:
            return False
        if not hostname:
            return False
        hostname = hostname.removesuffix(".")
        bound = self._config.host.lower().strip("[]")
        own = {bound}
        if bound in _WILDCARD_ADDRESSES or _is_loopback_address(bound):
            own.update(_LOOPBACK_NAMES)
        return hostname in own or self._matches_allowed_hosts(hostname)

    @web.middleware
    async def _ws_middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        # Like ProtocolTypeRouter: a WebSocket handshake never reaches the HTTP routes.
        if _is_websocket_handshake(request):
            return await self._ws_gate(request)
        return await handler(request)

    # --- HTTP: pages and login ------------------------------------------------------

    async def _index(self, request: web.Request) -> web.StreamResponse:
        email = self._session_email(request)
        response = _html(
            pages.index_page(signed_in_as=email, demo_email=DEMO_EMAIL, demo_password=DEMO_PASSWORD)
        )
        return _forget_ended_session(request, email, response)

    async def _health(self, request: web.Request) -> web.StreamResponse:
        return web.Response(text="OK", content_type="text/plain", headers=_NO_STORE)

    async def _login_form(self, request: web.Request) -> web.StreamResponse:
        token = request.cookies.get(CSRF_COOKIE) or _new_csrf_token()
        response = _html(
            pages.login_page(csrf_token=token, next_url=request.query.get("next", ""), error=None)
        )
        _set_csrf_cookie(response, token)
        return response

    async def _login_submit(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        fields = {key: value for key, value in form.items() if isinstance(value, str)}
        if not _csrf_ok(request, fields.get(CSRF_FIELD)):
            logger.info("login refused: CSRF check failed")
            return _csrf_failure()
        next_url = fields.get("next") or request.query.get("next", "")
        email = fields.get("login", "").strip().lower()
        password = fields.get("password", "")
        if not (email == DEMO_EMAIL and _same(password, DEMO_PASSWORD)):
            logger.info("login failed: wrong email or password")
            return _html(
                pages.login_page(
                    csrf_token=request.cookies.get(CSRF_COOKIE, ""),
                    next_url=next_url,
                    error=pages.LOGIN_ERROR,
                )
            )
        session_key = secrets.token_hex(16)
        session_age_s = self._config.session_age_s
        self._store.add_session(session_key, DEMO_EMAIL, _now() + timedelta(seconds=session_age_s))
        response = _redirect(_safe_next(next_url))
        response.set_cookie(
            SESSION_COOKIE,
            session_key,
            # Whole seconds, rounded up: the server decides when the session ends.
            max_age=math.ceil(session_age_s),
            httponly=True,
            samesite="Lax",
        )
        # Django rotates the CSRF token at login: a client must read it again afterwards.
        _set_csrf_cookie(response, _new_csrf_token())
        logger.info("login succeeded: new session")
        return response

    async def _logout_form(self, request: web.Request) -> web.StreamResponse:
        # allauth asks for confirmation on GET, and sends a signed-out user home.
        email = self._session_email(request)
        if email is None:
            return _forget_ended_session(request, email, _redirect("/"))
        token = request.cookies.get(CSRF_COOKIE) or _new_csrf_token()
        response = _html(pages.logout_page(csrf_token=token))
        _set_csrf_cookie(response, token)
        return response

    async def _logout_submit(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        fields = {key: value for key, value in form.items() if isinstance(value, str)}
        if not _csrf_ok(request, fields.get(CSRF_FIELD)):
            logger.info("logout refused: CSRF check failed")
            return _csrf_failure()
        response = _redirect(_safe_next(fields.get("next") or request.query.get("next", "")))
        session_key = request.cookies.get(SESSION_COOKIE)
        if session_key:
            ended = self._store.delete_session(session_key)
            # Django's session middleware deletes the cookie of an emptied session.
            response.del_cookie(SESSION_COOKIE, samesite="Lax")
            logger.info("logout: %s", "session ended" if ended else "the session had already ended")
        else:
            logger.info("logout: no session cookie")
        return response

    def _session_email(self, request: web.Request) -> str | None:
        session_key = request.cookies.get(SESSION_COOKIE)
        if not session_key:
            return None
        return self._store.session_email(session_key, _now())

    def _login_redirect(self, request: web.Request) -> web.StreamResponse | None:
        """A redirect to the login page when login is required and missing, else ``None``."""
        if not self._config.require_login:
            return None
        email = self._session_email(request)
        if email is not None:
            return None
        redirect = _redirect(f"{LOGIN_PATH}?next={quote(request.path_qs, safe='/')}")
        return _forget_ended_session(request, email, redirect)

    # --- HTTP: conversations and summaries -------------------------------------------

    async def _create_conversation(self, request: web.Request) -> web.StreamResponse:
        # Django's CSRF middleware runs before the view's login check.
        if not _csrf_ok(request, None):
            return _csrf_failure()
        if (redirect := self._login_redirect(request)) is not None:
            return redirect
        try:
            body = json.loads(await request.text())
        except ValueError:
            return _json_error(400, "the body must be a JSON object")
        title = body.get("title", "") if isinstance(body, dict) else None
        if not isinstance(title, str):
            return _json_error(400, 'the body must be a JSON object with a string "title"')
        conversation_id = self.create_conversation(title or "New conversation")
        return web.json_response({"success": True, "conversation_id": conversation_id})

    async def _history(self, request: web.Request) -> web.StreamResponse:
        conversation_id = _conversation_id(request)
        if (redirect := self._login_redirect(request)) is not None:
            return redirect
        if not self._store.has_conversation(conversation_id):
            return _json_error(404, "conversation not found")
        return web.json_response({"messages": self.history(conversation_id)})

    async def _summary_status(self, request: web.Request) -> web.StreamResponse:
        conversation_id = _conversation_id(request)
        if (redirect := self._login_redirect(request)) is not None:
            return redirect
        if not self._store.has_conversation(conversation_id):
            return _json_error(404, "conversation not found")
        summary = self._store.summary(conversation_id)
        if summary is None:
            return web.json_response({"success": True, "ready": False})
        return web.json_response(
            {
                "success": True,
                "ready": True,
                "generated_at": summary.generated_at.isoformat(),
                "download_url": f"/memory/conversation/{conversation_id}/summary/download/",
            }
        )

    async def _summary_download(self, request: web.Request) -> web.StreamResponse:
        conversation_id = _conversation_id(request)
        if (redirect := self._login_redirect(request)) is not None:
            return redirect
        if not self._store.has_conversation(conversation_id):
            return _json_error(404, "conversation not found")
        summary = self._store.summary(conversation_id)
        if summary is None:
            return _json_error(404, "no summary has been generated for this conversation")
        filename = f"conversation-summary-{conversation_id}.pdf"
        return web.Response(
            body=summary.pdf,
            content_type="application/pdf",
            headers={hdrs.CONTENT_DISPOSITION: f'attachment; filename="{filename}"'},
        )

    # --- WebSockets ------------------------------------------------------------------

    async def _ws_gate(self, request: web.Request) -> web.StreamResponse:
        """Origin check (403), route (500), then the consumer."""
        if not self._origin_allowed(request.headers.get(hdrs.ORIGIN)):
            logger.info("websocket handshake refused (403): origin missing or not allowed")
            return web.Response(status=403, text="403 Forbidden")
        match = _WS_ROUTE_RE.fullmatch(request.path)
        if match is None:
            logger.warning("websocket handshake failed (500): no route for %s", request.path)
            return web.Response(status=500, text="500 Internal Server Error")
        kind, conversation_id = match.groups()
        email = self._session_email(request)
        if kind == "chat":
            if self._store.add_conversation(conversation_id, "Untitled conversation", _now()):
                logger.info("conversation %s created by a chat socket", conversation_id)
            elif self._store.is_deleted(conversation_id):
                # The real consumer accepts the socket; only a message fails later.
                logger.info("chat socket for deleted conversation %s", conversation_id)

        ws = web.WebSocketResponse(heartbeat=WS_HEARTBEAT_S)
        await ws.prepare(request)
        if self._stopping:
            # stop() began during the handshake and will not see this socket.
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"going away")
            return ws
        # Register before the next await: the client can only act on the 101 response
        # in a later loop step, so no broadcast can miss a socket it already uses.
        self._client_ids += 1
        client = _Client(
            id=self._client_ids,
            kind=kind,
            conversation_id=conversation_id,
            ws=ws,
            transport=request.transport,
            user_name=None if email is None else DEMO_DISPLAY_NAME,
        )
        self._clients.add(client)
        logger.info(
            "%s socket #%d open for conversation %s (%s)",
            kind,
            client.id,
            conversation_id,
            "signed in" if email else "anonymous",
        )
        try:
            if kind == "chat":
                await self._serve_chat(client)
            else:
                await self._serve_status(client)
        finally:
            self._clients.discard(client)
            logger.info("%s socket #%d closed", kind, client.id)
        return ws

    def _origin_allowed(self, origin: str | None) -> bool:
        """Channels' AllowedHostsOriginValidator: the Origin's hostname must be allowed."""
        if not origin:
            return "*" in self._config.allowed_hosts
        try:
            hostname = urlparse(origin).hostname
        except ValueError:
            return False
        if hostname is None:
            return False
        return self._matches_allowed_hosts(hostname)

    def _matches_allowed_hosts(self, hostname: str) -> bool:
        """Django's ``validate_host`` against ``allowed_hosts`` (``hostname`` lower case)."""
        for pattern in self._config.allowed_hosts:
            pattern = pattern.lower()
            if pattern == "*" or hostname == pattern:
                return True
            # Django's is_same_domain: ".example.com" matches the domain and subdomains.
            if pattern.startswith(".") and (hostname.endswith(pattern) or hostname == pattern[1:]):
                return True
        return False

    async def _serve_chat(self, client: _Client) -> None:
        async for msg in client.ws:
            if msg.type is WSMsgType.BINARY:
                logger.debug("chat socket #%d: binary frame ignored", client.id)
                continue
            if msg.type is not WSMsgType.TEXT:
                break
            frame = parse_client_frame(msg.data)
            if frame is None:
                # The real handler raises here and the ASGI server drops the connection.
                logger.warning(
                    "chat socket #%d: malformed frame (%d chars); dropping the connection",
                    client.id,
                    len(msg.data),
                )
                client.abort()
                break
            if isinstance(frame, PingFrame):
                await self._send(client, pong_frame())
            elif not await self._on_user_message(client, frame):
                break

    async def _serve_status(self, client: _Client) -> None:
        async for msg in client.ws:
            if msg.type is WSMsgType.TEXT and is_ping(msg.data):
                await self._send(client, pong_frame())
            elif msg.type is WSMsgType.ERROR:
                break
            else:
                logger.debug("status socket #%d: frame ignored", client.id)

    async def _on_user_message(self, client: _Client, frame: ChatFrame) -> bool:
        """Store, broadcast and answer a user message; ``False`` when the socket was dropped."""
        conversation_id = client.conversation_id
        echo_ids = self._config.echo_client_ids
        client_id = frame.client_message_id if echo_ids else None
        if client_id is not None:
            stored = self._store.find_by_client_id(conversation_id, client_id)
            if stored is not None:
                # A resend after a reconnect: confirm to the sender only, do nothing else.
                logger.info(
                    "chat socket #%d: message %s already stored; echoing to the sender only",
                    client.id,
                    client_id,
                )
                await self._send(client, stored.to_frame(local_time=True, include_client_id=True))
                return True
        message = ChatMessage(
            role="user",
            name=client.user_name or ANONYMOUS_NAME,
            content=frame.text,
            created_at=_now(),
            client_message_id=client_id,
        )
        if not self._store.add_message(conversation_id, message):
            # The real handler's model lookup raises and the ASGI server drops the connection.
            logger.warning(
                "chat socket #%d: conversation %s was deleted; dropping the connection",
                client.id,
                conversation_id,
            )
            client.abort()
            return False
        sequence = self._store.count_messages(conversation_id, "user")
        logger.info(
            "conversation %s: user message %d (%d chars, client id %s) from socket #%d",
            conversation_id,
            sequence,
            len(frame.text),
            client_id,
            client.id,
        )
        await self._broadcast(
            "chat", conversation_id, message.to_frame(local_time=True, include_client_id=echo_ids)
        )
        self._spawn(
            self._run_assistant(
                conversation_id,
                sequence=sequence,
                text_length=len(frame.text),
                summary_requested=assistant.wants_summary(frame.text),
            )
        )
        return True

    # --- the scripted assistant ----------------------------------------------------

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        if self._stopping:
            coro.close()  # stop() has already ended the assistant's work
            return
        task = asyncio.create_task(coro)
        # Keep a strong reference: the loop holds tasks only weakly.
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            logger.error("the scripted assistant failed", exc_info=exc)

    async def _run_assistant(
        self, conversation_id: str, *, sequence: int, text_length: int, summary_requested: bool
    ) -> None:
        lock = self._reply_locks.setdefault(conversation_id, asyncio.Lock())
        # One reply at a time per conversation, so status events never interleave.
        async with lock:
            step = assistant.thinking_step(sequence)
            await self._status(
                conversation_id, "thinking_start", trigger=assistant.THINKING_TRIGGER
            )
            try:
                await self._status(
                    conversation_id,
                    "thinking_progress",
                    stage=step.stage,
                    message=step.progress_message,
                )
                await self._status(conversation_id, "thinking_stream", thought=step.thought)
                await asyncio.sleep(self._config.reply_delay_s)
                reply = assistant.compose_reply(sequence, text_length)
                message = ChatMessage(
                    role="bot",
                    name=assistant.ASSISTANT_NAME,
                    content=reply.content,
                    created_at=_now(),
                    citations=reply.citations,
                    decision_aids=reply.decision_aids,
                )
                if not self._store.add_message(conversation_id, message):
                    logger.info(
                        "conversation %s: deleted during reply %d; reply dropped",
                        conversation_id,
                        sequence,
                    )
                    return
                await self._broadcast(
                    "chat",
                    conversation_id,
                    message.to_frame(local_time=True, include_client_id=False),
                )
                logger.info("conversation %s: bot reply %d sent", conversation_id, sequence)
            finally:
                await self._status(conversation_id, "thinking_end")

            await asyncio.sleep(self._config.step_delay_s)
            await self._status(conversation_id, "extraction_start")
            await asyncio.sleep(self._config.step_delay_s)
            await self._status(
                conversation_id, "extraction_complete", summary_triggered=summary_requested
            )
            if summary_requested:
                await asyncio.sleep(self._config.step_delay_s)
                if self.write_summary(conversation_id):
                    await self._status(conversation_id, "summary_complete")

    def write_summary(self, conversation_id: str) -> bool:
        """Generate and store the summary PDF (as after the assistant's summary step; tests
        call it to have one ready); ``False`` when the conversation is gone."""
        generated_at = _now()
        lines = assistant.summary_lines(
            conversation_id,
            user_messages=self._store.count_messages(conversation_id, "user"),
            bot_messages=self._store.count_messages(conversation_id, "bot"),
            generated_at=generated_at,
        )
        pdf = build_pdf(assistant.SUMMARY_TITLE, lines, created_at=generated_at)
        if not self._store.save_summary(conversation_id, generated_at, pdf):
            logger.info("conversation %s: deleted before its summary; none stored", conversation_id)
            return False
        logger.info("conversation %s: summary PDF ready (%d bytes)", conversation_id, len(pdf))
        return True

    # --- sending -------------------------------------------------------------------

    async def _status(self, conversation_id: str, event: str, **extra: Any) -> None:
        await self._broadcast(
            "status", conversation_id, status_frame(event, _now().astimezone(), **extra)
        )

    async def _broadcast(self, kind: str, conversation_id: str, frame: dict[str, Any]) -> None:
        targets = [
            client
            for client in self._clients
            if client.kind == kind and client.conversation_id == conversation_id
        ]
        for client in sorted(targets, key=lambda client: client.id):
            await self._send(client, frame)

    async def _send(self, client: _Client, frame: dict[str, Any]) -> None:
        if client.ws.closed:
            return
        try:
            await client.ws.send_json(frame)
        except ConnectionError:
            # The peer went away between the check and the write; its handler ends soon.
            logger.debug("%s socket #%d: send failed, connection gone", client.kind, client.id)


_NO_STORE = {hdrs.CACHE_CONTROL: "no-store"}


def _now() -> datetime:
    return datetime.now(UTC)


def _is_loopback_address(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _is_websocket_handshake(request: web.Request) -> bool:
    connection = {
        token.strip().lower() for token in request.headers.get("Connection", "").split(",")
    }
    return request.headers.get(hdrs.UPGRADE, "").lower() == "websocket" and "upgrade" in connection


def _conversation_id(request: web.Request) -> str:
    """The path's conversation id; 404 when it is not a UUID (like Django's converter)."""
    conversation_id = request.match_info["conversation_id"]
    if _UUID_RE.fullmatch(conversation_id) is None:
        raise web.HTTPNotFound()
    return conversation_id


def _forget_ended_session(
    request: web.Request, email: str | None, response: web.StreamResponse
) -> web.StreamResponse:
    """``response``, deleting a session cookie that names no live session, as Django does.

    Django's session middleware deletes the cookie of a session that a view loaded and
    found empty: one that was signed out, revoked, expired or never existed.
    """
    if email is None and request.cookies.get(SESSION_COOKIE):
        response.del_cookie(SESSION_COOKIE, samesite="Lax")
    return response


def _csrf_ok(request: web.Request, form_token: str | None) -> bool:
    """Django's CSRF check: the token sent back must equal the ``csrftoken`` cookie."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    supplied = request.headers.get(CSRF_HEADER) or form_token or ""
    if not cookie or not supplied or not _same(cookie, supplied):
        return False
    # Since Django 4.0 an Origin header, when sent, must name this server.
    origin = request.headers.get(hdrs.ORIGIN)
    return origin is None or origin == f"{request.scheme}://{request.host}"


def _csrf_failure() -> web.StreamResponse:
    return web.Response(status=403, text="403 Forbidden: CSRF verification failed.")


def _new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def _set_csrf_cookie(response: web.StreamResponse, token: str) -> None:
    response.set_cookie(
        CSRF_COOKIE, token, max_age=int(CSRF_COOKIE_AGE.total_seconds()), samesite="Lax"
    )


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def _safe_next(next_url: str) -> str:
    """``next`` when it is a path on this server, else ``/`` (no open redirect)."""
    parsed = urlparse(next_url)
    if (
        next_url.startswith("/")
        and not next_url.startswith("//")
        and "\\" not in next_url
        and not parsed.scheme
        and not parsed.netloc
    ):
        return next_url
    return "/"


def _redirect(location: str) -> web.StreamResponse:
    return web.Response(status=302, headers={hdrs.LOCATION: location})


def _html(text: str) -> web.StreamResponse:
    return web.Response(text=text, content_type="text/html")


def _json_error(status: int, error: str) -> web.StreamResponse:
    return web.json_response({"success": False, "error": error}, status=status)
