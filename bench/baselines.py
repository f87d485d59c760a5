"""The baselines the benchmarks compare with, on the same server and the same proxy.

:class:`BrowserClient` is the platform's browser client (``websocket-base.js``,
described in ``shared/BROWSER_CLIENT.md``) re-implemented faithfully: after a
close it waits 1, 2, 4, 8, 16 s (no jitter), gives up after 5 attempts, resets
the count on every open, sends ``{"type": "ping"}`` every 30 s and never waits
for the pong (the document promises a dead-connection check its code lacks).
Like a browser it has no handshake timeout of its own and sends no
protocol-level pings.

:class:`OnlineEventBrowserClient` is the same client on a page that also listens to
``window``'s ``online`` event and reconnects then (what a page can know of the
network: ``navigator.onLine`` and its events).

:class:`BareWebsocketsClient` is what a developer gets from ``websockets``
alone: ``async for ws in connect(...)`` with the library's defaults (protocol
pings every 20 s, 20 s to answer, its own reconnect backoff). B1 also builds one
with our keepalive's ping interval and pong timeout (``ping_interval_s``,
``ping_timeout_s``), every other setting left at the library's default.

Both record when they open and close (monotonic seconds), which is all the
benchmarks read.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable, Generator
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.client import backoff
from websockets.exceptions import ConnectionClosed, InvalidHandshake
from websockets.typing import Origin

Listener = Callable[[dict[str, Any]], object]


class _Recorder:
    """Open/close times and state, shared by both baselines."""

    def __init__(self, on_message: Listener | None) -> None:
        self.on_message = on_message
        self.connected = False
        self.opened_at: list[float] = []
        self.closed_at: list[float] = []
        self.attempted_at: list[float] = []  # every connection attempt (handshake started)
        self._task: asyncio.Task[None] | None = None

    def _opened(self) -> None:
        self.connected = True
        self.opened_at.append(time.monotonic())

    def _closed(self) -> None:
        if self.connected:
            self.closed_at.append(time.monotonic())
        self.connected = False

    async def _deliver(self, ws: ClientConnection) -> None:
        async for raw in ws:
            if self.on_message is not None:
                self.on_message(json.loads(raw))

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.connected = False


class BrowserClient(_Recorder):
    """``websocket-base.js`` in Python: fixed exponential steps, no jitter, no pong timeout."""

    def __init__(
        self,
        url: str,
        origin: str,
        *,
        reconnect_delay_s: float = 1.0,  # 1000 ms in the browser
        max_reconnect_attempts: int = 5,
        ping_interval_s: float = 30.0,
        on_message: Listener | None = None,
    ) -> None:
        super().__init__(on_message)
        self.url = url
        self.origin = origin
        self.reconnect_delay_s = reconnect_delay_s
        self.max_reconnect_attempts = max_reconnect_attempts
        self.ping_interval_s = ping_interval_s
        self.reconnect_attempts = 0
        self.gave_up = False
        self.next_retry_at: float | None = None

    def connect(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while True:
            self.attempted_at.append(time.monotonic())
            try:
                # A browser has no handshake timeout and sends no protocol pings.
                async with connect(
                    self.url,
                    origin=Origin(self.origin),
                    open_timeout=None,
                    ping_interval=None,
                    max_size=None,
                ) as ws:
                    self.reconnect_attempts = 0  # onopen: reset, however briefly it stays
                    self._opened()
                    pinger = asyncio.create_task(self._ping(ws))
                    try:
                        await self._deliver(ws)
                    finally:
                        pinger.cancel()
            except (OSError, InvalidHandshake, ConnectionClosed, TimeoutError):
                pass
            self._closed()
            # onclose: attemptReconnect()
            if self.reconnect_attempts >= self.max_reconnect_attempts:
                self.gave_up = True
                self.next_retry_at = None
                return
            self.reconnect_attempts += 1
            delay = self.reconnect_delay_s * 2 ** (self.reconnect_attempts - 1)
            self.next_retry_at = time.monotonic() + delay
            await self._wait_before_retry(delay)
            self.next_retry_at = None

    async def _wait_before_retry(self, delay_s: float) -> None:
        """``setTimeout(() => this.connect(), delay)``."""
        await asyncio.sleep(delay_s)

    async def _ping(self, ws: ClientConnection) -> None:
        while True:
            await asyncio.sleep(self.ping_interval_s)
            # setInterval(() => send({type: "ping"})): nothing checks that a pong comes back.
            await ws.send(json.dumps({"type": "ping"}))


class OnlineEventBrowserClient(BrowserClient):
    """The browser client on a page that also listens to ``window``'s ``online`` event.

    ``websocket-base.js`` has no such listener ("Offline Detection: use navigator.onLine"
    is among its future enhancements); this is what a page can add, at its best::

        window.addEventListener("online", () => {
            if (this.isConnected || this.isConnecting) return;
            clearTimeout(this.reconnectTimer);
            this.reconnectAttempts = 0;
            this.connect(this.currentConvId);
        });

    :meth:`on_online` is that handler: a benchmark calls it when the operating system
    says the network is back, the moment a browser fires the event. The client then
    connects at once, whether it was waiting for its retry timer or had given up.
    """

    def __init__(self, url: str, origin: str, **options: Any) -> None:
        super().__init__(url, origin, **options)
        self.online_at: list[float] = []  # when the event fired
        self._online = asyncio.Event()

    def on_online(self) -> None:
        self.online_at.append(time.monotonic())
        if self.gave_up:
            self.gave_up = False
            self.reconnect_attempts = 0
            self.connect()
        elif self.next_retry_at is not None:  # waiting for the retry timer
            self.reconnect_attempts = 0
            self._online.set()
        # Else it is open, or connecting: nothing to do.

    async def _wait_before_retry(self, delay_s: float) -> None:
        self._online.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._online.wait(), delay_s)


class BareWebsocketsClient(_Recorder):
    """``async for ws in connect(url)``: the library's keepalive and reconnect defaults.

    ``ping_interval_s`` and ``ping_timeout_s`` are the library's ``ping_interval`` and
    ``ping_timeout`` (its defaults: 20 s and 20 s). ``time_scale`` divides every delay
    of the library's reconnect backoff (B3 runs its long outages in scaled time).
    """

    def __init__(
        self,
        url: str,
        origin: str,
        *,
        on_message: Listener | None = None,
        ping_interval_s: float = 20.0,
        ping_timeout_s: float = 20.0,
        time_scale: float = 1.0,
    ) -> None:
        super().__init__(on_message)
        self.url = url
        self.origin = origin
        self.ping_interval_s = ping_interval_s
        self.ping_timeout_s = ping_timeout_s
        self.time_scale = time_scale
        self.ws: ClientConnection | None = None

    def connect(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    def _reconnect_delays(self) -> Generator[float]:
        """The library's own backoff (its default ``reconnect_delays``), scaled."""
        for delay in backoff():
            yield delay / self.time_scale

    async def _run(self) -> None:
        async for ws in connect(
            self.url,
            origin=Origin(self.origin),
            max_size=None,
            ping_interval=self.ping_interval_s,
            ping_timeout=self.ping_timeout_s,
            reconnect_delays=self._reconnect_delays,
        ):
            self.ws = ws
            self._opened()
            try:
                await self._deliver(ws)
            except ConnectionClosed:
                pass
            finally:
                self.ws = None
                self._closed()
