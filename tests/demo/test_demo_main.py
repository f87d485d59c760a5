"""``python -m desktop_app.demo``: arguments, startup output, clean stop on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp
import pytest

from desktop_app.demo import DEMO_EMAIL, DEMO_PASSWORD, DemoConfig
from desktop_app.demo.__main__ import build_parser, config_from_args

TIMEOUT_S = 10.0


def test_arguments_map_onto_the_config() -> None:
    args = build_parser().parse_args(
        [
            *("--port", "9000", "--host", "10.1.2.3", "--data", "d.sqlite3"),
            *("--no-login", "--no-echo-ids", "--reply-delay", "0.2"),
        ]
    )
    config = config_from_args(args)
    assert config == DemoConfig(
        host="10.1.2.3",
        port=9000,
        data_path=Path("d.sqlite3"),
        require_login=False,
        echo_client_ids=False,
        reply_delay_s=0.2,
        allowed_hosts=(*DemoConfig.allowed_hosts, "10.1.2.3"),
    )


def test_defaults() -> None:
    config = config_from_args(build_parser().parse_args([]))
    assert config == DemoConfig(port=8765)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM")
async def test_the_command_serves_until_sigterm() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "desktop_app.demo",
        "--port",
        "0",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    assert process.stdout is not None
    try:
        async with asyncio.timeout(TIMEOUT_S):
            url_line = (await process.stdout.readline()).decode()
            account_line = (await process.stdout.readline()).decode()
        base_url = url_line.split()[-1]
        assert base_url.startswith("http://127.0.0.1:")
        assert DEMO_EMAIL in account_line
        assert DEMO_PASSWORD in account_line
        async with (
            aiohttp.ClientSession() as http,
            http.get(base_url + "/health/") as response,
        ):
            assert await response.text() == "OK"
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(TIMEOUT_S):
            _, stderr = await process.communicate()
        assert process.returncode == 0, stderr.decode()
        assert b"Traceback" not in stderr
        assert b"stopped" in stderr
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_a_busy_port_is_reported_with_exit_status_1() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "desktop_app.demo",
            "--port",
            str(port),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        async with asyncio.timeout(TIMEOUT_S):
            _, stderr = await process.communicate()
    assert process.returncode == 1
    assert b"cannot listen" in stderr
    assert b"Traceback" not in stderr
