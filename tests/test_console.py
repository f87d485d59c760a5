"""The console client, ``python -m desktop_app.console``, on the embedded demo server, and
on a demo server the test starts, stops and starts again (signed in on a pseudo-terminal)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import pty
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from desktop_app.demo.server import DEMO_EMAIL, DEMO_PASSWORD, DemoConfig, DemoServer
from desktop_app.net.outbox import GONE
from tests.conftest import app_environment

UUID = "2f67d6e4-0982-4e92-8e2b-dc03d250ce9f"


def test_console_client_chats_on_the_embedded_server() -> None:
    # The message goes out once the socket is open; at end of input the client
    # waits for the reply, then quits.
    result = subprocess.run(
        [sys.executable, "-m", "desktop_app.console"],
        input="Hello there\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PYTHONUNBUFFERED": "1", "PATH": ""},
    )
    assert result.returncode == 0, result.stderr
    assert "Embedded demo server at http://127.0.0.1:" in result.stdout
    assert "connection_established" in result.stdout
    # Signed in with the demo account: stored under its name, never "Anonymous".
    assert "[Demo User] Hello there" in result.stdout
    assert "Anonymous" not in result.stdout
    assert "[SDM Assistant]" in result.stdout
    assert "thinking_start" in result.stdout


def test_without_a_session_or_a_terminal_the_console_sends_nothing(tmp_path: Path) -> None:
    async def scenario() -> tuple[subprocess.CompletedProcess[str], list[dict[str, str]]]:
        async with DemoServer(DemoConfig()) as server:
            conversation = server.create_conversation()
            done = await asyncio.to_thread(
                subprocess.run,
                [
                    *(sys.executable, "-m", "desktop_app.console"),
                    *("--server", server.base_url, "--conversation", conversation),
                ],
                input="Hello there\n",
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
                env=app_environment(tmp_path),  # no password store
                start_new_session=True,  # no terminal to ask on
            )
            return done, server.history(conversation)

    result, history = asyncio.run(scenario())
    assert result.returncode == 2, result.stdout + result.stderr
    assert "no session is kept for this server and there is no terminal" in result.stderr
    assert "Traceback" not in result.stderr
    assert history == []


@pytest.mark.parametrize("module", ["desktop_app", "desktop_app.console"])
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--server", "https://x.example", "--conversation", "x"],
            "--conversation: conversation id must be a UUID",
        ),
        (
            ["--server", "http://sdm.example.org", "--conversation", UUID],
            "--server: refusing unencrypted",
        ),
        (
            ["--server", "ftp://x", "--conversation", UUID],
            "--server: server URL 'ftp://x' must start with http",
        ),
    ],
)
def test_bad_command_lines_get_one_clear_line(
    module: str, arguments: list[str], message: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", module, *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


# --- the configuration layers: the app's --------------------------------------------------

CONSOLE = "python -m desktop_app.console"
CONFIG_DIR = ("config", "SDM", "SDM Desktop")  # the app's per-user config folder, under home


def run_console(
    home: Path, *arguments: str, env: dict[str, str], text_in: str = ""
) -> subprocess.CompletedProcess[str]:
    # The person's own SDM_* variables would be settings of this run too.
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("SDM_")}
    return subprocess.run(
        [sys.executable, "-m", "desktop_app.console", *arguments],
        input=text_in,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**app_environment(home, inherited), "PYTHONUNBUFFERED": "1", **env},
    )


@pytest.mark.parametrize(
    ("config_file", "env", "verbose"),
    [
        (None, {"SDM_VERBOSE": "1"}, True),
        ("verbose = true\n", {}, True),  # the per-user config file
        ("verbose = true\n", {"SDM_VERBOSE": "0"}, False),  # the environment is stronger
        (None, {}, False),
    ],
    ids=["environment", "config file", "environment over file", "neither"],
)
def test_the_console_reads_the_environment_and_the_config_file(
    tmp_path: Path, config_file: str | None, env: dict[str, str], verbose: bool
) -> None:
    if config_file is not None:
        folder = tmp_path.joinpath(*CONFIG_DIR)
        folder.mkdir(parents=True)
        (folder / "config.toml").write_text(config_file, encoding="utf-8")
    result = run_console(tmp_path, env=env, text_in="Hello there\n")
    assert result.returncode == 0, result.stderr
    assert "[SDM Assistant]" in result.stdout
    # Verbose: the connection's INFO lines are logged; otherwise only warnings would be.
    assert ("[ChatWS] Connected successfully" in result.stderr) is verbose
    assert "(message 1 delivered)" in result.stderr
    assert "Hello there" not in result.stderr  # the message's text is in no log line


@pytest.mark.parametrize(
    ("arguments", "env", "config_file", "message"),
    [
        (
            [],
            {"SDM_CONNECTION_PING_INTERVAL_S": "0"},
            None,
            "environment: SDM_CONNECTION_PING_INTERVAL_S: "
            "must be a number of seconds greater than 0, not '0'",
        ),
        (
            [],
            {},
            "[connection]\njitter = 'sometimes'\n",
            "{file}: connection.jitter: must be true or false, not 'sometimes'",
        ),
        (
            ["--config", "{file}"],
            {},
            "[connection]\nping_interval = 15\n",
            "{file}: connection.ping_interval: unknown setting (known: "
            "connection.max_reconnect_attempts, connection.reconnect_delay_s, "
            "connection.max_reconnect_delay_s, connection.stable_after_s, connection.jitter, "
            "connection.ping_interval_s, connection.pong_timeout_s, "
            "connection.send_probe_timeout_s, connection.open_timeout_s, "
            "connection.close_timeout_s, connection.max_frame_bytes)",
        ),
        (
            ["--set", "outbox.max_messages=lots"],
            {},
            None,
            "command line: --set outbox.max_messages: must be a whole number, not 'lots'",
        ),
        (
            [],
            {"SDM_SERVER": "https://sdm.example.org"},
            None,
            "environment: SDM_SERVER: a conversation is needed with a server: "
            "--conversation UUID (or SDM_CONVERSATION, or conversation in the config file)",
        ),
    ],
    ids=["environment", "config file", "--config file", "--set", "server without conversation"],
)
def test_a_bad_setting_stops_the_console_with_one_line(
    tmp_path: Path,
    arguments: list[str],
    env: dict[str, str],
    config_file: str | None,
    message: str,
) -> None:
    named = "{file}" in " ".join(arguments)
    path = tmp_path / "console.toml" if named else tmp_path.joinpath(*CONFIG_DIR, "config.toml")
    if config_file is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(config_file, encoding="utf-8")
    result = run_console(tmp_path, *(a.format(file=path) for a in arguments), env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.splitlines() == [f"{CONSOLE}: error: {message.format(file=path)}"]
    assert result.stdout == ""  # stopped before the embedded server started


# --- the outbox: a line typed during an outage ---------------------------------------------

#: One wait for the console, on a small and busy machine.
STEP_S = 60.0

#: Runs the console with the pseudo-terminal ``argv[1]`` as its controlling terminal (it
#: is a session leader: the first terminal it opens becomes its own), where it asks for
#: the email and password as it would ask a person. Stdin stays a pipe, for the lines.
WITH_TERMINAL = (
    "import os, sys; "
    "os.close(os.open(sys.argv[1], os.O_RDWR)); "
    "os.execv(sys.executable, [sys.executable, '-m', 'desktop_app.console', *sys.argv[2:]])"
)

#: Reconnects quickly once the server is back (the defaults wait up to 30 s).
FAST_RECONNECT = (
    *("--set", "connection.reconnect_delay_s=0.1"),
    *("--set", "connection.max_reconnect_delay_s=0.5"),
)

#: Like production: the platform does not echo the client's message id.
PRODUCTION_LIKE = DemoConfig(echo_client_ids=False, reply_delay_s=0.1, step_delay_s=0.01)

OUTAGE_LINE = "Typed while the server was down"


class Output:
    """What one of the console's streams said so far; waits for text in it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.text = ""
        self.ended = False
        self._changed = asyncio.Event()

    def add(self, data: str) -> None:
        self.text += data
        self._changed.set()

    def end(self) -> None:
        self.ended = True
        self._changed.set()

    async def wait_for(self, fragment: str, *, count: int = 1) -> None:
        """Until ``fragment`` was said ``count`` times; AssertionError at the deadline or
        when the stream ends without it."""
        try:
            async with asyncio.timeout(STEP_S):
                while self.text.count(fragment) < count:
                    if self.ended:
                        break
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            pass
        if self.text.count(fragment) < count:
            raise AssertionError(f"{self.name}: {fragment!r} not said {count} times:\n{self.text}")


class Console:
    """The console client on ``server``, signed in on a pseudo-terminal like a person."""

    def __init__(self, home: Path, server: DemoServer, conversation: str, *settings: str) -> None:
        self.arguments = ["--server", server.base_url, "--conversation", conversation, *settings]
        # The person's own SDM_* variables would be settings of this run too.
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("SDM_")}
        # No password store (app_environment): the console asks on its terminal.
        self.env = {**app_environment(home, inherited), "PYTHONUNBUFFERED": "1"}
        self.stdout = Output("stdout")
        self.stderr = Output("stderr")
        self.terminal = Output("terminal")
        self._pumps: list[asyncio.Task[None]] = []
        self._process: asyncio.subprocess.Process | None = None
        # The test keeps the terminal open too, so that what is typed on it before the
        # console reads it is kept.
        self._master, self._slave = pty.openpty()
        os.set_blocking(self._master, False)

    @property
    def process(self) -> asyncio.subprocess.Process:
        assert self._process is not None, "not started"
        return self._process

    async def start(self) -> None:
        asyncio.get_running_loop().add_reader(self._master, self._read_terminal)
        self._process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-c", WITH_TERMINAL, os.ttyname(self._slave), *self.arguments),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self.env,
            start_new_session=True,
        )
        assert self.process.stdout is not None
        assert self.process.stderr is not None
        self._pumps = [
            asyncio.create_task(self._pump(self.process.stdout, self.stdout)),
            asyncio.create_task(self._pump(self.process.stderr, self.stderr)),
        ]

    async def sign_in(self) -> None:
        """Answer the console's questions on the terminal, as a person would."""
        await self.stderr.wait_for("Email: ")
        os.write(self._master, f"{DEMO_EMAIL}\n".encode())
        # Only once asked: the password prompt switches echo off and drops what was typed.
        await self.terminal.wait_for("Password: ")
        os.write(self._master, f"{DEMO_PASSWORD}\n".encode())

    async def type(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{line}\n".encode())
        await self.process.stdin.drain()

    async def end_input(self) -> None:
        """Ctrl+D: the end of stdin."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        await self.process.stdin.wait_closed()

    async def exit_status(self) -> int:
        try:
            async with asyncio.timeout(STEP_S):
                status = await self.process.wait()
                await asyncio.gather(*self._pumps)
        except TimeoutError:
            raise AssertionError(
                f"the console did not exit:\n{self.stdout.text}\n{self.stderr.text}"
            ) from None
        return status

    async def close(self) -> None:
        if self._process is not None and self._process.returncode is None:
            self._process.kill()
            await self._process.wait()
        await asyncio.gather(*self._pumps)
        asyncio.get_running_loop().remove_reader(self._master)
        os.close(self._master)
        os.close(self._slave)

    @staticmethod
    async def _pump(stream: asyncio.StreamReader, output: Output) -> None:
        while data := await stream.read(4096):
            output.add(data.decode(errors="replace"))
        output.end()

    def _read_terminal(self) -> None:
        try:
            data = os.read(self._master, 4096)
        except BlockingIOError:
            return
        except OSError:  # the terminal is gone: nothing more will be said on it
            asyncio.get_running_loop().remove_reader(self._master)
            return
        self.terminal.add(data.decode(errors="replace"))


@contextlib.asynccontextmanager
async def console_on(
    home: Path, server: DemoServer, conversation: str, *settings: str
) -> AsyncIterator[Console]:
    """The console signed in on ``server``, its chat socket open."""
    console = Console(home, server, conversation, *FAST_RECONNECT, *settings)
    try:
        await console.start()
        await console.sign_in()
        # Stdout has the chat socket's connection events (not the status socket's).
        await console.stdout.wait_for("connection_established")
        yield console
    finally:
        await console.close()


async def outage(server: DemoServer, console: Console) -> None:
    """Stop the server; return once the console has seen its chat socket close."""
    await server.stop()
    await console.stdout.wait_for("· disconnected")


def user_messages(server: DemoServer, conversation: str) -> list[str]:
    return [m["content"] for m in server.history(conversation) if m["role"] == "user"]


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal for the sign-in")
async def test_a_line_typed_during_an_outage_is_sent_once_when_the_server_is_back(
    tmp_path: Path,
) -> None:
    async with DemoServer(PRODUCTION_LIKE) as server:
        conversation = server.create_conversation()
        async with console_on(tmp_path, server, conversation) as console:
            await outage(server, console)
            await console.type(OUTAGE_LINE)
            await console.stderr.wait_for("message 1 queued: not connected")
            await server.start()  # on the same port, with the same data and sessions
            await console.stderr.wait_for("message 1 delivered")
            await console.stdout.wait_for("[SDM Assistant]")  # the reply to it
            # A second line on the socket that came back: sent at once, not queued.
            await console.type("And one more")
            await console.stderr.wait_for("message 2 delivered")
            await console.end_input()
            status = await console.exit_status()
        assert user_messages(server, conversation) == [OUTAGE_LINE, "And one more"]
    assert status == 0, console.stderr.text
    assert console.stdout.text.count(f"] {OUTAGE_LINE}") == 1  # its echo, once
    assert "message 2 queued" not in console.stderr.text
    assert "not delivered" not in console.stderr.text
    assert "Traceback" not in console.stderr.text


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal for the sign-in")
async def test_at_end_of_input_the_console_waits_for_queued_lines(tmp_path: Path) -> None:
    async with DemoServer(PRODUCTION_LIKE) as server:
        conversation = server.create_conversation()
        async with console_on(tmp_path, server, conversation) as console:
            await outage(server, console)
            await console.type(OUTAGE_LINE)
            await console.end_input()  # at once: the line is still queued
            await console.stderr.wait_for("message 1 queued: not connected")
            await server.start()
            status = await console.exit_status()
        assert user_messages(server, conversation) == [OUTAGE_LINE]
    assert status == 0, console.stderr.text
    assert "message 1 delivered" in console.stderr.text
    assert "[SDM Assistant]" in console.stdout.text  # and it waited for the reply, too


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal for the sign-in")
async def test_lines_left_undelivered_at_exit_are_named_and_fail_the_exit_status(
    tmp_path: Path,
) -> None:
    # The echo timeout bounds the wait at end of input while nothing is delivered.
    async with DemoServer(PRODUCTION_LIKE) as server:
        conversation = server.create_conversation()
        settings = ("--set", "outbox.echo_timeout_s=1")
        async with console_on(tmp_path, server, conversation, *settings) as console:
            await outage(server, console)
            await console.type(OUTAGE_LINE)
            await console.type("A second one")
            await console.end_input()
            status = await console.exit_status()
        assert user_messages(server, conversation) == []
    assert status == 1, console.stderr.text
    assert "nothing was delivered for 1 s: giving up" in console.stderr.text
    assert "not delivered: message 1, 2 (2 still waiting, 0 failed)" in console.stderr.text
    assert "lost now" in console.stderr.text
    # Lines are named by number: their text is in no note (nor in a log line).
    assert OUTAGE_LINE not in console.stderr.text
    assert "Traceback" not in console.stderr.text


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal for the sign-in")
async def test_a_line_that_cannot_be_delivered_is_reported_failed_with_the_reason(
    tmp_path: Path,
) -> None:
    async with DemoServer(PRODUCTION_LIKE) as server:
        conversation = server.create_conversation()
        async with console_on(tmp_path, server, conversation) as console:
            await outage(server, console)
            server.delete_conversation(conversation)  # meanwhile, on the server
            await console.type(OUTAGE_LINE)
            await console.stderr.wait_for("message 1 queued: not connected")
            await server.start()
            # Back: the history says the conversation is gone.
            await console.stderr.wait_for(f"message 1 failed: {GONE}")
            await console.end_input()
            status = await console.exit_status()
    assert status == 1, console.stderr.text
    assert "not delivered: message 1 (0 still waiting, 1 failed)" in console.stderr.text
    assert OUTAGE_LINE not in console.stderr.text


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal for the sign-in")
async def test_a_line_queued_when_the_session_ends_is_not_sent_anonymously(
    tmp_path: Path,
) -> None:
    async with DemoServer(PRODUCTION_LIKE) as server:
        conversation = server.create_conversation()
        async with console_on(tmp_path, server, conversation) as console:
            await outage(server, console)
            server.revoke_sessions()  # a sign-out elsewhere, say
            await console.type(OUTAGE_LINE)
            await console.stderr.wait_for("message 1 queued: not connected")
            await server.start()
            # The socket reopens without a session: the console stops, without sending.
            status = await console.exit_status()
        assert user_messages(server, conversation) == []
    assert status == 1, console.stderr.text
    assert "your session has ended" in console.stderr.text
    assert "not delivered: message 1 (1 still waiting, 0 failed)" in console.stderr.text


def test_a_line_the_outbox_refuses_is_said_and_fails_the_exit_status(tmp_path: Path) -> None:
    too_long = "This line is longer than the outbox takes"
    result = run_console(
        tmp_path, "--set", "outbox.max_bytes=20", env={}, text_in=f"{too_long}\nShort one\n"
    )
    assert result.returncode == 1, result.stderr
    assert "(message 1 not queued: This message is too long to send" in result.stderr
    assert "(message 2 delivered)" in result.stderr
    assert "[Demo User] Short one" in result.stdout
    assert too_long not in result.stdout + result.stderr
