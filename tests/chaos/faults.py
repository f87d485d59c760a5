"""Faults on the link, at seeded random moments: one injector for the chaos test and the soak.

The proxy (:class:`tests.faultproxy.FaultProxy`) resets every connection, black-holes
the link for a while, or adds latency for a while; a kind that is not one of those
three is handed to :meth:`LinkFaults.other_fault` (the chaos test restarts its server
there). Every fault is noted with its time, for the report of a failed run.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import random
import time
from collections.abc import Sequence

from tests.faultproxy import FaultProxy

#: (kind, weight) of the link's own faults; a caller may add kinds of its own.
LINK_FAULTS: list[tuple[str, int]] = [("reset", 3), ("blackhole", 2), ("delay", 2)]
FAULT_GAP_S = (0.2, 0.9)  # between two faults
BLACKHOLE_S = (0.3, 1.2)
DELAY_S = (0.1, 0.3)  # the latency added
DELAY_FOR_S = (0.5, 2.0)  # how long it is added


class LinkFaults:
    """Injects ``kinds`` of faults into ``proxy`` until :meth:`calm`."""

    def __init__(
        self,
        proxy: FaultProxy,
        rng: random.Random,
        kinds: Sequence[tuple[str, int]] = LINK_FAULTS,
    ) -> None:
        self.proxy = proxy
        self.rng = rng
        self.kinds = list(kinds)
        self.stop = asyncio.Event()
        self.started = time.monotonic()
        self.log: list[str] = []
        self.counts: collections.Counter[str] = collections.Counter()
        self.task: asyncio.Task[None] | None = None

    def note(self, text: str) -> None:
        self.log.append(f"{time.monotonic() - self.started:7.2f}s {text}")

    def start(self) -> None:
        self.task = asyncio.create_task(self.inject())

    async def pause(self, bounds: tuple[float, float]) -> float:
        seconds = self.rng.uniform(*bounds)
        await asyncio.sleep(seconds)  # real time is the subject: a fault's duration
        return seconds

    async def inject(self) -> None:
        kinds, weights = zip(*self.kinds, strict=True)
        while not self.stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), self.rng.uniform(*FAULT_GAP_S))
            if self.stop.is_set():
                return
            kind = self.rng.choices(kinds, weights)[0]
            self.counts[kind] += 1
            if kind == "reset":
                self.note(f"reset ({self.proxy.connection_count} connections)")
                self.proxy.reset()
            elif kind == "blackhole":
                self.proxy.blackhole(True)
                seconds = await self.pause(BLACKHOLE_S)
                self.proxy.blackhole(False)
                self.note(f"black hole for {seconds:.2f}s")
            elif kind == "delay":
                latency = self.rng.uniform(*DELAY_S)
                self.proxy.set_delay(latency)
                seconds = await self.pause(DELAY_FOR_S)
                self.proxy.set_delay(0)
                self.note(f"delay {latency:.2f}s for {seconds:.2f}s")
            else:
                await self.other_fault(kind)

    async def other_fault(self, kind: str) -> None:
        """A fault of a kind the link does not know; a subclass that adds kinds says how."""
        raise ValueError(f"no such fault: {kind}")

    async def calm(self) -> None:
        """No more faults: the current one has ended, the link is clean."""
        self.stop.set()
        if self.task is not None:
            await self.task
        self.proxy.blackhole(False)
        self.proxy.set_delay(0)

    def summary(self) -> str:
        return ", ".join(f"{kind} x{n}" for kind, n in sorted(self.counts.items()))
