"""The README's first command: ``python -m desktop_app`` on the embedded demo server."""

from __future__ import annotations

import subprocess
import sys


def test_console_client_chats_on_the_embedded_server() -> None:
    # The message goes out once the socket is open; at end of input the client
    # waits for the reply, then quits.
    result = subprocess.run(
        [sys.executable, "-m", "desktop_app"],
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


def test_console_client_rejects_a_bad_conversation_id() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop_app",
            "--server",
            "https://x.example",
            "--conversation",
            "x",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "--conversation: conversation id must be a UUID" in result.stderr
    assert "Traceback" not in result.stderr
