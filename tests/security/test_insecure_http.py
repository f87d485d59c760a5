"""Finding 9: plain http:// to another computer is said, and only this machine counts as local.

``--allow-insecure`` lets the app use ``http://`` on a trusted network; the password
then crosses the network in clear, so the window and the sign-in dialog say so for
as long as it lasts. ``*.localhost`` names are resolved through DNS by many systems
(glibc does), so only names and addresses that cannot leave this machine count as
local: 127.0.0.0/8, ::1 (also written as ``::ffff:127.x.y.z``) and ``localhost``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from desktop_app.control.session import SessionController
from desktop_app.core.endpoints import ServerEndpoints, is_loopback_host
from desktop_app.core.errors import InsecureServerError
from desktop_app.net.chat import ChatWebSocketManager
from desktop_app.net.http import PlatformClient
from desktop_app.net.outbox import OutboxSender
from desktop_app.net.status import StatusWebSocketManager
from desktop_app.store.outbox import OutboxStore
from desktop_app.ui.main_window import MainWindow, WindowServices
from desktop_app.ui.network import ManualNetworkSource
from desktop_app.ui.server_banner import INSECURE_WARNING
from desktop_app.ui.settings import Settings
from tests.ui.conftest import LoopDriver

NOT_SECURE = "Not secure: this server address uses http://, your password is sent unencrypted"


def test_the_warning_reads_as_asked() -> None:
    assert INSECURE_WARNING == NOT_SECURE


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("::ffff:127.0.0.1", True),
        ("localhost", True),
        ("LOCALHOST", True),
        # Resolved through DNS by glibc and others: anyone's answer may be returned.
        ("app.localhost", False),
        ("localhost.", False),
        ("sdm.localhost", False),
        ("192.0.2.1", False),
        ("::ffff:192.0.2.1", False),
    ],
)
def test_only_what_cannot_leave_the_machine_counts_as_loopback(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_a_localhost_subdomain_needs_the_insecure_allowance() -> None:
    with pytest.raises(InsecureServerError):
        ServerEndpoints.from_base_url("http://demo.localhost:8000")
    allowed = ServerEndpoints.from_base_url("http://demo.localhost:8000", allow_insecure=True)
    assert allowed.origin == "http://demo.localhost:8000"


@pytest.fixture
def window_on(
    driver: LoopDriver, qtbot: QtBot, tmp_path: Path
) -> Iterator[Callable[[str], MainWindow]]:
    """A window on ``base_url`` (never contacted: no conversation is opened)."""
    built: list[MainWindow] = []
    stores: list[OutboxStore] = []

    def build(base_url: str) -> MainWindow:
        client = PlatformClient(base_url, allow_insecure=True)
        chat = ChatWebSocketManager(base_url, allow_insecure=True)
        status = StatusWebSocketManager(base_url, allow_insecure=True)
        session = SessionController(client, [chat, status], server_key="test", store=None)
        store = OutboxStore(tmp_path / f"outbox-{len(stores)}.sqlite3")
        stores.append(store)
        window = MainWindow(
            WindowServices(
                server_label=base_url,
                settings_key=base_url,
                chat=chat,
                status=status,
                client=client,
                network=ManualNetworkSource(),
                settings=Settings(
                    QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
                ),
                outbox=OutboxSender(store, chat, client.history),
                session=session,
            )
        )
        qtbot.addWidget(window)
        window.show()
        built.append(window)
        return window

    yield build
    for window in built:
        driver.call(window.quit_app)
        driver.run(window.controller.aclose())
        driver.run(window.services.chat.aclose())
        driver.run(window.services.status.aclose())
        driver.run(window.services.session.aclose())
        driver.run(window.services.client.aclose())
        driver.run(window.services.outbox.aclose())
    for store in stores:
        store.close()


@pytest.mark.parametrize("base_url", ["http://192.0.2.10:8000", "http://sdm.localhost:8000"])
def test_plain_http_to_another_computer_is_marked_in_the_window_and_the_sign_in_dialog(
    driver: LoopDriver, window_on: Callable[[str], MainWindow], base_url: str
) -> None:
    window = window_on(base_url)
    banner = window.server_banner
    driver.wait_until(banner.isVisible)
    assert banner.textFormat() is Qt.TextFormat.PlainText
    assert banner.text() == NOT_SECURE

    driver.call(window.on_sign_in_requested)
    dialog = window.sign_in_dialog
    assert dialog is not None
    driver.wait_until(dialog.isVisible)
    warning = dialog.insecure_warning
    assert warning is not None
    assert warning.isVisible()
    assert warning.textFormat() is Qt.TextFormat.PlainText
    assert warning.text() == NOT_SECURE
    driver.call(dialog.reject)
    assert banner.isVisible()  # persistent: still there after the dialog


@pytest.mark.parametrize("base_url", ["https://sdm.example.org", "http://127.0.0.1:8000"])
def test_no_warning_for_https_or_this_machine(
    driver: LoopDriver, window_on: Callable[[str], MainWindow], base_url: str
) -> None:
    window = window_on(base_url)
    driver.call(window.on_sign_in_requested)
    dialog = window.sign_in_dialog
    assert dialog is not None
    driver.wait_until(dialog.isVisible)
    assert not window.server_banner.isVisible()
    assert dialog.insecure_warning is None
    driver.call(dialog.reject)
