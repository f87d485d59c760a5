"""The application's exceptions: one base, a shallow tree.

::

    SdmError
    ├── InvalidConversationId (also a ValueError)       core/errors.py
    ├── InsecureServerError   (also a ValueError)       core/errors.py
    ├── InvalidServerUrl      (also a ValueError)       core/endpoints.py
    ├── HttpError             (.status, .message)       net/http.py
    ├── SignInRequired        (no or expired session)   net/http.py
    ├── SignInFailed          (wrong email/password)    net/http.py
    └── OutboxError           (.path .client_id .state) core/errors.py

Messages are written for the person who has to act on them, and never carry
message text (patient data).
"""

from __future__ import annotations

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
