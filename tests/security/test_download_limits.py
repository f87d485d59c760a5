"""Finding 5: a hostile server cannot fill the disk or hold a summary download open forever.

A small aiohttp server on 127.0.0.1 answers the summary download with an endless
``application/pdf`` stream, a lie about its size, or a trickle of bytes; the client
stops at its size cap or its overall deadline and leaves no partial file behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import web

from desktop_app.net.http import (
    DOWNLOAD_TIMEOUT_S,
    MAX_DOWNLOAD_BYTES,
    HttpError,
    PlatformClient,
)

CONVERSATION = str(uuid.uuid4())
CHUNK = b"%PDF" + bytes(64 * 1024 - 4)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def endless(request: web.Request) -> web.StreamResponse:
    """A PDF that never ends (chunked, no Content-Length)."""
    response = web.StreamResponse(headers={"Content-Type": "application/pdf"})
    await response.prepare(request)
    with contextlib.suppress(ConnectionError):  # until the client hangs up
        while True:
            await response.write(CHUNK)
    return response


async def declared_huge(request: web.Request) -> web.StreamResponse:
    """Announces 10 GB; sends whatever is asked of it."""
    response = web.StreamResponse(
        headers={"Content-Type": "application/pdf", "Content-Length": str(10 * 1024**3)}
    )
    await response.prepare(request)
    with contextlib.suppress(ConnectionError):
        while True:
            await response.write(CHUNK)
    return response


async def trickle(request: web.Request) -> web.StreamResponse:
    """One byte every 50 ms: never silent long enough for a read timeout."""
    response = web.StreamResponse(headers={"Content-Type": "application/pdf"})
    await response.prepare(request)
    with contextlib.suppress(ConnectionError):
        while True:
            await response.write(b"%")
            await asyncio.sleep(0.05)  # real time is the subject: a slow trickle of bytes
    return response


@pytest.fixture
async def hostile() -> AsyncIterator[Callable[[Handler], Awaitable[str]]]:
    runners: list[web.AppRunner] = []

    async def serve(handler: Handler) -> str:
        app = web.Application()
        app.router.add_get(f"/memory/conversation/{CONVERSATION}/summary/download/", handler)
        runner = web.AppRunner(app, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        return f"http://127.0.0.1:{runner.addresses[0][1]}"

    yield serve
    for runner in runners:
        await runner.cleanup()


def guard(limit: int) -> Callable[[int, int | None], None]:
    """A progress callback that stops a download gone far past ``limit`` (the code before
    the fix never stops by itself: this keeps the test from filling the disk)."""

    def check(done: int, _total: int | None) -> None:
        if done > limit:
            raise AssertionError(f"{done} bytes written, past {limit}: no size cap")

    return check


def test_the_defaults_are_generous_for_a_summary_and_bounded() -> None:
    # A summary is tens of KiB (the demo's is 1 KiB); a server sending more than this,
    # or taking longer, is broken or hostile.
    assert MAX_DOWNLOAD_BYTES == 32 * 1024 * 1024
    assert DOWNLOAD_TIMEOUT_S == 120.0


async def test_an_endless_pdf_stops_at_the_size_cap_and_leaves_no_file(
    hostile: Callable[[Handler], Awaitable[str]], tmp_path: Path
) -> None:
    base_url = await hostile(endless)
    destination = tmp_path / "summary.pdf"
    written: list[int] = []
    check = guard(2 * MAX_DOWNLOAD_BYTES)

    def progress(done: int, total: int | None) -> None:
        written.append(done)
        check(done, total)

    async with PlatformClient(base_url, timeout_s=5.0) as client:
        with pytest.raises(HttpError) as caught:
            async with asyncio.timeout(30):
                await client.download_summary(
                    CONVERSATION,
                    destination,
                    progress=progress,
                )
    assert str(caught.value) == (
        "the summary is larger than 32 MiB, far more than a summary can be: the download "
        "was stopped and nothing was saved. Try again later; if it happens again, tell "
        "your administrator"
    )
    assert written[-1] <= MAX_DOWNLOAD_BYTES
    assert list(tmp_path.iterdir()) == []


async def test_a_declared_size_over_the_cap_is_refused_before_writing(
    hostile: Callable[[Handler], Awaitable[str]], tmp_path: Path
) -> None:
    base_url = await hostile(declared_huge)
    written: list[int] = []
    async with PlatformClient(base_url, timeout_s=5.0, max_download_bytes=1024 * 1024) as client:
        with pytest.raises(HttpError, match="larger than 1 MiB"):
            async with asyncio.timeout(30):
                await client.download_summary(
                    CONVERSATION,
                    tmp_path / "summary.pdf",
                    progress=lambda done, _total: written.append(done),
                )
    assert written == []
    assert list(tmp_path.iterdir()) == []


async def test_a_trickling_download_ends_at_the_overall_deadline(
    hostile: Callable[[Handler], Awaitable[str]], tmp_path: Path
) -> None:
    base_url = await hostile(trickle)
    loop = asyncio.get_running_loop()
    async with PlatformClient(base_url, timeout_s=5.0, download_timeout_s=1.0) as client:
        started = loop.time()
        with pytest.raises(HttpError) as caught:
            async with asyncio.timeout(30):
                await client.download_summary(CONVERSATION, tmp_path / "summary.pdf")
        elapsed = loop.time() - started
    # 0.0 s: first byte; each byte comes within the 5 s read timeout; 1.0 s: deadline.
    assert 1.0 <= elapsed < 3.0
    assert caught.value.status is None
    assert str(caught.value) == (
        "the summary download did not finish within 1 s: the connection is too slow or "
        "the server stalled; nothing was saved. Try again"
    )
    assert list(tmp_path.iterdir()) == []
