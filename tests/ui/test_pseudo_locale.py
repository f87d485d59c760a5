"""The pseudo-locale test: in accented, 40 % longer English, nothing untranslated or clipped.

A draft this round (issue 15): the harness (:func:`untranslated`, :func:`clipped`)
is checked on widgets made to fail it and enforced on the pilot widget (the
Reconnect button); the main window's check is skipped, with the count of what
is left, until the next round wraps every string (docs/TRANSLATING.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QSettings, QTranslator
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop_app.ui.main_window import MainWindow, WindowSetup
from desktop_app.ui.reconnect_button import ReconnectButton
from desktop_app.ui.settings import Settings
from desktop_app.ui.translation import PSEUDO_LOCALE, install_translations


@pytest.fixture
def pseudo_locale(qapp: QApplication) -> Iterator[None]:
    install_translations(qapp, PSEUDO_LOCALE)
    yield
    for translator in qapp.findChildren(QTranslator):
        qapp.removeTranslator(translator)
        translator.setParent(None)


def shown_texts(window: QWidget) -> Iterator[tuple[QObject, str]]:
    """Each visible widget's own text (labels, buttons, placeholders, tooltips, what a
    screen reader says), and the menus' actions."""
    yield window, window.windowTitle()
    for widget in [window, *window.findChildren(QWidget)]:
        if not widget.isVisibleTo(window):
            continue
        if isinstance(widget, QLabel | QAbstractButton):
            yield widget, widget.text()
        if isinstance(widget, QLineEdit):
            yield widget, widget.placeholderText()
        yield widget, widget.toolTip()
        yield widget, widget.accessibleName()
        yield widget, widget.accessibleDescription()
    for action in window.findChildren(QAction):
        if not action.isSeparator():
            yield action, action.text()


def untranslated(window: QWidget) -> list[str]:
    """The texts that did not come through the pseudo-locale's catalog (its brackets)."""
    return sorted(
        {
            text
            for _, text in shown_texts(window)
            if text.strip() and not (text.startswith("[") and text.endswith("]"))
        }
    )


def clipped(window: QWidget) -> list[str]:
    """Labels and buttons narrower than their text needs (a wrapped label grows instead)."""
    found = []
    for widget in [window, *window.findChildren(QWidget)]:
        if not widget.isVisibleTo(window) or not isinstance(widget, QLabel | QAbstractButton):
            continue
        if isinstance(widget, QLabel) and widget.wordWrap():
            needed = widget.heightForWidth(widget.width())
            if needed > widget.height():
                found.append(f"{widget.text()!r}: {widget.height()} px high, needs {needed}")
        elif widget.width() < widget.minimumSizeHint().width():
            found.append(
                f"{widget.text()!r}: {widget.width()} px wide, "
                f"needs {widget.minimumSizeHint().width()}"
            )
    return found


def test_the_harness_finds_a_clipped_label_and_an_untranslated_one(
    qtbot: QtBot, pseudo_locale: None
) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    label = QLabel("Not wrapped in tr()", window)
    label.setFixedWidth(20)
    window.show()
    qtbot.waitExposed(window)

    assert untranslated(window) == ["Not wrapped in tr()"]
    assert clipped(window) == [
        f"'Not wrapped in tr()': 20 px wide, needs {label.sizeHint().width()}"
    ]


def test_the_reconnect_button_is_translated_and_unclipped(
    qtbot: QtBot, pseudo_locale: None
) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    layout = QHBoxLayout(window)
    button = ReconnectButton()
    button.setVisible(True)
    layout.addWidget(button)
    window.show()
    qtbot.waitExposed(window)

    assert untranslated(window) == []
    assert clipped(window) == []


def test_the_main_window_in_the_pseudo_locale(
    qtbot: QtBot, pseudo_locale: None, tmp_path: Path
) -> None:
    settings = Settings(QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat))
    window = MainWindow(WindowSetup(server_label="x", settings_key="x", settings=settings))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)

    left = untranslated(window)
    too_narrow = clipped(window)
    if left:
        # Not enforceable yet: this round wrapped the pilot's strings only.
        pytest.skip(
            f"{len(left)} strings of the main window are not wrapped in tr() yet "
            f"(issue 15, next round), e.g. {left[:3]}; {len(too_narrow)} clipped"
        )
    assert too_narrow == []
