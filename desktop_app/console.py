"""``python -m desktop_app.console``: a console client for terminals and scripts.

With no ``--server`` it starts the embedded demo server in-process on a free
loopback port and opens a new conversation there. Type a message and press
Enter; the echo, the assistant's reply and its status appear below. Ctrl+D or
Ctrl+C quits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import threading
from typing import Any

from desktop_app.cli import Options, parse_args
from desktop_app.core.errors import SdmError
from desktop_app.net import ChatWebSocketManager, StatusWebSocketManager

REPLY_WAIT_S = 30.0


def _parse_args(argv: list[str] | None) -> Options:
    return parse_args(
        argv,
        prog="python -m desktop_app.console",
        description="SDM Desktop console client. Without --server, it runs on the embedded "
        "demo server.",
        conversation_required_with_server=True,
    )


def _stdin_lines(loop: asyncio.AbstractEventLoop) -> asyncio.Queue[str | None]:
    """Lines typed on stdin, read by a daemon thread (None at end of input)."""
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def read() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(queue.put_nowait, line.rstrip("\n"))
        loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=read, name="stdin", daemon=True).start()
    return queue


def _show(data: dict[str, Any]) -> None:
    if "role" in data:
        who = "you" if data["role"] == "user" else data.get("name") or data["role"]
        print(f"\n[{who}] {data.get('content', '')}")
        for citation in data.get("citations") or []:
            print(f"    [{citation.get('index')}] {citation.get('title')} - {citation.get('url')}")
    elif data.get("type") not in (None, "pong"):
        details = {k: v for k, v in data.items() if k not in ("type", "timestamp")}
        print(f"  · {data['type']} {details if details else ''}".rstrip())


async def _run(args: Options) -> int:
    server = None
    base_url = args.server
    conversation_id = args.conversation
    if base_url is None:
        from desktop_app.demo.server import DemoConfig, DemoServer

        server = DemoServer(DemoConfig())
        await server.start()
        base_url = server.base_url
        conversation_id = conversation_id or server.create_conversation("Console conversation")
        print(f"Embedded demo server at {base_url}")
    assert conversation_id is not None  # parse_args requires it with --server
    options: dict[str, Any] = {
        "allow_insecure": args.allow_insecure,
        "max_reconnect_attempts": None,
    }
    chat = ChatWebSocketManager(base_url, **options)
    status = StatusWebSocketManager(base_url, **options)
    chat.on_message(_show)  # messages, and the connection events (both sockets share them)
    status.on_status_change(_show)
    awaiting_replies = 0
    reply_arrived = asyncio.Event()

    def on_reply(_message: dict[str, Any]) -> None:
        nonlocal awaiting_replies
        awaiting_replies = max(0, awaiting_replies - 1)
        reply_arrived.set()

    chat.set_on_chat_reply_callback(on_reply)
    try:
        chat.connect(conversation_id)
        status.connect(conversation_id)
        print(f"Conversation {conversation_id}. Type a message and press Enter; Ctrl+D quits.")
        lines = _stdin_lines(asyncio.get_running_loop())
        while (line := await lines.get()) is not None:
            if not line.strip():
                continue
            if not chat.is_connected:
                print("  (waiting for the connection...)")
            if await chat.wait_connected(REPLY_WAIT_S) and chat.send_message(line):
                awaiting_replies += 1
            else:
                print("  (not connected: message not sent, type it again once connected)")
        # End of input (a pipe, say): let the replies to what was sent arrive first.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(REPLY_WAIT_S):
                while awaiting_replies:
                    reply_arrived.clear()
                    await reply_arrived.wait()
    finally:
        await asyncio.gather(chat.aclose(), status.aclose())
        if server is not None:
            await server.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return asyncio.run(_run(args))
    except KeyboardInterrupt:
        return 130
    except SdmError as exc:
        print(f"sdm-desktop: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
