"""Every dead end becomes a state a person can see and act on (issue 10, problems 3 and 4).

A conversation the server forgot, a history that keeps failing, a server that is
unreachable at the first start: each one is said in words, keeps what was typed,
and offers the way out. Real demo servers on 127.0.0.1; where the platform's
failure needs a broken endpoint, a demo server subclass breaks just that one.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from desktop_app.core.conversation import NoticeAction, Phase
from desktop_app.core.transcript import DeliveryState
from desktop_app.demo.server import DemoConfig, DemoServer
from desktop_app.net.outbox import GONE, UNCONFIRMED
from desktop_app.store.outbox import OutboxState, OutboxStore
from tests.control.conftest import Built, until

Build = Callable[..., Any]


def user_texts(demo: DemoServer, conversation: str) -> list[str]:
    return [m["content"] for m in demo.history(conversation) if m["role"] == "user"]


class CountingServer(DemoServer):
    """The demo server, counting its history and summary requests; history can break."""

    def __init__(self, config: DemoConfig) -> None:
        super().__init__(config)
        self.history_requests = 0
        self.summary_requests = 0
        self.broken_history = False

    async def _history(self, request: web.Request) -> web.StreamResponse:
        self.history_requests += 1
        if self.broken_history:
            return web.Response(status=500, text="500 Internal Server Error")
        return await super()._history(request)

    async def _summary_status(self, request: web.Request) -> web.StreamResponse:
        self.summary_requests += 1
        return await super()._summary_status(request)


@pytest.fixture
async def counting(demo_config: DemoConfig) -> AsyncIterator[CountingServer]:
    async with CountingServer(demo_config) as server:
        yield server


async def test_a_conversation_that_vanishes_fails_its_messages_with_the_reason(
    demo: DemoServer, build: Build
) -> None:
    app: Built = await build()
    conversation = demo.create_conversation()
    app.controller.open(conversation)
    await until(lambda: app.controller.phase is Phase.READY)

    demo.delete_conversation(conversation)
    # The server drops the socket on a message for a conversation it no longer has (1006).
    assert await app.controller.send("written after it was deleted")
    assert await app.controller.send("and one more")
    await until(lambda: app.controller.phase is Phase.GONE)
    await until(lambda: [s for _, s in app.view.states()] == [DeliveryState.FAILED] * 2)
    assert {e.failure for e in app.view.entries} == {GONE}
    notice = app.view.notice
    assert notice is not None
    assert notice.action is NoticeAction.NEW_CONVERSATION
    assert "no longer exists on the server" in notice.text
    assert "2 messages not sent are kept" in notice.text
    assert app.chat.state.value == "closed"  # nothing more is sent there
    assert not await app.controller.send("typed into the gone conversation")  # kept in the box

    # The way out: one of them goes to a new conversation, where it is delivered.
    failed = app.view.entries[0].client_message_id
    assert failed is not None
    assert app.controller.failed_text(failed) == "written after it was deleted"
    app.controller.send_in_new_conversation(failed)
    await until(lambda: app.controller.conversation_id != conversation)
    new = app.controller.conversation_id
    assert new is not None
    await until(lambda: user_texts(demo, new) == ["written after it was deleted"])
    assert [e.text for e in app.outbox.undelivered(conversation)] == ["and one more"]


async def test_a_conversation_gone_before_it_is_opened_is_said_in_words(
    demo: DemoServer, build: Build, tmp_path: Path
) -> None:
    conversation = demo.create_conversation()
    outbox_file = tmp_path / "outbox.sqlite3"
    with OutboxStore(outbox_file) as store:
        store.add(conversation, "queued before it vanished")
        # Failed in an earlier run (its reason was not kept across the restart).
        earlier = store.add(conversation, "failed in an earlier run")
        store.mark_failed(earlier.client_id)
    app: Built = await build(outbox_file=outbox_file)
    demo.delete_conversation(conversation)
    app.controller.open(conversation)
    await until(lambda: app.controller.phase is Phase.GONE)
    await until(lambda: {e.failure for e in app.view.entries} == {GONE})
    assert app.view.states() == [
        ("queued before it vanished", DeliveryState.FAILED),
        ("failed in an earlier run", DeliveryState.FAILED),
    ]
    notice = app.view.notice
    assert notice is not None
    assert notice.text.startswith("This conversation no longer exists on the server")
    assert app.view.problems == []


async def test_a_history_that_keeps_failing_ends_in_failed_then_retry_delivers(
    counting: CountingServer, build: Build, tmp_path: Path
) -> None:
    conversation = counting.create_conversation()
    outbox_file = tmp_path / "outbox.sqlite3"
    # Sent just before the last run ended: did it arrive? Only the history can tell.
    with OutboxStore(outbox_file) as store:
        sent = store.add(conversation, "did this arrive?")
        store.mark_sent(sent.client_id)
    counting.broken_history = True
    app: Built = await build(base_url=counting.base_url, outbox_file=outbox_file, echo_timeout=0.2)
    app.controller.open(conversation)

    await until(lambda: app.outbox.get(sent.client_id).state is OutboxState.FAILED)  # type: ignore[union-attr]
    await until(lambda: app.view.states() == [("did this arrive?", DeliveryState.FAILED)])
    assert app.view.entries[0].failure == UNCONFIRMED
    # Meanwhile the window said what is going on, and when it tries again.
    assert any(
        n is not None and n.action is NoticeAction.RETRY and n.retry_due is not None
        for n in app.view.notices
    )

    counting.broken_history = False
    app.controller.retry(sent.client_id)
    await until(lambda: user_texts(counting, conversation) == ["did this arrive?"])
    await until(lambda: app.outbox.undelivered(conversation) == [])
    await until(lambda: app.controller.phase is Phase.READY)
    assert app.view.notice is None


async def test_opening_a_conversation_loads_its_history_and_summary_once(
    counting: CountingServer, build: Build
) -> None:
    app: Built = await build(base_url=counting.base_url)
    conversation = counting.create_conversation()
    app.controller.open(conversation)
    await until(lambda: app.controller.phase is Phase.READY)
    await until(lambda: counting.summary_requests == 1)
    await until(lambda: app.status.is_connected)
    # The summary is asked for after the history: by then the chat socket's opening and
    # the session's confirmation (what used to start a second load) have both happened.
    assert (counting.history_requests, counting.summary_requests) == (1, 1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_first_start_with_the_server_away_retries_and_creates_the_conversation(
    build: Build,
) -> None:
    port = free_port()
    server = DemoServer(DemoConfig(port=port, reply_delay_s=0.05, step_delay_s=0.02))
    app: Built = await build(signed_in=False, base_url=f"http://127.0.0.1:{port}")
    # A kept session (nothing checked it yet): the app may try.
    app.client.restore_session({"sessionid": "kept-from-last-time"})
    app.controller.new_conversation()
    await until(lambda: app.controller.creation is not None and app.view.notice is not None)
    await until(lambda: app.view.notice is not None and app.view.notice.retry_due is not None)
    notice = app.view.notice
    assert notice is not None
    assert notice.text == "Cannot reach the server to start a new conversation."
    assert notice.action is NoticeAction.RETRY
    assert "Errno" not in notice.text_at(0.0)
    assert not await app.controller.send("typed before there is a conversation")
    assert app.view.notice is not None
    assert "What you wrote stays in the message box" in app.view.notice.text
    assert app.view.problems == []

    # The server comes up (its session store does not know the kept cookie).
    await server.start()
    try:
        await until(lambda: app.view.sign_in_asked == 1)
        await app.sign_in()
        await until(lambda: app.controller.conversation_id is not None)
        await until(lambda: app.chat.is_connected)
        assert await app.controller.send("typed before there is a conversation")
        conversation = app.controller.conversation_id
        assert conversation is not None
        await until(lambda: user_texts(server, conversation) != [])
    finally:
        await app.controller.aclose()
        await server.stop()


async def test_two_new_conversations_in_the_same_minute_get_different_titles(
    demo: DemoServer, build: Build
) -> None:
    app: Built = await build(titles_in_use=True)
    titles = app.view.titles
    app.controller.new_conversation()
    await until(lambda: len(titles) == 1)
    app.controller.new_conversation()
    await until(lambda: len(titles) == 2)
    assert titles[0] != titles[1]
    assert titles[1] == f"{titles[0]} (2)"
