"""Child processes of tests/store/test_session_cookies.py, on a real Secret Service.

``python keyring_child.py session PLAN`` runs inside ``dbus-run-session``. It
starts ``gnome-keyring-daemon`` on that private session bus, waits until the
daemon owns ``org.freedesktop.secrets`` and its unlocked ``login`` collection
is the default one, then runs each process of PLAN (a JSON list; each item a
list of operations) as a new ``python keyring_child.py ops OPS`` process: one
item per app start, all of them on the same bus and the same keyring. Last, it
stops the daemon and prints one JSON document on stdout::

    {"daemon_pid": 123, "daemon_returncode": 0, "daemon_log": "...",
     "processes": [{"results": [...], "log": "..."}, ...]}

HOME and the XDG directories come from the parent test (they point into its
tmp_path), so no real keyring of this machine is read or written.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SECRETS_BUS_NAME = "org.freedesktop.secrets"
DEFAULT_COLLECTION = "/org/freedesktop/secrets/aliases/default"
#: A busy 2-core machine can take seconds to start the daemon; a broken one never does.
DAEMON_READY_TIMEOUT_S = 60.0
OPS_PROCESS_TIMEOUT_S = 120.0


# --- session: the daemon, then one process per app start ---------------------


def run_session(plan: list[list[list[Any]]]) -> dict[str, Any]:
    runtime = Path(os.environ["XDG_RUNTIME_DIR"])
    daemon_log_path = runtime.parent / "gnome-keyring-daemon.log"
    with daemon_log_path.open("wb") as daemon_log:
        # --unlock reads the login keyring's password from stdin and creates that
        # keyring when it does not exist. Zero bytes read count as "no password":
        # the keyring is not created and the daemon asks a graphical prompter
        # instead (which fails without a display). An empty line is a password.
        daemon = subprocess.Popen(
            ["gnome-keyring-daemon", "--foreground", "--components=secrets", "--unlock"],
            stdin=subprocess.PIPE,
            stdout=daemon_log,
            stderr=subprocess.STDOUT,
        )
        try:
            assert daemon.stdin is not None
            daemon.stdin.write(b"\n")
            daemon.stdin.close()
            _wait_until_ready(daemon)
            processes = [_run_ops_process(ops) for ops in plan]
        finally:
            # The daemon may outlive the session bus for a while; end it here so
            # that no keyring daemon is left behind by the test.
            daemon.terminate()
            try:
                daemon.wait(timeout=30)
            except subprocess.TimeoutExpired:
                daemon.kill()
                daemon.wait(timeout=30)
    return {
        "daemon_pid": daemon.pid,
        "daemon_returncode": daemon.returncode,
        "daemon_log": daemon_log_path.read_text(errors="replace"),
        "processes": processes,
    }


def _wait_until_ready(daemon: subprocess.Popen[bytes]) -> None:
    """Poll the bus until our daemon serves an unlocked default collection."""
    import secretstorage
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    deadline = time.monotonic() + DAEMON_READY_TIMEOUT_S
    last = "nothing asked yet"
    while time.monotonic() < deadline:
        if daemon.poll() is not None:
            raise SystemExit(f"gnome-keyring-daemon exited with {daemon.returncode}")
        # NameHasOwner does not activate: asking the secrets service itself before
        # our daemon owns the name would make the bus start another daemon from
        # /usr/share/dbus-1/services, one without an unlocked login keyring.
        with open_dbus_connection(bus="SESSION") as bus:
            owned = bus.send_and_get_reply(message_bus.NameHasOwner(SECRETS_BUS_NAME)).body[0]
            if owned:
                pid = bus.send_and_get_reply(
                    message_bus.GetConnectionUnixProcessID(SECRETS_BUS_NAME)
                ).body[0]
                if pid != daemon.pid:
                    raise SystemExit(f"{SECRETS_BUS_NAME} is owned by pid {pid}, not ours")
                try:
                    collection = secretstorage.Collection(bus, DEFAULT_COLLECTION)
                    if not collection.is_locked():
                        return
                    last = "default collection locked"
                except secretstorage.exceptions.SecretStorageException as exc:
                    last = f"default collection: {type(exc).__name__}"
            else:
                last = f"{SECRETS_BUS_NAME} not owned yet"
        time.sleep(0.05)  # polling a daemon's start with a deadline: each check is the wait
    raise SystemExit(f"gnome-keyring-daemon not ready after {DAEMON_READY_TIMEOUT_S} s: {last}")


def _run_ops_process(ops: list[list[Any]]) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-W", "error", __file__, "ops", json.dumps(ops)],
        capture_output=True,
        text=True,
        timeout=OPS_PROCESS_TIMEOUT_S,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"ops process exited with {result.returncode}:\n{result.stderr}")
    output: dict[str, Any] = json.loads(result.stdout)
    output["stderr"] = result.stderr
    return output


# --- ops: one app start ------------------------------------------------------


def run_ops(ops: list[list[Any]]) -> dict[str, Any]:
    from keyring.backends import SecretService

    from desktop_app.store.session_cookies import SessionCookieStore

    with _captured_log() as log_lines:
        store = SessionCookieStore(backend=SecretService.Keyring())
        results = [_run_op(store, *op) for op in ops]
    return {"results": results, "log": "\n".join(log_lines)}


def _run_op(store: Any, name: str, *args: Any) -> Any:
    from keyring.backends import SecretService

    from desktop_app.store.session_cookies import SERVICE_NAME, SessionCookieStore

    if name == "save":
        store.save(*args)
        return _status(store)
    if name == "load":
        return {"cookies": store.load(*args), **_status(store)}
    if name == "delete":
        store.delete(*args)
        return _status(store)
    if name == "raw_set":  # what another program, or a damaged store, may leave
        SecretService.Keyring().set_password(SERVICE_NAME, *args)
        return None
    if name == "raw_get":
        return SecretService.Keyring().get_password(SERVICE_NAME, *args)
    if name == "default_store":  # what the app gets without choosing a backend
        default = SessionCookieStore()
        return {"backend": default.backend_name, **_status(default)}
    if name == "dump":
        return _dump()
    if name == "secret_tool_search":
        found = subprocess.run(
            ["secret-tool", "search", "--all", "--unlock", *args],
            capture_output=True,
            text=True,
            timeout=OPS_PROCESS_TIMEOUT_S,
            check=False,
        )
        return {"returncode": found.returncode, "stdout": found.stdout, "stderr": found.stderr}
    raise SystemExit(f"unknown operation {name!r}")


def _status(store: Any) -> dict[str, Any]:
    return {"available": store.available, "reason": store.unavailable_reason}


def _dump() -> list[dict[str, Any]]:
    """Every item of every collection: label, attributes and secret."""
    import secretstorage

    with contextlib.closing(secretstorage.dbus_init()) as bus:
        return [
            {
                "collection": collection.get_label(),
                "label": item.get_label(),
                "attributes": item.get_attributes(),
                "secret": item.get_secret().decode(),
            }
            for collection in secretstorage.get_all_collections(bus)
            for item in collection.get_all_items()
        ]


@contextlib.contextmanager
def _captured_log() -> Iterator[list[str]]:
    """Everything the app logs, at every level, for the parent to search."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(f"{record.levelname} {record.name}: {record.getMessage()}")

    root = logging.getLogger()
    handler = Collect(logging.DEBUG)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield lines
    finally:
        root.removeHandler(handler)


def main() -> None:
    mode, plan = sys.argv[1], json.loads(sys.argv[2])
    output = run_session(plan) if mode == "session" else run_ops(plan)
    print(json.dumps(output))


if __name__ == "__main__":
    main()
