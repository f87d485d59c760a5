"""Finding 5: a full disk or an unwritable folder gives a message a person can act on.

Real failures, no mocks: SQLite's ``max_page_count`` makes the outbox's own
connection (opened by the ``connect`` the test gives the store, which keeps it:
:class:`tests.sqlite_limits.KeptConnection`) answer SQLITE_FULL ("database or disk
is full"), exactly as a full disk does; the summary goes to a real full file
system (a small ``tmpfs``) or a real read-only folder (:mod:`tests.security.filesystems`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.core.errors import OutboxWriteError
from desktop_app.demo.server import DemoServer
from desktop_app.store.outbox import OutboxStore
from desktop_app.ui.main_window import MainWindow
from tests.security.filesystems import IS_ROOT, full_disk, read_only_directory
from tests.sqlite_limits import KeptConnection
from tests.ui.conftest import (
    LoopDriver,
    open_connected,
    type_file_name,
)

WindowFactory = Callable[..., MainWindow]

#: Longer than a database page: storing it needs new pages, which a full disk refuses.
SECRET = "Patient Zelda Quux, born 1961, asks about her knee surgery. " * 120


def send(driver: LoopDriver, window: MainWindow) -> None:
    """Press Send and wait until the outbox answered (the disk's answer included)."""
    driver.call(window.on_send)
    if window.sending is not None:
        driver.run(window.sending)


def test_a_full_disk_refuses_the_message_with_a_typed_error_and_keeps_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "outbox.sqlite3"
    kept = KeptConnection()
    with OutboxStore(path, connect=kept) as store:
        kept.fill_up()
        with pytest.raises(OutboxWriteError) as caught:
            store.add("0f8fad5b-d9cb-469f-a165-70867728950e", SECRET)
        assert store.undelivered() == []
    message = str(caught.value)
    assert message == (
        f"the message could not be saved on this computer: the disk is full ({path}). "
        "Free some disk space, then press Send again: your text is still in the message box"
    )
    assert caught.value.path == path
    assert "Zelda" not in message
    assert "Zelda" not in repr(caught.value.__cause__)


def test_send_on_a_full_disk_shows_why_and_keeps_the_text(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory, tmp_path: Path
) -> None:
    kept = KeptConnection()
    window = make_window(outbox_file=tmp_path / "outbox.sqlite3", outbox_connect=kept)
    open_connected(driver, window, demo.create_conversation())
    # On the outbox's own connection, on the writer's thread (its only user).
    writer = window.services.outbox.outbox.writer
    writer.submit(lambda _store: kept.fill_up()).result()

    window.composer.setPlainText(SECRET)
    send(driver, window)  # before the fix: the OutboxError escaped the slot

    box = window.refusal_box
    assert isinstance(box, QMessageBox)
    driver.wait_until(box.isVisible)
    assert not box.isModal() or box.windowModality() is Qt.WindowModality.WindowModal
    assert box.textFormat() is Qt.TextFormat.PlainText
    assert "the disk is full" in box.text()
    assert "press Send again" in box.text()
    assert "Zelda" not in box.text()
    assert window.composer.text() == SECRET  # not lost
    assert window.transcript.entries() == []
    driver.call(box.accept)

    # Space again: the same Send works, nothing was half-stored.
    writer.submit(lambda _store: kept.make_room()).result()
    send(driver, window)
    driver.wait_until(lambda: [e.content for e in window.transcript.entries()][:1] == [SECRET])
    assert window.composer.text() == ""
    assert len(writer.submit(OutboxStore.undelivered).result()) <= 1


def download_into(
    driver: LoopDriver,
    demo: DemoServer,
    window: MainWindow,
    qtbot: QtBot,
    destination: Path,
) -> QMessageBox:
    """Ask for a summary, save it at ``destination`` as a person would; the box shown."""
    open_connected(driver, window, demo.create_conversation())
    window.composer.setPlainText("Please write my summary")
    driver.call(qtbot.keyClick, window.composer, Qt.Key.Key_Return)
    driver.wait_until(window.ai_status.download_button.isVisible)
    driver.call(qtbot.mouseClick, window.ai_status.download_button, Qt.MouseButton.LeftButton)
    driver.wait_until(lambda: window.save_dialog.isVisible())
    type_file_name(driver, window.save_dialog, destination)
    driver.wait_until(lambda: getattr(window, "summary_failed_box", None) is not None)
    box = window.summary_failed_box
    assert isinstance(box, QMessageBox)
    driver.wait_until(box.isVisible)
    assert box.textFormat() is Qt.TextFormat.PlainText
    return box


def test_a_summary_saved_to_a_full_disk_says_so_and_leaves_no_file(
    driver: LoopDriver,
    demo: DemoServer,
    make_window: WindowFactory,
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    window = make_window()
    with full_disk(tmp_path / "full") as folder:
        before = sorted(folder.iterdir())
        box = download_into(driver, demo, window, qtbot, folder / "summary.pdf")
        assert box.text() == (
            f"The summary could not be saved to {folder / 'summary.pdf'}: the disk is full. "
            "Free some disk space or choose another folder, then download it again."
        )
        assert sorted(folder.iterdir()) == before  # no partial file, no temporary file


def test_a_summary_saved_to_a_read_only_folder_says_so(
    driver: LoopDriver,
    demo: DemoServer,
    make_window: WindowFactory,
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    window = make_window()
    with read_only_directory(tmp_path / "read-only") as folder:
        box = download_into(driver, demo, window, qtbot, folder / "summary.pdf")
        reason = "the disk is read-only" if IS_ROOT else "this folder may not be written"
        assert box.text() == (
            f"The summary could not be saved to {folder / 'summary.pdf'}: {reason}. "
            "Choose another folder, then download it again."
        )
        assert list(folder.iterdir()) == []
