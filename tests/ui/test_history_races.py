"""History loads that overlap, and live messages that race them.

The history endpoint's answers are held back by a stand-in client so the test
decides the order in which overlapping loads finish (a real server's timing
cannot be steered that precisely).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from desktop_app.core.frames import ChatMessage
from desktop_app.net.chat import ChatWebSocketManager
from desktop_app.net.http import SummaryStatus
from desktop_app.net.outbox import OutboxSender
from desktop_app.net.status import StatusWebSocketManager
from desktop_app.store.outbox import OutboxStore
from desktop_app.ui.main_window import MainWindow, WindowServices
from desktop_app.ui.network import ManualNetworkSource
from desktop_app.ui.settings import Settings
from tests.ui.conftest import LoopDriver

CONVERSATION = "11111111-2222-4333-8444-555555555555"
REPLY = {
    "role": "bot",
    "name": "SDM Assistant",
    "content": "a reply",
    "timestamp": "2026-11-25T10:00:00+00:00",
    "citations": [],
}


class HeldHistory:
    """A client whose history answers wait until the test releases them."""

    def __init__(self) -> None:
        self.pending: list[asyncio.Future[list[ChatMessage]]] = []

    async def history(self, conversation_id: str) -> list[ChatMessage]:
        answer: asyncio.Future[list[ChatMessage]] = asyncio.get_running_loop().create_future()
        self.pending.append(answer)
        return await answer

    async def summary_status(self, conversation_id: str) -> SummaryStatus:
        return SummaryStatus(ready=False)

    def websocket_cookies(self) -> dict[str, str]:
        return {}


@pytest.fixture
def window(driver: LoopDriver, tmp_path: Path) -> Iterator[tuple[MainWindow, HeldHistory]]:
    url = "http://127.0.0.1:9"  # nothing listens: only the history matters here
    chat, status = ChatWebSocketManager(url), StatusWebSocketManager(url)
    client = HeldHistory()
    store = OutboxStore(None)
    window = MainWindow(
        WindowServices(
            server_label="test",
            settings_key="test",
            chat=chat,
            status=status,
            client=client,  # type: ignore[arg-type]
            network=ManualNetworkSource(),
            settings=Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)),
            outbox=OutboxSender(store, chat, client.history),
        )
    )
    failures: list[str] = []
    window.tasks._on_error = lambda name, exc: failures.append(f"{name}: {exc!r}")
    yield window, client
    assert failures == []
    driver.call(window.close)
    driver.run(window.tasks.cancel_all())
    for manager in (chat, status):
        driver.run(manager.aclose())
    store.close()


def test_overlapping_loads_keep_a_reply_that_raced_them(
    driver: LoopDriver, window: tuple[MainWindow, HeldHistory]
) -> None:
    main, client = window
    driver.call(main.open_conversation, CONVERSATION)  # load 1 (opening)
    driver.call(main.open_conversation, CONVERSATION)  # load 2 (the connection that follows)
    driver.wait_until(lambda: len(client.pending) == 2)

    client.pending[1].set_result([])  # load 2 answers first
    driver.sleep(0.02)
    driver.call(main.on_chat_message, dict(REPLY))  # a reply arrives live
    client.pending[0].set_result([])  # load 1's answer was read before the reply was stored
    driver.sleep(0.02)

    assert [(e.role.value, e.content) for e in main.transcript.entries()] == [("bot", "a reply")]
    assert main._live_buffers == []


def test_a_burst_of_live_messages_is_shown_in_order_in_one_insertion(
    driver: LoopDriver, window: tuple[MainWindow, HeldHistory]
) -> None:
    main, client = window
    driver.call(main.open_conversation, CONVERSATION)
    driver.wait_until(lambda: len(client.pending) == 1)
    client.pending[0].set_result([])
    driver.wait_until(lambda: main._history_loaded)
    inserted: list[tuple[int, int]] = []
    main.transcript.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))

    def burst() -> None:  # frames that arrive together, in one turn of the loop
        for n in range(30):
            main.on_chat_message({**REPLY, "content": f"reply {n}"})

    driver.call(burst)
    driver.wait_until(lambda: main.transcript.rowCount() == 30)
    assert [e.content for e in main.transcript.entries()] == [f"reply {n}" for n in range(30)]
    assert inserted == [(0, 29)]  # the view lays out once, not 30 times


def test_live_messages_not_yet_shown_stay_with_their_conversation(
    driver: LoopDriver, window: tuple[MainWindow, HeldHistory]
) -> None:
    main, client = window
    driver.call(main.open_conversation, CONVERSATION)
    driver.wait_until(lambda: len(client.pending) == 1)
    client.pending[0].set_result([])
    driver.wait_until(lambda: main._history_loaded)

    def arrive_then_switch() -> None:
        main.on_chat_message(dict(REPLY))
        main.open_conversation("22222222-3333-4444-8555-666666666666")

    driver.call(arrive_then_switch)
    driver.sleep(0.3)  # longer than a refresh
    assert main.transcript.entries() == []
