"""The scripted user of the chaos test: the real window, typing a plan, in its own process.

Run by ``tests/chaos/test_chaos.py`` (and by hand to reproduce a run)::

    python tests/chaos/scripted_user.py --server URL --plan PLAN.json --state-dir DIR --seed N

It builds the real :class:`~desktop_app.ui.main_window.MainWindow` on a qasync
loop (offscreen Qt) with scaled-down connection options, an outbox file and a
settings file in DIR, signs in with the demo account, and types the plan
(``{"conversations": [id, ...], "items": [[conversation_id, text], ...]}``)
into the composer, opening each item's conversation first (and pausing to read
it), at a seeded random pace. It may be killed (SIGKILL) at any moment and
started again with the same DIR: it then skips every item the outbox already
holds (undelivered, or delivered with that text), so nothing is typed twice and
nothing is skipped.

Once everything is typed it visits each conversation until its outbox is empty
(retrying a message marked Failed, as a user would), prints ``DRAINED``, waits
for ``--calm-file`` when given (the parent has stopped injecting faults), then
opens each conversation once more (a fresh history load), waits until the
server's history of it stops changing, and writes ``DIR/transcripts.json``:
the transcript of each conversation as ``[role, content]`` pairs.

Stdout carries progress lines (ids and counts, never message text); the app's
log goes to ``DIR/child-<pid>.log``; ``DIR/typed.jsonl`` maps each typed plan
item (its ``#NNN`` label) to the outbox's client id, to find it in the logs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from desktop_app.control.session import SessionController
from desktop_app.demo.server import DEMO_EMAIL, DEMO_PASSWORD
from desktop_app.net.chat import ChatWebSocketManager
from desktop_app.net.http import PlatformClient
from desktop_app.net.outbox import OutboxSender
from desktop_app.net.status import StatusWebSocketManager
from desktop_app.store.outbox import OutboxState, OutboxStore
from desktop_app.ui.loop import AppEventLoop
from desktop_app.ui.main_window import MainWindow, WindowServices
from desktop_app.ui.network import ManualNetworkSource
from desktop_app.ui.settings import Settings

#: The managers' options, scaled down from seconds to tens/hundreds of milliseconds.
MANAGER_OPTIONS: dict[str, Any] = {
    "reconnect_delay": 0.05,
    "max_reconnect_delay": 0.5,
    "max_reconnect_attempts": None,
    "stable_after": 0.5,
    "ping_interval": 0.5,
    "pong_timeout": 0.5,
    "send_probe_timeout": 0.5,
    "open_timeout": 3.0,
    "close_timeout": 0.5,
}
ECHO_TIMEOUT_S = 3.0
HTTP_TIMEOUT_S = 5.0
PACE_S = (0.003, 0.05)  # between two typed messages
READ_S = (0.05, 0.4)  # after opening a conversation, before typing into it
HISTORY_LOAD_TIMEOUT_S = 8.0  # then the conversation is opened again
QUIET_S = 1.0  # the server's history must stay unchanged this long before a snapshot
LIVE_CATCH_UP_S = 5.0  # then the snapshot is taken with whatever the window shows

logger = logging.getLogger("chaos.scripted_user")


def say(*parts: object) -> None:
    """One progress line on stdout (ids and counts only)."""
    print(f"{time.monotonic():.3f}", *parts, flush=True)


def label(text: str) -> str:
    """The ``#NNN`` label that starts every planned text."""
    return text.split(maxsplit=1)[0]


class ScriptedUser:
    def __init__(self, args: argparse.Namespace) -> None:
        plan = json.loads(Path(args.plan).read_text(encoding="utf-8"))
        self.conversations: list[str] = list(plan["conversations"])
        self.items: list[tuple[str, str]] = [(c, t) for c, t in plan["items"]]
        self.server: str = args.server
        self.state = Path(args.state_dir)
        self.seed: int = args.seed
        self.calm_file: Path | None = Path(args.calm_file) if args.calm_file else None
        self.store = OutboxStore(self.state / "outbox.sqlite3")
        self.client = PlatformClient(self.server, timeout_s=HTTP_TIMEOUT_S)
        self.window: MainWindow | None = None
        self.resets = 0  # transcript model resets: one per history shown

    def short(self, conversation_id: str) -> str:
        return f"c{self.conversations.index(conversation_id)}"

    # --- start-up ----------------------------------------------------------------

    async def sign_in(self) -> None:
        attempt = 0
        while True:
            attempt += 1
            try:
                await self.client.sign_in(DEMO_EMAIL, DEMO_PASSWORD)
            except Exception as exc:  # the server may be down or black-holed right now
                say("SIGNIN-RETRY", attempt, type(exc).__name__)
                await asyncio.sleep(0.2)  # real time: a person's pause before trying again
            else:
                say("SIGNED-IN", attempt)
                return

    def build_window(self) -> MainWindow:
        chat = ChatWebSocketManager(self.server, **MANAGER_OPTIONS)
        status = StatusWebSocketManager(self.server, **MANAGER_OPTIONS)
        session = SessionController(self.client, [chat, status], server_key="chaos", store=None)
        outbox = OutboxSender(self.store, chat, self.client.history, echo_timeout=ECHO_TIMEOUT_S)
        settings = Settings(QSettings(str(self.state / "settings.ini"), QSettings.Format.IniFormat))
        window = MainWindow(
            WindowServices(
                server_label=self.server,
                settings_key="chaos",
                chat=chat,
                status=status,
                client=self.client,
                network=ManualNetworkSource(),
                settings=settings,
                outbox=outbox,
                session=session,
                demo_account=(DEMO_EMAIL, DEMO_PASSWORD),
                open_url=lambda _url: None,
            )
        )
        window.transcript.modelReset.connect(self._on_reset)
        window.show()
        return window

    def _on_reset(self) -> None:
        self.resets += 1

    @property
    def outbox(self) -> OutboxSender:
        """The window's outbox (its memory: the file belongs to the writer's thread)."""
        assert self.window is not None
        return self.window.services.outbox

    def already_typed(self) -> list[bool]:
        """Which plan items the outbox holds: undelivered, or delivered with that text."""
        waiting = {(e.conversation_id, e.text) for e in self.outbox.undelivered()}
        return [
            (conv, text) in waiting or self.outbox.delivered_count(conv, text) > 0
            for conv, text in self.items
        ]

    # --- typing --------------------------------------------------------------------

    @staticmethod
    async def send(window: MainWindow) -> None:
        """Press Send; return once the outbox has it on disk (or refused it)."""
        window.on_send()
        if window.sending is not None:
            await window.sending

    async def type_plan(self) -> None:
        window = self.window
        assert window is not None
        typed = self.already_typed()
        first = next((i for i, done in enumerate(typed) if not done), len(typed))
        gaps = [i for i in range(first, len(typed)) if typed[i]]
        say("RESUME", f"typed={sum(typed)}/{len(typed)}", f"first_untyped={first}")
        if gaps:
            # Items typed after one the outbox does not hold: that one was lost.
            say("GAP", "items after the first untyped one are in the outbox:", gaps[:20])
        rng = random.Random(f"{self.seed}:{first}")
        count = 0
        with (self.state / "typed.jsonl").open("a", encoding="utf-8") as record:
            for index, (conv, text) in enumerate(self.items):
                if typed[index]:
                    continue
                if window.conversation_id != conv:
                    window.open_conversation(conv)
                    say("OPEN", self.short(conv), f"at={index}")
                    await asyncio.sleep(rng.uniform(*READ_S))  # real time: reading
                window.composer.setPlainText(text)
                await self.send(window)
                while window.composer.text():  # refused (outbox full): wait, send again
                    say("REFUSED", index)
                    await asyncio.sleep(0.5)  # real time: a person's pause before resending
                    await self.send(window)
                queued = self.outbox.undelivered(conv)
                client_id = queued[-1].client_id if queued else None
                record.write(
                    json.dumps(
                        {
                            "index": index,
                            "label": label(text),
                            "conversation": self.short(conv),
                            "client_id": client_id,
                            "pid": os.getpid(),
                        }
                    )
                    + "\n"
                )
                record.flush()
                count += 1
                if count % 20 == 0:
                    say("TYPED", f"{index + 1}/{len(self.items)}")
                await asyncio.sleep(rng.uniform(*PACE_S))  # real time: typing pace
        say("TYPED-ALL", f"this_run={count}")

    # --- draining ------------------------------------------------------------------

    async def open_and_load(self, conv: str) -> None:
        """Open ``conv`` and wait until its history is shown (opening again if it fails)."""
        window = self.window
        assert window is not None
        while True:
            window.open_conversation(conv)
            shown = self.resets  # a switch clears the transcript at once (one reset)
            deadline = time.monotonic() + HISTORY_LOAD_TIMEOUT_S
            while self.resets == shown and time.monotonic() < deadline:
                await asyncio.sleep(0.02)  # polling with a deadline: each look is the check
            if self.resets > shown:
                return
            say("HISTORY-RETRY", self.short(conv))

    async def drain(self) -> None:
        window = self.window
        assert window is not None
        outbox = window.services.outbox
        say("DRAIN")
        rounds = 0
        while True:
            rounds += 1
            for conv in self.conversations:
                window.open_conversation(conv)
                started = reported = time.monotonic()
                while pending := self.outbox.undelivered(conv):
                    for entry in pending:
                        if entry.state is OutboxState.FAILED:
                            say("RETRY", self.short(conv), entry.client_id)
                            outbox.retry(entry.client_id)
                    if time.monotonic() - reported > 5:
                        reported = time.monotonic()
                        states = [
                            f"{e.client_id[:8]}:{e.state.value}/{e.attempts}" for e in pending
                        ]
                        say("WAITING", self.short(conv), f"pending={len(pending)}", *states[:5])
                    await asyncio.sleep(0.05)  # polling: each look at the outbox is the check
                waited = time.monotonic() - started
                say("EMPTY", self.short(conv), f"waited={waited:.2f}s")
            if not self.outbox.undelivered():
                break
        say("DRAINED", f"rounds={rounds}")

    # --- the final transcripts -------------------------------------------------------

    async def quiet_history(self, conv: str) -> tuple[int, list[tuple[str, str]]]:
        """Wait until the server's history of ``conv`` stays unchanged for QUIET_S.

        How many times it changed meanwhile, and the history as it then stands.
        """
        previous: list[tuple[str, str]] | None = None
        since = time.monotonic()
        changes = 0
        while True:
            try:
                now = [(m.role.value, m.content) for m in await self.client.history(conv)]
            except Exception as exc:
                say("HISTORY-ERROR", self.short(conv), type(exc).__name__)
                await asyncio.sleep(0.2)  # real time: a pause before asking the server again
                continue
            if now != previous:
                changes += previous is not None
                previous, since = now, time.monotonic()
            elif time.monotonic() - since >= QUIET_S:
                return changes, now
            await asyncio.sleep(0.2)  # real time is the subject: quiet for QUIET_S

    async def live_caught_up(self, history: list[tuple[str, str]]) -> None:
        """Until the window shows every message of the quiet ``history``: the live frames
        the server sent have all arrived. After LIVE_CATCH_UP_S the snapshot is taken
        anyway, and the comparison shows what is missing."""
        deadline = time.monotonic() + LIVE_CATCH_UP_S
        while time.monotonic() < deadline:
            shown = Counter((role, content) for role, content in self.transcript_pairs())
            if not Counter(history) - shown:
                return
            await asyncio.sleep(0.05)  # polling with a deadline: each look is the check

    def transcript_pairs(self) -> list[list[str]]:
        assert self.window is not None
        return [[e.role.value, e.content] for e in self.window.transcript.entries()]

    def badges(self) -> int:
        """Transcript entries not shown as delivered (Queued, Sending…, Failed)."""
        assert self.window is not None
        return sum(e.state.value != "delivered" for e in self.window.transcript.entries())

    async def final_transcripts(self) -> dict[str, Any]:
        window = self.window
        assert window is not None
        result: dict[str, Any] = {"transcripts": {}, "badges": {}, "undelivered": {}}
        # The conversation that was open the whole time, before any reload: live only.
        current = window.conversation_id
        if current is not None:
            _, history = await self.quiet_history(current)
            await self.live_caught_up(history)
            result["live"] = {"conversation": current, "transcript": self.transcript_pairs()}
        # Start with another conversation, so that every open is a switch and a fresh load.
        order = list(self.conversations)
        if current in order:
            order.remove(current)
            order.append(current)
        for conv in order:
            await self.open_and_load(conv)
            changes, history = await self.quiet_history(conv)
            await self.live_caught_up(history)
            pairs = self.transcript_pairs()
            result["transcripts"][conv] = pairs
            result["badges"][conv] = self.badges()
            result["undelivered"][conv] = len(self.outbox.undelivered(conv))
            say("SNAPSHOT", self.short(conv), f"entries={len(pairs)}", f"changes={changes}")
        return result

    # --- the whole run ---------------------------------------------------------------

    async def run(self) -> int:
        say("START", f"pid={os.getpid()}", f"seed={self.seed}", f"items={len(self.items)}")
        await self.sign_in()
        self.window = self.build_window()
        try:
            await self.type_plan()
            await self.drain()
            if self.calm_file is not None:
                while not self.calm_file.exists():
                    await asyncio.sleep(0.05)  # polling a file the parent writes: the event
                say("CALM")
            result = await self.final_transcripts()
            path = self.state / "transcripts.json"
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
            tmp.replace(path)
            say("WROTE", path.name)
        finally:
            await self.close()
        say("EXIT", 0)
        return 0

    async def close(self) -> None:
        window = self.window
        if window is not None:
            window.close()
            await window.tasks.cancel_all()
            await window.controller.aclose()
            await window.services.outbox.aclose()
            await window.services.chat.aclose()
            await window.services.status.aclose()
        await self.client.aclose()
        self.store.close()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--server", required=True, help="base URL, e.g. http://127.0.0.1:8765")
    parser.add_argument("--plan", required=True, help="the plan (JSON)")
    parser.add_argument("--state-dir", required=True, help="outbox, settings, logs, results")
    parser.add_argument("--seed", type=int, required=True, help="seeds the typing pace")
    parser.add_argument("--calm-file", help="wait for this file before the final transcripts")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    state = Path(args.state_dir)
    state.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        filename=state / f"child-{os.getpid()}.log",
        level=logging.INFO,
        format="%(asctime)s.%(msecs)03d %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    loop = AppEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        return int(loop.run_until_complete(ScriptedUser(args).run()))


if __name__ == "__main__":
    sys.exit(main())
