"""The bridge from the managers' listeners (plain callables) to Qt signals.

The managers run on the qasync loop, in Qt's thread, so listeners may touch
widgets directly; the bridge exists so that widgets depend on signals, not on
the managers, and so that every subscription ends in one place (:meth:`detach`).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from desktop_app.net.manager import WebSocketManager
from desktop_app.net.status import StatusWebSocketManager


class ManagerBridge(QObject):
    """Qt signals for one manager's listeners."""

    #: The manager's new :class:`~desktop_app.core.machine.ConnectionState`.
    state_changed = Signal(object)
    #: Status events, synthetic ones included (status managers only).
    status_event = Signal(object)

    def __init__(self, manager: WebSocketManager, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.manager = manager
        self._unsubscribes = [
            manager.on_state_change(self.state_changed.emit),
        ]
        if isinstance(manager, StatusWebSocketManager):
            self._unsubscribes.append(manager.on_status_change(self.status_event.emit))

    def detach(self) -> None:
        """Stop listening to the manager."""
        for unsubscribe in self._unsubscribes:
            unsubscribe()
        self._unsubscribes.clear()
