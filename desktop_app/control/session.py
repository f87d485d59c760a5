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

The password store blocks (D-Bus, an unlock prompt): every call to it runs in a
worker thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from desktop_app.core.session import SessionState, may_send_user_text, session_cookie_of
from desktop_app.net.http import PlatformClient
from desktop_app.net.manager import Unsubscribe, WebSocketManager, subscribe

if TYPE_CHECKING:
    # keyring is imported by the store, in a worker thread: start-up does not wait for it.
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
