"""The signed-in session, kept across restarts in the operating system's password store.

What is stored: for each server, one entry in the system credential store
(Secret Service on Linux, Keychain on macOS, Windows Credential Locker) through
the ``keyring`` library, under the service name :data:`SERVICE_NAME` and the
server's key (its origin, such as ``https://sdm.example.org``) as user name. The
entry is a small JSON document, ``{"version": 1, "cookies": {NAME: VALUE}}``,
holding only the cookies whose name ends with ``sessionid``: ``sessionid`` in
development, ``__Secure-sessionid`` in production.

Why only the session cookie: it is all the app needs to be signed in after a
restart, and it can be revoked by signing out, or expires by itself. The
password is never given to this module, so it can never be stored; the CSRF
token is renewed by the server and not worth keeping. Cookie values never
reach a log or an exception message: logs name the server, cookie names,
sizes and error types.

Without a store (a Linux session without a Secret Service, keyring's ``fail``
or ``null`` backend, a locked or broken store), nothing raises: :meth:`load`
answers ``{}``, :meth:`save` and :meth:`delete` do nothing, and
:attr:`SessionCookieStore.unavailable_reason` tells in plain words that the
person will be asked to sign in each time the app starts. Once an operation
worked again, the store reports itself available again.

Every call blocks (D-Bus on Linux, and the store may show an unlock prompt):
call them from a worker thread (``asyncio.to_thread``). A lock serialises them.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING

import keyring
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringLocked, PasswordDeleteError

from desktop_app.core.errors import Words
from desktop_app.core.session import SESSION_COOKIE_SUFFIX
from desktop_app.core.translation import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

__all__ = [
    "REASON_FAILED",
    "REASON_LOCKED",
    "REASON_NO_STORE",
    "SERVICE_NAME",
    "SessionCookieStore",
    "is_session_cookie",
    "reason_words",
]

logger = logging.getLogger("desktop_app.store.session_cookies")

#: The entries' service name, as the system's password manager shows it.
SERVICE_NAME = "SDM Desktop session"
FORMAT_VERSION = 1

#: Browsers keep cookies of up to 4096 bytes; Django's session key is 32 characters.
MAX_COOKIE_VALUE_CHARS = 4096
#: ``sessionid`` and ``__Secure-sessionid`` (and ``__Host-sessionid``) at most.
MAX_COOKIES = 4
#: Larger than any entry this module writes; a larger one is not ours to parse.
MAX_ENTRY_CHARS = 16 * 1024

# RFC 6265: a cookie name is an RFC 2616 token, a value is made of cookie-octets.
_COOKIE_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}")
_COOKIE_VALUE = re.compile(r"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*")

_STORE_NAMES = {
    "linux": "Secret Service",
    "darwin": "Keychain",
    "win32": "Windows Credential Locker",
}
# A product's name stays as it is; the generic one is translated.
_STORE_NAME: Words | str = _STORE_NAMES.get(sys.platform) or Words(
    QT_TRANSLATE_NOOP("errors", "system password store")
)
#: What is wrong with the store (the first half of a reason; the kiosk account's
#: error says what it means for the account instead).
PROBLEMS: dict[str, Words] = {}


def _reason(problem: Words) -> str:
    words = Words(
        QT_TRANSLATE_NOOP(
            "errors", "{problem}: you will be asked to sign in each time the app starts."
        ),
        problem=problem,
    )
    reason = str(words)
    PROBLEMS[reason] = problem
    _REASON_WORDS[reason] = words
    return reason


_REASON_WORDS: dict[str, Words] = {}
# The reasons stay English strings (logs, the console, tests); reason_words() gives
# a window their words to translate.
REASON_NO_STORE = _reason(
    Words(
        QT_TRANSLATE_NOOP("errors", "This computer has no password store ({store}) available"),
        store=_STORE_NAME,
    )
)
REASON_LOCKED = _reason(
    Words(
        QT_TRANSLATE_NOOP("errors", "The password store of this computer ({store}) stayed locked"),
        store=_STORE_NAME,
    )
)
REASON_FAILED = _reason(
    Words(
        QT_TRANSLATE_NOOP("errors", "The password store of this computer ({store}) did not work"),
        store=_STORE_NAME,
    )
)


def reason_words(reason: str) -> Words | str:
    """The words of :attr:`SessionCookieStore.unavailable_reason`, for a window to
    translate (``desktop_app.ui.error_text.shown_words``); an unknown text as it is."""
    return _REASON_WORDS.get(reason, reason)


def is_session_cookie(name: str) -> bool:
    """Whether a cookie is the Django session (``sessionid``, ``__Secure-sessionid``)."""
    return name.endswith(SESSION_COOKIE_SUFFIX) and _COOKIE_NAME.fullmatch(name) is not None


def _is_valid_value(value: object) -> bool:
    return (
        isinstance(value, str)
        and 0 < len(value) <= MAX_COOKIE_VALUE_CHARS
        and _COOKIE_VALUE.fullmatch(value) is not None
    )


def unusable_reason(backend: KeyringBackend) -> str | None:
    """Why ``backend`` cannot keep anything, known without calling it; None if it may."""
    if isinstance(backend, fail.Keyring | null.Keyring):
        return REASON_NO_STORE
    # A chainer over nothing behaves like the null backend. Listing its backends
    # probes each one (D-Bus on Linux), which is why this runs once, at construction.
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return REASON_NO_STORE
    return None


class SessionCookieStore:
    """The session cookies of each server, in the system password store.

    ``backend`` is a keyring backend (``keyring.backends.SecretService.Keyring()``,
    ``keyring.backends.fail.Keyring()``...); the default, ``keyring.get_keyring()``,
    is the one keyring chooses for this computer. ``service`` is the entries'
    service name. Constructing the store may block: it may probe D-Bus.
    """

    def __init__(
        self, *, backend: KeyringBackend | None = None, service: str = SERVICE_NAME
    ) -> None:
        self._service = service
        self._lock = threading.Lock()
        self._backend: KeyringBackend | None
        self._unusable: str | None
        try:
            self._backend = keyring.get_keyring() if backend is None else backend
            self._unusable = unusable_reason(self._backend)
        except Exception as exc:
            # keyring reads a configuration file and probes every backend on the
            # first get_keyring(): whatever breaks there means no store.
            logger.warning("no password store: %s", type(exc).__name__)
            self._backend, self._unusable = None, REASON_NO_STORE
        # The last operation's failure; cleared by the next one that works.
        self._failure: str | None = None
        if self._unusable is not None:
            logger.info("no password store (%s): sessions are not kept", self.backend_name)

    @property
    def backend_name(self) -> str:
        """The keyring backend's class, for logs and the About dialog."""
        if self._backend is None:
            return "none"
        return f"{type(self._backend).__module__}.{type(self._backend).__qualname__}"

    @property
    def available(self) -> bool:
        """False when there is no store, or when the last load, save or delete failed."""
        return self.unavailable_reason is None

    @property
    def unavailable_reason(self) -> str | None:
        """Why sessions are not kept, in words for the person using the app; None if they are."""
        return self._unusable or self._failure

    def load(self, server: str) -> dict[str, str]:
        """The session cookies kept for ``server`` (name -> value); ``{}`` when none."""
        _check_server(server)
        with self._lock:
            if self._backend is None or self._unusable is not None:
                return {}
            try:
                raw = self._backend.get_password(self._service, server)
            except Exception as exc:
                self._failed("load", server, exc)
                return {}
            self._failure = None
        if raw is None:
            logger.debug("no session kept for %s", server)
            return {}
        cookies = _parse_entry(server, raw)
        logger.debug("session for %s loaded: %s", server, sorted(cookies))
        return cookies

    def save(self, server: str, cookies: Mapping[str, str]) -> None:
        """Keep the session cookies among ``cookies`` for ``server``; others are ignored.

        Without a session cookie among them, the kept entry (if any) is deleted.
        """
        _check_server(server)
        kept: dict[str, str] = {}
        for name, value in cookies.items():
            if not is_session_cookie(name):
                continue
            if _is_valid_value(value):
                kept[name] = value
            else:
                logger.warning(
                    "session cookie %s for %s not kept: not a cookie value (%d characters)",
                    name,
                    server,
                    len(value),
                )
        if not kept:
            self.delete(server)
            return
        if len(kept) > MAX_COOKIES:
            logger.warning("%d session cookies for %s: none kept", len(kept), server)
            return
        entry = json.dumps(
            {"version": FORMAT_VERSION, "cookies": kept}, separators=(",", ":"), sort_keys=True
        )
        with self._lock:
            if self._backend is None or self._unusable is not None:
                return
            try:
                self._backend.set_password(self._service, server, entry)
            except Exception as exc:
                self._failed("save", server, exc)
                return
            self._failure = None
        logger.debug("session for %s saved: %s", server, sorted(kept))

    def delete(self, server: str) -> None:
        """Forget the session kept for ``server`` (after signing out, or when it expired)."""
        _check_server(server)
        with self._lock:
            if self._backend is None or self._unusable is not None:
                return
            try:
                self._backend.delete_password(self._service, server)
            except PasswordDeleteError:
                # What every backend raises when there is nothing to delete.
                logger.debug("no session kept for %s: nothing to delete", server)
            except Exception as exc:
                self._failed("delete", server, exc)
                return
            self._failure = None
        logger.debug("session for %s deleted", server)

    def _failed(self, operation: str, server: str, exc: Exception) -> None:
        # Backends raise far more than KeyringError: secretstorage and jeepney errors
        # on Linux, OSError from a dead bus socket, pywin32's error on Windows. None
        # of them may reach the app. Only the error's type is logged: a backend's
        # message may quote what it was given (the entry, with the cookie values).
        self._failure = REASON_LOCKED if isinstance(exc, KeyringLocked) else REASON_FAILED
        logger.warning(
            "password store (%s): %s for %s failed: %s",
            self.backend_name,
            operation,
            server,
            type(exc).__name__,
        )


def _check_server(server: str) -> None:
    if not server:
        # keyring stores an entry with an empty user name, shared by every caller.
        raise ValueError("a server key is required (its origin, e.g. https://sdm.example.org)")


def _parse_entry(server: str, raw: object) -> dict[str, str]:
    """The cookies of an entry read back, or ``{}`` (with a warning) if it is not ours."""

    def ignored(why: str) -> dict[str, str]:
        logger.warning("session entry for %s ignored: %s", server, why)
        return {}

    if not isinstance(raw, str):
        return ignored(f"a {type(raw).__name__}, not text")
    if len(raw) > MAX_ENTRY_CHARS:
        return ignored(f"{len(raw)} characters, more than {MAX_ENTRY_CHARS}")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return ignored(f"not JSON ({len(raw)} characters)")
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        return ignored(f"not a version {FORMAT_VERSION} entry")
    cookies = data.get("cookies")
    if not isinstance(cookies, dict) or not 0 < len(cookies) <= MAX_COOKIES:
        return ignored(f"no cookies, or more than {MAX_COOKIES}")
    for name, value in cookies.items():
        # A name that is not a session cookie name may be anything: it is not logged.
        if not is_session_cookie(name):
            return ignored("a cookie that is not a session cookie")
        if not _is_valid_value(value):
            return ignored(f"cookie {name} has no valid value")
    return dict(cookies)
