"""Fixtures for the demo server tests: fast servers on 127.0.0.1 port 0, and a client.

The :class:`DemoClient` talks to a server the way the desktop client does (an
``Origin`` header on every handshake, a real cookie jar for the session), with
generous timeouts so that a missing frame fails a test instead of hanging it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, cast

import aiohttp
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

from desktop_app.demo import DEMO_EMAIL, DEMO_PASSWORD, DemoConfig, DemoServer

# Scaled-down assistant: 50 ms "thinking", 10 ms between the later status events.
FAST_CONFIG = DemoConfig(reply_delay_s=0.05, step_delay_s=0.01)
TIMEOUT_S = 5.0

_DEFAULT_ORIGIN = object()


class DemoClient:
    """A test client for one :class:`DemoServer`."""

    def __init__(self, server: DemoServer) -> None:
        self.server = server

    def url(self, path: str) -> str:
        return self.server.base_url + path

    def ws_url(self, kind: str, conversation_id: str) -> str:
        return self.server.base_url.replace("http://", "ws://") + f"/ws/{kind}/{conversation_id}/"

    def connect(
        self,
        kind: str,
        conversation_id: str,
        *,
        origin: Any = _DEFAULT_ORIGIN,
        cookies: dict[str, str] | None = None,
        path: str | None = None,
    ) -> connect:
        """A handshake like the desktop client's (``async with`` or ``await`` it)."""
        url = self.ws_url(kind, conversation_id) if path is None else self.url(path)
        headers = {}
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        return connect(
            url.replace("http://", "ws://"),
            origin=cast(
                "Origin | None", self.server.base_url if origin is _DEFAULT_ORIGIN else origin
            ),
            additional_headers=headers,
            open_timeout=TIMEOUT_S,
            close_timeout=TIMEOUT_S,
        )

    @staticmethod
    async def recv_json(ws: ClientConnection) -> dict[str, Any]:
        async with asyncio.timeout(TIMEOUT_S):
            frame = json.loads(await ws.recv())
        assert isinstance(frame, dict)
        return frame

    @classmethod
    async def recv_until(cls, ws: ClientConnection, event: str) -> list[dict[str, Any]]:
        """Status frames up to and including the first of type ``event``."""
        frames = []
        while True:
            frame = await cls.recv_json(ws)
            frames.append(frame)
            if frame.get("type") == event:
                return frames

    @staticmethod
    async def assert_silent(ws: ClientConnection, seconds: float = 0.2) -> None:
        """Nothing arrives on ``ws`` for ``seconds``."""
        try:
            async with asyncio.timeout(seconds):
                frame = await ws.recv()
        except TimeoutError:
            return
        raise AssertionError(f"unexpected frame: {frame!r}")

    def http(self) -> aiohttp.ClientSession:
        # unsafe=True: aiohttp's jar drops cookies of IP-address hosts like 127.0.0.1 otherwise.
        return aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True),
            timeout=aiohttp.ClientTimeout(total=TIMEOUT_S),
        )

    async def login(self, http: aiohttp.ClientSession) -> str:
        """Sign in with the demo account; the session key."""
        async with http.get(self.url("/accounts/login/")) as response:
            assert response.status == 200
        async with http.post(
            self.url("/accounts/login/"),
            data={"login": DEMO_EMAIL, "password": DEMO_PASSWORD},
            headers={"X-CSRFToken": self.cookie(http, "csrftoken")},
            allow_redirects=False,
        ) as response:
            assert response.status == 302
        return self.cookie(http, "sessionid")

    def csrf_headers(self, http: aiohttp.ClientSession) -> dict[str, str]:
        return {"X-CSRFToken": self.cookie(http, "csrftoken")}

    @staticmethod
    def cookie(http: aiohttp.ClientSession, name: str) -> str:
        for cookie in http.cookie_jar:
            if cookie.key == name:
                return cookie.value
        raise AssertionError(f"no {name} cookie in the jar")


MakeServer = Callable[..., Awaitable[DemoServer]]


@pytest.fixture
async def make_server() -> AsyncIterator[MakeServer]:
    """Start servers with FAST_CONFIG plus overrides; every one is stopped at teardown."""
    servers: list[DemoServer] = []

    async def make(**overrides: Any) -> DemoServer:
        config = DemoConfig(**{**FAST_CONFIG.__dict__, **overrides})
        server = DemoServer(config)
        await server.start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        await server.stop()


@pytest.fixture
async def server(make_server: MakeServer) -> DemoServer:
    return await make_server()


@pytest.fixture
def client(server: DemoServer) -> DemoClient:
    return DemoClient(server)


@pytest.fixture
def client_for() -> Callable[[DemoServer], DemoClient]:
    return DemoClient


@pytest.fixture
def conversation_id(server: DemoServer) -> str:
    return server.create_conversation()
