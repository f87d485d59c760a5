"""The embedded demo server: a stand-in for the SDM platform speaking its wire protocol.

Start one with ``async with DemoServer(DemoConfig(...)) as server:`` or from a
shell with ``python -m desktop_app.demo --port 8765``; sign in with
:data:`DEMO_EMAIL` / :data:`DEMO_PASSWORD`.

Modules: :mod:`~desktop_app.demo.server` (routes, sockets, lifecycle),
:mod:`~desktop_app.demo.frames` (frame shapes), :mod:`~desktop_app.demo.assistant`
(the scripted replies), :mod:`~desktop_app.demo.store` (SQLite),
:mod:`~desktop_app.demo.pdf` (summary PDFs), :mod:`~desktop_app.demo.pages` (HTML).
"""

from desktop_app.demo.server import (
    CLIENT_MESSAGE_ID_KEY,
    DEMO_DISPLAY_NAME,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DemoConfig,
    DemoServer,
)

__all__ = [
    "CLIENT_MESSAGE_ID_KEY",
    "DEMO_DISPLAY_NAME",
    "DEMO_EMAIL",
    "DEMO_PASSWORD",
    "DemoConfig",
    "DemoServer",
]
