"""Kiosk mode, offscreen, through the whole app: outages ridden out, no dead end, no exit.

The app runs as :func:`desktop_app.app.run` with a configuration built from a
kiosk command line; the server is a demo server behind a fault proxy, so an
outage is real refused connections. Times are scaled down: a one-minute outage
becomes 6 s, the 30 s retry cap becomes 0.4 s (the same number of attempts
per outage, give or take, as at full scale).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop_app.cli import load_config, parse_command_line
from desktop_app.core.config import AppConfig
from desktop_app.core.frames import Role
from desktop_app.core.machine import ConnectionState
from desktop_app.core.presence import KEEP_WRITING, Presence
from desktop_app.demo.server import DEMO_EMAIL, DEMO_PASSWORD, DemoConfig, DemoServer
from desktop_app.net.http import PlatformClient
from desktop_app.store.session_cookies import SessionCookieStore
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.settings import Settings
from tests.faultproxy import FaultProxy
from tests.kiosk_pin import PIN_ARGS, TEST_PIN
from tests.memory_keyring import MemoryKeyring
from tests.ui.conftest import LoopDriver, start_app

OUTAGE_S = 6.0  # one minute, scaled down by 10
EXIT_KEYS = "Ctrl+Alt+Shift+X"
SCALED_DOWN = [
    "--set", "connection.reconnect_delay_s=0.05",
    "--set", "connection.max_reconnect_delay_s=0.4",
    "--set", "connection.stable_after_s=0.5",
    "--set", "connection.ping_interval_s=0.5",
    "--set", "connection.pong_timeout_s=0.5",
    "--set", "connection.send_probe_timeout_s=0.5",
    "--set", "connection.open_timeout_s=3",
    "--set", "connection.close_timeout_s=0.5",
    "--set", "outbox.echo_timeout_s=5",
    "--set", f"kiosk_exit_keys={EXIT_KEYS}",
]  # fmt: skip


def kept_session(driver: LoopDriver, proxy: FaultProxy) -> MemoryKeyring:
    """A password store holding a session for the kiosk's server, signed in beforehand."""
    keyring = MemoryKeyring()

    async def sign_in() -> None:
        async with PlatformClient(proxy.url()) as client:
            await client.sign_in(DEMO_EMAIL, DEMO_PASSWORD)
            SessionCookieStore(backend=keyring).save(proxy.url(), client.websocket_cookies())

    driver.run(sign_in())
    return keyring


def kiosk_config(proxy: FaultProxy, conversation: str, *extra: str) -> AppConfig:
    argv = [
        *("--kiosk", "--server", proxy.url(), "--conversation", conversation),
        *SCALED_DOWN,
        *PIN_ARGS,
    ]
    return load_config(
        parse_command_line([*argv, *extra]), {}, remembered_server=None, default_file=None
    )


def start_kiosk(
    driver: LoopDriver,
    qapp: QApplication,
    tmp_path: Path,
    server: DemoServer,
    proxy: FaultProxy,
    *extra: str,
    settings_file: str = "settings.ini",
) -> tuple[asyncio.Task[int], MainWindow]:
    """The whole app as a kiosk on a new conversation behind ``proxy``, its session kept
    beforehand, ``extra`` on its command line; once it is connected."""
    settings = Settings(QSettings(str(tmp_path / settings_file), QSettings.Format.IniFormat))
    config = kiosk_config(proxy, server.create_conversation(), *extra)
    keyring = kept_session(driver, proxy)
    task, window = start_app(driver, qapp, tmp_path, settings, config, keyring)
    driver.wait_until(lambda: window.indicator.presence is Presence.CONNECTED)
    return task, window


@pytest.fixture
def kiosk(
    driver: LoopDriver,
    qapp: QApplication,
    tmp_path: Path,
    server: DemoServer,
    proxy: FaultProxy,
) -> Iterator[tuple[asyncio.Task[int], MainWindow]]:
    task, window = start_kiosk(driver, qapp, tmp_path, server, proxy)
    yield task, window
    if not task.done():
        driver.call(window.quit_app)
        assert driver.run(task) == 0


def test_kiosk_mode_is_full_screen_without_chrome_on_the_configured_conversation(
    kiosk: tuple[asyncio.Task[int], MainWindow], server: DemoServer
) -> None:
    _, window = kiosk
    assert window.isFullScreen()
    assert window.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert not window.menuBar().isVisible()
    assert not window.conversations.isVisible()
    assert not window.quit_action.isEnabled()
    assert not window.new_conversation_action.isEnabled()
    assert window.conversation_id is not None
    assert server.history(window.conversation_id) == []  # the configured one, opened
    assert window.kiosk is not None
    assert not window.kiosk.banner.isVisible()
    assert not window.kiosk.banner.counting_down  # an idle kiosk has no timer running
    # Retry forever, whatever the default says.
    assert window.services.chat.snapshot("Chat").max_attempts is None


def test_a_one_minute_outage_scaled_down_never_shows_a_dead_end(
    driver: LoopDriver,
    kiosk: tuple[asyncio.Task[int], MainWindow],
    proxy: FaultProxy,
    server: DemoServer,
) -> None:
    _, window = kiosk
    assert window.kiosk is not None
    assert window.conversation_id is not None
    banner = window.kiosk.banner
    chat = window.services.chat

    # 0 s: the server goes away; every connection attempt is refused.
    proxy.refuse(True)
    proxy.reset()
    driver.wait_until(lambda: banner.isVisible())
    window.composer.setPlainText("Typed during the outage")
    driver.call(window.on_send)

    seen: set[Presence] = set()
    countdowns: set[str] = set()
    most_attempts = 0
    loop = driver.loop
    end = loop.time() + OUTAGE_S
    while loop.time() < end:
        presence = window.indicator.presence
        seen.add(presence)
        assert presence is not Presence.FAILED, window.indicator.summary.text
        assert banner.isVisible(), f"no banner while {presence}"
        assert KEEP_WRITING in banner.text()
        assert "failed" not in banner.text().lower()
        assert window.composer.isEnabled()
        if "Reconnecting in" in banner.text():
            countdowns.add(banner.text().split("Reconnecting in ")[1].split(" ")[0])
            assert banner.counting_down
        most_attempts = max(most_attempts, chat.snapshot("Chat").attempts)
        driver.sleep(0.05)  # looking at the screen through the outage: its length is the subject
    assert Presence.RECONNECTING in seen
    assert countdowns, "the banner never counted down"
    # A desktop would have given up after 5 attempts; the kiosk went on.
    assert most_attempts > 5

    # 6 s: the server is back; the kiosk reconnects by itself and sends what was typed.
    proxy.refuse(False)
    driver.wait_until(lambda: window.indicator.presence is Presence.CONNECTED)
    driver.wait_until(lambda: not banner.isVisible())
    assert not banner.counting_down
    conversation = window.conversation_id

    def delivered_and_answered() -> bool:
        roles = [m["role"] for m in server.history(conversation)]
        return roles.count("user") == 1 and roles[-1] == "bot"

    driver.wait_until(delivered_and_answered)
    driver.wait_until(lambda: window.transcript.entries()[-1].role is Role.BOT)


def test_closing_and_ctrl_q_are_ignored_and_the_admin_keys_quit(
    driver: LoopDriver, qapp: QApplication, kiosk: tuple[asyncio.Task[int], MainWindow]
) -> None:
    task, window = kiosk
    # The app ends when, and only when, the window says it closed.
    seen: list[str] = []
    window.closed.connect(lambda: seen.append("closed"))
    driver.call(window.close)
    QTest.keySequence(window, QKeySequence(QKeySequence.StandardKey.Quit))
    QTest.keyClick(window, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    # A turn of the loop posted after them: what they started has run by then.
    driver.call(seen.append, "handled")
    assert seen == ["handled"]
    assert window.isVisible()
    assert not task.done()

    window.activateWindow()
    QTest.keySequence(window, QKeySequence(EXIT_KEYS))
    # The keys ask for the administrator PIN; typed, the kiosk ends.
    assert window.kiosk is not None
    dialog = window.kiosk.pin_dialog
    assert dialog is not None
    assert dialog.isVisible()
    QTest.keyClicks(dialog.pin_field, TEST_PIN)
    QTest.keyClick(dialog.pin_field, Qt.Key.Key_Return)
    assert driver.run(task) == 0
    assert seen == ["handled", "closed"]  # once, for the admin keys
    assert not window.isVisible()


def test_a_refused_connection_is_tried_again_until_the_server_accepts(
    driver: LoopDriver,
    qapp: QApplication,
    tmp_path: Path,
    server: DemoServer,
    proxy: FaultProxy,
) -> None:
    """A refusal (here: the Origin is not allowed, HTTP 403) ends a desktop's attempts;
    a kiosk says so in the banner, counts down, and tries again."""
    strict = DemoServer(DemoConfig(allowed_hosts=("sdm.example.org",)))
    keyring = kept_session(driver, proxy)
    driver.run(strict.start())
    try:
        proxy.set_upstream("127.0.0.1", strict.port)
        settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
        conversation = server.create_conversation()
        config = kiosk_config(proxy, conversation, "--set", "connection.max_reconnect_delay_s=1")
        task, window = start_app(driver, qapp, tmp_path, settings, config, keyring)
        assert window.kiosk is not None
        banner = window.kiosk.banner
        states: list[ConnectionState] = []
        window.services.chat.on_state_change(states.append)
        driver.wait_until(lambda: "Trying again in" in banner.text())
        assert "HTTP 403" in banner.text()
        assert banner.counting_down  # the watchdog's countdown
        assert window.indicator.presence is Presence.FAILED
        states.clear()
        # Tried again by itself, and refused again: the countdown starts over.
        driver.wait_until(
            lambda: states[-2:] == [ConnectionState.CONNECTING, ConnectionState.FAILED]
        )
        assert "Trying again in" in banner.text()

        proxy.set_upstream("127.0.0.1", server.port)  # the server's settings are fixed
        driver.wait_until(lambda: window.indicator.presence is Presence.CONNECTED)
        driver.wait_until(lambda: not banner.isVisible())
        driver.call(window.quit_app)
        assert driver.run(task) == 0
    finally:
        driver.run(strict.stop())
