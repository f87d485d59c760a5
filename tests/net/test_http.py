"""The HTTP client against the demo server (login required), and a production-like TLS server."""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiohttp import web

from desktop_app.core.errors import InvalidConversationId
from desktop_app.core.frames import Role
from desktop_app.demo.server import DEMO_EMAIL, DEMO_PASSWORD, DemoConfig, DemoServer
from desktop_app.net import ChatWebSocketManager
from desktop_app.net.http import (
    HttpError,
    PlatformClient,
    SignInFailed,
    SignInRequired,
    SummaryStatus,
)
from tests.net.conftest import DEADLINE, Recorder

SECRET = "Patient Zelda Quux asks about her knee surgery"
WRONG_PASSWORD = "not-the-password-9f3b"


@pytest.fixture
async def server() -> AsyncIterator[DemoServer]:
    """The demo server with a fast scripted assistant; the HTTP endpoints need a session."""
    demo = DemoServer(DemoConfig(reply_delay_s=0.05, step_delay_s=0.02, require_login=True))
    await demo.start()
    yield demo
    await demo.stop()


@pytest.fixture
async def client(server: DemoServer) -> AsyncIterator[PlatformClient]:
    async with PlatformClient(server.base_url, timeout_s=5.0) as platform:
        yield platform


@pytest.fixture
async def signed_in(client: PlatformClient) -> PlatformClient:
    await client.sign_in(DEMO_EMAIL, DEMO_PASSWORD)
    return client


async def chat(make: Any, client: PlatformClient, conversation_id: str, text: str) -> Recorder:
    """Send ``text`` over a chat socket carrying the client's session; the frames, to the reply."""
    manager = make(ChatWebSocketManager, client.endpoints.base_url)
    manager.set_cookies(client.websocket_cookies())
    frames = Recorder()
    manager.on_message(frames)
    manager.connect(conversation_id)
    assert await manager.wait_connected(DEADLINE)
    assert manager.send_message(text)
    await frames.wait_for("bot")
    return frames


async def summary_ready(client: PlatformClient, conversation_id: str) -> SummaryStatus:
    """Poll the summary status until it says ready."""
    async with asyncio.timeout(DEADLINE):
        while not (status := await client.summary_status(conversation_id)).ready:
            await asyncio.sleep(0.02)  # polling with a deadline: each request is the check
    return status


# --- signing in ------------------------------------------------------------------------


async def test_sign_in_wrong_then_right(client: PlatformClient) -> None:
    signed_in = [client.is_signed_in]  # a list: mypy would narrow the property for good
    assert client.websocket_cookies() == {}

    with pytest.raises(SignInFailed, match="email address or password"):
        await client.sign_in(DEMO_EMAIL, WRONG_PASSWORD)
    signed_in.append(client.is_signed_in)
    assert set(client.websocket_cookies()) == {"csrftoken"}

    await client.sign_in(DEMO_EMAIL, DEMO_PASSWORD)
    signed_in.append(client.is_signed_in)
    assert set(client.websocket_cookies()) == {"csrftoken", "sessionid"}
    assert signed_in == [False, False, True]


async def test_history_before_sign_in_requires_sign_in(
    server: DemoServer, client: PlatformClient, tmp_path: Path
) -> None:
    conversation = server.create_conversation()
    with pytest.raises(SignInRequired):
        await client.history(conversation)
    with pytest.raises(SignInRequired):
        await client.summary_status(conversation)
    with pytest.raises(SignInRequired):
        await client.download_summary(conversation, tmp_path / "summary.pdf")
    with pytest.raises(SignInRequired):
        await client.create_conversation("Knee")
    assert list(tmp_path.iterdir()) == []


# --- conversations ------------------------------------------------------------------


async def test_create_conversation(server: DemoServer, signed_in: PlatformClient) -> None:
    conversation = await signed_in.create_conversation("Knee surgery")

    assert str(uuid.UUID(conversation)) == conversation
    assert server.history(conversation) == []
    assert await signed_in.history(conversation) == []


async def test_history_after_chatting_carries_the_session_to_the_websocket(
    signed_in: PlatformClient, make: Any
) -> None:
    conversation = await signed_in.create_conversation("Knee surgery")

    frames = await chat(make, signed_in, conversation, SECRET)

    # The server names the sender from the session cookie sent with the handshake.
    echo = frames.of("user")[0]
    assert echo["name"] == "Demo User"
    messages = await signed_in.history(conversation)
    assert [message.role for message in messages] == [Role.USER, Role.BOT]
    assert messages[0].content == SECRET
    assert messages[0].name == "Demo User"
    assert messages[1].content == frames.of("bot")[0]["content"]


async def test_unknown_conversation_is_a_404(signed_in: PlatformClient) -> None:
    unknown = str(uuid.uuid4())
    with pytest.raises(HttpError, match="not found") as info:
        await signed_in.history(unknown)
    assert info.value.status == 404
    with pytest.raises(HttpError) as info:
        await signed_in.summary_status(unknown)
    assert info.value.status == 404


async def test_a_non_uuid_id_is_refused_before_any_request(client: PlatformClient) -> None:
    with pytest.raises(InvalidConversationId):
        await client.history("../../admin")
    with pytest.raises(InvalidConversationId):
        await client.download_summary("conv_1", Path("unused.pdf"))
    assert client.websocket_cookies() == {}  # no request was made


# --- summaries ----------------------------------------------------------------------


async def test_summary_becomes_ready_and_downloads_as_pdf(
    signed_in: PlatformClient, make: Any, tmp_path: Path
) -> None:
    conversation = await signed_in.create_conversation("Knee surgery")
    assert await signed_in.summary_status(conversation) == SummaryStatus(ready=False)

    await chat(make, signed_in, conversation, "Please prepare my summary")
    status = await summary_ready(signed_in, conversation)

    assert status.generated_at is not None
    assert status.download_url == f"/memory/conversation/{conversation}/summary/download/"
    calls: list[tuple[int, int | None]] = []
    destination = tmp_path / "summary.pdf"
    saved = await signed_in.download_summary(
        conversation, destination, progress=lambda done, total: calls.append((done, total))
    )
    assert saved == destination
    data = destination.read_bytes()
    assert data.startswith(b"%PDF")
    assert calls
    assert calls[-1] == (len(data), len(data))
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert list(tmp_path.iterdir()) == [destination]  # no temporary file left


async def test_download_before_the_summary_is_ready_fails_without_a_file(
    signed_in: PlatformClient, tmp_path: Path
) -> None:
    conversation = await signed_in.create_conversation("Knee surgery")
    with pytest.raises(HttpError, match="no summary has been generated") as info:
        await signed_in.download_summary(conversation, tmp_path / "summary.pdf")
    assert info.value.status == 404
    assert list(tmp_path.iterdir()) == []


async def test_an_interrupted_download_keeps_the_previous_file(
    signed_in: PlatformClient, make: Any, tmp_path: Path
) -> None:
    conversation = await signed_in.create_conversation("Knee surgery")
    await chat(make, signed_in, conversation, "summary please")
    await summary_ready(signed_in, conversation)
    destination = tmp_path / "summary.pdf"
    destination.write_bytes(b"the previous summary")

    def fail(done: int, total: int | None) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        await signed_in.download_summary(conversation, destination, progress=fail)
    assert destination.read_bytes() == b"the previous summary"
    assert list(tmp_path.iterdir()) == [destination]


# --- failures and logs ----------------------------------------------------------------


async def test_an_unreachable_server_is_an_http_error_without_status() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The port is free again: nothing listens there.
    async with PlatformClient(f"http://127.0.0.1:{port}", timeout_s=5.0) as client:
        with pytest.raises(HttpError, match="cannot reach the server") as info:
            await client.sign_in(DEMO_EMAIL, DEMO_PASSWORD)
    assert info.value.status is None
    # Words for a person; the operating system's error is kept for the diagnostics.
    assert str(info.value) == "cannot reach the server: no connection could be made"
    assert client.last_error is not None
    assert "Connect" in client.last_error


async def test_no_password_cookie_or_message_text_reaches_the_log(
    client: PlatformClient, make: Any, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(SignInFailed):
        await client.sign_in(DEMO_EMAIL, WRONG_PASSWORD)
    await client.sign_in(DEMO_EMAIL, DEMO_PASSWORD)
    conversation = await client.create_conversation("Knee surgery")
    await chat(make, client, conversation, SECRET + " summary")
    await client.history(conversation)
    await summary_ready(client, conversation)
    await client.download_summary(conversation, tmp_path / "summary.pdf")

    assert "desktop_app.net.http" in {record.name for record in caplog.records}
    for secret in [DEMO_PASSWORD, WRONG_PASSWORD, SECRET, *client.websocket_cookies().values()]:
        assert secret not in caplog.text


# --- a production-like server: TLS, __Secure- cookie names ------------------------------

SESSION_KEY = "prod-session-4c1d"


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


class Production:
    """A server like production: HTTPS and the ``__Secure-`` cookie names."""

    def __init__(self) -> None:
        self.base_url = ""
        self.login_headers: dict[str, str] = {}  # Origin and Referer of the last sign-in
        self.release = asyncio.Event()  # ends the download that stalls


@pytest.fixture
async def production(ca: trustme.CA) -> AsyncIterator[Production]:
    """HTTPS with the production cookie names; its history holds two malformed entries."""
    server = Production()

    async def login_form(request: web.Request) -> web.Response:
        response = web.Response(text="<form></form>", content_type="text/html")
        response.set_cookie("__Secure-csrftoken", "prod-csrf", secure=True, samesite="Lax")
        return response

    async def login_submit(request: web.Request) -> web.Response:
        form = await request.post()
        server.login_headers = {
            name: request.headers.get(name, "") for name in ("Origin", "Referer")
        }
        if request.headers.get("X-CSRFToken") != request.cookies.get("__Secure-csrftoken"):
            return web.Response(status=403)
        if form.get("password") != DEMO_PASSWORD:
            return web.Response(text="<form></form>", content_type="text/html")
        response = web.Response(status=302, headers={"Location": "/"})
        response.set_cookie("__Secure-sessionid", SESSION_KEY, secure=True, httponly=True)
        return response

    async def history(request: web.Request) -> web.Response:
        if request.cookies.get("__Secure-sessionid") != SESSION_KEY:
            return web.Response(
                status=302, headers={"Location": f"/accounts/login/?next={request.path}"}
            )
        message = {"role": "user", "name": "Demo User", "content": SECRET, "timestamp": ""}
        malformed = {"role": "bot", "content": 42, "timestamp": ""}
        return web.json_response({"messages": [message, malformed, "junk"]})

    async def stalled_download(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/pdf"})
        response.content_length = 10_000
        await response.prepare(request)
        await response.write(b"%PDF-1.4\n" + b"x" * 991)
        await server.release.wait()
        return response

    async def moved(request: web.Request) -> web.Response:
        return web.Response(
            status=301, headers={"Location": f"https://sdm.example.org{request.path}"}
        )

    app = web.Application()
    app.router.add_get("/accounts/login/", login_form)
    app.router.add_post("/accounts/login/", login_submit)
    app.router.add_get("/conversation/{id}/history/", history)
    app.router.add_get("/memory/conversation/{id}/summary/download/", stalled_download)
    app.router.add_get("/memory/conversation/{id}/summary/status/", moved)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
    await site.start()
    server.base_url = f"https://127.0.0.1:{runner.addresses[0][1]}"
    yield server
    server.release.set()
    await runner.cleanup()


async def test_production_cookie_names_over_tls(
    production: Production, ca: trustme.CA, caplog: pytest.LogCaptureFixture
) -> None:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    conversation = str(uuid.uuid4())
    base_url = production.base_url
    async with PlatformClient(base_url, ssl_context=context, timeout_s=5.0) as client:
        with pytest.raises(SignInRequired):
            await client.history(conversation)
        await client.sign_in(DEMO_EMAIL, DEMO_PASSWORD)
        assert production.login_headers == {
            "Origin": base_url,
            "Referer": base_url + "/accounts/login/",
        }
        assert client.is_signed_in
        assert client.websocket_cookies() == {
            "__Secure-csrftoken": "prod-csrf",
            "__Secure-sessionid": SESSION_KEY,
        }
        caplog.set_level(logging.DEBUG)
        messages = await client.history(conversation)

    assert [message.content for message in messages] == [SECRET]
    skipped = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert [message.split(": ", 1)[1] for message in skipped] == [
        "entry 1 skipped: wrong type (47 bytes): 'content' should be a string, got int",
        "entry 2 skipped: not a JSON object (6 bytes)",
    ]
    assert SECRET not in caplog.text


async def test_an_untrusted_certificate_is_refused(production: Production) -> None:
    # The test CA is in no trust store: the operating system's store must refuse it.
    async with PlatformClient(production.base_url, timeout_s=5.0) as client:
        with pytest.raises(HttpError, match="certificate could not be verified") as info:
            await client.sign_in(DEMO_EMAIL, DEMO_PASSWORD)
    assert info.value.status is None
    assert client.last_error is not None
    assert client.last_error.startswith("ClientConnectorCertificateError: ")


async def test_a_cancelled_download_leaves_no_file(
    production: Production, ca: trustme.CA, tmp_path: Path
) -> None:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    received = asyncio.Event()
    destination = tmp_path / "summary.pdf"
    async with PlatformClient(production.base_url, ssl_context=context, timeout_s=5.0) as client:
        download = asyncio.create_task(
            client.download_summary(
                str(uuid.uuid4()), destination, progress=lambda done, total: received.set()
            )
        )
        # The first 1000 of 10000 bytes arrive, then the server stalls.
        await asyncio.wait_for(received.wait(), DEADLINE)
        assert len(list(tmp_path.iterdir())) == 1  # the temporary file
        download.cancel()
        with pytest.raises(asyncio.CancelledError):
            await download

    assert list(tmp_path.iterdir()) == []


async def test_a_redirect_to_another_server_is_not_followed(
    production: Production, ca: trustme.CA
) -> None:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    async with PlatformClient(production.base_url, ssl_context=context, timeout_s=5.0) as client:
        with pytest.raises(HttpError, match=r"redirected to https://sdm\.example\.org") as info:
            await client.summary_status(str(uuid.uuid4()))
    assert info.value.status == 301
