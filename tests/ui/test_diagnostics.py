"""Help → Connection diagnostics against real managers on the demo server."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from desktop_app.demo.server import DemoServer
from desktop_app.net.chat import ChatWebSocketManager
from desktop_app.net.manager import WebSocketManager
from desktop_app.net.status import StatusWebSocketManager
from desktop_app.ui.bridge import SessionBridge
from desktop_app.ui.diagnostics import (
    REFRESH_MS,
    ConnectionLog,
    DiagnosticsDialog,
    cell_texts,
    event_details,
)
from desktop_app.ui.network import ManualNetworkSource
from tests.net.conftest import FAST, Recorder
from tests.ui.conftest import LoopDriver

SECRET = "my-secret-diagnosis-7f3a: the biopsy was positive"


class Sockets:
    """A chat and a status manager on the demo server, their bridge, its log, and a
    dialog on them."""

    def __init__(self, driver: LoopDriver, demo: DemoServer, qtbot: QtBot) -> None:
        self.driver = driver
        self.demo = demo
        self.qtbot = qtbot
        self.managers: list[WebSocketManager] = []
        self.bridges: list[SessionBridge] = []
        self.network = ManualNetworkSource()

    def build(self, **overrides: Any) -> tuple[ChatWebSocketManager, StatusWebSocketManager]:
        options = {**FAST, "ping_interval": 0.1, "rng": random.Random(0), **overrides}
        chat = ChatWebSocketManager(self.demo.base_url, **options)
        status = StatusWebSocketManager(self.demo.base_url, **options)
        self.managers += [chat, status]
        return chat, status

    def bridge(self, chat: ChatWebSocketManager, status: StatusWebSocketManager) -> SessionBridge:
        bridge = SessionBridge(chat, status)
        self.bridges.append(bridge)
        return bridge

    def dialog(self, bridge: SessionBridge, log: ConnectionLog) -> DiagnosticsDialog:
        dialog = DiagnosticsDialog(bridge, self.network, log)
        self.qtbot.addWidget(dialog)
        return dialog

    def open(self, conversation_id: str, *managers: WebSocketManager) -> None:
        for manager in managers:
            self.driver.call(manager.connect, conversation_id)
        self.driver.wait_until(lambda: all(m.is_connected for m in managers))

    def close(self) -> None:
        for bridge in self.bridges:
            bridge.close()
        for manager in self.managers:
            self.driver.run(manager.aclose())


@pytest.fixture
def sockets(driver: LoopDriver, demo: DemoServer, qtbot: QtBot) -> Iterator[Sockets]:
    made = Sockets(driver, demo, qtbot)
    yield made
    made.close()


def values(rows: list[list[str]]) -> dict[str, str]:
    """A (label, value) table as a dict."""
    return {row[0]: row[1] for row in rows}


def table(dialog: DiagnosticsDialog, index: int) -> dict[str, str]:
    """A socket table as {label: value}."""
    return values(cell_texts(dialog.socket_tables[index]))


def copied_events(text: str) -> list[list[str]]:
    """The events section of a copied report, as [time, socket, type, details] rows."""
    section = text.split("[Recent events, newest first]\n", 1)[1]
    return [[*re.split(r" {2,}", line), ""][:4] for line in section.splitlines()]


def event_types(dialog: DiagnosticsDialog, socket: str) -> list[str]:
    return [row[2] for row in cell_texts(dialog.events_table) if row[1] == socket]


def test_the_dialog_shows_both_sockets_live(
    driver: LoopDriver, demo: DemoServer, sockets: Sockets
) -> None:
    chat, status = sockets.build()
    bridge = sockets.bridge(chat, status)
    log = ConnectionLog(bridge)
    dialog = sockets.dialog(bridge, log)
    assert table(dialog, 0)["State"] == "idle"
    assert table(dialog, 0)["Conversation"] == "—"

    conversation_id = demo.create_conversation()
    sockets.open(conversation_id, chat, status)
    driver.call(dialog.show)
    assert not dialog.isModal()

    for index, manager in enumerate((chat, status)):
        shown = table(dialog, index)
        assert shown["State"] == "open"
        assert shown["Conversation"] == conversation_id
        assert shown["Reconnect attempts"] == "0/5"
        assert shown["Listeners"] == str(manager.listener_count) == "2"  # the bridge's
        assert shown["Last close"] == shown["Failure reason"] == shown["Next retry in"] == "—"
        assert shown["Network available"] == "yes"
    assert table(dialog, 1)["Status listeners"] == "1"  # the bridge's
    assert "Status listeners" not in table(dialog, 0)

    # 0.1 s: the first pings go out; the timer shows their round trips.
    driver.wait_until(lambda: table(dialog, 0)["Latency"].endswith(" ms"), timeout=5)
    driver.wait_until(lambda: table(dialog, 1)["Latency"].endswith(" ms"), timeout=5)
    assert chat.latency is not None
    dialog.refresh()  # pongs keep arriving: compare with the same moment's latency
    assert table(dialog, 0)["Latency"] == f"{round(chat.latency * 1000)} ms"

    # A listener added now shows at the next refresh.
    unsubscribe = chat.on_message(lambda _event: None)
    driver.wait_until(lambda: table(dialog, 0)["Listeners"] == "3", timeout=2)
    unsubscribe()

    assert values(cell_texts(dialog.assistant_table)) == {
        "Thinking": "no",
        "Extracting": "no",
        "Summary generating": "no",
    }
    assert values(cell_texts(dialog.network_table)) == {"Online": "yes", "Backend": "manual"}
    sockets.network.set_online(False)
    driver.wait_until(lambda: values(cell_texts(dialog.network_table))["Online"] == "no", 2)

    assert sorted(row[1:3] for row in cell_texts(dialog.events_table)) == [
        ["Chat", "connection_established"],
        ["Status", "connection_established"],
    ]
    assert {w.accessibleName() for w in (*dialog.socket_tables, dialog.events_table)} == {
        "Chat socket",
        "Status socket",
        "Recent connection events",
    }
    assert dialog.assistant_table.accessibleName() == "Assistant status"
    assert dialog.network_table.accessibleName() == "Network"
    assert dialog.copy_button.accessibleName() == "Copy diagnostics to clipboard"
    assert dialog.close_button.accessibleName() == "Close diagnostics"


def test_an_outage_shows_reconnecting_and_the_events_newest_first(
    driver: LoopDriver, demo: DemoServer, sockets: Sockets, qtbot: QtBot
) -> None:
    # Long, exact delays: the sockets stay in "reconnecting" while the test looks.
    chat, status = sockets.build(reconnect_delay=5.0, max_reconnect_delay=10.0, jitter=False)
    bridge = sockets.bridge(chat, status)
    log = ConnectionLog(bridge)
    dialog = sockets.dialog(bridge, log)
    conversation_id = demo.create_conversation()
    sockets.open(conversation_id, chat, status)
    driver.call(dialog.show)

    driver.run(demo.stop())  # 1001 "going away" to both sockets
    # The dialog's timer, not the test, brings the new state to the tables.
    driver.wait_until(lambda: all(table(dialog, i)["State"] == "reconnecting" for i in (0, 1)))
    for index in (0, 1):
        shown = table(dialog, index)
        assert shown["Reconnect attempts"] == "1/5"
        assert shown["Last close"] == "1001 (going away)"
        assert shown["Conversation"] == conversation_id
        retry_in = float(shown["Next retry in"].removesuffix(" s"))
        assert 0 < retry_in <= 5.0

    for socket in ("Chat", "Status"):
        assert event_types(dialog, socket) == [
            "reconnecting",
            "disconnected",
            "connection_established",
        ]
    rows = cell_texts(dialog.events_table)
    times = [row[0] for row in rows]
    assert times == sorted(times, reverse=True)  # HH:MM:SS.mmm, newest first
    details = {(row[1], row[2]): row[3] for row in rows}
    assert details[("Chat", "disconnected")] == "code 1001 · going away"
    assert details[("Chat", "reconnecting")] == "attempt 1/5 · delay 5000 ms"

    QGuiApplication.clipboard().clear()
    driver.call(qtbot.mouseClick, dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert conversation_id in copied
    assert "State: reconnecting" in copied
    assert "Reconnect attempts: 1/5" in copied
    # The events as copied: the same rows as the table, in the same order.
    assert copied_events(copied) == cell_texts(dialog.events_table)
    assert ["Status", "reconnecting", "attempt 1/5 · delay 5000 ms"] in [
        row[1:] for row in copied_events(copied)
    ]


def test_the_log_never_keeps_chat_frames(
    driver: LoopDriver, demo: DemoServer, sockets: Sockets
) -> None:
    chat, status = sockets.build()
    bridge = sockets.bridge(chat, status)
    log = ConnectionLog(bridge)
    dialog = sockets.dialog(bridge, log)
    frames = Recorder()
    chat.on_message(frames)
    sockets.open(demo.create_conversation(), chat, status)

    assert driver.call(chat.send_message, SECRET)
    driver.wait_until(lambda: frames.of("bot"))  # the echo, then the reply
    assert any(SECRET in str(event) for event in frames.events)

    # (A server frame dressed as a connection event: tests/security/test_spoofed_events.py.)
    entries = log.entries()
    assert sorted((name, event["type"]) for name, event in entries) == [
        ("Chat", "connection_established"),
        ("Status", "connection_established"),
    ]
    assert SECRET not in repr(entries)
    driver.call(dialog.show)
    driver.call(dialog.on_copy_clicked)
    copied = QGuiApplication.clipboard().text()
    assert "connection_established" in copied
    assert SECRET not in copied
    assert SECRET not in repr([cell_texts(t) for t in (*dialog.socket_tables, dialog.events_table)])


def untimed(event: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in event.items() if key != "timestamp"}


def test_the_ring_buffer_keeps_only_the_last_events(
    driver: LoopDriver, demo: DemoServer, sockets: Sockets
) -> None:
    driver.run(demo.stop())  # nobody listens: every attempt fails and is retried
    chat, status = sockets.build(max_reconnect_attempts=None)
    bridge = sockets.bridge(chat, status)
    with pytest.raises(ValueError, match="at least one"):
        ConnectionLog(bridge, size=0)
    log = ConnectionLog(bridge, size=3)
    assert log.size == 3
    seen = Recorder()
    chat.on_message(seen)
    driver.call(chat.connect, "0b7e6c1e-3d5f-4a47-9d0c-5b8d8f0e2a11")

    driver.wait_until(lambda: len(seen.events) >= 6)
    # Between two driver calls the loop stands still: both listeners saw the same events
    # (each stamped with the time it heard it: the same millisecond or the next).
    kept = log.entries()
    assert len(kept) == 3
    assert [("Chat", untimed(event)) for _name, event in kept] == [
        ("Chat", untimed(event)) for event in seen.events[-3:]
    ]
    assert {event["type"] for _name, event in kept} == {"reconnecting"}
    assert [event["attempt"] for _name, event in kept] == [
        event["attempt"] for event in seen.events[-3:]
    ]

    # The session ends: no more events, and the manager has the bridge's listeners fewer.
    listeners = chat.listener_count
    bridge.close()
    assert chat.listener_count == listeners - 2
    count = len(seen.events)
    driver.wait_until(lambda: len(seen.events) >= count + 2)
    assert log.entries() == kept


def test_the_timer_runs_only_while_the_dialog_is_visible(
    driver: LoopDriver, demo: DemoServer, sockets: Sockets, qtbot: QtBot
) -> None:
    chat, status = sockets.build()
    bridge = sockets.bridge(chat, status)
    dialog = sockets.dialog(bridge, ConnectionLog(bridge))
    assert dialog.refresh_timer.interval() == REFRESH_MS
    assert not dialog.refresh_timer.isActive()

    driver.call(dialog.show)
    assert dialog.refresh_timer.isActive()
    driver.call(dialog.hide)
    assert not dialog.refresh_timer.isActive()

    # Hidden, it does not follow the sockets: a twin, shown, does, on its timer's ticks.
    twin = sockets.dialog(bridge, ConnectionLog(bridge))
    driver.call(twin.show)
    ticks: list[None] = []
    twin.refresh_timer.timeout.connect(lambda: ticks.append(None))  # after its refresh
    sockets.open(demo.create_conversation(), chat, status)
    opened = len(ticks)
    # Three ticks of an equal timer after the sockets opened: the hidden dialog's timer,
    # had it run, would have refreshed it meanwhile.
    driver.wait_until(lambda: len(ticks) >= opened + 3)
    assert table(twin, 0)["State"] == "open"
    assert table(dialog, 0)["State"] == "idle"
    # ...and shown again, it is up to date at once.
    driver.call(dialog.show)
    assert dialog.refresh_timer.isActive()
    assert table(dialog, 0)["State"] == "open"

    driver.call(qtbot.mouseClick, dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert not dialog.refresh_timer.isActive()


@pytest.mark.parametrize(
    ("event", "details"),
    [
        ({"type": "connection_established"}, ""),
        (
            {"type": "disconnected", "code": None, "reason": "connection lost"},
            "code 1006 · connection lost",
        ),
        ({"type": "disconnected", "code": 1000, "reason": ""}, "code 1000"),
        (
            {"type": "reconnecting", "attempt": 2, "max": None, "delay": 0.25},
            "attempt 2/∞ · delay 250 ms",
        ),
        ({"type": "connection_failed", "reason": "the server refused"}, "the server refused"),
        ({"type": "offline"}, ""),
    ],
)
def test_event_details_in_words(event: dict[str, Any], details: str) -> None:
    assert event_details(event) == details


def test_a_dialog_before_anything_connects(driver: LoopDriver, sockets: Sockets) -> None:
    bridge = sockets.bridge(*sockets.build())
    dialog = sockets.dialog(bridge, ConnectionLog(bridge))
    assert values(cell_texts(dialog.assistant_table)) == {
        "Thinking": "no",
        "Extracting": "no",
        "Summary generating": "no",
    }
    assert "(none)" in dialog.as_text()  # no events yet
    assert table(dialog, 0)["Reconnect attempts"] == "0/5"
    assert table(dialog, 1)["State"] == "idle"
