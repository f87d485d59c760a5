"""The window's network source reaches the conversation controller: a new conversation
that could not be created while offline is created as soon as the network is back,
not when its retry timer fires (set to minutes here, so only the news can do it).

Issue 13's benchmark measured the creation 1.8 s after "Network available": the
timer's, with nobody telling the controller.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiohttp import web

from desktop_app.control import conversation
from desktop_app.core.conversation import Creation
from desktop_app.demo.server import DemoConfig, DemoServer
from desktop_app.ui.network import ManualNetworkSource
from tests.ui.conftest import LoopDriver, WindowFactory

RETRY_S = 600.0


class UnreachableServer(DemoServer):
    """The demo server; while ``unreachable``, new conversations cannot be created there
    (503, what a proxy answers for a server it cannot reach)."""

    unreachable = False

    async def _create_conversation(self, request: web.Request) -> web.StreamResponse:
        if self.unreachable:
            return web.Response(status=503, text="503 Service Unavailable")
        return await super()._create_conversation(request)


@pytest.fixture
def demo(driver: LoopDriver, demo_config: DemoConfig) -> Iterator[UnreachableServer]:
    """The conftest's demo server, as an :class:`UnreachableServer`."""
    server = UnreachableServer(demo_config)
    driver.run(server.start())
    yield server
    driver.run(server.stop())


def test_a_conversation_not_created_offline_is_created_when_the_network_is_back(
    driver: LoopDriver,
    demo: UnreachableServer,
    make_window: WindowFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The controller's retry schedule: minutes, so only the network's news can help.
    monkeypatch.setattr(conversation, "retry_delay_s", lambda _failures, **_: RETRY_S)
    window = make_window()
    network = window.services.network
    assert isinstance(network, ManualNetworkSource)
    driver.call(network.set_online, False)
    demo.unreachable = True
    driver.call(window.on_new_conversation)
    driver.wait_until(lambda: window.controller.creation is Creation.WAITING)
    assert window.controller.conversation_id is None

    demo.unreachable = False
    driver.call(network.set_online, True)
    driver.wait_until(lambda: window.controller.conversation_id is not None)
    assert window.controller.creation is None
    notice = window.notice_bar.notice
    assert notice is None or "start a new conversation" not in notice.text  # said no more
