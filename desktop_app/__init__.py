"""SDM Desktop: the desktop client of the shared-decision-making platform.

Packages, with arrows pointing one way (``ui -> net -> core``):

- :mod:`desktop_app.core`: pure logic (backoff, the connection state machine,
  frame decoding, the AI-status tracker); no asyncio, no Qt, no sockets.
- :mod:`desktop_app.net`: the WebSocket managers on asyncio and ``websockets``.
- :mod:`desktop_app.store`: the persistent outbox (SQLite), so nothing typed is lost.
- :mod:`desktop_app.demo`: the embedded demo server speaking the platform's protocol.
- :mod:`desktop_app.ui`: the Qt window; :mod:`desktop_app.app` composes and runs it.
"""

__version__ = "0.1.0"
