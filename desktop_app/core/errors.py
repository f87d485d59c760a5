"""The application's exceptions: one base, a shallow tree.

::

    SdmError
    ├── InvalidConversationId (also a ValueError)       core/errors.py
    ├── InsecureServerError   (also a ValueError)       core/errors.py
    ├── InvalidServerUrl      (also a ValueError)       core/endpoints.py
    ├── HttpError             (.status, .message)       net/http.py
    ├── SignInRequired        (no or expired session)   net/http.py
    ├── SignInFailed          (wrong email/password)    net/http.py
    ├── OutboxError           (.path .client_id .state) core/errors.py
    │   ├── OutboxDamaged     (not a database, or corrupt: set aside at start)
    │   └── OutboxWriteError  (.reason: the disk refused; nothing was stored)
    └── LocalFileError        (.path .reason)           core/errors.py
                              (a folder or file on this computer that cannot be written)

Messages are written for the person who has to act on them, and never carry
message text (patient data).

Translated, and English in the logs: an error a person reads carries its words as
:class:`Words`, a template marked ``QT_TRANSLATE_NOOP("errors", …)`` and named
fields. ``str(exc)`` is the English text (logs, stderr, the console client, tests);
``exc.text(translate)`` translates the template, then fills in the fields (a field
that is itself :class:`Words` is translated too; anything else, a path or the
server's own words, is shown as it is). The window shows ``shown(exc)`` of
:mod:`desktop_app.ui.error_text`, which passes ``QCoreApplication.translate``::

    raise SignInRequired(path)  # Words(QT_TRANSLATE_NOOP("errors", "… {path} …"), path=path)
    logger.warning("%s", exc)   # English
    label.setText(shown(exc))   # German in a German window
"""

from __future__ import annotations

import errno
from typing import TYPE_CHECKING

from desktop_app.core.translation import QT_TRANSLATE_NOOP, Translate, english

if TYPE_CHECKING:
    from pathlib import Path

#: The translation context of every error's words.
ERRORS = "errors"


class Words:
    """Text for a person: a ``template`` marked ``QT_TRANSLATE_NOOP("errors", …)``, and
    the values of its ``{named}`` fields. ``str()`` is the English text."""

    __slots__ = ("fields", "template")

    def __init__(self, template: str, /, **fields: object) -> None:
        self.template = template
        self.fields = fields

    def text(self, translate: Translate = english) -> str:
        """The template in the person's language, filled in (nested Words translated too)."""
        values = {
            name: value.text(translate) if isinstance(value, Words) else value
            for name, value in self.fields.items()
        }
        look_up = translate  # the template is marked where it is made, QT_TRANSLATE_NOOP
        return look_up(ERRORS, self.template).format(**values)

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return f"Words({self.template!r})"


class SdmError(Exception):
    """Base of every error raised by SDM Desktop.

    ``words``: the message as :class:`Words`, for a window to translate; without
    them (an error no window shows) :meth:`text` is ``str(self)``.
    """

    def __init__(self, *args: object, words: Words | None = None) -> None:
        if words is not None and not args:
            args = (str(words),)
        super().__init__(*args)
        self.words = words

    def text(self, translate: Translate = english) -> str:
        """The message in the person's language (``str(self)`` stays English)."""
        return str(self) if self.words is None else self.words.text(translate)


class InvalidConversationId(SdmError, ValueError):
    """A conversation id that is not a UUID: the server would answer HTTP 500."""

    def __init__(self, value: object) -> None:
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
        super().__init__(f"conversation id must be a UUID, got {shown}")
        self.value = value


class InsecureServerError(SdmError, ValueError):
    """Plain http/ws to a host other than this machine, without an explicit allow."""

    def __init__(self, url: str) -> None:
        super().__init__(
            f"refusing unencrypted connection to {url}: use https://, or allow plain "
            "http explicitly (only safe on a trusted network)"
        )
        self.url = url


class OutboxError(SdmError):
    """The outbox of unsent messages cannot be opened, or a change to one entry is refused.

    ``path`` is the database file (None in memory). For a refused change,
    ``client_id`` names the entry and ``state`` is its state's value, or None when
    there is no entry with that id. The message names ids and states only.
    """

    def __init__(
        self,
        message: str | Words,
        *,
        path: Path | None = None,
        client_id: str | None = None,
        state: str | None = None,
    ) -> None:
        if isinstance(message, Words):
            super().__init__(words=message)
        else:
            super().__init__(message)
        self.path = path
        self.client_id = client_id
        self.state = state


class OutboxDamaged(OutboxError):
    """The outbox file is not a database, or a damaged one: it cannot be opened."""


class OutboxWriteError(OutboxError):
    """The disk refused a change to the outbox (full, read-only, failing): nothing was
    stored. ``reason`` says why in a few words ("the disk is full")."""

    def __init__(self, reason: str, *, path: Path | None, new_message: bool = True) -> None:
        if reason == DISK_FULL:
            advice = Words(QT_TRANSLATE_NOOP("errors", "Free some disk space"))
        else:
            advice = Words(
                QT_TRANSLATE_NOOP(
                    "errors", "Make the folder writable for this user (or free some disk space)"
                )
            )
        fields = {"reason": Words(reason), "advice": advice}
        # Two templates each: with the file, and in memory (no file to name).
        if new_message and path is not None:
            message = Words(
                QT_TRANSLATE_NOOP(
                    "errors",
                    "the message could not be saved on this computer: {reason} ({path}). "
                    "{advice}, then press Send again: your text is still in the message box",
                ),
                path=path,
                **fields,
            )
        elif new_message:
            message = Words(
                QT_TRANSLATE_NOOP(
                    "errors",
                    "the message could not be saved on this computer: {reason}. "
                    "{advice}, then press Send again: your text is still in the message box",
                ),
                **fields,
            )
        elif path is not None:
            message = Words(
                QT_TRANSLATE_NOOP(
                    "errors",
                    "the outbox on this computer could not be changed: {reason} ({path}). "
                    "{advice}, then try again",
                ),
                path=path,
                **fields,
            )
        else:
            message = Words(
                QT_TRANSLATE_NOOP(
                    "errors",
                    "the outbox on this computer could not be changed: {reason}. "
                    "{advice}, then try again",
                ),
                **fields,
            )
        super().__init__(message, path=path)
        self.reason = reason


class LocalFileError(SdmError):
    """A folder or file on this computer that SDM Desktop must write, and cannot.

    ``reason`` says why in a few words (:func:`why_not_written`); the message names
    the file, the reason and what to do.
    """

    def __init__(self, message: str | Words, *, path: Path, reason: str) -> None:
        if isinstance(message, Words):
            super().__init__(words=message)
        else:
            super().__init__(message)
        self.path = path
        self.reason = reason


DISK_FULL = QT_TRANSLATE_NOOP("errors", "the disk is full")

# Translated where shown, as Words(reason): the operating system's own text (the
# fallback below) finds no translation and shows as it is.
_WHY_NOT_WRITTEN = {
    errno.ENOSPC: DISK_FULL,
    errno.EDQUOT: QT_TRANSLATE_NOOP("errors", "the disk quota of this user is used up"),
    errno.EFBIG: QT_TRANSLATE_NOOP("errors", "the file would be larger than this disk allows"),
    errno.EROFS: QT_TRANSLATE_NOOP("errors", "the disk is read-only"),
    errno.EACCES: QT_TRANSLATE_NOOP("errors", "this folder may not be written"),
    errno.EPERM: QT_TRANSLATE_NOOP("errors", "this folder may not be written"),
    errno.ENOTDIR: QT_TRANSLATE_NOOP("errors", "a part of its path is a file, not a folder"),
    errno.ENOENT: QT_TRANSLATE_NOOP("errors", "its folder does not exist"),
    errno.EISDIR: QT_TRANSLATE_NOOP("errors", "it is a folder, not a file"),
    errno.EIO: QT_TRANSLATE_NOOP("errors", "the disk reported an error"),
}


def why_not_written(exc: OSError) -> str:
    """Why the operating system refused a write, in a few words for a person (English;
    ``Words(reason)`` translates it)."""
    return _WHY_NOT_WRITTEN.get(exc.errno or 0) or (exc.strerror or type(exc).__name__)
