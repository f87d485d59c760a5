"""Finding 9: the demo server answers only under its own address (no DNS rebinding).

A web page on ``http://rebind.example:PORT`` whose name its owner points at 127.0.0.1
reaches the demo server from the person's browser as the same origin: it could sign
in with the published demo password and read every conversation. Like Django's
``ALLOWED_HOSTS``, the demo server refuses a request whose ``Host`` is not a name of
the address it is bound to (400), and a WebSocket handshake likewise (403).
"""

from __future__ import annotations

import asyncio
import base64
import os
import uuid
from collections.abc import AsyncIterator

import pytest

from desktop_app.demo.server import DemoConfig, DemoServer

CONVERSATION = str(uuid.uuid4())


@pytest.fixture
async def server() -> AsyncIterator[DemoServer]:
    demo = DemoServer(DemoConfig())
    await demo.start()
    yield demo
    await demo.stop()


async def status_of(server: DemoServer, request: str) -> int:
    """Send one raw HTTP/1.1 request; the status code of the answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    try:
        writer.write(request.encode("latin-1"))
        await writer.drain()
        async with asyncio.timeout(10):
            status_line = await reader.readline()
    finally:
        writer.close()
        await writer.wait_closed()
    return int(status_line.split()[1])


def get(path: str, host: str, *extra: str) -> str:
    return "".join(
        f"{line}\r\n"
        for line in (f"GET {path} HTTP/1.1", f"Host: {host}", *extra, "Connection: close", "")
    )


def handshake(host: str, origin: str) -> str:
    key = base64.b64encode(os.urandom(16)).decode()
    return get(
        f"/ws/chat/{CONVERSATION}/",
        host,
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
        f"Origin: {origin}",
    ).replace("Connection: close\r\n", "")


@pytest.mark.parametrize(
    "host",
    ["rebind.example:{port}", "127.0.0.1.rebind.example:{port}", "rebind.example", ""],
    ids=["foreign", "lookalike", "foreign-no-port", "empty"],
)
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/health/"])
async def test_a_request_for_another_host_is_refused_with_400(
    server: DemoServer, host: str, path: str
) -> None:
    assert await status_of(server, get(path, host.format(port=server.port))) == 400


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}"])
async def test_a_request_for_the_servers_own_address_is_served(
    server: DemoServer, host: str
) -> None:
    assert await status_of(server, get("/health/", host.format(port=server.port))) == 200


async def test_a_handshake_for_another_host_is_refused_with_403(server: DemoServer) -> None:
    origin = f"http://127.0.0.1:{server.port}"  # an Origin that passes the Origin check
    foreign = await status_of(server, handshake(f"rebind.example:{server.port}", origin))
    own = await status_of(server, handshake(f"127.0.0.1:{server.port}", origin))
    assert (foreign, own) == (403, 101)
