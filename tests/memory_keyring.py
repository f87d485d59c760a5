"""A keyring backend that keeps its entries in a dict: the app's restarts inside one test.

The real Secret Service is tested in ``tests/store/test_session_cookies.py``; this
backend lets in-process tests restart the app with a session kept in between.
"""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        # keyring's __init__ is unannotated; untyped_calls_exclude misses super() (mypy#16653).
        super().__init__()  # type: ignore[no-untyped-call]
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("no such entry")
