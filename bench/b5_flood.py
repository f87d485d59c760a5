"""B5: a flood of inbound chat frames: throughput to listeners, and the window's loop lag.

The server is :mod:`bench.flood_server`, in a process of its own: asked with the
user message ``{"message": "flood"}``, it writes N realistic bot replies (about
300 characters of Markdown and a citation each) in one go, so the client is the
bottleneck. N is 10 000 (``--quick``: 500).

Throughput, on a plain asyncio loop, alternating the two clients, 9 runs each
after a warm-up flood (``--quick``: 3)::

    # 0 s: the client is connected; it sends the trigger and starts the clock
    # then: N frames arrive back to back
    # end: the N-th chat message reaches the listener; rate = N / elapsed

- ours: :class:`ChatWebSocketManager` (defaults), a listener on ``on_message``
  counting chat messages (every frame is decoded and validated on the way);
- baseline: a raw ``websockets`` client, ``async for raw in ws: listener(json.loads(raw))``.

The row quotes the median of the per-run ratios ours / raw (target ≥ 80 %). The
note splits what ours spends more per frame: both loops run over an in-memory
socket that hands out the same frame (no I/O, best of 5 rounds of 20 000), and
the difference is decoding it into a validated, typed message (against
``json.loads`` alone, ``timeit``) plus the manager's handling (the keepalive's
note, the read slices' clock, dispatch to the listener); the rest of the
measured difference is websockets' extra work for ours (the connection's hook
that notices server pings) and run-to-run noise.

Measured for issue 13, in callgrind instructions per frame of those in-memory
loops (steadier than time on a busy machine; about 11 k instructions a µs here;
the raw client's loop 37.2 k): ours went from 76.4 k (39.2 k more than raw; by
``timeit``, 3.4 to 3.7 µs) to 54.6 k (17.4 k more; 1.35 to 1.5 µs). Decoding
(core/frames.py): the JSON decoder's C scanner called directly, ``decode``'s
Python frames and whitespace regular expressions only for a frame with
whitespace around it: -5.5 k; the common chat message and citation shapes
checked in one condition each and read with subscripts, the message built
inline, no second decoding layer: -6.5 k. The manager: the keepalive told of
each frame by a flag it reads when it next runs, instead of a call and a clock
reading per frame: -1.5 k; the logger asked once a read slice instead of once
a message: -0.7 k; lookups hoisted out of the loop, chat messages straight to
the dispatch, the chat manager's callbacks in the base's dispatch instead of an
override around it, listeners called inline (-0.4 k of it): -7.6 k. On
websockets' side, the connection's hook for server pings costs 0.6 k a frame
instead of 2.5 k. Tried and dropped: one clock reading per frame for the read
slices (recv() counted in the slice; -0.6 k): the lag row's p99 was above 16 ms
in 6 of 12 full runs with it, 2 of 9 without (before issue 13's changes: 1 of 11).

Loop lag, on a qasync loop (the app's), offscreen: a probe scheduled every
10 ms records how late it runs, from the trigger until the last message is in
the transcript (plus 100 ms). Ours is the real :class:`MainWindow`, its chat
manager's frames going through the bridge to ``on_chat_message`` and the
transcript model and view (laid out and painted); the baseline is the raw
``websockets`` client with a trivial listener on the same loop, same flood.
Three floods (``--quick``: one), each into a new window, samples pooled. Target:
p99 ≤ 16 ms, a frame at 60 Hz. The note adds what the window does with a batch
of live messages: its insertion into the transcript (the model, and the view
measuring the new rows: :class:`~desktop_app.ui.transcript_view.IncrementalListView`
lays out only those) timed from the model's signals; the interpreter's full
garbage collections meanwhile (``gc.callbacks``), each of which holds the loop
while it walks every object; and one full layout of the N rows (what a new width
or font costs).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import statistics
import time
import timeit
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

from bench.common import Result, main, percentile
from bench.flood_server import TRIGGER, FloodServer, chat_frame
from bench.processes import LagProbe
from bench.qt_window import open_window, run_on_qasync, until

LAG_TARGET_S = 0.016
RATE_TARGET = 0.8


class Counter:
    """A listener that counts chat messages and notes when the ``count``-th arrived."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.delivered = 0
        self.done = asyncio.Event()
        self.finished_at = 0.0

    def __call__(self, event: dict[str, Any]) -> None:
        if "role" in event:
            self.delivered += 1
            if self.delivered == self.count:
                self.finished_at = time.perf_counter()
                self.done.set()


def _ws_url(base_url: str, conversation: str) -> str:
    return base_url.replace("http://", "ws://", 1) + f"/ws/chat/{conversation}/"


async def raw_client_flood(
    base_url: str, count: int, on_started: Callable[[], object] | None = None
) -> float:
    """Seconds from the trigger until a raw websockets client delivered ``count`` messages."""
    counter = Counter(count)
    url = _ws_url(base_url, str(uuid.uuid4()))
    async with connect(url, origin=Origin(base_url)) as ws:
        if on_started is not None:
            on_started()
        started = time.perf_counter()
        await ws.send(json.dumps({"message": TRIGGER}))
        async for raw in ws:
            counter(json.loads(raw))
            if counter.done.is_set():
                break
    return counter.finished_at - started


async def manager_flood(base_url: str, count: int) -> float:
    """Seconds from the trigger until our chat manager's listener got ``count`` messages."""
    from desktop_app.net.chat import ChatWebSocketManager

    counter = Counter(count)
    manager = ChatWebSocketManager(base_url)
    manager.on_message(counter)
    manager.connect(str(uuid.uuid4()))
    try:
        if not await manager.wait_connected(10):
            raise RuntimeError("the chat manager did not connect to the flood server")
        started = time.perf_counter()
        manager.send_message(TRIGGER)
        await asyncio.wait_for(counter.done.wait(), 120)
    finally:
        await manager.aclose()
    return counter.finished_at - started


async def throughput(base_url: str, count: int, runs: int) -> tuple[list[float], list[float]]:
    """Messages per second: (ours, raw), one of each per run, alternating who goes first."""
    ours: list[float] = []
    raw: list[float] = []
    # Warm up both paths once (a whole flood: a client that stops reading mid-flood
    # would wait for its closing handshake behind the rest of it).
    await raw_client_flood(base_url, count)
    await manager_flood(base_url, count)
    for run in range(runs):
        pair = [("raw", raw_client_flood), ("ours", manager_flood)]
        for name, flood in pair if run % 2 == 0 else reversed(pair):
            rate = count / await flood(base_url, count)
            (raw if name == "raw" else ours).append(rate)
    return ours, raw


@dataclass
class WindowFlood:
    lags: list[float]  # the probe's, during every window flood, pooled
    raw_lags: list[float]  # the same with the raw client instead of the window
    rates: list[float]  # messages per second into the transcript, per flood
    relayout_s: float  # one full layout of the transcript's ``count`` rows
    insertions: list[tuple[int, float]]  # each batch into the transcript: rows, seconds
    collections: list[float]  # the interpreter's full garbage collections, seconds each


@contextlib.contextmanager
def full_collections() -> Iterator[list[float]]:
    """The durations of the full (oldest generation) garbage collections run meanwhile."""
    pauses: list[float] = []
    started = 0.0

    def noted(phase: str, info: dict[str, int]) -> None:
        nonlocal started
        if info["generation"] == 2:
            if phase == "start":
                started = time.perf_counter()
            else:
                pauses.append(time.perf_counter() - started)

    gc.callbacks.append(noted)
    try:
        yield pauses
    finally:
        gc.callbacks.remove(noted)


class InsertionTimer:
    """Times each insertion into a model, from ``rowsAboutToBeInserted`` to ``rowsInserted``.

    Connected after the view, so the time includes the view's handling of the new rows.
    """

    def __init__(self, model: Any) -> None:
        self.insertions: list[tuple[int, float]] = []
        self._started = 0.0
        model.rowsAboutToBeInserted.connect(self._begin)
        model.rowsInserted.connect(self._end)

    def _begin(self, _parent: object, _first: int, _last: int) -> None:
        self._started = time.perf_counter()

    def _end(self, _parent: object, first: int, last: int) -> None:
        self.insertions.append((last - first + 1, time.perf_counter() - self._started))


async def window_lag(base_url: str, count: int, floods: int) -> WindowFlood:
    """Probe lags during ``floods`` floods, each into a new window (and with the raw client)."""
    result = WindowFlood([], [], [], 0.0, [], [])
    for _ in range(floods):
        raw_probe = LagProbe()
        await raw_client_flood(base_url, count, on_started=raw_probe.start)
        await asyncio.sleep(0.1)
        result.raw_lags += raw_probe.stop()

        async with open_window(base_url, str(uuid.uuid4())) as window:
            await asyncio.sleep(0.2)  # the first layout and paint are done
            timer = InsertionTimer(window.transcript)
            probe = LagProbe()
            with full_collections() as collections:
                probe.start()
                started = time.perf_counter()
                window.services.chat.send_message(TRIGGER)
                await until(lambda: window.transcript.rowCount() >= count, 300, "the transcript")
                result.rates.append(count / (time.perf_counter() - started))
                await asyncio.sleep(0.1)
                result.lags += probe.stop()
            result.collections += collections
            result.insertions += timer.insertions
            layouts = []
            for _ in range(3):
                started = time.perf_counter()
                window.transcript_view.doItemsLayout()
                layouts.append(time.perf_counter() - started)
            result.relayout_s = statistics.median(layouts)
    return result


@dataclass
class FrameCosts:
    """Seconds per flood frame, each the best of a few rounds."""

    loads_s: float  # json.loads alone: what the raw client does
    decode_s: float  # decode_frame: json, validation, the typed message
    raw_loop_s: float  # the raw client's loop over an in-memory socket: json.loads, listener
    read_loop_s: float  # our read loop over the same socket: decode, keepalive, listeners


class _MemorySocket:
    """Stands for a connection with ``count`` copies of ``text`` queued (no I/O)."""

    def __init__(self, text: str, count: int) -> None:
        self.text = text
        self.left = count

    async def recv(self) -> str:
        if not self.left:
            raise ConnectionClosed(None, None)
        self.left -= 1
        return self.text


def frame_costs() -> FrameCosts:
    from desktop_app.core.frames import decode_frame
    from desktop_app.net.chat import ChatWebSocketManager
    from desktop_app.net.manager import _Connection

    text = json.dumps(chat_frame(1))
    rounds = 20_000
    manager = ChatWebSocketManager("http://127.0.0.1:9")  # never connects
    manager.on_message(Counter(count=-1))  # the throughput listener; never done
    connection = _Connection(1, "ws://127.0.0.1:9/", manager.config.keepalive(), {})
    connection.keepalive.start(0.0)
    manager._conn = connection  # as if open: its frames are the current socket's

    async def raw_loop(ws: _MemorySocket) -> None:
        listener = Counter(count=-1)
        while True:  # what `async for raw in ws` does
            try:
                raw = await ws.recv()
            except ConnectionClosed:
                return
            listener(json.loads(raw))

    def best(step: Callable[[], object], number: int = rounds) -> float:
        return min(timeit.repeat(step, number=number, repeat=5)) / rounds

    return FrameCosts(
        loads_s=best(lambda: json.loads(text)),
        decode_s=best(lambda: decode_frame(text)),
        raw_loop_s=best(lambda: asyncio.run(raw_loop(_MemorySocket(text, rounds))), 1),
        # The manager's read loop (a private step, timed alone) over the same frames:
        # what it does with each frame besides websockets' receiving.
        read_loop_s=best(
            lambda: asyncio.run(
                manager._read(connection, _MemorySocket(text, rounds))  # type: ignore[arg-type]
            ),
            1,
        ),
    )


def _ms(value: float) -> str:
    return f"{value * 1000:.0f} ms"


def _collections_note(pauses: list[float], worst_s: float) -> str:
    if not pauses:
        return "No full garbage collection of the interpreter ran during the window floods."
    return (
        f"The interpreter ran {len(pauses)} full garbage collection(s) during the window "
        f"floods, the longest {_ms1(max(pauses))} (the worst sample: {_ms1(worst_s)}): a full "
        "collection walks every object, the transcript's rows among them, and holds the loop "
        "meanwhile, inside a batch or between two."
    )


def _ms1(value: float) -> str:
    return f"{value * 1000:.1f} ms"


def _us(value: float) -> str:
    return f"{value * 1e6:.1f} µs"


def measure(quick: bool) -> list[Result]:
    count = 500 if quick else 10_000
    runs = 3 if quick else 9
    floods = 1 if quick else 3
    with FloodServer(count) as server:
        ours, raw = asyncio.run(throughput(server.base_url, count, runs))
        window = run_on_qasync(lambda: window_lag(server.base_url, count, floods))
    costs = frame_costs()
    ratios = [o / r for o, r in zip(ours, raw, strict=True)]
    share = statistics.median(ratios)
    lags, raw_lags = window.lags, window.raw_lags
    p50, p99 = percentile(lags, 50), percentile(lags, 99)
    raw_p50, raw_p99 = percentile(raw_lags, 50), percentile(raw_lags, 99)
    per_frame = 1 / statistics.median(ours) - 1 / statistics.median(raw)
    typed = costs.decode_s - costs.loads_s
    loops = costs.read_loop_s - costs.raw_loop_s  # ours over raw, no socket
    handling = loops - typed
    batch_rows = [rows for rows, _s in window.insertions]
    batch_s = [seconds for _rows, seconds in window.insertions]
    return [
        Result(
            id="B5",
            what=f"inbound chat messages/s to a listener, flood of {count:,} frames",
            ours=f"{statistics.median(ours):,.0f} msg/s",
            baseline=f"raw websockets client: {statistics.median(raw):,.0f} msg/s",
            ratio=f"{share:.0%} of raw",
            target="≥ 80 % of raw",
            met=share >= RATE_TARGET,
            note=(
                f"Median of {runs} alternating runs per client (per-run ratios "
                + ", ".join(f"{r:.0%}" for r in ratios)
                + "); a flood server in its own process writes the frames pre-encoded, "
                f"uncompressed. Per frame, the raw client takes {_us(1 / statistics.median(raw))} "
                f"(websockets' receiving, then json.loads: {_us(costs.loads_s)}); ours takes "
                f"{_us(per_frame)} more. Over an in-memory socket (no I/O, the same frame) "
                f"our read loop takes {_us(costs.read_loop_s)} a frame, the raw client's "
                f"{_us(costs.raw_loop_s)}: {_us(loops)} more, of which decoding into a "
                f"validated, typed message (core/frames.py: {_us(costs.decode_s)}) is "
                f"{_us(typed)} over json.loads, and the manager's handling {_us(handling)} "
                "(the keepalive's note, the 5 ms slices' clock, dispatch to the listener). "
                f"The rest, {_us(per_frame - loops)}, is what websockets does more for ours "
                "(the connection's hook for server pings) and run-to-run noise (the "
                "in-memory figures are the best of 5 rounds)."
            ),
        ),
        Result(
            id="B5",
            what=f"event-loop lag during the flood, window's transcript attached ({count:,})",
            ours=f"p50 {_ms(p50)}, p99 {_ms(p99)}",
            baseline=f"raw websockets client, no window: p50 {_ms(raw_p50)}, p99 {_ms(raw_p99)}",
            ratio="–",
            target="p99 ≤ 16 ms",
            met=p99 <= LAG_TARGET_S,
            note=(
                f"A 10 ms probe on the app's qasync loop, offscreen, {floods} flood(s) into a "
                f"new window each, {len(lags)} samples pooled, worst {_ms(max(lags))}; the "
                f"real MainWindow took in {statistics.median(window.rates):,.0f} messages/s. "
                "A burst is read in 5 ms slices, and live messages reach the transcript in "
                f"batches at most every 100 ms: {len(batch_s)} batches of median "
                f"{statistics.median(batch_rows):,.0f} rows (largest {max(batch_rows):,}), each "
                f"inserted and laid out in median {_ms1(statistics.median(batch_s))} (the "
                "transcript's view measures only the inserted rows, an estimate each and a "
                "laid-out document for those that fill the viewport, and keeps the row heights "
                f"in a Fenwick tree), the slowest in {_ms1(max(batch_s))}. "
                + _collections_note(window.collections, max(lags))
                + f" A full layout of the {count:,} rows (a new width or font) takes "
                f"{_ms1(window.relayout_s)}."
            ),
        ),
    ]


if __name__ == "__main__":
    main(measure)
