"""The demo server's HTTP side: health, pages, Django-style login with CSRF, conversations."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest

from desktop_app.demo import DEMO_EMAIL, DEMO_PASSWORD
from desktop_app.demo.pages import LOGIN_ERROR

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop_app.demo import DemoServer
    from tests.demo.conftest import DemoClient, MakeServer


async def test_health_is_plain_ok_and_never_cached(client: DemoClient) -> None:
    async with client.http() as http, http.get(client.url("/health/")) as response:
        assert response.status == 200
        assert await response.text() == "OK"
        assert response.content_type == "text/plain"
        assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "path",
    [
        "/nowhere/",
        "/health",
        "/conversation/not-a-uuid/history/",
        # A WebSocket path asked for without an upgrade is an ordinary unknown page.
        "/ws/chat/8d7f3a52-2f0e-4a43-9d2b-2f4a8f3f0c11/",
    ],
)
async def test_unknown_http_paths_are_404(client: DemoClient, path: str) -> None:
    async with client.http() as http:
        await client.login(http)
        async with http.get(client.url(path), allow_redirects=False) as response:
            assert response.status == 404


async def test_start_page_names_the_demo_account(client: DemoClient) -> None:
    async with client.http() as http, http.get(client.url("/")) as response:
        assert response.status == 200
        assert response.content_type == "text/html"
        assert DEMO_EMAIL in await response.text()


async def test_login_wrong_password_then_right(client: DemoClient) -> None:
    async with client.http() as http:
        async with http.get(client.url("/accounts/login/")) as response:
            assert response.status == 200
            form = await response.text()
        first_token = client.cookie(http, "csrftoken")
        assert f'value="{first_token}"' in form
        assert 'name="login"' in form
        assert 'name="password"' in form

        async with http.post(
            client.url("/accounts/login/"),
            data={"login": DEMO_EMAIL, "password": "wrong"},
            headers=client.csrf_headers(http),
            allow_redirects=False,
        ) as response:
            # Django answers a failed login with the form again, status 200, no session.
            assert response.status == 200
            assert LOGIN_ERROR in await response.text()
            assert "sessionid" not in response.cookies
        assert all(cookie.key != "sessionid" for cookie in http.cookie_jar)

        async with http.post(
            client.url("/accounts/login/"),
            data={"login": DEMO_EMAIL.upper(), "password": DEMO_PASSWORD},
            headers=client.csrf_headers(http),
            allow_redirects=False,
        ) as response:
            assert response.status == 302
            assert response.headers["Location"] == "/"
            session = response.cookies["sessionid"]
            assert session["httponly"] is True
            assert session["samesite"] == "Lax"
            assert session["path"] == "/"
        # Like Django, a login rotates the CSRF token.
        assert client.cookie(http, "csrftoken") != first_token

        async with http.get(client.url("/")) as response:
            assert "Signed in as" in await response.text()


async def test_login_accepts_the_form_token_and_follows_a_local_next(client: DemoClient) -> None:
    async with client.http() as http:
        async with http.get(client.url("/accounts/login/?next=/health/")) as response:
            assert 'name="next" value="/health/"' in await response.text()
        async with http.post(
            client.url("/accounts/login/"),
            data={
                "login": DEMO_EMAIL,
                "password": DEMO_PASSWORD,
                "csrfmiddlewaretoken": client.cookie(http, "csrftoken"),
                "next": "/health/",
            },
            allow_redirects=False,
        ) as response:
            assert response.status == 302
            assert response.headers["Location"] == "/health/"


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "health/"])
async def test_login_never_redirects_off_the_server(client: DemoClient, next_url: str) -> None:
    async with client.http() as http:
        async with http.get(client.url("/accounts/login/")):
            pass
        async with http.post(
            client.url("/accounts/login/"),
            data={"login": DEMO_EMAIL, "password": DEMO_PASSWORD, "next": next_url},
            headers=client.csrf_headers(http),
            allow_redirects=False,
        ) as response:
            assert response.status == 302
            assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-CSRFToken": "not-the-cookie"}, {"Origin": "http://evil.example"}],
    ids=["no-token", "wrong-token", "foreign-origin"],
)
async def test_login_without_a_valid_csrf_token_is_403(
    client: DemoClient, headers: dict[str, str]
) -> None:
    async with client.http() as http:
        async with http.get(client.url("/accounts/login/")):
            pass
        if "Origin" in headers:
            headers = {**headers, **client.csrf_headers(http)}
        async with http.post(
            client.url("/accounts/login/"),
            data={"login": DEMO_EMAIL, "password": DEMO_PASSWORD},
            headers=headers,
            allow_redirects=False,
        ) as response:
            assert response.status == 403
            assert "sessionid" not in response.cookies


async def test_login_without_the_csrf_cookie_is_403(client: DemoClient) -> None:
    async with (
        client.http() as http,
        http.post(
            client.url("/accounts/login/"),
            data={"login": DEMO_EMAIL, "password": DEMO_PASSWORD},
            headers={"X-CSRFToken": "made-up"},
            allow_redirects=False,
        ) as response,
    ):
        assert response.status == 403


async def test_endpoints_redirect_to_login_without_a_session(
    client: DemoClient, conversation_id: str
) -> None:
    paths = [
        f"/conversation/{conversation_id}/history/",
        f"/memory/conversation/{conversation_id}/summary/status/",
        f"/memory/conversation/{conversation_id}/summary/download/",
    ]
    async with client.http() as http:
        for path in paths:
            async with http.get(client.url(path), allow_redirects=False) as response:
                assert response.status == 302
                assert response.headers["Location"] == f"/accounts/login/?next={path}"
        async with http.get(client.url("/accounts/login/")):
            pass
        async with http.post(
            client.url("/conversation/"),
            json={"title": "x"},
            headers=client.csrf_headers(http),
            allow_redirects=False,
        ) as response:
            assert response.status == 302
            assert response.headers["Location"] == "/accounts/login/?next=/conversation/"


async def test_a_made_up_session_is_no_session(client: DemoClient, conversation_id: str) -> None:
    async with (
        client.http() as http,
        http.get(
            client.url(f"/conversation/{conversation_id}/history/"),
            cookies={"sessionid": "0" * 32},
            allow_redirects=False,
        ) as response,
    ):
        assert response.status == 302


async def test_create_conversation_needs_the_csrf_header(
    client: DemoClient, server: DemoServer
) -> None:
    async with client.http() as http:
        await client.login(http)
        async with http.post(client.url("/conversation/"), json={"title": "Knee pain"}) as response:
            assert response.status == 403

        async with http.post(
            client.url("/conversation/"),
            json={"title": "Knee pain"},
            headers=client.csrf_headers(http),
        ) as response:
            assert response.status == 200
            body = await response.json()
        assert body["success"] is True
        conversation_id = body["conversation_id"]
        assert str(uuid.UUID(conversation_id)) == conversation_id

        async with http.get(client.url(f"/conversation/{conversation_id}/history/")) as response:
            assert response.status == 200
            assert await response.json() == {"messages": []}
        assert server.history(conversation_id) == []


@pytest.mark.parametrize("body", ["not json", "[1]", '{"title": 5}'])
async def test_create_conversation_rejects_a_bad_body(client: DemoClient, body: str) -> None:
    async with client.http() as http:
        await client.login(http)
        async with http.post(
            client.url("/conversation/"), data=body, headers=client.csrf_headers(http)
        ) as response:
            assert response.status == 400
            assert (await response.json())["success"] is False


async def test_history_of_an_unknown_conversation_is_404_json(client: DemoClient) -> None:
    async with client.http() as http:
        await client.login(http)
        async with http.get(client.url(f"/conversation/{uuid.uuid4()}/history/")) as response:
            assert response.status == 404
            body = await response.json()
    assert body["success"] is False
    assert body["error"]


async def test_without_require_login_no_session_is_needed(
    make_server: MakeServer, client_for: Callable[[DemoServer], DemoClient]
) -> None:
    server = await make_server(require_login=False)
    client = client_for(server)
    conversation_id = server.create_conversation()
    async with client.http() as http:
        async with http.get(client.url(f"/conversation/{conversation_id}/history/")) as response:
            assert response.status == 200
            assert await response.json() == {"messages": []}
        # CSRF is still checked: it does not depend on the login.
        async with http.post(client.url("/conversation/"), json={"title": "t"}) as response:
            assert response.status == 403
