"""The demo server's login sessions: sign-out, revocation, expiry, and restarts."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING

import pytest

from desktop_app.demo import DEMO_EMAIL, DEMO_PASSWORD

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    import aiohttp

    from desktop_app.demo import DemoServer
    from tests.demo.conftest import DemoClient, MakeServer


def history_path(conversation_id: str) -> str:
    return f"/conversation/{conversation_id}/history/"


async def get_history(
    client: DemoClient, http: aiohttp.ClientSession, conversation_id: str, session_key: str
) -> aiohttp.ClientResponse:
    """The history request with ``session_key`` as the session cookie; the response, read."""
    async with http.get(
        client.url(history_path(conversation_id)),
        cookies={"sessionid": session_key},
        allow_redirects=False,
    ) as response:
        await response.read()
    return response


def assert_redirected_to_login(response: aiohttp.ClientResponse, conversation_id: str) -> None:
    assert response.status == 302
    assert response.headers["Location"] == f"/accounts/login/?next={history_path(conversation_id)}"
    # Like Django, the server deletes a session cookie that names no live session.
    assert response.cookies["sessionid"].value == ""
    assert response.cookies["sessionid"]["max-age"] == "0"


async def sender_name(client: DemoClient, conversation_id: str, session_key: str) -> str:
    """The name a new chat socket carrying ``session_key`` stores a message under."""
    async with client.connect("chat", conversation_id, cookies={"sessionid": session_key}) as ws:
        await ws.send(json.dumps({"message": "who am I"}))
        while (frame := await client.recv_json(ws))["role"] != "user":
            pass  # a bot reply to an earlier message
    name = frame["name"]
    assert isinstance(name, str)
    return name


async def test_logout_ends_the_session(
    client: DemoClient, server: DemoServer, conversation_id: str
) -> None:
    async with client.http() as http:
        session_key = await client.login(http)
        async with http.post(
            client.url("/accounts/logout/"),
            headers=client.csrf_headers(http),
            allow_redirects=False,
        ) as response:
            assert response.status == 302
            assert response.headers["Location"] == "/"
            deleted = response.cookies["sessionid"]
            assert deleted.value == ""
            assert deleted["max-age"] == "0"
            assert deleted["path"] == "/"
        assert all(cookie.key != "sessionid" for cookie in http.cookie_jar)
        async with http.get(client.url("/")) as response:
            assert "Not signed in" in await response.text()

        # The server ended the session: the old key no longer signs anyone in.
        response = await get_history(client, http, conversation_id, session_key)
        assert_redirected_to_login(response, conversation_id)

    assert await sender_name(client, conversation_id, session_key) == "Anonymous"
    assert [m["name"] for m in server.history(conversation_id) if m["role"] == "user"] == [
        "Anonymous"
    ]


async def test_logout_confirm_page_posts_the_form_token(
    client: DemoClient, conversation_id: str
) -> None:
    async with client.http() as http:
        async with http.get(client.url("/accounts/logout/"), allow_redirects=False) as response:
            # allauth sends a signed-out visitor home.
            assert response.status == 302
            assert response.headers["Location"] == "/"

        session_key = await client.login(http)
        async with http.get(client.url("/accounts/logout/")) as response:
            assert response.status == 200
            page = await response.text()
        token = client.cookie(http, "csrftoken")
        assert 'action="/accounts/logout/"' in page
        assert f'name="csrfmiddlewaretoken" value="{token}"' in page

        async with http.post(
            client.url("/accounts/logout/"),
            data={"csrfmiddlewaretoken": token},
            allow_redirects=False,
        ) as response:
            assert response.status == 302
            assert response.headers["Location"] == "/"
        response = await get_history(client, http, conversation_id, session_key)
        assert_redirected_to_login(response, conversation_id)


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-CSRFToken": "not-the-cookie"}, {"Origin": "http://evil.example"}],
    ids=["no-token", "wrong-token", "foreign-origin"],
)
async def test_logout_without_a_valid_csrf_token_is_403(
    client: DemoClient, conversation_id: str, headers: dict[str, str]
) -> None:
    async with client.http() as http:
        session_key = await client.login(http)
        if "Origin" in headers:
            headers = {**headers, **client.csrf_headers(http)}
        async with http.post(
            client.url("/accounts/logout/"), headers=headers, allow_redirects=False
        ) as response:
            assert response.status == 403
            assert "sessionid" not in response.cookies
        assert client.cookie(http, "sessionid") == session_key
        response = await get_history(client, http, conversation_id, session_key)
        assert response.status == 200


@pytest.mark.parametrize("end", ["expire_sessions", "revoke_sessions"])
async def test_ended_sessions_are_no_sessions(
    client: DemoClient, server: DemoServer, conversation_id: str, end: str
) -> None:
    async with client.http() as first, client.http() as second:
        session_key = await client.login(first)
        await client.login(second)
    async with client.connect(
        "chat", conversation_id, cookies={"sessionid": session_key}
    ) as open_ws:
        await open_ws.send(json.dumps({"type": "ping"}))
        assert await client.recv_json(open_ws) == {"type": "pong"}

        assert getattr(server, end)() == 2
        assert getattr(server, end)() == 0

        async with client.http() as http:
            response = await get_history(client, http, conversation_id, session_key)
            assert_redirected_to_login(response, conversation_id)
            async with http.get(client.url("/"), cookies={"sessionid": session_key}) as response:
                assert "Not signed in" in await response.text()

        # A socket keeps the user it was opened with (Channels resolves it at the
        # handshake); a new handshake carrying the ended session is anonymous.
        await open_ws.send(json.dumps({"message": "opened while signed in"}))
        assert (await client.recv_json(open_ws))["name"] == "Demo User"
        assert await sender_name(client, conversation_id, session_key) == "Anonymous"
    assert [m["name"] for m in server.history(conversation_id) if m["role"] == "user"] == [
        "Demo User",
        "Anonymous",
    ]


async def test_session_age_sets_the_cookie_and_the_expiry(
    make_server: MakeServer, client_for: Callable[[DemoServer], DemoClient]
) -> None:
    server = await make_server(session_age_s=0.5)
    client = client_for(server)
    conversation_id = server.create_conversation()
    async with client.http() as http:
        async with http.get(client.url("/accounts/login/")):
            pass
        async with http.post(
            client.url("/accounts/login/"),
            data={"login": DEMO_EMAIL, "password": DEMO_PASSWORD},
            headers=client.csrf_headers(http),
            allow_redirects=False,
        ) as response:
            assert response.status == 302
            assert response.cookies["sessionid"]["max-age"] == "1"  # whole seconds, rounded up
        session_key = client.cookie(http, "sessionid")
        response = await get_history(client, http, conversation_id, session_key)
        assert response.status == 200
        # Real time is the subject: at 0.5 s the session expires on the server (the cookie
        # would last 1 s).
        await asyncio.sleep(0.6)
        response = await get_history(client, http, conversation_id, session_key)
        assert_redirected_to_login(response, conversation_id)


async def test_a_session_survives_a_restart_with_a_data_file(
    make_server: MakeServer, client_for: Callable[[DemoServer], DemoClient], tmp_path: Path
) -> None:
    server = await make_server(data_path=tmp_path / "demo.sqlite3")
    client = client_for(server)
    conversation_id = server.create_conversation()
    async with client.http() as http:
        session_key = await client.login(http)
    await server.stop()
    await server.start()

    async with client.http() as http:
        response = await get_history(client, http, conversation_id, session_key)
        assert response.status == 200
    assert await sender_name(client, conversation_id, session_key) == "Demo User"


@pytest.mark.parametrize("end", ["expire_sessions", "revoke_sessions"])
async def test_an_ended_session_stays_ended_after_a_restart(
    make_server: MakeServer,
    client_for: Callable[[DemoServer], DemoClient],
    tmp_path: Path,
    end: str,
) -> None:
    server = await make_server(data_path=tmp_path / "demo.sqlite3")
    client = client_for(server)
    conversation_id = server.create_conversation()
    async with client.http() as http:
        session_key = await client.login(http)
    assert getattr(server, end)() == 1
    await server.stop()
    await server.start()

    async with client.http() as http:
        response = await get_history(client, http, conversation_id, session_key)
        assert_redirected_to_login(response, conversation_id)
    assert await sender_name(client, conversation_id, session_key) == "Anonymous"
