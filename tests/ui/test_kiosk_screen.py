"""The kiosk's screen, offscreen: it fills its screen, says where and what to do, in large
text that nothing clips.

The attached kiosks run the whole app (:func:`desktop_app.app.run`) against a
demo server, like ``test_kiosk.py``; the screen sizes come from the screen's
own ``geometryChanged`` signal, as a new resolution would send it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.core.conversation import Phase
from desktop_app.core.frames import Role
from desktop_app.core.presence import Presence
from desktop_app.core.transcript import TranscriptEntry
from desktop_app.demo.server import DemoServer
from desktop_app.ui.kiosk import KioskOptions
from desktop_app.ui.kiosk_screen import (
    APP_NAME,
    EMPTY_PROMPT,
    ScreenFiller,
    build_kiosk_screen,
    scaled_font,
    text_style_sheet,
)
from desktop_app.ui.main_window import MainWindow, WindowChrome, WindowSetup
from desktop_app.ui.settings import Settings
from desktop_app.ui.transcript import TranscriptModel, TranscriptView
from tests.faultproxy import FaultProxy
from tests.ui.conftest import LoopDriver
from tests.ui.test_kiosk import start_kiosk as start_whole_kiosk

SCREENS = [QRect(0, 0, 1024, 768), QRect(0, 0, 1366, 768)]
MIN_EDGE_PX = 8  # between any text and the screen's edges
#: A long name from a configuration file, markup included: shown as it is written.
CLINIC = "Praxis <b>Nord</b> & Partner – Orthopädie und Unfallchirurgie am Stadtpark"
STAMP = "2024-01-01T10:00:00+00:00"
#: Starts the whole app as a kiosk with these ``--set`` settings; its window, connected.
StartKiosk = Callable[..., MainWindow]


@pytest.fixture
def start_kiosk(
    driver: LoopDriver, qapp: QApplication, tmp_path: Path, server: DemoServer, proxy: FaultProxy
) -> Iterator[StartKiosk]:
    """Starts the whole app as a kiosk with ``--set`` settings; quits it afterwards."""
    started: list[tuple[asyncio.Task[int], MainWindow]] = []

    def start(*settings: str) -> MainWindow:
        extra = [arg for value in settings for arg in ("--set", value)]
        task, window = start_whole_kiosk(
            driver,
            qapp,
            tmp_path,
            server,
            proxy,
            *extra,
            settings_file=f"settings{len(started)}.ini",
        )
        started.append((task, window))
        driver.wait_until(lambda: window.controller.phase is Phase.READY)
        return window

    yield start
    for task, window in started:
        if not task.done():
            driver.call(window.quit_app)
            assert driver.run(task) == 0


def unattached_kiosk(qtbot: QtBot, tmp_path: Path, clinic_name: str | None = None) -> MainWindow:
    """A kiosk window as painted before its server runs (no managers: quick)."""
    settings = Settings(QSettings(str(tmp_path / "unattached.ini"), QSettings.Format.IniFormat))
    setup = WindowSetup(server_label="the demo server", settings_key="demo", settings=settings)
    kiosk = KioskOptions(exit_keys="Ctrl+Alt+Shift+X", clinic_name=clinic_name)
    window = MainWindow(setup, WindowChrome.kiosk_mode(kiosk))
    qtbot.addWidget(window)
    return window


def show_on(driver: LoopDriver, window: MainWindow, screen: QRect) -> None:
    """Show ``window`` full screen, then let its screen say it is now ``screen``."""
    driver.call(window.showFullScreen)
    driver.wait_until(window.isVisible)
    driver.call(window.screen().geometryChanged.emit, screen)
    driver.wait_until(lambda: window.geometry() == screen)
    driver.sleep(0.2)  # layouts and the transcript's delayed relayout settle


def clipped(window: QWidget) -> list[str]:
    """Every visible label or button of ``window`` that does not show its whole text,
    or lies closer than :data:`MIN_EDGE_PX` to an edge of the window."""
    problems = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, QLabel | QAbstractButton) or not widget.isVisible():
            continue
        if not widget.text():
            continue
        name = f"{type(widget).__name__} {widget.text()[:30]!r}"
        top_left = widget.mapTo(window, QPoint(0, 0))
        rect = QRect(top_left, widget.size())
        gaps = (
            rect.left(),
            rect.top(),
            window.width() - (rect.x() + rect.width()),
            window.height() - (rect.y() + rect.height()),
        )
        if min(gaps) < MIN_EDGE_PX:
            problems.append(f"{name} at {rect} in {window.size()}: gaps {gaps}")
        if isinstance(widget, QLabel) and widget.wordWrap():
            need_width = widget.minimumSizeHint().width()
            need_height = widget.heightForWidth(widget.width())
        else:
            need_width = widget.sizeHint().width()
            need_height = widget.minimumSizeHint().height()
        if widget.width() < need_width or widget.height() < need_height:
            problems.append(
                f"{name} is {widget.width()}×{widget.height()}, needs {need_width}×{need_height}"
            )
    return problems


def test_the_heading_is_the_clinics_name_in_plain_text(qtbot: QtBot, tmp_path: Path) -> None:
    named = unattached_kiosk(qtbot, tmp_path, clinic_name=CLINIC)
    assert named.kiosk_screen is not None
    heading = named.kiosk_screen.heading
    assert heading.text() == CLINIC
    assert heading.textFormat() == Qt.TextFormat.PlainText
    assert heading.accessibleName() == CLINIC
    heading.ensurePolished()  # its size comes from the window's style sheet
    assert heading.font().pointSizeF() >= named.font().pointSizeF() * 1.4
    assert heading.font().bold()

    unnamed = unattached_kiosk(qtbot, tmp_path)
    assert unnamed.kiosk_screen is not None
    assert unnamed.kiosk_screen.heading.text() == APP_NAME


def test_a_desktop_window_has_no_kiosk_screen(qtbot: QtBot, tmp_path: Path) -> None:
    settings = Settings(QSettings(str(tmp_path / "desktop.ini"), QSettings.Format.IniFormat))
    window = MainWindow(WindowSetup(server_label="x", settings_key="x", settings=settings))
    qtbot.addWidget(window)
    assert window.kiosk_screen is None
    assert window.font().pointSizeF() == QApplication.font().pointSizeF()
    assert not window.findChildren(QLabel, "kioskHeading")


def test_every_widget_of_the_kiosk_gets_the_scaled_text(
    driver: LoopDriver, start_kiosk: StartKiosk
) -> None:
    window = start_kiosk("kiosk_text_scale=2.5")
    base = QApplication.font().pointSizeF()
    assert window.font().pointSizeF() == pytest.approx(base * 2.5)
    show_on(driver, window, SCREENS[0])
    assert window.kiosk is not None
    for widget in [
        window.transcript_view,
        window.composer,
        window.send_button,
        window.indicator,
        window.reconnect_button,
        window.statusBar(),
        window.start_over_button,
        window.kiosk.banner,
        window.ai_status,
        window.server_banner,
        window.notice_bar,
    ]:
        assert widget.font().pointSizeF() >= base * 2.5 - 0.01, type(widget).__name__


def test_transcript_rows_are_measured_with_the_scaled_font(qtbot: QtBot) -> None:
    entries = [
        TranscriptEntry(Role.USER, "Pat", "Which knee operation suits me?", STAMP),
        TranscriptEntry(Role.BOT, "Assistant", "Let us look at the options together. " * 4, STAMP),
    ]
    model = TranscriptModel()
    model.extend(entries)
    views, parents = [], []
    for scale in (1.0, 2.5, 1.0):
        parent = QWidget()
        parents.append(parent)
        qtbot.addWidget(parent)
        parent.setFont(scaled_font(parent.font(), scale))
        view = TranscriptView(parent)
        view.setModel(model)
        parent.resize(600, 800)
        view.resize(600, 800)
        parent.show()
        views.append(view)
    small, large, styled = views
    qtbot.waitUntil(lambda: all(len(view.row_heights) == 2 for view in views))
    qtbot.waitUntil(lambda: large.row_heights.height(0) > 2 * small.row_heights.height(0) - 30)

    def heights(view: TranscriptView) -> list[int]:
        return [view.row_heights.height(row) for row in range(2)]

    # A font change after the rows were laid out measures every row again: by the
    # font, and by the kiosk's style sheet.
    assert heights(small) == heights(styled) != heights(large)
    parents[0].setFont(large.font())
    parents[2].setStyleSheet(text_style_sheet(QApplication.font(), 2.5))
    qtbot.waitUntil(lambda: heights(small) == heights(styled) == heights(large))


@pytest.mark.parametrize("scale", ["1.0", "2.5"])
@pytest.mark.parametrize("screen", SCREENS, ids=lambda r: f"{r.width()}x{r.height()}")
def test_nothing_is_clipped_and_nothing_touches_the_edges(
    driver: LoopDriver, start_kiosk: StartKiosk, proxy: FaultProxy, scale: str, screen: QRect
) -> None:
    window = start_kiosk(f"kiosk_text_scale={scale}", f"kiosk_clinic_name={CLINIC}")
    show_on(driver, window, screen)
    assert window.indicator.isVisible()
    assert window.indicator.text().endswith("Connected")
    assert driver.call(clipped, window) == []

    # The banner's long words too, and the status bar's Reconnect, while the server is away.
    assert window.kiosk is not None
    proxy.refuse(True)
    proxy.reset()
    driver.wait_until(window.kiosk.banner.isVisible)
    driver.sleep(0.2)  # the layout settles around the banner
    assert driver.call(clipped, window) == []
    proxy.refuse(False)
    driver.wait_until(lambda: window.indicator.presence is Presence.CONNECTED)


def test_the_prompt_shows_on_an_empty_transcript_and_after_starting_over(
    driver: LoopDriver, start_kiosk: StartKiosk
) -> None:
    window = start_kiosk()
    show_on(driver, window, SCREENS[1])
    assert window.kiosk_screen is not None
    prompt = window.kiosk_screen.prompt
    assert prompt.isVisible()
    assert prompt.text() == EMPTY_PROMPT
    assert prompt.textFormat() == Qt.TextFormat.PlainText
    assert prompt.accessibleName()
    assert prompt.accessibleDescription() == EMPTY_PROMPT
    assert window.transcript_view.viewport().rect().contains(prompt.geometry())

    window.composer.setPlainText("Which knee operation suits me?")
    driver.call(window.on_send)
    driver.wait_until(lambda: window.transcript.rowCount() > 0)
    assert not prompt.isVisible()

    driver.call(window.start_over)
    driver.wait_until(lambda: window.transcript.rowCount() == 0)
    assert prompt.isVisible()


def test_the_window_follows_its_screen(driver: LoopDriver, start_kiosk: StartKiosk) -> None:
    window = start_kiosk()
    for screen in [*SCREENS, QRect(0, 0, 1280, 1024)]:
        driver.call(window.screen().geometryChanged.emit, screen)
        driver.wait_until(lambda: window.geometry() == screen)  # noqa: B023 (waited here)
    assert window.isActiveWindow()


def test_a_window_shown_at_its_normal_size_is_made_as_large_as_the_screen(
    qtbot: QtBot,
) -> None:
    # What a bare X session does with showFullScreen(): nothing. Here: a plain show().
    window = QWidget()
    qtbot.addWidget(window)
    window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)  # as a kiosk's
    window.resize(300, 200)
    ScreenFiller(window)
    window.show()
    qtbot.waitUntil(lambda: window.geometry() == window.screen().geometry())
    assert window.geometry().size() != QRect(0, 0, 300, 200).size()


def test_build_kiosk_screen_keeps_the_window_contents_below_the_heading(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    qtbot.addWidget(window)
    centre = QLabel("centre", window)
    window.setCentralWidget(centre)
    model = TranscriptModel()
    view = TranscriptView(centre)
    screen = build_kiosk_screen(
        window, clinic_name=None, text_scale=2.0, transcript=model, view=view
    )
    window.show()
    qtbot.waitUntil(window.isVisible)
    assert screen.heading.geometry().bottom() < centre.mapTo(window, QPoint(0, 0)).y()
    assert window.windowFlags() & Qt.WindowType.FramelessWindowHint
