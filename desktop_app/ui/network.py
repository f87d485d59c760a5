"""Is there a network? The operating system's answer, as a replaceable source.

:class:`SystemNetworkSource` asks ``QNetworkInformation`` (Reachability). Its
"online" only means the machine has some route, and some platforms have no
backend at all: then the network counts as available and the keepalive finds
dead connections by itself. Tests inject a :class:`ManualNetworkSource`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QNetworkInformation

logger = logging.getLogger("desktop_app.ui.network")


class FollowsNetwork(Protocol):
    """What follows the network's state: a manager (its type stays out of ui but the bridge)."""

    def set_network_available(self, available: bool) -> None: ...


class NetworkSource(QObject):
    """Tells whether the network is available, and when that changes."""

    online_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._online = True

    def is_online(self) -> bool:
        return self._online

    @property
    def backend(self) -> str:
        """Where the answer comes from, for the diagnostics."""
        return "manual"

    def _set_online(self, online: bool) -> None:
        if online != self._online:
            self._online = online
            logger.info("Network %s", "available" if online else "lost")
            self.online_changed.emit(online)


class ManualNetworkSource(NetworkSource):
    """A source that says what it is told (tests; platforms without a backend)."""

    def set_online(self, online: bool) -> None:
        self._set_online(online)


class SystemNetworkSource(NetworkSource):
    """The operating system's reachability, through ``QNetworkInformation``."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._backend = "none"
        info = None
        if QNetworkInformation.loadBackendByFeatures(QNetworkInformation.Feature.Reachability):
            info = QNetworkInformation.instance()
        if info is None:
            logger.warning(
                "No network-information backend: treating the network as available "
                "(dead connections are still found by the keepalive)"
            )
            return
        self._backend = info.backendName()
        info.reachabilityChanged.connect(self._on_reachability)
        self._on_reachability(info.reachability())

    @property
    def backend(self) -> str:
        return self._backend

    def _on_reachability(self, reachability: QNetworkInformation.Reachability) -> None:
        # Only "Disconnected" is a clear no: Local or Site may be all a clinic's
        # server needs, and Unknown must not stop a working app.
        self._set_online(reachability != QNetworkInformation.Reachability.Disconnected)


def drive_managers(source: NetworkSource, managers: Iterable[FollowsNetwork]) -> None:
    """Keep ``managers``' network flag equal to what ``source`` says, from now on."""
    targets = list(managers)

    def apply(online: bool) -> None:
        for manager in targets:
            manager.set_network_available(online)

    source.online_changed.connect(apply)
    apply(source.is_online())
