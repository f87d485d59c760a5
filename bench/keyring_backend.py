"""A password store for the app processes of the benchmarks: a session for every server.

The benchmark servers check no session, but the app never opens a socket without
one (an anonymous socket's messages would be stored as "Anonymous"). The app
processes get this backend through ``PYTHON_KEYRING_BACKEND``: it answers every
lookup with a session cookie, so the app starts as a kept session would make it
start, and it writes nothing anywhere.
"""

from __future__ import annotations

import json

from keyring.backend import KeyringBackend

#: The environment that makes an app process use this backend (run from the checkout).
ENVIRONMENT = {"PYTHON_KEYRING_BACKEND": "bench.keyring_backend.BenchmarkKeyring"}


class BenchmarkKeyring(KeyringBackend):
    priority = 1

    def get_password(self, service: str, username: str) -> str | None:
        return json.dumps({"version": 1, "cookies": {"sessionid": "benchmark"}})

    def set_password(self, service: str, username: str, password: str) -> None:
        pass

    def delete_password(self, service: str, username: str) -> None:
        pass
