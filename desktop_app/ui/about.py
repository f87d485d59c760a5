"""Help → About: the version, the server, and the licences of everything bundled.

The third-party list is :func:`desktop_app.notices.third_party_notices` (the
licence report the build ships) plus Qt and Python, which no distribution
metadata describes; a checkout without a report says how to make one instead
of listing the libraries. "About Qt" opens its own box rather than
calling ``QMessageBox.aboutQt``, which runs a nested event loop (``exec()``)
on most platforms, and a nested loop under qasync re-enters asyncio tasks.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from datetime import UTC
from importlib.resources.abc import Traversable

import PySide6
from PySide6.QtCore import QCoreApplication, Qt, qVersion
from PySide6.QtGui import QFontDatabase, QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app import __version__
from desktop_app.notices import (
    REPORT_COMMAND,
    NoLicenceReport,
    Notice,
    notices_text,
    python_notice,
    sort_notices,
    third_party_notices,
)
from desktop_app.ui.plain_text import make_plain

logger = logging.getLogger("desktop_app.ui")

QT_LICENCE = "LGPL-3.0-only"
# Qt's licence notice: a legal text, in English like every licence text the dialog shows.
QT_NOTICE = (
    "Qt is a C++ toolkit for cross-platform application development, by The Qt Company Ltd. "
    "and other contributors. SDM Desktop uses Qt through Qt for Python (PySide6) under the "
    "GNU Lesser General Public License version 3: https://www.gnu.org/licenses/lgpl-3.0.html"
    "\n\n"
    "The source code of Qt is available from https://download.qt.io/ and that of Qt for Python "
    "from https://code.qt.io/cgit/pyside/pyside-setup.git/"
)
QT_LOGO = ":/qt-project.org/qmessagebox/images/qtlogo-64.png"  # Qt's own, as aboutQt shows


def qt_notice() -> Notice:
    return Notice(
        name="Qt",
        version=qVersion(),
        licence=QT_LICENCE,
        homepage="https://www.qt.io/",
        licence_text=QT_NOTICE,
    )


def read_notices(report: Traversable | None) -> tuple[list[Notice], str | None]:
    """The report's notices, or none and what to tell the reader instead.

    The dialog opens whatever the report's state: without one it says how to
    make one, with a damaged one it says so (and logs it).
    """
    try:
        return third_party_notices(report), None
    except NoLicenceReport:
        return [], QCoreApplication.translate(
            "AboutDialog",
            "This source checkout has no licence report: run `{command}` in its top folder "
            "to make one, then reopen this dialog.",
        ).format(command=REPORT_COMMAND)
    except (OSError, ValueError) as exc:
        logger.warning("Cannot read the licence report: %s", exc)
        return [], QCoreApplication.translate(
            "AboutDialog", "The licence report of this build cannot be read: {error}"
        ).format(error=exc)


def build_line() -> str | None:
    """The "Build: ..." line, from ``desktop_app.build_info`` when the bundle has one."""
    # Imported here, and statically so that PyInstaller sees it: a tree without the
    # module still opens the dialog.
    try:
        from desktop_app.build_info import build_info
    except ImportError:
        return None
    try:
        info = build_info()
    except (OSError, ValueError) as exc:
        # A damaged build file must not keep the About dialog (and its licences) shut.
        logger.warning("Cannot read the build information: %s", exc)
        return None
    if info is None:
        return None
    parts = []
    # The heading shows the version already: repeat it only if the build says otherwise.
    if info.version and info.version != __version__:
        parts.append(
            QCoreApplication.translate("AboutDialog", "version {version}").format(
                version=info.version
            )
        )
    if info.commit:
        parts.append(
            QCoreApplication.translate("AboutDialog", "commit {commit}").format(commit=info.commit)
        )
    # In UTC, as the build recorded it: the same moment for support wherever the app runs.
    built_at = f"{info.built_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    parts.append(QCoreApplication.translate("AboutDialog", "built {time}").format(time=built_at))
    #: {details}: "version 1.2.3, commit 0123abc, built 2025-05-01 12:30 UTC".
    return QCoreApplication.translate("AboutDialog", "Build: {details}").format(
        details=", ".join(parts)
    )


def python_line() -> str:
    return " ".join(sys.version.split())  # some builds break sys.version over lines


class AboutDialog(QDialog):
    """The version, the server, and the licence notices; opened with :func:`show_about`."""

    def __init__(
        self,
        server_label: str,
        parent: QWidget | None = None,
        *,
        report: Traversable | None = None,
    ) -> None:
        """``report``: the licence report to list; by default the one beside the package."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("About SDM Desktop"))
        third_party, problem = read_notices(report)
        #: Every library listed, in the order of the table's rows.
        self.notices: list[Notice] = sort_notices([*third_party, qt_notice(), python_notice()])
        self.about_qt_box: QMessageBox | None = None

        self.title = QLabel(f"SDM Desktop {__version__}", self)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        build = build_line()
        self.build_label = QLabel(build or "", self)
        self.build_label.setVisible(build is not None)
        self.server_label = QLabel(self.tr("Server: {server}").format(server=server_label), self)
        self.versions_label = QLabel(
            f"Qt {qVersion()} (PySide6 {PySide6.__version__})\nPython {python_line()}", self
        )
        self.licence_label = QLabel(
            self.tr("Copyright © the SDM Desktop authors. Released under the MIT licence."), self
        )
        #: Why the libraries are not listed (no report, or one that cannot be read).
        self.report_label = QLabel(problem or "", self)
        self.report_label.setVisible(problem is not None)
        header = [self.title, self.build_label, self.server_label, self.versions_label]
        for label in [*header, self.licence_label, self.report_label]:
            make_plain(label)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)

        self.table = QTableWidget(len(self.notices), 3, self)
        self.table.setAccessibleName(self.tr("Third-party licences"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Version"), self.tr("Licence")]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
        for row, notice in enumerate(self.notices):
            for column, text in enumerate((notice.name, notice.version, notice.licence)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        heading = self.table.horizontalHeader()
        heading.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        heading.setStretchLastSection(True)
        list_label = QLabel(self.tr("&Third-party licences:"), self)
        list_label.setBuddy(self.table)

        self.details = QLabel(self)  # the library's own metadata: plain text
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setAccessibleName(self.tr("Licence text"))
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        text_label = QLabel(self.tr("Licence te&xt:"), self)
        text_label.setBuddy(self.text)
        for label in (list_label, self.details, text_label):
            make_plain(label)

        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(text_label)
        lower_layout.addWidget(self.details)
        lower_layout.addWidget(self.text)
        upper = QWidget(self)
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(list_label)
        upper_layout.addWidget(self.table)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        splitter.setSizes([1, 1])

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton(self.tr("&Copy"), self)
        self.copy_button.setAccessibleName(self.tr("Copy all licence notices to the clipboard"))
        self.copy_button.setToolTip(
            self.tr("Copy the versions and every licence notice as plain text")
        )
        self.copy_button.setAutoDefault(False)
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.about_qt_button = QPushButton(self.tr("About &Qt"), self)
        self.about_qt_button.setAutoDefault(False)
        self.buttons.addButton(self.about_qt_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        # Some platform themes call it "&Close", which would clash with "&Copy"; Escape closes.
        #: No "&" here: the dialog's other buttons take the letters, and Escape closes it.
        self.close_button.setText(self.tr("Close"))
        self.copy_button.clicked.connect(self.on_copy_clicked)
        self.about_qt_button.clicked.connect(self.on_about_qt_clicked)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        for label in header:
            layout.addWidget(label)
        layout.addWidget(self.licence_label)
        layout.addWidget(self.report_label)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.buttons)
        self.resize(640, 480)

        self.table.itemSelectionChanged.connect(self.on_selection_changed)
        if self.notices:
            self.table.selectRow(0)
        self.table.setFocus()

    # --- what it shows ---------------------------------------------------------------

    def heading_lines(self) -> list[str]:
        """The labels above the list, as lines of text (the head of the copied notices)."""
        labels = [
            self.title,
            self.build_label,
            self.server_label,
            self.versions_label,
            self.licence_label,
            self.report_label,
        ]
        return [line for label in labels if label.text() for line in label.text().splitlines()]

    def as_text(self) -> str:
        """Everything the dialog can show, every licence text included, as plain text."""
        return notices_text(self.heading_lines(), self.notices)

    def selected_notice(self) -> Notice | None:
        rows = self.table.selectionModel().selectedRows()
        return self.notices[rows[0].row()] if rows else None

    def select(self, name: str) -> None:
        """Select the library called ``name`` (for tests, and for a caller pointing at one)."""
        names = [notice.name for notice in self.notices]
        self.table.selectRow(names.index(name))

    # --- slots ------------------------------------------------------------------------

    def on_selection_changed(self) -> None:
        notice = self.selected_notice()
        if notice is None:
            self.details.clear()
            self.text.clear()
            return
        details: Sequence[str | None] = (
            f"{notice.name} {notice.version}",
            notice.licence,
            notice.homepage,
        )
        self.details.setText(" · ".join(part for part in details if part))
        self.text.setPlainText(
            notice.licence_text
            or self.tr("No licence text is shipped with this package; licence: {licence}").format(
                licence=notice.licence
            )
        )

    def on_copy_clicked(self) -> None:
        text = self.as_text()
        QGuiApplication.clipboard().setText(text)
        logger.info(
            "Licence notices copied (%d libraries, %d characters)", len(self.notices), len(text)
        )

    def on_about_qt_clicked(self) -> None:
        if self.about_qt_box is None:
            box = QMessageBox(self)
            make_plain(box)
            box.setWindowTitle(self.tr("About Qt"))
            box.setText(
                self.tr("This program uses Qt {qt} through PySide6 {pyside}.").format(
                    qt=qVersion(), pyside=PySide6.__version__
                )
            )
            box.setInformativeText(QT_NOTICE)
            box.setStandardButtons(QMessageBox.StandardButton.Close)
            logo = QPixmap(QT_LOGO)
            if not logo.isNull():
                box.setIconPixmap(logo)
            self.about_qt_box = box
        self.about_qt_box.open()  # not exec(): no nested event loop under qasync


def show_about(parent: QWidget, server_label: str) -> AboutDialog:
    """Open an About dialog over ``parent`` without blocking; it deletes itself when closed."""
    dialog = AboutDialog(server_label, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
