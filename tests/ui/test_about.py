"""Help → About: versions, the server, and the licence notices of the bundled libraries."""

from __future__ import annotations

import platform
import sys
from datetime import UTC, datetime, timedelta, timezone
from importlib import metadata
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

import desktop_app
from build_scripts.licence_report import write_report
from desktop_app import build_info as build_info_module
from desktop_app.build_info import BuildInfo
from desktop_app.notices import REPORT_COMMAND, no_text_message, normalize, python_notice
from desktop_app.ui.about import AboutDialog, show_about
from tests.ui.conftest import WindowFactory

SERVER = "https://sdm.example.org"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The licence report a build of this environment ships (made as the spec makes it)."""
    path = tmp_path_factory.mktemp("licences") / "report.json"
    write_report(path)
    return path


@pytest.fixture
def dialog(qtbot: QtBot, report: Path) -> AboutDialog:
    made = AboutDialog(SERVER, report=report)
    qtbot.addWidget(made)
    return made


def cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None
    return item.text()


def rows(dialog: AboutDialog) -> list[tuple[str, str, str]]:
    table = dialog.table
    return [
        (cell(table, r, 0), cell(table, r, 1), cell(table, r, 2)) for r in range(table.rowCount())
    ]


def visible_text(dialog: AboutDialog) -> str:
    return "\n".join(label.text() for label in dialog.findChildren(QLabel) if label.isVisible())


def installed_licence(dist_name: str) -> str:
    """The licence file as installed, read from disk rather than through the notices."""
    dist = metadata.distribution(dist_name)
    (path,) = [f for f in dist.files or [] if f.as_posix().endswith("licenses/LICENSE")]
    return Path(str(path.locate())).read_text(encoding="utf-8").strip()


def test_shows_the_version_server_qt_and_python(dialog: AboutDialog) -> None:
    dialog.show()
    shown = visible_text(dialog)
    assert f"SDM Desktop {desktop_app.__version__}" in shown
    assert SERVER in shown
    assert f"Qt {qVersion()}" in shown
    assert f"Python {platform.python_version()}" in shown
    assert "MIT" in shown
    assert 500 <= dialog.width() <= 800
    assert 400 <= dialog.height() <= 600


def test_lists_the_runtime_libraries_with_their_installed_versions(dialog: AboutDialog) -> None:
    listed = {normalize(name): version for name, version, _licence in rows(dialog)}
    for name in ("websockets", "qasync", "aiohttp", "PySide6-Essentials", "shiboken6"):
        assert listed[normalize(name)] == metadata.version(name)
    assert listed["qt"] == qVersion()
    assert listed["python"] == platform.python_version()
    assert "pytest" not in listed  # a test extra, installed here, not bundled
    assert [normalize(name) for name, _, _ in rows(dialog)] == sorted(listed)


def test_without_a_report_it_says_how_to_make_one(qtbot: QtBot, tmp_path: Path) -> None:
    made = AboutDialog(SERVER, report=tmp_path / "absent.json")
    qtbot.addWidget(made)
    made.show()

    assert [name for name, _, _ in rows(made)] == ["Python", "Qt"]
    assert made.report_label.isVisible()
    assert f"run `{REPORT_COMMAND}`" in visible_text(made)
    assert REPORT_COMMAND in made.as_text()


def test_a_damaged_report_is_named_and_the_dialog_still_opens(qtbot: QtBot, tmp_path: Path) -> None:
    damaged = tmp_path / "report.json"
    damaged.write_text('{"Name": "truncated', encoding="utf-8")
    made = AboutDialog(SERVER, report=damaged)
    qtbot.addWidget(made)
    made.show()

    assert [name for name, _, _ in rows(made)] == ["Python", "Qt"]
    assert "The licence report of this build cannot be read" in visible_text(made)


def test_with_a_report_there_is_no_report_message(dialog: AboutDialog) -> None:
    dialog.show()
    assert not dialog.report_label.isVisible()
    assert "licence report" not in dialog.as_text()


def test_selecting_a_library_shows_its_licence_text(dialog: AboutDialog) -> None:
    dialog.select("websockets")
    assert dialog.text.toPlainText() == installed_licence("websockets")
    assert "BSD" in dialog.details.text()
    assert "github.com/python-websockets" in dialog.details.text()

    dialog.select("qasync")
    assert dialog.text.toPlainText() == installed_licence("qasync")


def test_a_library_without_licence_files_says_so(dialog: AboutDialog) -> None:
    (pyside,) = [name for name, _, _ in rows(dialog) if normalize(name) == "pyside6-essentials"]
    dialog.select(pyside)
    text = dialog.text.toPlainText()
    assert text.startswith("No licence text is shipped with this package; licence: ")
    assert "LGPL-3.0" in text


def test_qt_and_python_have_their_notices(dialog: AboutDialog) -> None:
    dialog.select("Qt")
    assert "GNU Lesser General Public License version 3" in dialog.text.toPlainText()
    dialog.select("Python")
    assert "PSF-2.0" in dialog.details.text()
    assert dialog.text.toPlainText() == (
        python_notice().licence_text or no_text_message(python_notice())
    )


def test_the_first_library_is_selected_and_shown_at_once(dialog: AboutDialog) -> None:
    first = cell(dialog.table, 0, 0)
    assert dialog.selected_notice() is dialog.notices[0]
    assert dialog.details.text().startswith(f"{first} ")
    assert dialog.text.toPlainText()


def test_copy_puts_every_notice_on_the_clipboard(qtbot: QtBot, dialog: AboutDialog) -> None:
    QGuiApplication.clipboard().clear()
    QTest.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    for name, version, licence in rows(dialog):
        assert f"{name} {version}\nLicence: {licence}\n" in copied
    assert f"SDM Desktop {desktop_app.__version__}" in copied
    assert SERVER in copied
    assert installed_licence("websockets") in copied
    assert installed_licence("qasync") in copied


def test_escape_closes(qtbot: QtBot, dialog: AboutDialog) -> None:
    dialog.show()
    qtbot.waitExposed(dialog)
    QTest.keyClick(dialog.table, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_the_close_button_closes(qtbot: QtBot, dialog: AboutDialog) -> None:
    dialog.show()
    QTest.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_the_list_and_text_have_mnemonics_and_buttons_have_names(dialog: AboutDialog) -> None:
    buddies = {
        label.text(): label.buddy() for label in dialog.findChildren(QLabel) if label.buddy()
    }
    assert buddies == {"&Third-party licences:": dialog.table, "Licence te&xt:": dialog.text}
    assert dialog.copy_button.text() == "&Copy"
    assert dialog.about_qt_button.text() == "About &Qt"
    assert dialog.text.isReadOnly()


def test_show_about_opens_without_blocking_and_deletes_on_close(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    opened = show_about(parent, "the demo server")
    assert opened.isVisible()
    assert opened.parent() is parent
    assert "Server: the demo server" in visible_text(opened)
    with qtbot.waitSignal(opened.destroyed):
        QTest.keyClick(opened.table, Qt.Key.Key_Escape)


def test_about_qt_opens_a_box_without_a_nested_event_loop(
    qtbot: QtBot, dialog: AboutDialog
) -> None:
    dialog.show()
    # A nested exec() would not return here until the box closed: the test would time out.
    QTest.mouseClick(dialog.about_qt_button, Qt.MouseButton.LeftButton)
    box = dialog.about_qt_box
    assert isinstance(box, QMessageBox)
    assert box.isVisible()
    assert qVersion() in box.text()
    box.close()
    QTest.mouseClick(dialog.about_qt_button, Qt.MouseButton.LeftButton)
    assert dialog.about_qt_box is box
    assert box.isVisible()
    box.close()


# --- the build information, when the build wrote it -------------------------------------------


def test_shows_the_build_when_there_is_one(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    built = datetime(2025, 5, 1, 14, 30, tzinfo=timezone(timedelta(hours=2)))
    info = BuildInfo(version=desktop_app.__version__, commit="0123abc", built_at=built)
    monkeypatch.setattr(build_info_module, "build_info", lambda: info)
    made = AboutDialog(SERVER)
    qtbot.addWidget(made)
    made.show()
    assert "Build: commit 0123abc, built 2025-05-01 12:30 UTC" in visible_text(made)
    assert "Build: commit 0123abc" in made.as_text()


def test_a_build_of_another_version_says_so(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    info = BuildInfo(version="9.9.9", commit=None, built_at=datetime(2025, 1, 2, tzinfo=UTC))
    monkeypatch.setattr(build_info_module, "build_info", lambda: info)
    made = AboutDialog(SERVER)
    qtbot.addWidget(made)
    assert made.build_label.text() == "Build: version 9.9.9, built 2025-01-02 00:00 UTC"


def broken_build_info() -> BuildInfo | None:
    return BuildInfo.from_json("{}")


@pytest.mark.parametrize("source", ["none", "no module", "broken"])
def test_no_build_line_without_build_information(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, report: Path, source: str
) -> None:
    if source == "none":
        monkeypatch.setattr(build_info_module, "build_info", lambda: None)
    elif source == "no module":
        monkeypatch.setitem(sys.modules, "desktop_app.build_info", None)  # ImportError
    else:
        monkeypatch.setattr(build_info_module, "build_info", broken_build_info)
    made = AboutDialog(SERVER, report=report)
    qtbot.addWidget(made)
    made.show()
    assert "Build" not in visible_text(made)
    assert not made.build_label.isVisible()
    assert "websockets" in made.as_text()


def test_help_about_in_the_window_names_its_server(make_window: WindowFactory) -> None:
    window = make_window()
    window.on_about()
    (about,) = window.findChildren(AboutDialog)
    assert about.isVisible()
    assert window.services.server_label in visible_text(about)
    about.close()
