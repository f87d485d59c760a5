"""The kiosk's service account, kept in the operating system's password store.

An administrator stores it once (``sdm-desktop --store-credentials``); a kiosk
then signs in with it at start and whenever its session ends, with no dialog
(:class:`desktop_app.control.session.AutoSignIn`).

What is stored: for each server, one entry in the system credential store
through ``keyring``, under the service name :data:`SERVICE_NAME` and the
server's key (the same key the session cookie is kept under,
:mod:`desktop_app.store.session_cookies`) as user name. The entry is a small
JSON document, ``{"version": 1, "email": ..., "password": ...}``. It is never
written anywhere else: no config file, no log, no exception message (logs name
the server and error types only).

Unlike the session store, this one does not fail softly: a kiosk that was told
to sign in by itself but cannot read its account must say so. Every failure is
a :class:`CredentialStoreError` whose message says what to do.

Every call blocks (D-Bus on Linux): call them from a worker thread.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import keyring
from keyring.errors import PasswordDeleteError

from desktop_app.core.errors import SdmError, Words
from desktop_app.core.translation import QT_TRANSLATE_NOOP
from desktop_app.store.session_cookies import PROBLEMS, REASON_NO_STORE, unusable_reason

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

logger = logging.getLogger("desktop_app.store.credentials")

#: The entries' service name, as the system's password manager shows it.
SERVICE_NAME = "SDM Desktop kiosk account"
FORMAT_VERSION = 1
MAX_ENTRY_CHARS = 16 * 1024


class CredentialStoreError(SdmError):
    """The password store cannot keep or give the kiosk account (words for a person).

    ``unavailable``: this computer has no usable store at all (not a passing failure).
    """

    def __init__(self, message: Words | str, *, unavailable: bool = False) -> None:
        if isinstance(message, Words):
            super().__init__(words=message)
        else:
            super().__init__(message)
        self.unavailable = unavailable


@dataclass(frozen=True)
class Credentials:
    """A service account: the email it signs in with, and its password (never shown)."""

    email: str
    password: str = field(repr=False)


class CredentialStore:
    """The kiosk account of each server, in the system password store.

    ``backend``: a keyring backend; by default the one keyring chooses for this
    computer. Constructing the store may block (keyring probes D-Bus).
    """

    def __init__(
        self, *, backend: KeyringBackend | None = None, service: str = SERVICE_NAME
    ) -> None:
        self._service = service
        try:
            self._backend = keyring.get_keyring() if backend is None else backend
            unusable = unusable_reason(self._backend)
        except Exception as exc:
            logger.warning("no password store: %s", type(exc).__name__)
            unusable = REASON_NO_STORE
        self._unusable = unusable

    @property
    def backend_name(self) -> str:
        backend = type(self._backend)
        return f"{backend.__module__}.{backend.__qualname__}"

    def check(self) -> None:
        """CredentialStoreError (``unavailable``) when this computer has no store to use."""
        if self._unusable is not None:
            raise CredentialStoreError(_no_store(self._unusable), unavailable=True)

    def _check(self, server: str) -> None:
        if not server:
            raise ValueError("a server key is required (its origin, e.g. https://sdm.example.org)")
        self.check()

    def load(self, server: str) -> Credentials | None:
        """The account kept for ``server``; None when none (or the entry is not ours)."""
        self._check(server)
        try:
            raw = self._backend.get_password(self._service, server)
        except Exception as exc:
            raise self._failed("load", server, exc) from None
        if raw is None:
            return None
        return _parse_entry(server, raw)

    def save(self, server: str, email: str, password: str) -> None:
        """Keep the account ``email`` with ``password`` for ``server`` (replacing any)."""
        self._check(server)
        if not email or not password:
            raise ValueError("an email address and a password are required")
        entry = json.dumps(
            {"version": FORMAT_VERSION, "email": email, "password": password},
            separators=(",", ":"),
        )
        try:
            self._backend.set_password(self._service, server, entry)
        except Exception as exc:
            raise self._failed("save", server, exc) from None
        logger.info("kiosk account for %s saved", server)

    def delete(self, server: str) -> bool:
        """Forget the account kept for ``server``; whether there was one."""
        self._check(server)
        try:
            self._backend.delete_password(self._service, server)
        except PasswordDeleteError:
            return False
        except Exception as exc:
            raise self._failed("delete", server, exc) from None
        logger.info("kiosk account for %s deleted", server)
        return True

    def _failed(self, operation: str, server: str, exc: Exception) -> CredentialStoreError:
        # Only the type: a backend's message may quote what it was given.
        logger.warning(
            "password store (%s): %s for %s failed: %s",
            self.backend_name,
            operation,
            server,
            type(exc).__name__,
        )
        return CredentialStoreError(
            Words(
                QT_TRANSLATE_NOOP(
                    "errors",
                    "the password store of this computer ({backend}) did not work "
                    "({error}): unlock it, or check that it runs, then try again",
                ),
                backend=self.backend_name,
                error=type(exc).__name__,
            )
        )


def _no_store(reason: str) -> Words:
    # The session store's reason ends with what it means for sessions; say what it means here.
    return Words(
        QT_TRANSLATE_NOOP("errors", "{problem}: the kiosk account cannot be kept on this computer"),
        problem=PROBLEMS.get(reason) or reason.split(":")[0],
    )


def _parse_entry(server: str, raw: object) -> Credentials | None:
    def ignored(why: str) -> None:
        logger.warning("kiosk account entry for %s ignored: %s", server, why)

    if not isinstance(raw, str) or len(raw) > MAX_ENTRY_CHARS:
        ignored("not text, or too long")
        return None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        ignored("not JSON")
        return None
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        ignored(f"not a version {FORMAT_VERSION} entry")
        return None
    email, password = data.get("email"), data.get("password")
    if not isinstance(email, str) or not email or not isinstance(password, str) or not password:
        ignored("no email address or no password")
        return None
    return Credentials(email, password)
