"""Issue 14 with real processes: an administrator stores the kiosk's account with
``sdm-desktop --store-credentials``; the kiosk (``python -m desktop_app --kiosk``) then
signs in with it by itself at start, and again after the server restarted with the
session expired. Nobody types anything into the kiosk.

The platform is a demo server in this test's process (so the test can let its sessions
expire); the password store is a JSON file shared by the processes
(:mod:`tests.file_keyring`). The kiosk's log (``--verbose``) says what it did.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from desktop_app.demo.server import DEMO_EMAIL, DEMO_PASSWORD, DemoConfig, DemoServer
from tests.conftest import app_environment
from tests.file_keyring import FILE_ENV
from tests.kiosk_pin import PIN_ARGS
from tests.ui.test_kiosk import SCALED_DOWN

ROOT = Path(__file__).resolve().parents[2]
SIGNED_IN = "Signed in unattended"
CONNECTED = "[ChatWS] Connected successfully"
LINE_TIMEOUT_S = 60.0


class KioskLog:
    """The kiosk process's stderr, read line by line."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []

    async def wait_for(self, fragment: str, *, after: int = 0) -> int:
        """The index of the first line from ``after`` on that contains ``fragment``."""
        assert self.process.stderr is not None
        index = after
        while True:
            while index < len(self.lines):
                if fragment in self.lines[index]:
                    return index
                index += 1
            raw = await asyncio.wait_for(self.process.stderr.readline(), LINE_TIMEOUT_S)
            if not raw:
                raise AssertionError(f"the kiosk ended before {fragment!r}:\n{self.text}")
            self.lines.append(raw.decode(errors="replace"))

    @property
    def text(self) -> str:
        return "".join(self.lines)


async def test_a_kiosk_process_signs_in_by_itself_at_start_and_after_expiry(
    tmp_path: Path,
) -> None:
    server = DemoServer(DemoConfig(data_path=tmp_path / "platform.sqlite"))
    await server.start()
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("SDM_")}
    env = {
        **app_environment(tmp_path / "home", inherited),
        "PYTHON_KEYRING_BACKEND": "tests.file_keyring.FileKeyring",
        "PYTHONPATH": str(ROOT),
        FILE_ENV: str(tmp_path / "keyring.json"),
    }
    try:
        # The administrator, once.
        store = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "desktop_app", "--store-credentials"),
            *("--server", server.base_url, "--kiosk-account", DEMO_EMAIL),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
            cwd=ROOT,
        )
        out, err = await asyncio.wait_for(
            store.communicate(f"{DEMO_PASSWORD}\n".encode()), LINE_TIMEOUT_S
        )
        assert store.returncode == 0, err.decode()
        assert DEMO_PASSWORD.encode() not in out + err

        conversation = server.create_conversation()
        kiosk = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "desktop_app", "--kiosk", "--verbose"),
            *("--server", server.base_url, "--conversation", conversation),
            *SCALED_DOWN,
            *PIN_ARGS,
            *("--set", "kiosk_sign_in_retry_s=0.05", "--set", "kiosk_sign_in_max_retry_s=0.4"),
            stderr=asyncio.subprocess.PIPE,
            env=env,
            cwd=ROOT,
        )
        log = KioskLog(kiosk)
        try:
            # Start: no session kept, signed in with the stored account.
            signed_in = await log.wait_for(SIGNED_IN)
            await log.wait_for(CONNECTED, after=signed_in)

            # The session expires while the server restarts: the reconnect finds it
            # ended, and the kiosk signs in again.
            await server.stop()
            assert server.expire_sessions() >= 1
            await server.start()
            expired = await log.wait_for("Session: signed in -> expired", after=signed_in)
            again = await log.wait_for(SIGNED_IN, after=expired)
            await log.wait_for(CONNECTED, after=again)
        finally:
            if kiosk.returncode is None:
                kiosk.send_signal(signal.SIGTERM)
            assert kiosk.stderr is not None
            rest = await asyncio.wait_for(kiosk.stderr.read(), LINE_TIMEOUT_S)
            await asyncio.wait_for(kiosk.wait(), LINE_TIMEOUT_S)
        text = log.text + rest.decode(errors="replace")
        assert kiosk.returncode == 0, text
        assert DEMO_PASSWORD not in text
        assert "Sign-in requested" not in text  # the dialog never opened
        for trouble in ("Traceback", "Task was destroyed", "never awaited"):
            assert trouble not in text
    finally:
        await server.stop()
