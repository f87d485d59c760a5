"""HTTP after a dead link (issue 13, B11): pooled connections from before an outage.

The fault proxy sits between the client and the real demo server. Black-holing it
kills every connection open at that moment for good (their bytes are lost), while
new connections pass again once it is turned off: the pooled HTTP connection is
then half-open, and a request sent on it gets no answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from desktop_app.demo.server import DemoServer
from desktop_app.net import ChatWebSocketManager
from desktop_app.net.http import HttpError, PlatformClient
from tests.faultproxy import FaultProxy
from tests.net.conftest import Recorder, until

#: The HTTP timeout of these tests (the app's is 30 s): a request on a dead pooled
#: connection waits this long.
HTTP_TIMEOUT_S = 2.0


@pytest.fixture
async def client(proxy: FaultProxy) -> AsyncIterator[PlatformClient]:
    async with PlatformClient(proxy.url(), timeout_s=HTTP_TIMEOUT_S) as platform:
        yield platform


async def pool_a_connection(client: PlatformClient, proxy: FaultProxy, conversation: str) -> int:
    """One request through the proxy, so that its connection stays pooled; the number
    of connections the proxy has accepted after it."""
    open_before = proxy.connection_count
    assert await client.history(conversation) == []
    assert proxy.connection_count == open_before + 1  # kept open by the pool
    return proxy.total_connections


async def test_history_after_a_dead_link_takes_a_fresh_connection(
    proxy: FaultProxy, demo: DemoServer, client: PlatformClient, make: Any
) -> None:
    conversation = demo.create_conversation()
    # The composition roots' wiring (app.py, console.py): a dead link drops the pool.
    chat = make(ChatWebSocketManager, proxy.url(), ping_interval=0.3, pong_timeout=0.3)
    client.follow_dead_links([chat])
    events = Recorder()
    chat.on_message(events)
    chat.connect(conversation)
    assert await chat.wait_connected(10)
    pooled = await pool_a_connection(client, proxy, conversation)

    proxy.blackhole()
    # 0.6 s: the keepalive's pong deadline passes; the pool is dropped.
    await events.wait_for("disconnected")
    proxy.blackhole(False)
    await events.wait_for("connection_established", count=2)  # the link is back

    # On the pooled connection this would wait the whole timeout and fail (with the
    # resend alone, answer only after it). A fresh one answers in milliseconds; the bound
    # is half the timeout, so as not to race the client's own timer at the same instant.
    async with asyncio.timeout(HTTP_TIMEOUT_S / 2):
        assert await client.history(conversation) == []
    assert proxy.total_connections > pooled


async def test_a_get_on_a_dead_pooled_connection_is_sent_again_on_a_fresh_one(
    proxy: FaultProxy, demo: DemoServer, client: PlatformClient
) -> None:
    # No socket noticed the outage: only the failed request itself can tell.
    conversation = demo.create_conversation()
    pooled = await pool_a_connection(client, proxy, conversation)

    proxy.blackhole()
    proxy.blackhole(False)

    # 0 s: sent on the pooled connection; 2 s: no answer, sent again on a new one.
    assert await client.history(conversation) == []
    assert proxy.total_connections == pooled + 1


async def test_a_post_on_a_dead_pooled_connection_is_not_sent_again(
    proxy: FaultProxy, demo: DemoServer, client: PlatformClient
) -> None:
    await client.create_conversation("first")  # GET the login page (CSRF), then POST
    pooled = proxy.total_connections
    assert proxy.connection_count == 1

    proxy.blackhole()
    proxy.blackhole(False)

    # 2 s: no answer. The POST may have reached the server: it is not sent twice.
    with pytest.raises(HttpError) as failure:
        await client.create_conversation("second")
    assert failure.value.status is None
    assert f"no answer within {HTTP_TIMEOUT_S:g} s" in failure.value.message
    assert proxy.total_connections == pooled  # no new connection was opened for it


async def test_a_request_under_way_finishes_when_the_pool_is_dropped(
    proxy: FaultProxy, demo: DemoServer, client: PlatformClient
) -> None:
    conversation = demo.create_conversation()
    await pool_a_connection(client, proxy, conversation)
    sent = proxy.bytes_up
    proxy.set_delay(0.2)  # each way: the answer is on its way when the pool is dropped

    request = asyncio.ensure_future(client.history(conversation))
    await until(lambda: proxy.bytes_up > sent)  # 0.2 s: the request reached the server
    client.drop_idle_connections()

    assert await request == []
    # The dropped pool is closed after its last request: no connection is left open.
    await until(lambda: proxy.connection_count == 0)
