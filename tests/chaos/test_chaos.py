"""Issue 4's chaos test: nothing typed is lost, nothing is doubled, the transcript is the history.

A scripted user (``scripted_user.py``, the real window in a child process) types
a seeded plan of messages over several conversations into a demo server with a
data file, through a :class:`~tests.faultproxy.FaultProxy`. Meanwhile, at seeded
random moments, the proxy resets, black-holes and delays the connections and the
server is restarted (closing or dropping the sockets); once, mid-way, the child
is killed with SIGKILL and started again on the same outbox. At the end the
server's history of each conversation must hold each planned message exactly
once, in the order planned, and the child's final transcripts (each taken after
opening the conversation again, a fresh history load) must equal the server's
history. The transcript of the conversation left open at the end must equal
it before that reload too.

The seed is printed; ``CHAOS_SEED=<n>`` runs the same plan and fault sequence
again (the moments are wall-clock, so the interleaving is only as reproducible
as the machine's timing). Both server modes run: echoing the client message id,
and not echoing it, like the real server.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import difflib
import hashlib
import json
import os
import random
import re
import sys
import time
from pathlib import Path
from typing import IO, Any

import pytest

from desktop_app.demo.server import DemoConfig, DemoServer
from tests.chaos.faults import LINK_FAULTS, LinkFaults
from tests.faultproxy import FaultProxy

SCRIPT = Path(__file__).with_name("scripted_user.py")
REPO = Path(__file__).resolve().parents[2]

MESSAGES = 220
CONVERSATIONS = 5
SWITCH_PROBABILITY = 0.2  # of moving to another conversation before a message
KILL_AT = 0.4  # the child is killed once this share of the plan is in the server's history
DEADLINE_S = 240.0

#: (kind, weight): what the fault injector does next.
FAULTS = [*LINK_FAULTS, ("restart", 2)]
DOWNTIME_S = (0.05, 0.6)  # of a server restart

WORDS = [
    *("dose", "pain", "sleep", "nausea", "walk", "dizzy", "appetite", "fever", "cough"),
    *("rash", "tired", "better", "worse", "morning", "evening", "tablet", "ibuprofen"),
    *("paracetamol", "physio", "scan", "result", "question"),
]
EXTRAS = ["é", "ü", "→", "—", "½", "°C", "**bold**", "`code`", "[1]", "ö", "mg/kg", "#tag"]


def chaos_seed() -> int:
    value = os.environ.get("CHAOS_SEED")
    return int(value) if value else random.SystemRandom().randrange(1_000_000)


def label(text: str) -> str:
    return text.split(maxsplit=1)[0]


def build_plan(
    rng: random.Random,
    conversations: list[str],
    messages: int = MESSAGES,
    switch_probability: float = SWITCH_PROBABILITY,
) -> list[tuple[str, str]]:
    """``messages`` unique texts, each starting with its ``#NNN`` label, over the
    conversations (also the soak's plan, bench/b10_soak.py).

    At most 1,000: the checks name a message by its three-digit label.
    """
    if messages > 1000:
        raise ValueError(f"at most 1000 messages, not {messages}")
    items: list[tuple[str, str]] = []
    conversation = rng.choice(conversations)
    for index in range(messages):
        if index and rng.random() < switch_probability:
            conversation = rng.choice([c for c in conversations if c != conversation])
        words = rng.choices(WORDS, k=rng.randint(1, 12))
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words) + 1), rng.choice(EXTRAS))
        text = f"#{index:03d} " + " ".join(words)
        if rng.random() < 0.1:
            text += "\n" + " ".join(rng.choices(WORDS, k=3))
        items.append((conversation, text))
    return items


class Child:
    """One run of the scripted user: its process, its output lines."""

    def __init__(self, number: int, proc: asyncio.subprocess.Process, stderr: IO[bytes]) -> None:
        self.number = number
        self.proc = proc
        self.stderr = stderr
        self.lines: list[str] = []
        self.drained = asyncio.Event()
        self.reader = asyncio.create_task(self._read())

    @classmethod
    async def start(cls, number: int, args: list[str], state: Path) -> Child:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1"}
        stderr = (state / f"stderr-{number}.txt").open("wb")
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            str(SCRIPT),
            *args,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
            cwd=REPO,
            env=env,
        )
        return cls(number, proc, stderr)

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        while line := await self.proc.stdout.readline():
            text = line.decode(errors="replace").rstrip()
            self.lines.append(text)
            if " DRAINED" in text:
                self.drained.set()

    @property
    def running(self) -> bool:
        return self.proc.returncode is None

    async def kill(self) -> None:
        if self.running:
            self.proc.kill()
        await self.finish()

    async def finish(self) -> int:
        returncode = await self.proc.wait()
        await self.reader
        self.stderr.close()
        return returncode

    def tail(self, n: int = 25) -> str:
        lines = self.lines[-n:]
        return "\n".join(f"  [child {self.number}] {line}" for line in lines)


class Chaos(LinkFaults):
    """The server and the proxy, and the faults injected into them (the server restarts too)."""

    def __init__(self, server: DemoServer, proxy: FaultProxy, rng: random.Random) -> None:
        super().__init__(proxy, rng, FAULTS)
        self.server = server
        self.lock = asyncio.Lock()  # server restarts vs history reads

    async def other_fault(self, kind: str) -> None:
        assert kind == "restart", kind
        abort = self.rng.random() < 0.5
        async with self.lock:
            await self.server.stop(abort=abort)
            seconds = await self.pause(DOWNTIME_S)
            await self.server.start()
        self.note(f"server restart ({'abort' if abort else 'close'}), down {seconds:.2f}s")

    async def histories(self, conversations: list[str]) -> dict[str, list[dict[str, Any]]]:
        async with self.lock:
            return {c: self.server.history(c) for c in conversations}

    async def user_messages(self, conversations: list[str]) -> int:
        histories = await self.histories(conversations)
        return sum(m["role"] == "user" for h in histories.values() for m in h)


# --- comparing -----------------------------------------------------------------------


def tag(role: str, content: str) -> str:
    """A short, text-free name for a message: its plan label, or a hash for a reply."""
    if role == "user":
        first = label(content) if content.strip() else "?"
        return first if re.fullmatch(r"#\d{3}", first) else "user?" + _digest(content)
    return f"{role[:3]}:{_digest(content)}"


def _digest(content: str) -> str:
    return hashlib.sha1(content.encode()).hexdigest()[:6]


def _ops(want: list[str], got: list[str], limit: int = 12) -> list[str]:
    matcher = difflib.SequenceMatcher(None, want, got, autojunk=False)
    ops = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    shown = [
        f"{op} want[{i1}:{i2}]={want[i1:i2][:6]} got[{j1}:{j2}]={got[j1:j2][:6]}"
        for op, i1, i2, j1, j2 in ops[:limit]
    ]
    if len(ops) > limit:
        shown.append(f"... {len(ops) - limit} more differences")
    return shown


def check_history(
    name: str, planned: list[str], history: list[dict[str, Any]], client_ids: dict[str, list[str]]
) -> list[str]:
    """Each planned message exactly once, in order (user messages; replies ignored)."""
    users = [m["content"] for m in history if m["role"] == "user"]
    if users == planned:
        return []
    want = [label(t) for t in planned]
    got = [tag("user", t) for t in users]
    counts = collections.Counter(got)
    problems = [f"{name}: server history has {len(got)} user messages, the plan {len(want)}"]
    duplicated = {t: [i for i, g in enumerate(got) if g == t] for t, n in counts.items() if n > 1}
    for t, positions in duplicated.items():
        problems.append(
            f"{name}: DUPLICATED {t} at user positions {positions} "
            f"(client ids {client_ids.get(t, '?')})"
        )
    missing = [t for t in want if t not in counts]
    if missing:
        ids = {t: client_ids.get(t, "?") for t in missing[:10]}
        problems.append(f"{name}: LOST {len(missing)}: {missing[:20]} (client ids {ids})")
    unexpected = [t for t in counts if t not in set(want)]
    if unexpected:
        problems.append(f"{name}: UNEXPECTED {unexpected[:20]}")
    if not duplicated and not missing and not unexpected and want != got:
        problems.append(f"{name}: OUT OF ORDER")
    if want == got:
        changed = [label(p) for p, u in zip(planned, users, strict=True) if p != u]
        problems.append(f"{name}: TEXT CHANGED for {changed[:20]}")
    problems += [f"{name}:   {line}" for line in _ops(want, got)]
    return problems


def check_transcript(
    name: str, history: list[dict[str, Any]], transcript: list[list[str]] | None
) -> list[str]:
    if transcript is None:
        return [f"{name}: no transcript from the child"]
    want = [tag(m["role"], m["content"]) for m in history]
    got = [tag(role, content) for role, content in transcript]
    pairs = [[m["role"], m["content"]] for m in history]
    if pairs == transcript:
        return []
    problems = [f"{name}: transcript ({len(got)} entries) != server history ({len(want)})"]
    if want == got:
        problems.append(f"{name}:   same tags, different text")
    problems += [f"{name}:   {line}" for line in _ops(want, got)]
    return problems


def typed_client_ids(state: Path) -> dict[str, list[str]]:
    """``#NNN`` -> the client ids it was typed with (more than one: typed twice)."""
    ids: dict[str, list[str]] = collections.defaultdict(list)
    path = state / "typed.jsonl"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            ids[record["label"]].append(str(record["client_id"])[:8])
    return ids


#: What the children's outboxes log (desktop_app/core/outbox_machine.py), counted by
#: :func:`outbox_stats`. "sends" must count at least one (the test checks): a change of
#: wording would otherwise make every count silently 0.
OUTBOX_LOG_PATTERNS = {
    "sends": r"\[\w+\] sent \S+ \(attempt \d+\)",  # "[window] sent <id> (attempt N)"
    "resends": r"\[\w+\] sent \S+ \(attempt (?:[2-9]|\d{2,})\)",
    "no-echo": r"No echo for",
    "history-holds": r"History holds",
    "history-lacks": r"History lacks",
    "failed": r"not delivered after",
    "history-unavailable": r"history unavailable",
}


def outbox_counts(state: Path) -> dict[str, int]:
    """How often each of :data:`OUTBOX_LOG_PATTERNS` occurs in the children's logs."""
    text = children_logs(state)
    return {k: len(re.findall(v, text)) for k, v in OUTBOX_LOG_PATTERNS.items()}


def children_logs(state: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in sorted(state.glob("child-*.log")))


def outbox_stats(state: Path) -> str:
    """How often the children's outboxes resent, resolved from history, failed; failed tasks."""
    text = children_logs(state)
    stats = [f"{k}={n}" for k, n in outbox_counts(state).items()]
    failed_tasks = collections.Counter(re.findall(r"Task ([\w ]+?) failed: (\w+)", text))
    stats += [f"task '{name}' failed with {exc} x{n}" for (name, exc), n in failed_tasks.items()]
    return ", ".join(stats)


def log_tails(state: Path, n: int = 15) -> str:
    parts = []
    for path in sorted(state.glob("stderr-*.txt")):
        lines = path.read_text(errors="replace").splitlines()
        if lines:
            parts.append(f"  {path.name} (last {n} of {len(lines)} lines):")
            parts += [f"    {line}" for line in lines[-n:]]
    return "\n".join(parts)


# --- the test --------------------------------------------------------------------------


@pytest.mark.timeout(DEADLINE_S + 60)
@pytest.mark.parametrize("echo_ids", [True, False], ids=["ids-echoed", "like-the-real-server"])
async def test_every_message_arrives_once_in_order_and_the_transcript_is_the_history(
    tmp_path: Path, echo_ids: bool
) -> None:
    seed = chaos_seed()
    mode = "ids-echoed" if echo_ids else "like-the-real-server"
    print(f"\nchaos {mode}: CHAOS_SEED={seed} (state in {tmp_path})")
    state = tmp_path / "user"
    state.mkdir()
    server = DemoServer(
        DemoConfig(
            data_path=tmp_path / "demo-server.sqlite3",
            reply_delay_s=0.02,
            step_delay_s=0.005,
            echo_client_ids=echo_ids,
        )
    )
    await server.start()
    proxy = FaultProxy("127.0.0.1", server.port)
    await proxy.start()
    chaos = Chaos(server, proxy, random.Random(f"{seed}:faults"))
    conversations = [server.create_conversation(f"Chaos {n}") for n in range(CONVERSATIONS)]
    names = {c: f"c{n}" for n, c in enumerate(conversations)}
    plan = build_plan(random.Random(f"{seed}:plan"), conversations)
    assert {c for c, _ in plan} == set(conversations), "every conversation gets messages"
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(
        json.dumps({"conversations": conversations, "items": plan}, ensure_ascii=False),
        encoding="utf-8",
    )
    calm_file = state / "calm"
    args = [
        "--server",
        proxy.url(),
        "--plan",
        str(plan_file),
        "--state-dir",
        str(state),
        "--seed",
        str(seed),
        "--calm-file",
        str(calm_file),
    ]
    kill_rng = random.Random(f"{seed}:kill")
    children: list[Child] = []
    faults: asyncio.Task[None] | None = None
    problems: list[str] = []
    phase = "start"
    killed_at: int | None = None

    async def wait_for_user_messages(child: Child, count: int) -> int:
        while (seen := await chaos.user_messages(conversations)) < count:
            if not child.running:
                raise AssertionError(f"child {child.number} exited with {child.proc.returncode}")
            await asyncio.sleep(0.05)  # polling (under DEADLINE_S): each count is the check
        return seen

    try:
        async with asyncio.timeout(DEADLINE_S):
            children.append(await Child.start(1, args, state))
            faults = asyncio.create_task(chaos.inject())
            phase = "typing, before the kill"
            killed_at = await wait_for_user_messages(children[0], int(KILL_AT * MESSAGES))
            await asyncio.sleep(kill_rng.uniform(0.0, 0.3))  # real time: a random kill moment
            await children[0].kill()
            chaos.note(f"SIGKILL child 1 ({killed_at}+ user messages in the history)")
            children.append(await Child.start(2, args, state))
            phase = "typing and draining, after the restart"
            second = children[1]
            drained = asyncio.create_task(second.drained.wait())
            exited = asyncio.create_task(second.proc.wait())
            await asyncio.wait({drained, exited}, return_when=asyncio.FIRST_COMPLETED)
            drained.cancel()
            exited.cancel()
            phase = "calming down"
            await chaos.calm()
            await faults
            chaos.note("faults stopped")
            calm_file.touch()
            phase = "final transcripts"
            returncode = await second.finish()
            if returncode != 0:
                problems.append(f"child 2 exited with {returncode}")
    except TimeoutError:
        problems.append(f"DEADLINE of {DEADLINE_S:.0f}s exceeded during: {phase}")
    except AssertionError as exc:
        problems.append(f"{exc} during: {phase}")
    finally:
        chaos.stop.set()
        if faults is not None:
            with contextlib.suppress(Exception):
                await faults
        for child in children:
            await child.kill()
        elapsed = time.monotonic() - chaos.started
        await proxy.stop()
        histories = await chaos.histories(conversations)
        await server.stop()

    client_ids = typed_client_ids(state)
    for conversation in conversations:
        planned = [t for c, t in plan if c == conversation]
        problems += check_history(names[conversation], planned, histories[conversation], client_ids)
    if outbox_counts(state)["sends"] == 0:
        problems.append(
            "no outbox send counted in the children's logs: did the outbox's log wording "
            "change? (OUTBOX_LOG_PATTERNS)"
        )
    retyped = {t: ids for t, ids in client_ids.items() if len(ids) > 1}
    if retyped:
        problems.append(f"TYPED TWICE by the scripted user: {retyped}")
    results_file = state / "transcripts.json"
    if results_file.exists():
        results = json.loads(results_file.read_text(encoding="utf-8"))
        for conversation in conversations:
            name = names[conversation]
            problems += check_transcript(
                name, histories[conversation], results["transcripts"].get(conversation)
            )
            if results["badges"].get(conversation):
                problems.append(f"{name}: {results['badges'][conversation]} entries not delivered")
        live = results.get("live")
        if live is not None:
            # Before any reload: what stayed on screen must be the server's too.
            conversation = live["conversation"]
            problems += check_transcript(
                f"{names[conversation]} (live, before the final reload)",
                histories[conversation],
                live["transcript"],
            )
    elif not problems:
        problems.append("the child wrote no transcripts.json")

    resumed = next(
        (
            line.split(" RESUME ", 1)[1]
            for c in children[1:]
            for line in c.lines
            if " RESUME " in line
        ),
        "?",
    )
    summary = (
        f"chaos {mode}: seed {seed}, {MESSAGES} messages over {CONVERSATIONS} conversations,"
        f" {elapsed:.1f}s; faults: {chaos.summary()}; child killed at {killed_at} user"
        f" messages, restarted with {resumed}; outbox: {outbox_stats(state)}"
    )
    print(summary)
    if problems:
        report = [
            summary,
            f"reproduce: CHAOS_SEED={seed} pytest '{Path(__file__).relative_to(REPO)}::"
            f"test_every_message_arrives_once_in_order_and_the_transcript_is_the_history[{mode}]'",
            *problems,
            "faults (last 30):",
            *(f"  {line}" for line in chaos.log[-30:]),
            *(child.tail() for child in children),
            log_tails(state),
            f"state (outbox, logs, typed.jsonl): {state}",
        ]
        pytest.fail("\n".join(line for line in report if line), pytrace=False)
