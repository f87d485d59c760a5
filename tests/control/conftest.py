"""Fixtures of the controller tests: the session and conversation layer without a window.

The controllers run on a plain asyncio loop against a real demo server on
127.0.0.1; the window is replaced by :class:`RecordingView`, which keeps what it
was told the way the window shows it (without the window's batching).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from desktop_app.control.conversation import ConversationController
from desktop_app.control.session import SessionController, StoreFactory
from desktop_app.core.conversation import Notice
from desktop_app.core.transcript import DeliveryState, TranscriptEntry
from desktop_app.demo.server import DEMO_EMAIL, DEMO_PASSWORD, DemoConfig, DemoServer
from desktop_app.net.background import BackgroundChatWebSocketManager, BackgroundDelivery
from desktop_app.net.chat import ChatWebSocketManager
from desktop_app.net.http import PlatformClient
from desktop_app.net.outbox import OutboxSender
from desktop_app.net.status import StatusWebSocketManager
from desktop_app.store.outbox import OutboxStore
from tests.net.conftest import FAST, until

__all__ = ["FAST", "Built", "RecordingView", "until"]


class RecordingView:
    """A :class:`~desktop_app.control.conversation.ConversationView` that keeps a list."""

    def __init__(self) -> None:
        self.entries: list[TranscriptEntry] = []
        self.notices: list[Notice | None] = []
        self.sign_in_asked = 0
        self.summary_ready: bool | None = None
        self.opened: list[str] = []
        self.titles: list[str] = []  # of the conversations opened, as a window lists them
        self.problems: list[tuple[str, BaseException]] = []
        self.stale_thinking_finished = 0

    @property
    def notice(self) -> Notice | None:
        return self.notices[-1] if self.notices else None

    def conversation_opened(self, conversation_id: str, title: str | None) -> None:
        self.opened.append(conversation_id)
        if title:
            self.titles.append(title)

    def show_transcript(self, entries: list[TranscriptEntry]) -> None:
        self.entries = list(entries)

    def show_live(self, entry: TranscriptEntry, confirmed: str | None) -> None:
        if confirmed is not None:
            self.remove_message(confirmed)
        row = len(self.entries)
        while row > 0 and self.entries[row - 1].state is not DeliveryState.DELIVERED:
            row -= 1
        self.entries.insert(row, entry)

    def show_delivery(self, entry: TranscriptEntry) -> None:
        for row, shown in enumerate(self.entries):
            if shown.client_message_id == entry.client_message_id:
                if shown.state is not DeliveryState.DELIVERED:
                    self.entries[row] = entry
                return
        if entry.state is not DeliveryState.DELIVERED:
            self.entries.append(entry)

    def remove_message(self, client_id: str) -> None:
        self.entries = [e for e in self.entries if e.client_message_id != client_id]

    def show_summary_ready(self, ready: bool) -> None:
        self.summary_ready = ready

    def show_notice(self, notice: Notice | None) -> None:
        self.notices.append(notice)

    def ask_sign_in(self) -> None:
        self.sign_in_asked += 1

    def finish_stale_thinking(self) -> None:
        self.stale_thinking_finished += 1

    def show_problem(self, action: str, exc: BaseException) -> None:
        self.problems.append((action, exc))

    def contents(self) -> list[tuple[str, str]]:
        return [(e.role.value, e.content) for e in self.entries]

    def states(self) -> list[tuple[str, DeliveryState]]:
        return [(e.content, e.state) for e in self.entries if e.role.value == "user"]


@dataclass
class Built:
    """One app's worth of controllers (what the composition root builds)."""

    client: PlatformClient
    chat: ChatWebSocketManager
    status: StatusWebSocketManager
    store: OutboxStore
    outbox: OutboxSender
    session: SessionController
    controller: ConversationController
    view: RecordingView
    background: BackgroundDelivery | None = None

    async def sign_in(self) -> None:
        await self.session.sign_in(DEMO_EMAIL, DEMO_PASSWORD)


@pytest.fixture
def demo_config() -> DemoConfig:
    return DemoConfig(reply_delay_s=0.05, step_delay_s=0.02)


@pytest.fixture
async def demo(demo_config: DemoConfig) -> AsyncIterator[DemoServer]:
    async with DemoServer(demo_config) as server:
        yield server


@pytest.fixture
async def build(demo: DemoServer, tmp_path: Path) -> AsyncIterator[Callable[..., Any]]:
    """``await build(signed_in=True, outbox_file=..., store=..., background=False, **options)``.

    ``titles_in_use=True``: new conversations' titles differ from those the view showed.
    """
    made: list[Built] = []

    async def factory(
        *,
        signed_in: bool = True,
        base_url: str | None = None,
        outbox_file: Path | None = None,
        store: StoreFactory | None = None,
        background: bool = False,
        echo_timeout: float = 5.0,
        titles_in_use: bool = False,
        **options: Any,
    ) -> Built:
        url = base_url or demo.base_url
        client = PlatformClient(url, timeout_s=5.0)
        knobs = {**FAST, **options}
        chat = ChatWebSocketManager(url, **knobs)
        status = StatusWebSocketManager(url, **knobs)
        session = SessionController(client, [chat, status], server_key=url, store=store)
        await session.restore()
        if signed_in:
            await client.sign_in(DEMO_EMAIL, DEMO_PASSWORD)
        outbox_store = OutboxStore(outbox_file or tmp_path / f"outbox-{len(made)}.sqlite3")
        outbox = OutboxSender(outbox_store, chat, client.history, echo_timeout=echo_timeout)
        view = RecordingView()
        holder: list[ConversationController] = []
        delivery = None
        if background:
            background_chat = BackgroundChatWebSocketManager(url, **knobs)
            session.add_manager(background_chat)
            delivery = BackgroundDelivery(
                outbox.outbox,
                background_chat,
                client.history,
                echo_timeout=echo_timeout,
                may_send=lambda: session.may_send(background_chat),
            )
        controller = ConversationController(
            client=client,
            chat=chat,
            status=status,
            outbox=outbox,
            session=session,
            view=view,
            background=delivery,
            # The titles a new conversation's must differ from: those the view was shown.
            titles=(lambda: list(view.titles)) if titles_in_use else list,
            retry_initial_s=0.1,
            retry_max_s=0.5,
        )
        holder.append(controller)
        built = Built(
            client, chat, status, outbox_store, outbox, session, controller, view, delivery
        )
        made.append(built)
        if delivery is not None:
            delivery.start()
        return built

    yield factory
    for built in made:
        await built.controller.aclose()
        if built.background is not None:
            await built.background.aclose()
        await built.outbox.aclose()
        await built.chat.aclose()
        await built.status.aclose()
        await built.session.aclose()
        await built.client.aclose()
        built.store.close()
    await asyncio.sleep(0)  # one turn of the loop, no time: the closes' callbacks run
