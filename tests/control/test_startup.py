"""What a run opens after its window is shown (desktop_app.control.startup), without a window.

A plain asyncio loop, real servers on 127.0.0.1: the embedded demo server is
started by the code under test; a configured server is a demo server the test
starts. What was opened is on the caller's exit stack: closing it (or a start
that failed half-way) leaves no server listening.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from desktop_app.cli import load_config, parse_command_line
from desktop_app.control.startup import open_connections
from desktop_app.core.config import AppConfig
from desktop_app.core.errors import LocalFileError, OutboxError
from desktop_app.core.machine import ConnectionState
from desktop_app.core.session import SessionState
from desktop_app.core.startup import StartupStep
from desktop_app.demo.server import DEMO_EMAIL, DEMO_PASSWORD, DemoConfig, DemoServer
from desktop_app.net.http import PlatformClient
from desktop_app.store.session_cookies import SessionCookieStore
from tests.memory_keyring import MemoryKeyring


def server_config(url: str) -> AppConfig:
    return load_config(
        parse_command_line(["--server", url]), {}, remembered_server=None, default_file=None
    )


def listening_on(caplog: pytest.LogCaptureFixture) -> str:
    """The embedded server's URL, from its log line."""
    [line] = [
        r.getMessage()
        for r in caplog.records
        if r.name == "desktop_app.demo" and r.getMessage().startswith("demo server listening on ")
    ]
    return line.removeprefix("demo server listening on ")


async def refuses_connections(url: str) -> bool:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    try:
        _, writer = await asyncio.open_connection(host, int(port))
    except ConnectionRefusedError:
        return True
    writer.close()
    await writer.wait_closed()
    return False


@pytest.fixture
async def platform() -> AsyncIterator[DemoServer]:
    """A configured server (not the embedded one): sign-in required."""
    async with DemoServer(DemoConfig()) as server:
        yield server


async def test_the_embedded_server_starts_signs_in_and_closes_with_the_stack(
    tmp_path: Path,
) -> None:
    steps: list[StartupStep] = []
    async with contextlib.AsyncExitStack() as stack:
        connections = await open_connections(
            AppConfig(),
            stack,
            server_key="embedded",
            outbox_path=tmp_path / "outbox.sqlite3",
            demo_data=tmp_path / "demo.sqlite",
            on_step=steps.append,
        )
        assert steps == [
            StartupStep.STARTING_SERVER,
            StartupStep.SIGNING_IN,
            StartupStep.PREPARING,
        ]
        assert connections.server is not None
        url = connections.server.base_url
        assert connections.client.endpoints.base_url == url
        assert connections.client.session_state is SessionState.SIGNED_IN
        assert connections.demo_account == (DEMO_EMAIL, DEMO_PASSWORD)
        # Created, not connected: the window's conversation connects them.
        for manager in (connections.chat, connections.status, connections.background_chat):
            assert manager.state is ConnectionState.IDLE
        assert connections.notes == []
    assert await refuses_connections(url)


async def test_a_configured_server_gets_the_session_kept_by_an_earlier_run(
    tmp_path: Path, platform: DemoServer
) -> None:
    keyring = MemoryKeyring()
    async with PlatformClient(platform.base_url) as earlier:
        await earlier.sign_in(DEMO_EMAIL, DEMO_PASSWORD)
        SessionCookieStore(backend=keyring).save("key", earlier.websocket_cookies())
    steps: list[StartupStep] = []
    async with contextlib.AsyncExitStack() as stack:
        connections = await open_connections(
            server_config(platform.base_url),
            stack,
            server_key="key",
            outbox_path=tmp_path / "outbox.sqlite3",
            session_store=lambda: SessionCookieStore(backend=keyring),
            on_step=steps.append,
        )
        assert steps == [StartupStep.PREPARING]
        assert connections.server is None
        assert connections.demo_account is None
        client = connections.client
        # Put back, to be confirmed by the first request.
        states = [client.session_state]
        await client.history(platform.create_conversation())
        states.append(client.session_state)
        assert states == [SessionState.UNKNOWN, SessionState.SIGNED_IN]


async def test_a_damaged_outbox_is_kept_aside_and_said(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.sqlite3"
    outbox.write_bytes(b"this is not a database" * 100)
    async with contextlib.AsyncExitStack() as stack:
        connections = await open_connections(
            AppConfig(),
            stack,
            server_key="embedded",
            outbox_path=outbox,
            demo_data=tmp_path / "demo.sqlite",
        )
        [note] = connections.notes
    assert str(note).startswith(f"The outbox file {outbox} was damaged: it was kept as ")
    assert [p.name for p in tmp_path.glob("outbox.sqlite3.damaged-*")]


async def test_an_outbox_that_cannot_be_opened_stops_the_start_and_closes_the_server(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    outbox = tmp_path / "outbox.sqlite3"
    outbox.mkdir()  # SQLite cannot open a folder
    started: list[str] = []

    def on_step(step: StartupStep) -> None:
        started.append(step.name)

    with pytest.raises(OutboxError, match=f"cannot open the outbox {outbox}"):
        async with contextlib.AsyncExitStack() as stack:
            await open_connections(
                AppConfig(),
                stack,
                server_key="embedded",
                outbox_path=outbox,
                demo_data=tmp_path / "demo.sqlite",
                on_step=on_step,
            )
    assert started == ["STARTING_SERVER", "SIGNING_IN", "PREPARING"]
    # The stack closed the server it had started: nothing listens there any more.
    assert await refuses_connections(listening_on(caplog))


async def test_a_demo_data_file_that_cannot_be_used_is_named(tmp_path: Path) -> None:
    data = tmp_path / "demo.sqlite"
    data.mkdir()
    async with contextlib.AsyncExitStack() as stack:
        with pytest.raises(LocalFileError, match=f"cannot use the demo data file {data}"):
            await open_connections(
                AppConfig(),
                stack,
                server_key="embedded",
                outbox_path=tmp_path / "outbox.sqlite3",
                demo_data=data,
            )


async def test_a_start_cancelled_half_way_closes_what_it_opened(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    steps: list[StartupStep] = []
    signing_in = asyncio.Event()

    def on_step(step: StartupStep) -> None:
        steps.append(step)
        if step is StartupStep.SIGNING_IN:
            signing_in.set()

    async with contextlib.AsyncExitStack() as stack:
        starting = asyncio.ensure_future(
            open_connections(
                AppConfig(),
                stack,
                server_key="embedded",
                outbox_path=tmp_path / "outbox.sqlite3",
                demo_data=tmp_path / "demo.sqlite",
                on_step=on_step,
            )
        )
        await signing_in.wait()  # the server runs; the sign-in is on its way
        starting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await starting
    assert steps == [StartupStep.STARTING_SERVER, StartupStep.SIGNING_IN]
    assert not (tmp_path / "outbox.sqlite3").exists()  # never got that far
    assert await refuses_connections(listening_on(caplog))
