"""A burst of frames that arrive together must not hold the event loop until the last one.

``websockets`` hands out queued frames without suspending, so a reader that
just loops over ``recv()`` keeps the loop (timers, the other socket, the
window) until the whole burst is handled. The manager reads in time slices.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.server import ServerConnection, serve
from websockets.frames import Frame, Opcode

from desktop_app.net import ChatWebSocketManager
from desktop_app.net.manager import READ_SLICE_S
from tests.net.conftest import until

CONVERSATION = "2f67d6e4-0982-4e92-8e2b-dc03d250ce9f"
BURST = 200


@asynccontextmanager
async def bursting_server() -> AsyncIterator[str]:
    """Answers the first chat message with BURST bot replies in a single write."""
    frames = b"".join(
        Frame(
            Opcode.TEXT,
            json.dumps({"role": "bot", "name": "b", "content": f"{n}", "timestamp": "t"}).encode(),
        ).serialize(mask=False)
        for n in range(BURST)
    )

    async def handler(ws: ServerConnection) -> None:
        async for raw in ws:
            if "message" in json.loads(raw):
                ws.transport.write(frames)  # they arrive together: one read, one queue

    async with serve(handler, "127.0.0.1", 0) as srv:
        yield f"http://127.0.0.1:{srv.sockets[0].getsockname()[1]}"


async def test_a_burst_is_read_in_slices_so_the_loop_keeps_running(make: Any) -> None:
    loop = asyncio.get_running_loop()
    delivered: list[int] = []
    seen_by_timer: list[int] = []

    def slow_listener(event: dict[str, Any]) -> None:
        if "role" not in event:
            return
        if not delivered:
            loop.call_soon(lambda: seen_by_timer.append(len(delivered)))
        delivered.append(int(event["content"]))
        time.sleep(0.001)  # a listener with real work to do (a window laying out a row)

    async with bursting_server() as url:
        chat: ChatWebSocketManager = make(ChatWebSocketManager, url)
        chat.on_message(slow_listener)
        chat.connect(CONVERSATION)
        assert await chat.wait_connected(10)
        chat.send_message("go")
        await until(lambda: len(delivered) == BURST)

    assert delivered == list(range(BURST))  # in order, none lost
    # The callback ran after about one slice of frames, not after the whole burst.
    assert seen_by_timer
    assert seen_by_timer[0] <= 4 * READ_SLICE_S / 0.001
