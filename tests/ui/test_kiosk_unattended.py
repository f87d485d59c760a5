"""Issue 14: a kiosk runs unattended through a server restart and a session expiry.

The whole app (:func:`desktop_app.app.run`, offscreen) in kiosk mode against a demo
server that requires a session and keeps its sessions in a file (they survive its
restarts), with the kiosk's service account kept in a password store (a
:class:`MemoryKeyring`). Nobody types a password: the sign-in dialog never opens.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from desktop_app.app import run
from desktop_app.cli import load_config, parse_command_line
from desktop_app.core.conversation import NoticeAction
from desktop_app.core.presence import Presence
from desktop_app.core.session import SessionState
from desktop_app.demo.server import (
    ANONYMOUS_NAME,
    DEMO_DISPLAY_NAME,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DemoConfig,
    DemoServer,
)
from desktop_app.store.credentials import CredentialStore
from desktop_app.store.session_cookies import SessionCookieStore
from desktop_app.ui.diagnostics import session_rows
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.network import ManualNetworkSource
from desktop_app.ui.settings import Settings
from tests.kiosk_pin import PIN_ARGS
from tests.memory_keyring import MemoryKeyring
from tests.ui.conftest import LoopDriver
from tests.ui.test_kiosk import SCALED_DOWN


@pytest.fixture
def server(driver: LoopDriver, tmp_path: Path) -> Iterator[DemoServer]:
    demo = DemoServer(
        DemoConfig(data_path=tmp_path / "platform.sqlite", reply_delay_s=0.05, step_delay_s=0.02)
    )
    driver.run(demo.start())
    yield demo
    driver.run(demo.stop())


def start_kiosk(
    driver: LoopDriver,
    qapp: QApplication,
    tmp_path: Path,
    server: DemoServer,
    keyring: MemoryKeyring,
    conversation: str,
) -> tuple[asyncio.Task[int], MainWindow]:
    argv = ["--kiosk", "--server", server.base_url, "--conversation", conversation, *PIN_ARGS]
    extra = ["--set", "kiosk_sign_in_retry_s=0.05", "--set", "kiosk_sign_in_max_retry_s=0.4"]
    config = load_config(
        parse_command_line([*argv, *SCALED_DOWN, *extra]),
        {},
        remembered_server=None,
        default_file=None,
    )
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    ready: asyncio.Future[MainWindow] = driver.loop.create_future()
    task = driver.loop.create_task(
        run(
            config,
            qapp,
            settings=settings,
            network=ManualNetworkSource(),
            outbox_path=tmp_path / "outbox.sqlite3",
            session_store=lambda: SessionCookieStore(backend=keyring),
            credential_store=lambda: CredentialStore(backend=keyring),
            window_ready=ready,
        )
    )
    return task, driver.run(ready)


def send_and_wait_stored(
    driver: LoopDriver, window: MainWindow, server: DemoServer, text: str
) -> dict[str, object]:
    conversation = window.conversation_id
    assert conversation is not None
    window.composer.setPlainText(text)
    driver.call(window.on_send)

    def stored() -> dict[str, object] | None:
        for message in server.history(conversation):
            if message["role"] == "user" and message["content"] == text:
                return message
        return None

    driver.wait_until(lambda: stored() is not None)
    message = stored()
    assert message is not None
    return message


def test_a_kiosk_signs_in_by_itself_at_start_after_expiry_and_across_restarts(
    driver: LoopDriver, qapp: QApplication, tmp_path: Path, server: DemoServer
) -> None:
    keyring = MemoryKeyring()
    # The administrator's --store-credentials, once.
    CredentialStore(backend=keyring).save(server.base_url, DEMO_EMAIL, DEMO_PASSWORD)
    conversation = server.create_conversation()
    task, window = start_kiosk(driver, qapp, tmp_path, server, keyring, conversation)
    session = window.services.session
    assert session.signs_in_by_itself

    def signed_in_and_connected() -> bool:
        return (
            session.state is SessionState.SIGNED_IN
            and window.indicator.presence is Presence.CONNECTED
            and window.indicator.attention is None
        )

    # Start: no session kept yet, signed in with the stored account, no dialog.
    driver.wait_until(signed_in_and_connected)
    assert window.sign_in_dialog is None
    first = send_and_wait_stored(driver, window, server, "At start")
    assert first["name"] == DEMO_DISPLAY_NAME

    # The server lets the session expire; the next request finds it ended (any
    # request does; here the history, as after each reconnect) and the kiosk signs
    # in again by itself.
    cookie_before = window.services.client.session.cookie
    assert server.expire_sessions() >= 1
    driver.call(window.controller.reload)
    driver.wait_until(lambda: window.services.client.session.cookie != cookie_before)
    driver.wait_until(signed_in_and_connected)
    after_expiry = send_and_wait_stored(driver, window, server, "After the expiry")
    assert after_expiry["name"] == DEMO_DISPLAY_NAME
    assert after_expiry["name"] != ANONYMOUS_NAME

    # The server restarts (its sessions are in its file): the kiosk reconnects, still signed in.
    driver.run(server.stop())
    driver.wait_until(lambda: window.indicator.presence is not Presence.CONNECTED)
    driver.run(server.start())
    driver.wait_until(signed_in_and_connected)
    after_restart = send_and_wait_stored(driver, window, server, "After the restart")
    assert after_restart["name"] == DEMO_DISPLAY_NAME

    # Both at once: the session expires while the server is down. Nothing is called:
    # the reconnect's history request finds the session ended, and a sign-in follows.
    driver.run(server.stop())
    driver.wait_until(lambda: window.indicator.presence is not Presence.CONNECTED)
    assert server.expire_sessions() >= 1
    cookie_before = window.services.client.session.cookie
    driver.run(server.start())
    driver.wait_until(lambda: window.services.client.session.cookie != cookie_before)
    driver.wait_until(signed_in_and_connected)
    last = send_and_wait_stored(driver, window, server, "After both")
    assert last["name"] == DEMO_DISPLAY_NAME

    assert window.sign_in_dialog is None  # nobody was asked, ever
    assert window.kiosk is not None
    assert not window.kiosk.banner.isVisible()
    # The password is in the credential entry only, never in the session's.
    session_entries = [v for (service, _), v in keyring.entries.items() if "session" in service]
    assert session_entries
    assert all(DEMO_PASSWORD not in entry for entry in session_entries)
    driver.call(window.quit_app)
    assert driver.run(task) == 0


def test_a_failed_unattended_sign_in_is_on_the_banner_and_retried(
    driver: LoopDriver, qapp: QApplication, tmp_path: Path, server: DemoServer
) -> None:
    keyring = MemoryKeyring()
    credentials = CredentialStore(backend=keyring)
    credentials.save(server.base_url, DEMO_EMAIL, "not the password")
    task, window = start_kiosk(
        driver, qapp, tmp_path, server, keyring, server.create_conversation()
    )
    assert window.kiosk is not None
    banner = window.kiosk.banner
    driver.wait_until(lambda: "email address or password is not correct" in banner.text())
    assert banner.isVisible()
    assert "Trying again by itself" in banner.text()
    assert "not the password" not in banner.text()
    assert window.sign_in_dialog is None
    # Nothing offers a person the sign-in the kiosk does by itself; the diagnostics tell.
    notice = window.notice_bar.notice
    assert notice is None or notice.action is not NoticeAction.SIGN_IN
    rows = dict(session_rows(window.services.session))
    assert "email address or password is not correct" in rows["Unattended sign-in problem"]
    assert int(rows["Unattended sign-in"].split()[0]) >= 1

    # The administrator stores the right password: the next try signs in.
    credentials.save(server.base_url, DEMO_EMAIL, DEMO_PASSWORD)
    driver.wait_until(lambda: window.services.session.state is SessionState.SIGNED_IN)
    driver.wait_until(lambda: window.indicator.presence is Presence.CONNECTED)
    driver.wait_until(lambda: not banner.isVisible())
    assert window.sign_in_dialog is None
    driver.call(window.quit_app)
    assert driver.run(task) == 0


def test_a_kiosk_without_a_stored_account_asks_a_person_as_before(
    driver: LoopDriver, qapp: QApplication, tmp_path: Path, server: DemoServer
) -> None:
    task, window = start_kiosk(
        driver, qapp, tmp_path, server, MemoryKeyring(), server.create_conversation()
    )
    assert not window.services.session.signs_in_by_itself
    driver.wait_until(lambda: window.sign_in_dialog is not None)
    driver.call(window.quit_app)
    assert driver.run(task) == 0
