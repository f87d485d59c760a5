"""A new conversation that could not be created while offline is created as soon as
the server can be reached again: when the network comes back, or when the session
becomes signed in. Its retry timer is set to minutes here, so a creation within the
test's deadline can only come from that news, not from the timer.

Real demo server on 127.0.0.1 behind a fault proxy; "offline" is the proxy refusing
connections (and dropping the pooled ones), as a machine without a network would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from desktop_app.control.conversation import ConversationController
from desktop_app.core.conversation import Creation, NoticeAction
from desktop_app.demo.server import DemoServer
from tests.control.conftest import Built, until
from tests.faultproxy import FaultProxy

Build = Callable[..., Any]

#: The creation's retry timer: far longer than any wait below.
RETRY_S = 600.0


@pytest.fixture
async def proxy(demo: DemoServer) -> AsyncIterator[FaultProxy]:
    async with FaultProxy("127.0.0.1", demo.port) as fault_proxy:
        yield fault_proxy


async def with_slow_retries(app: Built) -> ConversationController:
    """The app's controller again, retrying a failed creation only after ``RETRY_S``."""
    await app.controller.aclose()
    app.controller = ConversationController(
        client=app.client,
        chat=app.chat,
        status=app.status,
        outbox=app.outbox,
        session=app.session,
        view=app.view,
        retry_initial_s=RETRY_S,
        retry_max_s=RETRY_S,
    )
    return app.controller


def go_offline(proxy: FaultProxy) -> None:
    proxy.refuse()
    proxy.reset()  # the HTTP client's kept-alive connections go too


async def fail_to_create(controller: ConversationController) -> None:
    controller.new_conversation()
    await until(lambda: controller.creation is Creation.WAITING)  # retry in RETRY_S
    assert controller.conversation_id is None


async def test_a_creation_that_failed_offline_happens_when_the_network_is_back(
    demo: DemoServer, proxy: FaultProxy, build: Build
) -> None:
    app: Built = await build(base_url=proxy.url())
    controller = await with_slow_retries(app)
    controller.set_network_available(False)
    go_offline(proxy)
    await fail_to_create(controller)
    notice = app.view.notice
    assert notice is not None
    assert notice.action is NoticeAction.RETRY
    assert notice.retry_due is not None  # the fallback, shown

    proxy.refuse(False)
    controller.set_network_available(True)  # what the window's network source says
    await until(lambda: controller.conversation_id is not None)
    assert controller.creation is None
    conversation = controller.conversation_id
    assert conversation is not None
    assert demo.history(conversation) == []  # the server knows it
    assert app.view.problems == []


async def test_a_creation_that_failed_offline_happens_once_the_session_is_signed_in(
    demo: DemoServer, proxy: FaultProxy, build: Build
) -> None:
    app: Built = await build(signed_in=False, base_url=proxy.url())
    controller = await with_slow_retries(app)
    go_offline(proxy)
    await fail_to_create(controller)

    # Reachable again, but no network news: the person signs in (the dialog's answer).
    proxy.refuse(False)
    await app.sign_in()
    await until(lambda: controller.conversation_id is not None)
    assert controller.creation is None
    assert app.view.problems == []


async def test_the_network_coming_back_leaves_a_working_app_alone(
    demo: DemoServer, proxy: FaultProxy, build: Build
) -> None:
    app: Built = await build(base_url=proxy.url())
    controller = await with_slow_retries(app)
    controller.new_conversation()
    await until(lambda: controller.conversation_id is not None)
    opened = list(app.view.opened)
    controller.set_network_available(False)
    controller.set_network_available(True)
    # A creation would have started right there (creation CREATING): none did.
    assert controller.creation is None
    assert app.view.opened == opened  # no second conversation
