"""A real TCP proxy on loopback that injects network faults between a client and a server.

The network tests put it between the WebSocket client and a real server so that resets,
half-open links (black holes), latency and refused connections happen on real sockets.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from collections.abc import Coroutine
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal, Self

__all__ = ["FaultProxy"]

_Side = Literal["client", "upstream"]

_CHUNK = 64 * 1024
# Bounds the memory held per direction when the destination is slow or delayed.
_QUEUE_CHUNKS = 256

# A chunk of data due at loop time `float`, or None for end of stream from the source.
_Item = tuple[float, bytes | None]


def _abort_with_rst(writer: asyncio.StreamWriter) -> None:
    """Close the socket so that the peer gets a TCP RST rather than a FIN."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        # OSError: the socket is already closed, so there is nothing left to reset.
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


@dataclass(eq=False)
class _Conn:
    """One proxied client connection and its (optional) upstream connection."""

    client_r: asyncio.StreamReader
    client_w: asyncio.StreamWriter
    dead: bool
    upstream_r: asyncio.StreamReader | None = None
    upstream_w: asyncio.StreamWriter | None = None
    rst: bool = False
    open_sides: set[_Side] = field(default_factory=lambda: {"client"})
    finished: asyncio.Event = field(default_factory=asyncio.Event)

    def writer(self, side: _Side) -> asyncio.StreamWriter | None:
        return self.client_w if side == "client" else self.upstream_w

    def writers(self) -> list[asyncio.StreamWriter]:
        return [w for w in (self.client_w, self.upstream_w) if w is not None]


class FaultProxy:
    """Forwards TCP from 127.0.0.1:<port> to an upstream (host, port) and injects faults."""

    def __init__(
        self,
        upstream_host: str,
        upstream_port: int,
        *,
        listen_host: str = "127.0.0.1",
        listen_port: int = 0,
    ) -> None:
        self._upstream = (upstream_host, upstream_port)
        self._listen = (listen_host, listen_port)
        self._server: asyncio.Server | None = None
        self._port: int | None = None
        self._stopped = False
        self._conns: set[_Conn] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._changed = asyncio.Event()
        self._blackhole = False
        self._refuse = False
        self._delay = 0.0
        self.total_connections = 0
        self.bytes_up = 0
        self.bytes_down = 0

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Start listening; `port` is valid afterwards."""
        if self._server is not None or self._stopped:
            raise RuntimeError("FaultProxy can be started only once")
        host, port = self._listen
        self._server = await asyncio.start_server(self._on_accept, host, port)
        self._port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Close the listener and every connection, and wait for all tasks; idempotent."""
        if self._stopped:
            return
        self._stopped = True
        if self._server is not None:
            self._server.close()
        conns = list(self._conns)
        for conn in conns:
            self._close_conn(conn)
        # Loop because a handler may still be creating its pumps when it is cancelled.
        while self._tasks:
            tasks = list(self._tasks)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        for conn in conns:
            await self._wait_closed(conn)
        self._conns.clear()
        if self._server is not None:
            await self._server.wait_closed()
        self._notify()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        """The port the proxy listens on."""
        if self._port is None:
            raise RuntimeError("FaultProxy is not started")
        return self._port

    def url(self, scheme: str = "http") -> str:
        """The URL that reaches the upstream through the proxy, e.g. url("ws")."""
        return f"{scheme}://{self._listen[0]}:{self.port}"

    def set_upstream(self, host: str, port: int) -> None:
        """Send new connections to another upstream (e.g. a server restarted on a new port)."""
        self._upstream = (host, port)

    # -- faults ----------------------------------------------------------------------------

    def reset(self) -> None:
        """Reset (TCP RST) both sides of every current connection; new ones still pass."""
        for conn in list(self._conns):
            self._close_conn(conn, rst=True)

    def blackhole(self, on: bool = True) -> None:
        """Make the link half-open: connections stay open but nothing is forwarded.

        Data is read and discarded in both directions, and new connections are accepted but
        never connected upstream. Turning it off only helps new connections: the data of the
        black-holed ones is lost, so they stay dead.
        """
        self._blackhole = on
        if on:
            for conn in self._conns:
                conn.dead = True

    def set_delay(self, seconds: float) -> None:
        """Deliver every later chunk in both directions `seconds` late, in order (0 = off)."""
        if seconds < 0:
            raise ValueError("delay must be >= 0")
        self._delay = seconds

    def refuse(self, on: bool = True) -> None:
        """Reset new connections as soon as they are accepted; existing ones are unaffected."""
        self._refuse = on

    # -- observation -----------------------------------------------------------------------

    @property
    def connection_count(self) -> int:
        """Client connections currently open."""
        return sum(1 for conn in self._conns if "client" in conn.open_sides)

    async def wait_for_connections(self, n: int, timeout: float) -> None:
        """Wait until `connection_count` >= n; raise TimeoutError after `timeout` seconds."""
        async with asyncio.timeout(timeout):
            while self.connection_count < n:
                await self._changed.wait()

    # -- internals -------------------------------------------------------------------------

    def _notify(self) -> None:
        # A fresh event per change so that waiters never see a stale "set".
        self._changed.set()
        self._changed = asyncio.Event()

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _on_accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.total_connections += 1
        if self._refuse or self._stopped:
            _abort_with_rst(writer)
            return
        conn = _Conn(reader, writer, dead=self._blackhole)
        self._conns.add(conn)
        self._notify()
        self._spawn(self._serve(conn))

    def _close_conn(self, conn: _Conn, *, rst: bool = False) -> None:
        """Close both sides now (FIN, or RST if `rst`); the handler then tears down."""
        conn.rst = conn.rst or rst
        for w in conn.writers():
            if conn.rst:
                _abort_with_rst(w)
            else:
                w.close()
        if conn.open_sides:
            conn.open_sides.clear()
            self._notify()
        conn.finished.set()

    def _close_side(self, conn: _Conn, side: _Side) -> None:
        """Close one side of a black-holed connection; the other side must not notice."""
        w = conn.writer(side)
        if w is not None:
            w.close()
        conn.open_sides.discard(side)
        self._notify()
        if not conn.open_sides:
            conn.finished.set()

    async def _wait_closed(self, conn: _Conn) -> None:
        for w in conn.writers():
            # The close itself already happened; this only waits for the transport to finish.
            with contextlib.suppress(Exception):
                await w.wait_closed()

    async def _serve(self, conn: _Conn) -> None:
        pumps: list[asyncio.Task[None]] = []
        try:
            if not conn.dead:
                try:
                    up_r, up_w = await asyncio.open_connection(*self._upstream)
                except OSError:
                    self._close_conn(conn, rst=True)
                    return
                conn.upstream_r, conn.upstream_w = up_r, up_w
                conn.open_sides.add("upstream")
                if conn.finished.is_set():  # reset() or stop() while connecting
                    self._close_conn(conn)
                    return
            pumps += self._start_direction(conn, "client", "upstream")
            if conn.upstream_r is not None:
                pumps += self._start_direction(conn, "upstream", "client")
            await conn.finished.wait()
        finally:
            self._close_conn(conn)
            for task in pumps:
                task.cancel()
            await asyncio.gather(*pumps, return_exceptions=True)
            await self._wait_closed(conn)
            self._conns.discard(conn)
            self._notify()

    def _start_direction(self, conn: _Conn, src: _Side, dst: _Side) -> list[asyncio.Task[None]]:
        reader = conn.client_r if src == "client" else conn.upstream_r
        assert reader is not None
        queue: asyncio.Queue[_Item] = asyncio.Queue(_QUEUE_CHUNKS)
        return [
            self._spawn(self._read(conn, reader, queue)),
            self._spawn(self._deliver(conn, queue, src, dst)),
        ]

    async def _read(
        self, conn: _Conn, reader: asyncio.StreamReader, queue: asyncio.Queue[_Item]
    ) -> None:
        """Read from one socket and queue each chunk with the time it is due."""
        loop = asyncio.get_running_loop()
        # A reset or any other socket error ends the stream like an EOF.
        with contextlib.suppress(OSError):
            while data := await reader.read(_CHUNK):
                if not conn.dead:
                    await queue.put((loop.time() + self._delay, data))
        await queue.put((loop.time() + self._delay, None))

    async def _deliver(
        self, conn: _Conn, queue: asyncio.Queue[_Item], src: _Side, dst: _Side
    ) -> None:
        """Write queued chunks to the other socket when due, preserving their order."""
        loop = asyncio.get_running_loop()
        writer = conn.writer(dst)
        while True:
            due, data = await queue.get()
            if not conn.dead and (wait := due - loop.time()) > 0:
                await asyncio.sleep(wait)  # real time is the subject: the latency set_delay adds
            if data is None:
                if conn.dead:
                    self._close_side(conn, src)
                else:
                    conn.finished.set()
                return
            if conn.dead or writer is None:
                continue
            writer.write(data)
            if dst == "upstream":
                self.bytes_up += len(data)
            else:
                self.bytes_down += len(data)
            try:
                await writer.drain()
            except OSError:
                conn.finished.set()
                return
