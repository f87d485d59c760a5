"""The main window: conversations, transcript, composer, AI status, connection status bar."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QStandardPaths, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import SdmError
from desktop_app.core.frames import ChatMessage, Role, decode_object
from desktop_app.core.outbox import arrived_in_history
from desktop_app.core.reconcile import merge_history
from desktop_app.net.background import BackgroundDelivery
from desktop_app.net.chat import ChatWebSocketManager
from desktop_app.net.http import PlatformClient, SignInRequired
from desktop_app.net.outbox import OutboxFull, OutboxSender
from desktop_app.net.status import StatusWebSocketManager
from desktop_app.store.outbox import OutboxEntry, OutboxState
from desktop_app.ui.ai_status_banner import AiStatusBanner
from desktop_app.ui.bridge import ManagerBridge
from desktop_app.ui.composer import Composer
from desktop_app.ui.connection_indicator import ConnectionIndicator
from desktop_app.ui.conversation_list import ConversationList
from desktop_app.ui.diagnostics import ConnectionLog, DiagnosticsDialog
from desktop_app.ui.kiosk import KioskMode, enter_kiosk_mode
from desktop_app.ui.network import NetworkSource, drive_managers
from desktop_app.ui.reconnect_button import ReconnectButton
from desktop_app.ui.settings import Settings
from desktop_app.ui.sign_in_dialog import SignInDialog
from desktop_app.ui.tasks import BackgroundTasks
from desktop_app.ui.transcript import (
    DeliveryState,
    TranscriptEntry,
    TranscriptModel,
    TranscriptView,
)

logger = logging.getLogger("desktop_app.ui")

#: Live messages reach the transcript at most this often (a lone message at once). Every
#: insertion makes the list view lay out all its rows again, so a burst of messages is
#: shown in batches rather than one relayout per message.
LIVE_REFRESH_S = 0.1


def _choose_save_path(parent: QWidget, suggested: Path) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, "Save summary", str(suggested), "PDF (*.pdf)")
    return Path(name) if name else None


@dataclass
class WindowServices:
    """What the window works with; tests replace the parts that would need a person."""

    server_label: str  # "https://sdm.example.org", or "the demo server"
    settings_key: str  # under which the conversations of this server are remembered
    chat: ChatWebSocketManager
    status: StatusWebSocketManager
    client: PlatformClient
    network: NetworkSource
    settings: Settings
    outbox: OutboxSender
    background: BackgroundDelivery | None = None  # the outbox of the other conversations
    demo_account: tuple[str, str] | None = None
    open_url: Callable[[QUrl], object] = QDesktopServices.openUrl
    choose_save_path: Callable[[QWidget, Path], Path | None] = _choose_save_path
    kiosk_exit_keys: str | None = None  # kiosk mode, left with these keys (None: a desktop)
    retry_failed_after_s: float = 30.0  # kiosk mode: a failed socket is started again


class MainWindow(QMainWindow):
    """One conversation at a time over the chat and status sockets."""

    closed = Signal()  # the user closed the window: the app shuts down

    def __init__(self, services: WindowServices) -> None:
        super().__init__()
        self.services = services
        self.conversation_id: str | None = None
        self._was_connected = False  # this conversation's chat socket was open before
        self._history_loaded = False  # this conversation's history has been shown
        self._signing_in = False
        self._live_buffers: list[list[TranscriptEntry]] = []  # one per history request
        self._live_pending: list[TranscriptEntry] = []  # arrived, shown at the next refresh
        self._live_shown_at = -math.inf  # time.monotonic() of the last refresh
        self._live_timer = QTimer(self)
        self._live_timer.setSingleShot(True)
        self._live_timer.timeout.connect(self._show_pending_live)
        self.tasks = BackgroundTasks(self.on_task_failed)
        self.setWindowTitle("SDM Desktop")
        self.resize(1000, 700)

        chat, status = services.chat, services.status
        self.chat_bridge = ManagerBridge(chat, self)
        self.status_bridge = ManagerBridge(status, self)

        self.conversations = ConversationList(self)
        self.transcript = TranscriptModel(self)
        self.transcript_view = TranscriptView(self, open_url=services.open_url)
        self.transcript_view.setModel(self.transcript)
        self.ai_status = AiStatusBanner(status, self)
        self.composer = Composer(self)
        self.send_button = QPushButton("&Send", self)
        self.send_button.setToolTip("Send the message (Enter)")

        composer_row = QHBoxLayout()
        composer_row.addWidget(self.composer, 1)
        composer_row.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        centre = QWidget(self)
        self.centre_layout = centre_layout = QVBoxLayout(centre)
        centre_layout.addWidget(self.transcript_view, 1)
        centre_layout.addWidget(self.ai_status)
        centre_layout.addLayout(composer_row)
        splitter = QSplitter(self)
        splitter.addWidget(self.conversations)
        splitter.addWidget(centre)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 780])
        self.setCentralWidget(splitter)

        sockets = [("Chat", chat), ("Status", status)]
        self.connection_log = ConnectionLog(sockets)
        self.diagnostics: DiagnosticsDialog | None = None
        self.indicator = ConnectionIndicator(sockets, self)
        self.reconnect_button = ReconnectButton([chat, status], self)
        self.indicator.presence_changed.connect(self.reconnect_button.on_presence_changed)
        self.reconnect_button.on_presence_changed(self.indicator.presence)
        self.statusBar().addPermanentWidget(self.reconnect_button)
        self.statusBar().addPermanentWidget(self.indicator)
        self._build_menus()

        self.composer.submit_requested.connect(self.on_send)
        self.send_button.clicked.connect(self.on_send)
        self.conversations.conversation_selected.connect(self.open_conversation)
        self.conversations.new_requested.connect(self.on_new_conversation)
        self.chat_bridge.message.connect(self.on_chat_message)
        self.chat_bridge.state_changed.connect(self.on_chat_state)
        self.status_bridge.status_event.connect(self.ai_status.on_status_event)
        self.status_bridge.state_changed.connect(lambda _state: self.ai_status.refresh())
        self.ai_status.download_requested.connect(self.on_download_summary)
        drive_managers(services.network, [chat, status])
        services.outbox.on_change = self.on_outbox_change
        self.transcript_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.transcript_view.customContextMenuRequested.connect(self.on_transcript_menu)

        self._refresh_conversations()
        self.on_chat_state(chat.state)
        self._quitting = False  # quit_app() was called: a kiosk lets the window close
        self.kiosk: KioskMode | None = None
        if services.kiosk_exit_keys is not None:
            self.kiosk = enter_kiosk_mode(
                self, services.kiosk_exit_keys, services.retry_failed_after_s
            )
        elif (geometry := services.settings.window_geometry()) is not None:
            self.restoreGeometry(geometry)
        self.composer.setFocus()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        new = QAction("&New conversation", self)
        new.setShortcut(QKeySequence.StandardKey.New)
        new.triggered.connect(self.on_new_conversation)
        file_menu.addAction(new)
        self.new_conversation_action = new
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        self.quit_action = quit_action
        connection_menu = self.menuBar().addMenu("&Connection")
        reconnect = QAction("&Reconnect now", self)
        reconnect.setShortcut(QKeySequence("Ctrl+R"))
        reconnect.triggered.connect(self.reconnect_button.on_reconnect_clicked)
        connection_menu.addAction(reconnect)
        self.reconnect_action = reconnect
        help_menu = self.menuBar().addMenu("&Help")
        diagnostics = QAction("Connection &diagnostics", self)
        diagnostics.triggered.connect(self.on_show_diagnostics)
        help_menu.addAction(diagnostics)
        self.diagnostics_action = diagnostics
        about = QAction("&About SDM Desktop", self)
        about.triggered.connect(self.on_about)
        help_menu.addAction(about)
        self.help_menu = help_menu

    # --- conversations -----------------------------------------------------------

    def open_conversation(self, conversation_id: str, title: str | None = None) -> None:
        """Switch to ``conversation_id``: both sockets move, its history loads."""
        services = self.services
        if conversation_id != self.conversation_id:
            logger.info("Opening conversation %s", conversation_id)
            self.conversation_id = conversation_id
            self._was_connected = False
            self._history_loaded = False
            self._drop_pending_live()
            self.transcript.clear()
            self.ai_status.set_summary_ready(False)
        known = {r.id: r.title for r in services.settings.conversations(services.settings_key)}
        services.settings.remember_conversation(
            services.settings_key,
            conversation_id,
            title or known.get(conversation_id) or f"Conversation {conversation_id[:8]}",
        )
        self._refresh_conversations()
        services.chat.connect(conversation_id)
        services.status.connect(conversation_id)
        if services.background is not None:
            # Off this conversation; on to the one left behind, if it has mail.
            services.background.poll()
        self.tasks.start(self._load_history(conversation_id), name="load history")

    def on_new_conversation(self) -> None:
        self.tasks.start(self._create_conversation(), name="new conversation")

    async def _create_conversation(self) -> None:
        title = f"Conversation {datetime.now().strftime('%Y-%m-%d %H:%M')}"
        self.statusBar().showMessage("Creating a new conversation…")
        try:
            conversation_id = await self.services.client.create_conversation(title)
        except SignInRequired:
            if not await self.sign_in():
                return
            conversation_id = await self.services.client.create_conversation(title)
        self.statusBar().clearMessage()
        self.open_conversation(conversation_id, title)

    async def _load_history(self, conversation_id: str) -> None:
        client = self.services.client
        # Live messages that arrive while the request is on its way are kept here.
        live: list[TranscriptEntry] = []
        self._live_buffers.append(live)
        try:
            try:
                messages = await client.history(conversation_id)
            except SignInRequired:
                if not await self.sign_in():
                    return
                live.clear()
                messages = await client.history(conversation_id)
        finally:
            # By identity: two empty buffers are equal, and list.remove() would take either.
            self._live_buffers = [b for b in self._live_buffers if b is not live]
        if conversation_id != self.conversation_id:
            return  # the user moved on meanwhile
        history = [TranscriptEntry.from_message(m) for m in messages]
        entries = merge_history(history, live, key=_message_key)
        # What is still in the outbox follows, unless the history already holds it
        # (sent just before a drop: the outbox marks it delivered in a moment).
        outbox = self.services.outbox
        shown = {e.client_message_id for e in entries if e.client_message_id}
        for pending in outbox.undelivered(conversation_id):
            same = outbox.store.delivered_count(conversation_id, pending.text)
            if pending.client_id in shown or arrived_in_history(
                messages, pending.client_id, pending.text, same
            ):
                continue
            entries.append(_outbox_entry(pending))
        self._drop_pending_live()  # each one is in the history or in `live`
        self.transcript.replace_all(entries)
        self._history_loaded = True
        if messages and messages[-1].role is Role.BOT and self.services.status.is_thinking:
            # The reply is already here: a thinking flag left on is stale.
            self.services.status.finish_thinking()
        logger.info("History of %s: %d messages", conversation_id, len(messages))
        summary = await client.summary_status(conversation_id)
        if conversation_id == self.conversation_id:
            self.ai_status.set_summary_ready(summary.ready)

    def _refresh_conversations(self) -> None:
        settings = self.services.settings
        self.conversations.set_conversations(
            settings.conversations(self.services.settings_key), self.conversation_id
        )

    # --- sign-in -----------------------------------------------------------------

    async def sign_in(self) -> bool:
        """Ask for credentials; on success the sockets reconnect carrying the session."""
        if self._signing_in:
            return False
        self._signing_in = True
        try:
            dialog = SignInDialog(
                self.services.client,
                self.services.server_label,
                demo_account=self.services.demo_account,
                parent=self,
            )
            self.sign_in_dialog = dialog
            if not await dialog.ask():
                self.statusBar().showMessage("Not signed in: conversations cannot be loaded.")
                return False
        finally:
            self._signing_in = False
        cookies = self.services.client.websocket_cookies()
        if self.services.background is not None:
            self.services.background.chat.set_cookies(cookies)
        for manager in (self.services.chat, self.services.status):
            manager.set_cookies(cookies)
            if self.conversation_id is not None:
                manager.disconnect()
                manager.connect(self.conversation_id)
        return True

    # --- chat --------------------------------------------------------------------

    def on_send(self) -> None:
        """Queue the composer's text in the outbox; it leaves as soon as it can."""
        text = self.composer.text()
        if not text.strip() or self.conversation_id is None:
            return
        try:
            entry = self.services.outbox.submit(self.conversation_id, text)
        except OutboxFull as exc:
            self._show_refusal(str(exc))  # the text stays in the composer
            return
        self.composer.clear()
        if self.transcript.row_of(entry.client_id) is None:
            self.transcript.append(_outbox_entry(entry))
        self.composer.setFocus()

    def _show_refusal(self, reason: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Message not queued",
            reason,
            QMessageBox.StandardButton.Ok,
            self,
        )
        self.refusal_box = box
        box.open()

    def on_outbox_change(self, entry: OutboxEntry) -> None:
        if entry.conversation_id != self.conversation_id:
            return
        row = self.transcript.row_of(entry.client_id)
        if row is not None:
            self.transcript.set_state(row, _DISPLAY_STATE[entry.state])

    def on_transcript_menu(self, position: QPoint) -> None:
        index = self.transcript_view.indexAt(position)
        if not index.isValid():
            return
        entry = self.transcript.entry(index.row())
        if entry.state is not DeliveryState.FAILED or entry.client_message_id is None:
            return
        client_id = entry.client_message_id
        menu = QMenu(self)
        menu.addAction("&Retry sending", lambda: self.services.outbox.retry(client_id))
        menu.addAction("&Delete message", lambda: self.on_delete_failed(client_id))
        self.transcript_menu = menu
        menu.popup(self.transcript_view.viewport().mapToGlobal(position))

    def on_delete_failed(self, client_id: str) -> None:
        self.services.outbox.delete(client_id)
        row = self.transcript.row_of(client_id)
        if row is not None:
            entries = self.transcript.entries()
            del entries[row]
            self.transcript.replace_all(entries)
        self._history_loaded = True

    def on_chat_message(self, data: dict[str, Any]) -> None:
        if "role" in data:
            frame = decode_object(data)
            if isinstance(frame, ChatMessage):
                entry = TranscriptEntry.from_message(frame)
                confirmed = self.services.outbox.confirmed_by(data)
                self._live_pending.append(entry)
                for live in self._live_buffers:
                    live.append(entry)
                if confirmed is not None and self.transcript.row_of(confirmed) is not None:
                    # The echo of a queued message: it now stands where the server put
                    # it, at once (the queued row goes).
                    self._show_pending_live(confirmed)
                elif not self._live_timer.isActive():
                    wait_s = max(0.0, self._live_shown_at + LIVE_REFRESH_S - time.monotonic())
                    self._live_timer.start(math.ceil(wait_s * 1000))
        elif data.get("type") == "connection_established":
            if self.conversation_id is not None and (
                self._was_connected or not self._history_loaded
            ):
                # The server does not replay what we missed: history fills the gap.
                self.tasks.start(self._load_history(self.conversation_id), name="load history")
            self._was_connected = True

    def _show_pending_live(self, confirmed: str | None = None) -> None:
        """Show the messages the server sent since the last refresh, in the server's order.

        Messages not yet confirmed (queued, sending, failed) stay at the bottom, as in
        the history reload: the transcript is always the server's order, then the outbox.
        ``confirmed``: the client id of a queued message whose echo is among them.
        """
        self._live_timer.stop()
        self._live_shown_at = time.monotonic()
        entries, self._live_pending = self._live_pending, []
        if confirmed is not None and (queued := self.transcript.row_of(confirmed)) is not None:
            self.transcript.remove(queued)
        row = self.transcript.rowCount()
        while row > 0 and self.transcript.entry(row - 1).state is not DeliveryState.DELIVERED:
            row -= 1
        self.transcript.insert_many(row, entries)

    def _drop_pending_live(self) -> None:
        self._live_timer.stop()
        self._live_pending = []

    def on_chat_state(self, _state: object) -> None:
        # The composer stays enabled while disconnected: messages wait in the outbox.
        self.send_button.setToolTip(
            "Send the message (Enter)"
            if self.services.chat.is_connected
            else "Queue the message: it is sent when the connection is back (Enter)"
        )

    # --- summary -----------------------------------------------------------------

    def on_download_summary(self) -> None:
        if self.conversation_id is not None:
            self.tasks.start(self._download_summary(self.conversation_id), name="download summary")

    async def _download_summary(self, conversation_id: str) -> None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = Path(folder or Path.home()) / f"SDM summary {conversation_id[:8]}.pdf"
        destination = self.services.choose_save_path(self, suggested)
        if destination is None:
            return
        progress = QProgressDialog("Downloading the summary…", "Cancel", 0, 0, self)
        progress.setWindowTitle("Summary")
        progress.setMinimumDuration(300)
        self.summary_progress = progress
        task = self.tasks.start(
            self.services.client.download_summary(
                conversation_id, destination, progress=_progress_updater(progress)
            ),
            name="summary download",
        )
        progress.canceled.connect(task.cancel)
        try:
            saved = await task
        finally:
            progress.reset()
            progress.close()
        self.statusBar().showMessage(f"Summary saved to {saved}", 10000)
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Summary saved",
            f"The summary was saved to\n{saved}\n\nOpen it now?",
            QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Close,
            self,
        )
        self.summary_saved_box = box
        box.finished.connect(
            lambda result: (
                result == QMessageBox.StandardButton.Open
                and self.services.open_url(QUrl.fromLocalFile(str(saved)))
            )
        )
        box.open()

    # --- errors, about, closing ------------------------------------------------------

    def on_task_failed(self, name: str, exc: BaseException) -> None:
        message = str(exc) if isinstance(exc, SdmError) else f"unexpected {type(exc).__name__}"
        self.statusBar().showMessage(f"Could not {name}: {message}", 15000)

    def on_show_diagnostics(self) -> None:
        if self.diagnostics is None:
            services = self.services
            self.diagnostics = DiagnosticsDialog(
                [("Chat", services.chat), ("Status", services.status)],
                services.network,
                self.connection_log,
                self,
            )
        self.diagnostics.show()
        self.diagnostics.raise_()
        self.diagnostics.activateWindow()

    def on_about(self) -> None:
        # Imported when asked for: the notices it shows are read from the package
        # metadata, which start-up does not need.
        from desktop_app.ui.about import show_about

        show_about(self, self.services.server_label)

    def quit_app(self) -> None:
        """Close the window and so end the app, in kiosk mode too (signals, admin keys)."""
        self._quitting = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.kiosk is not None and not self._quitting:
            logger.info("Kiosk mode: closing the window is ignored")
            event.ignore()
            return
        if self.kiosk is not None:
            self.kiosk.detach()
        else:
            self.services.settings.set_window_geometry(self.saveGeometry())
        self.indicator.detach()
        self.connection_log.detach()
        if self.diagnostics is not None:
            self.diagnostics.close()
        self.chat_bridge.detach()
        self.status_bridge.detach()
        self._live_timer.stop()
        super().closeEvent(event)
        self.closed.emit()


_DISPLAY_STATE = {
    OutboxState.QUEUED: DeliveryState.QUEUED,
    OutboxState.SENT: DeliveryState.SENDING,
    OutboxState.DELIVERED: DeliveryState.DELIVERED,
    OutboxState.FAILED: DeliveryState.FAILED,
}


def _outbox_entry(entry: OutboxEntry) -> TranscriptEntry:
    """A message of the outbox as the transcript shows it before its echo."""
    return TranscriptEntry(
        role=Role.USER,
        name="You",
        content=entry.text,
        timestamp=entry.created_at,
        client_message_id=entry.client_id,
        state=_DISPLAY_STATE[entry.state],
    )


def _message_key(entry: TranscriptEntry) -> tuple[str, str]:
    # History timestamps are UTC, live ones local: match by role and text (PROTOCOL.md).
    return entry.role.value, entry.content


def _progress_updater(dialog: QProgressDialog) -> Callable[[int, int | None], None]:
    def update(done: int, total: int | None) -> None:
        if total:
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))

    return update
