"""The kiosk's screen: made for a shared terminal, not a desktop window without its frame.

A clinic's kiosk often runs on a bare X session or a kiosk compositor, read by
someone standing a step away who has never seen the app. So the kiosk window

- fills its screen whether or not a window manager honours "full screen"
  (:class:`ScreenFiller`: frameless, as big as the screen, raised and active,
  following the screen when its geometry changes);
- says where the visitor is (:class:`KioskHeading`, the clinic's name) and what
  to do on an empty screen (:class:`EmptyPrompt`, also after starting over);
- shows every text larger (``KioskOptions.text_scale``: the window's font and
  style sheet, :func:`text_style_sheet`) and keeps it off the screen's edges
  (:data:`EDGE_MARGIN_PX`).

:func:`build_kiosk_screen` puts the pieces into a window built in kiosk mode
(:meth:`desktop_app.ui.main_window.WindowChrome.kiosk_mode`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, QRect, Qt, QTimer
from PySide6.QtGui import QFont, QScreen
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.translation import QT_TRANSLATE_NOOP

logger = logging.getLogger("desktop_app.ui.kiosk")

APP_NAME = "SDM Desktop"  # the heading when no clinic name is configured
#: What :class:`EmptyPrompt` says (its English; the prompt shows it translated).
EMPTY_PROMPT = QT_TRANSLATE_NOOP(
    "EmptyPrompt",
    "Ask a question about your care options. Type it in the box below and press Enter.",
)
EDGE_MARGIN_PX = 16  # between the screen's edges and any text or button
#: Text larger than the kiosk's own (times it; bold?), by object name: the heading here,
#: and the banner and Start over button of :mod:`desktop_app.ui.kiosk` (a style sheet's
#: size wins over the font they set for themselves).
LARGER_TEXT = {
    "QLabel#kioskHeading": (1.5, True),
    # Its words are many: larger still, they would leave the transcript no room at 768 px.
    "QLabel#offlineBanner": (1.25, True),
    "QPushButton#startOver": (1.2, False),
}


def scaled_font(font: QFont, scale: float) -> QFont:
    """``font`` ``scale`` times as large (in points, or in pixels if it is sized so)."""
    result = QFont(font)
    if font.pointSizeF() > 0:
        result.setPointSizeF(font.pointSizeF() * scale)
    else:
        result.setPixelSize(max(1, round(font.pixelSize() * scale)))
    return result


def text_style_sheet(desktop_font: QFont, scale: float) -> str:
    """The kiosk window's text sizes: every widget ``scale`` times ``desktop_font``, a few
    larger still (:data:`LARGER_TEXT`).

    A style sheet rather than the window's font alone: Qt does not pass a parent's
    font on to a widget that has a style sheet of its own (the banners, the status
    bar's indicator) once it was polished or moved to another parent.
    """
    in_points = desktop_font.pointSizeF() > 0
    size = desktop_font.pointSizeF() if in_points else float(desktop_font.pixelSize())

    def font_size(times: float) -> str:
        return f"{size * times:.2f}pt" if in_points else f"{round(size * times)}px"

    rules = [f"* {{ font-size: {font_size(scale)}; }}"]
    for selector, (times, bold) in LARGER_TEXT.items():
        weight = " font-weight: bold;" if bold else ""
        rules.append(f"{selector} {{ font-size: {font_size(scale * times)};{weight} }}")
    return "\n".join(rules)


class KioskHeading(QLabel):
    """The clinic's name above the conversation, large; plain text (it comes from a file)."""

    def __init__(self, clinic_name: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name = clinic_name or APP_NAME
        self.setObjectName("kioskHeading")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setText(name)
        self.setWordWrap(True)
        self.setAccessibleName(name)
        self.setAccessibleDescription(self.tr("The clinic this kiosk belongs to"))
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        # Its size and weight: the window's style sheet (text_style_sheet).


class EmptyPrompt(QLabel):
    """Plain words over an empty transcript saying what to do; gone once there is a message.

    It lies on the transcript's viewport, as large as it less a margin, and is
    shown whenever ``transcript`` has no rows: at start and after starting over.
    """

    def __init__(self, transcript: QAbstractItemModel, view: QAbstractScrollArea) -> None:
        super().__init__(view.viewport())
        self._transcript = transcript
        self._viewport = viewport = view.viewport()
        self.setObjectName("emptyPrompt")
        self.setTextFormat(Qt.TextFormat.PlainText)
        prompt = self.tr(
            "Ask a question about your care options. Type it in the box below and press Enter."
        )
        self.setText(prompt)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAccessibleName(self.tr("How to start"))
        self.setAccessibleDescription(prompt)
        # Clicks and the wheel reach the transcript below it.
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        viewport.installEventFilter(self)
        for signal in (
            transcript.modelReset,
            transcript.rowsInserted,
            transcript.rowsRemoved,
            transcript.layoutChanged,
        ):
            signal.connect(self.refresh)
        self._place()
        self.refresh()

    def refresh(self, *_args: object) -> None:
        self.setVisible(self._transcript.rowCount() == 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._viewport and event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def _place(self) -> None:
        margin = EDGE_MARGIN_PX
        self.setGeometry(self._viewport.rect().adjusted(margin, margin, -margin, -margin))


class ScreenFiller(QObject):
    """Keeps ``window`` as large as its screen, raised and active.

    ``showFullScreen`` is a request to a window manager; without one (a bare X
    session) or with one that ignores it, the window would stay at its normal
    size in a corner. So once shown, and whenever the screen's geometry changes
    (a new resolution, a display plugged in), the window is given the screen's
    full geometry itself. With a window manager that honours full screen the
    window has that geometry already, and nothing is changed.
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._screen: QScreen | None = None
        self._filling = QTimer(self)  # after the show: the window is mapped by then
        self._filling.setSingleShot(True)
        self._filling.setInterval(0)
        self._filling.timeout.connect(self.fill)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Show:
            handle = self._window.windowHandle()
            if handle is not None:
                handle.screenChanged.connect(self.follow, Qt.ConnectionType.UniqueConnection)
            self.follow(self._window.screen())
            self._filling.start()
        return False

    def follow(self, screen: QScreen | None) -> None:
        """Fill ``screen`` from now on (the window moved to it)."""
        if screen is self._screen:
            return
        if self._screen is not None:
            self._screen.geometryChanged.disconnect(self.on_screen_geometry_changed)
        self._screen = screen
        if screen is not None:
            screen.geometryChanged.connect(self.on_screen_geometry_changed)
            self._filling.start()

    def on_screen_geometry_changed(self, geometry: QRect) -> None:
        logger.info("The screen is now %d×%d: filling it", geometry.width(), geometry.height())
        self.fill(geometry)

    def fill(self, geometry: QRect | None = None) -> None:
        """Give the window ``geometry`` (the screen's), raise and activate it."""
        window = self._window
        if geometry is None:
            if self._screen is None or not window.isVisible():
                return
            geometry = self._screen.geometry()
        if window.geometry() != geometry:
            window.setGeometry(geometry)
        window.raise_()
        window.activateWindow()


@dataclass
class KioskScreen:
    """The kiosk's screen pieces in one window (see :func:`build_kiosk_screen`)."""

    heading: KioskHeading
    prompt: EmptyPrompt
    filler: ScreenFiller
    heading_row: QHBoxLayout

    def add_beside_heading(self, widget: QWidget) -> None:
        """Put ``widget`` (a button) at the right end of the heading's row."""
        self.heading_row.addWidget(widget, 0, Qt.AlignmentFlag.AlignVCenter)


def build_kiosk_screen(
    window: QMainWindow,
    *,
    clinic_name: str | None,
    text_scale: float,
    transcript: QAbstractItemModel,
    view: QAbstractScrollArea,
) -> KioskScreen:
    """Dress ``window`` (built, not yet shown) as the kiosk's screen.

    Its font and style sheet make every text ``text_scale`` times the desktop's,
    in the widgets built later too (the banner, the status bar's pieces); the
    transcript measures its rows again on the change. The heading goes
    above the window's central widget; both keep :data:`EDGE_MARGIN_PX` from
    the screen's edges, and so does the status bar.
    """
    desktop_font = window.font()
    window.setFont(scaled_font(desktop_font, text_scale))
    window.setStyleSheet(text_style_sheet(desktop_font, text_scale))
    window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
    centre = window.takeCentralWidget()
    page = QWidget(window)
    page.setObjectName("kioskPage")
    layout = QVBoxLayout(page)
    margin = EDGE_MARGIN_PX
    layout.setContentsMargins(margin, margin, margin, 0)
    heading_row = QHBoxLayout()
    heading = KioskHeading(clinic_name, page)
    heading_row.addWidget(heading, 1)
    layout.addLayout(heading_row)
    if centre is not None:
        layout.addWidget(centre, 1)
    window.setCentralWidget(page)
    status = window.statusBar()
    status.setSizeGripEnabled(False)  # nothing to resize on a full screen
    status.setContentsMargins(margin, 0, margin, margin // 2)
    return KioskScreen(
        heading=heading,
        prompt=EmptyPrompt(transcript, view),
        filler=ScreenFiller(window),
        heading_row=heading_row,
    )
