"""The server session across the app: kept across restarts, carried by every socket.

:class:`SessionController` owns what follows from the session's state (decided in
:mod:`desktop_app.core.session` from the answers of :class:`PlatformClient`):

- at start, the session cookie kept in the system password store is put back in
  the client's jar (state UNKNOWN until a request confirms it);
- a confirmed session is kept in the store, an expired or ended one removed;
- the sockets carry the jar's cookies; a socket opened without the signed-in
  session (anonymous, or an older one) is reopened with it, since the server
  resolves the user once, at the handshake;
- :meth:`SessionController.may_send` is the outbox's gate: user text leaves only
  on a socket whose handshake carried the session the server confirmed.

On a kiosk with a service account kept in the password store
(``sdm-desktop --store-credentials``), :class:`AutoSignIn` signs in with it, with
no dialog, at start and whenever the session ends (expired, signed out); a
failure is said in words (:attr:`AutoSignIn.problem`, the kiosk's banner shows
it) and tried again after a growing wait, or at once when a socket connects.
The words come from the ``translate`` it is given (:meth:`AutoSignIn.set_translate`:
the ui's, once the window is there), English by default.

The password store blocks (D-Bus, an unlock prompt): every call to it runs in a
worker thread.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from desktop_app.core.backoff import BackoffPolicy
from desktop_app.core.errors import SdmError
from desktop_app.core.machine import ConnectionState
from desktop_app.core.session import (
    SessionState,
    may_send_user_text,
    session_cookie_of,
    unattended_sign_in_problem,
)
from desktop_app.core.translation import Translate, english
from desktop_app.net.http import PlatformClient, SignInFailed
from desktop_app.net.manager import Unsubscribe, WebSocketManager, subscribe

if TYPE_CHECKING:
    # keyring is imported by the store, in a worker thread: start-up does not wait for it.
    from desktop_app.store.credentials import Credentials
    from desktop_app.store.session_cookies import SessionCookieStore

logger = logging.getLogger("desktop_app.control.session")

StoreFactory = Callable[[], "SessionCookieStore"]


def system_store() -> SessionCookieStore:
    """The operating system's password store (keyring's choice for this computer)."""
    from desktop_app.store.session_cookies import SessionCookieStore

    return SessionCookieStore()


class SessionController:
    """Keeps ``client``'s session in the password store and on ``managers``' sockets."""

    def __init__(
        self,
        client: PlatformClient,
        managers: Sequence[WebSocketManager],
        *,
        server_key: str,
        store: StoreFactory | None = system_store,
    ) -> None:
        self.client = client
        self._managers = list(managers)
        self._server_key = server_key
        self._store_factory = store
        self._store: SessionCookieStore | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._listeners: list[Callable[[SessionState], object]] = []
        #: Said once when the password store cannot keep the session (plain words).
        self.store_problem: str | None = None
        #: Signs a kiosk's service account in with no dialog (None: a person signs in).
        self.auto_sign_in: AutoSignIn | None = None
        self._last: tuple[SessionState, str | None] = (client.session_state, client.session.cookie)
        self._unsubscribes = [client.on_session_change(self._on_session_change)]
        cookies = client.websocket_cookies()
        for manager in self._managers:
            manager.set_cookies(cookies)
            self._follow(manager)

    @property
    def state(self) -> SessionState:
        return self.client.session_state

    @property
    def signs_in_by_itself(self) -> bool:
        """Whether a session that ends is renewed with no dialog (a kiosk's account)."""
        return self.auto_sign_in is not None

    @property
    def store_description(self) -> str:
        """Where the session is kept, for the diagnostics."""
        if self._store_factory is None:
            return "not kept (signed in at each start)"
        if self._store is None:
            return "not read yet"
        if self.store_problem is not None:
            return f"not kept: {self._store.backend_name} is not available"
        return self._store.backend_name

    def on_change(self, callback: Callable[[SessionState], object]) -> Unsubscribe:
        """Call ``callback`` with each new state or confirmation (after the sockets were
        updated)."""
        return subscribe(self._listeners, callback)

    def add_manager(self, manager: WebSocketManager) -> None:
        manager.set_cookies(self.client.websocket_cookies())
        self._managers.append(manager)
        self._follow(manager)

    def _follow(self, manager: WebSocketManager) -> None:
        def on_state(_state: object) -> None:
            # A handshake that was on its way when the session changed carried the old
            # cookies: once it opens, reopen it with the session.
            if self.client.session_state is SessionState.SIGNED_IN:
                self._reopen_if_stale(manager)

        self._unsubscribes.append(manager.on_state_change(on_state))

    async def restore(self) -> None:
        """Put back the session kept by an earlier run, if any (state UNKNOWN then)."""
        if self._store_factory is None:
            return
        self._store = await asyncio.to_thread(self._store_factory)
        cookies = await asyncio.to_thread(self._store.load, self._server_key)
        self.store_problem = self._store.unavailable_reason
        if self.store_problem is not None:
            logger.warning("Session store unavailable (%s)", self._store.backend_name)
        if cookies and self.client.session_state is SessionState.SIGNED_OUT:
            logger.info("Session restored from the password store")
            self.client.restore_session(cookies)

    def may_send(self, chat: WebSocketManager) -> bool:
        """The outbox's gate for messages on ``chat`` (see the module docstring)."""
        handshake = chat.handshake
        if handshake is None:
            return False
        return may_send_user_text(
            self.client.session, session_cookie_of(handshake.cookies), handshake.opened_at
        )

    async def sign_in(self, email: str, password: str) -> None:
        """Sign in with the server's form; errors as :meth:`PlatformClient.sign_in`."""
        await self.client.sign_in(email, password)

    async def sign_out(self) -> None:
        """End the session on the server and here; the sockets close."""
        for manager in self._managers:
            manager.disconnect()
        await self.client.sign_out()

    async def aclose(self) -> None:
        for unsubscribe in self._unsubscribes:
            unsubscribe()
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    # --- following the session ---------------------------------------------------------

    def _on_session_change(self, state: SessionState) -> None:
        """A new state, or a new confirmation of the session (which may free the outbox)."""
        cookies = self.client.websocket_cookies()
        cookie = self.client.session.cookie
        for manager in self._managers:
            manager.set_cookies(cookies)
        if (state, cookie) != self._last:
            self._last = (state, cookie)
            if state is SessionState.SIGNED_IN:
                self._reopen_sockets_without_the_session()
                self._keep(cookies)
            elif state in (SessionState.EXPIRED, SessionState.SIGNED_OUT):
                self._forget()
        for listener in list(self._listeners):
            listener(state)

    def _reopen_sockets_without_the_session(self) -> None:
        for manager in self._managers:
            self._reopen_if_stale(manager)

    def _reopen_if_stale(self, manager: WebSocketManager) -> None:
        conversation = manager.current_conversation_id
        handshake = manager.handshake
        if conversation is None or handshake is None:
            return  # not open: its next handshake carries the new cookies
        if session_cookie_of(handshake.cookies) != self.client.session.cookie:
            logger.info("%s reopened with the signed-in session", manager.log_prefix)
            manager.disconnect()
            manager.connect(conversation)

    def _keep(self, cookies: dict[str, str]) -> None:
        store = self._store
        if store is not None:
            self._run(asyncio.to_thread(store.save, self._server_key, cookies))

    def _forget(self) -> None:
        store = self._store
        if store is not None:
            self._run(asyncio.to_thread(store.delete, self._server_key))

    def _run(self, coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine, name="session store")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


#: The states in which there is no session to use: an unattended kiosk signs in.
_NO_SESSION = (SessionState.SIGNED_OUT, SessionState.EXPIRED)
CredentialsLoader = Callable[[], "Credentials | None"]


class SignInFailure(enum.Enum):
    """Why an unattended sign-in failed (worded by :func:`sign_in_failure_words`)."""

    NO_ACCOUNT = "no account"  # nothing in the password store for this server
    REFUSED = "refused"  # the server refused the stored email and password
    ERROR = "error"  # an SdmError: its message, written for a person
    UNEXPECTED = "unexpected"  # anything else: only its type is named


def sign_in_failure_words(
    failure: SignInFailure, detail: str, *, translate: Translate = english
) -> str:
    """The reason the kiosk's banner gives; ``detail``: the error's message or type."""
    if failure is SignInFailure.NO_ACCOUNT:
        return translate(
            "session",
            "no kiosk account is stored for this server (an administrator runs "
            "sdm-desktop --store-credentials)",
        )
    if failure is SignInFailure.REFUSED:
        return translate(
            "session",
            "the kiosk account's email address or password is not correct (an "
            "administrator stores it again with sdm-desktop --store-credentials)",
        )
    if failure is SignInFailure.UNEXPECTED:
        return translate("session", "an unexpected error ({name})").format(name=detail)
    return detail  # an error's message is not translated (it comes from the layer below)


class AutoSignIn:
    """Signs ``session`` in with the account ``load`` gives, whenever it has no session.

    ``load`` reads the password store (it blocks: it runs in a worker thread) at
    each attempt, so an account stored again by an administrator is used at the
    next one. After a failure, the wait before the next attempt follows
    ``policy`` (its steps, no jitter: one kiosk per account); a socket that
    connects ends the wait at once (the server is back). The password never
    leaves this object but to :meth:`SessionController.sign_in`.
    """

    def __init__(
        self,
        session: SessionController,
        load: CredentialsLoader,
        *,
        policy: BackoffPolicy,
        managers: Sequence[WebSocketManager] = (),
        translate: Translate = english,
    ) -> None:
        self._session = session
        self._translate = translate
        #: The last failure: why, its detail, and the wait before the next attempt.
        self._failure: tuple[SignInFailure, str, float] | None = None
        self._load = load
        self._policy = policy
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._closed = False
        self._listeners: list[Callable[[str | None], object]] = []
        #: Why the last attempt failed and when the next one is, in words; None: none failed.
        self.problem: str | None = None
        #: Attempts since the session was last signed in (for the diagnostics and tests).
        self.attempts = 0
        self._unsubscribes = [session.on_change(self._on_session_change)]
        for manager in managers:
            self._unsubscribes.append(manager.on_state_change(self._on_socket_state))

    def on_problem(self, callback: Callable[[str | None], object]) -> Unsubscribe:
        """Call ``callback`` with each new :attr:`problem` (None once signed in)."""
        return subscribe(self._listeners, callback)

    def set_translate(self, translate: Translate) -> None:
        """Word :attr:`problem` with ``translate`` from now on (the current one too)."""
        self._translate = translate
        self._set_problem(self._words())

    def start(self) -> None:
        """Sign in now if there is no session (an unchecked one is left to the server)."""
        if self._session.state in _NO_SESSION:
            self._kick()

    def retry_now(self) -> None:
        """End a wait after a failure: something changed (the server is back, say)."""
        self._wake.set()

    async def aclose(self) -> None:
        self._closed = True
        self._listeners.clear()
        for unsubscribe in self._unsubscribes:
            unsubscribe()
        task = self._task
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def _on_session_change(self, state: SessionState) -> None:
        if state in _NO_SESSION:
            self._kick()
        elif state is SessionState.SIGNED_IN:
            self.attempts = 0
            self._failure = None
            self._set_problem(None)

    def _on_socket_state(self, state: ConnectionState) -> None:
        if state is ConnectionState.OPEN:
            self.retry_now()

    def _kick(self) -> None:
        if self._closed:
            return
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(
                self._sign_in_until_done(), name="unattended sign-in"
            )
        else:
            self.retry_now()

    async def _sign_in_until_done(self) -> None:
        while self._session.state in _NO_SESSION:
            self.attempts += 1
            self._wake.clear()
            failure = await self._attempt()
            if failure is None:
                return
            delay_s = self._policy.step(self.attempts)
            self._failure = (*failure, delay_s)
            self._set_problem(self._words())
            try:
                async with asyncio.timeout(delay_s):
                    await self._wake.wait()
            except TimeoutError:
                pass

    def _words(self) -> str | None:
        if self._failure is None:
            return None
        failure, detail, delay_s = self._failure
        reason = sign_in_failure_words(failure, detail, translate=self._translate)
        return unattended_sign_in_problem(reason, delay_s, translate=self._translate)

    async def _attempt(self) -> tuple[SignInFailure, str] | None:
        """One sign-in; None if it worked, else why not (never the password)."""
        try:
            credentials = await asyncio.to_thread(self._load)
            if credentials is None:
                logger.warning("Unattended sign-in: no kiosk account is stored")
                return (SignInFailure.NO_ACCOUNT, "")
            await self._session.sign_in(credentials.email, credentials.password)
        except SignInFailed:
            logger.warning("Unattended sign-in refused: wrong email or password")
            return (SignInFailure.REFUSED, "")
        except SdmError as exc:
            # HttpError, CredentialStoreError: their messages are written for a person.
            logger.warning("Unattended sign-in failed: %s", type(exc).__name__)
            return (SignInFailure.ERROR, exc.text(self._translate))
        except Exception as exc:
            # Whatever else breaks must not end the kiosk's retries; its text is not
            # said (a password store's error may quote what it was given).
            logger.warning("Unattended sign-in failed unexpectedly: %s", type(exc).__name__)
            return (SignInFailure.UNEXPECTED, type(exc).__name__)
        logger.info("Signed in unattended (attempt %d)", self.attempts)
        return None

    def _set_problem(self, problem: str | None) -> None:
        if problem != self.problem:
            self.problem = problem
            for listener in list(self._listeners):
                listener(problem)
