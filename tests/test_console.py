"""The console client, ``python -m desktop_app.console``, on the embedded demo server."""

from __future__ import annotations

import subprocess
import sys

import pytest

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
    assert "[you] Hello there" in result.stdout
    assert "[SDM Assistant]" in result.stdout
    assert "thinking_start" in result.stdout


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
