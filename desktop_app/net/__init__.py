"""The WebSocket managers on asyncio and ``websockets`` (no Qt)."""

from desktop_app.net.chat import ChatWebSocketManager
from desktop_app.net.manager import WebSocketManager
from desktop_app.net.status import StatusWebSocketManager

__all__ = ["ChatWebSocketManager", "StatusWebSocketManager", "WebSocketManager"]
