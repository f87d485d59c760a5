"""B2: from "network back" to both sockets open, after a 30 s outage.

Each sample has a proxy of its own (a :class:`~bench.net_fixtures.Gate`) in
front of the demo server, and three pairs of clients (chat + status) on one
conversation through it: ours (the app's defaults), the browser client's and
bare websockets clients. Timeline of one sample (full run)::

    # 0 s: the network goes: the gate resets every connection (TCP RST) and closes
    #   its port, so every attempt is refused; the operating system says so at once:
    #   set_network_available(False) on both of our managers
    # 30 s: the network is back: the gate listens again on the same port, then
    #   set_network_available(True) on both of our managers ("network back")
    # then: until both sockets of every pair are open again, or 40 s have passed

The browser client and the bare websockets client have no notion of the network:
they wait for their own retry timers (the browser client tries 1, 3, 7, 15 and
31 s after the loss, then gives up for good). The samples run at the same time,
each starting 1.5 s after the previous one, so that no two "network back"
moments coincide. ``--quick``: a 1.5 s outage, 2 samples, 3 s of waiting.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.baselines import BareWebsocketsClient, BrowserClient
from bench.common import Result, main, ratio, seconds
from bench.net_fixtures import (
    OUR_DEFAULTS,
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
    quiet_logs,
    sleep_until,
    spread,
    wait_until,
)

TARGET_S = 1.0  # the target for the median


@dataclass(frozen=True)
class Size:
    samples: int
    outage_s: float
    stagger_s: float
    wait_s: float  # after "network back", for the baselines


FULL = Size(samples=5, outage_s=30.0, stagger_s=1.5, wait_s=40.0)
QUICK = Size(samples=2, outage_s=1.5, stagger_s=0.3, wait_s=3.0)


@dataclass
class Sample:
    gate: Gate
    ours: OurPair
    browser: list[BrowserClient]
    bare: list[BareWebsocketsClient]
    back_at: float = math.nan
    # Seconds from "network back" until both sockets of a pair were open (inf: not).
    figures: dict[str, float] = field(default_factory=dict)
    browser_gave_up: bool = False

    def all_back(self) -> bool:
        def back(pair: Sequence[OpenRecord]) -> bool:
            return all_open_since(pair, self.back_at) is not None

        browser_done = back(self.browser) or any(c.gave_up for c in self.browser)
        return back(self.ours.watches) and back(self.bare) and browser_done

    def read_figures(self) -> None:
        for name, pair in (
            ("ours", self.ours.watches),
            ("browser", self.browser),
            ("bare", self.bare),
        ):
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
    await wait_until(sample.all_back, size.wait_s)
    sample.read_figures()


async def _measure(size: Size) -> list[Result]:
    quiet_logs()
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
                bare=bare_pair(gate.port, conversation),
            )
            sample.ours.connect(conversation)
            connect_all([*sample.browser, *sample.bare])
            samples.append(sample)
        everyone_open = await wait_until(
            lambda: all(
                all(m.is_connected for m in s.ours.managers)
                and all(c.connected for c in (*s.browser, *s.bare))
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
        await close_all([s.ours for s in samples], [c for s in samples for c in s.browser + s.bare])

    ours = [s.figures["ours"] for s in samples]
    browser = [s.figures["browser"] for s in samples]
    bare = [s.figures["bare"] for s in samples]
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
        "the loss: after an outage of more than 31 s it never comes back. Ratio: our median "
        "over the browser client's median."
    )
    if not met:
        note += (
            f" Missed: the median took {seconds(median(ours))}: connecting both sockets took "
            "longer than the target on this machine; a profile of the handshake would say why."
        )
    return [
        Result(
            id="B2",
            what=f"network back → both sockets open, after a {seconds(size.outage_s)} outage",
            ours=spread(ours, never=not_back),
            baseline=f"browser client: {browser_text}; websockets: {spread(bare, never=not_back)}",
            ratio=ratio(median(ours), median(browser)) if not math.isinf(median(ours)) else "–",
            target=f"≤ {seconds(TARGET_S)} median",
            met=met,
            note=note,
        )
    ]


def measure(quick: bool) -> list[Result]:
    return asyncio.run(_measure(QUICK if quick else FULL))


if __name__ == "__main__":
    main(measure)
