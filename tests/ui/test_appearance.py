"""The window in a light and a dark scheme, readable, and its text size (issue 15, Seeing).

The contrast is measured on the real window, from what each widget is drawn with:
its palette (``foregroundRole`` on the background of the nearest widget that
fills one) or the colours of the style sheet it has; and in the transcript from
the colours its laid-out documents hold.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QPalette, QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop_app.app import show_window
from desktop_app.core import text_size
from desktop_app.core.config import AppConfig
from desktop_app.core.contrast import DARK, LIGHT, MIN_TEXT_CONTRAST, Colours, contrast_ratio
from desktop_app.core.conversation import Notice, NoticeAction
from desktop_app.core.frames import Role
from desktop_app.core.presence import Presence
from desktop_app.core.transcript import DeliveryState, TranscriptEntry
from desktop_app.demo.server import DemoServer
from desktop_app.ui.appearance import Appearance, apply_text_scale, install, text_scale
from desktop_app.ui.connection_indicator import TONES
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.settings import Settings
from desktop_app.ui.transcript import BADGES, build_document
from tests.ui.conftest import LoopDriver, open_connected

WindowFactory = Callable[..., MainWindow]
SCHEMES = {"light": LIGHT, "dark": DARK}
TEXT_WIDGETS = (QLabel, QAbstractButton, QAbstractItemView, QLineEdit, QPlainTextEdit, QTextEdit)
_SHEET_COLOUR = re.compile(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})")
_SHEET_BACKGROUND = re.compile(r"background(?:-color)?:\s*(#[0-9a-fA-F]{6})")


@pytest.fixture(autouse=True)
def appearance(qapp: QApplication) -> Iterator[Appearance]:
    """The application's appearance; the desktop's scheme and size again afterwards."""
    style = qapp.style().name()
    yield install(qapp, "system")
    install(qapp, "system")
    apply_text_scale(qapp, text_size.DEFAULT)
    qapp.setStyle(style)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def starting_window(qtbot: QtBot, settings: Settings) -> Callable[[str], MainWindow]:
    """The window as the app shows it before its server runs (demo: the banner shows)."""

    def make(scheme: str) -> MainWindow:
        window = show_window(AppConfig(color_scheme=scheme), settings)
        qtbot.addWidget(window)
        qtbot.waitExposed(window)
        return window

    return make


# --- measuring --------------------------------------------------------------------------


def _hex(colour: QColor) -> str:
    return colour.name(QColor.NameFormat.HexRgb)


def _blend(top: QColor, bottom: str) -> str:
    """``top`` (with its alpha) painted over ``bottom``."""
    a, under = top.alphaF(), QColor(bottom)
    mixed = QColor.fromRgbF(
        top.redF() * a + under.redF() * (1 - a),
        top.greenF() * a + under.greenF() * (1 - a),
        top.blueF() * a + under.blueF() * (1 - a),
    )
    return _hex(mixed)


def _own_sheet(widget: QWidget, pattern: re.Pattern[str]) -> str | None:
    match = pattern.search(widget.styleSheet())
    return match.group(1) if match else None


def foreground(widget: QWidget) -> str:
    """The colour ``widget``'s text is drawn in."""
    if (colour := _own_sheet(widget, _SHEET_COLOUR)) is not None:
        return colour
    parent = widget.parentWidget()
    while parent is not None:  # a rule for its kind in an ancestor's sheet ("X QLabel {…}")
        rule = re.search(
            rf"{type(widget).__name__}\s*{{[^}}]*?(?<![-\w])color:\s*(#[0-9a-fA-F]{{6}})",
            parent.styleSheet(),
        )
        if rule:
            return rule.group(1)
        parent = parent.parentWidget()
    return _hex(widget.palette().color(widget.foregroundRole()))


def background(widget: QWidget) -> str:
    """The colour behind ``widget``'s text: its own, or the nearest ancestor's that fills."""
    if isinstance(widget, QAbstractItemView | QLineEdit | QPlainTextEdit | QTextEdit):
        return _hex(widget.palette().color(QPalette.ColorRole.Base))
    if isinstance(widget, QAbstractButton):
        return _hex(widget.palette().color(QPalette.ColorRole.Button))
    current: QWidget | None = widget
    while current is not None:
        if (colour := _own_sheet(current, _SHEET_BACKGROUND)) is not None:
            return colour
        if current.autoFillBackground() or current.isWindow():
            return _hex(current.palette().color(current.backgroundRole()))
        current = current.parentWidget()
    raise AssertionError(f"no background for {widget!r}")


def unreadable_widgets(window: QWidget) -> tuple[list[str], int]:
    """Every visible text widget of ``window`` below the ratio, and how many were measured."""
    problems, measured = [], 0
    for widget in [window, *window.findChildren(QWidget)]:
        if not isinstance(widget, TEXT_WIDGETS) or not widget.isVisible():
            continue
        if isinstance(widget, QLabel | QAbstractButton) and not widget.text():
            continue
        measured += 1
        pairs = [(foreground(widget), background(widget))]
        if isinstance(widget, QAbstractItemView):  # its selected rows
            palette = widget.palette()
            pairs.append(
                (
                    _hex(palette.color(QPalette.ColorRole.HighlightedText)),
                    _hex(palette.color(QPalette.ColorRole.Highlight)),
                )
            )
        for fg, bg in pairs:
            if contrast_ratio(fg, bg) < MIN_TEXT_CONTRAST:
                name = widget.objectName() or type(widget).__name__
                text = getattr(widget, "text", lambda: "")()
                problems.append(f"{name} {text!r}: {fg} on {bg}")
    return problems, measured


def document_colours(document: QTextDocument, default: str) -> set[str]:
    """The colour of every piece of text in ``document``."""
    found, block = set(), document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            brush = iterator.fragment().charFormat().foreground()
            found.add(default if brush.style() == Qt.BrushStyle.NoBrush else _hex(brush.color()))
            iterator += 1
        block = block.next()
    return found


# --- the scheme ---------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_visible_text_of_the_starting_window_reads_in_the_scheme(
    scheme: str, starting_window: Callable[[str], MainWindow]
) -> None:
    window = starting_window(scheme)
    assert window.server_banner.isVisible()  # the demo server's warning
    window.show_notice(Notice("You are not signed in.", NoticeAction.SIGN_IN))
    problems, measured = unreadable_widgets(window)
    assert problems == []
    assert measured >= 8  # banner, notice and its button, composer, Send, list, status…
    # The colours are the scheme's: the window's own and the banner's.
    expected = SCHEMES[scheme]
    assert background(window.server_banner) == expected.server_background
    assert foreground(window.startup_status) == expected.warning
    assert foreground(window.notice_bar.label) == expected.notice_text

    window.show_startup_failure("the port is taken")
    assert foreground(window.startup_status) == expected.error
    assert window.startup_status.text() == "● Could not start"  # in words, not colour alone
    assert unreadable_widgets(window)[0] == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_transcript_draws_every_word_readably_on_its_rows(
    scheme: str, starting_window: Callable[[str], MainWindow]
) -> None:
    window = starting_window(scheme)
    view = window.transcript_view
    palette = view.palette()
    base = _hex(palette.color(QPalette.ColorRole.Base))
    # A person's message sits on a tint of the highlight colour (TranscriptDelegate.paint).
    tint = palette.color(QPalette.ColorRole.Highlight)
    tint.setAlpha(45)
    backgrounds = {base, _blend(tint, base)}
    entries = [
        TranscriptEntry(Role.USER, "You", "Hello", "2026-01-01T10:00:00", state=state)
        for state in DeliveryState
    ] + [TranscriptEntry(Role.BOT, "SDM Assistant", "See [the guide](https://x.example)", "x")]
    colours: set[str] = set()
    for entry in entries:
        document = build_document(entry, 400, view.font(), palette)
        colours |= document_colours(document, _hex(palette.color(QPalette.ColorRole.Text)))
    expected: Colours = SCHEMES[scheme]
    assert {expected.warning, expected.error, expected.muted, expected.link} <= colours
    low = [
        (fg, bg, round(contrast_ratio(fg, bg), 2))
        for fg in colours
        for bg in backgrounds
        if contrast_ratio(fg, bg) < MIN_TEXT_CONTRAST
    ]
    assert low == []


def test_every_connection_state_and_delivery_state_is_said_in_words() -> None:
    # The indicator's colour has a word beside it for every state (core.presence says
    # the words); here: no two states share a tone without words that differ.
    assert set(TONES) == set(Presence)
    assert set(BADGES) == {DeliveryState.QUEUED, DeliveryState.SENDING, DeliveryState.FAILED}
    words = [text for text, _tone in BADGES.values()]
    assert all(words)
    assert len(set(words)) == len(words)


def test_connected_is_said_and_coloured_by_the_scheme(
    driver: LoopDriver, demo: DemoServer, make_window: WindowFactory, appearance: Appearance
) -> None:
    window = make_window()
    open_connected(driver, window, demo.create_conversation())
    driver.wait_until(lambda: window.indicator.presence is Presence.CONNECTED)
    assert window.indicator.text().startswith("● Connected")
    assert foreground(window.indicator) == LIGHT.success  # offscreen: a light platform

    appearance.set_choice("dark")
    assert foreground(window.indicator) == DARK.success
    # Qt hands the application's palette to the widgets on the loop's next turns.
    driver.wait_until(lambda: background(window.indicator) == DARK.window)
    assert window.indicator.text().startswith("● Connected")
    problems, measured = unreadable_widgets(window)
    assert problems == []
    assert measured >= 6


def test_the_desktop_s_scheme_change_recolours_the_running_window(
    qapp: QApplication,
    qtbot: QtBot,
    starting_window: Callable[[str], MainWindow],
    appearance: Appearance,
) -> None:
    window = starting_window("system")
    hints = qapp.styleHints()
    # Offscreen, the desktop says nothing: the platform palette's lightness decides.
    assert hints.colorScheme() is Qt.ColorScheme.Unknown
    assert background(window.server_banner) == LIGHT.server_background
    light_window = _hex(window.palette().color(QPalette.ColorRole.Window))

    with qtbot.waitSignal(appearance.changed, timeout=5000):
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)  # as the platform sends it
    # Qt hands the application's palette to the widgets on the next turns of the loop.
    qtbot.waitUntil(lambda: _hex(window.palette().color(QPalette.ColorRole.Window)) == DARK.window)
    assert _hex(window.composer.palette().color(QPalette.ColorRole.Base)) == DARK.base
    assert background(window.server_banner) == DARK.server_background
    assert foreground(window.startup_status) == DARK.warning
    assert unreadable_widgets(window)[0] == []

    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    qtbot.waitUntil(lambda: _hex(window.palette().color(QPalette.ColorRole.Window)) == light_window)
    assert background(window.server_banner) == LIGHT.server_background
    assert foreground(window.startup_status) == LIGHT.warning


def test_a_forced_scheme_wins_over_the_desktop_s(
    qapp: QApplication, starting_window: Callable[[str], MainWindow], appearance: Appearance
) -> None:
    window = starting_window("light")
    qapp.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert appearance.scheme.value == "light"
    assert foreground(window.startup_status) == LIGHT.warning
    with pytest.raises(ValueError, match="color scheme must be one of"):
        appearance.set_choice("sepia")


def test_under_high_contrast_the_platform_s_palette_is_used_as_it_is(
    qapp: QApplication, appearance: Appearance, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Patched for readability without the preference (Fusion's is half-transparent black).
    assert qapp.palette().color(QPalette.ColorRole.PlaceholderText) == QColor(LIGHT.muted)
    # Offscreen has no desktop to say "high contrast": the preference is faked here.
    monkeypatch.setattr(Appearance, "high_contrast", property(lambda _self: True))
    appearance.on_contrast_changed(Qt.ContrastPreference.HighContrast)
    assert qapp.palette().resolveMask() == 0  # no role of the app's own
    assert qapp.palette().color(QPalette.ColorRole.PlaceholderText) != QColor(LIGHT.muted)
    assert not appearance.own_palette
    appearance.set_choice("dark")  # a choice made still holds
    assert _hex(qapp.palette().color(QPalette.ColorRole.Window)) == DARK.window


def test_the_appearance_is_installed_once_and_chosen_again(
    qapp: QApplication, appearance: Appearance
) -> None:
    assert Appearance.of(qapp) is appearance
    qapp.setStyle("Windows")  # a style that would not draw the dark palette well
    assert install(qapp, "dark") is appearance
    assert appearance.choice == "dark"
    assert appearance.own_palette
    assert qapp.style().name().lower() == "fusion"


# --- the text size ---------------------------------------------------------------------


def _press(qtbot: QtBot, window: MainWindow, key: Qt.Key) -> None:
    QTest.keyClick(window.composer, key, Qt.KeyboardModifier.ControlModifier)


def test_ctrl_plus_minus_and_zero_change_the_text_size_and_it_is_remembered(
    qapp: QApplication,
    qtbot: QtBot,
    starting_window: Callable[[str], MainWindow],
    settings: Settings,
) -> None:
    window = starting_window("system")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    window.composer.setFocus()
    base = window.composer.font().pointSizeF()
    assert text_scale(qapp) == 1.0

    _press(qtbot, window, Qt.Key.Key_Plus)
    assert text_scale(qapp) == 1.1
    # The widgets are given the application's font on the next turns of the loop.
    qtbot.waitUntil(lambda: window.composer.font().pointSizeF() > base)
    assert window.composer.font().pointSizeF() == pytest.approx(base * 1.1)
    assert window.startup_status.font().pointSizeF() == pytest.approx(base * 1.1)
    assert window.transcript_view.font().pointSizeF() == pytest.approx(base * 1.1)
    _press(qtbot, window, Qt.Key.Key_Equal)  # Ctrl+= : the same key, unshifted
    assert text_scale(qapp) == 1.25
    assert settings.text_scale() == 1.25
    _press(qtbot, window, Qt.Key.Key_Minus)
    _press(qtbot, window, Qt.Key.Key_Minus)
    _press(qtbot, window, Qt.Key.Key_Minus)
    assert text_scale(qapp) == 0.9
    _press(qtbot, window, Qt.Key.Key_0)
    assert text_scale(qapp) == 1.0
    assert settings.text_scale() == 1.0
    assert window.text_size is not None
    assert "100 %" in window.text_size.reset_action.text()

    # Remembered: the next start shows the text at the size last chosen.
    _press(qtbot, window, Qt.Key.Key_Plus)
    _press(qtbot, window, Qt.Key.Key_Plus)
    window.close()
    apply_text_scale(qapp, 1.0)  # as a new process starts
    again = starting_window("system")
    assert text_scale(qapp) == 1.25
    qtbot.waitUntil(lambda: again.composer.font().pointSizeF() == pytest.approx(base * 1.25))


def test_the_largest_and_smallest_sizes_stop_there(
    qapp: QApplication, starting_window: Callable[[str], MainWindow]
) -> None:
    window = starting_window("system")
    assert window.text_size is not None
    for _ in range(len(text_size.STEPS)):
        window.text_size.on_larger()
    assert text_scale(qapp) == 2.0
    assert not window.text_size.larger_action.isEnabled()
    for _ in range(len(text_size.STEPS)):
        window.text_size.on_smaller()
    assert text_scale(qapp) == 0.8
    assert not window.text_size.smaller_action.isEnabled()


def clipped(window: QWidget) -> list[str]:
    """Every visible label and button smaller than it needs, or outside the window."""
    problems = []
    inside = window.rect()
    for widget in window.findChildren(QLabel) + window.findChildren(QAbstractButton):
        if not widget.isVisible() or not widget.text():
            continue
        wraps = isinstance(widget, QLabel) and widget.wordWrap()
        need = widget.minimumSizeHint() if wraps else widget.sizeHint()
        name = f"{widget.objectName() or type(widget).__name__} {widget.text()!r}"
        if widget.width() < need.width() or widget.height() < need.height():
            problems.append(f"{name}: {widget.size().toTuple()} < {need.toTuple()}")
        where = widget.rect().translated(widget.mapTo(window, widget.rect().topLeft()))
        if not inside.contains(where):
            problems.append(f"{name}: at {where.getRect()}, outside {inside.getRect()}")
    return problems


def test_nothing_is_clipped_at_the_largest_size_in_the_default_window(
    driver: LoopDriver,
    demo: DemoServer,
    make_window: WindowFactory,
    qapp: QApplication,
) -> None:
    apply_text_scale(qapp, text_size.STEPS[-1])
    window = make_window()
    open_connected(driver, window, demo.create_conversation())
    driver.wait_until(lambda: window.indicator.presence is Presence.CONNECTED)
    window.show_notice(Notice("You are offline. Messages wait here.", NoticeAction.RETRY))
    window.resize(1000, 700)
    driver.wait_until(lambda: window.size().toTuple() == (1000, 700))
    with contextlib.suppress(AssertionError):  # layouts settle on the loop's next turns
        driver.wait_until(lambda: not clipped(window))
    assert clipped(window) == []
    assert window.send_button.font().pointSizeF() >= 2 * 8
