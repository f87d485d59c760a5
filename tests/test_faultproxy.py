"""Tests of the TCP fault-injection proxy, on real loopback sockets."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from websockets.asyncio.client import connect as ws_connect
from websockets.asyncio.server import ServerConnection
from websockets.asyncio.server import serve as ws_serve
from websockets.exceptions import ConnectionClosed, ConnectionClosedError

from tests.faultproxy import FaultProxy

# Generous: the machines running the tests are small and noisy.
TIMEOUT = 5.0
# How long "no answer" must last to count as a black hole.
SILENCE = 0.3

Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]
Connect = Callable[[], Awaitable[Stream]]


class EchoServer:
    """A TCP echo server on 127.0.0.1 that remembers what happened to its connections."""

    def __init__(self) -> None:
        self.received = 0
        self.accepted = 0
        self.writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None
        self.port = 0

    @property
    def open_connections(self) -> int:
        return len(self.writers)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._on_accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    def _on_accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        self.writers.add(writer)
        task = asyncio.get_running_loop().create_task(self._echo(reader, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _echo(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            with contextlib.suppress(ConnectionError):
                while data := await reader.read(65536):
                    self.received += len(data)
                    writer.write(data)
                    await writer.drain()
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
            self.writers.discard(writer)


@pytest.fixture
async def echo() -> AsyncIterator[EchoServer]:
    server = EchoServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def proxy(echo: EchoServer) -> AsyncIterator[FaultProxy]:
    async with FaultProxy("127.0.0.1", echo.port) as p:
        yield p


@pytest.fixture
async def connect(proxy: FaultProxy) -> AsyncIterator[Connect]:
    """Opens client connections to the proxy and closes them all at teardown."""
    writers: list[asyncio.StreamWriter] = []

    async def _connect() -> Stream:
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
        writers.append(writer)
        return reader, writer

    yield _connect
    for writer in writers:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()


async def roundtrip(stream: Stream, data: bytes = b"ping") -> None:
    """Send `data` and read its echo, concurrently so that large payloads cannot deadlock."""
    reader, writer = stream

    async def send() -> None:
        writer.write(data)
        await writer.drain()

    async with asyncio.timeout(TIMEOUT):
        _, echoed = await asyncio.gather(send(), reader.readexactly(len(data)))
    assert echoed == data


async def assert_silent(stream: Stream) -> None:
    """A request gets no answer within SILENCE, yet the socket stays open."""
    reader, writer = stream
    writer.write(b"anyone?")
    await writer.drain()
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(SILENCE):
            await reader.read(1)
    assert not reader.at_eof()
    assert not writer.transport.is_closing()


async def assert_reset(stream: Stream) -> None:
    """The peer reset the connection (TCP RST, not a FIN)."""
    reader, _ = stream
    with pytest.raises(ConnectionResetError):
        async with asyncio.timeout(TIMEOUT):
            await reader.read(1)


async def eventually(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(TIMEOUT):
        while not condition():
            await asyncio.sleep(0.01)  # polling with a deadline: each check is the wait


def free_port() -> int:
    """A loopback port that nothing listens on (any more)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# -- pass-through -----------------------------------------------------------------------------


async def test_forwards_both_directions_and_counts_bytes(
    proxy: FaultProxy, echo: EchoServer, connect: Connect
) -> None:
    assert proxy.url() == f"http://127.0.0.1:{proxy.port}"
    assert proxy.url("ws") == f"ws://127.0.0.1:{proxy.port}"
    stream = await connect()
    await roundtrip(stream, b"hello")
    big = bytes(range(256)) * 4096  # 1 MiB, many chunks, exercises flow control
    await roundtrip(stream, big)
    assert proxy.bytes_up == proxy.bytes_down == len(big) + 5
    assert echo.received == len(big) + 5
    assert proxy.connection_count == 1
    assert proxy.total_connections == 1

    stream[1].close()
    await stream[1].wait_closed()
    # Closing the client closes the upstream side too.
    await eventually(lambda: proxy.connection_count == 0 and echo.open_connections == 0)
    assert proxy.total_connections == 1


async def test_server_close_closes_client(
    proxy: FaultProxy, echo: EchoServer, connect: Connect
) -> None:
    reader, _ = stream = await connect()
    await roundtrip(stream)
    for server_writer in list(echo.writers):
        server_writer.close()
    async with asyncio.timeout(TIMEOUT):
        assert await reader.read(1) == b""
    await eventually(lambda: proxy.connection_count == 0)


async def test_upstream_down_resets_client(proxy: FaultProxy, connect: Connect) -> None:
    proxy.set_upstream("127.0.0.1", free_port())
    await assert_reset(await connect())
    await eventually(lambda: proxy.connection_count == 0)


async def test_set_upstream_moves_new_connections(proxy: FaultProxy, connect: Connect) -> None:
    other = EchoServer()
    await other.start()
    try:
        await roundtrip(await connect())
        proxy.set_upstream("127.0.0.1", other.port)
        await roundtrip(await connect())
        assert other.accepted == 1
    finally:
        await other.stop()


# -- faults -----------------------------------------------------------------------------------


async def test_reset_resets_both_sides_and_new_connections_pass(
    proxy: FaultProxy, echo: EchoServer, connect: Connect
) -> None:
    first, second = await connect(), await connect()
    await roundtrip(first)
    await roundtrip(second)
    assert echo.open_connections == 2

    started = time.monotonic()
    proxy.reset()
    await assert_reset(first)
    await assert_reset(second)
    assert time.monotonic() - started < TIMEOUT / 2
    await eventually(lambda: proxy.connection_count == 0 and echo.open_connections == 0)

    await roundtrip(await connect())
    assert proxy.connection_count == 1


async def test_blackhole_keeps_connections_open_but_forwards_nothing(
    proxy: FaultProxy, echo: EchoServer, connect: Connect
) -> None:
    old = await connect()
    await roundtrip(old)
    received = echo.received

    proxy.blackhole()
    new = await connect()
    await proxy.wait_for_connections(2, TIMEOUT)
    await asyncio.gather(assert_silent(old), assert_silent(new))
    assert echo.received == received
    # The black-holed new connection never reached the server.
    assert echo.accepted == 1
    assert echo.open_connections == 1

    proxy.blackhole(False)
    await roundtrip(await connect())
    # Data was lost, so the black-holed connections stay dead.
    await asyncio.gather(assert_silent(old), assert_silent(new))


async def test_blackhole_hides_client_close_from_server(
    proxy: FaultProxy, echo: EchoServer, connect: Connect
) -> None:
    _, writer = stream = await connect()
    await roundtrip(stream)
    proxy.blackhole()
    writer.close()
    await writer.wait_closed()
    await eventually(lambda: proxy.connection_count == 0)
    # A round trip with the server, straight to it, after the proxy dropped the client: had
    # the proxy passed the close on, the server would have read its EOF before this data.
    direct = await asyncio.open_connection("127.0.0.1", echo.port)
    await roundtrip(direct)
    # Half-open: the server still believes the client is there (and the direct client).
    assert echo.open_connections == 2
    direct[1].close()
    await direct[1].wait_closed()


async def test_delay_applies_to_both_directions_in_order(
    proxy: FaultProxy, connect: Connect
) -> None:
    reader, writer = stream = await connect()
    await roundtrip(stream)

    proxy.set_delay(0.2)
    started = time.monotonic()
    await roundtrip(stream)
    # Up and down are each delayed; allow for clock granularity only.
    assert time.monotonic() - started >= 0.4 - 0.01

    chunks = [b"<%d>" % i for i in range(100)]
    started = time.monotonic()
    for chunk in chunks:
        writer.write(chunk)
        await writer.drain()
        await asyncio.sleep(0.001)  # real time: separate TCP segments, not one coalesced write
    expected = b"".join(chunks)
    async with asyncio.timeout(TIMEOUT):
        assert await reader.readexactly(len(expected)) == expected
    # The delay is a latency, not a per-chunk cost: 100 chunks do not take 100 delays.
    assert time.monotonic() - started < TIMEOUT / 2

    # Nor a throughput limit: 2 MiB are many reads, and reading only once per delay
    # would take over 6 s here.
    proxy.set_delay(0.1)
    started = time.monotonic()
    await roundtrip(stream, bytes(range(256)) * 8192)
    assert time.monotonic() - started < TIMEOUT / 2

    # Lowering the delay never lets later chunks overtake earlier ones.
    proxy.set_delay(0.2)
    writer.write(b"slow")
    await writer.drain()
    proxy.set_delay(0)
    writer.write(b"fast")
    await writer.drain()
    async with asyncio.timeout(TIMEOUT):
        assert await reader.readexactly(8) == b"slowfast"

    started = time.monotonic()
    await roundtrip(stream)
    assert time.monotonic() - started < 0.4


async def test_refuse_resets_new_connections_only(
    proxy: FaultProxy, echo: EchoServer, connect: Connect
) -> None:
    existing = await connect()
    await roundtrip(existing)

    proxy.refuse()
    started = time.monotonic()
    await assert_reset(await connect())
    assert time.monotonic() - started < TIMEOUT / 2
    assert proxy.total_connections == 2
    assert echo.accepted == 1
    await roundtrip(existing)

    proxy.refuse(False)
    await roundtrip(await connect())
    assert proxy.connection_count == 2


# -- lifecycle and observation ----------------------------------------------------------------


def proxy_tasks() -> set[asyncio.Task[object]]:
    return {
        t
        for t in asyncio.all_tasks()
        if getattr(t.get_coro(), "__qualname__", "").startswith("FaultProxy.")
    }


async def test_stop_closes_everything_and_leaves_no_tasks(echo: EchoServer) -> None:
    proxy = FaultProxy("127.0.0.1", echo.port)
    await proxy.start()
    port = proxy.port
    streams: list[Stream] = []
    try:
        plain = await asyncio.open_connection("127.0.0.1", port)
        streams.append(plain)
        await roundtrip(plain)
        proxy.set_delay(10)  # data in flight while stopping
        plain[1].write(b"pending")
        proxy.blackhole()
        streams.append(await asyncio.open_connection("127.0.0.1", port))
        await proxy.wait_for_connections(2, TIMEOUT)
        assert proxy_tasks()

        await proxy.stop()
        await proxy.stop()  # idempotent
        assert not proxy_tasks()
        assert proxy.connection_count == 0
        for reader, _ in streams:
            async with asyncio.timeout(TIMEOUT):
                assert await reader.read() == b""
        await eventually(lambda: echo.open_connections == 0)
        with pytest.raises(ConnectionRefusedError):
            await asyncio.open_connection("127.0.0.1", port)
    finally:
        await proxy.stop()
        for _, writer in streams:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()


async def test_stop_before_start_and_port_before_start() -> None:
    proxy = FaultProxy("127.0.0.1", 9)
    with pytest.raises(RuntimeError):
        _ = proxy.port
    await proxy.stop()


async def test_wait_for_connections(proxy: FaultProxy, connect: Connect) -> None:
    with pytest.raises(TimeoutError):
        await proxy.wait_for_connections(1, 0.05)

    waiter = asyncio.create_task(proxy.wait_for_connections(2, TIMEOUT))
    # Woken by the same change as ``waiter``, after it (they wait in order).
    witness = asyncio.create_task(proxy.wait_for_connections(1, TIMEOUT))
    await connect()
    await witness
    assert not waiter.done()
    await connect()
    await waiter
    assert proxy.connection_count == 2
    await proxy.wait_for_connections(1, 0.05)  # already satisfied


# -- through a real WebSocket server ----------------------------------------------------------


async def test_websocket_echo_and_reset_through_proxy() -> None:
    async def handler(ws: ServerConnection) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for message in ws:
                await ws.send(message)

    async with ws_serve(handler, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        async with FaultProxy("127.0.0.1", port) as proxy:
            async with ws_connect(proxy.url("ws"), close_timeout=1) as ws:
                await ws.send("hello")
                async with asyncio.timeout(TIMEOUT):
                    assert await ws.recv() == "hello"
                proxy.reset()
                with pytest.raises(ConnectionClosedError):
                    async with asyncio.timeout(TIMEOUT):
                        await ws.recv()

            proxy.set_delay(0.1)
            async with ws_connect(proxy.url("ws"), close_timeout=1) as ws:
                started = time.monotonic()
                await ws.send("again")
                async with asyncio.timeout(TIMEOUT):
                    assert await ws.recv() == "again"
                assert time.monotonic() - started >= 0.2 - 0.01
