"""Nothing typed is lost: the outbox in the window, against the demo server.

Each test runs twice: with the demo server echoing the client message id, and
without (like the real server), where delivery is found by echo text and history.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.core.machine import ConnectionState
from desktop_app.core.outbox import OutboxLimits
from desktop_app.core.presence import Presence
from desktop_app.core.transcript import DeliveryState
from desktop_app.demo.server import DemoConfig, DemoServer
from desktop_app.store.outbox import OutboxStore
from desktop_app.ui.ai_status_banner import THINKING
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.network import ManualNetworkSource
from tests.faultproxy import FaultProxy
from tests.ui.conftest import LoopDriver, open_connected

WindowFactory = Callable[..., MainWindow]

#: Sent last to prove that nothing sent before it is still on its way (send_one_more).
ONE_MORE = "one more, sent last"

ECHO_MODES = pytest.mark.parametrize(
    "demo_config",
    [
        DemoConfig(reply_delay_s=0.05, step_delay_s=0.02),
        DemoConfig(reply_delay_s=0.05, step_delay_s=0.02, echo_client_ids=False),
    ],
    ids=["ids-echoed", "like-the-real-server"],
)


def user_texts(demo: DemoServer, conversation: str) -> list[str]:
    return [m["content"] for m in demo.history(conversation) if m["role"] == "user"]


def send(driver: LoopDriver, window: MainWindow, text: str | None = None) -> None:
    """Press Send (with ``text`` typed first) and wait until the outbox answered."""
    if text is not None:
        window.composer.setPlainText(text)
    driver.call(window.on_send)
    if window.sending is not None:
        driver.run(window.sending)


def send_one_more(driver: LoopDriver, window: MainWindow, demo: DemoServer) -> None:
    """Send :data:`ONE_MORE` in the open conversation; wait until the server stored it.

    The server reads a chat socket's frames in order and the outbox sends one message
    at a time: once this one is stored, every frame the window sent before it has been
    handled. A copy of an earlier message would be in the history by then.
    """
    conversation = window.conversation_id
    assert conversation is not None
    send(driver, window, ONE_MORE)
    driver.wait_until(lambda: user_texts(demo, conversation)[-1:] == [ONE_MORE])


def states(window: MainWindow) -> list[tuple[str, DeliveryState]]:
    return [(e.content, e.state) for e in window.transcript.entries() if e.role.value == "user"]


@ECHO_MODES
def test_messages_typed_offline_are_queued_then_sent_in_order_once(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window(reconnect_delay=30.0, max_reconnect_delay=60.0)
    conversation = demo.create_conversation()
    open_connected(driver, window, conversation)
    network = window.services.network
    assert isinstance(network, ManualNetworkSource)

    network.set_online(False)
    driver.wait_until(lambda: window.indicator.presence is Presence.OFFLINE)
    for text in ("first", "second", "first"):  # the same text twice, on purpose
        window.composer.setPlainText(text)
        driver.call(qtbot.keyClick, window.composer, Qt.Key.Key_Return)
        assert window.sending is not None
        driver.run(window.sending)
    assert window.composer.text() == ""
    assert states(window) == [
        ("first", DeliveryState.QUEUED),
        ("second", DeliveryState.QUEUED),
        ("first", DeliveryState.QUEUED),
    ]
    assert user_texts(demo, conversation) == []

    network.set_online(True)
    driver.wait_until(lambda: len(user_texts(demo, conversation)) >= 3)
    driver.wait_until(
        lambda: [s for _, s in states(window)] == [DeliveryState.DELIVERED] * 3, timeout=10
    )
    driver.wait_until(lambda: window.services.outbox.undelivered(conversation) == [])
    send_one_more(driver, window, demo)
    assert user_texts(demo, conversation) == ["first", "second", "first", ONE_MORE]


@ECHO_MODES
def test_a_message_sent_as_the_connection_dies_arrives_once(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window()
    conversation = demo.create_conversation()
    open_connected(driver, window, conversation)

    send(driver, window, "just before the drop")
    driver.run(demo.stop(abort=True))  # the echo may or may not have come back
    driver.run(demo.start())
    driver.wait_until(lambda: window.indicator.presence is Presence.CONNECTED)
    driver.wait_until(lambda: window.services.outbox.undelivered(conversation) == [])
    send_one_more(driver, window, demo)
    assert user_texts(demo, conversation) == ["just before the drop", ONE_MORE]


def test_queued_messages_survive_a_restart(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory, tmp_path: Path
) -> None:
    first = make_window(outbox_file=tmp_path / "outbox.sqlite3")
    conversation = demo.create_conversation()
    open_connected(driver, first, conversation)
    driver.run(demo.stop())
    send(driver, first, "typed while the server was down")
    assert states(first) == [("typed while the server was down", DeliveryState.QUEUED)]
    # The app quits: window, sockets and outbox sender go away; the outbox file stays.
    driver.call(first.close)
    for closing in (first.services.chat, first.services.status, first.services.outbox):
        driver.run(closing.aclose())

    driver.run(demo.start())
    second = make_window(outbox_file=tmp_path / "outbox.sqlite3")
    driver.call(second.open_conversation, conversation)
    driver.wait_until(lambda: user_texts(demo, conversation) == ["typed while the server was down"])
    driver.wait_until(
        lambda: states(second) == [("typed while the server was down", DeliveryState.DELIVERED)]
    )


def test_a_full_outbox_refuses_with_an_explanation_and_keeps_the_text(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory
) -> None:
    window = make_window(limits=OutboxLimits(max_messages=2))
    conversation = demo.create_conversation()
    driver.call(window.open_conversation, conversation)
    driver.run(demo.stop())  # nothing can leave
    for text in ("one", "two", "three"):
        send(driver, window, text)

    assert [c for c, _ in states(window)] == ["one", "two"]
    assert window.composer.text() == "three"  # not lost
    box = window.refusal_box
    assert isinstance(box, QMessageBox)
    assert "2 messages are already waiting" in box.text()


def test_a_failed_message_can_be_retried_or_deleted(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory, tmp_path: Path
) -> None:
    conversation = demo.create_conversation()
    with OutboxStore(tmp_path / "outbox.sqlite3") as store:
        # Failed in an earlier run, after max_attempts sends without delivery.
        keep, drop = (store.add(conversation, text) for text in ("keep me", "drop me"))
        for entry in (keep, drop):
            store.mark_sent(entry.client_id)
            store.mark_failed(entry.client_id)
    window = make_window(outbox_file=tmp_path / "outbox.sqlite3")
    driver.run(demo.stop())
    driver.call(window.open_conversation, conversation)
    outbox = window.services.outbox
    assert states(window) == [("keep me", DeliveryState.FAILED), ("drop me", DeliveryState.FAILED)]
    assert window.transcript.entries()[0].failure == "This message could not be sent."

    view = window.transcript_view
    second_row = view.visualRect(window.transcript.index(1)).center()
    driver.call(window.on_transcript_menu, second_row)
    actions = window.transcript_menu.actions()
    assert [a.text() for a in actions] == [
        "&Retry sending",
        "&Delete message",
        "&Copy text",
        "Send in a &new conversation",
    ]
    driver.call(actions[1].trigger)
    assert [c for c, _ in states(window)] == ["keep me"]

    driver.run(demo.start())
    first_row = view.visualRect(window.transcript.index(0)).center()
    driver.call(window.on_transcript_menu, first_row)
    driver.call(window.transcript_menu.actions()[0].trigger)
    driver.wait_until(lambda: user_texts(demo, conversation) == ["keep me"])
    driver.wait_until(lambda: states(window) == [("keep me", DeliveryState.DELIVERED)])
    assert outbox.get(drop.client_id) is None
    driver.wait_until(lambda: outbox.undelivered(conversation) == [])  # written DELIVERED
    driver.call(window.on_transcript_menu, QPoint(-5, -5))  # nowhere: no menu, no error


@ECHO_MODES
def test_messages_left_in_another_conversation_are_delivered_in_the_background(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory
) -> None:
    window = make_window(background=True, reconnect_delay=30.0, max_reconnect_delay=60.0)
    first, second = demo.create_conversation(), demo.create_conversation()
    open_connected(driver, window, first)
    network = window.services.network
    assert isinstance(network, ManualNetworkSource)
    background = window.services.background
    assert background is not None
    # Offline: the window's socket and the background's wait for the network.
    drive = [window.services.chat, window.services.status, background.chat]
    for manager in drive:
        manager.set_network_available(False)
    for text in ("left behind 1", "left behind 2"):
        send(driver, window, text)
    driver.call(window.open_conversation, second)  # the user moves on before they leave
    for manager in drive:
        manager.set_network_available(True)

    driver.wait_until(lambda: len(user_texts(demo, first)) >= 2)
    driver.wait_until(lambda: window.services.outbox.undelivered(first) == [])
    assert background.chat.current_conversation_id == first
    driver.wait_until(lambda: not background.chat.is_connected)  # idle once done
    # The server has read the background socket to its end: its frames are all handled.
    driver.wait_until(lambda: window.indicator.presence is Presence.CONNECTED)
    driver.wait_until(lambda: demo.websocket_count == 2)  # the window's chat and status
    assert user_texts(demo, first) == ["left behind 1", "left behind 2"]
    send_one_more(driver, window, demo)  # on the window's socket, in the second conversation
    assert user_texts(demo, second) == [ONE_MORE]
    assert user_texts(demo, first) == ["left behind 1", "left behind 2"]


def test_a_message_left_by_the_last_run_is_delivered_without_opening_its_conversation(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory, tmp_path: Path
) -> None:
    first, second = demo.create_conversation(), demo.create_conversation()
    with OutboxStore(tmp_path / "outbox.sqlite3") as store:
        store.add(first, "from the last run")
    window = make_window(background=True, outbox_file=tmp_path / "outbox.sqlite3")
    driver.call(window.open_conversation, second)  # the app starts on another conversation
    driver.wait_until(lambda: user_texts(demo, first) == ["from the last run"])

    open_connected(driver, window, first)
    driver.wait_until(lambda: states(window) == [("from the last run", DeliveryState.DELIVERED)])
    assert user_texts(demo, first) == ["from the last run"]


def test_opening_the_conversation_the_background_waits_on_takes_it_over(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory, tmp_path: Path
) -> None:
    first, second = demo.create_conversation(), demo.create_conversation()
    with OutboxStore(tmp_path / "outbox.sqlite3") as store:
        store.add(first, "waiting for the network")
    window = make_window(background=True, outbox_file=tmp_path / "outbox.sqlite3")
    background = window.services.background
    assert background is not None
    managers = [window.services.chat, window.services.status, background.chat]
    for manager in managers:
        manager.set_network_available(False)
    driver.call(window.open_conversation, second)
    driver.wait_until(lambda: background.chat.current_conversation_id == first)
    # It would send when back (in a list: mypy would narrow the property for good).
    assert [background.chat.state] == [ConnectionState.OFFLINE]

    driver.call(window.open_conversation, first)  # the user opens it first
    assert background.chat.state is ConnectionState.CLOSED
    background_states: list[ConnectionState] = []
    background.chat.on_state_change(background_states.append)
    for manager in managers:
        manager.set_network_available(True)
    driver.wait_until(
        lambda: states(window) == [("waiting for the network", DeliveryState.DELIVERED)]
    )
    send_one_more(driver, window, demo)
    assert user_texts(demo, first) == ["waiting for the network", ONE_MORE]
    assert background_states == []  # it stayed closed: never connected to send


@pytest.mark.parametrize("demo_config", [DemoConfig(reply_delay_s=1.0, step_delay_s=0.02)])
def test_a_thinking_flag_is_cleared_when_the_reply_is_already_in_the_history(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory
) -> None:
    proxy = FaultProxy("127.0.0.1", demo.port)
    driver.run(proxy.start())
    try:
        # The sockets go through the proxy and do not ping: a dead link goes unnoticed.
        window = make_window(server=proxy.url(), ping_interval=3600.0)
        conversation = demo.create_conversation()
        open_connected(driver, window, conversation)
        send(driver, window, "question")
        driver.wait_until(lambda: window.ai_status.label.text() == THINKING)  # thinking_start

        # 0 s: the link dies silently; 1 s: the reply is stored, thinking_end is lost.
        proxy.blackhole()
        driver.wait_until(
            lambda: [m["role"] for m in demo.history(conversation)] == ["user", "bot"]
        )
        assert window.ai_status.label.text() == THINKING
        driver.call(window.controller.reload)  # what every reconnect does
        driver.wait_until(lambda: window.ai_status.label.text() != THINKING)
    finally:
        driver.run(proxy.stop())


@ECHO_MODES
def test_the_live_transcript_keeps_the_servers_order(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory
) -> None:
    # Replies to earlier messages arrive while later ones are still queued: on screen
    # they must stand where the server stored them, not after the queued ones.
    window = make_window(reconnect_delay=30.0, max_reconnect_delay=60.0)
    conversation = demo.create_conversation()
    open_connected(driver, window, conversation)
    network = window.services.network
    assert isinstance(network, ManualNetworkSource)
    network.set_online(False)
    for number in range(6):
        send(driver, window, f"message {number}")
    network.set_online(True)

    def server_order() -> list[tuple[str, str]]:
        return [(m["role"], m["content"]) for m in demo.history(conversation)]

    driver.wait_until(lambda: len(server_order()) == 12)
    driver.wait_until(lambda: len(window.transcript.entries()) == 12)
    assert [(e.role.value, e.content) for e in window.transcript.entries()] == server_order()


def test_the_servers_second_echo_of_a_delivered_message_is_not_shown_twice(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory
) -> None:
    # The chaos test's rare double (seed 571340): a message resent after a drop, settled
    # by the history meanwhile; a server that stores it once echoes the resend to its
    # sender again, and that echo is no new message.
    window = make_window()
    conversation = demo.create_conversation()
    open_connected(driver, window, conversation)
    send(driver, window, "asked once")
    driver.wait_until(lambda: window.services.outbox.undelivered(conversation) == [])
    driver.wait_until(lambda: [text for text, _ in states(window)] == ["asked once"])
    first = next(e for e in window.transcript.entries() if e.content == "asked once")
    assert first.client_message_id is not None

    # The same frame again on the same socket, as a resend sends it.
    assert window.services.chat.send_message(
        "asked once", client_message_id=first.client_message_id
    )
    send_one_more(driver, window, demo)  # the second echo came before this one's
    driver.wait_until(lambda: ONE_MORE in [text for text, _ in states(window)])

    assert user_texts(demo, conversation) == ["asked once", ONE_MORE]  # stored once
    assert [text for text, _ in states(window)] == ["asked once", ONE_MORE]
