"""Keepalive: when to ping, and when a silent connection is dead.

The browser client sends ``{"type": "ping"}`` every 30 s and documents that a
missing pong means a dead connection, but never checks. Here any inbound frame
proves the connection alive; after a ping, silence until the deadline means the
connection is dead (a half-open TCP connection after a network change never
reports an error by itself). A user's send also *probes*: it demands proof of
life within a few seconds, so a dead connection is found while the person is
still looking at the screen, not at the next scheduled ping.

The server may keep a heartbeat of its own: uvicorn, daphne and the demo server
send protocol-level pings (every 20 s), which the WebSocket library answers. A
server ping proves the connection alive like any frame and also stands in for
our next ping: the schedule restarts from it, so while the server pings more
often than ``interval_s`` we send none, and a server that never pings gets ours
as before. Either way a silent connection is declared dead at most
``interval_s + timeout_s`` after the last proof of life. Data frames clear the
deadline but leave the schedule alone: they come in bursts, and the pings
between bursts keep measuring the latency the status bar shows. (While a
server's pings stand in for ours, latency is measured by the probes of sends.)

A flood brings a frame every few microseconds, so the owner need not call in for
each: it may set :attr:`Keepalive.heard` instead, and every method takes that
into account before anything else, exactly as if :meth:`Keepalive.frame_received`
had been called for each of those frames (only a pong's time matters: pongs still
go through that call).
"""

from __future__ import annotations

import enum

from desktop_app.core.validation import require_positive


class KeepaliveAction(enum.Enum):
    SEND_PING = "send_ping"
    DEAD = "dead"


class Keepalive:
    """Ping schedule and dead-connection deadline of one open socket (times in seconds)."""

    def __init__(self, *, interval_s: float, timeout_s: float, probe_timeout_s: float) -> None:
        require_positive("interval_s", interval_s)
        require_positive("timeout_s", timeout_s)
        require_positive("probe_timeout_s", probe_timeout_s)
        self.interval_s = interval_s
        self.timeout_s = timeout_s
        self.probe_timeout_s = probe_timeout_s
        self._next_ping_at = 0.0
        self._deadline: float | None = None  # proof of life is due by then
        # When the latest ping went out. A pong is timed from the latest ping, so a
        # probe sent while an earlier ping is unanswered can make one RTT read short.
        self._ping_sent_at: float | None = None
        self.latency_s: float | None = None  # round trip of the last answered ping
        #: Frames (not pongs) arrived since a method last ran: the owner sets it for
        #: each one in place of :meth:`frame_received` (a store, not a call).
        self.heard = False

    def _take_heard(self) -> None:
        """Frames noted in :attr:`heard` proved the connection alive: before anything else."""
        if self.heard:
            self.heard = False
            self._deadline = None

    def start(self, now: float) -> None:
        """The socket opened: first ping one interval from now."""
        self._next_ping_at = now + self.interval_s
        self._deadline = None
        self._ping_sent_at = None
        self.heard = False

    @property
    def deadline(self) -> float | None:
        self._take_heard()
        return self._deadline

    def next_wakeup(self) -> float:
        """When :meth:`poll` next has something to do."""
        self._take_heard()
        if self._deadline is None:
            return self._next_ping_at
        return min(self._next_ping_at, self._deadline)

    def frame_received(self, now: float, *, pong: bool) -> None:
        """Any inbound frame proves the connection alive; a pong also measures latency."""
        self.heard = False
        self._deadline = None
        if pong and self._ping_sent_at is not None:
            self.latency_s = max(0.0, now - self._ping_sent_at)
            self._ping_sent_at = None

    def server_pinged(self, now: float) -> None:
        """The server's own protocol-level ping arrived: proof of life, and our next ping
        can wait a whole interval from now."""
        self.heard = False
        self._deadline = None
        self._next_ping_at = now + self.interval_s

    def probe(self, now: float) -> bool:
        """Demand proof of life within ``probe_timeout_s``; True: send a ping now."""
        self._take_heard()
        due = now + self.probe_timeout_s
        if self._deadline is not None and self._deadline <= due:
            return False  # a ping is already out and due sooner
        self._deadline = due
        self._ping_sent_at = now
        return True

    def poll(self, now: float) -> KeepaliveAction | None:
        """What to do at ``now``: declare the connection dead, send a ping, or nothing."""
        self._take_heard()
        if self._deadline is not None and now >= self._deadline:
            return KeepaliveAction.DEAD
        if now >= self._next_ping_at:
            self._next_ping_at = now + self.interval_s
            self._ping_sent_at = now
            if self._deadline is None:
                self._deadline = now + self.timeout_s
            return KeepaliveAction.SEND_PING
        return None
