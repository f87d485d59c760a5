"""Modal dialogs never run a nested event loop: the connections keep working under them.

A dialog's ``exec()`` (or a static ``QFileDialog.get*`` helper) called inside an asyncio
task runs Qt's event loop inside that task's step; every other task that wakes meanwhile
dies with "Cannot enter into task" (the suite's asyncio guard fails such a test). These
tests keep a real dialog open while frames arrive and the keepalive fires.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from websockets.asyncio.client import connect
from websockets.typing import Origin

from desktop_app.demo.server import DemoServer
from desktop_app.ui.main_window import MainWindow
from tests.ui.conftest import LoopDriver, open_connected, type_file_name

WindowFactory = Callable[..., MainWindow]

#: A dialog the test failed to reach is closed after this long, so that a nested event
#: loop (the bug) ends in a failed test rather than a hung one.
SAFETY_NET_MS = 10_000


def open_file_dialogs() -> list[QFileDialog]:
    widgets = QApplication.topLevelWidgets()
    return [w for w in widgets if isinstance(w, QFileDialog) and w.isVisible()]


async def post_as_another_screen(demo: DemoServer, conversation_id: str, text: str) -> None:
    """A second client (the patient's screen, say) writes into the conversation."""
    url = demo.base_url.replace("http://", "ws://") + f"/ws/chat/{conversation_id}/"
    async with connect(url, origin=Origin(demo.base_url)) as ws:
        await ws.send(json.dumps({"message": text}))
        await ws.recv()  # the echo: the server has stored and broadcast it


def open_the_save_dialog(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory
) -> tuple[MainWindow, str, QFileDialog]:
    """A connected window whose summary is ready; "Download summary" pressed."""
    window = make_window()
    conversation = demo.create_conversation()
    open_connected(driver, window, conversation)
    demo.write_summary(conversation)
    driver.call(window.ai_status.set_summary_ready, True)

    def safety_net() -> None:
        for d in open_file_dialogs():
            d.reject()

    QTimer.singleShot(SAFETY_NET_MS, safety_net)
    driver.call(window.ai_status.download_button.click)
    driver.wait_until(lambda: open_file_dialogs() != [])
    (dialog,) = open_file_dialogs()
    return window, conversation, dialog


def test_the_save_dialog_stays_open_while_frames_arrive_and_the_keepalive_fires(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory, tmp_path: Path
) -> None:
    window, conversation, dialog = open_the_save_dialog(driver, demo, make_window)
    assert dialog.isModal()  # the window cannot be used meanwhile, the sockets can

    # While the dialog is open: frames on both sockets, and the keepalive's pings.
    chat, status = window.services.chat, window.services.status
    pongs: list[object] = []

    def record_pong(e: dict[str, Any]) -> None:
        if e.get("type") == "pong":
            pongs.append(e)

    unsubscribe = chat.on_message(record_pong)
    driver.run(post_as_another_screen(demo, conversation, "written on the other screen"))
    driver.wait_until(lambda: len(window.transcript.entries()) == 2)  # the echo and the reply
    driver.wait_until(lambda: len(pongs) >= 2)  # ping_interval 0.5 s: two rounds
    unsubscribe()
    assert open_file_dialogs() == [dialog]
    assert chat.is_connected
    assert status.is_connected
    assert window.transcript.entries()[0].content == "written on the other screen"

    target = tmp_path / "chosen.pdf"
    type_file_name(driver, dialog, target)
    driver.wait_until(lambda: getattr(window, "summary_saved_box", None) is not None)
    assert target.read_bytes().startswith(b"%PDF")
    box = window.summary_saved_box
    assert box.isVisible()
    driver.call(box.button(QMessageBox.StandardButton.Close).click)


def test_closing_the_window_with_the_save_dialog_open_ends_cleanly(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory
) -> None:
    window, _, _ = open_the_save_dialog(driver, demo, make_window)
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    driver.call(window.quit_app)
    assert closed == [True]
    driver.wait_until(lambda: open_file_dialogs() == [])
    assert window.tasks.pending == 0
