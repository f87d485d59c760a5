"""B1: how long a half-open connection goes unnoticed, idle and right after a send.

A fault proxy between the clients and the demo server black-holes every
connection: TCP stays up, nothing gets through, no error is ever reported (what
a laptop sees after its Wi-Fi changes under an open socket). A client
*notices* when it reports the connection lost to the application: our manager
leaves ``OPEN``, a baseline's reader ends (its ``closed_at``).

Clients, all on one proxy, each with a socket of its own:

- ours: chat managers with the app's default keepalive (ping 30 s after the last
  proof of life, pong due 10 s later, a send demands proof of life within 5 s);
- websockets: the bare client (protocol ping every 20 s, 20 s to answer);
- websockets at our keepalive: the same client with ``ping_interval=30``,
  ``ping_timeout=10`` (ours), its ``close_timeout`` left at the default 10 s;
- the browser client (a JSON ping every 30 s, never waits for the pong).

The demo server, like uvicorn, pings every socket itself (aiohttp: 20 s after the
client's last frame, rounded up to a whole second, so every 21 s on an idle
socket). Our keepalive counts those pings as proof of life and sends no ping of
its own while they come; it pings 30 s after the last proof of life (the
handshake, or the server's last ping) and gives up 10 s later. The websockets
clients ping on their own cycle whatever the server sends.

Half of them stay idle; the other half send one synthetic message right after
the black hole starts. A keepalive's noticing time depends on where in its ping
cycle the fault falls, so each client opens at its own random point of its
cycle before the fault (stratified: one sample in each n-th of the cycle,
seeded).

Timeline (full run)::

    # 0 s … 30 s: the clients open one by one, each at its chosen phase
    # 30.5 s: the proxy black-holes; the "after a send" clients send at once
    # 30.5 s + up to 55 s: wait until every ours/websockets client noticed
    #   (the browser client never does: it is reported as not noticed in that time)

``--quick`` scales our keepalive down to 0.5 s + 0.5 s (send probe 0.5 s) and
gives the baselines only a few seconds: a smoke test, not a figure.
"""

from __future__ import annotations

import asyncio
import functools
import json
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.baselines import BareWebsocketsClient
from bench.common import Result, main, ratio, seconds
from bench.net_fixtures import (
    SYNTHETIC_TEXT,
    TIMER_SLACK_S,
    Baseline,
    SendingBrowserClient,
    Watch,
    close_all,
    demo_server,
    first_after,
    origin,
    quiet_logs,
    sleep_until,
    spread,
    wait_until,
    ws_url,
)
from desktop_app.core.machine import ConnectionState
from desktop_app.net import ChatWebSocketManager
from tests.faultproxy import FaultProxy

# websockets' own keepalive defaults (ping_interval=20, ping_timeout=20), for phases.
WEBSOCKETS_PING_INTERVAL_S = 20.0
# The demo server's protocol pings on an idle socket: aiohttp pings 20 s after the
# client's last frame (the pong of its previous ping), rounded up to a whole second.
SERVER_PING_EVERY_S = 21.0


@dataclass(frozen=True)
class Size:
    samples: int  # per client kind and case
    ping_interval_s: float  # ours
    pong_timeout_s: float
    send_probe_timeout_s: float
    baseline_samples: int
    wait_s: float  # after the black hole starts
    knobs_scaled: bool


FULL = Size(
    samples=5,
    ping_interval_s=30.0,
    pong_timeout_s=10.0,
    send_probe_timeout_s=5.0,
    baseline_samples=5,
    wait_s=55.0,
    knobs_scaled=False,
)
QUICK = Size(
    samples=2,
    ping_interval_s=0.5,
    pong_timeout_s=0.5,
    send_probe_timeout_s=0.5,
    baseline_samples=1,
    wait_s=2.0,
    knobs_scaled=True,
)

# The phases keep this share of the cycle (at most 0.3 s) off both of its ends: a client
# must finish its handshake before the fault, and must not be caught sending its ping.
EDGE_SHARE = 0.1
EDGE_MAX_S = 0.3


def phases(rng: random.Random, n: int, cycle_s: float) -> list[float]:
    """``n`` random points of a ``cycle_s`` cycle, one in each n-th of it."""
    edge = min(EDGE_MAX_S, cycle_s * EDGE_SHARE)
    span = cycle_s - 2 * edge
    return [edge + (i + rng.random()) * span / n for i in range(n)]


@dataclass(frozen=True)
class Delays:
    """How long after the fault (or the send) each client noticed; inf: it did not."""

    ours: list[float]
    bare: list[float]  # websockets with its defaults
    fair: list[float]  # websockets at our ping interval and pong timeout
    browser: list[float]


@dataclass
class Group:
    """The clients of one case (idle, or after a send): ours and the three baselines."""

    ours: list[Watch] = field(default_factory=list)
    bare: list[BareWebsocketsClient] = field(default_factory=list)
    fair: list[BareWebsocketsClient] = field(default_factory=list)
    browser: list[SendingBrowserClient] = field(default_factory=list)

    def delays(self, fault_at: float, since: float) -> Delays:
        """How long after ``since`` each client noticed."""

        def delay(noticed: float | None) -> float:
            return math.inf if noticed is None else noticed - since

        return Delays(
            ours=[delay(first_after(w.left_open_at, fault_at)) for w in self.ours],
            bare=[delay(first_after(c.closed_at, fault_at)) for c in self.bare],
            fair=[delay(first_after(c.closed_at, fault_at)) for c in self.fair],
            browser=[delay(first_after(c.closed_at, fault_at)) for c in self.browser],
        )

    def everyone_but_the_browser_noticed(self, fault_at: float) -> bool:
        return all(first_after(w.left_open_at, fault_at) is not None for w in self.ours) and all(
            first_after(c.closed_at, fault_at) is not None for c in (*self.bare, *self.fair)
        )


async def _measure(size: Size) -> list[Result]:
    quiet_logs()
    rng = random.Random(1)
    async with demo_server() as server:
        proxy = FaultProxy("127.0.0.1", server.port)
        await proxy.start()
        port = proxy.port
        conversation = server.create_conversation()
        managers: list[ChatWebSocketManager] = []
        groups = {"idle": Group(), "send": Group()}
        # (how long before the fault to open, how to open): phases of the ping cycle.
        openings: list[tuple[float, Callable[[], None]]] = []
        for group in groups.values():
            for phase in phases(rng, size.samples, size.ping_interval_s):
                manager = ChatWebSocketManager(
                    proxy.url(),
                    ping_interval=size.ping_interval_s,
                    pong_timeout=size.pong_timeout_s,
                    send_probe_timeout=size.send_probe_timeout_s,
                )
                managers.append(manager)
                group.ours.append(Watch(manager))
                openings.append((phase, functools.partial(manager.connect, conversation)))
            url = ws_url(port, "chat", conversation)
            for phase in phases(rng, size.baseline_samples, WEBSOCKETS_PING_INTERVAL_S):
                bare = BareWebsocketsClient(url, origin(port))
                group.bare.append(bare)
                # --quick waits only seconds: the baselines' phase cannot matter then.
                openings.append((math.inf if size.knobs_scaled else phase, bare.connect))
            for phase in phases(rng, size.baseline_samples, size.ping_interval_s):
                fair = BareWebsocketsClient(
                    url,
                    origin(port),
                    ping_interval_s=size.ping_interval_s,
                    ping_timeout_s=size.pong_timeout_s,
                )
                group.fair.append(fair)
                openings.append((math.inf if size.knobs_scaled else phase, fair.connect))
            browser = SendingBrowserClient(url, origin(port), ping_interval_s=size.ping_interval_s)
            group.browser.append(browser)
            openings.append((math.inf, browser.connect))  # it never notices, whatever the phase

        # 0 s … the longest phase: open each client its phase before the fault.
        start = time.monotonic()
        longest = max(phase for phase, _ in openings if not math.isinf(phase))
        fault_due = start + longest + EDGE_MAX_S
        for phase, connect in sorted(openings, key=lambda item: -item[0]):
            await sleep_until(start if math.isinf(phase) else fault_due - phase)
            connect()
        await sleep_until(fault_due)

        # The fault: nothing gets through any more, and no error says so.
        proxy.blackhole()
        fault_at = time.monotonic()
        for group in groups.values():
            # A client whose handshake did not finish in time has no phase: not a sample.
            group.ours = [w for w in group.ours if w.manager.state is ConnectionState.OPEN]
            group.bare = [c for c in group.bare if c.connected]
            group.fair = [c for c in group.fair if c.connected]
            group.browser = [c for c in group.browser if c.connected]
        send = groups["send"]
        for watch in send.ours:
            assert isinstance(watch.manager, ChatWebSocketManager)
            watch.manager.send_message(SYNTHETIC_TEXT)
        sent_at = time.monotonic()  # the sends above only queue: a few microseconds
        for bare in (*send.bare, *send.fair):
            if bare.ws is not None:
                await bare.ws.send(json.dumps({"message": SYNTHETIC_TEXT}))
        for browser in send.browser:
            await browser.send_message(SYNTHETIC_TEXT)

        # Until every client of ours and every websockets client noticed, or the bound.
        await wait_until(
            lambda: all(g.everyone_but_the_browser_noticed(fault_at) for g in groups.values()),
            size.wait_s,
        )
        watched_s = time.monotonic() - fault_at

        # Read the figures now: closing the clients below closes their sockets too.
        noticed = {
            case: g.delays(fault_at, sent_at if case == "send" else fault_at)
            for case, g in groups.items()
        }

        # Stop the proxy first: closing a socket into a black hole would wait for its timeout.
        await proxy.stop()
        baselines: list[Baseline] = []
        for g in groups.values():
            baselines += [*g.bare, *g.fair, *g.browser]
        await close_all(managers, baselines)

    not_noticed = f"not noticed within {seconds(watched_s)}"
    scaled = (
        f" (quick: our keepalive scaled to {seconds(size.ping_interval_s)} + "
        f"{seconds(size.pong_timeout_s)}, send probe {seconds(size.send_probe_timeout_s)}; "
        f"baselines watched for {seconds(watched_s)} only)"
        if size.knobs_scaled
        else ""
    )
    rows = []
    for case, d in noticed.items():
        if case == "idle":
            what = "half-open link noticed, idle (worst of random ping phases)"
            target_s = size.ping_interval_s + size.pong_timeout_s
            target = f"≤ {seconds(target_s)} (ping_interval + pong_timeout)"
            how = (
                "The proxy black-holed at a random point of each client's ping cycle (stratified "
                "over the cycle, one sample per n-th); timed from the black hole. Ours ping "
                f"{seconds(size.ping_interval_s)} after the last proof of life and give up "
                f"{seconds(size.pong_timeout_s)} later: they notice {seconds(target_s)} after "
                "the last proof of life at worst. "
            )
            if size.ping_interval_s > SERVER_PING_EVERY_S:
                low_s = target_s - SERVER_PING_EVERY_S
                how += (
                    "The demo server's own protocol pings (every "
                    f"{SERVER_PING_EVERY_S:.0f} s on an idle socket; uvicorn's every 20 s) are "
                    "proof of life and stand in for ours, so ours send no ping while idle: "
                    "the last proof of life is the handshake or the server's last ping, "
                    f"0–{SERVER_PING_EVERY_S:.0f} s before the black hole, and ours notice "
                    f"{seconds(low_s)}–{seconds(target_s)} after it (from our own last ping, "
                    f"as before, it was {seconds(size.pong_timeout_s)}–{seconds(target_s)}). "
                    "The worst nears the bound when the server's ping or the handshake came "
                    "just before the black hole, whichever phase of our cycle that is. "
                )
            else:
                how += (
                    f"The demo server pings every {SERVER_PING_EVERY_S:.0f} s, less often than "
                    "ours here: ours ping on their own schedule. "
                )
            how += (
                "The bare websockets client notices at its own ping timeout (20 s + 20 s), the "
                "one at our keepalive at "
                f"{seconds(size.ping_interval_s)} + {seconds(size.pong_timeout_s)}, on its own "
                "cycle whatever the server sends; each then waits out its close timeout (10 s, "
                "the default) for a closing handshake that cannot come, up to 50 s in all at "
                "full size. Ours abort the socket at once. The browser client sends its "
                f"{seconds(size.ping_interval_s)} ping into the void and never checks for the "
                "pong."
            )
        else:
            what = "half-open link noticed, right after a send"
            target_s = size.send_probe_timeout_s
            target = f"≤ {seconds(target_s)} after the send"
            how = (
                "Each client sent one synthetic message right after the black hole began; timed "
                "from the send. Ours demands proof of life within send_probe_timeout "
                f"({seconds(target_s)}) of a send; both websockets clients find out only at "
                "their next ping timeout, then wait out their close timeout (10 s); the browser "
                "client's send succeeds into the void and nothing ever fails."
            )
        worst = max(d.ours)
        met = worst <= target_s + TIMER_SLACK_S
        if met:
            how += (
                f" A deadline counts as kept within {seconds(TIMER_SLACK_S)} after it (the event "
                "loop's timer wake-up)."
            )
        elif math.isinf(worst):
            how += " Missed: a client of ours noticed nothing within the wait; see its log."
        else:
            how += (
                f" Missed: the worst sample took {seconds(worst)} against {seconds(target_s)}: "
                "a keepalive timer fired late, which only a loop busy for that long explains."
            )
        how += (
            " Ratio: our worst over the worst of websockets at our keepalive (the same ping "
            "interval and pong timeout)."
        )
        browser_text = (
            not_noticed
            if all(math.isinf(v) for v in d.browser)
            else spread(d.browser, never=not_noticed)
        )
        rows.append(
            Result(
                id="B1",
                what=what + scaled,
                ours=spread(d.ours, never=not_noticed),
                baseline=(
                    f"websockets (20 s + 20 s): {spread(d.bare, never=not_noticed)}; "
                    f"websockets at our {seconds(size.ping_interval_s)} + "
                    f"{seconds(size.pong_timeout_s)}: {spread(d.fair, never=not_noticed)}; "
                    f"browser client: {browser_text}"
                ),
                ratio="–" if math.isinf(worst) else ratio(worst, max(d.fair, default=math.inf)),
                target=target,
                met=met,
                note=how,
            )
        )
    return rows


def measure(quick: bool) -> list[Result]:
    return asyncio.run(_measure(QUICK if quick else FULL))


if __name__ == "__main__":
    main(measure)
