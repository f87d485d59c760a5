"""The composition root: the app starts on the embedded demo server and quits cleanly."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from desktop_app.app import EMBEDDED_SERVER_KEY
from desktop_app.cli import load_config, parse_command_line
from desktop_app.core.presence import Presence
from desktop_app.demo.server import DEMO_PASSWORD, DemoConfig, DemoServer
from desktop_app.ui.settings import Settings
from tests.memory_keyring import MemoryKeyring
from tests.ui.conftest import LoopDriver, sign_in_as_a_person, start_app


def test_first_start_opens_a_new_conversation_and_a_restart_reopens_it(
    driver: LoopDriver, qapp: QApplication, tmp_path: Path
) -> None:
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    task, window = start_app(driver, qapp, tmp_path, settings)
    driver.wait_until(lambda: window.indicator.presence is Presence.CONNECTED)
    assert window.services.client.is_signed_in  # the demo account, no dialog
    conversation = window.conversation_id
    assert conversation is not None
    assert settings.last_conversation(EMBEDDED_SERVER_KEY) == conversation

    window.composer.setPlainText("Hello")
    driver.call(window.on_send)
    driver.wait_until(lambda: len(window.transcript.entries()) == 2)
    driver.call(window.close)
    assert driver.run(task) == 0
    assert window.services.chat.state.value == "closed"

    # A restart (new port, same data file) reopens the same conversation with its history.
    task, window = start_app(driver, qapp, tmp_path, settings)
    assert window.conversation_id == conversation
    driver.wait_until(lambda: len(window.transcript.entries()) == 2)
    driver.call(window.close)
    assert driver.run(task) == 0


def test_a_server_and_its_session_are_remembered_for_the_next_start(
    driver: LoopDriver, qapp: QApplication, tmp_path: Path
) -> None:
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    keyring = MemoryKeyring()
    remote = DemoServer(DemoConfig())  # stands in for the platform: sign-in required
    driver.run(remote.start())
    conversation = remote.create_conversation()
    try:
        for start, argv in enumerate(
            (["--server", remote.base_url, "--conversation", conversation], [])
        ):
            options = load_config(
                parse_command_line(argv),
                {},
                remembered_server=settings.last_server(),
                default_file=None,
            )
            task, window = start_app(driver, qapp, tmp_path, settings, options, keyring)
            assert window.services.server_label == remote.base_url
            assert window.conversation_id == conversation
            if start == 0:
                # No session yet: nothing connects before the person signs in.
                assert window.services.chat.state.value == "idle"
                sign_in_as_a_person(driver, window)
            indicator = window.indicator
            driver.wait_until(lambda: indicator.presence is Presence.CONNECTED)  # noqa: B023
            driver.wait_until(lambda: indicator.attention is None)  # noqa: B023
            if start == 1:
                assert window.sign_in_dialog is None  # the kept session was enough
            driver.call(window.close)
            assert driver.run(task) == 0
    finally:
        driver.run(remote.stop())
    assert settings.last_server() == remote.base_url
    assert "sessionid" in next(iter(keyring.entries.values()))  # never the password
    assert DEMO_PASSWORD not in str(keyring.entries)
