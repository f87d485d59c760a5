"""Help → Keyboard shortcuts: every key the window answers to, read from the window itself.

The list is built from the window's own commands each time it is shown: its
QActions and QShortcuts with a key, the Alt+letter of its menus and buttons
(their ``&`` mnemonics). A command given a key elsewhere is listed without an
edit here, so the list cannot drift from what the keys do. The keys that no
command carries (Enter sends, Tab moves on) are the one table kept by hand,
:func:`widget_keys`.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMainWindow,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.translation import Translate, english


def widget_keys(translate: Translate = QCoreApplication.translate) -> tuple[tuple[str, str], ...]:
    """Keys the widgets handle themselves, with no command behind them: (keys, action)."""

    # Each text a literal in its own call, so that lupdate finds it (docs/TRANSLATING.md).
    return (
        (
            translate("ShortcutsDialog", "Enter"),
            translate("ShortcutsDialog", "Send the message (in the message box)"),
        ),
        (
            translate("ShortcutsDialog", "Shift+Enter"),
            translate("ShortcutsDialog", "Start a new line in the message box"),
        ),
        (
            translate("ShortcutsDialog", "Tab"),
            translate(
                "ShortcutsDialog",
                "Next control: conversations, transcript, assistant and notice buttons, "
                "message box, Send, Reconnect",
            ),
        ),
        (
            translate("ShortcutsDialog", "Shift+Tab"),
            translate("ShortcutsDialog", "Previous control"),
        ),
        (
            translate("ShortcutsDialog", "Up, Down"),
            translate("ShortcutsDialog", "Move in the conversation list or the transcript"),
        ),
        (
            translate("ShortcutsDialog", "Enter (conversation list)"),
            translate("ShortcutsDialog", "Open the conversation"),
        ),
        (
            translate("ShortcutsDialog", "Page Up, Page Down, Home, End"),
            translate("ShortcutsDialog", "Move through the transcript"),
        ),
        (
            translate("ShortcutsDialog", "Ctrl+C (transcript)"),
            translate("ShortcutsDialog", "Copy the selected message"),
        ),
        (
            translate("ShortcutsDialog", "Menu, Shift+F10 (transcript)"),
            translate("ShortcutsDialog", "Retry, delete or copy a message that was not sent"),
        ),
        (
            translate("ShortcutsDialog", "Space"),
            translate("ShortcutsDialog", "Press the focused button"),
        ),
        (
            translate("ShortcutsDialog", "Escape"),
            translate("ShortcutsDialog", "Close a dialog; focus returns to the message box"),
        ),
    )


# :func:`widget_keys` in English (the source text).
WIDGET_KEYS = widget_keys(english)


@dataclass(frozen=True)
class ShortcutRow:
    """One line of the list: the keys, and what they do in words."""

    keys: str
    action: str


def _words(text: str) -> str:
    """A command's text as it reads: without its ``&`` marker and trailing ellipsis."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def _key_text(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.SequenceFormat.NativeText)


def _belongs_to(window: QWidget, obj: QObject) -> bool:
    """Whether ``obj`` (a widget, or a command of one) is part of ``window`` itself, its
    menus included, and not of a dialog that the window owns."""
    node: QObject | None = obj
    while node is not None:
        if node is window:
            return True
        if isinstance(node, QDialog):
            return False
        node = node.parent()
    return False


def shortcut_rows(window: QWidget) -> list[ShortcutRow]:
    """Every key of ``window``: its commands' keys, its Alt+letters, then :func:`widget_keys`."""
    rows: list[ShortcutRow] = []
    for action in window.findChildren(QAction):
        if not _belongs_to(window, action) or action.menu() is not None:
            continue
        for sequence in action.shortcuts():
            if not sequence.isEmpty():
                rows.append(ShortcutRow(_key_text(sequence), _words(action.text())))
    for shortcut in window.findChildren(QShortcut):
        if _belongs_to(window, shortcut) and not shortcut.key().isEmpty():
            what = (
                shortcut.whatsThis()
                or shortcut.objectName()
                or QCoreApplication.translate("ShortcutsDialog", "(unnamed)")
            )
            rows.append(ShortcutRow(_key_text(shortcut.key()), what))
    if isinstance(window, QMainWindow) and window.menuBar().isVisible():
        for action in window.menuBar().actions():
            menu = QCoreApplication.translate("ShortcutsDialog", "{command} menu")
            rows.extend(_mnemonic_row(action.text(), menu.format(command=_words(action.text()))))
    for button in window.findChildren(QAbstractButton):
        if _belongs_to(window, button):
            named = QCoreApplication.translate("ShortcutsDialog", "{command} (button)")
            rows.extend(_mnemonic_row(button.text(), named.format(command=_words(button.text()))))
    rows.extend(ShortcutRow(keys, action) for keys, action in widget_keys())
    return rows


def _mnemonic_row(text: str, action: str) -> list[ShortcutRow]:
    mnemonic = QKeySequence.mnemonic(text)
    return [] if mnemonic.isEmpty() else [ShortcutRow(_key_text(mnemonic), action)]


class ShortcutsDialog(QDialog):
    """A list of the window's keys; not modal: it may stay open beside the window."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.setModal(False)
        self.setAccessibleName(self.tr("Keyboard shortcuts"))
        intro = QLabel(
            self.tr(
                "Every action of SDM Desktop can be reached with the keyboard. "
                "F6 moves between the conversation list, the transcript and the message box."
            ),
            self,
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 2, self)
        self.table.setObjectName("shortcutsTable")
        self.table.setAccessibleName(self.tr("Keyboard shortcuts"))
        self.table.setAccessibleDescription(self.tr("Each row: the keys, and what they do."))
        self.table.setHorizontalHeaderLabels([self.tr("Keys"), self.tr("Action")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table for the Close button
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.resize(620, 520)
        self.refresh()

    def refresh(self) -> None:
        """List the window's keys as they are now (a command added since is listed)."""
        rows = shortcut_rows(self._window)
        self.table.setRowCount(len(rows))
        for number, row in enumerate(rows):
            for column, text in enumerate((row.keys, row.action)):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(number, column, item)

    def rows(self) -> list[ShortcutRow]:
        """What the table shows, row by row."""
        texts = [
            [item.text() if (item := self.table.item(row, column)) else "" for column in (0, 1)]
            for row in range(self.table.rowCount())
        ]
        return [ShortcutRow(keys, action) for keys, action in texts]

    def show_for_reading(self) -> None:
        """Show it (not modal, no nested loop), up to date, with the list focused."""
        self.refresh()
        self.show()
        self.raise_()
        self.activateWindow()
        self.table.setFocus()
