"""What one run talks to the server with, opened after the window is shown.

Theory of operation. The window comes first (a person can read and write from
the first paint); :func:`open_connections` then brings up, in this order, and
says each step through ``on_step`` (:class:`~desktop_app.core.startup.StartupStep`):

1. the embedded demo server, when no server is configured, and its sign-in
   with the published demo account (its session is not kept: it is known);
2. the HTTP client, the window's chat and status sockets, the outbox's
   background socket (created, not connected: the window's conversation
   connects them), the session that carries the cookies to them, and the
   sleep watcher;
3. the session kept in the password store by an earlier run (a worker thread
   reads it, while the outbox is opened), then the outbox from its file;
4. on a kiosk whose service account is kept in the password store
   (``credentials``), the unattended sign-in (:class:`AutoSignIn`): it signs
   in now if no session was kept, and again whenever the session ends. Without
   a kept account a kiosk asks like a desktop: the sign-in dialog.

Everything is registered on the caller's exit stack as soon as it exists, so a
start cancelled half-way (the window closed meanwhile) closes what was opened,
newest first; the caller's stack closes the rest when the app ends.

Files: a damaged demo database or outbox is kept aside under a new name and a
new one started, said in one log line and in :attr:`Connections.notes` (the
window shows them). A file that cannot be used raises LocalFileError or
OutboxError, whose text says what to do. No Qt here: the sockets and the
server are tested on a plain asyncio loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.control.session import AutoSignIn, SessionController, StoreFactory
from desktop_app.core.backoff import BackoffPolicy
from desktop_app.core.config import AppConfig
from desktop_app.core.errors import LocalFileError, OutboxDamaged, Words
from desktop_app.core.startup import StartupStep
from desktop_app.core.translation import QT_TRANSLATE_NOOP
from desktop_app.net.background import BackgroundChatWebSocketManager, BackgroundDelivery
from desktop_app.net.chat import ChatWebSocketManager
from desktop_app.net.clock import LoopClock
from desktop_app.net.http import PlatformClient
from desktop_app.net.manager import WebSocketManager, retry_together
from desktop_app.net.outbox import OutboxSender
from desktop_app.net.status import StatusWebSocketManager
from desktop_app.net.wake import SleepWatcher, probe_after_sleep, reconnect_after_sleep
from desktop_app.store.files import is_damaged, set_aside
from desktop_app.store.outbox import OutboxStore

if TYPE_CHECKING:
    # Imported where used: only the embedded server needs it (aiohttp's server side).
    from desktop_app.demo.server import DemoServer
    from desktop_app.store.credentials import CredentialStore

    CredentialStoreFactory = Callable[[], CredentialStore]

logger = logging.getLogger("desktop_app.control.startup")


@dataclass
class Connections:
    """The run's server, client, sockets, session and outbox, ready for the window."""

    client: PlatformClient
    chat: ChatWebSocketManager
    status: StatusWebSocketManager
    background_chat: BackgroundChatWebSocketManager  # the outbox of other conversations
    session: SessionController
    outbox: OutboxSender
    background: BackgroundDelivery
    server: DemoServer | None = None  # the embedded demo server, if it runs
    demo_account: tuple[str, str] | None = None  # (email, password) of the embedded server
    #: Damaged files kept aside at start, in words for the window.
    notes: list[Words] = field(default_factory=list)


async def open_connections(
    config: AppConfig,
    stack: contextlib.AsyncExitStack,
    *,
    server_key: str,
    outbox_path: Path,
    demo_data: Path | None = None,
    session_store: StoreFactory | None = None,
    credentials: CredentialStoreFactory | None = None,
    on_step: Callable[[StartupStep], object] = lambda _step: None,
) -> Connections:
    """Open what the run needs, in the module docstring's order; each one on ``stack``.

    ``demo_data``: the embedded server's file (the configured server is not used
    then); ``session_store``: where a signed-in session is kept across runs (not
    for the embedded server); ``credentials``: where a kiosk's service account
    is kept (only read in kiosk mode, not for the embedded server).
    """
    notes: list[Words] = []
    server = None
    demo_account = None
    if config.uses_demo_server:
        from desktop_app.demo.server import DEMO_EMAIL, DEMO_PASSWORD

        on_step(StartupStep.STARTING_SERVER)
        server = await _start_demo_server(demo_data, notes)
        stack.push_async_callback(server.stop)
        base_url = server.base_url
        demo_account = (DEMO_EMAIL, DEMO_PASSWORD)
        # The embedded server's session is not kept: its account is known.
        session_store = None
        credentials = None
    else:
        assert config.server is not None  # uses_demo_server otherwise
        base_url = config.server

    client = PlatformClient(
        base_url, allow_insecure=config.allow_insecure, timeout_s=config.http_timeout_s
    )
    stack.push_async_callback(client.aclose)
    if demo_account is not None:
        on_step(StartupStep.SIGNING_IN)
        await client.sign_in(*demo_account)
    on_step(StartupStep.PREPARING)

    # One clock for the sockets and the sleep watcher: real time on this loop.
    clock = LoopClock(asyncio.get_running_loop())
    chat = ChatWebSocketManager(client.endpoints, config.connection, clock=clock)
    status = StatusWebSocketManager(client.endpoints, config.connection, clock=clock)
    stack.push_async_callback(status.aclose)
    stack.push_async_callback(chat.aclose)
    session = SessionController(client, [chat, status], server_key=server_key, store=session_store)
    stack.push_async_callback(session.aclose)

    # The outbox of other conversations is delivered whenever possible: it never gives up.
    background_chat = BackgroundChatWebSocketManager(
        client.endpoints,
        dataclasses.replace(config.connection, max_reconnect_attempts=None),
        clock=clock,
    )
    stack.push_async_callback(background_chat.aclose)
    session.add_manager(background_chat)
    managers = [chat, status, background_chat]
    join_sockets(client, managers)
    # A kiosk starts afresh after a sleep; a desktop checks its sockets and keeps good ones.
    on_wake = reconnect_after_sleep if config.kiosk else probe_after_sleep
    watcher = SleepWatcher(on_wake(managers), clock=clock)
    watcher.start()
    stack.callback(watcher.stop)

    # The password store is read in a worker thread (keyring probes its backends, about
    # 0.2 s) while the outbox is opened here.
    restoring = asyncio.ensure_future(session.restore())
    account = None
    if config.kiosk and credentials is not None:
        account = asyncio.ensure_future(_kiosk_account(credentials, server_key, notes))
    try:
        store = _open_outbox(outbox_path, notes)
    finally:
        try:
            await restoring  # also on a failure: no worker's result is left unread
        finally:
            kept = await account if account is not None else None
    stack.callback(store.close)
    if kept is not None:
        session.auto_sign_in = auto = AutoSignIn(
            session,
            functools.partial(kept.load, server_key),
            policy=BackoffPolicy(
                initial_delay_s=config.kiosk_sign_in_retry_s,
                max_delay_s=max(config.kiosk_sign_in_retry_s, config.kiosk_sign_in_max_retry_s),
                jitter=False,
            ),
            managers=managers,
        )
        stack.push_async_callback(auto.aclose)
        auto.start()
    outbox = OutboxSender(
        store,
        chat,
        client.history,
        limits=config.outbox.limits(),
        echo_timeout=config.outbox.echo_timeout_s,
        clock=clock,
    )
    stack.push_async_callback(outbox.aclose)
    # Told the window's conversation by its controller (set_foreground), not asked.
    background = BackgroundDelivery(
        outbox.outbox,
        background_chat,
        client.history,
        may_send=lambda: session.may_send(background_chat),
    )
    stack.push_async_callback(background.aclose)
    return Connections(
        client=client,
        chat=chat,
        status=status,
        background_chat=background_chat,
        session=session,
        outbox=outbox,
        background=background,
        server=server,
        demo_account=demo_account,
        notes=notes,
    )


async def _kiosk_account(
    credentials: CredentialStoreFactory, server_key: str, notes: list[Words]
) -> CredentialStore | None:
    """The password store holding this kiosk's account; None when it holds none.

    A store that cannot be read now (locked, say) is kept: the unattended sign-in
    reads it again at each attempt and says why it failed. A computer without a
    store cannot have an account: the person signs in (said in ``notes``).
    """
    from desktop_app.store.credentials import CredentialStoreError

    def read() -> CredentialStore | None:
        store = credentials()
        try:
            kept = store.load(server_key)
        except CredentialStoreError as exc:
            if exc.unavailable:
                notes.append(
                    Words(
                        QT_TRANSLATE_NOOP("errors", "No unattended sign-in: {reason}."),
                        reason=exc.words if exc.words is not None else str(exc),
                    )
                )
                return None
            return store
        if kept is None:
            logger.info("No kiosk account stored: sign-in asks a person")
            return None
        logger.info("Kiosk account found: signing in unattended")
        return store

    return await asyncio.to_thread(read)


def join_sockets(client: PlatformClient, managers: list[WebSocketManager]) -> None:
    """The sockets to one server share what one of them learns: a dead link drops the
    pooled HTTP connections (:meth:`PlatformClient.follow_dead_links`), and one that
    opens brings the others waiting out the longest delay along (:func:`retry_together`).
    """
    client.follow_dead_links(managers)
    retry_together(managers)


async def _start_demo_server(data: Path | None, notes: list[Words]) -> DemoServer:
    """The embedded demo server on ``data``; a damaged file is kept aside for a new one."""
    from desktop_app.demo.server import DemoConfig, DemoServer

    try:
        server = DemoServer(DemoConfig(data_path=data))
        await server.start()
    except sqlite3.Error as exc:
        if data is None or not is_damaged(exc):
            raise LocalFileError(
                Words(
                    QT_TRANSLATE_NOOP(
                        "errors",
                        "cannot use the demo data file {path} ({reason}): make it readable "
                        "and writable for this user, or move it away to start without the "
                        "demo conversations",
                    ),
                    path=data,
                    reason=exc,
                ),
                path=data or Path(),
                reason=str(exc),
            ) from exc
        notes.append(_kept_aside(Words(QT_TRANSLATE_NOOP("errors", "demo data")), data))
        server = DemoServer(DemoConfig(data_path=data))
        await server.start()
    return server


def _open_outbox(path: Path, notes: list[Words]) -> OutboxStore:
    """The outbox at ``path``; a damaged file is kept aside for a new, empty one."""
    try:
        return OutboxStore(path)
    except OutboxDamaged:
        notes.append(_kept_aside(Words(QT_TRANSLATE_NOOP("errors", "outbox")), path))
        return OutboxStore(path)


def _kept_aside(what: Words, path: Path) -> Words:
    """Move a damaged database out of the way; say where (log and window), once."""
    kept = set_aside(path)
    message = Words(
        QT_TRANSLATE_NOOP(
            "errors",
            "The {what} file {path} was damaged: it was kept as {kept} and a new one was started.",
        ),
        what=what,
        path=path,
        kept=kept,
    )
    logger.warning("%s", message)
    return message
