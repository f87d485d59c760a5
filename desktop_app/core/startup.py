"""What the window says while the app starts, before its sockets exist.

Theory of operation. The window is shown first, so that a person can read and
write at once; the embedded demo server, its sign-in, the outbox and the
sockets come up after the first paint (:mod:`desktop_app.control.startup`),
in this order. Until the sockets exist, the status bar says which step is
under way (:func:`step_text`); from then on the connection indicator speaks.
A step that fails is said with what to do (:func:`failure_text`), and the app
stops at the person's word: the window stays until it is closed.
"""

from __future__ import annotations

import enum

from desktop_app.core.translation import Translate, english


class StartupStep(enum.Enum):
    """The steps between the first paint and the sockets, in the order they run."""

    STARTING_SERVER = "starting the embedded demo server"
    SIGNING_IN = "signing in to the demo server"
    PREPARING = "preparing the connection"  # outbox, HTTP client, sockets


def step_text(step: StartupStep, server_label: str, *, translate: Translate = english) -> str:
    """The status bar's words for ``step`` (``server_label``: where it connects)."""
    if step is StartupStep.STARTING_SERVER:
        return translate("startup", "Starting the demo server…")
    if step is StartupStep.SIGNING_IN:
        return translate("startup", "Signing in to the demo server…")
    return translate("startup", "Connecting to {server}…").format(server=server_label)


def failure_text(reason: str, *, translate: Translate = english) -> str:
    """What the window says when start-up failed: the reason, then what to do.

    The reason comes from the error that stopped the start (English, like every
    exception message outside the ui); the sentence around it is translated.
    """
    what = reason[:1].upper() + reason[1:].rstrip(".")
    return translate(
        "startup", "SDM Desktop could not start. {reason}. Close this window, then start it again."
    ).format(reason=what)
