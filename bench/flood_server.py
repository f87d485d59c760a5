"""A chat server that floods: asked once, it sends N chat frames as fast as the socket takes.

It speaks the platform's paths and frame shapes (``shared/PROTOCOL.md``) and no
more: ``/ws/chat/<uuid>/`` and ``/ws/status/<uuid>/`` answer ``{"type": "ping"}``
with a pong, and on the chat socket the user message ``{"message": "flood"}``
is answered by ``count`` bot replies (about 300 characters of fixed synthetic
Markdown with a citation marker and its citation, numbered, local-offset
timestamps). The HTTP endpoints the window calls on opening a conversation
answer an empty history and "no summary yet".

The whole flood is encoded once, at start-up, and written to the socket in one
``transport.write``: the server is never the bottleneck, so a benchmark measures
the client. Compression is off (the client offers permessage-deflate and the
server declines), and the Origin is not checked.

It runs in a process of its own, so that it does not compete with the client for
the interpreter::

    with FloodServer(count=10_000) as server:
        url = server.base_url  # http://127.0.0.1:<port>

or ``python -m bench.flood_server --count 500`` (prints ``port <n>``, runs until
stdin closes).
"""

from __future__ import annotations

import argparse
import asyncio
import http
import json
import re
import sys
from datetime import datetime
from typing import Any

from websockets.asyncio.server import ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame, Opcode
from websockets.http11 import Request, Response

from bench.processes import ServerProcess

TRIGGER = "flood"  # the user message that starts a flood

_WS_PATH = re.compile(r"/ws/(chat|status)/[0-9a-fA-F-]{36}/")
_TEXT = (
    "Both options are reasonable for knee osteoarthritis at this stage. Physiotherapy "
    "with guided exercise reduces pain for most patients within eight to twelve weeks "
    "and carries almost no risk [1]. An injection acts faster but its effect usually "
    "fades after a few months. **What matters most to you** in the coming weeks?"
)


def chat_frame(number: int) -> dict[str, Any]:
    """Bot reply ``number`` of a flood: the PROTOCOL.md chat message, synthetic text."""
    return {
        "role": "bot",
        "name": "Assistant",
        "content": f"Reply {number}. {_TEXT}",
        "timestamp": datetime.now().astimezone().isoformat(timespec="milliseconds"),
        "citations": [
            {
                "index": 1,
                "url": "https://example.org/guidelines/knee-osteoarthritis",
                "title": "Knee osteoarthritis: care and management",
                "excerpt": "Offer therapeutic exercise to all people with osteoarthritis.",
                "doc_id": "guideline-226",
            }
        ],
        "decision_aids": [],
    }


def encode_flood(count: int) -> bytes:
    """``count`` chat frames as unmasked WebSocket text frames, back to back."""
    return b"".join(
        Frame(Opcode.TEXT, json.dumps(chat_frame(n)).encode()).serialize(mask=False)
        for n in range(1, count + 1)
    )


def _json_response(body: object) -> Response:
    data = json.dumps(body).encode()
    headers = Headers([("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return Response(http.HTTPStatus.OK.value, "OK", headers, data)


def _process_request(connection: ServerConnection, request: Request) -> Response | None:
    """The few HTTP endpoints a window calls; None lets a WebSocket handshake through."""
    path = request.path
    if path.startswith("/conversation/") and path.endswith("/history/"):
        return _json_response({"messages": []})
    if path.startswith("/memory/conversation/") and path.endswith("/summary/status/"):
        return _json_response({"success": True, "ready": False})
    if _WS_PATH.fullmatch(path) is None:
        return connection.respond(http.HTTPStatus.INTERNAL_SERVER_ERROR, "no route\n")
    return None


async def _serve(count: int) -> None:
    flood = encode_flood(count)

    async def handler(ws: ServerConnection) -> None:
        chat = ws.request is not None and ws.request.path.startswith("/ws/chat/")
        try:
            async for raw in ws:
                frame = json.loads(raw)
                if frame.get("type") == "ping":
                    await ws.send('{"type": "pong"}')
                elif chat and frame.get("message") == TRIGGER:
                    ws.transport.write(flood)
        except ConnectionClosed:
            pass

    async with serve(
        handler,
        "127.0.0.1",
        0,
        process_request=_process_request,
        compression=None,
        ping_interval=None,
        max_size=None,
    ) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"port {port}", flush=True)
        # Until the parent closes our stdin (or goes away).
        reader = asyncio.StreamReader()
        loop = asyncio.get_running_loop()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        await reader.read()


class FloodServer(ServerProcess):
    """This module's server in a process of its own (a context manager)."""

    def __init__(self, count: int) -> None:
        super().__init__("flood_server", "--count", count)
        self.count = count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="frames per flood")
    args = parser.parse_args()
    asyncio.run(_serve(args.count))


if __name__ == "__main__":
    main()
