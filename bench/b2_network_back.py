"""B2: from "network back" to both sockets open, after a 30 s outage.

Two rows.

**Injected signal.** Each sample has a proxy of its own (a
:class:`~bench.net_fixtures.Gate`) in front of the demo server, and four pairs of
clients (chat + status) on one conversation through it: ours (the app's
defaults), the browser client's, the browser client on a page that listens to
``window``'s ``online`` event (:class:`~bench.baselines.OnlineEventBrowserClient`)
and bare websockets clients. Timeline of one sample (full run)::

    # 0 s: the network goes: the gate resets every connection (TCP RST) and closes
    #   its port, so every attempt is refused; the operating system says so at once:
    #   set_network_available(False) on both of our managers
    # 30 s: the network is back: the gate listens again on the same port, then
    #   set_network_available(True) on both of our managers and the "online" event
    #   on the browser page that listens to it ("network back")
    # then: until both sockets of every pair are open again, or 40 s have passed

The browser client and the bare websockets client have no notion of the network:
they wait for their own retry timers (the browser client tries 1, 3, 7, 15 and
31 s after the loss, then gives up for good). The samples run at the same time,
each starting 1.5 s after the previous one, so that no two "network back"
moments coincide.

**Real operating-system signal.** The real app (``python -m desktop_app --server
http://<veth address>:<port>``, offscreen) runs in a network namespace of its own
(:mod:`tests.netns`) whose only way out is a veth pair with a default route; a
gate on the pair's root-namespace address forwards to the demo server. Nothing is
told to the app: it hears the kernel through Qt's ``glib`` network-information
backend (GLib's netlink monitor), as on a desktop. A second process in the same
namespace runs the two browser baselines, the ``online`` event fired by the same
operating-system signal (``QNetworkInformation`` in that process); both processes
and what they say: :mod:`bench.os_network`. Timeline::

    # 0 s: the namespace's default route is deleted (ip route del: the kernel says
    #   "no route"), then the gate resets every connection and closes its port
    # 30 s: the gate listens again; a timestamp; then ip route add default ("network
    #   back", measured from that timestamp, so the ip command itself counts)
    # then: until the app's log says both sockets connected (its own timestamps) and
    #   both browser pairs are open again, or 40 s have passed

The samples follow one another (one app, one namespace). Where a namespace
cannot be made (not root, no ``ip``, namespaces denied) the row says why and
is not measured. ``--quick``: a 1.5 s outage, 2 samples, 3 s of waiting.
"""

from __future__ import annotations

import asyncio
import math
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.baselines import BareWebsocketsClient, BrowserClient, OnlineEventBrowserClient
from bench.common import Result, main, ratio, seconds
from bench.net_fixtures import (
    HOST,
    OUR_DEFAULTS,
    Baseline,
    Gate,
    OpenRecord,
    OurPair,
    all_open_since,
    bare_pair,
    browser_pair,
    close_all,
    connect_all,
    demo_server,
    median,
    origin,
    quiet_logs,
    sleep_until,
    spread,
    wait_until,
    ws_url,
)
from bench.os_network import NamespaceClients, run_ip
from desktop_app.demo.server import DemoConfig, DemoServer
from tests.netns import NamespaceUnavailable, VethNetwork, veth_network

TARGET_S = 1.0  # the target for the median
KINDS = ("chat", "status")


@dataclass(frozen=True)
class Size:
    samples: int
    outage_s: float
    stagger_s: float
    wait_s: float  # after "network back", for the baselines


FULL = Size(samples=5, outage_s=30.0, stagger_s=1.5, wait_s=40.0)
QUICK = Size(samples=2, outage_s=1.5, stagger_s=0.3, wait_s=3.0)


# --- the injected signal ---------------------------------------------------------------


@dataclass
class Sample:
    gate: Gate
    ours: OurPair
    browser: list[BrowserClient]
    browser_online: list[OnlineEventBrowserClient]
    bare: list[BareWebsocketsClient]
    back_at: float = math.nan
    # Seconds from "network back" until both sockets of a pair were open (inf: not).
    figures: dict[str, float] = field(default_factory=dict)
    browser_gave_up: bool = False

    def pairs(self) -> dict[str, Sequence[OpenRecord]]:
        return {
            "ours": self.ours.watches,
            "browser": self.browser,
            "browser_online": self.browser_online,
            "bare": self.bare,
        }

    def baselines(self) -> list[Baseline]:
        return [*self.browser, *self.browser_online, *self.bare]

    def all_back(self) -> bool:
        def back(pair: Sequence[OpenRecord]) -> bool:
            return all_open_since(pair, self.back_at) is not None

        browser_done = back(self.browser) or any(c.gave_up for c in self.browser)
        return (
            back(self.ours.watches)
            and back(self.bare)
            and back(self.browser_online)
            and browser_done
        )

    def read_figures(self) -> None:
        for name, pair in self.pairs().items():
            opened = all_open_since(pair, self.back_at)
            self.figures[name] = math.inf if opened is None else opened - self.back_at
        self.browser_gave_up = any(c.gave_up for c in self.browser)


async def run_sample(sample: Sample, starts_at: float, size: Size) -> None:
    await sleep_until(starts_at)
    # 0 s: the network goes, and the operating system says so.
    sample.gate.cut()
    sample.ours.set_network_available(False)
    await sample.gate.close()
    await sleep_until(starts_at + size.outage_s)
    # The outage is over: the port listens again, then the system reports the network.
    await sample.gate.open()
    sample.back_at = time.monotonic()
    sample.ours.set_network_available(True)
    for client in sample.browser_online:
        client.on_online()  # window's "online" event
    await wait_until(sample.all_back, size.wait_s)
    sample.read_figures()


def online_browser_pair(port: int, conversation: str) -> list[OnlineEventBrowserClient]:
    return [
        OnlineEventBrowserClient(ws_url(port, kind, conversation), origin(port)) for kind in KINDS
    ]


async def _measure_injected(size: Size) -> Result:
    async with demo_server() as server:
        samples: list[Sample] = []
        for _ in range(size.samples):
            gate = Gate(server.port)
            await gate.open()
            conversation = server.create_conversation()
            sample = Sample(
                gate=gate,
                ours=OurPair(gate.base_url(), **OUR_DEFAULTS),
                browser=browser_pair(gate.port, conversation),
                browser_online=online_browser_pair(gate.port, conversation),
                bare=bare_pair(gate.port, conversation),
            )
            sample.ours.connect(conversation)
            connect_all(sample.baselines())
            samples.append(sample)
        everyone_open = await wait_until(
            lambda: all(
                all(m.is_connected for m in s.ours.managers)
                and all(c.connected for c in s.baselines())
                for s in samples
            ),
            10.0,
        )
        if not everyone_open:
            raise SystemExit("b2: the clients did not all connect within 10 s")

        start = time.monotonic()
        await asyncio.gather(
            *(run_sample(s, start + i * size.stagger_s, size) for i, s in enumerate(samples))
        )
        for s in samples:
            await s.gate.close()
        await close_all(
            [s.ours for s in samples],
            [c for s in samples for c in s.baselines()],
        )

    def figures(name: str) -> list[float]:
        return [s.figures[name] for s in samples]

    ours = figures("ours")
    browser = figures("browser")
    gave_up = sum(s.browser_gave_up for s in samples)
    not_back = f"not back within {seconds(size.wait_s)}"
    browser_text = spread(browser, never="never" if gave_up else not_back)
    if gave_up:
        browser_text += f", {gave_up} of {len(samples)} gave up after 5 attempts"
    met = median(ours) <= TARGET_S
    note = (
        f"Outage of {seconds(size.outage_s)} with a proxy that resets every connection and "
        "refuses new ones; ours are told offline at the start and online at the end (the "
        "operating system's network signal), and connect at once without using an attempt. "
        "The browser client and the websockets client keep retrying on their own timers "
        "(browser: 1, 3, 7, 15, 31 s after the loss, then never again; websockets: a random "
        "0-5 s, then 3.1 s growing ×1.618 to 90 s) and come back at their next attempt after "
        "the network is back. The browser client's fifth and last attempt falls 31 s after "
        "the loss: after an outage of more than 31 s it never comes back. The browser client "
        "+ online event is the same client on a page that listens to window's online event, "
        "fired when ours are told: it cancels its retry timer (or revives after giving up) "
        "and connects at once. Ratio: our median over the browser client's median."
    )
    if not met:
        note += (
            f" Missed: the median took {seconds(median(ours))}: connecting both sockets took "
            "longer than the target on this machine; a profile of the handshake would say why."
        )
    return Result(
        id="B2",
        what=f"network back → both sockets open, after a {seconds(size.outage_s)} outage",
        ours=spread(ours, never=not_back),
        baseline=(
            f"browser client: {browser_text}; "
            f"browser client + online event: {spread(figures('browser_online'), never=not_back)}; "
            f"websockets: {spread(figures('bare'), never=not_back)}"
        ),
        ratio=ratio(median(ours), median(browser)) if not math.isinf(median(ours)) else "–",
        target=f"≤ {seconds(TARGET_S)} median",
        met=met,
        note=note,
    )


# --- the real operating-system signal ----------------------------------------------------

OS_WHAT = "network back → both sockets open, real OS signal (network namespace, veth)"
START_TIMEOUT_S = 90.0  # the app and the browser process, all sockets open (a busy CI)
HEARD_TIMEOUT_S = 10.0  # for the app to hear the route go
SETTLE_S = 0.5  # between samples: the app fetches the history after it reconnects


@dataclass
class OsSample:
    """One outage; "network back" in wall-clock (app) and monotonic (browsers) time."""

    back_wall: float = math.nan
    back_mono: float = math.nan
    ip_took: float = math.nan  # the ip route add command, spawn to exit
    ours: float = math.inf
    heard: float = math.inf  # until the app's network source said "available"
    browser: float = math.inf
    browser_online: float = math.inf
    browser_gave_up: bool = False


class NotMeasured(Exception):
    """The namespace row could not be measured here; the message says why."""


async def _until(predicate: Callable[[], object], limit_s: float, what: str) -> None:
    if not await wait_until(lambda: bool(predicate()), limit_s):
        raise NotMeasured(f"{what} within {seconds(limit_s)}")


async def _os_samples(net: VethNetwork, size: Size, home: Path) -> list[OsSample]:
    server = DemoServer(
        DemoConfig(
            host=HOST,
            require_login=False,
            # The clients name the gate's address in Host and Origin.
            allowed_hosts=(*DemoConfig.allowed_hosts, net.host_address),
        )
    )
    await server.start()
    gate = Gate(server.port, listen_host=net.host_address)
    try:
        await gate.open()
        conversation = server.create_conversation()
        async with NamespaceClients(net, gate.base_url(), conversation, home) as clients:
            await clients.start(START_TIMEOUT_S)
            samples = []
            for _ in range(size.samples):
                samples.append(await _os_sample(net, gate, size, clients))
                await asyncio.sleep(SETTLE_S)
            return samples
    finally:
        await gate.close()
        await server.stop(abort=True)


async def _os_sample(
    net: VethNetwork, gate: Gate, size: Size, clients: NamespaceClients
) -> OsSample:
    sample = OsSample()
    app_log, browsers = clients.app, clients.browsers
    lost_wall, lost_mono = time.time(), time.monotonic()
    # 0 s: the route goes (the kernel's signal), then the server side resets every
    # connection and refuses new ones, as in the injected row.
    await run_ip(net.route_down_command())
    gate.cut()
    await gate.close()
    ends = lost_mono + size.outage_s
    await _until(
        lambda: app_log.heard_since(lost_wall, online=False),
        HEARD_TIMEOUT_S,
        "the app did not hear the route go (its network-information backend does not "
        "follow the namespace)",
    )
    await _until(
        lambda: browsers.heard_since(lost_mono, online=False),
        HEARD_TIMEOUT_S,
        "the browser process did not hear the route go",
    )
    await sleep_until(ends)
    await gate.open()
    sample.back_wall, sample.back_mono = time.time(), time.monotonic()
    await run_ip(net.route_up_command())  # "network back"
    sample.ip_took = time.monotonic() - sample.back_mono

    def all_back() -> bool:
        browser_done = browsers.both_open_since(
            "browser", sample.back_mono
        ) is not None or browsers.any_gave_up("browser")
        return (
            app_log.both_open_since(sample.back_wall) is not None
            and browsers.both_open_since("browser_online", sample.back_mono) is not None
            and browser_done
        )

    await wait_until(all_back, size.wait_s)
    opened = app_log.both_open_since(sample.back_wall)
    heard = app_log.heard_since(sample.back_wall, online=True)
    if opened is not None:
        sample.ours = opened - sample.back_wall
    if heard is not None:
        sample.heard = heard - sample.back_wall
    for client in ("browser", "browser_online"):
        at = browsers.both_open_since(client, sample.back_mono)
        if at is not None:
            setattr(sample, client, at - sample.back_mono)
    sample.browser_gave_up = browsers.any_gave_up("browser")
    return sample


async def _measure_os_signal(size: Size) -> Result:
    try:
        with (
            tempfile.TemporaryDirectory(prefix="sdm-b2-") as home,
            veth_network() as net,
        ):
            samples = await _os_samples(net, size, Path(home))
    except NamespaceUnavailable as exc:
        return _not_measured(size, f"no network namespace here: {exc.reason}")
    except NotMeasured as exc:
        return _not_measured(size, str(exc))
    ours = [s.ours for s in samples]
    browser = [s.browser for s in samples]
    gave_up = sum(s.browser_gave_up for s in samples)
    not_back = f"not back within {seconds(size.wait_s)}"
    browser_text = spread(browser, never="never" if gave_up else not_back)
    if gave_up:
        browser_text += f", {gave_up} of {len(samples)} gave up after 5 attempts"
    met = median(ours) <= TARGET_S
    note = (
        f"Outage of {seconds(size.outage_s)} in a network namespace whose only way out is a "
        "veth pair: the real app (python -m desktop_app --server http://<veth address>:<port>, "
        "offscreen) runs in it and hears the kernel through Qt's glib network-information "
        "backend (GLib's netlink monitor), nothing injected. The outage: ip route del default "
        "in the namespace, then a proxy on the pair's root-side address resets every "
        "connection and refuses new ones; at its end the proxy listens again, then ip route "
        "add default. Measured from a timestamp taken just before that ip command (its run, "
        f"spawn to exit, took a median {seconds(median([s.ip_took for s in samples]))}) to the "
        "later of the app's two 'Connected successfully' log lines (the app's own timestamps, "
        "1 ms resolution); the app's network source said 'available' a median "
        f"{seconds(median([s.heard for s in samples]))} after the timestamp. The browser "
        "clients run in a second process in the same namespace; the online event is fired "
        "by QNetworkInformation in that process (the same kernel signal), the generous "
        "model: Chromium on Linux (AddressTrackerLinux) watches links and addresses, not "
        "routes, so would likely fire nothing here. The route, not the link, goes: Linux drops "
        "the IPv4 routes of a link taken down without a netlink message, so GLib's monitor "
        "(and the app) would not notice; NetworkManager deletes them itself. Samples one "
        "after another. Ratio: our median over the browser client's median."
    )
    if not met:
        note += (
            f" Missed: the median took {seconds(median(ours))}; the app's log in the "
            "namespace says where the time went."
        )
    return Result(
        id="B2",
        what=f"{OS_WHAT}, after a {seconds(size.outage_s)} outage",
        ours=spread(ours, never=not_back),
        baseline=(
            f"browser client: {browser_text}; browser client + online event: "
            f"{spread([s.browser_online for s in samples], never=not_back)}"
        ),
        ratio=ratio(median(ours), median(browser)) if not math.isinf(median(ours)) else "–",
        target=f"≤ {seconds(TARGET_S)} median",
        met=met,
        note=note,
    )


def _not_measured(size: Size, reason: str) -> Result:
    return Result(
        id="B2",
        what=f"{OS_WHAT}, after a {seconds(size.outage_s)} outage",
        ours="not measured",
        baseline="not measured",
        ratio="–",
        target=f"≤ {seconds(TARGET_S)} median",
        met=None,
        note=f"Not measured: {reason}.",
    )


# --- both rows -----------------------------------------------------------------------------


def measure(quick: bool) -> list[Result]:
    size = QUICK if quick else FULL
    quiet_logs()
    injected = asyncio.run(_measure_injected(size))
    real = asyncio.run(_measure_os_signal(size))
    return [injected, real]


if __name__ == "__main__":
    main(measure)
