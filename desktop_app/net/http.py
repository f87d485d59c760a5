"""The platform's HTTP endpoints on aiohttp: sign-in, history, new conversations, summaries.

:class:`PlatformClient` holds one ``aiohttp.ClientSession`` and its cookie jar: the
Django session (``sessionid``, or ``__Secure-sessionid`` in production) and the
CSRF token (``csrftoken`` / ``__Secure-csrftoken``) live there, found by suffix,
and :meth:`PlatformClient.websocket_cookies` hands them to the WebSocket managers
so that the handshakes carry the same session.

Redirects are never followed: the server answers a request without a valid
session with a 302 to its login page, which becomes :class:`SignInRequired`
instead of a login form parsed as JSON.

Responses may hold patient text (history, summaries, the server's error pages):
no body reaches a log or an exception. Logs name paths, ids, statuses and sizes;
never message text, passwords or cookie values.

Connections are pooled (kept open between requests). When the link to the
server proved dead (a socket's keepalive deadline passed), the pooled ones are as
dead: :meth:`PlatformClient.drop_idle_connections` forgets them, and the next
request opens a fresh one. A GET that fails on a connection taken from the pool
(a connection error, or no answer within the timeout) is sent once more, on a
fresh connection; see :meth:`PlatformClient.drop_idle_connections`.

A summary download is bounded: at most ``max_download_bytes`` (default 32 MiB)
and ``download_timeout_s`` (default 120 s) in all, whatever the server sends; a
summary is tens of KiB, so a server past either bound is broken or hostile (an
endless ``application/pdf`` stream once wrote 2.9 GB in 5 s).

Errors::

    SdmError
    ├── HttpError        status (None when the server could not be reached)
    ├── SignInRequired   no session, or it expired: sign in again
    ├── SignInFailed     wrong email or password
    └── LocalFileError   the summary could not be saved (full disk, read-only folder)
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
import math
import os
import ssl
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace, TracebackType
from typing import TYPE_CHECKING, Any, Self

from desktop_app import __version__
from desktop_app.core.endpoints import (
    ServerEndpoints,
    is_loopback_host,
    validate_conversation_id,
)
from desktop_app.core.errors import DISK_FULL, LocalFileError, SdmError, Words, why_not_written
from desktop_app.core.frames import ChatMessage, ProtocolError, decode_frame
from desktop_app.core.machine import ConnectionEvent, is_dead_link
from desktop_app.core.session import (
    SESSION_COOKIE_SUFFIX,
    SessionState,
    SessionTracker,
    session_cookie_of,
)
from desktop_app.core.translation import QT_TRANSLATE_NOOP
from desktop_app.net.manager import Unsubscribe, WebSocketManager, subscribe, system_ssl_context

if TYPE_CHECKING:
    # Imported where first used: aiohttp is the heaviest import of the app, and with
    # a remote server the window is shown before the first request.
    import aiohttp
    from yarl import URL

__all__ = ["HttpError", "PlatformClient", "SignInFailed", "SignInRequired", "SummaryStatus"]

logger = logging.getLogger("desktop_app.net.http")

LOGIN_PATH = "/accounts/login/"
LOGOUT_PATH = "/accounts/logout/"
CSRF_COOKIE_SUFFIX = "csrftoken"

#: Largest JSON answer read into memory (a long history with citations stays far below).
MAX_JSON_BYTES = 32 * 1024 * 1024
#: Largest error body of a failed download that is read for its ``"error"`` string.
MAX_ERROR_BODY_BYTES = 4096
#: Longest server ``"error"`` string shown to a person; a longer one may quote anything.
MAX_SERVER_ERROR_CHARS = 160
DOWNLOAD_CHUNK_BYTES = 64 * 1024
#: Largest summary PDF saved. Summaries are tens of KiB; this leaves room for a long
#: one with pictures and still stops a server that never ends the file.
MAX_DOWNLOAD_BYTES = 32 * 1024 * 1024
#: Longest a summary download may take in all (connecting included). A summary of
#: tens of KiB takes well under a second; this allows a slow link to bring even a
#: large one (1 MiB at 9 KiB/s), and stops a server that trickles bytes forever,
#: which the per-read timeout alone never would.
DOWNLOAD_TIMEOUT_S = 120.0

_REDIRECTS = frozenset({301, 302, 303, 307, 308})

# Per task (a request and the check of its answer run in one task).
_request_sent_at: contextvars.ContextVar[float] = contextvars.ContextVar(
    "request_sent_at", default=-math.inf
)


class HttpError(SdmError):
    """A request that failed: ``status`` is None when the server could not be reached.

    ``message`` is English; the window translates ``words`` (core/errors.py).
    """

    def __init__(self, status: int | None, message: Words | str) -> None:
        if isinstance(message, Words):
            super().__init__(words=message)
        else:
            super().__init__(message)  # words no window translates
        self.status = status
        self.message = str(message)


class SignInRequired(SdmError):
    """The server redirected to its login page: there is no session, or it expired."""

    def __init__(self, path: str) -> None:
        super().__init__(
            words=Words(
                QT_TRANSLATE_NOOP(
                    "errors", "sign in to the server first (it refused {path} without a session)"
                ),
                path=path,
            )
        )
        self.path = path


class SignInFailed(SdmError):
    """The server answered the sign-in with its form again: wrong email or password."""

    def __init__(self) -> None:
        super().__init__(
            words=Words(
                QT_TRANSLATE_NOOP(
                    "errors", "sign-in failed: the email address or password is not correct"
                )
            )
        )


@dataclass(frozen=True)
class SummaryStatus:
    """What ``GET /memory/conversation/<id>/summary/status/`` said."""

    ready: bool
    generated_at: str | None = None  # ISO 8601, as the server wrote it
    download_url: str | None = None  # the server's path, e.g. /memory/conversation/<id>/...


class PlatformClient:
    """The platform's HTTP API for one server; use it from one asyncio loop.

    The ``aiohttp`` session is created on first use, inside the running loop;
    :meth:`aclose` (or ``async with``) closes it, after which the client cannot
    be used again. All times are in seconds.
    """

    def __init__(
        self,
        base_url: str,
        *,
        allow_insecure: bool = False,
        ssl_context: ssl.SSLContext | None = None,
        timeout_s: float = 30.0,
        # summary downloads
        max_download_bytes: int = MAX_DOWNLOAD_BYTES,
        download_timeout_s: float = DOWNLOAD_TIMEOUT_S,
    ) -> None:
        self.endpoints = ServerEndpoints.from_base_url(base_url, allow_insecure=allow_insecure)
        if timeout_s <= 0:
            raise ValueError(f"timeout_s must be positive, got {timeout_s}")
        if max_download_bytes <= 0:
            raise ValueError(f"max_download_bytes must be positive, got {max_download_bytes}")
        if download_timeout_s <= 0:
            raise ValueError(f"download_timeout_s must be positive, got {download_timeout_s}")
        self._ssl_context = ssl_context
        self._timeout_s = timeout_s
        self._max_download_bytes = max_download_bytes
        self._download_timeout_s = download_timeout_s
        self._session: aiohttp.ClientSession | None = None
        self._jar: aiohttp.CookieJar | None = None
        self._cookie_url: URL | None = None  # set with the jar
        self._closed = False
        # Requests under way per session, and the sessions whose pools were dropped:
        # such a session is closed once its last request is over.
        self._in_flight: dict[aiohttp.ClientSession, int] = {}
        self._retired: set[aiohttp.ClientSession] = set()
        self._closing: set[asyncio.Task[None]] = set()
        #: The last failed request's technical detail (errno, host), for the diagnostics.
        self.last_error: str | None = None
        #: What the server's answers proved about the session (core/session.py).
        self.session = SessionTracker()
        self._session_listeners: list[Callable[[SessionState], object]] = []

    # --- lifecycle ---------------------------------------------------------------

    async def aclose(self) -> None:
        """Close the connections; the cookies stay readable, requests are refused."""
        self._closed = True
        session, self._session = self._session, None
        sessions = {*self._retired, *self._in_flight}
        if session is not None:
            sessions.add(session)
        self._retired.clear()
        for old in sessions:
            await old.close()
        if self._closing:
            await asyncio.gather(*self._closing)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    def _http(self) -> aiohttp.ClientSession:
        if self._closed:
            raise RuntimeError("the PlatformClient is closed")
        if self._session is None:
            import aiohttp
            from yarl import URL

            if self._jar is None:
                # unsafe=True: aiohttp's jar drops the cookies of IP hosts (127.0.0.1)
                # otherwise. The jar outlives the sessions: a dropped pool keeps cookies.
                self._jar = aiohttp.CookieJar(unsafe=True)
                # The URL whose cookies count: "/" so that cookies of the whole site match.
                self._cookie_url = URL(self.endpoints.http_url("/"))
            ssl_option: ssl.SSLContext | bool = True
            if self.endpoints.secure:
                ssl_option = self._ssl_context or system_ssl_context()
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(ssl=ssl_option),
                cookie_jar=self._jar,
                timeout=aiohttp.ClientTimeout(total=self._timeout_s),
                headers={"User-Agent": f"SDM-Desktop/{__version__}"},
                # Environment proxies (HTTPS_PROXY, NO_PROXY), except for this machine
                # (the embedded server): no proxy can reach our loopback.
                trust_env=not is_loopback_host(self.endpoints.host),
                trace_configs=[_reuse_trace()],
            )
        return self._session

    def drop_idle_connections(self) -> None:
        """Forget the pooled connections to the server: the next request opens a fresh one.

        Call it when the link to the server proved dead (a socket missed its keepalive
        deadline): a connection kept from before the outage is as dead, and a request
        sent on it would wait for the whole timeout. Cookies (the session) stay. A
        request under way finishes (or fails) on its connection; the dropped pool is
        closed after the last of them.

        A GET that fails on a pooled connection (a connection error, or no answer
        within ``timeout_s``) drops the pool itself and is sent once more on a fresh
        connection, within a timeout of its own: at most twice ``timeout_s`` in all.
        Other methods are never sent twice: a POST (the sign-in, a new conversation)
        may have reached the server before its connection failed, so it fails with
        :class:`HttpError` (status None) and the person, or the caller, decides.
        """
        session, self._session = self._session, None
        if session is None:
            return
        logger.info("pooled HTTP connections dropped")
        self._retired.add(session)
        if not self._in_flight.get(session):
            self._close_retired(session)

    def follow_dead_links(self, managers: Iterable[WebSocketManager]) -> list[Unsubscribe]:
        """Drop the pooled connections whenever one of ``managers`` finds the link dead.

        The connections went through the same link: the next history load would
        otherwise wait its whole timeout on one of them.
        """

        def on_connection_event(event: ConnectionEvent) -> None:
            if is_dead_link(event):
                self.drop_idle_connections()

        return [manager.on_connection_event(on_connection_event) for manager in managers]

    def _close_retired(self, session: aiohttp.ClientSession) -> None:
        self._retired.discard(session)
        task = asyncio.get_running_loop().create_task(session.close())
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    def _request_started(self, session: aiohttp.ClientSession) -> None:
        self._in_flight[session] = self._in_flight.get(session, 0) + 1

    def _request_ended(self, session: aiohttp.ClientSession) -> None:
        left = self._in_flight[session] - 1
        if left:
            self._in_flight[session] = left
            return
        del self._in_flight[session]
        if session in self._retired:
            self._close_retired(session)

    # --- cookies -------------------------------------------------------------------

    def _cookies(self) -> dict[str, str]:
        if self._jar is None or self._cookie_url is None:
            return {}
        # filter_cookies applies domain, path, Secure and expiry, as a browser would.
        return {
            name: morsel.value
            for name, morsel in self._jar.filter_cookies(self._cookie_url).items()
        }

    def _cookie(self, suffix: str) -> str | None:
        for name, value in self._cookies().items():
            if name.endswith(suffix):
                return value
        return None

    @property
    def is_signed_in(self) -> bool:
        """Whether the jar holds a session cookie (the server may still have expired it)."""
        return self._cookie(SESSION_COOKIE_SUFFIX) is not None

    def websocket_cookies(self) -> dict[str, str]:
        """This server's cookies, for the WebSocket handshakes (``cookies=``, ``set_cookies``)."""
        return self._cookies()

    # --- the session -------------------------------------------------------------------

    @property
    def session_state(self) -> SessionState:
        return self.session.state

    def on_session_change(self, callback: Callable[[SessionState], object]) -> Unsubscribe:
        """Call ``callback`` with the state after each change or new confirmation."""
        return subscribe(self._session_listeners, callback)

    def restore_session(self, cookies: Mapping[str, str]) -> None:
        """Put session cookies kept from an earlier run into the jar: state UNKNOWN until
        the next authenticated request tells."""
        self._http()  # the jar
        assert self._jar is not None
        assert self._cookie_url is not None
        self._jar.update_cookies(dict(cookies), response_url=self._cookie_url)
        self._track(self.session.cookie_changed, self._cookie(SESSION_COOKIE_SUFFIX))

    def forget_session(self) -> None:
        """Drop the session cookie from the jar (signed out on this computer)."""
        if self._jar is not None:
            self._jar.clear(lambda morsel: morsel.key.endswith(SESSION_COOKIE_SUFFIX))
        self._track(lambda _cookie: self.session.signed_out(), None)

    def _track(self, event: Callable[[str | None], SessionState], cookie: str | None) -> None:
        """Apply ``event`` to the session; tell the listeners of a new state or a new
        confirmation (which may let a held message leave)."""
        before = (self.session.state, self.session.confirmed_at)
        event(cookie)
        if (self.session.state, self.session.confirmed_at) != before:
            for listener in list(self._session_listeners):
                listener(self.session.state)

    def _session_evidence(self, response: aiohttp.ClientResponse, *, signed_in: bool) -> None:
        """What a login-required endpoint's answer proved about the cookie it was sent."""
        sent = _sent_session_cookie(response)
        if signed_in:
            at = _request_sent_at.get()
            self._track(lambda cookie: self.session.confirmed(cookie, at), sent)
        else:
            self._track(self.session.refused, sent)
        # The answer may have set a new cookie (or deleted it).
        current = self._cookie(SESSION_COOKIE_SUFFIX)
        if current != self.session.cookie:
            self._track(self.session.cookie_changed, current)

    # --- the endpoints --------------------------------------------------------------

    async def sign_in(self, email: str, password: str) -> None:
        """Sign in with the server's login form; SignInFailed for a wrong email or password."""
        # Always fetch the form first: it sets (or renews) the CSRF cookie that the
        # POST must send back.
        token = await self._fetch_csrf_token()
        login_url = self.endpoints.http_url(LOGIN_PATH)
        form = {"login": email, "password": password, "csrfmiddlewaretoken": token}
        headers = self._csrf_headers(token, referer=login_url)
        posted_at = time.monotonic()
        async with self._request("POST", LOGIN_PATH, data=form, headers=headers) as response:
            status = response.status
        if status == 200:
            logger.info("sign-in refused: wrong email or password")
            raise SignInFailed()
        if status != 302:
            if status == 403:
                raise HttpError(
                    403,
                    Words(
                        QT_TRANSLATE_NOOP(
                            "errors",
                            "the server refused the sign-in (HTTP 403): its security check "
                            "failed; check the server URL and try again",
                        )
                    ),
                )
            if status == 429:
                raise HttpError(
                    429,
                    Words(
                        QT_TRANSLATE_NOOP(
                            "errors", "too many sign-in attempts (HTTP 429): wait, then retry"
                        )
                    ),
                )
            raise _status_error(status, Words(QT_TRANSLATE_NOOP("errors", "the sign-in")))
        cookie = self._cookie(SESSION_COOKIE_SUFFIX)
        if cookie is None:
            raise HttpError(
                302,
                Words(
                    QT_TRANSLATE_NOOP(
                        "errors",
                        "the server accepted the sign-in but set no session cookie: check that "
                        "the server URL uses the scheme and host the server expects",
                    )
                ),
            )
        self._track(lambda value: self.session.signed_in(value or "", posted_at), cookie)
        logger.info("signed in to %s", self.endpoints.origin)

    async def sign_out(self) -> None:
        """End the session on the server (best effort) and forget it here."""
        token = self._cookie(CSRF_COOKIE_SUFFIX)
        if token is not None and self.is_signed_in:
            headers = self._csrf_headers(token, referer=self.endpoints.http_url("/"))
            try:
                async with self._request("POST", LOGOUT_PATH, headers=headers) as response:
                    logger.info("sign-out answered %d", response.status)
            except HttpError:
                # The cookie is forgotten anyway; the server ends the session when it expires.
                logger.warning("sign-out could not reach the server")
        self.forget_session()

    async def history(self, conversation_id: str) -> list[ChatMessage]:
        """The conversation's messages, oldest first; malformed entries are skipped."""
        conversation_id = validate_conversation_id(conversation_id)
        path = f"/conversation/{conversation_id}/history/"
        async with self._request("GET", path) as response:
            self._check(response, path, _conversation(conversation_id))
            body = await _read_json(response, path)
        entries = body.get("messages") if isinstance(body, dict) else None
        if not isinstance(entries, list):
            raise _not_understood(path)
        messages: list[ChatMessage] = []
        for position, entry in enumerate(entries):
            frame = decode_frame(json.dumps(entry))
            if isinstance(frame, ChatMessage):
                messages.append(frame)
                continue
            problem = frame.describe() if isinstance(frame, ProtocolError) else "not a message"
            logger.warning(
                "history of conversation %s: entry %d skipped: %s",
                conversation_id,
                position,
                problem,
            )
        logger.info(
            "history of conversation %s: %d messages (%d skipped)",
            conversation_id,
            len(messages),
            len(entries) - len(messages),
        )
        return messages

    async def create_conversation(self, title: str) -> str:
        """A new conversation on the server; its id (a UUID)."""
        path = "/conversation/"
        token = self._cookie(CSRF_COOKIE_SUFFIX) or await self._fetch_csrf_token()
        headers = self._csrf_headers(token, referer=self.endpoints.http_url("/"))
        async with self._request("POST", path, json={"title": title}, headers=headers) as response:
            self._check(
                response, path, Words(QT_TRANSLATE_NOOP("errors", "the conversation service"))
            )
            body = await _read_json(response, path)
        if not isinstance(body, dict) or body.get("success") is not True:
            raise _refused(body, path)
        try:
            conversation_id = validate_conversation_id(body.get("conversation_id"))
        except ValueError:
            raise HttpError(
                response.status,
                Words(
                    QT_TRANSLATE_NOOP(
                        "errors", "the server answered with an invalid conversation id"
                    )
                ),
            ) from None
        logger.info("conversation %s created", conversation_id)
        return conversation_id

    async def summary_status(self, conversation_id: str) -> SummaryStatus:
        """Whether the conversation's summary PDF is ready to download."""
        conversation_id = validate_conversation_id(conversation_id)
        path = f"/memory/conversation/{conversation_id}/summary/status/"
        async with self._request("GET", path) as response:
            self._check(response, path, _conversation(conversation_id))
            body = await _read_json(response, path)
        if not isinstance(body, dict) or body.get("success") is False:
            raise _refused(body, path)
        ready = body.get("ready")
        generated_at = body.get("generated_at")
        download_url = body.get("download_url")
        if not (
            isinstance(ready, bool)
            and isinstance(generated_at, str | None)
            and isinstance(download_url, str | None)
        ):
            raise _not_understood(path)
        logger.debug("summary of conversation %s: ready=%s", conversation_id, ready)
        return SummaryStatus(ready=ready, generated_at=generated_at, download_url=download_url)

    async def download_summary(
        self,
        conversation_id: str,
        destination: Path,
        *,
        progress: Callable[[int, int | None], None] | None = None,
    ) -> Path:
        """Save the summary PDF at ``destination``, whole or not at all; returns it.

        The bytes go to a temporary file next to ``destination``, which is renamed
        into place only once complete: a failure or cancellation leaves neither a
        half-written PDF nor the temporary file (an existing ``destination`` is
        kept). ``progress(bytes_so_far, total_or_None)`` is called after each chunk.
        HttpError when the PDF is larger than ``max_download_bytes`` or takes longer
        than ``download_timeout_s``; LocalFileError when the file cannot be written.
        """
        conversation_id = validate_conversation_id(conversation_id)
        path = f"/memory/conversation/{conversation_id}/summary/download/"
        import aiohttp

        # The total timeout fits a small answer, not a download over a slow link:
        # bound the connection and each read, and the whole download by its deadline.
        timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=self._timeout_s, sock_read=self._timeout_s
        )
        limit = self._max_download_bytes
        try:
            async with (
                asyncio.timeout(self._download_timeout_s),
                self._request("GET", path, timeout=timeout) as response,
            ):
                if response.status == 404:
                    raise await _missing_summary(response)
                self._check(
                    response,
                    path,
                    Words(
                        QT_TRANSLATE_NOOP("errors", "the summary of conversation {id}"),
                        id=conversation_id,
                    ),
                )
                if response.content_type != "application/pdf":
                    raise HttpError(
                        response.status,
                        Words(
                            QT_TRANSLATE_NOOP(
                                "errors", "the server sent something other than the summary PDF"
                            )
                        ),
                    )
                total = response.content_length
                if total is not None and total > limit:
                    raise _too_large(response.status, limit)
                size = await _stream_to(destination, response, total, progress, limit=limit)
        except TimeoutError:
            logger.warning(
                "summary of conversation %s: not downloaded within %g s",
                conversation_id,
                self._download_timeout_s,
            )
            raise HttpError(
                None,
                Words(
                    QT_TRANSLATE_NOOP(
                        "errors",
                        "the summary download did not finish within {seconds} s: the "
                        "connection is too slow or the server stalled; nothing was saved. "
                        "Try again",
                    ),
                    seconds=f"{self._download_timeout_s:g}",
                ),
            ) from None
        logger.info("summary of conversation %s saved (%d bytes)", conversation_id, size)
        return destination

    # --- requests ---------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _request(
        self, method: str, path: str, **options: Any
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """One request, redirects not followed; network failures become HttpError(None)."""
        import aiohttp

        session, response = await self._send(method, path, options)
        try:
            async with response:
                logger.debug(
                    "%s %s -> %d (%s bytes)",
                    method,
                    path,
                    response.status,
                    "?" if response.content_length is None else response.content_length,
                )
                yield response
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise self._unreachable(method, path, exc) from exc
        finally:
            self._request_ended(session)

    async def _send(
        self, method: str, path: str, options: dict[str, Any]
    ) -> tuple[aiohttp.ClientSession, aiohttp.ClientResponse]:
        """Send the request and wait for the answer's head; a GET whose pooled connection
        failed is sent once more on a fresh one. The session stays counted as in use."""
        import aiohttp

        url = self.endpoints.http_url(path)
        # Safe to send twice (RFC 9110, 9.2.2): a GET changes nothing on the server.
        may_resend = method == "GET"
        while True:
            session = self._http()
            attempt = _Attempt()
            # When this request left: a session it proves valid was valid from then on back.
            _request_sent_at.set(time.monotonic())
            self._request_started(session)
            try:
                response = await session.request(
                    method, url, allow_redirects=False, trace_request_ctx=attempt, **options
                )
            except (aiohttp.ClientError, TimeoutError) as exc:
                self._request_ended(session)
                if not (may_resend and attempt.reused and _connection_failed(exc)):
                    raise self._unreachable(method, path, exc) from exc
                may_resend = False
                logger.warning(
                    "%s %s failed on a pooled connection: %s; sending it again on a new one",
                    method,
                    path,
                    type(exc).__name__,
                )
                # The other pooled connections went through the same link: as suspect.
                if self._session is session:
                    self.drop_idle_connections()
                continue
            except BaseException:
                self._request_ended(session)
                raise
            return session, response

    def _unreachable(self, method: str, path: str, exc: BaseException) -> HttpError:
        logger.warning("%s %s failed: %s", method, path, type(exc).__name__)
        self.last_error = _technical_detail(exc)
        return HttpError(
            None,
            Words(
                QT_TRANSLATE_NOOP("errors", "cannot reach the server: {why}"),
                why=_describe(exc, self._timeout_s),
            ),
        )

    def _check(self, response: aiohttp.ClientResponse, path: str, what: Words) -> None:
        """Raise for any answer but 200: SignInRequired for a redirect to the login page."""
        from yarl import URL

        status = response.status
        if status == 200:
            self._session_evidence(response, signed_in=True)
            return
        if status == 404 and response.content_type == "application/json":
            # The view answered (login_required redirects before it runs): signed in.
            self._session_evidence(response, signed_in=True)
        if status in _REDIRECTS:
            try:
                target = response.url.join(URL(response.headers.get("Location", "")))
                origin = target.origin()
            except ValueError:  # a Location that is no URL, or no http(s) one
                target, origin = response.url, response.url.origin()
            if target.path.endswith(LOGIN_PATH):
                logger.info("%s: the server asks to sign in", path)
                self._session_evidence(response, signed_in=False)
                raise SignInRequired(path)
            if origin != response.url.origin():
                # http:// to https://, or a new host name: the configured URL is outdated.
                raise HttpError(
                    status,
                    Words(
                        QT_TRANSLATE_NOOP(
                            "errors",
                            "the server redirected to {origin} (HTTP {status}): "
                            "check the server URL",
                        ),
                        origin=origin,
                        status=status,
                    ),
                )
            raise HttpError(
                status,
                Words(
                    QT_TRANSLATE_NOOP(
                        "errors", "the server redirected {path} to another page (HTTP {status})"
                    ),
                    path=path,
                    status=status,
                ),
            )
        raise _status_error(status, what)

    async def _fetch_csrf_token(self) -> str:
        """The CSRF token set by the login page (Django rotates it at every sign-in)."""
        # A signed-in session may be redirected away from the form; the cookie is
        # then already in the jar.
        async with self._request("GET", LOGIN_PATH) as response:
            status = response.status
        if status not in (200, 302):
            raise _status_error(status, Words(QT_TRANSLATE_NOOP("errors", "the sign-in page")))
        token = self._cookie(CSRF_COOKIE_SUFFIX)
        if token is None:
            raise HttpError(
                status,
                Words(
                    QT_TRANSLATE_NOOP(
                        "errors",
                        "the server's sign-in page set no CSRF cookie: check the server URL",
                    )
                ),
            )
        return token

    def _csrf_headers(self, token: str, *, referer: str) -> dict[str, str]:
        # Django checks the Origin when there is one, and over HTTPS the Referer too.
        return {"X-CSRFToken": token, "Origin": self.endpoints.origin, "Referer": referer}


class _Attempt:
    """One sending of a request, as aiohttp's tracing saw it."""

    __slots__ = ("reused",)

    def __init__(self) -> None:
        self.reused = False  # its connection was taken from the pool


def _reuse_trace() -> aiohttp.TraceConfig:
    """A trace that marks the request's :class:`_Attempt` when its connection is pooled."""
    import aiohttp

    async def on_reuse(
        _session: aiohttp.ClientSession,
        context: SimpleNamespace,
        _params: aiohttp.TraceConnectionReuseconnParams,
    ) -> None:
        if isinstance(attempt := context.trace_request_ctx, _Attempt):
            attempt.reused = True

    trace = aiohttp.TraceConfig()
    trace.on_connection_reuseconn.append(on_reuse)
    return trace


def _connection_failed(exc: BaseException) -> bool:
    """Whether ``exc`` says the connection failed (rather than the server's answer):
    what a connection that died in the pool does."""
    import aiohttp

    return isinstance(exc, aiohttp.ClientConnectionError | TimeoutError)


def _sent_session_cookie(response: aiohttp.ClientResponse) -> str | None:
    """The session cookie the request of ``response`` carried (its Cookie header)."""
    from http.cookies import CookieError, SimpleCookie

    header = response.request_info.headers.get("Cookie")
    if not header:
        return None
    cookies: SimpleCookie = SimpleCookie()
    try:
        cookies.load(header)
    except CookieError:
        return None
    return session_cookie_of({name: morsel.value for name, morsel in cookies.items()})


def _conversation(conversation_id: str) -> Words:
    return Words(QT_TRANSLATE_NOOP("errors", "conversation {id}"), id=conversation_id)


def _status_error(status: int, what: Words) -> HttpError:
    """An error a person can act on, for ``what`` answered with HTTP ``status``."""
    if status == 404:
        return HttpError(
            404,
            Words(
                QT_TRANSLATE_NOOP("errors", "{what} was not found on the server (HTTP 404)"),
                what=what,
            ),
        )
    if status in (401, 403):
        return HttpError(
            status,
            Words(
                QT_TRANSLATE_NOOP(
                    "errors",
                    "the server refused access to {what} (HTTP {status}): sign in again, or ask "
                    "the administrator for access",
                ),
                what=what,
                status=status,
            ),
        )
    if status == 429:
        return HttpError(
            429,
            Words(
                QT_TRANSLATE_NOOP(
                    "errors", "the server is busy (HTTP 429): wait a moment and try again"
                )
            ),
        )
    if status >= 500:
        return HttpError(
            status,
            Words(
                QT_TRANSLATE_NOOP("errors", "the server failed (HTTP {status}): try again later"),
                status=status,
            ),
        )
    return HttpError(
        status,
        Words(
            QT_TRANSLATE_NOOP(
                "errors", "unexpected answer from the server for {what} (HTTP {status})"
            ),
            what=what,
            status=status,
        ),
    )


def _not_understood(path: str) -> HttpError:
    return HttpError(
        200,
        Words(
            QT_TRANSLATE_NOOP("errors", "the server's answer to {path} was not understood"),
            path=path,
        ),
    )


def _refused(body: object, path: str) -> HttpError:
    """A 200 answer with ``"success": false`` (or no object at all)."""
    error = _short_error(body)
    if error is None:
        return _not_understood(path)
    # The server's own words, shown as they are.
    return HttpError(
        200, Words(QT_TRANSLATE_NOOP("errors", "the server refused: {error}"), error=error)
    )


def _short_error(body: object) -> str | None:
    """The server's ``"error"`` string when it is short and plain (safe to show), else None."""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, str) and 0 < len(error) <= MAX_SERVER_ERROR_CHARS and error.isprintable():
        return error
    return None


async def _missing_summary(response: aiohttp.ClientResponse) -> HttpError:
    try:
        body = json.loads(await response.content.read(MAX_ERROR_BODY_BYTES))
    except ValueError:
        body = None
    error = _short_error(body)
    if error is None:
        return HttpError(
            404,
            Words(
                QT_TRANSLATE_NOOP("errors", "the summary is not available for download (HTTP 404)")
            ),
        )
    return HttpError(
        404, Words(QT_TRANSLATE_NOOP("errors", "cannot download the summary: {error}"), error=error)
    )


async def _read_json(response: aiohttp.ClientResponse, path: str) -> Any:
    if response.content_length is not None and response.content_length > MAX_JSON_BYTES:
        raise HttpError(response.status, _answer_too_large(path))
    body = bytearray()
    async for chunk in response.content.iter_chunked(DOWNLOAD_CHUNK_BYTES):
        body += chunk
        if len(body) > MAX_JSON_BYTES:
            raise HttpError(response.status, _answer_too_large(path))
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        raise HttpError(
            response.status,
            Words(
                QT_TRANSLATE_NOOP("errors", "the server's answer to {path} was not JSON"), path=path
            ),
        ) from None


def _answer_too_large(path: str) -> Words:
    return Words(
        QT_TRANSLATE_NOOP("errors", "the server's answer to {path} is too large"), path=path
    )


def _too_large(status: int, limit: int) -> HttpError:
    return HttpError(
        status,
        Words(
            QT_TRANSLATE_NOOP(
                "errors",
                "the summary is larger than {size}, far more than a summary can be: the "
                "download was stopped and nothing was saved. Try again later; if it happens "
                "again, tell your administrator",
            ),
            size=_mib(limit),
        ),
    )


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):g} MiB"


async def _stream_to(
    destination: Path,
    response: aiohttp.ClientResponse,
    total: int | None,
    progress: Callable[[int, int | None], None] | None,
    *,
    limit: int,
) -> int:
    """Write the body (at most ``limit`` bytes) to ``destination`` through a temporary
    file; the size. LocalFileError when the disk refuses."""
    # Next to the destination, so that the final rename stays on one file system and
    # is atomic. mkstemp creates it readable by this user only: the PDF is patient data.
    with _saving(destination):
        fd, temporary = tempfile.mkstemp(
            dir=destination.parent, prefix=f".{destination.name}.", suffix=".part"
        )
    size = 0
    try:
        try:
            # Unbuffered, and only the file operations are the disk's: a connection
            # reset while reading is an OSError too, and no disk's fault. Summaries
            # are tens of KiB: writing on the loop costs less than a thread per chunk.
            async for chunk in response.content.iter_chunked(DOWNLOAD_CHUNK_BYTES):
                size += len(chunk)
                if size > limit:
                    logger.warning("summary download stopped past %d bytes", limit)
                    raise _too_large(response.status, limit)
                with _saving(destination):
                    _write_all(fd, chunk)
                if progress is not None:
                    progress(size, total)
            with _saving(destination):
                # On disk before the rename, so that a crash cannot leave an empty PDF.
                os.fsync(fd)
        finally:
            os.close(fd)
        with _saving(destination):
            os.replace(temporary, destination)
    except BaseException:
        # Failure or cancellation: nothing half-written stays behind.
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return size


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


@contextlib.contextmanager
def _saving(destination: Path) -> Iterator[None]:
    """A file operation of a download: the disk's refusal becomes a LocalFileError."""
    try:
        yield
    except OSError as exc:
        raise _not_saved(destination, exc) from exc


def _not_saved(destination: Path, exc: OSError) -> LocalFileError:
    reason = why_not_written(exc)
    logger.warning("summary not saved: %s", reason)
    if reason == DISK_FULL:
        advice = Words(QT_TRANSLATE_NOOP("errors", "Free some disk space or choose another folder"))
    else:
        advice = Words(QT_TRANSLATE_NOOP("errors", "Choose another folder"))
    return LocalFileError(
        Words(
            QT_TRANSLATE_NOOP(
                "errors",
                "The summary could not be saved to {path}: {reason}. {advice}, "
                "then download it again.",
            ),
            path=destination,
            reason=Words(reason),
            advice=advice,
        ),
        path=destination,
        reason=reason,
    )


def _technical_detail(exc: BaseException) -> str:
    """The exception type and, for connection failures only, the operating system's
    error (a response body never: only answers carry one)."""
    import aiohttp

    if isinstance(exc, aiohttp.ClientConnectorError):
        return f"{type(exc).__name__}: {exc.os_error}"
    return type(exc).__name__


def _describe(exc: BaseException, timeout_s: float) -> Words:
    """Why a request failed, without any response body."""
    import aiohttp

    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return Words(QT_TRANSLATE_NOOP("errors", "its certificate could not be verified"))
    if isinstance(exc, TimeoutError):
        return Words(
            QT_TRANSLATE_NOOP("errors", "no answer within {seconds} s"), seconds=f"{timeout_s:g}"
        )
    if isinstance(exc, aiohttp.ClientPayloadError):
        return Words(QT_TRANSLATE_NOOP("errors", "the connection broke during the transfer"))
    if isinstance(exc, aiohttp.ClientConnectorError):
        return Words(QT_TRANSLATE_NOOP("errors", "no connection could be made"))
    return Words(QT_TRANSLATE_NOOP("errors", "the connection failed"))
