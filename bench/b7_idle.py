"""B7: what an idle client costs over 60 s with both sockets open: CPU % and bytes/s.

Five clients, each in a process of its own, each holding a chat and a status socket
to the same conversation, idle (nobody types, the assistant says nothing):

- ``managers``: our two managers with their default knobs on a plain asyncio loop;
- ``app``: the whole app (``python -m desktop_app --server … --conversation …``: window,
  status bar, outbox, sleep watcher) on Qt's offscreen platform, in a home of its own;
- ``bare`` and ``browser``: the baselines of ``bench/baselines.py``;
- ``silent``: a client that never pings (the browser client without its timer): what
  the server's own heartbeat costs, the floor under every client on this server.

The demo server (no sign-in) runs in this process, with one fault proxy per client
in front of it, so each client's traffic is counted on its own. Timeline::

    0 s          the server, the proxies and the client processes start; the app
                 connects at once, the others load and wait
    open         the app reports both sockets open (its log says so): every other
                 client is told to connect now, and reports both sockets open
    open + 10 s  the window opens: each process's CPU time (utime + stime of every
                 thread, /proc/<pid>/stat), its proxy's byte count (both directions:
                 the WebSocket frames as TCP carries them) and the TCP segments of
                 each connection on its proxy leg (``ss -ti``: segs_in + segs_out)
    every 5 s    the CPU time again (slices show whether a figure is steady)
    + 60 s       read again (--quick: 2 s in, 3 s long): CPU % = CPU time / wall
                 time, bytes/s

What flows while idle: the demo server, like uvicorn, sends a protocol ping after 20 s
without traffic from the client (aiohttp rounds the time up to a whole second: with
the pong's round trip, one every 21 s), answered by the client library. Our sockets
count those pings as proof of life and send no ``{"type": "ping"}`` of their own while
they come (``desktop_app.core.keepalive``). The browser client pings every 30 s, the
bare client sends protocol pings of its own every 20 s (which hold off the server's).

Every client opens its sockets within a fraction of a second of the others, so the
server's pings fall at the same points of every client's window: open + about 21, 42
and 63 s, three per socket, all well inside the window (10 s from its start, 7 s from
its end). Compared over one window, ours and the floor then differ only by what the
client itself sends, not by a ping that fell just inside one window and just outside
the other (one ping and pong are a third of the floor).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bench import keyring_backend
from bench.common import Result, main, ratio

if TYPE_CHECKING:
    from tests.faultproxy import FaultProxy

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
FULL_WINDOW_S = 60.0
QUICK_WINDOW_S = 3.0
# After the sockets opened: start-up work (history, first paint) ends, and the window
# keeps clear of the server's first ping (open + 21 s) and of its fourth (open + 84 s).
FULL_SETTLE_S = 10.0
QUICK_SETTLE_S = 2.0
FULL_SLICE_S = 5.0
QUICK_SLICE_S = 1.0
READY_TIMEOUT_S = 90.0
#: IPv4 (20) and TCP (20) headers of a segment; the timestamp option adds 12 where used.
IP_TCP_HEADER_BYTES = 40
TIMESTAMP_OPTION_BYTES = 12

CPU_TARGET_PERCENT = 0.5
BYTES_TARGET_PER_S = 10.0
#: With TCP/IP headers: ours within this share above the server heartbeat's floor.
FLOOR_MARGIN = 0.10

CLIENTS = ("managers", "app", "bare", "browser", "silent")
NEVER_S = 10.0**9  # a ping interval that never comes


# --- the client processes -------------------------------------------------------------


def child() -> None:
    """A client process: ``python -c '…child()' KIND BASE_URL CONVERSATION``.

    Prints ``loaded`` once its modules are imported, connects when stdin says ``go``,
    prints ``open`` once both sockets are open, then idles until stdin closes.
    """
    kind, base_url, conversation = sys.argv[1:4]
    asyncio.run(_child(kind, base_url, conversation))


async def _child(kind: str, base_url: str, conversation: str) -> None:
    loop = asyncio.get_running_loop()
    stdin = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    if kind == "managers":
        from desktop_app.net import ChatWebSocketManager, StatusWebSocketManager

        managers = [ChatWebSocketManager(base_url), StatusWebSocketManager(base_url)]
        if not await _told_to_go(stdin):
            return
        for manager in managers:
            manager.connect(conversation)
        for manager in managers:
            if not await manager.wait_connected(READY_TIMEOUT_S):
                raise SystemExit(f"b7 child: {kind} did not connect")
        print("open", flush=True)
        await stdin.read()
        for manager in managers:
            await manager.aclose()
        return

    from bench.baselines import BareWebsocketsClient, BrowserClient

    ws_base = base_url.replace("http://", "ws://", 1)
    clients: list[BareWebsocketsClient | BrowserClient] = []
    for socket_kind in ("chat", "status"):
        url = f"{ws_base}/ws/{socket_kind}/{conversation}/"
        if kind == "bare":
            clients.append(BareWebsocketsClient(url, base_url))
        elif kind == "browser":
            clients.append(BrowserClient(url, base_url))
        else:
            clients.append(BrowserClient(url, base_url, ping_interval_s=NEVER_S))
    if not await _told_to_go(stdin):
        return
    for client in clients:
        client.connect()
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not all(c.connected for c in clients):
        if time.monotonic() > deadline:
            raise SystemExit(f"b7 child: {kind} did not connect")
        await asyncio.sleep(0.05)
    print("open", flush=True)
    await stdin.read()
    for client in clients:
        await client.aclose()


async def _told_to_go(stdin: asyncio.StreamReader) -> bool:
    """Say the modules are loaded; True once told to connect (False: stdin closed)."""
    print("loaded", flush=True)
    return (await stdin.readline()).strip() == b"go"


# --- measuring from outside ------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of every thread of process ``pid`` so far."""
    # The command name (field 2) may contain spaces: count fields after its ")".
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def wakeups(pid: int) -> int:
    """Voluntary context switches of every thread of ``pid`` so far: how often it slept
    and was woken (by a timer, a socket, a signal)."""
    total = 0
    for status in Path(f"/proc/{pid}/task").glob("*/status"):
        with contextlib.suppress(OSError):  # a thread that just ended
            for line in status.read_text().splitlines():
                if line.startswith("voluntary_ctxt_switches:"):
                    total += int(line.split()[1])
    return total


def tcp_legs(local_port: int) -> dict[str, tuple[int, int]] | None:
    """Each established connection on ``local_port``, by peer address: its TCP segments
    (in + out) so far and the header bytes of each; None when ``ss`` is missing."""
    try:
        out = subprocess.run(
            ["ss", "-tinH", "state", "established", f"( sport = :{local_port} )"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    legs: dict[str, tuple[int, int]] = {}
    peer: str | None = None
    for line in out.splitlines():
        if not line[:1].isspace():  # "0 0 127.0.0.1:PORT 127.0.0.1:PEER"
            addresses = re.findall(r"\S+:\d+", line)
            peer = addresses[-1] if addresses else None
        elif peer is not None:  # its details, indented on the next line
            segments = sum(int(n) for n in re.findall(r"\bsegs_(?:in|out):(\d+)", line))
            timestamps = re.search(r"(?:^|\s)ts(?:\s|$)", line) is not None
            header = IP_TCP_HEADER_BYTES + (TIMESTAMP_OPTION_BYTES if timestamps else 0)
            legs[peer] = (segments, header)
    return legs


@dataclass
class Reading:
    cpu_s: float
    wakeups: int
    wire_bytes: int
    legs: dict[str, tuple[int, int]] | None
    at: float


@dataclass
class Client:
    kind: str
    process: asyncio.subprocess.Process
    proxy: FaultProxy
    drain: asyncio.Task[None] | None = None

    def read(self) -> Reading:
        return Reading(
            cpu_seconds(self.process.pid),
            wakeups(self.process.pid),
            self.proxy.bytes_up + self.proxy.bytes_down,
            tcp_legs(self.proxy.port),
            time.monotonic(),
        )


@dataclass(frozen=True)
class Idle:
    cpu_percent: float
    cpu_slices: list[float]  # CPU % of each slice of the window
    wakeups_per_s: float
    bytes_per_s: float
    segments: int | None  # TCP segments on the connections open all through the window
    ip_bytes_per_s: float | None  # the WebSocket bytes with the TCP/IP headers of every segment


def idle_cost(readings: list[Reading]) -> Idle:
    before, after = readings[0], readings[-1]
    wall = after.at - before.at
    payload = after.wire_bytes - before.wire_bytes
    slices = [100 * (b.cpu_s - a.cpu_s) / (b.at - a.at) for a, b in itertools.pairwise(readings)]
    segments = ip = None
    if before.legs is not None and after.legs is not None:
        # Connections that closed meanwhile (the app's HTTP connection, 15 s after its
        # last request) are left out: ss no longer knows their last segments.
        kept = before.legs.keys() & after.legs.keys()
        segments = sum(after.legs[p][0] - before.legs[p][0] for p in kept)
        headers = sum((after.legs[p][0] - before.legs[p][0]) * after.legs[p][1] for p in kept)
        ip = (payload + headers) / wall
    return Idle(
        cpu_percent=100 * (after.cpu_s - before.cpu_s) / wall,
        cpu_slices=slices,
        wakeups_per_s=(after.wakeups - before.wakeups) / wall,
        bytes_per_s=payload / wall,
        segments=segments,
        ip_bytes_per_s=ip,
    )


async def _start_child(
    kind: str, base_url: str, conversation: str, home: Path
) -> tuple[asyncio.subprocess.Process, asyncio.Task[None] | None]:
    if kind == "app":
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_STATE_HOME": str(home / "state"),
            **keyring_backend.ENVIRONMENT,
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "desktop_app",
            "--server",
            base_url,
            "--conversation",
            conversation,
            "--verbose",
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        assert process.stderr is not None
        waiting = {"[ChatWS] Connected successfully", "[StatusWS] Connected successfully"}
        async with asyncio.timeout(READY_TIMEOUT_S):
            while waiting:
                line = (await process.stderr.readline()).decode(errors="replace")
                if not line:
                    raise RuntimeError("b7: the app exited before both sockets opened")
                waiting = {w for w in waiting if w not in line}
        # Keep reading its log (sizes and states only), or a full pipe would block it.
        return process, asyncio.create_task(_drain(process.stderr))
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from bench.b7_idle import child; child()",
        kind,
        base_url,
        conversation,
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert process.stdout is not None
    async with asyncio.timeout(READY_TIMEOUT_S):
        said = await process.stdout.readline()
    if said.strip() != b"loaded":
        raise RuntimeError(f"b7: the {kind} client did not start")
    return process, None


async def _go(client: Client) -> None:
    """Tell a waiting client to connect; return once both its sockets are open."""
    process = client.process
    if client.kind == "app":
        return  # connected at its start
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write(b"go\n")
    await process.stdin.drain()
    async with asyncio.timeout(READY_TIMEOUT_S):
        said = await process.stdout.readline()
    if said.strip() != b"open":
        raise RuntimeError(f"b7: the {client.kind} client did not open its sockets")


async def _drain(stream: asyncio.StreamReader) -> None:
    while await stream.read(65536):
        pass


async def _stop(client: Client) -> None:
    process = client.process
    if process.returncode is None:
        if client.kind == "app":
            process.send_signal(signal.SIGTERM)  # closes the window like the user would
        elif process.stdin is not None:
            process.stdin.close()
        try:
            async with asyncio.timeout(20):
                await process.wait()
        except TimeoutError:
            process.kill()
            await process.wait()
    if client.drain is not None:
        client.drain.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await client.drain


async def _measure(window_s: float, settle_s: float, slice_s: float) -> dict[str, Idle]:
    from desktop_app.demo.server import DemoConfig, DemoServer
    from tests.faultproxy import FaultProxy

    server = DemoServer(DemoConfig(host=HOST, require_login=False))
    await server.start()
    clients: list[Client] = []
    proxies: list[FaultProxy] = []
    try:
        conversation = server.create_conversation("bench: idle")
        with tempfile.TemporaryDirectory(prefix="sdm-bench-b7-") as home:
            try:
                for _ in CLIENTS:
                    proxies.append(FaultProxy(HOST, server.port))
                    await proxies[-1].start()
                launched = await asyncio.gather(
                    *(
                        _start_child(kind, proxy.url(), conversation, Path(home))
                        for kind, proxy in zip(CLIENTS, proxies, strict=True)
                    )
                )
                for kind, proxy, (process, drain) in zip(CLIENTS, proxies, launched, strict=True):
                    clients.append(Client(kind, process, proxy, drain))
                # The app's sockets are open: every other client opens its own now.
                await asyncio.gather(*(_go(c) for c in clients))
                await asyncio.sleep(settle_s)
                readings = {c.kind: [c.read()] for c in clients}
                end = time.monotonic() + window_s
                while (left := end - time.monotonic()) > 0:
                    await asyncio.sleep(min(slice_s, left))
                    for c in clients:
                        readings[c.kind].append(c.read())
            finally:
                await asyncio.gather(*(_stop(c) for c in clients))
                for proxy in proxies:
                    await proxy.stop()
    finally:
        await server.stop()
    return {kind: idle_cost(series) for kind, series in readings.items()}


# --- the rows ---------------------------------------------------------------------------


def _percent(value: float) -> str:
    return f"{value:.2f} %"


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} B/s"


def _slices(cost: Idle, slice_s: float) -> str:
    spread = ""
    if cost.cpu_slices:
        spread = (
            f"per {slice_s:.0f} s slice median {_percent(statistics.median(cost.cpu_slices))}, "
            f"highest {_percent(max(cost.cpu_slices))}; "
        )
    return f"{spread}woken {cost.wakeups_per_s:.1f} times a second"


def measure(quick: bool) -> list[Result]:
    window_s = QUICK_WINDOW_S if quick else FULL_WINDOW_S
    settle_s = QUICK_SETTLE_S if quick else FULL_SETTLE_S
    slice_s = QUICK_SLICE_S if quick else FULL_SLICE_S
    costs = asyncio.run(_measure(window_s, settle_s, slice_s))
    ours, app, silent = costs["managers"], costs["app"], costs["silent"]
    bare, browser = costs["bare"], costs["browser"]

    def baselines(show: str) -> str:
        def one(cost: Idle) -> str:
            if show == "cpu":
                return _percent(cost.cpu_percent)
            return _rate(cost.bytes_per_s if show == "ws" else cost.ip_bytes_per_s)

        return f"bare websockets: {one(bare)}; browser client: {one(browser)}"

    how = (
        f"over {window_s:.0f} s from {settle_s:.0f} s after both sockets opened; CPU of every "
        "thread of the client's own process (/proc/<pid>/stat, 10 ms ticks)"
    )
    quick_note = " (--quick: shorter than any ping interval)" if quick else ""

    app_note = (
        f"{how}; {_slices(app, slice_s)} (voluntary context switches). What still wakes "
        "an idle window: the composer's blinking text cursor (Qt) and the sleep watcher "
        "(every 2 s); the status bar and the kiosk banner now refresh on a timer only while "
        "a reconnect counts down, not four times a second"
    )
    if app.cpu_percent > CPU_TARGET_PERCENT:
        app_note += (
            ". Missed: a slice far above the median is start-up or machine noise, not idle "
            "work (run again); a steady excess would need a profile: py-spy record --native "
            "-p <pid>"
        )

    ws_note = (
        "WebSocket bytes as TCP carries them, counted by the proxy in both directions over "
        f"{window_s:.0f} s{quick_note}. The server's heartbeat alone (a client that never "
        f"pings) costs {_rate(silent.bytes_per_s)}"
    )
    floor = silent.ip_bytes_per_s
    ip_worst = None
    if ours.ip_bytes_per_s is not None and app.ip_bytes_per_s is not None:
        ip_worst = max(ours.ip_bytes_per_s, app.ip_bytes_per_s)
    ip_limit = None if floor is None else floor * (1 + FLOOR_MARGIN)
    ip_met = None if ip_worst is None or ip_limit is None else ip_worst <= ip_limit

    def segments(cost: Idle) -> str:
        return "–" if cost.segments is None else str(cost.segments)

    ip_note = (
        "The same traffic with the IPv4 and TCP headers of every segment (ss -ti on the "
        f"proxy leg of each WebSocket connection), over the same {window_s:.0f} s"
        f"{quick_note}. The floor is the server's heartbeat alone: a client that never "
        "pings (the browser client without its timer), whose library answers the "
        "server's protocol pings; every client here pays it. TCP segments in the window: "
        f"our managers {segments(ours)}, the app {segments(app)}, the floor {segments(silent)}. "
        "Our sockets send no ping of their own while the server's protocol pings prove them "
        "alive (the server pings every 21 s, our ping_interval_s is 30 s), so what is left "
        "is that heartbeat. The issue's first target, 10 B/s, lies below the floor: out of "
        "reach on any server that pings (uvicorn and daphne do)"
    )
    if ip_met is False:
        ip_note += (
            ". Missed: more than the floor means a client of ours sent something of its "
            "own while idle (a ping: did the server's pings stop, or come less often than "
            "ping_interval_s?); the segment counts above show which"
        )
    return [
        Result(
            id="B7",
            what="idle CPU, both sockets open: our managers on asyncio",
            ours=_percent(ours.cpu_percent),
            baseline=baselines("cpu"),
            ratio="–",
            target=f"≤ {CPU_TARGET_PERCENT} %",
            met=ours.cpu_percent <= CPU_TARGET_PERCENT,
            note=f"{how}; {_slices(ours, slice_s)}",
        ),
        Result(
            id="B7",
            what="idle CPU, both sockets open: the whole app process (Qt window, offscreen)",
            ours=_percent(app.cpu_percent),
            baseline=baselines("cpu"),
            ratio="–",
            target=f"≤ {CPU_TARGET_PERCENT} %",
            met=app.cpu_percent <= CPU_TARGET_PERCENT,
            note=app_note,
        ),
        Result(
            id="B7",
            what="idle WebSocket bytes/s, both sockets (our managers; the app)",
            ours=f"{_rate(ours.bytes_per_s)}; app {_rate(app.bytes_per_s)}",
            baseline=baselines("ws"),
            ratio="–",
            target=f"≤ {BYTES_TARGET_PER_S:.0f} B/s",
            met=max(ours.bytes_per_s, app.bytes_per_s) <= BYTES_TARGET_PER_S,
            note=ws_note,
        ),
        Result(
            id="B7",
            what=(
                "idle bytes/s with TCP/IP headers, both sockets (our managers; the app), "
                "against the server heartbeat's floor"
            ),
            ours=f"{_rate(ours.ip_bytes_per_s)}; app {_rate(app.ip_bytes_per_s)}",
            baseline=f"floor (a client that never pings): {_rate(floor)}; {baselines('ip')}",
            ratio=ratio(ip_worst, floor),
            target=(
                f"≤ floor + {FLOOR_MARGIN * 100:.0f} % ({_rate(ip_limit)})"
                if ip_limit is not None
                else f"≤ floor + {FLOOR_MARGIN * 100:.0f} %"
            ),
            met=ip_met,
            note=ip_note,
        ),
    ]


if __name__ == "__main__":
    main(measure)
