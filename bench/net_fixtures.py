"""What B1, B2 and B3 share: the demo server, proxies in front of it, the clients on them.

Everything runs on one asyncio loop on 127.0.0.1: the demo server
(:class:`~desktop_app.demo.server.DemoServer`, no sign-in), a real TCP proxy per
experiment (``tests/faultproxy.py``), our chat and status managers, and the two
baselines of ``bench/baselines.py``. Times are ``time.monotonic()`` seconds,
taken in the clients' own callbacks (a state listener, the baselines' recorders),
never by polling, so a wait loop's granularity never enters a figure.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import statistics
import time
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any, Protocol

from websockets.asyncio.client import ClientConnection
from websockets.exceptions import InvalidHandshake

from bench.baselines import BareWebsocketsClient, BrowserClient
from bench.common import seconds
from desktop_app.core.machine import ConnectionState
from desktop_app.demo.server import DemoConfig, DemoServer
from desktop_app.net import ChatWebSocketManager, StatusWebSocketManager
from desktop_app.net.manager import WebSocketManager, retry_together
from tests.faultproxy import FaultProxy

HOST = "127.0.0.1"

#: A deadline counts as kept when it is noticed within this much after it: an asyncio
#: timer fires a little after its due time (the loop's wake-up on a busy machine), and a
#: keepalive deadline of exactly 5 s can only ever be observed at 5 s and a bit.
TIMER_SLACK_S = 0.05

#: What the "after a send" clients send: a fixed synthetic text, never a real message.
SYNTHETIC_TEXT = "bench: synthetic message"

# The app's desktop defaults (desktop_app.core.config.ConnectionConfig): our managers
# are built with no knob at all unless a benchmark scales them down for --quick.
OUR_DEFAULTS: dict[str, Any] = {}


def quiet_logs() -> None:
    """Keep the clients' expected connection failures off stderr (the rows say it all)."""
    for name in ("desktop_app", "websockets"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


@contextlib.asynccontextmanager
async def demo_server() -> AsyncIterator[DemoServer]:
    """The demo server on a free port, anonymous connections allowed."""
    server = DemoServer(DemoConfig(host=HOST, require_login=False))
    await server.start()
    try:
        yield server
    finally:
        await server.stop(abort=True)


def ws_url(port: int, kind: str, conversation: str) -> str:
    return f"ws://{HOST}:{port}/ws/{kind}/{conversation}/"


def origin(port: int) -> str:
    return f"http://{HOST}:{port}"


class Gate:
    """A fault proxy that can stop listening and listen again on the same port.

    Closing it resets every connection (TCP RST) and closes the port, so a new
    connection is refused by the operating system (``ECONNREFUSED``), as when the
    server process is gone or the network is down. ``FaultProxy.refuse()`` would
    accept and then reset, which the bare websockets baseline does not retry.
    ``listen_host``: 127.0.0.1, or the address of a veth pair (B2's namespace row).
    """

    def __init__(self, upstream_port: int, *, listen_host: str = HOST) -> None:
        self._upstream_port = upstream_port
        self._listen_host = listen_host
        self._proxy: FaultProxy | None = None
        self.port = 0  # chosen by the first open(), then kept

    async def open(self) -> None:
        self._proxy = FaultProxy(
            HOST, self._upstream_port, listen_host=self._listen_host, listen_port=self.port
        )
        await self._proxy.start()
        self.port = self._proxy.port

    def cut(self) -> None:
        """Reset every connection now (the port is still open until :meth:`close`)."""
        if self._proxy is not None:
            self._proxy.reset()

    async def close(self) -> None:
        """Reset every connection and close the port."""
        proxy, self._proxy = self._proxy, None
        if proxy is not None:
            proxy.reset()
            await proxy.stop()

    def base_url(self) -> str:
        return f"http://{self._listen_host}:{self.port}"


class Watch:
    """When one of our managers became open, stopped being open, and gave up."""

    def __init__(self, manager: WebSocketManager) -> None:
        self.manager = manager
        self.opened_at: list[float] = []
        self.left_open_at: list[float] = []
        self.failed_at: list[float] = []
        self._open = False
        manager.on_state_change(self._changed)

    def _changed(self, state: ConnectionState) -> None:
        now = time.monotonic()
        if state is ConnectionState.OPEN:
            self.opened_at.append(now)
            self._open = True
            return
        if self._open:
            self.left_open_at.append(now)
            self._open = False
        if state is ConnectionState.FAILED:
            self.failed_at.append(now)


class OpenRecord(Protocol):
    """Anything that records when it opened: a :class:`Watch` or a baseline client."""

    @property
    def opened_at(self) -> list[float]: ...


def all_open_since(records: Sequence[OpenRecord], since: float) -> float | None:
    """When the last of ``records`` opened at or after ``since`` (None: not all did)."""
    firsts = [next((t for t in r.opened_at if t >= since), None) for r in records]
    if any(t is None for t in firsts):
        return None
    return max(t for t in firsts if t is not None)


def first_after(times: Sequence[float], since: float) -> float | None:
    return next((t for t in times if t >= since), None)


class OurPair:
    """A chat and a status manager on one conversation, as the window holds them."""

    def __init__(self, base_url: str, **knobs: Any) -> None:
        self.chat = ChatWebSocketManager(base_url, **knobs)
        self.status = StatusWebSocketManager(base_url, **knobs)
        self.managers: tuple[WebSocketManager, WebSocketManager] = (self.chat, self.status)
        self.watches = (Watch(self.chat), Watch(self.status))
        retry_together(self.managers)  # as the app wires them

    def connect(self, conversation: str) -> None:
        for manager in self.managers:
            manager.connect(conversation)

    def set_network_available(self, available: bool) -> None:
        for manager in self.managers:
            manager.set_network_available(available)

    @property
    def gave_up(self) -> bool:
        """A socket failed and tries no more (refused for good). One that used up its
        attempts says "failed" and still tries: it has a retry pending."""
        return any(m.state is ConnectionState.FAILED and m.retry_in is None for m in self.managers)

    def next_attempt_in(self) -> float | None:
        """How long until both sockets have their next attempt (None: one gave up).

        A socket waiting for its retry timer (reconnecting, or failed and trying
        again) counts with what is left of that wait; one already connecting with none.
        """
        waits = []
        for manager in self.managers:
            if manager.state is ConnectionState.FAILED and manager.retry_in is None:
                return None
            waits.append(manager.retry_in or 0.0)
        return max(waits)

    async def aclose(self) -> None:
        await asyncio.gather(*(m.aclose() for m in self.managers))


class SendingBrowserClient(BrowserClient):
    """The browser client with its ``sendMessage()``: ``socket.send(JSON)`` when open."""

    ws: ClientConnection | None = None

    async def _deliver(self, ws: ClientConnection) -> None:
        self.ws = ws
        try:
            await super()._deliver(ws)
        finally:
            self.ws = None

    async def send_message(self, text: str) -> bool:
        if self.ws is None:
            return False
        await self.ws.send(json.dumps({"message": text}))
        return True


Baseline = BrowserClient | BareWebsocketsClient


def browser_pair(port: int, conversation: str, **options: Any) -> list[BrowserClient]:
    return [
        BrowserClient(ws_url(port, kind, conversation), origin(port), **options)
        for kind in ("chat", "status")
    ]


def bare_pair(port: int, conversation: str, **options: Any) -> list[BareWebsocketsClient]:
    return [
        BareWebsocketsClient(ws_url(port, kind, conversation), origin(port), **options)
        for kind in ("chat", "status")
    ]


def connect_all(clients: Sequence[Baseline]) -> None:
    for client in clients:
        client.connect()


async def close_all(
    ours: Sequence[OurPair | WebSocketManager], baselines: Sequence[Baseline]
) -> None:
    """Close every client.

    Stop the proxies first (a closing handshake into a black hole waits for its
    timeout). A bare websockets client caught in a handshake when its proxy stopped
    has already ended: ``BareWebsocketsClient`` does not retry a handshake cut short
    (``InvalidMessage``), and its ``aclose()`` re-raises that; it is expected here.
    """
    outcomes = await asyncio.gather(
        *(o.aclose() for o in ours), *(b.aclose() for b in baselines), return_exceptions=True
    )
    for outcome in outcomes:
        if isinstance(outcome, BaseException) and not isinstance(outcome, InvalidHandshake):
            raise outcome


async def wait_until(predicate: Callable[[], bool], limit_s: float) -> bool:
    """Run the loop until ``predicate()`` holds (True) or ``limit_s`` passed (False)."""
    end = time.monotonic() + limit_s
    while not predicate():
        if time.monotonic() >= end:
            return False
        await asyncio.sleep(0.02)
    return True


async def sleep_until(when: float) -> None:
    await asyncio.sleep(max(0.0, when - time.monotonic()))


def spread(values: Sequence[float], *, never: str = "never") -> str:
    """``median 1.20 s, worst 3.40 s (n=5)``; ``math.inf`` is shown as ``never``."""
    if not values:
        return "no sample"
    median = statistics.median(values)
    worst = max(values)
    if len(values) == 1:
        return seconds(worst, never=never)
    if math.isinf(median) and math.isinf(worst) and all(math.isinf(v) for v in values):
        return f"{never} (n={len(values)})"
    return (
        f"median {seconds(median, never=never)}, worst {seconds(worst, never=never)} "
        f"(n={len(values)})"
    )


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.inf
