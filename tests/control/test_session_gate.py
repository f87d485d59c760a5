"""No patient text leaves without a signed-in session (issue 10, problem 1).

The platform's consumers accept anonymous sockets and store what arrives on them
under the name "Anonymous". These tests restart, expire and revoke sessions on a
real demo server and check that every message reaches the server's history once,
under the signed-in name, and never as "Anonymous".
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop_app.core.session import SessionState
from desktop_app.core.transcript import DeliveryState
from desktop_app.demo.server import DEMO_DISPLAY_NAME, DemoServer
from desktop_app.store.outbox import OutboxState, OutboxStore
from desktop_app.store.session_cookies import SessionCookieStore
from tests.control.conftest import Built, until
from tests.memory_keyring import MemoryKeyring

Build = Callable[..., Any]


def senders(demo: DemoServer, conversation: str) -> list[tuple[str, str]]:
    """(name, text) of the user messages in the server's history."""
    return [(m["name"], m["content"]) for m in demo.history(conversation) if m["role"] == "user"]


async def test_queued_messages_wait_for_the_sign_in_after_a_restart(
    demo: DemoServer, build: Build, tmp_path: Path
) -> None:
    conversation = demo.create_conversation()
    outbox_file = tmp_path / "outbox.sqlite3"
    # The last run queued two messages while the server was away, then quit.
    with OutboxStore(outbox_file) as store:
        store.add(conversation, "first, typed offline")
        store.add(conversation, "second, typed offline")

    # The server is back; the app starts without a session (none kept).
    app: Built = await build(signed_in=False, outbox_file=outbox_file)
    app.controller.open(conversation)
    await until(lambda: app.view.sign_in_asked == 1)
    assert app.chat.state.value == "idle"  # no anonymous socket at all
    notice = app.view.notice
    assert notice is not None
    assert notice.text.startswith("You are not signed in. Sign in to send 2 waiting messages")
    assert [s for _, s in app.view.states()] == [DeliveryState.QUEUED] * 2
    assert senders(demo, conversation) == []

    await app.sign_in()
    await until(lambda: len(senders(demo, conversation)) == 2)
    await until(lambda: app.outbox.undelivered(conversation) == [])
    assert senders(demo, conversation) == [
        (DEMO_DISPLAY_NAME, "first, typed offline"),
        (DEMO_DISPLAY_NAME, "second, typed offline"),
    ]
    assert app.view.notice is None


async def test_an_expired_session_holds_the_outbox_after_a_reconnect(
    demo: DemoServer, build: Build
) -> None:
    app: Built = await build()
    conversation = demo.create_conversation()
    app.controller.open(conversation)
    await until(lambda: app.controller.phase.value == "ready")
    assert await app.controller.send("before the expiry")
    await until(lambda: len(senders(demo, conversation)) == 1)

    # The session ends on the server; the sockets drop and come back (anonymous now,
    # although the client still believes it is signed in).
    demo.expire_sessions()
    await demo.stop()
    await demo.start()
    await until(lambda: app.session.state is SessionState.EXPIRED)
    assert app.client.session.cookie is None  # Django deletes the dead cookie
    assert await app.controller.send("after the expiry")
    await until(lambda: app.view.sign_in_asked >= 1)
    await until(lambda: app.chat.is_connected)
    # The socket is open; the message stays queued, and says why.
    app.outbox.pump()
    assert app.outbox.undelivered(conversation)[0].state is OutboxState.QUEUED
    notice = app.view.notice
    assert notice is not None
    assert "Your session has ended" in notice.text
    assert "1 waiting message" in notice.text

    await app.sign_in()
    await until(lambda: len(senders(demo, conversation)) == 2)
    await until(lambda: app.outbox.undelivered(conversation) == [])
    assert [name for name, _ in senders(demo, conversation)] == [DEMO_DISPLAY_NAME] * 2


async def test_a_revoked_session_is_found_before_anything_is_sent_on_a_new_socket(
    demo: DemoServer, build: Build
) -> None:
    app: Built = await build()
    conversation = demo.create_conversation()
    app.controller.open(conversation)
    await until(lambda: app.controller.phase.value == "ready")
    demo.revoke_sessions()  # signed out elsewhere
    assert app.session.state is SessionState.SIGNED_IN  # nothing has told the client yet
    # The connection drops (uvicorn: 1006) and the next socket is anonymous on the server.
    await demo.stop(abort=True)
    assert await app.controller.send("must not be stored as Anonymous")
    await demo.start()
    await until(lambda: app.session.state is SessionState.EXPIRED)
    await until(lambda: app.chat.is_connected)
    app.outbox.pump()
    assert senders(demo, conversation) == []

    await app.sign_in()
    await until(lambda: senders(demo, conversation) != [])
    assert senders(demo, conversation) == [(DEMO_DISPLAY_NAME, "must not be stored as Anonymous")]


async def test_a_kept_session_is_checked_before_use_and_a_dead_one_asks_to_sign_in(
    demo: DemoServer, build: Build
) -> None:
    keyring = MemoryKeyring()

    def store() -> SessionCookieStore:
        return SessionCookieStore(backend=keyring)

    first: Built = await build(store=store)
    await until(lambda: keyring.entries != {})  # kept once signed in
    conversation = demo.create_conversation()

    # A restart with the kept session: no dialog; it is confirmed by the history.
    second: Built = await build(signed_in=False, store=store)
    assert second.session.state is SessionState.UNKNOWN
    second.controller.open(conversation)
    await until(lambda: second.session.state is SessionState.SIGNED_IN)
    assert second.view.sign_in_asked == 0
    assert await second.controller.send("with the kept session")
    await until(lambda: senders(demo, conversation) != [])
    assert senders(demo, conversation) == [(DEMO_DISPLAY_NAME, "with the kept session")]

    # Revoked meanwhile: the next start finds out, forgets it, and asks.
    demo.revoke_sessions()
    third: Built = await build(signed_in=False, store=store)
    third.controller.open(conversation)
    await until(lambda: third.session.state is SessionState.EXPIRED)
    await until(lambda: third.view.sign_in_asked == 1)
    await until(lambda: keyring.entries == {})
    assert first.session.state is SessionState.SIGNED_IN  # it has not asked the server since


async def test_signing_out_forgets_the_session_and_closes_the_sockets(
    demo: DemoServer, build: Build
) -> None:
    keyring = MemoryKeyring()
    app: Built = await build(store=lambda: SessionCookieStore(backend=keyring))
    conversation = demo.create_conversation()
    app.controller.open(conversation)
    await until(lambda: app.chat.is_connected)
    await until(lambda: keyring.entries != {})

    await app.session.sign_out()
    assert app.session.state is SessionState.SIGNED_OUT
    await until(lambda: keyring.entries == {})
    await until(lambda: app.chat.state.value == "closed")
    assert await app.controller.send("typed after signing out")
    assert app.view.notice is not None
    assert "not signed in" in app.view.notice.text
    assert senders(demo, conversation) == []
