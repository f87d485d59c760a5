"""``python -m desktop_app.console``: a console client for terminals and scripts.

With no ``--server`` it starts the embedded demo server in-process on a free
loopback port, signs in with the demo account and opens a new conversation
there. With ``--server`` it uses the session the app keeps in the system's
password store, or asks for the email and password on the terminal (the
password without echo). Type a message and press Enter; the echo, the
assistant's reply and its status appear below. Ctrl+D or Ctrl+C quits.

Like the app, it never sends a message without a session the server confirmed
after the socket opened: the platform would store it under "Anonymous".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import threading
from typing import Any

from desktop_app.cli import Options, parse_args
from desktop_app.control.session import SessionController, system_store
from desktop_app.core.errors import SdmError
from desktop_app.core.session import SessionState
from desktop_app.net import ChatWebSocketManager, StatusWebSocketManager
from desktop_app.net.http import PlatformClient, SignInRequired
from desktop_app.store.files import restrict_umask


class ConsoleSignInError(SdmError):
    """No session, and no terminal to ask for one."""


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
        who = data.get("name") or data["role"]  # the server's name for the sender
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
    client = PlatformClient(base_url, allow_insecure=args.allow_insecure)
    session = SessionController(
        client, [chat, status], server_key=base_url, store=None if server else system_store
    )
    try:
        if server is not None:
            from desktop_app.demo.server import DEMO_EMAIL, DEMO_PASSWORD

            await client.sign_in(DEMO_EMAIL, DEMO_PASSWORD)
        else:
            await session.restore()
            if session.state is SessionState.SIGNED_OUT:
                await _sign_in_on_the_terminal(client, base_url)
    except BaseException:
        await asyncio.gather(client.aclose(), session.aclose())
        if server is not None:
            await server.stop()
        raise
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
            if not await chat.wait_connected(REPLY_WAIT_S):
                print("  (not connected: message not sent, type it again once connected)")
            elif not await _session_confirmed(session, chat, conversation_id):
                print("  (your session has ended: message not sent; start again to sign in)")
                break
            elif chat.send_message(line):
                awaiting_replies += 1
            else:
                print("  (the connection closed: message not sent, type it again)")
        # End of input (a pipe, say): let the replies to what was sent arrive first.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(REPLY_WAIT_S):
                while awaiting_replies:
                    reply_arrived.clear()
                    await reply_arrived.wait()
    finally:
        await asyncio.gather(chat.aclose(), status.aclose())
        await asyncio.gather(session.aclose(), client.aclose())
        if server is not None:
            await server.stop()
    return 0


async def _session_confirmed(
    session: SessionController, chat: ChatWebSocketManager, conversation_id: str
) -> bool:
    """Whether a message may leave on ``chat`` now; asks the server when nothing since the
    socket opened has confirmed the session (the history is the cheapest proof)."""
    if session.may_send(chat):
        return True
    with contextlib.suppress(SignInRequired):
        await session.client.history(conversation_id)
    return session.may_send(chat)


async def _sign_in_on_the_terminal(client: PlatformClient, base_url: str) -> None:
    """Ask for the email and password on the terminal (not stdin: that is for messages)."""
    import getpass

    try:
        with open("/dev/tty") as tty:  # noqa: ASYNC230 - a person typing: the loop may wait
            print(f"Sign in to {base_url}", file=sys.stderr)
            print("Email: ", end="", file=sys.stderr, flush=True)
            email = tty.readline().strip()
    except OSError:
        raise ConsoleSignInError(
            "no session is kept for this server and there is no terminal to sign in on: "
            "sign in once with the app (sdm-desktop --server ...), or run this in a terminal"
        ) from None
    password = getpass.getpass("Password: ")
    await client.sign_in(email, password)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    restrict_umask()  # whatever this process or its libraries write is this user's only
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
