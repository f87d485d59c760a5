"""Help → Connection diagnostics: a live view of both sockets, for support tickets.

The desktop counterpart of the browser client's debugging console commands
(``ChatWebSocket.currentConvId``, ``reconnectAttempts``, ``listeners.length``,
``StatusWebSocket.isThinking``...): each socket's state, the assistant's flags,
the network, and the recent connection events, all read from the session's
:class:`~desktop_app.ui.bridge.SessionBridge`.

Everything shown (and copied) is ids, states, counts and times: never message
text, which is patient information. :class:`ConnectionLog` hears only the
bridge's typed connection events, so a chat or status frame cannot get in,
even one whose ``type`` imitates a connection event.
"""

from __future__ import annotations

import collections
import logging
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale, Qt, QTime, QTimer
from PySide6.QtGui import QGuiApplication, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app import __version__
from desktop_app.control.session import SessionController
from desktop_app.core.presence import state_word
from desktop_app.core.session import SessionState
from desktop_app.ui.bridge import AssistantStatus, SessionBridge, SocketDetails
from desktop_app.ui.network import NetworkSource
from desktop_app.ui.plain_text import make_plain

logger = logging.getLogger("desktop_app.ui")

REFRESH_MS = 500
NONE = "—"

Row = tuple[str, str]
Entry = tuple[str, dict[str, Any]]


# --- the log -------------------------------------------------------------------------


class ConnectionLog:
    """The last ``size`` connection events of the bridge's sockets, as (socket name, event).

    Create it with the bridge, before anything connects, so that the dialog
    can show what happened before it was opened. It hears the events until the
    session ends (the bridge closes).
    """

    def __init__(self, bridge: SessionBridge, *, size: int = 200) -> None:
        if size < 1:
            raise ValueError(f"a connection log needs room for at least one event, not {size}")
        self._entries: collections.deque[Entry] = collections.deque(maxlen=size)
        bridge.connection_event.connect(self.on_connection_event)

    @property
    def size(self) -> int:
        maxlen = self._entries.maxlen
        assert maxlen is not None
        return maxlen

    def entries(self) -> list[Entry]:
        """The kept events, oldest first (copies: changing them changes nothing here)."""
        return [(name, dict(event)) for name, event in self._entries]

    def on_connection_event(self, name: str, event: dict[str, Any]) -> None:
        self._entries.append((name, event))


# --- what the view shows, as text ------------------------------------------------------


# Module functions translate in the dialog's context: a translator sees the view's words
# together (docs/TRANSLATING.md). Ids, states from the server and event types stay as
# they are: support reads them.


def _yes_no(flag: bool) -> str:
    if flag:
        return QCoreApplication.translate("DiagnosticsDialog", "yes")
    return QCoreApplication.translate("DiagnosticsDialog", "no")


def _ms(seconds: float) -> str:
    return QCoreApplication.translate("DiagnosticsDialog", "{milliseconds} ms").format(
        milliseconds=round(seconds * 1000)
    )


def _seconds(seconds: float) -> str:
    """Seconds to a tenth, with the locale's decimal point."""
    return QCoreApplication.translate("DiagnosticsDialog", "{seconds} s").format(
        seconds=QLocale().toString(seconds, "f", 1)
    )


def _sign_in(state: SessionState) -> str:
    return {
        SessionState.SIGNED_OUT: QCoreApplication.translate("DiagnosticsDialog", "signed out"),
        SessionState.UNKNOWN: QCoreApplication.translate("DiagnosticsDialog", "not yet checked"),
        SessionState.SIGNED_IN: QCoreApplication.translate("DiagnosticsDialog", "signed in"),
        SessionState.EXPIRED: QCoreApplication.translate("DiagnosticsDialog", "expired"),
    }[state]


def _attempts(attempts: object, max_attempts: object) -> str:
    return f"{attempts}/{'∞' if max_attempts is None else max_attempts}"


def _close(code: int | None, reason: str) -> str:
    # No close frame (a dropped connection, a failed handshake) is "abnormal closure".
    text = str(code if code is not None else 1006)
    return f"{text} ({reason})" if reason else text


def socket_rows(details: SocketDetails) -> list[Row]:
    """One socket's state, as (label, value) rows."""
    socket = details.snapshot
    last_close = socket.last_close
    latency = socket.latency_s
    retry_in = socket.retry_in_s
    rows = [
        (
            QCoreApplication.translate("DiagnosticsDialog", "State"),
            state_word(socket.state, QCoreApplication.translate),
        ),
        (
            QCoreApplication.translate("DiagnosticsDialog", "Conversation"),
            details.conversation_id or NONE,
        ),
        (
            QCoreApplication.translate("DiagnosticsDialog", "Reconnect attempts"),
            _attempts(socket.attempts, socket.max_attempts),
        ),
        (
            QCoreApplication.translate("DiagnosticsDialog", "Latency"),
            NONE if latency is None else _ms(latency),
        ),
        (QCoreApplication.translate("DiagnosticsDialog", "Listeners"), str(details.listeners)),
    ]
    if details.status_listeners is not None:
        rows.append(
            (
                QCoreApplication.translate("DiagnosticsDialog", "Status listeners"),
                str(details.status_listeners),
            )
        )
    rows += [
        (
            QCoreApplication.translate("DiagnosticsDialog", "Last close"),
            NONE if last_close is None else _close(*last_close),
        ),
        (
            QCoreApplication.translate("DiagnosticsDialog", "Failure reason"),
            socket.failure_reason or NONE,
        ),
        (
            QCoreApplication.translate("DiagnosticsDialog", "Last error detail"),
            details.last_error or NONE,
        ),
        (
            QCoreApplication.translate("DiagnosticsDialog", "Next retry in"),
            NONE if retry_in is None else _seconds(retry_in),
        ),
        (
            QCoreApplication.translate("DiagnosticsDialog", "Network available"),
            _yes_no(details.network_available),
        ),
    ]
    return rows


def assistant_rows(assistant: AssistantStatus) -> list[Row]:
    """The assistant's flags, from the status socket."""
    return [
        (QCoreApplication.translate("DiagnosticsDialog", "Thinking"), _yes_no(assistant.thinking)),
        (
            QCoreApplication.translate("DiagnosticsDialog", "Extracting"),
            _yes_no(assistant.extracting),
        ),
        (
            QCoreApplication.translate("DiagnosticsDialog", "Summary generating"),
            _yes_no(assistant.summary_generating),
        ),
    ]


def session_rows(session: SessionController | None) -> list[Row]:
    """The sign-in, where it is kept, the last failed request's detail (no cookie values)."""
    if session is None:
        return [
            (
                QCoreApplication.translate("DiagnosticsDialog", "Sign-in"),
                QCoreApplication.translate("DiagnosticsDialog", "not tracked"),
            )
        ]
    rows = [
        (QCoreApplication.translate("DiagnosticsDialog", "Sign-in"), _sign_in(session.state)),
        (QCoreApplication.translate("DiagnosticsDialog", "Kept in"), session.store_description),
        (
            QCoreApplication.translate("DiagnosticsDialog", "Last request error"),
            session.client.last_error or NONE,
        ),
    ]
    auto = session.auto_sign_in
    if auto is not None:  # a kiosk's account: its attempts and its last failure, in words
        attempts = QCoreApplication.translate(
            "DiagnosticsDialog", "{count} attempts since the last sign-in"
        )
        rows.append(
            (
                QCoreApplication.translate("DiagnosticsDialog", "Unattended sign-in"),
                attempts.format(count=auto.attempts),
            )
        )
        rows.append(
            (
                QCoreApplication.translate("DiagnosticsDialog", "Unattended sign-in problem"),
                auto.problem or NONE,
            )
        )
    return rows


def network_rows(network: NetworkSource) -> list[Row]:
    return [
        (QCoreApplication.translate("DiagnosticsDialog", "Online"), _yes_no(network.is_online())),
        (QCoreApplication.translate("DiagnosticsDialog", "Backend"), network.backend),
    ]


def local_time(timestamp: object) -> str:
    """The time of day with milliseconds in local time and the locale's format
    (``14:05:03.123``, ``2:05:03.123 PM``), from an ISO timestamp."""
    if not isinstance(timestamp, str):
        return NONE
    try:
        moment = datetime.fromisoformat(timestamp).astimezone()
    except ValueError:
        return timestamp
    locale = QLocale()
    # The locale's long time without its time zone, the seconds to a thousandth:
    # events a few milliseconds apart keep their order.
    layout = re.sub(r"\s*\bt+\b", "", locale.timeFormat(QLocale.FormatType.LongFormat)).strip()
    layout = layout.replace("ss", "ss.zzz", 1) if "ss" in layout else "HH:mm:ss.zzz"
    time = QTime(moment.hour, moment.minute, moment.second, moment.microsecond // 1000)
    return locale.toString(time, layout)


def event_details(event: dict[str, Any]) -> str:
    """An event's fields in words: code, reason, attempt/max, delay."""
    parts = []
    if event.get("type") == "disconnected":
        code = _close(event.get("code"), "")
        parts.append(
            QCoreApplication.translate("DiagnosticsDialog", "code {code}").format(code=code)
        )
    if "attempt" in event:
        attempt = _attempts(event["attempt"], event.get("max"))
        parts.append(
            QCoreApplication.translate("DiagnosticsDialog", "attempt {attempt}").format(
                attempt=attempt
            )
        )
    delay = event.get("delay")
    if isinstance(delay, int | float):
        parts.append(
            QCoreApplication.translate("DiagnosticsDialog", "delay {delay}").format(
                delay=_ms(delay)
            )
        )
    if event.get("reason"):
        parts.append(str(event["reason"]))
    return " · ".join(parts)


def event_columns(name: str, event: dict[str, Any]) -> tuple[str, str, str, str]:
    """(local time, socket, type, details) of one logged event."""
    return (local_time(event.get("timestamp")), name, str(event.get("type")), event_details(event))


def report_text(
    sections: Sequence[tuple[str, Sequence[Row]]],
    events: Sequence[tuple[str, str, str, str]],
) -> str:
    """The whole view as plain text: sections of "label: value" lines, then the events."""
    # The moment in ISO form with its offset: a ticket is read in another time zone.
    now = f"{datetime.now().astimezone():%Y-%m-%d %H:%M:%S %z}"
    lines = [
        QCoreApplication.translate(
            "DiagnosticsDialog", "SDM Desktop {version} connection diagnostics, {time}"
        ).format(version=__version__, time=now)
    ]
    for title, rows in sections:
        lines += ["", f"[{title}]"]
        lines += [f"{label}: {value}" for label, value in rows]
    recent = QCoreApplication.translate("DiagnosticsDialog", "Recent events, newest first")
    lines += ["", f"[{recent}]"]
    # Aligned columns: the copy is read by a person, in a ticket.
    widths = [max((len(columns[i]) for columns in events), default=0) for i in range(3)]
    lines += [
        "  ".join(
            [*(c.ljust(w) for c, w in zip(columns, widths, strict=False)), columns[3]]
        ).rstrip()
        for columns in events
    ] or [QCoreApplication.translate("DiagnosticsDialog", "(none)")]
    return "\n".join(lines) + "\n"


# --- the dialog ------------------------------------------------------------------------


def _table(
    accessible_name: str, headers: Sequence[str], parent: QWidget, *, fit: bool = False
) -> QTableWidget:
    """A read-only table; ``fit``: as tall as its rows, no header, no scrolling."""
    table = QTableWidget(0, len(headers), parent)
    table.setAccessibleName(accessible_name)
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    header = table.horizontalHeader()
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    if fit:
        header.setVisible(False)
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return table


def _fill(table: QTableWidget, rows: Sequence[Sequence[str]]) -> None:
    """Show ``rows``, touching only the cells that changed (selection and scroll stay)."""
    if table.rowCount() != len(rows):
        table.setRowCount(len(rows))
        if table.verticalScrollBarPolicy() is Qt.ScrollBarPolicy.ScrollBarAlwaysOff:
            table.setFixedHeight(table.verticalHeader().length() + 2 * table.frameWidth())
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = table.item(r, c)
            if item is None:
                table.setItem(r, c, QTableWidgetItem(text))
            elif item.text() != text:
                item.setText(text)


def cell_texts(table: QTableWidget) -> list[list[str]]:
    """A table's text, row by row (for tests and the copied report)."""
    return [
        [
            (item.text() if (item := table.item(r, c)) is not None else "")
            for c in range(table.columnCount())
        ]
        for r in range(table.rowCount())
    ]


class DiagnosticsDialog(QDialog):
    """A non-modal live view of the sockets, the network and the connection log.

    It reads the sockets' state from the bridge every :data:`REFRESH_MS` while
    it is visible, and not at all while it is hidden.
    """

    def __init__(
        self,
        bridge: SessionBridge,
        network: NetworkSource,
        log: ConnectionLog,
        parent: QWidget | None = None,
        *,
        session: SessionController | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._bridge = bridge
        self._network = network
        self._log = log
        self.setWindowTitle(self.tr("Connection diagnostics"))
        self.setModal(False)

        intro = QLabel(
            self.tr(
                "A live view of the connection, refreshed twice a second. It shows ids and "
                "states only, never message text: you may paste it into a support ticket."
            ),
            self,
        )
        make_plain(intro)
        intro.setWordWrap(True)
        #: One table per socket, in the bridge's order.
        self.socket_tables: list[QTableWidget] = []
        sockets = QHBoxLayout()
        columns = (self.tr("Property"), self.tr("Value"))
        for name in bridge.names:
            title = self._socket_title(name)
            table = _table(title, columns, self, fit=True)
            self.socket_tables.append(table)
            sockets.addWidget(self._group(title, table))
        self.assistant_table = _table(self.tr("Assistant status"), columns, self, fit=True)
        self.network_table = _table(self.tr("Network"), columns, self, fit=True)
        self.session_table = _table(self.tr("Session"), columns, self, fit=True)
        others = QHBoxLayout()
        others.addWidget(self._group(self.tr("Assistant"), self.assistant_table))
        others.addWidget(self._group(self.tr("Network"), self.network_table))
        others.addWidget(self._group(self.tr("Session"), self.session_table))
        self.events_table = _table(
            self.tr("Recent connection events"),
            (self.tr("Time"), self.tr("Socket"), self.tr("Event"), self.tr("Details")),
            self,
        )

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton(self.tr("&Copy to clipboard"), self)
        self.copy_button.setAccessibleName(self.tr("Copy diagnostics to clipboard"))
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.on_copy_clicked)
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setAccessibleName(self.tr("Close diagnostics"))
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(sockets)
        layout.addLayout(others)
        layout.addWidget(self._group(self.tr("Recent events (newest first)"), self.events_table), 1)
        layout.addWidget(self.buttons)
        self.resize(780, 720)

        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(REFRESH_MS)
        self.refresh_timer.timeout.connect(self.refresh)
        self.refresh()

    def _socket_title(self, name: str) -> str:
        #: A socket's name ("Chat", "Status"): a table's title and accessible name.
        return self.tr("{name} socket").format(name=name)

    def _group(self, title: str, table: QTableWidget) -> QGroupBox:
        group = QGroupBox(title, self)
        box = QVBoxLayout(group)
        box.addWidget(table)
        if table.verticalScrollBarPolicy() is Qt.ScrollBarPolicy.ScrollBarAlwaysOff:
            box.addStretch(1)  # a table as tall as its rows stays at the top
        return group

    def sections(self) -> list[tuple[str, list[Row]]]:
        """What the view shows above the events, read from the bridge now."""
        sections = [
            (self._socket_title(details.snapshot.name), socket_rows(details))
            for details in self._bridge.details()
        ]
        sections.append((self.tr("Assistant"), assistant_rows(self._bridge.assistant())))
        sections.append((self.tr("Network"), network_rows(self._network)))
        sections.append((self.tr("Session"), session_rows(self._session)))
        return sections

    def events(self) -> list[tuple[str, str, str, str]]:
        """The logged events, newest first."""
        return [event_columns(name, event) for name, event in reversed(self._log.entries())]

    def as_text(self) -> str:
        """The whole view, now, as plain text (what the copy button copies)."""
        return report_text(self.sections(), self.events())

    def refresh(self) -> None:
        sections = self.sections()
        tables = [
            *self.socket_tables,
            self.assistant_table,
            self.network_table,
            self.session_table,
        ]
        for table, (_title, rows) in zip(tables, sections, strict=True):
            _fill(table, rows)
        _fill(self.events_table, self.events())

    def on_copy_clicked(self) -> None:
        text = self.as_text()
        QGuiApplication.clipboard().setText(text)
        logger.info("Connection diagnostics copied to the clipboard (%d lines)", text.count("\n"))

    def showEvent(self, event: QShowEvent) -> None:
        self.refresh()
        self.refresh_timer.start()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self.refresh_timer.stop()
        super().hideEvent(event)
