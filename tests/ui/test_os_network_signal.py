"""The real app hears the operating system's network signal, with nothing injected.

The app runs in a network namespace whose only way out is a veth pair
(:mod:`tests.netns`); the demo server listens on the pair's other end, in the
test's own namespace, so the server is not on loopback and the app follows the system's
network source (Qt's ``glib`` backend, which reads the kernel's routes over
netlink). Deleting the namespace's default route is a real outage; adding it
back is the network's return. Skipped where a namespace cannot be made (not
root, no ``ip``, namespaces denied): the reason is in the skip.
"""

from __future__ import annotations

import contextlib
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from bench import keyring_backend
from tests.conftest import app_environment, asyncio_trouble
from tests.netns import NAMESPACE_ENVIRONMENT, NamespaceUnavailable, VethNetwork, veth_network

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_S = 60.0  # generous: the app starts on a busy two-core machine

CHAT_OPEN = "[ChatWS] Connected successfully"
STATUS_OPEN = "[StatusWS] Connected successfully"
NETWORK_LOST = "desktop_app.ui.network: Network lost"
NETWORK_BACK = "desktop_app.ui.network: Network available"


class LogReader:
    """A process's stderr, line by line, read by a thread so that a wait can time out."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        assert process.stderr is not None
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._stream = process.stderr
        self._ended = False
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        for line in self._stream:
            self._queue.put(line)
        self._queue.put(None)

    def wait_for(self, *fragments: str, timeout: float = DEADLINE_S) -> None:
        """Until every fragment was in a line read after the previous wait."""
        waiting = set(fragments)
        deadline = time.monotonic() + timeout
        while waiting:
            remaining = deadline - time.monotonic()
            if self._ended or remaining <= 0:
                raise AssertionError(f"no {sorted(waiting)} in:\n{self.text()}")
            try:
                line = self._queue.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                self._ended = True
                continue
            self.lines.append(line)
            waiting = {f for f in waiting if f not in line}

    def finish(self) -> str:
        """Everything, once the process has ended (its stderr closed)."""
        self._thread.join(timeout=30)
        with contextlib.suppress(queue.Empty):
            while True:
                line = self._queue.get_nowait()
                if line is not None:
                    self.lines.append(line)
        return self.text()

    def text(self) -> str:
        return "".join(self.lines)


@contextlib.contextmanager
def running(
    argv: list[str], *, env: Mapping[str, str] | None = None, stdout: int, stderr: int
) -> Iterator[subprocess.Popen[str]]:
    """``argv`` running from the checkout; killed on the way out if it is still there."""
    child = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr, text=True
    )
    try:
        yield child
    finally:
        if child.poll() is None:
            child.kill()
        child.communicate(timeout=30)


@pytest.fixture
def net() -> Iterator[VethNetwork]:
    try:
        with veth_network() as made:
            yield made
    except NamespaceUnavailable as exc:
        pytest.skip(f"no network namespace here: {exc.reason}")


@pytest.mark.timeout(240)
def test_the_app_goes_offline_with_the_route_and_reconnects_when_it_is_back(
    net: VethNetwork, tmp_path: Path
) -> None:
    demo = [sys.executable, "-m", "desktop_app.demo", "--host", net.host_address]
    with running(
        [*demo, "--port", "0", "--no-login"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    ) as server:
        assert server.stdout is not None
        said = server.stdout.readline()  # "SDM demo server on http://10.213.a.b:<port>"
        assert f" on http://{net.host_address}:" in said, said
        base_url = said.rsplit(" ", 1)[1].strip()
        env = {
            **app_environment(tmp_path),
            **keyring_backend.ENVIRONMENT,  # a session: the app opens no socket without one
            **NAMESPACE_ENVIRONMENT,
        }
        app_argv = [sys.executable, "-m", "desktop_app", "--server", base_url]
        with running(
            net.command([*app_argv, "--allow-insecure", "--verbose"]),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        ) as app:
            log = LogReader(app)
            log.wait_for(CHAT_OPEN, STATUS_OPEN)

            net.route_down()  # the kernel: no route to the server any more
            log.wait_for(
                NETWORK_LOST,
                "[ChatWS] Offline - waiting for the network",
                "[StatusWS] Offline - waiting for the network",
            )

            net.route_up()  # the network is back: nobody tells the app but the kernel
            log.wait_for(NETWORK_BACK)
            log.wait_for(CHAT_OPEN, STATUS_OPEN)

            app.send_signal(signal.SIGTERM)
            app.wait(timeout=30)
            text = log.finish()
    assert app.returncode == 0, text
    assert "Traceback" not in text
    assert asyncio_trouble(text) == []
