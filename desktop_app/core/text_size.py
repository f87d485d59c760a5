"""The desktop window's text size: the steps Ctrl+Plus and Ctrl+Minus move between.

A scale of the desktop's own font size, remembered between runs. The steps are
those of a browser's zoom, from 80 % to 200 %: at 200 % the default window
(1000 x 700) still shows every label whole. A remembered value that is not a
step (an older version's, or edited by hand) is taken to the nearest step.
"""

from __future__ import annotations

import math

STEPS: tuple[float, ...] = (0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0)
DEFAULT = 1.0


def nearest(scale: object) -> float:
    """The step nearest ``scale``; :data:`DEFAULT` for anything that is not a number."""
    if isinstance(scale, bool) or not isinstance(scale, int | float) or not math.isfinite(scale):
        return DEFAULT
    return min(STEPS, key=lambda step: abs(step - scale))


def larger(scale: float) -> float:
    """The next step up from ``scale`` (the largest stays)."""
    return next((step for step in STEPS if step > scale), STEPS[-1])


def smaller(scale: float) -> float:
    """The next step down from ``scale`` (the smallest stays)."""
    return next((step for step in reversed(STEPS) if step < scale), STEPS[0])


def percent(scale: float) -> str:
    """``scale`` as people read it: ``125 %``."""
    return f"{round(scale * 100)} %"
