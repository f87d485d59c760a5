"""The session cookie store on a real Secret Service, and without any store.

Each Secret Service test runs ``dbus-run-session``: a private session bus, on
which tests/store/keyring_child.py starts gnome-keyring-daemon with a fresh
login keyring under this test's tmp_path, then runs one Python process per app
start. Nothing of this machine's own keyring is read or written.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.compat import properties
from keyring.errors import KeyringLocked, PasswordDeleteError, PasswordSetError

from desktop_app.store.session_cookies import (
    MAX_COOKIES,
    REASON_FAILED,
    REASON_LOCKED,
    REASON_NO_STORE,
    SERVICE_NAME,
    SessionCookieStore,
    is_session_cookie,
)

CHILD = Path(__file__).with_name("keyring_child.py")
REPO = Path(__file__).resolve().parents[2]
#: Several Python processes and a daemon on a busy 2-core machine; a hang ends here.
SESSION_TIMEOUT_S = 200
LINUX_ONLY = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Secret Service")
# SESSION_TIMEOUT_S ends a hung session (and its processes) before pytest-timeout does.
pytestmark = pytest.mark.timeout(SESSION_TIMEOUT_S + 60)

DEV = "http://127.0.0.1:8765"
PROD = "https://sdm.example.org"
# Cookie values as Django makes them (32 characters of [a-z0-9]), each unmistakable
# in a log or a dump. PASSWORD is what the person typed to sign in.
SESSION = "s3ss10nva1ue7f3a9cq8v1p0c3d2e1f0"
OTHER_SESSION = "0therservers3ss10n5b6c7d8e9f0a1b"
CSRF = "csrftokenva1ue9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1"
PASSWORD = "correct horse battery staple 7f3a9c"
SECRETS = (SESSION, OTHER_SESSION, CSRF, PASSWORD)

# Variables that would lead the child to this machine's bus, keyring or display.
OUTSIDE = frozenset(
    {
        "DBUS_SESSION_BUS_ADDRESS",
        "DISPLAY",
        "WAYLAND_DISPLAY",
        "GNOME_KEYRING_CONTROL",
        "SSH_AUTH_SOCK",
        "PYTHON_KEYRING_BACKEND",
    }
)

Op = list[Any]


def _require(*tools: str) -> None:
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if not missing:
        return
    why = (
        f"{', '.join(missing)} not installed (Debian packages dbus-bin, dbus-daemon, "
        "gnome-keyring, libsecret-tools: .ci/run installs them)"
    )
    if os.environ.get("CI"):
        pytest.fail(why)
    pytest.skip(why)


def _processes_in_group(pgid: int) -> list[str]:
    """The live (not zombie) processes of a process group, as ``pid command``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # it ended meanwhile
            continue
        # "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
        state, _ppid, group = stat.rpartition(")")[2].split()[:3]
        if int(group) == pgid and state != "Z":
            found.append(f"{entry.name} {stat.split(' (', 1)[1].rpartition(')')[0]}")
    return found


class SecretServiceSession:
    """Runs processes (each a list of operations) in one D-Bus session with its own keyring."""

    def __init__(self, tmp_path: Path) -> None:
        home = tmp_path / "home"
        runtime = tmp_path / "run"
        for directory in (home, runtime):
            directory.mkdir(mode=0o700)
        self.env = {
            **{
                key: value
                for key, value in os.environ.items()
                if key not in OUTSIDE and not key.startswith("KEYRING_PROPERTY_")
            },
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / "data"),  # the keyring files: data/keyrings/
            "XDG_CONFIG_HOME": str(home / "config"),  # keyring's keyringrc.cfg
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_RUNTIME_DIR": str(runtime),  # gnome-keyring's control socket
            "PYTHONPATH": os.pathsep.join(
                [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]
            ),
        }
        #: What the app logged in each process of the last run.
        self.logs: list[str] = []

    def run(self, *processes: list[Op]) -> list[list[Any]]:
        """Each process's results, one per operation."""
        command = [
            *("dbus-run-session", "--"),
            *(sys.executable, "-W", "error", str(CHILD), "session", json.dumps(processes)),
        ]
        # A group of its own: the bus, the daemon and the children can be found
        # (and, after a hang, ended) by their group id.
        child = subprocess.Popen(
            command,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            stdout, stderr = child.communicate(timeout=SESSION_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            stdout, stderr = child.communicate()
            pytest.fail(f"D-Bus session still running after {SESSION_TIMEOUT_S} s:\n{stderr}")
        assert child.returncode == 0, f"exit {child.returncode}\nstderr:\n{stderr}"

        # dbus-run-session has ended its bus; the child ended the daemon.
        deadline = time.monotonic() + 30
        while (left := _processes_in_group(child.pid)) and time.monotonic() < deadline:
            time.sleep(0.05)  # polling for processes to end, with a deadline: each look is the wait
        if left:
            os.killpg(child.pid, signal.SIGKILL)
            pytest.fail(f"processes left behind by the D-Bus session: {left}")

        session = json.loads(stdout)
        assert session["daemon_returncode"] == 0, session["daemon_log"]
        # A prompt means the login keyring was not created unlocked (see keyring_child).
        assert "prompt" not in session["daemon_log"], session["daemon_log"]
        for process in session["processes"]:
            for secret in SECRETS:
                assert secret not in process["log"], process["log"]
                assert secret not in process["stderr"], process["stderr"]
        self.logs = [process["log"] for process in session["processes"]]
        return [process["results"] for process in session["processes"]]


@pytest.fixture
def secret_service(tmp_path: Path) -> SecretServiceSession:
    _require("dbus-run-session", "gnome-keyring-daemon", "secret-tool")
    return SecretServiceSession(tmp_path)


# --- a real Secret Service ---------------------------------------------------


@LINUX_ONLY
def test_a_saved_session_is_there_after_a_restart(secret_service: SecretServiceSession) -> None:
    first, second = secret_service.run(
        [
            ["default_store"],
            ["save", DEV, {"sessionid": SESSION, "csrftoken": CSRF}],
        ],
        [["load", DEV], ["load", PROD]],  # the app started again
    )
    # Without a backend chosen, keyring finds the Secret Service by itself.
    assert first[0] == {
        "backend": "keyring.backends.SecretService.Keyring",
        "available": True,
        "reason": None,
    }
    assert first[1] == {"available": True, "reason": None}
    assert second == [
        {"cookies": {"sessionid": SESSION}, "available": True, "reason": None},
        {"cookies": {}, "available": True, "reason": None},
    ]


@LINUX_ONLY
def test_delete_forgets_the_session(secret_service: SecretServiceSession) -> None:
    _, signed_out, restarted = secret_service.run(
        [["save", PROD, {"__Secure-sessionid": SESSION}]],
        [["delete", PROD], ["load", PROD], ["delete", PROD]],  # deleting nothing is fine
        [["load", PROD], ["raw_get", PROD]],
    )
    assert signed_out[1]["cookies"] == {}
    assert signed_out[2] == {"available": True, "reason": None}
    assert restarted[0] == {"cookies": {}, "available": True, "reason": None}
    assert restarted[1] is None


@LINUX_ONLY
def test_only_session_cookies_are_stored(secret_service: SecretServiceSession) -> None:
    (results,) = secret_service.run(
        [
            [
                "save",
                PROD,
                {"__Secure-sessionid": SESSION, "__Secure-csrftoken": CSRF, "messages": CSRF},
            ],
            ["raw_get", PROD],
            ["dump"],
            # The jar lost its session (signed out elsewhere): the kept one goes too.
            ["save", PROD, {"__Secure-csrftoken": CSRF}],
            ["raw_get", PROD],
        ]
    )
    assert json.loads(results[1]) == {"version": 1, "cookies": {"__Secure-sessionid": SESSION}}
    assert CSRF not in json.dumps(results[2])
    assert results[4] is None


@LINUX_ONLY
def test_two_servers_are_kept_apart(secret_service: SecretServiceSession) -> None:
    _, restarted = secret_service.run(
        [
            ["save", DEV, {"sessionid": SESSION}],
            ["save", PROD, {"__Secure-sessionid": OTHER_SESSION}],
        ],
        [["load", DEV], ["load", PROD], ["delete", DEV], ["load", DEV], ["load", PROD]],
    )
    cookies = [result["cookies"] for result in restarted if "cookies" in result]
    assert cookies == [
        {"sessionid": SESSION},
        {"__Secure-sessionid": OTHER_SESSION},
        {},
        {"__Secure-sessionid": OTHER_SESSION},
    ]


CORRUPTED = {
    "not JSON": '{"version": 1, "cookies": {"sessionid": "' + SESSION,
    "a list": json.dumps([SESSION]),
    "another version": json.dumps({"version": 2, "cookies": {"sessionid": SESSION}}),
    "no cookies": json.dumps({"version": 1, "cookies": {}}),
    "a number": json.dumps({"version": 1, "cookies": {"sessionid": 5}}),
    "not a session cookie": json.dumps({"version": 1, "cookies": {"csrftoken": SESSION}}),
    "not a cookie value": json.dumps({"version": 1, "cookies": {"sessionid": SESSION + "; x"}}),
    "too many": json.dumps(
        {"version": 1, "cookies": {f"{n}sessionid": SESSION for n in range(MAX_COOKIES + 1)}}
    ),
    "too deep": "[" * 10_000,
    "too large": json.dumps({"version": 1, "cookies": {"sessionid": SESSION * 1000}}),
}


@LINUX_ONLY
def test_a_corrupted_entry_reads_as_no_session(secret_service: SecretServiceSession) -> None:
    plan: list[Op] = []
    for entry in CORRUPTED.values():
        plan += [["raw_set", DEV, entry], ["load", DEV]]
    plan += [["save", DEV, {"sessionid": SESSION}], ["load", DEV]]  # the next sign-in
    (results,) = secret_service.run(plan)
    loads = dict(zip(CORRUPTED, results[1 : 2 * len(CORRUPTED) : 2], strict=True))
    no_session = {"cookies": {}, "available": True, "reason": None}
    assert {kind: load for kind, load in loads.items() if load != no_session} == {}
    assert results[-1]["cookies"] == {"sessionid": SESSION}
    # One warning each, and (checked by the fixture) no cookie value in the log.
    (log,) = secret_service.logs
    assert log.count("WARNING desktop_app.store.session_cookies: session entry for") == len(
        CORRUPTED
    ), log


@LINUX_ONLY
def test_no_password_and_no_other_cookie_anywhere_in_the_store(
    secret_service: SecretServiceSession,
) -> None:
    # What the app has after signing in with PASSWORD: the jar's cookies.
    (results,) = secret_service.run(
        [
            ["save", DEV, {"sessionid": SESSION, "csrftoken": CSRF}],
            ["save", PROD, {"__Secure-sessionid": OTHER_SESSION, "__Secure-csrftoken": CSRF}],
            ["dump"],
            ["secret_tool_search", "service", SERVICE_NAME],
            ["secret_tool_search", "application", "Python keyring library"],
        ]
    )
    items = results[2]
    assert sorted(item["attributes"]["username"] for item in items) == [DEV, PROD]
    for item in items:
        assert item["collection"] == "Login"
        # keyring sets no schema; gnome-keyring may add the generic one.
        attributes = {k: v for k, v in item["attributes"].items() if k != "xdg:schema"}
        assert attributes == {
            "application": "Python keyring library",
            "service": SERVICE_NAME,
            "username": item["attributes"]["username"],
        }
        assert all(is_session_cookie(name) for name in json.loads(item["secret"])["cookies"])
    dumped = json.dumps(items)
    assert PASSWORD not in dumped
    assert CSRF not in dumped
    # libsecret's own tool: secrets on stdout, attributes on stderr.
    for search in results[3:]:
        assert search["returncode"] == 0, search["stderr"]
        shown = search["stdout"] + search["stderr"]
        assert shown.count("secret = ") == 2, shown
        assert SESSION in shown
        assert OTHER_SESSION in shown
        assert PASSWORD not in shown
        assert CSRF not in shown
        assert "attribute.password" not in shown


# --- no store, or a store that fails -----------------------------------------


@pytest.fixture
def no_chained_backends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [])


@pytest.mark.parametrize(
    "make_backend",
    [fail.Keyring, null.Keyring, chainer.ChainerBackend],
    ids=["fail", "null", "chainer-of-nothing"],
)
@pytest.mark.usefixtures("no_chained_backends")
def test_without_a_store_nothing_is_kept_and_nothing_raises(
    make_backend: Callable[[], KeyringBackend], caplog: pytest.LogCaptureFixture
) -> None:
    store = SessionCookieStore(backend=make_backend())
    assert not store.available
    assert store.unavailable_reason == REASON_NO_STORE
    assert "you will be asked to sign in each time the app starts" in REASON_NO_STORE
    store.save(DEV, {"sessionid": SESSION})
    assert store.load(DEV) == {}
    store.delete(DEV)
    assert store.unavailable_reason == REASON_NO_STORE
    assert all(secret not in caplog.text for secret in SECRETS)


def test_the_reason_names_this_systems_store() -> None:
    expected = {"linux": "Secret Service", "darwin": "Keychain", "win32": "Credential Locker"}
    assert expected.get(sys.platform, "password store") in REASON_NO_STORE
    assert REASON_NO_STORE.startswith("This computer has no password store (")


class MemoryKeyring(KeyringBackend):
    """A dict, or a store that raises ``error`` on every call (for failures only)."""

    @properties.classproperty
    def priority(cls) -> float:
        # Never chosen by keyring.get_keyring(), in this process or any other test.
        raise RuntimeError("test backend")

    def __init__(self) -> None:
        # keyring's __init__ is unannotated; untyped_calls_exclude misses super() (mypy#16653).
        super().__init__()  # type: ignore[no-untyped-call]
        self.entries: dict[tuple[str, str], str] = {}
        self.error: Exception | None = None

    def _check(self) -> None:
        if self.error is not None:
            raise self.error

    def get_password(self, service: str, username: str) -> str | None:
        self._check()
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._check()
        self.entries[service, username] = password

    def delete_password(self, service: str, username: str) -> None:
        self._check()
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("No such password!")


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (KeyringLocked("Failed to unlock the collection!"), REASON_LOCKED),
        (OSError(111, "Connection refused"), REASON_FAILED),
        (RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown"), REASON_FAILED),
        (PasswordSetError(f"cannot store {SESSION}"), REASON_FAILED),  # a careless message
    ],
    ids=["locked", "bus-gone", "dbus-error", "value-in-message"],
)
def test_a_store_that_fails_fails_softly_and_recovers(
    error: Exception, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    backend = MemoryKeyring()
    store = SessionCookieStore(backend=backend)
    assert store.available
    store.save(DEV, {"sessionid": SESSION})

    backend.error = error
    assert store.load(DEV) == {}
    assert store.unavailable_reason == reason
    store.save(DEV, {"sessionid": OTHER_SESSION})
    store.delete(DEV)
    assert [store.available] == [False]  # in a list: mypy would narrow the property for good
    assert caplog.text.count("password store (") == 3
    assert type(error).__name__ in caplog.text
    assert all(secret not in caplog.text for secret in SECRETS), caplog.text

    backend.error = None  # unlocked, or the bus is back
    assert store.load(DEV) == {"sessionid": SESSION}
    assert store.available


def test_cookies_that_are_not_session_cookies_or_not_cookie_values_are_not_kept(
    caplog: pytest.LogCaptureFixture,
) -> None:
    backend = MemoryKeyring()
    store = SessionCookieStore(backend=backend, service="test")
    store.save(
        DEV,
        {"sessionid": "bad value; " + SESSION, "__Secure-sessionid": SESSION, "csrftoken": CSRF},
    )
    assert json.loads(backend.entries["test", DEV]) == {
        "version": 1,
        "cookies": {"__Secure-sessionid": SESSION},
    }
    store.save(DEV, {f"{n}sessionid": SESSION for n in range(MAX_COOKIES + 1)})  # absurd
    assert store.load(DEV) == {"__Secure-sessionid": SESSION}
    store.save(DEV, {"sessionid": ""})  # no session left: forget it
    assert backend.entries == {}
    assert store.available
    assert all(secret not in caplog.text for secret in SECRETS), caplog.text


def test_an_entry_that_is_not_text_reads_as_no_session() -> None:
    backend = MemoryKeyring()
    backend.entries[SERVICE_NAME, DEV] = b'{"version":1}'  # type: ignore[assignment]
    assert SessionCookieStore(backend=backend).load(DEV) == {}


def test_a_server_key_is_required() -> None:
    store = SessionCookieStore(backend=MemoryKeyring())
    for call in (store.load, store.delete, lambda server: store.save(server, {})):
        with pytest.raises(ValueError, match="server key"):
            call("")


def test_a_broken_keyring_setup_means_no_store(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> KeyringBackend:
        raise RuntimeError("keyringrc.cfg names a backend that does not exist")

    monkeypatch.setattr("keyring.get_keyring", broken)
    with caplog.at_level(logging.INFO, logger="desktop_app.store.session_cookies"):
        store = SessionCookieStore()
    assert store.unavailable_reason == REASON_NO_STORE
    assert store.backend_name == "none"
    assert store.load(DEV) == {}
    store.save(DEV, {"sessionid": SESSION})
    store.delete(DEV)
    assert "no password store" in caplog.text
