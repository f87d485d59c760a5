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
"""

from __future__ import annotations

import errno
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


class SdmError(Exception):
    """Base of every error raised by SDM Desktop."""


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
        message: str,
        *,
        path: Path | None = None,
        client_id: str | None = None,
        state: str | None = None,
    ) -> None:
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
        where = "" if path is None else f" ({path})"
        advice = (
            "Free some disk space"
            if reason == DISK_FULL
            else "Make the folder writable for this user (or free some disk space)"
        )
        if new_message:
            message = (
                f"the message could not be saved on this computer: {reason}{where}. "
                f"{advice}, then press Send again: your text is still in the message box"
            )
        else:
            message = (
                f"the outbox on this computer could not be changed: {reason}{where}. "
                f"{advice}, then try again"
            )
        super().__init__(message, path=path)
        self.reason = reason


class LocalFileError(SdmError):
    """A folder or file on this computer that SDM Desktop must write, and cannot.

    ``reason`` says why in a few words (:func:`why_not_written`); the message names
    the file, the reason and what to do.
    """

    def __init__(self, message: str, *, path: Path, reason: str) -> None:
        super().__init__(message)
        self.path = path
        self.reason = reason


DISK_FULL = "the disk is full"

_WHY_NOT_WRITTEN = {
    errno.ENOSPC: DISK_FULL,
    errno.EDQUOT: "the disk quota of this user is used up",
    errno.EFBIG: "the file would be larger than this disk allows",
    errno.EROFS: "the disk is read-only",
    errno.EACCES: "this folder may not be written",
    errno.EPERM: "this folder may not be written",
    errno.ENOTDIR: "a part of its path is a file, not a folder",
    errno.ENOENT: "its folder does not exist",
    errno.EISDIR: "it is a folder, not a file",
    errno.EIO: "the disk reported an error",
}


def why_not_written(exc: OSError) -> str:
    """Why the operating system refused a write, in a few words for a person."""
    return _WHY_NOT_WRITTEN.get(exc.errno or 0) or (exc.strerror or type(exc).__name__)
