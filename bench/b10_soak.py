"""B10: the soak: a thousand messages through app crashes, server restarts and a bad link.

Not part of CI at full size (``python -m bench --only B10``); ``--quick`` is the smoke
test that ``tests/bench`` runs.

Who plays what, each in a process of its own:

- **the app**: the scripted user of the chaos test (``tests/chaos/scripted_user.py``):
  the real :class:`~desktop_app.ui.main_window.MainWindow` on a qasync loop (offscreen
  Qt) with the real outbox file, chat and status managers and session layer. It signs
  in with the demo account and types a seeded plan into the composer, pressing Send
  (``window.on_send()``) for each message, opening the message's conversation first.
  Killed with SIGKILL, it is started again on the same outbox file and settings and
  goes on with the first plan item its outbox does not hold;
- **the server**: the demo server with a data file (``bench/soak_server.py``, i.e.
  ``python -m desktop_app.demo --data FILE`` with the assistant's steps scaled down),
  restarted on the same port with the same file, so its history and sessions persist;
- **the link**: a :class:`~tests.faultproxy.FaultProxy` between them (this process)
  that resets, black-holes and delays every connection through it, at seeded random
  moments, from the first message to the last delivery.

Both echo modes run, one after the other, half the messages each: the server echoing
the client message id (and storing a resend of a stored id only once), and not echoing
it, like the real server (the outbox must then decide from the history alone).

Timeline of one mode::

    0 s         the server starts; conversations are created; the app starts typing;
                the proxy starts injecting faults (one every 0.2-0.9 s)
    schedule    seeded progress points (plan items typed, spread over the plan), each
                followed by a random 0-0.4 s: SIGKILL the app and start it again (the
                outbox file is read after each kill: how many messages it still held,
                how many of them SENT with no echo yet); some kills are followed by a
                second one 0.3-3 s after the new app started (signing in, loading,
                resending what its outbox held); or restart the server (SIGTERM: 1001
                to every socket; or SIGKILL: the connections just drop), down
                0.05-0.6 s plus its start-up
    drained     the app's outbox is empty: faults stop; the app reloads each
                conversation and writes its transcripts (the one left open, also as
                shown before the reload) and exits
    restart     the app is started once more (a clean restart) and writes its
                transcripts again, read from scratch

Then the server's history of each conversation (``GET /conversation/<id>/history/``,
signed in) must hold every planned message exactly once, in the planned order, and
each transcript must equal it, replies included. The seed is printed on stderr;
``SOAK_SEED=<n>`` runs the same plan, schedule and faults again (their moments are
wall-clock: the interleaving is only as reproducible as the machine's timing). A run
that finds a problem keeps its state folder (outbox, logs, ``typed.jsonl`` mapping
each ``#NNN`` label to its client id) and names it; no message text is printed.
"""

from __future__ import annotations

import asyncio
import bisect
import collections
import contextlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import Result, main
from desktop_app.demo.server import DEMO_EMAIL, DEMO_PASSWORD
from desktop_app.net.http import HttpError, PlatformClient
from tests.chaos.faults import LinkFaults
from tests.chaos.test_chaos import (
    DOWNTIME_S,
    Child,
    build_plan,
    check_history,
    check_transcript,
    log_tails,
    typed_client_ids,
)
from tests.chaos.test_chaos import (
    outbox_counts as outbox_log_counts,
)
from tests.faultproxy import FaultProxy

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Size:
    """One echo mode's share of the run."""

    messages: int
    conversations: int
    kills: int  # SIGKILLs of the app
    startup_kills: int  # of them, the second of two in a row: while the app starts again
    restarts: int  # of the server
    deadline_s: float  # for the whole mode; then the run fails, keeping its state


FULL = Size(messages=600, conversations=3, kills=8, startup_kills=2, restarts=7, deadline_s=420.0)
QUICK = Size(messages=10, conversations=2, kills=1, startup_kills=0, restarts=1, deadline_s=75.0)
MODES = (("ids echoed", True), ("like the real server", False))


@dataclass(frozen=True)
class Targets:
    """Over both modes: the issue's (--quick: its own tiny sizes'), and the wall time's."""

    messages: int
    kills: int
    restarts: int
    wall_s: float


TARGETS = {FULL: Targets(1000, 10, 10, 600.0), QUICK: Targets(20, 2, 2, 120.0)}

SWITCH_PROBABILITY = 0.1  # of moving to another conversation before a message
#: (kind, weight): what the proxy does next (the server restarts are scheduled apart).
ACT_AFTER_S = (0.0, 0.4)  # from a progress point to its kill or restart
STARTUP_KILL_S = (0.3, 3.0)  # from an app's start to a start-up kill: signing in, resending
REPLY_DELAY_S = 0.02  # the assistant's "thinking"
HTTP_TIMEOUT_S = 5.0
START_TIMEOUT_S = 60.0  # of the server process


class SoakFailed(Exception):
    """The soak could not run to its end (a deadline, a process that died)."""


def soak_seed() -> int:
    value = os.environ.get("SOAK_SEED")
    return int(value) if value else random.SystemRandom().randrange(1_000_000)


def say(*parts: object) -> None:
    """Progress on stderr (stdout carries the rows): ids and counts only."""
    print("b10:", *parts, file=sys.stderr, flush=True)


# --- the plan and its schedule ----------------------------------------------------------


def build_schedule(rng: random.Random, size: Size) -> list[tuple[int, str]]:
    """(plan items typed, "kill", "kill-at-start" or "restart"), in order.

    Kills and restarts are each spread over the plan; a start-up kill follows a kill
    at once, and kills the app it started (at the same progress point, so it sorts
    right after it).
    """
    events: list[tuple[int, str]] = []
    progress_kills = size.kills - size.startup_kills
    for kind, count in (("kill", progress_kills), ("restart", size.restarts)):
        for k in range(count):
            share = 0.9 * (k + rng.uniform(0.1, 0.9)) / count
            events.append((max(1, round(share * size.messages)), kind))
    kills = [typed for typed, kind in events if kind == "kill"]
    events += [(typed, "kill-at-start") for typed in rng.sample(kills, size.startup_kills)]
    return sorted(events)


# --- the server, in a process of its own ------------------------------------------------


class DemoProcess:
    """``python -m bench.soak_server``: started, stopped and started again on one port."""

    def __init__(self, data: Path, log: Path, *, echo_ids: bool) -> None:
        self.data = data
        self.log = log
        self.echo_ids = echo_ids
        self.port = 0  # chosen at the first start, then kept
        self.process: asyncio.subprocess.Process | None = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    async def start(self) -> None:
        command = [
            *(sys.executable, "-m", "bench.soak_server", "--host", HOST, "--port", str(self.port)),
            *("--data", str(self.data), "--reply-delay", str(REPLY_DELAY_S)),
            *(() if self.echo_ids else ("--no-echo-ids",)),
        ]
        with self.log.open("ab") as log:
            process = self.process = await asyncio.create_subprocess_exec(
                *command,
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=log,
            )
        assert process.stdout is not None
        async with asyncio.timeout(START_TIMEOUT_S):
            while line := await process.stdout.readline():
                if line.startswith(b"SDM demo server on "):
                    self.port = int(line.decode().strip().rsplit(":", 1)[1])
                    return
        raise SoakFailed(f"the demo server did not start (status {await process.wait()})")

    async def stop(self, *, crash: bool) -> None:
        """SIGTERM: every socket gets 1001 "going away"; ``crash``: SIGKILL, no close frame."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.returncode is None:
            process.send_signal(signal.SIGKILL if crash else signal.SIGTERM)
        try:
            async with asyncio.timeout(30):
                await process.wait()
        except TimeoutError:
            process.kill()
            await process.wait()


# --- the faults on the link --------------------------------------------------------------


# --- what the checks count ---------------------------------------------------------------


@dataclass(frozen=True)
class Kill:
    """One SIGKILL of the app, and what its outbox file held at that moment."""

    typed: int  # plan items typed so far
    at_start: bool  # while the app was starting again after a kill
    waiting: int  # undelivered messages in the outbox
    sent: int  # of them SENT: on the wire (or about to be), no echo yet


@dataclass
class ModeReport:
    name: str
    messages: int
    conversations: int
    kills: list[Kill] = field(default_factory=list)
    restarts: collections.Counter[str] = field(default_factory=collections.Counter)
    faults: collections.Counter[str] = field(default_factory=collections.Counter)
    duplicates: int = 0
    losses: int = 0
    unexpected: int = 0
    order_violations: int = 0
    transcripts_checked: int = 0
    transcripts_equal: int = 0
    problems: list[str] = field(default_factory=list)
    outbox: str = ""
    elapsed_s: float = 0.0


def longest_increasing(values: list[int]) -> int:
    """The length of the longest strictly increasing subsequence of ``values``."""
    tails: list[int] = []
    for value in values:
        at = bisect.bisect_left(tails, value)
        if at == len(tails):
            tails.append(value)
        else:
            tails[at] = value
    return len(tails)


def count_errors(planned: list[str], users: list[str]) -> tuple[int, int, int, int]:
    """(duplicates, losses, unexpected, order violations) of ``users`` against ``planned``.

    An order violation is a message that must move for the others to be in plan order
    (the first copy of each, outside the longest run already in order).
    """
    position = {text: i for i, text in enumerate(planned)}
    counts = collections.Counter(users)
    duplicates = sum(n - 1 for text, n in counts.items() if text in position)
    losses = sum(text not in counts for text in planned)
    unexpected = sum(n for text, n in counts.items() if text not in position)
    firsts: list[int] = []
    seen: set[str] = set()
    for text in users:
        if text in position and text not in seen:
            seen.add(text)
            firsts.append(position[text])
    return duplicates, losses, unexpected, len(firsts) - longest_increasing(firsts)


def outbox_file_states(path: Path) -> collections.Counter[str]:
    """Entries per state in the outbox file of a killed app (read-only: it is not ours)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = conn.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        say("outbox file unreadable after a kill:", type(exc).__name__)
        return collections.Counter()
    return collections.Counter({str(state): int(n) for state, n in rows})


def outbox_stats(state: Path) -> str:
    """How often the app's outbox sent, resent, looked at the history, failed (its logs)."""
    return ", ".join(f"{k} {n}" for k, n in outbox_log_counts(state).items())


# --- one echo mode ---------------------------------------------------------------------------


class Soak:
    """One echo mode: its server, proxy, faults, app runs, and what they left."""

    def __init__(self, size: Size, name: str, echo_ids: bool, seed: int, root: Path) -> None:
        self.size = size
        self.seed = seed
        self.root = root
        self.state = root / "app"
        self.state.mkdir(parents=True)
        self.calm_file = self.state / "calm"
        self.rng = random.Random(f"{seed}:{name}:schedule")
        self.server = DemoProcess(
            root / "demo-server.sqlite3", root / "server.log", echo_ids=echo_ids
        )
        self.proxy: FaultProxy | None = None
        self.client: PlatformClient | None = None
        self.faults: LinkFaults | None = None
        self.children: list[Child] = []
        self.conversations: list[str] = []
        self.plan: list[tuple[str, str]] = []
        self.args: list[str] = []  # the scripted user's command line
        self.app_started_at = 0.0  # time.monotonic() of the last start of the app
        self.phase = "start"
        self.report = ModeReport(name, size.messages, size.conversations)

    async def run(self) -> ModeReport:
        started = time.monotonic()
        try:
            try:
                async with asyncio.timeout(self.size.deadline_s):
                    await self._run()
            except TimeoutError:
                raise SoakFailed(
                    f"deadline of {self.size.deadline_s:.0f}s exceeded during: {self.phase}"
                ) from None
            self.report.elapsed_s = time.monotonic() - started
            await self._check()
        except SoakFailed as exc:
            raise SoakFailed(f"{self.report.name}: {exc}\n{self.diagnostics()}") from None
        finally:
            await self._close()
        self.report.outbox = outbox_stats(self.state)
        return self.report

    async def _run(self) -> None:
        await self.server.start()
        proxy = self.proxy = FaultProxy(HOST, self.server.port)
        await proxy.start()
        client = self.client = PlatformClient(self.server.base_url, timeout_s=HTTP_TIMEOUT_S)
        await client.sign_in(DEMO_EMAIL, DEMO_PASSWORD)
        for n in range(self.size.conversations):
            self.conversations.append(await client.create_conversation(f"Soak {n}"))
        self.plan = build_plan(
            random.Random(f"{self.seed}:{self.report.name}:plan"),
            self.conversations,
            self.size.messages,
            SWITCH_PROBABILITY,
        )
        plan_file = self.root / "plan.json"
        plan_file.write_text(
            json.dumps({"conversations": self.conversations, "items": self.plan}),
            encoding="utf-8",
        )
        self.args = [
            *("--server", proxy.url(), "--plan", str(plan_file), "--state-dir", str(self.state)),
            *("--seed", str(self.seed), "--calm-file", str(self.calm_file)),
        ]
        self.faults = LinkFaults(proxy, random.Random(f"{self.seed}:{self.report.name}:faults"))

        await self._start_app()
        self.faults.start()
        for typed, kind in build_schedule(self.rng, self.size):
            self.phase = f"typing, waiting for item {typed} before a {kind}"
            await self._until_typed(typed)
            if kind == "kill-at-start":
                moment = self.app_started_at + self.rng.uniform(*STARTUP_KILL_S)
                await asyncio.sleep(moment - time.monotonic())  # real time: a random moment
                await self._kill_app(at_start=True)
            elif kind == "kill":
                await asyncio.sleep(self.rng.uniform(*ACT_AFTER_S))  # real time: a random moment
                await self._kill_app(at_start=False)
            else:
                await asyncio.sleep(self.rng.uniform(*ACT_AFTER_S))  # real time: a random moment
                await self._restart_server()
        self.phase = "typing and draining, after the schedule"
        app = self.children[-1]
        drained = asyncio.create_task(app.drained.wait())
        exited = asyncio.create_task(app.proc.wait())
        try:
            await asyncio.wait({drained, exited}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            drained.cancel()
            exited.cancel()
        if not app.running:
            raise SoakFailed(f"app run {app.number} exited with {app.proc.returncode}")
        self.phase = "calming down"
        await self.faults.calm()
        self.report.faults = self.faults.counts
        self.faults.note("faults stopped")
        self.calm_file.touch()
        self.phase = "the app's final transcripts"
        await self._finish(app)
        (self.state / "transcripts.json").replace(self.state / "transcripts-typist.json")
        self.phase = "the app's final restart"
        await self._finish(await self._start_app())

    async def _start_app(self) -> Child:
        child = await Child.start(len(self.children) + 1, self.args, self.state)
        self.children.append(child)
        self.app_started_at = time.monotonic()
        return child

    async def _finish(self, app: Child) -> None:
        returncode = await app.finish()
        if returncode != 0:
            raise SoakFailed(f"app run {app.number} exited with {returncode}")

    def typed(self) -> int:
        """Plan items typed so far, by every run of the app (its ``typed.jsonl``)."""
        path = self.state / "typed.jsonl"
        if not path.exists():
            return 0
        indexes = set()
        for line in path.read_text(encoding="utf-8").splitlines():
            with contextlib.suppress(ValueError):  # a line being written
                indexes.add(json.loads(line)["index"])
        return len(indexes)

    async def _until_typed(self, count: int) -> None:
        app = self.children[-1]
        while self.typed() < count and not any(" TYPED-ALL" in line for line in app.lines):
            if not app.running:
                raise SoakFailed(f"app run {app.number} exited with {app.proc.returncode}")
            await asyncio.sleep(0.05)  # polling (under the deadline): each count is the check

    async def _kill_app(self, *, at_start: bool) -> None:
        app = self.children[-1]
        typed = self.typed()
        await app.kill()
        states = outbox_file_states(self.state / "outbox.sqlite3")
        waiting = states["queued"] + states["sent"] + states["failed"]
        self.report.kills.append(Kill(typed, at_start, waiting, states["sent"]))
        assert self.faults is not None
        self.faults.note(f"SIGKILL app run {app.number}: typed {typed}, outbox {dict(states)}")
        say(
            f"{self.report.name}: SIGKILL app run {app.number}"
            f"{' while it started' if at_start else ''} at {typed} typed,"
            f" {waiting} in its outbox ({states['sent']} sent)"
        )
        await self._start_app()

    async def _restart_server(self) -> None:
        crash = self.rng.random() < 0.5
        await self.server.stop(crash=crash)
        down = self.rng.uniform(*DOWNTIME_S)
        await asyncio.sleep(down)  # real time: the server is away
        await self.server.start()
        kind = "SIGKILL" if crash else "SIGTERM"
        self.report.restarts[kind] += 1
        assert self.faults is not None
        self.faults.note(f"server restart ({kind}), down {down:.2f}s + its start")
        say(f"{self.report.name}: server restarted ({kind}) at {self.typed()} typed")

    async def _history(self, conversation: str) -> list[dict[str, Any]]:
        assert self.client is not None
        for attempt in range(10):
            try:
                messages = await self.client.history(conversation)
            except HttpError:
                if attempt == 9:
                    raise
                await asyncio.sleep(0.5)  # real time: a pause before asking again
                continue
            return [{"role": m.role.value, "content": m.content} for m in messages]
        raise AssertionError("unreachable")

    async def _check(self) -> None:
        report = self.report
        typist = _read_json(self.state / "transcripts-typist.json")
        final = _read_json(self.state / "transcripts.json")
        client_ids = typed_client_ids(self.state)
        for n, conversation in enumerate(self.conversations):
            name = f"c{n}"
            history = await self._history(conversation)
            planned = [text for c, text in self.plan if c == conversation]
            users = [m["content"] for m in history if m["role"] == "user"]
            duplicates, losses, unexpected, order = count_errors(planned, users)
            report.duplicates += duplicates
            report.losses += losses
            report.unexpected += unexpected
            report.order_violations += order
            report.problems += check_history(name, planned, history, client_ids)
            views = [
                (f"{name} (as typed)", typist["transcripts"].get(conversation)),
                (f"{name} (after the final restart)", final["transcripts"].get(conversation)),
            ]
            if typist.get("live", {}).get("conversation") == conversation:
                views.append((f"{name} (live, before the reload)", typist["live"]["transcript"]))
            for view, transcript in views:
                problems = check_transcript(view, history, transcript)
                report.transcripts_checked += 1
                report.transcripts_equal += not problems
                report.problems += problems
            for result in (typist, final):
                if result["badges"].get(conversation):
                    report.problems.append(
                        f"{name}: {result['badges'][conversation]} entries not shown delivered"
                    )
        retyped = {label: ids for label, ids in client_ids.items() if len(ids) > 1}
        if retyped:
            report.problems.append(f"typed twice by the scripted user: {retyped}")

    async def _close(self) -> None:
        if self.faults is not None:
            self.faults.stop.set()
            if self.faults.task is not None:
                with contextlib.suppress(Exception):
                    await self.faults.task
        for child in self.children:
            await child.kill()
        if self.client is not None:
            await self.client.aclose()
        if self.proxy is not None:
            await self.proxy.stop()
        await self.server.stop(crash=False)

    def diagnostics(self) -> str:
        lines = [f"seed {self.seed} (SOAK_SEED={self.seed}); state in {self.root}"]
        if self.faults is not None:
            lines += ["faults (last 30):", *(f"  {line}" for line in self.faults.log[-30:])]
        lines += [child.tail() for child in self.children[-3:]]
        lines += [f"outbox: {outbox_stats(self.state)}", log_tails(self.state)]
        return "\n".join(line for line in lines if line)


def _read_json(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise SoakFailed(f"the app wrote no {path.name}")
    result: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return result


# --- the rows --------------------------------------------------------------------------------


BASELINE = "no baseline: exactly-once is the target"


def rows(size: Size, reports: list[ModeReport], wall_s: float, seed: int) -> list[Result]:
    quick = size is QUICK
    messages = sum(r.messages for r in reports)
    kills = [k for r in reports for k in r.kills]
    restarts = sum((r.restarts for r in reports), collections.Counter[str]())
    faults = sum((r.faults for r in reports), collections.Counter[str]())
    duplicates = sum(r.duplicates for r in reports)
    losses = sum(r.losses for r in reports)
    unexpected = sum(r.unexpected for r in reports)
    order = sum(r.order_violations for r in reports)
    checked = sum(r.transcripts_checked for r in reports)
    equal = sum(r.transcripts_equal for r in reports)
    targets = TARGETS[size]
    want_messages, want_kills, want_restarts = targets.messages, targets.kills, targets.restarts
    wall_limit = targets.wall_s
    per_mode = "; ".join(
        f"{r.name}: {r.messages} messages in {r.conversations} conversations, "
        f"{r.elapsed_s:.0f} s, kills at {[k.typed for k in r.kills]} typed "
        f"({sum(k.at_start for k in r.kills)} of them while the app started again) "
        f"(outbox holding {[k.waiting for k in r.kills]}, SENT {[k.sent for k in r.kills]}), "
        f"restarts {dict(r.restarts)}, faults {dict(r.faults)}; outbox log: {r.outbox}"
        for r in reports
    )
    how = (
        f"Seed {seed}. The app is the chaos test's scripted user (tests/chaos/scripted_user.py: "
        "the real MainWindow, outbox file and managers, offscreen), typing into the composer "
        "and pressing Send; killed with SIGKILL and started again on the same outbox. Server: "
        "the demo server process with a data file, restarted on the same port (SIGTERM or "
        "SIGKILL at random); a fault proxy in between. Half the messages with client ids "
        "echoed, half like the real server (no ids). " + per_mode
    )
    if quick:
        how += " Quick run: a smoke test on a tiny size, not a figure."
    problems = [p for r in reports for p in r.problems]
    order_note = ("Problems: " + " | ".join(problems[:20])) if problems else ""
    return [
        Result(
            id="B10",
            what="soak: messages typed into the app (both echo modes)",
            ours=f"{messages:,} ({' + '.join(str(r.messages) for r in reports)})",
            baseline=BASELINE,
            ratio="–",
            target=f"≥ {want_messages:,}",
            met=messages >= want_messages,
            note=how,
        ),
        Result(
            id="B10",
            what=(
                "soak: app SIGKILLs (outbox not empty / a message SENT, no echo yet / "
                "while the app started again)"
            ),
            ours=(
                f"{len(kills)} ({sum(k.waiting > 0 for k in kills)} / "
                f"{sum(k.sent > 0 for k in kills)} / {sum(k.at_start for k in kills)})"
            ),
            baseline=BASELINE,
            ratio="–",
            target=f"≥ {want_kills}",
            met=len(kills) >= want_kills,
        ),
        Result(
            id="B10",
            what="soak: server restarts (SIGTERM / SIGKILL), same port and data file",
            ours=f"{restarts.total()} ({restarts['SIGTERM']} / {restarts['SIGKILL']})",
            baseline=BASELINE,
            ratio="–",
            target=f"≥ {want_restarts}",
            met=restarts.total() >= want_restarts,
        ),
        Result(
            id="B10",
            what="soak: faults injected by the proxy (reset / black hole / delay)",
            ours=(
                f"{faults.total()} ({faults['reset']} / {faults['blackhole']} / {faults['delay']})"
            ),
            baseline=BASELINE,
            ratio="–",
            target="–",
            met=None,
        ),
        Result(
            id="B10",
            what="soak: duplicates in the server's history",
            ours=str(duplicates),
            baseline=BASELINE,
            ratio="–",
            target="0",
            met=duplicates == 0,
        ),
        Result(
            id="B10",
            what="soak: messages lost (not in the server's history)",
            ours=str(losses) + (f" (+ {unexpected} unexpected)" if unexpected else ""),
            baseline=BASELINE,
            ratio="–",
            target="0",
            met=losses == 0 and unexpected == 0,
        ),
        Result(
            id="B10",
            what="soak: order violations in the server's history",
            ours=str(order),
            baseline=BASELINE,
            ratio="–",
            target="0",
            met=order == 0,
        ),
        Result(
            id="B10",
            what="soak: transcript equal to the history (as typed, live, after a restart)",
            ours=f"{'yes' if equal == checked else 'no'} ({equal}/{checked} transcripts)",
            baseline=BASELINE,
            ratio="–",
            target="yes",
            met=equal == checked,
            note=order_note,
        ),
        Result(
            id="B10",
            what="soak: wall time (both modes, processes started and stopped included)",
            ours=f"{wall_s:.0f} s",
            baseline="–",
            ratio="–",
            target=f"≤ {wall_limit / 60:.0f} min",
            met=wall_s <= wall_limit,
        ),
    ]


async def _measure(size: Size) -> list[Result]:
    seed = soak_seed()
    say(f"seed {seed} (SOAK_SEED={seed} runs this plan and schedule again)")
    started = time.monotonic()
    reports: list[ModeReport] = []
    root = Path(tempfile.mkdtemp(prefix="b10-soak-"))
    keep = False
    try:
        for n, (name, echo_ids) in enumerate(MODES):
            say(f"{name}: {size.messages} messages, {size.kills} kills, {size.restarts} restarts")
            soak = Soak(size, name, echo_ids, seed, root / f"mode-{n}")
            report = await soak.run()
            say(
                f"{name}: {report.elapsed_s:.0f} s; duplicates {report.duplicates}, losses "
                f"{report.losses}, order {report.order_violations}, transcripts "
                f"{report.transcripts_equal}/{report.transcripts_checked}"
            )
            if report.problems:
                keep = True
                say(f"{name}: PROBLEMS (state kept in {root}):")
                for problem in report.problems:
                    say("  " + problem)
                say(soak.diagnostics())
            reports.append(report)
    except SoakFailed:
        keep = True
        raise
    finally:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)
    return rows(size, reports, time.monotonic() - started, seed)


def measure(quick: bool) -> list[Result]:
    try:
        return asyncio.run(_measure(QUICK if quick else FULL))
    except SoakFailed as exc:
        raise SystemExit(f"B10: {exc}") from None


if __name__ == "__main__":
    main(measure)
