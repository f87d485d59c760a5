"""Finding 6: the embedded demo server's data is marked as such and can be wiped.

Clinicians may type real patient text into the default (demo) server, which keeps
every conversation in a file. The window says it is a demo, always; **File → Wipe
demo data…** asks first (a non-modal box, no nested event loop), then erases the
conversations from the demo database, the outbox and the remembered list, and a
new conversation opens in which the app works as before.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app.app import EMBEDDED_SERVER_KEY
from desktop_app.cli import load_config, parse_command_line
from desktop_app.core.frames import Role
from desktop_app.core.presence import Presence
from desktop_app.demo.server import DemoConfig, DemoServer
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.server_banner import DEMO_WARNING
from desktop_app.ui.settings import Settings
from tests.memory_keyring import MemoryKeyring
from tests.ui.conftest import (
    LoopDriver,
    sign_in_as_a_person,
    start_app,
)

SECRET = "Patient Zelda Quux asks about her knee surgery"


def replies(window: MainWindow) -> int:
    return sum(e.role is Role.BOT for e in window.transcript.entries())


def test_the_demo_is_marked_and_its_data_can_be_wiped(
    driver: LoopDriver, qapp: QApplication, tmp_path: Path
) -> None:
    assert DEMO_WARNING == "Demo server — do not enter patient data"
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    task, window = start_app(driver, qapp, tmp_path, settings)
    driver.wait_until(lambda: window.indicator.presence is Presence.CONNECTED)
    banner = window.server_banner
    driver.wait_until(banner.isVisible)
    assert banner.text() == DEMO_WARNING
    assert banner.textFormat() is Qt.TextFormat.PlainText

    old = window.conversation_id
    assert old is not None
    window.composer.setPlainText(SECRET)
    driver.call(window.on_send)
    driver.wait_until(lambda: replies(window) == 1)
    demo_file = tmp_path / "demo.sqlite"
    outbox_file = tmp_path / "outbox.sqlite3"

    action = window.wipe_demo_data_action
    assert action is not None
    assert action.text() == "&Wipe demo data…"
    driver.call(action.trigger)
    box = window.wipe_demo_data_box
    assert isinstance(box, QMessageBox)
    driver.wait_until(box.isVisible)
    # open(), not exec(): window-modal at most, and the loop kept running meanwhile.
    assert box.windowModality() is not Qt.WindowModality.ApplicationModal
    assert "cannot be undone" in box.text()
    driver.call(box.button(QMessageBox.StandardButton.Cancel).click)
    assert window.conversation_id == old  # cancelled: nothing happened

    driver.call(action.trigger)
    box = window.wipe_demo_data_box
    driver.wait_until(box.isVisible)
    driver.call(box.button(QMessageBox.StandardButton.Yes).click)

    # A new conversation, and the app keeps working in it.
    driver.wait_until(lambda: window.conversation_id not in (None, old))
    driver.wait_until(lambda: window.indicator.presence is Presence.CONNECTED)
    assert window.transcript.entries() == [] or replies(window) == 0
    assert [r.id for r in settings.conversations(EMBEDDED_SERVER_KEY)] == [window.conversation_id]
    window.composer.setPlainText("A new start")
    driver.call(window.on_send)
    driver.wait_until(lambda: replies(window) == 1)

    # The old conversation is gone from the disk: the demo database and the outbox.
    with sqlite3.connect(demo_file) as conn:
        assert conn.execute(
            "SELECT COUNT(*) FROM messages WHERE conversation_id = ?", (old,)
        ).fetchone() == (0,)
        assert conn.execute(
            "SELECT COUNT(*) FROM conversations WHERE id = ?", (old,)
        ).fetchone() == (0,)
    conn.close()
    with sqlite3.connect(outbox_file) as conn:
        assert conn.execute(
            "SELECT COUNT(*) FROM outbox WHERE conversation_id = ?", (old,)
        ).fetchone() == (0,)
    conn.close()
    assert SECRET.encode() not in demo_file.read_bytes()

    driver.call(window.close)
    assert driver.run(task) == 0


def test_a_window_on_another_server_has_no_demo_marker_or_wipe(
    driver: LoopDriver, qapp: QApplication, tmp_path: Path
) -> None:
    remote = DemoServer(DemoConfig())  # stands in for the platform
    driver.run(remote.start())
    try:
        settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
        options = load_config(
            parse_command_line(["--server", remote.base_url]),
            {},
            remembered_server=None,
            default_file=None,
        )
        task, window = start_app(driver, qapp, tmp_path, settings, options, MemoryKeyring())
        sign_in_as_a_person(driver, window)
        assert not window.server_banner.isVisible()
        assert window.wipe_demo_data_action is None
        driver.call(window.close)
        assert driver.run(task) == 0
    finally:
        driver.run(remote.stop())
