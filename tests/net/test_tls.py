"""wss://: certificates are verified, and an unverifiable one is not retried."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from typing import Any

import pytest
import trustme
from websockets.asyncio.server import ServerConnection, serve

from desktop_app.core.machine import ConnectionState
from desktop_app.net import ChatWebSocketManager
from tests.net.conftest import Recorder

CONVERSATION = "2f67d6e4-0982-4e92-8e2b-dc03d250ce9f"


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
async def tls_server(ca: trustme.CA) -> AsyncIterator[str]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)

    async def handler(ws: ServerConnection) -> None:
        async for _ in ws:
            await ws.send('{"type": "pong"}')

    async with serve(handler, "127.0.0.1", 0, ssl=context) as server:
        yield f"https://127.0.0.1:{server.sockets[0].getsockname()[1]}"


async def test_an_untrusted_certificate_fails_for_good(tls_server: str, make: Any) -> None:
    # The test CA is in no trust store: the operating system's store must refuse it.
    chat = make(ChatWebSocketManager, tls_server)
    events = Recorder()
    chat.on_message(events)
    chat.connect(CONVERSATION)
    await events.wait_for("connection_failed")

    assert chat.state is ConnectionState.FAILED
    assert "certificate could not be verified" in chat.failure_reason
    assert events.of("reconnecting") == []


async def test_a_trusted_certificate_connects_over_wss(
    tls_server: str, ca: trustme.CA, make: Any
) -> None:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    chat = make(ChatWebSocketManager, tls_server, ssl_context=context)
    chat.connect(CONVERSATION)
    assert await chat.wait_connected(10)
    assert chat.endpoints.websocket_url("chat", CONVERSATION).startswith("wss://127.0.0.1:")
