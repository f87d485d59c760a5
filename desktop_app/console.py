"""``python -m desktop_app.console``: a console client for terminals and scripts.

With no ``--server`` it starts the embedded demo server in-process on a free
loopback port, signs in with the demo account and opens a new conversation
there. With ``--server`` it uses the session the app keeps in the system's
password store, or asks for the email and password on the terminal (the
password without echo). Type a message and press Enter; the echo, the
assistant's reply and its status appear below. Ctrl+D or Ctrl+C quits.

Like the app, it never sends a message without a session the server confirmed
after the socket opened: the platform would store it under "Anonymous".

Each line goes through an outbox, like the app's messages
(:class:`~desktop_app.net.outbox.OutboxSender` on the chat socket): a line typed
while the connection is down waits and is sent, once, when it is back. Stdout
is the conversation; stderr has the client's notes about each line, named by
its number in the order typed (never by its text): queued while not
connected, delivered, failed and why. At end of input the client waits for the
queued lines to leave (as long as lines keep being delivered, and at most the
echo timeout, ``outbox.echo_timeout_s``, without any progress), then for their
replies; the lines still undelivered at exit are named. The exit status is 0
when every line typed was delivered, 1 otherwise (refused, failed, or still
waiting at exit).

The outbox is in memory, not the app's file in the user's data folder: what a
console run could not deliver is lost when it ends, and said so. That is what
a person at a terminal, or a script, expects of a command: its input is dealt
with while it runs, and the exit says what was not; a script can send it
again. Keeping it in the app's file would have lines typed here sent days later
by the app (its background delivery), or by the next console run, for a
conversation nobody is looking at, or fail there as "gone" (the embedded demo
server's conversations live in memory). And the file belongs to one running
app at a time (its single-instance lock): a console beside an open window would
either be refused or need a second behaviour.

Its settings come from the app's layers (:mod:`desktop_app.cli`): the command
line (``--server``, ``--conversation``, ``--config``, ``--set``...), the
``SDM_*`` environment and the config file; not the server remembered by the
app. One rule of its own: its sockets never give up (a script has no
Reconnect button).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

from desktop_app.cli import (
    CommandLine,
    default_config_file,
    load_config,
    name_the_application,
    parse_console_command_line,
    system_config_file,
)
from desktop_app.control.session import SessionController, system_store
from desktop_app.control.startup import join_sockets
from desktop_app.core.config import AppConfig, ConfigError
from desktop_app.core.errors import OutboxError, SdmError
from desktop_app.core.frames import ChatMessage, Frame
from desktop_app.core.outbox import OutboxEntry, OutboxState
from desktop_app.core.session import SessionState
from desktop_app.net import ChatWebSocketManager, StatusWebSocketManager
from desktop_app.net.clock import LoopClock
from desktop_app.net.http import PlatformClient
from desktop_app.net.outbox import OutboxFull, OutboxSender
from desktop_app.store.files import restrict_umask
from desktop_app.store.outbox import OutboxStore


class ConsoleSignInError(SdmError):
    """No session, and no terminal to ask for one."""


REPLY_WAIT_S = 30.0
PROG = "python -m desktop_app.console"


def _parse_command_line(argv: list[str] | None) -> CommandLine:
    return parse_console_command_line(
        argv,
        prog=PROG,
        description="SDM Desktop console client. Without --server, it runs on the embedded "
        "demo server.",
    )


def _load_config(command_line: CommandLine) -> AppConfig:
    """The configuration from the app's layers, and the console's own rule; ConfigError if bad."""
    config = load_config(
        command_line,
        os.environ,
        remembered_server=None,
        default_file=default_config_file(),
        system_file=system_config_file(os.environ),
    )
    if not config.uses_demo_server and config.conversation is None:
        source, _, name = config.source_of("server").rpartition(": ")
        raise ConfigError(
            source,
            name,
            "a conversation is needed with a server: --conversation UUID "
            "(or SDM_CONVERSATION, or conversation in the config file)",
        )
    return dataclasses.replace(
        config,
        connection=dataclasses.replace(config.connection, max_reconnect_attempts=None),
        sources={**config.sources, "connection.max_reconnect_attempts": "console"},
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


async def _run(config: AppConfig) -> int:
    server = None
    base_url = None if config.uses_demo_server else config.server
    conversation_id = config.conversation
    if base_url is None:
        from desktop_app.demo.server import DemoConfig, DemoServer

        server = DemoServer(DemoConfig())
        await server.start()
        base_url = server.base_url
        conversation_id = conversation_id or server.create_conversation("Console conversation")
        print(f"Embedded demo server at {base_url}")
    assert conversation_id is not None  # _load_config requires it with a server
    client = PlatformClient(
        base_url, allow_insecure=config.allow_insecure, timeout_s=config.http_timeout_s
    )
    clock = LoopClock(asyncio.get_running_loop())
    chat = ChatWebSocketManager(client.endpoints, config.connection, clock=clock)
    status = StatusWebSocketManager(client.endpoints, config.connection, clock=clock)
    session = SessionController(
        client, [chat, status], server_key=base_url, store=None if server else system_store
    )
    join_sockets(client, [chat, status])
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
    store = OutboxStore(None)  # in memory: see the module docstring
    sender = OutboxSender(
        store,
        chat,
        client.history,
        limits=config.outbox.limits(),
        echo_timeout=config.outbox.echo_timeout_s,
        may_send=lambda: session.may_send(chat),
        # Each opening asks for the history: it proves the session after the socket
        # opened (the gate), and says what became of a message sent before a drop.
        verify_on_open=True,
        clock=clock,
        lane="console",
    )
    lines = _stdin_lines(asyncio.get_running_loop())
    report = _DeliveryReport(sender)
    session_ended = False

    def on_session(state: SessionState) -> None:
        nonlocal session_ended
        if state in (SessionState.EXPIRED, SessionState.SIGNED_OUT) and not session_ended:
            session_ended = True
            _note("your session has ended: nothing more is sent; start again to sign in")
            lines.put_nowait(None)  # stop reading, as at end of input
            report.changed.set()  # and stop waiting for delivery
        elif state is SessionState.SIGNED_IN:
            sender.pump()  # a confirmation after the socket opened frees the outbox

    session.on_change(on_session)
    sender.on_change = report.on_change
    awaiting_replies = 0
    reply_arrived = asyncio.Event()

    def on_frame(frame: Frame) -> None:
        nonlocal awaiting_replies
        # Called after the sender's own listener: it has matched the echo by then.
        if isinstance(frame, ChatMessage) and sender.confirmed_by(frame) is not None:
            awaiting_replies += 1  # ours, arrived live: its reply follows on this socket

    chat.on_frame(on_frame)

    def on_reply(_message: dict[str, Any]) -> None:
        nonlocal awaiting_replies
        awaiting_replies = max(0, awaiting_replies - 1)
        reply_arrived.set()

    chat.set_on_chat_reply_callback(on_reply)
    left: list[OutboxEntry] = []
    try:
        chat.connect(conversation_id)
        status.connect(conversation_id)
        print(f"Conversation {conversation_id}. Type a message and press Enter; Ctrl+D quits.")
        while (line := await lines.get()) is not None:
            if line.strip():
                await report.queue(conversation_id, line)
        if not session_ended:
            # End of input (a pipe, say): what is queued leaves first, then its replies.
            await _wait_for_delivery(
                report, config.outbox.echo_timeout_s, ended=lambda: session_ended
            )
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(REPLY_WAIT_S):
                    while awaiting_replies:
                        reply_arrived.clear()
                        await reply_arrived.wait()
    finally:
        await sender.aclose()
        left = sender.undelivered()
        store.close()
        await asyncio.gather(chat.aclose(), status.aclose())
        await asyncio.gather(session.aclose(), client.aclose())
        if server is not None:
            await server.stop()
        report.left(left)
    return 1 if left or report.refused else 0


def _note(text: str) -> None:
    """A note about the client's own state, on stderr (stdout is the conversation)."""
    print(f"  ({text})", file=sys.stderr)


class _DeliveryReport:
    """Queues the lines typed; says on stderr what became of each: queued while not
    connected, delivered, failed and why, not delivered at exit.

    Lines are named by their number in the order typed, never by their text: stderr
    may well end up in a log file.
    """

    def __init__(self, sender: OutboxSender) -> None:
        self.sender = sender
        self._typed = 0
        self._numbers: dict[str, int] = {}
        #: Lines the outbox refused (too long, full): not delivered either.
        self.refused = 0
        #: Set at every change of an entry: the wait at end of input sees progress.
        self.changed = asyncio.Event()

    async def queue(self, conversation_id: str, line: str) -> None:
        """Queue ``line`` (committed when this returns); say so if it was refused."""
        self._typed += 1
        try:
            await self.sender.submit(conversation_id, line)
        except OutboxFull as exc:
            self.refused += 1
            _note(f"message {self._typed} not queued: {exc}")
        except OutboxError as exc:
            self.refused += 1
            _note(f"message {self._typed} not queued: the outbox refused it ({type(exc).__name__})")

    def on_change(self, entry: OutboxEntry) -> None:
        number = self._numbers.get(entry.client_id)
        if number is None:  # new: written to the outbox just now, by queue()
            number = self._numbers[entry.client_id] = self._typed
            if entry.state is OutboxState.QUEUED and not self.sender.chat.is_connected:
                _note(f"message {number} queued: not connected; it is sent once connected")
        if entry.state is OutboxState.DELIVERED:
            _note(f"message {number} delivered")
        elif entry.state is OutboxState.FAILED:
            reason = self.sender.failure_reason(entry.client_id)
            _note(f"message {number} failed: {reason}")
        self.changed.set()

    def left(self, entries: list[OutboxEntry]) -> None:
        """Say which lines were not delivered: they are lost with this process."""
        if not entries:
            return
        numbers = ", ".join(str(self._numbers.get(e.client_id, "?")) for e in entries)
        failed = sum(e.state is OutboxState.FAILED for e in entries)
        they, them = ("it is", "it") if len(entries) == 1 else ("they are", "them")
        _note(
            f"not delivered: message {numbers} ({len(entries) - failed} still waiting, "
            f"{failed} failed). This client keeps its outbox in memory only: {they} "
            f"lost now, type {them} again"
        )


async def _wait_for_delivery(
    report: _DeliveryReport, idle_s: float, *, ended: Callable[[], bool]
) -> None:
    """Until no line waits to leave (failed ones do not), the session ``ended``, or
    nothing changed for ``idle_s``.

    The bound is on silence, not on the whole wait: a long pipe of lines is
    delivered as long as lines keep leaving, and a server that stays away costs
    one echo timeout.
    """
    while not ended() and any(
        e.state is not OutboxState.FAILED for e in report.sender.undelivered()
    ):
        report.changed.clear()
        try:
            async with asyncio.timeout(idle_s):
                await report.changed.wait()
        except TimeoutError:
            _note(f"nothing was delivered for {idle_s:g} s: giving up")
            return


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
    command_line = _parse_command_line(argv)
    restrict_umask()  # whatever this process or its libraries write is this user's only
    name_the_application()  # the app's per-user config file
    try:
        config = _load_config(command_line)
    except ConfigError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    for notice in config.notices:
        print(f"{PROG}: warning: {notice}", file=sys.stderr)
    logging.basicConfig(
        level=logging.INFO if config.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return asyncio.run(_run(config))
    except KeyboardInterrupt:
        return 130
    except SdmError as exc:
        print(f"sdm-desktop: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
