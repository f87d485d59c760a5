"""B8: memory. RSS growth from 10 000 transcript messages; RSS drift over 500 reconnects.

Every figure comes from a fresh process of its own (``--child``), reading
``VmRSS`` from ``/proc/self/status`` after ``gc.collect()``, so that neither a
case nor its baseline inherits the other's heap.

(a) Transcript: the real :class:`MainWindow` (offscreen, qasync) is connected
to :mod:`bench.flood_server`; the messages arrive as live chat frames through
the chat manager and the conversation controller into the transcript model
and view, which lays them out and paints the newest::

    # 0 s: the window is open on an empty conversation; RSS read
    # then: N bot replies (about 300 characters and a citation each) arrive
    # end: all N rows are in the transcript, 0.5 s more for layout and paint; RSS read

N is 10 000 (``--quick``: 500). Baseline: a bare ``websockets`` client that
keeps the same N frames, decoded, in a list.

(b) Reconnects: a chat and a status manager (ours) or two browser clients
(baseline), through :class:`tests.faultproxy.FaultProxy` to a demo server in
another process. A cycle: hold the connections 30 ms, reset every TCP connection
(RST), wait until both sockets are open again. Reconnect delays are scaled down
(ours: ``reconnect_delay`` 20 ms, ``max_reconnect_delay`` 50 ms, ``stable_after``
20 ms; the browser client: 20 ms) so that 500 cycles take about a minute. RSS
is read after a warm-up of 25 cycles (``--quick``: 5, then 20 cycles), after
every fifth of the cycles and after the last; the drift is last minus first.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

from bench.common import Result, main
from bench.flood_server import TRIGGER, FloodServer
from bench.processes import mb, rss_kib, run_child
from bench.qt_window import open_window, run_on_qasync, until

HOLD_S = 0.03
OUR_KNOBS: dict[str, Any] = {
    "reconnect_delay": 0.02,
    "max_reconnect_delay": 0.05,
    "stable_after": 0.02,
}
TRANSCRIPT_TARGET_MB = 50.0
DRIFT_TARGET_MB = 5.0


# --- (a) the transcript ----------------------------------------------------------------


async def window_transcript(count: int) -> dict[str, Any]:
    with FloodServer(count) as server:
        async with open_window(server.base_url, str(uuid.uuid4())) as window:
            await asyncio.sleep(0.3)
            before = rss_kib()
            window.services.chat.send_message(TRIGGER)
            await until(lambda: window.transcript.rowCount() >= count, 600, "the transcript")
            await asyncio.sleep(0.5)
            after = rss_kib()
            rows = window.transcript.rowCount()
    return {"before": before, "after": after, "rows": rows}


async def raw_transcript(count: int) -> dict[str, Any]:
    from websockets.asyncio.client import connect
    from websockets.typing import Origin

    kept: list[dict[str, Any]] = []
    with FloodServer(count) as server:
        url = server.base_url.replace("http://", "ws://", 1) + f"/ws/chat/{uuid.uuid4()}/"
        async with connect(url, origin=Origin(server.base_url)) as ws:
            before = rss_kib()
            await ws.send(json.dumps({"message": TRIGGER}))
            async for raw in ws:
                kept.append(json.loads(raw))
                if len(kept) == count:
                    break
            after = rss_kib()
    return {"before": before, "after": after, "rows": len(kept)}


# --- (b) reconnect cycles --------------------------------------------------------------


async def reconnect_cycles(kind: str, cycles: int, warmup: int) -> dict[str, Any]:
    from bench.baselines import BrowserClient
    from bench.demo_process import demo_server
    from desktop_app.net.chat import ChatWebSocketManager
    from desktop_app.net.status import StatusWebSocketManager
    from tests.faultproxy import FaultProxy

    conversation = str(uuid.uuid4())
    with demo_server() as url:
        port = urlsplit(url).port
        assert port is not None
        async with FaultProxy("127.0.0.1", port) as proxy:
            opened = {"chat": 0, "status": 0}
            closers = []
            if kind == "ours":
                managers = {
                    "chat": ChatWebSocketManager(proxy.url(), **OUR_KNOBS),
                    "status": StatusWebSocketManager(proxy.url(), **OUR_KNOBS),
                }
                for name, manager in managers.items():

                    def count(event: dict[str, Any], name: str = name) -> None:
                        if event.get("type") == "connection_established":
                            opened[name] += 1

                    manager.on_message(count)
                    manager.connect(conversation)
                    closers.append(manager.aclose)
            else:
                clients = {
                    name: BrowserClient(
                        proxy.url("ws") + f"/ws/{name}/{conversation}/",
                        proxy.url(),
                        reconnect_delay_s=OUR_KNOBS["reconnect_delay"],
                    )
                    for name in ("chat", "status")
                }
                for client in clients.values():
                    client.connect()
                    closers.append(client.aclose)

            def opens() -> tuple[int, int]:
                if kind == "ours":
                    return opened["chat"], opened["status"]
                return len(clients["chat"].opened_at), len(clients["status"].opened_at)

            try:
                await until(lambda: min(opens()) >= 1, 30, "both sockets to open")
                samples: list[int] = []  # RSS every fifth of the measured cycles
                for cycle in range(warmup + cycles):
                    if cycle >= warmup and (cycle - warmup) % max(1, cycles // 5) == 0:
                        samples.append(rss_kib())
                    chat_opens, status_opens = opens()
                    await asyncio.sleep(HOLD_S)
                    proxy.reset()

                    def reopened(chat: int = chat_opens, status: int = status_opens) -> bool:
                        now_chat, now_status = opens()
                        return now_chat > chat and now_status > status

                    await until(reopened, 30, f"both sockets to reopen (cycle {cycle})")
                samples.append(rss_kib())
            finally:
                for close in closers:
                    await close()
    return {"before": samples[0], "after": samples[-1], "rows": cycles, "samples": samples}


# --- the parent -----------------------------------------------------------------------


def _delta_mb(kib: float) -> str:
    """A change in RSS, signed; "0.0 MB" rather than "-0.0 MB"."""
    mib = round(kib / 1024, 1)
    return "0.0 MB" if mib == 0 else f"{mib:+.1f} MB"


def measure(quick: bool) -> list[Result]:
    count = 500 if quick else 10_000
    cycles, warmup = (20, 5) if quick else (500, 25)
    started = time.monotonic()
    ours_t = run_child("b8_memory", "window", str(count))
    raw_t = run_child("b8_memory", "raw", str(count))
    ours_r = run_child("b8_memory", "ours", str(cycles), str(warmup))
    browser_r = run_child("b8_memory", "browser", str(cycles), str(warmup))
    elapsed = time.monotonic() - started
    growth = ours_t["after"] - ours_t["before"]
    raw_growth = raw_t["after"] - raw_t["before"]
    drift = ours_r["after"] - ours_r["before"]
    browser_drift = browser_r["after"] - browser_r["before"]
    return [
        Result(
            id="B8",
            what=f"RSS growth after {count:,} transcript messages (live frames, real window)",
            ours=_delta_mb(growth),
            baseline=f"raw websockets client keeping the decoded frames: {_delta_mb(raw_growth)}",
            ratio="–",
            target=f"≤ {TRANSCRIPT_TARGET_MB:.0f} MB",
            met=growth / 1024 <= TRANSCRIPT_TARGET_MB,
            note=(
                f"VmRSS after gc.collect(), from {mb(ours_t['before'])} with the window "
                f"open to {mb(ours_t['after'])} with {ours_t['rows']:,} rows, offscreen; "
                "each case in a fresh process."
            ),
        ),
        Result(
            id="B8",
            what=f"RSS drift over {cycles} reconnect cycles of a chat + status pair (RST)",
            ours=_delta_mb(drift),
            baseline=f"browser client pair: {_delta_mb(browser_drift)}",
            ratio="–",
            target=f"≤ {DRIFT_TARGET_MB:.0f} MB",
            met=drift / 1024 <= DRIFT_TARGET_MB,
            note=(
                f"VmRSS after gc.collect() after {warmup} warm-up cycles and after the last "
                f"(ours every {max(1, cycles // 5)} cycles: "
                + ", ".join(mb(kib) for kib in ours_r["samples"])
                + f"; browser: {', '.join(mb(kib) for kib in browser_r['samples'])}); "
                "the fault proxy runs in the measured process, the demo server in another; "
                "reconnect delays scaled down to 20–50 ms; "
                f"all four B8 processes took {elapsed:.0f} s."
            ),
        ),
    ]


def child_main(argv: list[str]) -> None:
    kind, *numbers = argv
    sizes = [int(n) for n in numbers]
    if kind == "window":
        figures = run_on_qasync(lambda: window_transcript(sizes[0]))
    elif kind == "raw":
        figures = asyncio.run(raw_transcript(sizes[0]))
    else:
        figures = asyncio.run(reconnect_cycles(kind, sizes[0], sizes[1]))
    print(json.dumps(figures))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child_main(sys.argv[2:])
    else:
        main(measure)
