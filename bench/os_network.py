"""B2's real operating-system signal: the processes in the network namespace, and what they say.

:class:`NamespaceClients` starts two processes in a namespace of
:mod:`tests.netns`, both against one server URL (the gate on the veth pair):

- the real app, ``python -m desktop_app --server URL --allow-insecure
  --conversation ID --verbose`` (offscreen; a session from
  :mod:`bench.keyring_backend`, since the app opens no socket without one). Its
  log (stderr: ids, states, sizes, never message text) is read by
  :class:`AppLog`: when each socket logged "Connected successfully" and when the
  app's network source said the network was lost or available, by the log's own
  timestamps (wall clock, 1 ms);
- ``python -m bench.os_network HOST PORT CONVERSATION``: the browser client's pair
  and the pair on a page that listens to ``window``'s ``online`` event, which
  ``QNetworkInformation`` in that process fires (the same kernel signal the app
  hears). The clients run on a plain asyncio loop in a thread (precise timers, as
  in the injected row), Qt's main thread only hears the network. It prints one
  JSON object a line (:class:`BrowserLog`): opens, give-ups and network changes,
  with ``time.monotonic()`` times taken in the clients' own callbacks, and stops
  at the end of its input.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

from bench import keyring_backend
from bench.baselines import BrowserClient, OnlineEventBrowserClient
from bench.net_fixtures import quiet_logs, wait_until
from tests.netns import NAMESPACE_ENVIRONMENT, VethNetwork

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("chat", "status")
BROWSERS = ("browser", "browser_online")

#: ``2026-12-06 13:07:20,350 INFO ...``: the app's log format (``desktop_app.app``).
_ASCTIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")
_SOCKET_OPENED = {
    "[ChatWS] Connected successfully": "chat",
    "[StatusWS] Connected successfully": "status",
}
_NETWORK = {
    " desktop_app.ui.network: Network lost": False,
    " desktop_app.ui.network: Network available": True,
}


def _first_since(times: Sequence[float], since: float) -> float | None:
    return next((t for t in times if t >= since), None)


def _latest_first(per_kind: Sequence[Sequence[float]], since: float) -> float | None:
    """When the last of the sockets first opened at or after ``since`` (None: not all)."""
    firsts = [_first_since(times, since) for times in per_kind]
    return None if None in firsts else max(t for t in firsts if t is not None)


class AppLog:
    """What the app logged: socket opens and network changes (wall-clock times)."""

    def __init__(self) -> None:
        self.opened: dict[str, list[float]] = {kind: [] for kind in KINDS}
        self.network: list[tuple[float, bool]] = []
        self.tail: collections.deque[str] = collections.deque(maxlen=40)
        self.ended = False

    async def read(self, stream: asyncio.StreamReader) -> None:
        while line := await stream.readline():
            self.feed(line.decode(errors="replace"))
        self.ended = True

    def feed(self, line: str) -> None:
        self.tail.append(line)
        stamp = _ASCTIME.match(line)
        if stamp is None:
            return
        at = datetime.strptime(stamp.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
        for fragment, kind in _SOCKET_OPENED.items():
            if fragment in line:
                self.opened[kind].append(at)
        for fragment, online in _NETWORK.items():
            if fragment in line:
                self.network.append((at, online))

    def both_open_since(self, since: float) -> float | None:
        return _latest_first([self.opened[kind] for kind in KINDS], since)

    def heard_since(self, since: float, *, online: bool) -> float | None:
        return next((t for t, o in self.network if t >= since and o is online), None)


class BrowserLog:
    """What the browser process reported (monotonic times)."""

    def __init__(self) -> None:
        self.opened: dict[tuple[str, str], list[float]] = collections.defaultdict(list)
        self.gave_up: set[tuple[str, str]] = set()
        self.network: list[tuple[float, bool]] = []
        self.backend = ""
        self.ended = False

    async def read(self, stream: asyncio.StreamReader) -> None:
        while line := await stream.readline():
            event = json.loads(line)
            key = (event.get("client", ""), event.get("kind", ""))
            if event["event"] == "opened":
                self.opened[key].append(event["at"])
                self.gave_up.discard(key)
            elif event["event"] == "gave_up":
                self.gave_up.add(key)
            elif event["event"] == "network":
                self.network.append((event["at"], event["online"]))
            elif event["event"] == "backend":
                self.backend = event["name"]
        self.ended = True

    def both_open_since(self, client: str, since: float) -> float | None:
        return _latest_first([self.opened[(client, kind)] for kind in KINDS], since)

    def any_gave_up(self, client: str) -> bool:
        return any((client, kind) in self.gave_up for kind in KINDS)

    def heard_since(self, since: float, *, online: bool) -> float | None:
        return next((t for t, o in self.network if t >= since and o is online), None)


async def run_ip(argv: Sequence[str]) -> None:
    """An ``ip`` command, without blocking the loop (the gate must keep accepting)."""
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    _, err = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"`{' '.join(argv[:5])}` failed: {err.decode().strip()}")


def _environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SDM_")}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_STATE_HOME=str(home / "state"),
    )
    env.update(keyring_backend.ENVIRONMENT)
    env.update(NAMESPACE_ENVIRONMENT)
    return env


class NamespaceClients:
    """The app and the browser process in ``net``, on ``base_url`` (an async context manager)."""

    def __init__(self, net: VethNetwork, base_url: str, conversation: str, home: Path) -> None:
        self._net = net
        self._base_url = base_url
        self._conversation = conversation
        self._env = _environment(home)
        self._processes: list[tuple[asyncio.subprocess.Process, bool]] = []
        self._readers: list[asyncio.Task[None]] = []
        self._browser_err: collections.deque[str] = collections.deque(maxlen=40)
        self.app = AppLog()
        self.browsers = BrowserLog()

    async def _start(self, argv: list[str], *, terminate: bool) -> asyncio.subprocess.Process:
        process = await asyncio.create_subprocess_exec(
            *self._net.command(argv),
            cwd=ROOT,
            env=self._env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            limit=1 << 20,
        )
        self._processes.append((process, terminate))
        return process

    async def start(self, limit_s: float) -> None:
        """Start both; return once all six sockets are open (RuntimeError otherwise)."""
        where = urlsplit(self._base_url)
        app = await self._start(
            [
                *(sys.executable, "-m", "desktop_app", "--server", self._base_url),
                *("--allow-insecure", "--conversation", self._conversation, "--verbose"),
            ],
            terminate=True,
        )
        browsers = await self._start(
            [
                *(sys.executable, "-m", "bench.os_network"),
                *(str(where.hostname), str(where.port), self._conversation),
            ],
            terminate=False,
        )
        for stream, reader in (
            (app.stderr, self.app.read),
            (app.stdout, _drain),
            (browsers.stdout, self.browsers.read),
            (browsers.stderr, self._keep_browser_err),
        ):
            assert stream is not None
            self._readers.append(asyncio.create_task(reader(stream)))

        def everyone_open() -> bool:
            if self.app.ended or self.browsers.ended:
                raise RuntimeError(f"a process in the namespace exited:\n{self.tails()}")
            return self.app.both_open_since(0.0) is not None and all(
                self.browsers.both_open_since(c, 0.0) is not None for c in BROWSERS
            )

        if not await wait_until(everyone_open, limit_s):
            raise RuntimeError(
                f"not every socket in the namespace opened within {limit_s:g} s:\n{self.tails()}"
            )

    async def _keep_browser_err(self, stream: asyncio.StreamReader) -> None:
        while line := await stream.readline():
            self._browser_err.append(line.decode(errors="replace"))

    def tails(self) -> str:
        return "".join(self.app.tail) + "".join(self._browser_err)

    async def aclose(self) -> None:
        """The app quits on SIGTERM (as from a terminal), the browsers at the end of input."""
        for process, terminate in self._processes:
            if process.returncode is None:
                if terminate:
                    process.send_signal(signal.SIGTERM)
                elif process.stdin is not None:
                    process.stdin.close()
            try:
                await asyncio.wait_for(process.wait(), 20.0)
            except TimeoutError:
                process.kill()
                await process.wait()
        await asyncio.gather(*self._readers, return_exceptions=True)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


async def _drain(stream: asyncio.StreamReader) -> None:
    while await stream.read(65536):
        pass


# --- the browser process ---------------------------------------------------------------------


class _Browsers:
    """Both browser pairs on a plain asyncio loop in a thread of their own.

    Not on qasync: its timers are Qt's coarse timers (up to 5 % late, 0.8 s on the
    browser client's 16 s wait), and a browser's ``setTimeout`` is not. Qt's main
    thread only hears the network and passes each change on, with its time.
    """

    def __init__(self, host: str, port: int, conversation: str) -> None:
        page = f"http://{host}:{port}"
        self.clients: dict[tuple[str, str], BrowserClient] = {}
        for kind in KINDS:
            url = f"ws://{host}:{port}/ws/{kind}/{conversation}/"
            self.clients[("browser", kind)] = BrowserClient(url, page)
            self.clients[("browser_online", kind)] = OnlineEventBrowserClient(url, page)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, name="browsers")

    def on_network(self, available: bool) -> None:
        """In Qt's thread: the operating system's word, passed on at once."""
        self.loop.call_soon_threadsafe(self._network, available, time.monotonic())

    def _network(self, available: bool, at: float) -> None:
        _say(event="network", online=available, at=at)
        if available:
            for client in self.clients.values():
                if isinstance(client, OnlineEventBrowserClient):
                    client.on_online()  # window's "online" event

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._report_until_end_of_input())
        finally:
            self.loop.close()

    async def _report_until_end_of_input(self) -> None:
        stop = asyncio.Event()

        def wait_for_end_of_input() -> None:
            sys.stdin.read()
            self.loop.call_soon_threadsafe(stop.set)

        threading.Thread(target=wait_for_end_of_input, daemon=True).start()
        for client in self.clients.values():
            client.connect()
        told = dict.fromkeys(self.clients, 0)
        gave_up = dict.fromkeys(self.clients, False)
        while not stop.is_set():
            # The times were taken in the clients' callbacks: this loop only passes them on.
            for key, client in self.clients.items():
                for at in client.opened_at[told[key] :]:
                    _say(event="opened", client=key[0], kind=key[1], at=at)
                told[key] = len(client.opened_at)
                if client.gave_up and not gave_up[key]:
                    _say(event="gave_up", client=key[0], kind=key[1])
                gave_up[key] = client.gave_up
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.02)
        await asyncio.gather(*(c.aclose() for c in self.clients.values()), return_exceptions=True)


def _say(**event: Any) -> None:
    print(json.dumps(event), flush=True)


def main(argv: list[str]) -> None:
    """``HOST PORT CONVERSATION``: report on stdout until stdin ends."""
    from PySide6.QtCore import QCoreApplication, QTimer

    from desktop_app.ui.network import SystemNetworkSource

    quiet_logs()
    host, port, conversation = argv
    app = QCoreApplication(["bench-browsers"])
    browsers = _Browsers(host, int(port), conversation)
    source = SystemNetworkSource()
    source.online_changed.connect(browsers.on_network)
    _say(event="backend", name=source.backend, online=source.is_online())
    browsers.thread.start()
    # Quit once the browsers' thread is done (Qt's loop must be left from its own thread).
    watch = QTimer()
    watch.timeout.connect(lambda: None if browsers.thread.is_alive() else app.quit())
    watch.start(50)
    app.exec()
    browsers.thread.join()


if __name__ == "__main__":
    main(sys.argv[1:])
