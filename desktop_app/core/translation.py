"""Translatable text in a Qt-free core: the ``translate`` a function is given, and a marker.

The core makes sentences a person reads (the status bar's words, notices) but
imports no Qt, so it cannot call ``QCoreApplication.translate`` itself. Two
forms, both found by ``pyside6-lupdate``, which matches calls by name and
needs no import of Qt (docs/TRANSLATING.md)::

    def summarize(sockets, *, translate: Translate = english) -> Summary:
        ...
        text = translate("presence", "Reconnecting in {seconds} s").format(seconds=seconds)

    LABELS = {Presence.OFFLINE: QT_TRANSLATE_NOOP("presence", "Offline")}
    # the ui shows QCoreApplication.translate("presence", LABELS[presence])

The ui passes ``QCoreApplication.translate``; tests and the console client keep
the default, the English source text. Translate the template, then fill it:
``translate(...).format(...)``, never an f-string (lupdate would record the
braces, the lookup would get the filled-in text and find nothing).
"""

from __future__ import annotations

from collections.abc import Callable

#: ``translate(context, source_text)``: the text in the person's language.
Translate = Callable[[str, str], str]


def english(context: str, source_text: str) -> str:
    """The source text itself: the core's default ``translate``."""
    del context
    return source_text


def QT_TRANSLATE_NOOP(context: str, source_text: str) -> str:
    """Mark ``source_text`` for lupdate; the ui translates it where it shows it."""
    del context
    return source_text
