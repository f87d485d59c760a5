"""The console client, ``python -m desktop_app.console``, on the embedded demo server."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.demo.server import DemoConfig, DemoServer
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
