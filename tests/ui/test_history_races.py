"""Live messages in the window: a burst is shown in one insertion, in order, and messages
not yet shown stay with their conversation.

The races between history loads and live messages are decided by the conversation
controller and tested without a window in ``tests/control/test_history_races.py``.
"""

from __future__ import annotations

from collections.abc import Callable

from desktop_app.core.frames import Role
from desktop_app.core.transcript import TranscriptEntry
from desktop_app.demo.server import DemoServer
from desktop_app.ui.main_window import MainWindow
from tests.ui.conftest import LoopDriver, open_connected

WindowFactory = Callable[..., MainWindow]


def reply(content: str) -> TranscriptEntry:
    return TranscriptEntry(
        role=Role.BOT, name="SDM Assistant", content=content, timestamp="2026-11-25T10:00:00+00:00"
    )


def test_a_burst_of_live_messages_is_shown_in_order_in_one_insertion(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory
) -> None:
    window = make_window()
    open_connected(driver, window, demo.create_conversation())
    driver.wait_until(lambda: window.controller.phase.value == "ready")
    inserted: list[tuple[int, int]] = []
    window.transcript.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))

    def burst() -> None:  # frames that arrive together, in one turn of the loop
        for n in range(30):
            window.show_live(reply(f"reply {n}"), None)

    driver.call(burst)
    driver.wait_until(lambda: window.transcript.rowCount() == 30)
    assert [e.content for e in window.transcript.entries()] == [f"reply {n}" for n in range(30)]
    assert inserted == [(0, 29)]  # the view lays out once, not 30 times


def test_live_messages_not_yet_shown_stay_with_their_conversation(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory
) -> None:
    window = make_window()
    first, second = demo.create_conversation(), demo.create_conversation()
    open_connected(driver, window, first)
    driver.wait_until(lambda: window.controller.phase.value == "ready")

    def arrive_then_switch() -> None:
        window.show_live(reply("a reply"), None)
        window.open_conversation(second)

    driver.call(arrive_then_switch)
    # Opening the second conversation shows its (empty) history once it is loaded:
    driver.wait_until(lambda: window.controller.phase.value == "ready")
    # A later live message of the second conversation: once it is shown, whatever was
    # pending before it has been shown or dropped (they are shown in arrival order).
    driver.call(window.show_live, reply("the second's reply"), None)
    driver.wait_until(lambda: window.transcript.rowCount() > 0)
    assert [e.content for e in window.transcript.entries()] == ["the second's reply"]
