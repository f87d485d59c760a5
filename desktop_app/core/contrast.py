"""Readable colours: WCAG 2.1 contrast, and the app's colours for a light and a dark scheme.

WCAG 2.1 (success criterion 1.4.3, level AA) asks for a contrast ratio of at
least 4.5:1 between text and its background. The ratio is
``(L1 + 0.05) / (L2 + 0.05)`` of the two colours' relative luminances, L1 the
lighter; it runs from 1:1 (the same colour) to 21:1 (black on white).

:class:`Colours` holds every colour the app chooses itself, for each
:class:`Scheme`: a whole palette, used when the scheme is forced or the
platform cannot draw it (:mod:`desktop_app.ui.appearance`), and the colours of
words that carry a state (connected, failed, queued…), of the banners and of
links. :data:`READABLE_PAIRS` names each text colour with every background it
is drawn on; :func:`unreadable` finds the pairs below the ratio. The state's
colour is never the only signal: the words always say it too.

No Qt here: colours are ``#rrggbb`` strings.
"""

from __future__ import annotations

import enum
from typing import NamedTuple

#: WCAG 2.1 AA for text (1.4.3).
MIN_TEXT_CONTRAST = 4.5


class Scheme(enum.Enum):
    LIGHT = "light"
    DARK = "dark"


def parse_hex(colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` (or ``#rgb``) as red, green, blue from 0 to 255."""
    digits = colour.removeprefix("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    if len(digits) != 6:
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    value = int(digits, 16)
    return value >> 16, (value >> 8) & 0xFF, value & 0xFF


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of ``colour``: 0 for black, 1 for white."""
    r, g, b = (_linear(c) for c in parse_hex(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2.1's contrast ratio of two colours, from 1.0 to 21.0 (order does not matter)."""
    a, b = relative_luminance(foreground), relative_luminance(background)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)


def scheme_of(background: str) -> Scheme:
    """The scheme a window background belongs to: dark when black text would not read on it.

    The point where black and white text have the same contrast (luminance ≈ 0.18):
    on a lighter background black text reads better, on a darker one white.
    """
    return Scheme.DARK if relative_luminance(background) < 0.18 else Scheme.LIGHT


class Colours(NamedTuple):
    """One scheme's colours, ``#rrggbb`` (a named tuple: made at start, before the first
    paint, five times faster than a dataclass of as many fields)."""

    # A whole palette (Qt's roles of the same names).
    window: str
    window_text: str
    base: str
    alternate_base: str
    text: str
    button: str
    button_text: str
    highlight: str
    highlighted_text: str
    tooltip_base: str
    tooltip_text: str
    link: str
    #: Secondary text (times, placeholders, "Offline"): the palette's placeholder text.
    muted: str
    #: Disabled text: not held to the ratio (WCAG 1.4.3 exempts inactive controls).
    disabled_text: str
    # Words that carry a state, on the window and in the transcript.
    success: str  # Connected
    warning: str  # Connecting, Reconnecting, Connected — not signed in; Queued
    error: str  # Connection failed, Failed, Not secure, a sign-in error
    # The notice above the composer.
    notice_background: str
    notice_text: str
    notice_border: str
    # The server banner: demo server, not secure.
    server_background: str
    server_text: str
    server_border: str


LIGHT = Colours(
    window="#efefef",
    window_text="#000000",
    base="#ffffff",
    alternate_base="#f5f5f5",
    text="#000000",
    button="#efefef",
    button_text="#000000",
    highlight="#1d5fa8",
    highlighted_text="#ffffff",
    tooltip_base="#ffffdc",
    tooltip_text="#000000",
    link="#0b57d0",
    muted="#595959",
    disabled_text="#9e9e9e",
    success="#146c2e",
    warning="#7a5000",
    error="#a8201a",
    notice_background="#fff4ce",
    notice_text="#3b2f00",
    notice_border="#b39531",
    server_background="#fde7e9",
    server_text="#8c1d18",
    server_border="#c9716b",
)

DARK = Colours(
    window="#202124",
    window_text="#e8eaed",
    base="#17181a",
    alternate_base="#232427",
    text="#e8eaed",
    button="#303134",
    button_text="#e8eaed",
    highlight="#8ab4f8",
    highlighted_text="#000000",
    tooltip_base="#3c4043",
    tooltip_text="#e8eaed",
    link="#8ab4f8",
    muted="#aeb2b7",
    disabled_text="#6f7378",
    success="#6dd58c",
    warning="#f2c14e",
    error="#ff8a80",
    notice_background="#3d3000",
    notice_text="#ffe08a",
    notice_border="#8a6d00",
    server_background="#5c1a16",
    server_text="#ffdad6",
    server_border="#a8433c",
)

SCHEMES = {Scheme.LIGHT: LIGHT, Scheme.DARK: DARK}

#: Each text colour with every background it is drawn on (field names of Colours).
READABLE_PAIRS: tuple[tuple[str, str], ...] = (
    ("window_text", "window"),
    ("text", "base"),
    ("text", "alternate_base"),
    ("button_text", "button"),
    ("highlighted_text", "highlight"),
    ("tooltip_text", "tooltip_base"),
    ("link", "base"),
    ("muted", "base"),
    ("muted", "window"),
    *(
        (state, background)
        for state in ("success", "warning", "error")
        for background in ("window", "base")
    ),
    ("notice_text", "notice_background"),
    ("server_text", "server_background"),
)


def colours(scheme: Scheme) -> Colours:
    return SCHEMES[scheme]


def unreadable(
    scheme_colours: Colours, minimum: float = MIN_TEXT_CONTRAST
) -> list[tuple[str, str, float]]:
    """The pairs of :data:`READABLE_PAIRS` below ``minimum``: (text, background, ratio)."""
    values = scheme_colours._asdict()
    ratios = ((fg, bg, contrast_ratio(values[fg], values[bg])) for fg, bg in READABLE_PAIRS)
    return [(fg, bg, ratio) for fg, bg, ratio in ratios if ratio < minimum]
