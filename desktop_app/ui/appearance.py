"""How the app looks: the light or dark scheme, readable colours, and the text size.

**The scheme.** The ``color_scheme`` setting chooses: ``system`` (the default)
follows the desktop — Qt's ``styleHints().colorScheme()``, and its
``colorSchemeChanged`` signal while the app runs; when the platform does not
say (``Unknown``: X11 without a desktop, offscreen), the platform palette's own
lightness decides. ``light`` or ``dark`` forces one (tests, screenshots, a
person who prefers it): ``SDM_COLOR_SCHEME=dark`` or
``--set color_scheme=dark``.

**The palette.** While the platform's palette is of the scheme wanted, it is
used as is, but for the roles whose platform values can be too faint to read
(placeholder text, links, and the selection when its text does not read on it):
they take the app's (:mod:`desktop_app.core.contrast`).
When the scheme wanted is not the platform palette's (forced, or a platform
style that cannot draw a dark palette: Windows' "windowsvista"), the app draws
with the Fusion style and its own whole palette for the scheme.

**High contrast.** Qt 6.10+ tells a desktop's high-contrast setting
(``styleHints().accessibility().contrastPreference()``). Under it, with
``system``, the platform's palette is used exactly as is: the high-contrast
theme chose its colours. The app's state colours follow the palette's
lightness, like everywhere else.

**The app's colours.** Widgets that colour words (the connection indicator,
the banners, the transcript's delivery states) take them from
:func:`current_colours`, and again when the palette changes
(:func:`follow_palette`); the words say the state too, the colour only repeats it.

**The text size.** :class:`TextSize` holds the View menu's Larger, Smaller and
Actual size (Ctrl+Plus, Ctrl+Minus, Ctrl+0): it scales the application's font
by the steps of :mod:`desktop_app.core.text_size` and remembers the choice;
:func:`apply_text_scale` sets it at start, before the window is built (and so
before its first paint). Every widget, the transcript's rows included
(:class:`~desktop_app.ui.transcript.TranscriptView` lays them out again on a
font change), takes the application's font. A kiosk has its own text scale and
is left alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, SignalInstance
from PySide6.QtGui import QAction, QColor, QFont, QGuiApplication, QKeySequence, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from desktop_app.core import text_size
from desktop_app.core.contrast import (
    MIN_TEXT_CONTRAST,
    Colours,
    Scheme,
    colours,
    contrast_ratio,
    scheme_of,
)
from desktop_app.ui.settings import Settings

logger = logging.getLogger("desktop_app.ui")

CHOICES = ("system", "light", "dark")
#: Platform styles that draw with their own colours, whatever the palette says.
_PALETTE_BLIND_STYLES = frozenset({"windowsvista", "windows"})

_Role = QPalette.ColorRole
_Group = QPalette.ColorGroup


def colours_for(palette: QPalette) -> Colours:
    """The app's colours for the scheme ``palette`` is of."""
    return colours(scheme_of(palette.color(_Role.Window).name()))


def current_colours() -> Colours:
    """The app's colours for the application's palette now."""
    return colours_for(QGuiApplication.palette())


def whole_palette(scheme_colours: Colours) -> QPalette:
    """A palette of the app's own colours (drawn by the Fusion style)."""
    c = scheme_colours
    palette = QPalette()
    for role, colour in (
        (_Role.Window, c.window),
        (_Role.WindowText, c.window_text),
        (_Role.Base, c.base),
        (_Role.AlternateBase, c.alternate_base),
        (_Role.Text, c.text),
        (_Role.Button, c.button),
        (_Role.ButtonText, c.button_text),
        (_Role.BrightText, c.error),
        (_Role.Highlight, c.highlight),
        (_Role.HighlightedText, c.highlighted_text),
        (_Role.ToolTipBase, c.tooltip_base),
        (_Role.ToolTipText, c.tooltip_text),
        (_Role.Link, c.link),
        (_Role.LinkVisited, c.link),
        (_Role.PlaceholderText, c.muted),
    ):
        palette.setColor(role, QColor(colour))
    # Fusion's bevels and frames, from the window's colour.
    window = QColor(c.window)
    dark_scheme = scheme_of(c.window) is Scheme.DARK
    palette.setColor(_Role.Light, window.lighter(150))
    palette.setColor(_Role.Midlight, window.lighter(125))
    palette.setColor(_Role.Mid, window.lighter(140) if dark_scheme else window.darker(130))
    palette.setColor(_Role.Dark, window.darker(150))
    palette.setColor(_Role.Shadow, QColor("#000000"))
    for role in (_Role.WindowText, _Role.Text, _Role.ButtonText, _Role.PlaceholderText):
        palette.setColor(_Group.Disabled, role, QColor(c.disabled_text))
    return palette


def _readable(platform: QPalette, scheme_colours: Colours) -> QPalette:
    """The platform's palette with the app's colours where its own can be too faint: the
    placeholder text and links always, the selection when its text does not read on it
    (Fusion's #308cc6 under white: 3.7:1)."""
    palette = QPalette(platform)
    palette.setColor(_Role.PlaceholderText, QColor(scheme_colours.muted))
    palette.setColor(_Role.Link, QColor(scheme_colours.link))
    selected = palette.color(_Role.HighlightedText).name(), palette.color(_Role.Highlight).name()
    if contrast_ratio(*selected) < MIN_TEXT_CONTRAST:
        palette.setColor(_Role.Highlight, QColor(scheme_colours.highlight))
        palette.setColor(_Role.HighlightedText, QColor(scheme_colours.highlighted_text))
    return palette


class Appearance(QObject):
    """Gives the application the scheme chosen, and again when the desktop's changes."""

    #: The scheme drawn now, after a change (Scheme).
    changed = Signal(object)

    def __init__(self, app: QApplication, choice: str = "system") -> None:
        super().__init__(app)
        self.setObjectName("appearance")
        self._app = app
        self.choice = _checked(choice)
        self.own_palette = False  # the app's whole palette (and Fusion) is in use
        self.scheme = Scheme.LIGHT
        # Both held for the app's life: when PySide 6.11 drops its wrapper of the style
        # hints, it invalidates that of their accessibility hints ("already deleted").
        self._hints = hints = app.styleHints()
        hints.colorSchemeChanged.connect(self.on_color_scheme_changed)
        self._accessibility = hints.accessibility()
        self._accessibility.contrastPreferenceChanged.connect(self.on_contrast_changed)
        self.apply(hints.colorScheme())

    @classmethod
    def of(cls, app: QApplication) -> Appearance | None:
        """The appearance installed in ``app`` (:func:`install`), if any."""
        return app.findChild(Appearance, "appearance")

    @property
    def high_contrast(self) -> bool:
        preference = self._accessibility.contrastPreference()
        return preference is Qt.ContrastPreference.HighContrast

    def set_choice(self, choice: str) -> None:
        """Choose again: ``system``, ``light`` or ``dark``."""
        self.choice = _checked(choice)
        self.apply(self._hints.colorScheme())

    def on_color_scheme_changed(self, system: Qt.ColorScheme) -> None:
        self.apply(system)

    def on_contrast_changed(self, _preference: object) -> None:
        self.apply(self._hints.colorScheme())

    def apply(self, system: Qt.ColorScheme) -> Scheme:
        """Draw the scheme wanted, given the desktop's (``system``); returns it."""
        app = self._app
        if self.own_palette or app.palette().resolveMask():
            app.setPalette(QPalette())  # back to the platform's, to see what it is
            self.own_palette = False
        platform = scheme_of(app.palette().color(_Role.Window).name())
        wanted = _wanted(self.choice, system, platform)
        palette_blind = app.style().name().lower() in _PALETTE_BLIND_STYLES
        if wanted is platform and not (wanted is Scheme.DARK and palette_blind):
            if not (self.high_contrast and self.choice == "system"):
                app.setPalette(_readable(app.palette(), colours(platform)))
        else:
            if app.style().name().lower() != "fusion":
                app.setStyle("Fusion")
            app.setPalette(whole_palette(colours(wanted)))
            self.own_palette = True
        changed = wanted is not self.scheme
        self.scheme = wanted
        logger.debug(
            "Colour scheme %s (chosen %s, desktop %s, own palette %s)",
            wanted.value,
            self.choice,
            system.name,
            self.own_palette,
        )
        _palette_set().emit()
        if changed:
            self.changed.emit(wanted)
        return wanted


def _checked(choice: str) -> str:
    if choice not in CHOICES:
        raise ValueError(f"color scheme must be one of {CHOICES}, not {choice!r}")
    return choice


def _wanted(choice: str, system: Qt.ColorScheme, platform: Scheme) -> Scheme:
    if choice != "system":
        return Scheme(choice)
    if system is Qt.ColorScheme.Dark:
        return Scheme.DARK
    if system is Qt.ColorScheme.Light:
        return Scheme.LIGHT
    return platform  # Unknown: the palette's own lightness


def install(app: QApplication, choice: str = "system") -> Appearance:
    """The application's :class:`Appearance` (made once; a later call chooses again)."""
    appearance = Appearance.of(app)
    if appearance is None:
        return Appearance(app, choice)
    if appearance.choice != choice:
        appearance.set_choice(choice)
    return appearance


class _Notifier(QObject):
    """Says that the application's palette was set (:meth:`Appearance.apply`).

    A signal rather than the widgets' PaletteChange: a widget with a style sheet of
    its own is not sent one when the application's palette changes.
    """

    palette_set = Signal()


_notifier: _Notifier | None = None


def _palette_set() -> SignalInstance:
    global _notifier
    if _notifier is None:
        _notifier = _Notifier()
    return _notifier.palette_set


class _Restyle(QObject):
    def __init__(self, widget: QWidget, restyle: Callable[[], None]) -> None:
        super().__init__(widget)  # goes with the widget, and so does the connection
        self._restyle = restyle
        _palette_set().connect(self.on_palette_set)

    def on_palette_set(self) -> None:
        self._restyle()


def follow_palette(widget: QWidget, restyle: Callable[[], None]) -> None:
    """Call ``restyle`` now and whenever the application's palette is set (a new scheme).

    ``restyle`` sets style sheets with :func:`set_style_sheet`, which leaves an equal
    one alone.
    """
    _Restyle(widget, restyle)
    restyle()


def set_style_sheet(widget: QWidget, sheet: str) -> None:
    """``widget.setStyleSheet(sheet)`` unless it has that one already."""
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)


# --- the text size ---------------------------------------------------------------------

_BASE_FONT = "sdmBaseFont"  # the application's property: its font before any scaling


def base_font(app: QApplication) -> QFont:
    """The application's font at scale 1 (the desktop's)."""
    value = app.property(_BASE_FONT)
    if isinstance(value, QFont):
        return value
    font = app.font()
    app.setProperty(_BASE_FONT, font)
    return font


def text_scale(app: QApplication) -> float:
    """The scale the application's font is at now."""
    base, font = base_font(app), app.font()
    if base.pointSizeF() > 0 and font.pointSizeF() > 0:
        return text_size.nearest(font.pointSizeF() / base.pointSizeF())
    if base.pixelSize() > 0 and font.pixelSize() > 0:
        return text_size.nearest(font.pixelSize() / base.pixelSize())
    return text_size.DEFAULT


def apply_text_scale(app: QApplication, scale: float) -> None:
    """Set the application's font ``scale`` times the desktop's (at start: before the
    window is built, so nothing is laid out twice)."""
    base = base_font(app)
    if scale == text_size.DEFAULT:
        font = base
    else:
        from desktop_app.ui.kiosk_screen import scaled_font  # its one rule of scaling

        font = scaled_font(base, scale)
    if font == app.font():
        return
    app.setFont(font)
    # A widget with a style sheet of its own keeps the font it was polished with (the
    # banners, the status bar's words): setting its sheet again polishes it anew.
    for widget in app.allWidgets():
        if sheet := widget.styleSheet():
            widget.setStyleSheet(sheet)


class TextSize(QObject):
    """The View menu's text size commands: Larger, Smaller, Actual size; remembered."""

    changed = Signal(float)

    def __init__(self, settings: Settings, parent: QWidget) -> None:
        super().__init__(parent)
        self._settings = settings
        self.larger_action = larger = QAction(self.tr("&Larger text"), parent)
        # Ctrl+Plus; and Ctrl+= , the same key without Shift on many keyboards.
        zoom_in = QKeySequence.keyBindings(QKeySequence.StandardKey.ZoomIn)
        larger.setShortcuts([*zoom_in, QKeySequence("Ctrl+=")])
        larger.triggered.connect(self.on_larger)
        self.smaller_action = smaller = QAction(self.tr("&Smaller text"), parent)
        smaller.setShortcuts(QKeySequence.StandardKey.ZoomOut)
        smaller.triggered.connect(self.on_smaller)
        self.reset_action = reset = QAction(self.tr("&Actual text size"), parent)
        reset.setShortcut(QKeySequence("Ctrl+0"))
        reset.triggered.connect(self.on_reset)
        self.actions = [larger, smaller, reset]
        self._show(self.scale)

    @property
    def scale(self) -> float:
        return text_scale(_app())

    def on_larger(self) -> None:
        self.set_scale(text_size.larger(self.scale))

    def on_smaller(self) -> None:
        self.set_scale(text_size.smaller(self.scale))

    def on_reset(self) -> None:
        self.set_scale(text_size.DEFAULT)

    def set_scale(self, scale: float) -> None:
        apply_text_scale(_app(), scale)
        self._settings.set_text_scale(scale)
        self._show(scale)
        self.changed.emit(scale)

    def _show(self, scale: float) -> None:
        self.larger_action.setEnabled(scale < text_size.STEPS[-1])
        self.smaller_action.setEnabled(scale > text_size.STEPS[0])
        self.reset_action.setText(
            self.tr("&Actual text size (now {percent})").format(percent=text_size.percent(scale))
        )


def _app() -> QApplication:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app
